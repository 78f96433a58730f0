#!/usr/bin/env python3
"""Build-time benchmark of the booklet builder (issue 6). Prints figures; it is not a test.

    python bench/run.py            # everything: (a) the shipped sample, (b) a generated ~200-page booklet
    python bench/run.py --quick    # smoke test: part (a) only, with two languages

Every build runs ``python build.py`` as a subprocess, exactly as a user would, and is measured
from outside: wall time, CPU time (user + sys of the process and of the worker processes it
waited for, from ``os.wait4``), peak memory per process (``ru_maxrss``: the largest resident
set of any single process of the build, not the sum over the parallel workers) and pages (the
sum of the PDF page counts in ``<out>/manifest.json``).

The builder caches font subsets under ``$XDG_CACHE_HOME/booklet/fonts``; each build here gets a
private cache folder, either empty ("cold") or left by an earlier build of the same text ("warm").
Everything runs on a snapshot of the working tree (build.py, booklet/ (with booklet/templates/), content/,
locales/, ...; not .git, tests, dist) copied into the work folder at the start, so edits made to the working tree meanwhile do not mix versions.
The "other load" column is the CPU the rest of the machine used during a run (from /proc/stat):
when it is high, wall times are inflated and the CPU times are the figures to compare.

(a) The shipped sample (content/ and locales/ at the repository root):
    - a full build of every language and format with ``--jobs N`` (N = the number of cores),
      with a cold and with a warm font cache;
    - the loop a user would otherwise write: ``--lang L --format pdf --jobs 1`` per language,
      one after another; the ratio full build / loop has the target <= 0.6;
    - a no-op rebuild: the full build again into the same output folder (target < 0.5 s once
      incremental builds exist).
(b) A generated large booklet (about 200 A5 pages in the same eight languages), written into a
    temporary folder from the sample's own sections and translations: full build, the cost
    per language (1, 2, 4 and 8 languages with --lang) and per page (a half-size variant).
    A profile of one language's build (in a separate process, sampled every 2 ms, weighted by CPU
    time) shows where the time goes: the call tree below the pipeline's build_language and self time
    by package.

Only the standard library and the project's own dependencies (babel, pyyaml) are used.
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

#: The working tree. The benchmark runs on a snapshot of it (see snapshot()), so that edits made
#: while it runs cannot mix two versions of the builder or invalidate the no-op rebuild.
ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build.py"
#: Top-level entries not copied into the snapshot (everything else is: the builder, its templates and the sample booklet).
SNAPSHOT_SKIP = {".git", ".venv", "venv", "dist", "tests", "bench", "docs", "scripts", ".ci", ".pytest_cache", ".benchmarks",
                 ".booklet-cache", ".preview", "build"}
#: ru_maxrss is in kilobytes on Linux and in bytes on macOS.
RSS_UNIT = 1 if sys.platform == "darwin" else 1024


# --------------------------------------------------------------------------------------------
# Measuring one command


@dataclass
class Run:
    """One measured build (or a sum of several, for the per-language loop)."""

    label: str
    wall: float = 0.0
    cpu: float = 0.0
    rss: int = 0            # bytes, the largest single process
    pages: int = 0
    langs: int = 0
    ok: bool = True
    error: str = ""
    commands: int = 0
    formats: tuple[str, ...] = ()
    built: int = 0          # languages whose output files were (re)written
    #: CPU seconds the rest of the machine used during the run (other users' load distorts wall times).
    other: float | None = None

    def add(self, other: "Run") -> None:
        """Accumulate another run (run one after another)."""
        self.wall += other.wall
        self.cpu += other.cpu
        self.rss = max(self.rss, other.rss)
        self.pages += other.pages
        self.langs += other.langs
        self.commands += other.commands
        self.built += other.built
        if other.other is not None:
            self.other = (self.other or 0.0) + other.other
        if not other.ok:
            self.ok, self.error = False, self.error or other.error


def snapshot(work: Path) -> Path:
    """Copy the builder and the sample booklet into ``work``/tree and run everything from there."""
    global ROOT, BUILD
    tree = work / "tree"
    tree.mkdir(parents=True)
    for source in sorted(ROOT.iterdir()):
        if source.name in SNAPSHOT_SKIP or source.name.endswith(".egg-info"):
            continue
        if source.is_dir():
            shutil.copytree(source, tree / source.name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".booklet-state.json", ".staging-*"))
        elif source.is_file():
            shutil.copy2(source, tree / source.name)
    ROOT, BUILD = tree, tree / "build.py"
    return tree


def fresh_cache(work: Path) -> Path:
    """Return a new, empty folder to use as XDG_CACHE_HOME (the builder caches font subsets there)."""
    return Path(tempfile.mkdtemp(prefix="cache-", dir=work))


def measure(label: str, args: list[str], out: Path | None, langs: int, cache: Path) -> Run:
    """Run ``python build.py ARGS`` with XDG_CACHE_HOME=cache and measure it from outside with os.wait4."""
    command = [sys.executable, str(BUILD), *args]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    before = output_files(out) if out is not None else {}
    with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
        busy_before = machine_busy_seconds()
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        busy_after = machine_busy_seconds()
        process.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        err_text = stderr.read().decode("utf-8", "replace")
        stdout.seek(0)
        out_text = stdout.read().decode("utf-8", "replace")
    run = Run(label, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * RSS_UNIT, langs=langs, commands=1)
    if busy_before is not None and busy_after is not None:
        run.other = max(0.0, busy_after - busy_before - run.cpu)
    if process.returncode != 0:
        run.ok = False
        shown = " ".join(command[1:])
        lines = [line for line in (err_text + out_text).splitlines() if line.strip()]
        run.error = f"`python {shown}` exited with {process.returncode}:\n" + "\n".join("    " + line for line in lines[-25:])
        print(f"  FAILED {label}\n{run.error}", file=sys.stderr, flush=True)
        return run
    if out is not None:
        run.pages, run.formats = manifest_pages(out)
        after = output_files(out)
        run.built = len({lang for path, (lang, stamp) in after.items() if before.get(path) != (lang, stamp)})
    print(f"  {label}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, {run.rss / 2**20:.0f} MB, {run.pages} pages, "
          f"{run.built} languages built"
          + (f", {run.other:.1f} s CPU used by other processes meanwhile" if run.other is not None else ""), file=sys.stderr, flush=True)
    return run


def manifest_pages(out: Path) -> tuple[int, tuple[str, ...]]:
    """Sum the page counts of the PDFs listed in the output folder's manifest; list its formats."""
    try:
        data = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 0, ()
    outputs = data.get("outputs", [])
    formats = tuple(sorted({str(entry.get("format")) for entry in outputs}))
    return sum(entry.get("pages") or 0 for entry in outputs if entry.get("format") == "pdf"), formats


