"""The build pipeline: load, validate, render each language once, write every format, then the manifest."""
from __future__ import annotations

import datetime as dt
import json
import logging
import multiprocessing
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from babel.messages.catalog import Catalog

from . import state
from .content import load_booklet
from .download import write_download_page
from .errors import BookletError, Location, Problem
from .formats import FORMATS, PDF_VARIANTS, write_formats
from .fsutil import atomic_write
from .i18n import Translator, catalog_path, load_catalog
from .languages import parse_language
from .model import Booklet, Text, translatable_texts
from .outputs import LanguageJob, Output
from .render import make_environment, render_view, template_dirs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LanguageResult:
    """What building one language produced: its files and its translation counts."""

    lang: str
    outputs: tuple[Output, ...]
    counts: dict[str, int]


@dataclass(frozen=True)
class BuildOptions:
    """What to build: the command line's build options."""

    #: Languages (BCP 47 or CLDR codes); None means every language of the booklet.
    langs: Sequence[str] | None = None
    #: Format names; None means every format.
    formats: Sequence[str] | None = None
    #: Languages built in parallel processes; None means one per core.
    jobs: int | None = None
    #: Use fuzzy translations and mark fuzzy and untranslated text in place.
    draft: bool = False
    #: Rebuild even languages whose inputs did not change.
    force: bool = False
    #: PDF standard of the screen and print PDFs.
    pdf_variant: str = PDF_VARIANTS[0]
    #: Build only share K of N of the languages ("K/N").
    shard: str | None = None


@dataclass(frozen=True)
class LanguageTask:
    """Everything a worker process needs to build one language."""

    booklet: Booklet
    lang: str
    catalog: Catalog | None
    formats: tuple[str, ...]
    out_dir: Path
    timestamp: dt.datetime
    draft: bool
    pdf_variant: str


def build(root: Path, out_dir: Path, options: BuildOptions = BuildOptions(), *,
          progress: Callable[[LanguageResult], None] = lambda result: None,
          on_stage: Callable[[str, str], None] = lambda lang, stage: None,
          warnings: list[Problem] | None = None) -> list[LanguageResult]:
    """Build the requested formats of the requested languages into ``out_dir``; warnings are appended to ``warnings``."""
    booklet = load_booklet(root)                                  # raises with every content problem
    langs = shard_languages(select_languages(booklet, options.langs), options.shard)
    formats = select_formats(options.formats)
    check_pdf_variant(options.pdf_variant)
    catalogs = load_catalogs(booklet, langs)                      # every .po problem, before any work
    langs = release_languages(booklet, langs, catalogs, options.draft, warnings if warnings is not None else [])
    timestamp = build_timestamp(booklet)
    fingerprints = _fingerprints(booklet, langs, formats, options.draft, timestamp, options.pdf_variant)
    reused = {} if options.force else _up_to_date(out_dir, fingerprints)  # languages whose inputs did not change
    stale = [lang for lang in langs if lang not in reused]
    if not stale:
        return [reused[lang] for lang in langs]                   # nothing changed: write nothing
    out_dir.mkdir(parents=True, exist_ok=True)
    # Outputs go to a staging folder and are moved in only when every language succeeded,
    # so a failed build leaves the previous outputs (and manifest) untouched.
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    try:
        tasks = [LanguageTask(booklet, lang, catalogs[lang], tuple(formats), staging, timestamp, options.draft, options.pdf_variant)
                 for lang in stale]
        built = {r.lang: _publish(r, staging, out_dir) for r in _run(tasks, options.jobs, progress, on_stage)}
        results = [reused.get(lang) or built[lang] for lang in langs]
        write_manifest(out_dir, results)                          # describes finished files
        recorded = _updated_state(out_dir, results, fingerprints)
        write_download_page(out_dir, booklet, {lang: entry["counts"] for lang, entry in recorded.items()})
        write_state(out_dir, recorded)                            # last: a crash before it means a rebuild
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return results