def output_files(out: Path) -> dict[str, tuple[str, tuple[int, int]]]:
    """Map each output listed in the manifest to its language and (inode, mtime), to see which languages were rewritten."""
    try:
        entries = json.loads((out / "manifest.json").read_text(encoding="utf-8")).get("outputs", [])
    except (OSError, ValueError):
        return {}
    files = {}
    for entry in entries:
        try:
            stat = (out / entry["path"]).stat()
        except (OSError, KeyError, TypeError):
            continue
        files[entry["path"]] = (str(entry.get("lang")), (stat.st_ino, stat.st_mtime_ns))
    return files


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot (Linux /proc/stat), to see other load."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)     # idle + iowait
    busy = sum(fields[:8]) - idle                                # guest time is already inside user
    return busy / os.sysconf("SC_CLK_TCK")


def booklet_languages(root: Path) -> list[str]:
    """Read the languages list of a booklet (as written in booklet.yaml)."""
    import yaml

    with (root / "content" / "booklet.yaml").open(encoding="utf-8") as handle:
        return [str(lang) for lang in yaml.safe_load(handle)["languages"]]


# --------------------------------------------------------------------------------------------
# Part (a): the shipped sample


def bench_sample(work: Path, langs: list[str], jobs: int, repeat: int) -> dict[str, Run]:
    """Full builds (cold and warm font cache), no-op rebuild and per-language loop of the shipped sample."""
    lang_args = ["--lang", ",".join(langs)] if langs != booklet_languages(ROOT) else []
    print(f"(a) sample booklet, {len(langs)} languages: {', '.join(langs)}", file=sys.stderr, flush=True)
    # Warm-up (not reported): fills the OS file cache and fontconfig's cache; its font-subset cache is thrown away.
    measure("warm-up", ["--lang", langs[0], "--format", "pdf", "--out", str(work / "warm-up")], work / "warm-up", 1, fresh_cache(work))
    runs: dict[str, Run] = {}
    cold, warm, noop, caches = [], [], [], []
    for attempt in range(repeat):
        cache = fresh_cache(work)
        caches.append(cache)
        out = work / f"sample-cold-{attempt}"
        cold.append(measure(f"full build, cold font cache #{attempt + 1}", ["--out", str(out), "--jobs", str(jobs), *lang_args], out, len(langs), cache))
        noop.append(measure(f"no-op rebuild #{attempt + 1}", ["--out", str(out), "--jobs", str(jobs), *lang_args], out, len(langs), cache))
        out = work / f"sample-warm-{attempt}"
        warm.append(measure(f"full build, warm font cache #{attempt + 1}", ["--out", str(out), "--jobs", str(jobs), *lang_args], out, len(langs), cache))
    runs["cold"] = median_run(cold, f"full build (--jobs {jobs}, all formats), cold font cache")
    runs["full"] = median_run(warm, f"full build (--jobs {jobs}, all formats), warm font cache")
    runs["noop"] = median_run(noop, "no-op rebuild (same --out)")
    loops = []
    for attempt in range(repeat):
        loop = Run(f"loop: {len(langs)} x --lang L --format pdf --jobs 1", langs=0)
        for lang in langs:
            out = work / f"sample-loop-{attempt}-{lang}"
            loop.add(measure(f"loop {lang}", ["--lang", lang, "--format", "pdf", "--jobs", "1", "--out", str(out)], out, 1, caches[attempt]))
        loops.append(loop)
    runs["loop"] = median_run(loops, loops[0].label)
    return runs


def median_run(runs: list[Run], label: str) -> Run:
    """Return the run with the median wall time, relabelled (the runs themselves are printed as they go)."""
    chosen = sorted(runs, key=lambda r: r.wall)[len(runs) // 2] if all(r.ok for r in runs) else next(r for r in runs if not r.ok)
    chosen = copy.copy(chosen)
    chosen.label = label + (f" (median of {len(runs)})" if len(runs) > 1 else "")
    return chosen


# --------------------------------------------------------------------------------------------
# Part (b): a generated large booklet

SENTENCE_END = re.compile(r"(?<=[.!?؟。])\s+(?=\S)")


def _dumper():
    """Return a SafeDumper subclass without aliases and with readable Unicode."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data):
            return True

    return Dumper


def _balanced(piece: str) -> bool:
    """Whether a sentence keeps its inline markup whole (so moving it cannot break a link or an emphasis)."""
    return (piece.count("*") % 2 == 0 and piece.count("[") == piece.count("]") and piece.count("(") == piece.count(")")
            and piece.count("{") == piece.count("}"))


def rotate_sentences(text: str, shift: int) -> str:
    """Rotate a text's sentences by ``shift``: same words, placeholders and markup, a different string."""
    pieces = SENTENCE_END.split(text.strip())
    if len(pieces) < 2 or not all(_balanced(p) for p in pieces):
        return text
    shift %= len(pieces)
    return " ".join(pieces[shift:] + pieces[:shift])


class Generator:
    """Write a large booklet from the sample's sections, and remember how each new string was derived."""

    def __init__(self, sample: Path):
        import yaml

        self.sample = sample
        self.yaml = yaml
        #: (msgid, context) of a generated string -> (source msgid, how to derive a translation from the source's).
        self.derived: dict[tuple[str, str | None], tuple[str, object]] = {}
        meta_text = (sample / "content" / "booklet.yaml").read_text(encoding="utf-8")
        self.meta_text = meta_text
        names = yaml.safe_load(meta_text)["sections"]
        self.sections = {name: yaml.safe_load((sample / "content" / "sections" / f"{name}.yaml").read_text(encoding="utf-8"))
                         for name in names}
        self.chapters = [n for n, s in self.sections.items() if s.get("kind", "chapter") == "chapter" and not _has_block(s, "sources")]
        self.front = [n for n, s in self.sections.items() if s.get("kind") in ("cover", "contents")]
        self.back = [n for n, s in self.sections.items() if n not in self.chapters and n not in self.front]

    # Translatable values are a string or a mapping with text (and note, context).

    def _vary(self, value, derive_source, derive_translation):
        """Return ``value`` with its text changed by ``derive_source``; remember how to translate it."""
        text, context = (value, None) if isinstance(value, str) else (value["text"], value.get("context"))
        new = derive_source(text)
        if new == text:
            return value
        self.derived.setdefault((new, context), (text, derive_translation))
        return new if isinstance(value, str) else {**value, "text": new}

    def rotated(self, value, shift: int):
        """A paragraph with its sentences rotated; its translation is the sample translation rotated."""
        return self._vary(value, lambda t: rotate_sentences(t, shift), lambda t: rotate_sentences(t, shift))

    def numbered(self, value, number: int):
        """A title with a part number; its translation is the sample translation with the same number."""
        return self._vary(value, lambda t: f"{t} ({number})", lambda t: f"{t} ({number})")

    def vary_blocks(self, blocks: list, variant: int) -> list:
        """Vary a section's blocks for one copy: paragraphs, notes and timeline entries rotate."""
        result = []
        for block in copy.deepcopy(blocks):
            (kind, value), = block.items()
            if variant and kind in ("paragraph", "note"):
                value = self.rotated(value, variant)
            elif variant and kind == "timeline":
                value = [{**item, "text": self.rotated(item["text"], variant)} for item in value]
            result.append({kind: value})
        return result

    def write(self, folder: Path, sections: int, parts: int) -> dict:
        """Write a booklet of ``sections`` chapters, each made of ``parts`` sample chapters."""
        content = folder / "content" / "sections"
        content.mkdir(parents=True, exist_ok=True)
        (folder / "locales").mkdir(exist_ok=True)
        dumper = _dumper()
        order = list(self.front)
        for index in range(sections):
            blocks = []
            title = None
            for part in range(parts):
                name = self.chapters[(index + part * 3) % len(self.chapters)]
                variant = (index + part) // len(self.chapters)
                source = self.sections[name]
                part_title = self.numbered(source["title"], variant + 1) if variant else source["title"]
                if part == 0:
                    title = part_title
                else:
                    blocks.append({"heading": part_title})
                blocks.extend(self.vary_blocks(source["blocks"], variant))
            file_name = f"part-{index + 1:02d}"
            data = {"id": file_name, "title": title, "blocks": blocks}
            (content / f"{file_name}.yaml").write_text(
                self.yaml.dump(data, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
            order.append(file_name)
        for name in self.front + self.back:
            shutil.copyfile(self.sample / "content" / "sections" / f"{name}.yaml", content / f"{name}.yaml")
        order += self.back
        (folder / "content" / "booklet.yaml").write_text(replace_sections(self.meta_text, order), encoding="utf-8")
        return {"sections": len(order), "chapters": sections}

    def write_catalogs(self, folder: Path) -> dict[str, int]:
        """Extract the template with the builder, then write every non-source catalog directly with Babel."""
        from babel.messages.catalog import Catalog
        from babel.messages.pofile import read_po

        sys.path.insert(0, str(ROOT))
        from booklet.pofile import write_catalog

        done = subprocess.run([sys.executable, str(BUILD), "--source", str(folder), "extract"], cwd=ROOT,
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"`python build.py --source {folder} extract` failed:\n{done.stderr}{done.stdout}")
        with (folder / "locales" / "booklet.pot").open("rb") as handle:
            template = read_po(handle, domain="booklet")
        meta = self.yaml.safe_load(self.meta_text)
        counts = {"messages": sum(1 for m in template if m.id), "catalogs": 0, "copied": 0, "derived": 0, "pseudo": 0}
        for lang in meta["languages"]:
            if lang == meta["source_language"]:
                continue
            sample_path = self.sample / "locales" / lang / "LC_MESSAGES" / "booklet.po"
            sample = None
            if sample_path.is_file():
                with sample_path.open("rb") as handle:
                    sample = read_po(handle, locale=lang, domain="booklet")
            catalog = Catalog(locale=lang, domain="booklet", project=template.project, fuzzy=False, charset="utf-8",
                              creation_date=template.creation_date, revision_date=template.creation_date)
            for message in template:
                if not message.id:
                    continue
                string, how = self._translate(message, sample, lang, catalog.num_plurals)
                counts[how] += 1
                catalog.add(message.id, string, locations=message.locations, auto_comments=message.auto_comments,
                            flags=message.flags - {"fuzzy"}, context=message.context)
            counts["catalogs"] += 1
            path = folder / "locales" / lang / "LC_MESSAGES" / "booklet.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(write_catalog(catalog))
        return counts

    def _translate(self, message, sample, lang: str, nplurals: int):
        """Return (msgstr, how): the sample's translation, one derived from it, or a pseudo-translation."""
        found = _usable(sample, message.id, message.context, nplurals)
        if found is not None:
            return found, "copied"
        if isinstance(message.id, str) and (message.id, message.context) in self.derived:
            source, derive = self.derived[(message.id, message.context)]
            base = _usable(sample, source, message.context, nplurals)
            if base is not None:
                return derive(base), "derived"
        return pseudo(message.id, lang, nplurals), "pseudo"


def _has_block(section: dict, kind: str) -> bool:
    """Whether a section has a block of the given type."""
    return any(kind in block for block in section.get("blocks") or [])


def _usable(sample, msgid, context, nplurals: int):
    """Return a sample catalog's non-fuzzy, complete translation of a message, or None."""
    if sample is None:
        return None
    found = sample.get(msgid, context=context)
    if found is None or found.fuzzy or not found.string:
        return None
    if isinstance(found.string, tuple):
        return found.string if len(found.string) == nplurals and all(found.string) else None
    return found.string


def pseudo(msgid, lang: str, nplurals: int):
    """A deterministic pseudo-translation: the source with the language code in front (markup untouched)."""
    if isinstance(msgid, (tuple, list)):
        one, other = msgid[0], msgid[1]
        return tuple(f"({lang}) {one if index == 0 else other}" for index in range(nplurals))
    return f"({lang}) {msgid}"


def replace_sections(meta_text: str, names: list[str]) -> str:
    """Replace the ``sections:`` list of booklet.yaml's text, keeping every other line as written."""
    lines = meta_text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(r"^sections\s*:", line))
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t", "-")):
        end += 1
    block = "sections:\n" + "".join(f"  - {name}\n" for name in names)
    return "".join(lines[:start]) + block + "".join(lines[end:])


def generate(folder: Path, sections: int, parts: int) -> dict:
    """Write a generated booklet and its catalogs; return what was written."""
    generator = Generator(ROOT)
    start = time.perf_counter()
    info = generator.write(folder, sections, parts)
    info.update(generator.write_catalogs(folder))
    info["seconds"] = time.perf_counter() - start
    return info


def formats_of(run: Run) -> tuple[str, ...]:
    """The formats a run wrote (from its manifest), the reader's PDF first."""
    return tuple(sorted(run.formats, key=lambda name: (name != "pdf", name)))


def bench_large(work: Path, jobs: int, sections: int, parts: int) -> dict:
    """Full build of a generated large booklet, then 1/2/4 languages and a half-size variant."""
    results: dict = {"runs": {}, "gen": {}}
    large, half = work / "large", work / "half"
    print(f"(b) generating a booklet of {sections} chapters in {large}", file=sys.stderr, flush=True)
    try:
        results["gen"]["large"] = generate(large, sections, parts)
        results["gen"]["half"] = generate(half, max(1, sections // 2), parts)
    except Exception as error:  # noqa: BLE001 - reported, not hidden
        results["error"] = f"generating the booklet failed: {error}"
        print(results["error"], file=sys.stderr)
        return results
    langs = booklet_languages(large)
    runs = results["runs"]
    # Every build of part (b) starts from an empty font-subset cache, so that the runs compare;
    # one warm rebuild into a new folder shows what the cache saves.
    cache = fresh_cache(work)
    out = work / "large-full"
    runs["full"] = measure(f"large: full build, {len(langs)} languages (--jobs {jobs}), cold",
                           ["--source", str(large), "--out", str(out), "--jobs", str(jobs)], out, len(langs), cache)
    out = work / "large-full-warm"
    runs["warm"] = measure(f"large: full build, {len(langs)} languages, warm font cache",
                           ["--source", str(large), "--out", str(out), "--jobs", str(jobs)], out, len(langs), cache)
    for count in (1, 2, 4):
        if count >= len(langs):
            continue
        subset = langs[:count]
        out = work / f"large-{count}"
        runs[f"langs-{count}"] = measure(f"large: --lang {','.join(subset)}, cold",
                                         ["--source", str(large), "--out", str(out), "--jobs", str(jobs), "--lang", ",".join(subset)],
                                         out, count, fresh_cache(work))
    runs[f"langs-{len(langs)}"] = runs["full"]
    out = work / "half-full"
    runs["half"] = measure(f"half-size: full build, {len(langs)} languages (--jobs {jobs}), cold",
                           ["--source", str(half), "--out", str(out), "--jobs", str(jobs)], out, len(langs), fresh_cache(work))
    for fmt in formats_of(runs["full"]) or ("pdf", "epub"):
        out = work / f"large-{langs[0]}-{fmt}"
        runs[f"fmt-{fmt}"] = measure(f"large: --lang {langs[0]} --format {fmt} --jobs 1, cold",
                                     ["--source", str(large), "--out", str(out), "--jobs", "1", "--lang", langs[0], "--format", fmt],
                                     out, 1, fresh_cache(work))
    results["langs"] = langs
    return results


# --------------------------------------------------------------------------------------------
# Stage breakdown: one language, in a separate process, each stage of the pipeline timed


STAGES_CODE = r'''
import io, json, os, sys, threading, time
root, lang, out, package, interval = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5])
# A sampling profiler: every few milliseconds, the main thread's stack is recorded and weighted with
# the process CPU time used since the previous sample (so other load on the machine does not count,
# and unlike cProfile it hardly slows Python-heavy code such as fontTools down).
main_thread, samples, stop = threading.main_thread().ident, {}, threading.Event()
def sampler():
    last = time.process_time()
    while not stop.wait(interval):
        frame = sys._current_frames().get(main_thread)
        now = time.process_time()
        weight, last = now - last, now
        stack = []
        while frame is not None:
            stack.append((frame.f_code.co_filename, frame.f_code.co_name))
            frame = frame.f_back
        key = tuple(reversed(stack))
        samples[key] = samples.get(key, 0.0) + weight
thread = threading.Thread(target=sampler, daemon=True)
cpu0, wall0 = time.process_time(), time.perf_counter()
thread.start()
from booklet.cli import main
stdout, stderr = io.StringIO(), io.StringIO()
rc = main(["--source", root, "build", "--lang", lang, "--jobs", "1", "--out", out], stdout=stdout, stderr=stderr)
stop.set(); thread.join()
result = {"rc": rc, "cpu": time.process_time() - cpu0, "wall": time.perf_counter() - wall0,
          "errors": stderr.getvalue()[-1500:] if rc else "", "total": sum(samples.values())}

def ours(path):
    return path.startswith(package + os.sep)

def label(path, name):
    if ours(path):
        return f"{os.path.relpath(path, package)}:{name}"
    if "site-packages" in path:
        return f"{path.split('site-packages' + os.sep, 1)[1]}:{name}"
    return f"{os.path.basename(path)}:{name}"

def package_of(path):
    if ours(path):
        return "booklet (the builder)"
    if "site-packages" in path:
        return path.split("site-packages" + os.sep, 1)[1].split(os.sep)[0].removesuffix(".py")
    if path.startswith("<frozen importlib"):
        return "imports"
    return "Python standard library"

# The call tree below build_language: the builder's own frames, then the first library frame as a leaf.
tree, packages, outside = {}, {}, 0.0
for stack, weight in samples.items():
    packages[package_of(stack[-1][0])] = packages.get(package_of(stack[-1][0]), 0.0) + weight
    start = next((i for i, (path, name) in enumerate(stack) if name == "build_language" and ours(path)), None)
    if start is None:
        outside += weight
        continue
    path_labels = []
    for path, name in stack[start:]:
        path_labels.append(label(path, name))
        if not ours(path):
            break
    for depth in range(1, len(path_labels) + 1):
        key = tuple(path_labels[:depth])
        tree[key] = tree.get(key, 0.0) + weight
rows = []
def walk(prefix):
    kids = sorted((k for k in tree if len(k) == len(prefix) + 1 and k[:len(prefix)] == prefix), key=lambda k: -tree[k])
    for key in kids:
        if tree[key] >= 0.02 * result["total"] and len(key) <= 8:
            rows.append([len(key) - 1, key[-1], tree[key]])
            walk(key)
walk(())
rows.append([0, "outside build_language (imports, loading, checks, writing the manifest)", outside])
result["tree"] = rows
result["packages"] = sorted(packages.items(), key=lambda kv: -kv[1])
print(json.dumps(result))
'''


def stage_breakdown(root: Path, lang: str, cache: Path) -> dict:
    """Profile one language's build (every format, --jobs 1) in a fresh process, with an empty font-subset cache.

    The CLI is driven in-process under a sampling profiler weighted by CPU time; the report is the
    call tree below the pipeline's build_language (the builder's own functions expanded, libraries
    as leaves) and self time by package (the innermost Python frame; C code counts for its caller).
    """
    out = Path(tempfile.mkdtemp(prefix="stages-", dir=cache))
    done = subprocess.run([sys.executable, "-c", STAGES_CODE, str(root), lang, str(out), str(ROOT / "booklet"), "0.002"],
                          cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(cache)})
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (done.stderr or done.stdout).strip()[-2000:]}


# --------------------------------------------------------------------------------------------
# Report


def machine_line(jobs: int) -> str:
    """Describe the machine: cores, OS, Python, WeasyPrint."""
    try:
        from importlib.metadata import version

        weasy = version("weasyprint")
    except Exception:  # noqa: BLE001
        weasy = "?"
    memory = ""
    try:
        kb = int(next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 2**20:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        pass
    return (f"machine: {os.cpu_count()} CPUs{memory}, {platform.platform()}, Python {platform.python_version()}, "
            f"WeasyPrint {weasy}; builds with --jobs {jobs}")


def table(runs: list[Run]) -> list[str]:
    """Format runs as a fixed-width table."""
    header = ("run", "wall s", "CPU s", "CPU/wall", "peak MB/proc", "pages", "pages/s", "CPU ms/page", "wall s/lang", "other load")
    rows = [header]
    for run in runs:
        if not run.ok:
            rows.append((run.label, "FAILED", "", "", "", "", "", "", "", ""))
            continue
        rows.append((
            run.label, f"{run.wall:.2f}", f"{run.cpu:.2f}", f"{run.cpu / run.wall:.2f}" if run.wall else "-",
            f"{run.rss / 2**20:.0f}", str(run.pages) if run.pages else "-",
            f"{run.pages / run.wall:.1f}" if run.pages and run.wall else "-",
            f"{1000 * run.cpu / run.pages:.0f}" if run.pages else "-",
            f"{run.wall / run.langs:.2f}" if run.langs else "-",
            f"{run.other / run.wall:.2f}" if run.other is not None and run.wall else "-",
        ))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def stage_lines(title: str, stages: dict) -> list[str]:
    """Format a profiled build: the call tree under build_language and self time by package."""
    lines = [title]
    if "tree" not in stages:
        return lines + [f"  unavailable: {stages.get('error', '?')}"]
    if stages.get("rc"):
        lines.append(f"  the build failed (exit {stages['rc']}): {stages.get('errors', '')}")
    total = stages["total"] or 1.0
    lines.append(f"  {stages['cpu']:.1f} s CPU, {stages['wall']:.1f} s wall, {total:.1f} s CPU sampled every 2 ms")
    width = max(2 * depth + len(name) for depth, name, _ in stages["tree"])
    for depth, name, seconds in stages["tree"]:
        lines.append(f"  {('  ' * depth + name).ljust(width)}  {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    lines.append("  self time by package:")
    shown = stages["packages"][:8]
    rest = sum(seconds for _name, seconds in stages["packages"][8:])
    for name, seconds in [*shown, ("everything else", rest)]:
        lines.append(f"    {name.ljust(36)}  {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    return lines


def report(sample: dict[str, Run], large: dict | None, stages: list[tuple[str, dict]], jobs: int, started: float) -> str:
    """Build the final report."""
    lines = [f"Booklet builder benchmark, {dt.datetime.now().strftime('%Y-%m-%d %H:%M')}", ""]
    lines.append("(a) shipped sample booklet")
    lines += table([sample["cold"], sample["full"], sample["loop"], sample["noop"]])
    full, loop, noop = sample["full"], sample["loop"], sample["noop"]
    for name in ("cold", "full"):
        run = sample[name]
        if run.ok and loop.ok and loop.wall:
            verdict = "met" if run.wall / loop.wall <= 0.6 else "NOT met"
            lines.append(f"full build ({'cold' if name == 'cold' else 'warm'} font cache) / loop: {run.wall / loop.wall:.2f} wall, "
                         f"{run.cpu / loop.cpu:.2f} CPU (target <= 0.6 wall: {verdict})")
    if full.ok:
        lines.append(f"formats of the full build: {', '.join(formats_of(full))}; the loop builds pdf only")
    if noop.ok:
        lines.append(f"no-op rebuild: {noop.wall:.2f} s, {noop.built} of {noop.langs} languages rebuilt "
                     f"(target < 0.5 s: {'met' if noop.wall < 0.5 else 'NOT met'})")
    if large is not None:
        lines.append("")
        gen = large.get("gen", {})
        if "large" in gen:
            g = gen["large"]
            per = max(1, g["catalogs"])
            lines.append(f"(b) generated booklet: {g['chapters']} chapters ({g['sections']} sections), {g['messages']} strings; "
                         f"translations per language: {g['copied'] // per} copied from the sample, {g['derived'] // per} derived "
                         f"(sample translation re-ordered/numbered), {g['pseudo'] // per} pseudo-translated; generated in {g['seconds']:.1f} s")
        if "error" in large:
            lines.append(f"    {large['error']}")
        runs = large.get("runs", {})
        order = ["full", "warm"] + [f"langs-{n}" for n in (1, 2, 4)] + ["half"] + sorted(k for k in runs if k.startswith("fmt-"))
        lines += table([runs[k] for k in order if k in runs])
        lines += linearity(runs, large.get("langs", []))
    for title, data in stages:
        lines.append("")
        lines += stage_lines(title, data)
    failures = [r for r in [*sample.values(), *((large or {}).get("runs", {}).values())] if not r.ok]
    lines += ["", "cold/warm: the builder caches font subsets under $XDG_CACHE_HOME/booklet/fonts; every build here gets "
              "a private cache folder, empty (cold) or left by the previous build of the same text (warm)"]
    seen = set()
    for run in failures:
        if run.error not in seen:
            seen.add(run.error)
            lines += ["", f"FAILED: {run.label}", run.error]
    lines += ["", "peak MB/proc: ru_maxrss, the largest single process of the build (not the sum of parallel workers)",
              "other load: CPU seconds used by other processes on the machine during the run, per wall second "
              "(above ~0.1 the wall times are inflated by someone else's work)",
              machine_line(jobs), f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
              f"benchmark time: {time.perf_counter() - started:.0f} s"]
    return "\n".join(lines)


def linearity(runs: dict[str, Run], langs: list[str]) -> list[str]:
    """Cost per language and per page, from the language and size variants."""
    lines = []
    points = [(runs[k].langs, runs[k]) for k in ("langs-1", "langs-2", "langs-4", f"langs-{len(langs)}") if k in runs and runs[k].ok]
    if len(points) >= 2:
        cells = ", ".join(f"{n}: {r.cpu / n:.1f} s" for n, r in points)
        lines.append(f"CPU per language (large booklet): {cells}")
        (n0, r0), (n1, r1) = points[0], points[-1]
        if n1 > n0:
            lines.append(f"marginal cost of one more language: {(r1.cpu - r0.cpu) / (n1 - n0):.1f} s CPU, "
                         f"{(r1.wall - r0.wall) / (n1 - n0):.1f} s wall")
    full, half = runs.get("full"), runs.get("half")
    if full and half and full.ok and half.ok and full.pages and half.pages and full.pages != half.pages:
        per_page = (full.cpu - half.cpu) / (full.pages - half.pages)
        fixed = full.cpu - per_page * full.pages
        lines.append(f"CPU per page (half vs full size): {1000 * per_page:.0f} ms marginal; "
                     f"{1000 * half.cpu / half.pages:.0f} ms/page at {half.pages // max(1, half.langs)} pages/lang, "
                     f"{1000 * full.cpu / full.pages:.0f} ms/page at {full.pages // max(1, full.langs)} pages/lang; "
                     f"fixed cost {fixed:.1f} s CPU per build")
    return lines


def main() -> int:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke test: part (a) only, with two languages")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="--jobs for the full builds (default: cores)")
    parser.add_argument("--repeat", type=int, default=1, help="repeat part (a)'s builds and report the median (default: 1)")
    parser.add_argument("--sections", type=int, default=47, help="chapters of the generated booklet (default: 47, about 200 A5 pages)")
    parser.add_argument("--parts", type=int, default=2, help="sample chapters per generated chapter (default: 2)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder, removed)")
    args = parser.parse_args()
    started = time.perf_counter()
    work = args.keep or Path(tempfile.mkdtemp(prefix="booklet-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"working in {work}; builder and sample copied to {snapshot(work)}", file=sys.stderr, flush=True)
        langs = booklet_languages(ROOT)
        if args.quick:
            langs = [langs[0], next((code for code in langs if code.startswith("ar")), langs[-1])]
        sample = bench_sample(work, langs, args.jobs, max(1, args.repeat))
        large, stages = None, []
        if not args.quick:
            large = bench_large(work, args.jobs, args.sections, args.parts)
            print("stage breakdowns", file=sys.stderr, flush=True)
            stages.append((f"stages, sample booklet, {langs[-1]} (profile of a --jobs 1 build, cold font cache)",
                           stage_breakdown(ROOT, langs[-1], fresh_cache(work))))
            if "large" in large.get("gen", {}):
                for lang in (langs[0], langs[-1]):
                    stages.append((f"stages, generated booklet, {lang} (profile of a --jobs 1 build, cold font cache)",
                                   stage_breakdown(work / "large", lang, fresh_cache(work))))
        print(report(sample, large, stages, args.jobs, started))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