def _fingerprints(booklet: Booklet, langs: Sequence[str], formats: Sequence[str], draft: bool, timestamp: dt.datetime,
                  pdf_variant: str) -> dict[str, str]:
    """Return each language's input fingerprint."""
    formats = [*formats, f"--pdf-variant={pdf_variant}"]                  # the variant changes the PDFs too
    shared = state.shared_fingerprint(booklet, template_dirs(booklet.root), formats, draft, timestamp.isoformat())
    return {lang: state.language_fingerprint(shared, booklet, lang) for lang in langs}


def _up_to_date(out_dir: Path, fingerprints: dict[str, str]) -> dict[str, LanguageResult]:
    """Return the recorded results of languages whose fingerprint matches and whose outputs are intact."""
    recorded = state.load_state(out_dir)
    reused = {}
    for lang, fingerprint in fingerprints.items():
        entry = recorded.get(lang)
        if isinstance(entry, dict) and entry.get("fingerprint") == fingerprint and state.outputs_intact(out_dir, entry["outputs"]):
            outputs = tuple(Output(e["lang"], e["format"], out_dir / e["path"], e["bytes"], e["sha256"], e.get("pages"))
                            for e in entry["outputs"])
            reused[lang] = LanguageResult(lang, outputs, entry.get("counts", {}))
    return reused


def _updated_state(out_dir: Path, results: Sequence[LanguageResult], fingerprints: dict[str, str]) -> dict:
    """Return the recorded state with this run's languages: fingerprint, outputs and translation counts."""
    recorded = state.load_state(out_dir)
    for result in results:
        recorded[result.lang] = {"fingerprint": fingerprints.get(result.lang, ""), "counts": result.counts,
                                 "outputs": [_manifest_entry(out_dir, o) for o in result.outputs]}
    return recorded


def write_state(out_dir: Path, recorded: dict) -> None:
    """Write the record that incremental builds and the download page read."""
    atomic_write(out_dir / state.STATE_FILE, (json.dumps(recorded, indent=1, sort_keys=True) + "\n").encode())


def select_languages(booklet: Booklet, requested: Sequence[str] | None) -> list[str]:
    """Return the canonical codes of the requested languages, in booklet order."""
    if not requested:
        return list(booklet.languages)
    problems, chosen = [], []
    for code in requested:
        lang = parse_language(code)
        if lang is None or lang not in booklet.languages:
            problems.append(Problem(booklet.source or Location(Path("content/booklet.yaml")),
                                    f"--lang {code!r} is not one of the booklet's languages ({', '.join(booklet.languages)})"))
        else:
            chosen.append(lang)
    if problems:
        raise BookletError(problems)
    return [lang for lang in booklet.languages if lang in chosen]


def release_languages(booklet: Booklet, langs: Sequence[str], catalogs: dict[str, Catalog | None],
                      draft: bool, warnings: list[Problem]) -> list[str]:
    """Drop languages below the booklet's min_coverage (drafts build them all), with a warning for each."""
    kept = []
    for lang in langs:
        percent = content_coverage(booklet, catalogs[lang])
        if percent >= booklet.min_coverage or draft:
            kept.append(lang)
            continue
        where = Location(catalog_path(booklet.root, lang).relative_to(booklet.root))
        warnings.append(Problem(where, f"{lang}: {percent:.1f} % translated, below min_coverage {booklet.min_coverage:g} %; "
                                       f"not built (preview it with --draft)", "warning"))
    return kept


def content_coverage(booklet: Booklet, catalog: Catalog | None) -> float:
    """Return the percentage of the booklet's content strings with a usable (complete, not fuzzy) translation."""
    if catalog is None:
        return 100.0
    texts = translatable_texts(booklet)
    done = 0
    for value in texts:
        msgid = value.msgid if isinstance(value, Text) else (value.one, value.other)
        message = catalog.get(msgid, context=value.context)
        strings = message.string if message and isinstance(message.string, tuple) else ((message.string,) if message else ("",))
        done += bool(message and all(strings) and not message.fuzzy)
    return 100.0 * done / len(texts) if texts else 100.0


def shard_languages(langs: Sequence[str], shard: str | None) -> list[str]:
    """Return the languages of shard ``K/N`` (every N-th language, starting with the K-th)."""
    if not shard:
        return list(langs)
    try:
        index, count = (int(part) for part in shard.split("/"))
    except ValueError:
        index, count = 0, 0
    if not 1 <= index <= count:
        raise BookletError([Problem(Location(Path("--shard")), f"--shard must be K/N with 1 ≤ K ≤ N, not {shard!r}")])
    return [lang for position, lang in enumerate(langs) if position % count == index - 1]


def merge(root: Path, out_dir: Path, inputs: Sequence[Path]) -> list[dict]:
    """Combine the outputs of shard builds into ``out_dir``: files, manifest, build record and download page."""
    booklet = load_booklet(root)
    out_dir.mkdir(parents=True, exist_ok=True)
    entries: dict[str, dict] = {}
    recorded = state.load_state(out_dir)
    for folder in inputs:
        manifest = folder / "manifest.json"
        if not manifest.is_file():
            raise BookletError([Problem(Location(manifest), "no manifest.json: is this the output folder of a build?")])
        for entry in json.loads(manifest.read_text(encoding="utf-8"))["outputs"]:
            if folder.resolve() != out_dir.resolve():
                target = out_dir / entry["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(folder / entry["path"], target)
            entries[entry["path"]] = entry
        recorded.update(state.load_state(folder))
    data = {"outputs": sorted(entries.values(), key=lambda e: (e["lang"], e["format"], e["path"]))}
    atomic_write(out_dir / "manifest.json", (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    write_download_page(out_dir, booklet, {lang: entry.get("counts", {}) for lang, entry in recorded.items()})
    write_state(out_dir, recorded)
    return data["outputs"]


def select_formats(requested: Sequence[str] | None) -> list[str]:
    """Return the requested format names, checked against the registry."""
    if not requested:
        return list(FORMATS)
    unknown = [name for name in requested if name not in FORMATS]
    if unknown:
        raise BookletError([Problem(Location(Path("--format")), f"unknown format {name!r} (choose from {', '.join(FORMATS)})") for name in unknown])
    return [name for name in FORMATS if name in requested]


def check_pdf_variant(variant: str) -> None:
    """Fail unless ``variant`` is one of the PDF variants the builder offers."""
    if variant not in PDF_VARIANTS:
        raise BookletError([Problem(Location(Path("--pdf-variant")), f"unknown PDF variant {variant!r} (choose from {', '.join(PDF_VARIANTS)})")])


def load_catalogs(booklet: Booklet, langs: Sequence[str]) -> dict[str, Catalog | None]:
    """Load the catalog of every non-source language, collecting every problem."""
    catalogs: dict[str, Catalog | None] = {}
    problems: list[Problem] = []
    for lang in langs:
        if lang == booklet.source_language:
            catalogs[lang] = None
            continue
        try:
            catalogs[lang] = load_catalog(booklet.root, lang)
        except BookletError as error:
            problems.extend(error.problems)
    if problems:
        raise BookletError(problems)
    return catalogs


def build_timestamp(booklet: Booklet) -> dt.datetime:
    """Return SOURCE_DATE_EPOCH as a UTC time, or midnight UTC of the edition date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.combine(booklet.edition, dt.time(), dt.timezone.utc)


def _run(tasks: list[LanguageTask], jobs: int | None, progress: Callable[[LanguageResult], None],
         on_stage: Callable[[str, str], None]) -> list[LanguageResult]:
    """Build the languages, in parallel processes when more than one job is allowed; collect all failures."""
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    results, problems = [], []
    if jobs == 1:
        global _stage_sink
        _stage_sink = on_stage
        for task in tasks:
            _collect(_attempt(task), results, problems, progress)
        return _raise_or(results, problems)
    queue = multiprocessing.get_context().Queue()
    listener = threading.Thread(target=_relay_stages, args=(queue, on_stage), daemon=True)
    listener.start()
    try:
        with ProcessPoolExecutor(max_workers=jobs, initializer=_set_stage_queue, initargs=(queue,)) as pool:
            for future in as_completed([pool.submit(_attempt, task) for task in tasks]):
                _collect(future.result(), results, problems, progress)
    finally:
        queue.put(None)
        listener.join(timeout=5)
    return _raise_or(results, problems)


def _raise_or(results: list[LanguageResult], problems: list[Problem]) -> list[LanguageResult]:
    """Raise the collected problems, or return the results."""
    if problems:
        raise BookletError(problems)
    return results


#: Where a worker reports "language entered stage" events: a callback, or a queue to the main process.
_stage_sink: Callable[[str, str], None] = lambda lang, stage: None


def _set_stage_queue(queue) -> None:
    """Worker initializer: report stages through the queue shared with the main process."""
    global _stage_sink
    _stage_sink = lambda lang, stage: queue.put((lang, stage))


def _relay_stages(queue, on_stage: Callable[[str, str], None]) -> None:
    """Main-process thread: pass the workers' stage events to ``on_stage`` until None arrives."""
    for event in iter(queue.get, None):
        on_stage(*event)


def _collect(outcome, results: list, problems: list, progress: Callable[[LanguageResult], None]) -> None:
    """Sort one language's outcome into results or problems."""
    if isinstance(outcome, BookletError):
        problems.extend(outcome.problems)
    else:
        results.append(outcome)
        progress(outcome)


def _attempt(task: LanguageTask) -> LanguageResult | BookletError:
    """Build one language, returning its user errors instead of raising them across processes."""
    try:
        return build_language(task)
    except BookletError as error:
        return error


def build_language(task: LanguageTask) -> LanguageResult:
    """Render one language once and write each requested format from that rendering."""
    lang = task.lang
    log.info("Rendering %s", lang)
    _stage_sink(lang, "render")
    translator = Translator(lang, task.catalog, task.booklet.root, use_fuzzy=task.draft)
    view = render_view(task.booklet, translator, draft=task.draft)
    dirs = template_dirs(task.booklet.root)
    job = LanguageJob(task.booklet, view, make_environment(dirs), translator, task.out_dir, task.timestamp, dirs)
    outputs = write_formats(job, task.formats, task.pdf_variant, lambda stage: _stage_sink(lang, stage))  # PDFs share one layout
    return LanguageResult(lang, tuple(outputs), dict(translator.counts))


def _publish(result: LanguageResult, staging: Path, out_dir: Path) -> LanguageResult:
    """Move a language's staged files into the output folder."""
    moved = []
    for output in result.outputs:
        target = out_dir / output.path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(output.path, target)
        moved.append(replace(output, path=target))
    return replace(result, outputs=tuple(moved))


def write_manifest(out_dir: Path, results: Sequence[LanguageResult]) -> Path:
    """Write manifest.json describing every output, merged with entries of languages not rebuilt."""
    path = out_dir / "manifest.json"
    entries = {}
    if path.is_file():
        try:
            for entry in json.loads(path.read_text(encoding="utf-8")).get("outputs", []):
                if (out_dir / entry["path"]).is_file():
                    entries[(entry["lang"], entry["format"], entry["path"])] = entry
        except (ValueError, KeyError, TypeError, AttributeError):
            entries = {}
    for result in results:
        for output in result.outputs:
            entry = _manifest_entry(out_dir, output)
            entries[(entry["lang"], entry["format"], entry["path"])] = entry
    data = {"outputs": sorted(entries.values(), key=lambda e: (e["lang"], e["format"], e["path"]))}
    atomic_write(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path


def _manifest_entry(out_dir: Path, output: Output) -> dict:
    """Describe one output as a manifest entry."""
    entry = {"lang": output.lang, "format": output.format, "path": output.path.relative_to(out_dir).as_posix(),
             "bytes": output.bytes, "sha256": output.sha256}
    if output.pages is not None:
        entry["pages"] = output.pages
    return entry


def translation_warnings(booklet: Booklet, results: Sequence[LanguageResult]) -> list[Problem]:
    """Return a warning per language whose text fell back to the source language."""
    warnings = []
    for result in results:
        fallback = {k: v for k, v in result.counts.items() if k in ("missing", "fuzzy") and v}
        if fallback:
            detail = ", ".join(f"{count} {kind}" for kind, count in sorted(fallback.items()))
            where = Location(catalog_path(booklet.root, result.lang).relative_to(booklet.root))
            warnings.append(Problem(where, f"{result.lang}: {detail} strings shown in the source language", "warning"))
    return warnings
