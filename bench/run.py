#!/usr/bin/env python3
"""Build-time benchmark of the booklet builder (issue 16). Prints figures and ratios measured in one run; not a test.

    python bench/run.py            # everything: (a) the shipped sample, (b) a generated ~200-page booklet, profiles
    python bench/run.py --quick    # the smoke run CI makes: two languages, a small generated booklet, no profiles

Every build is ``python build.py`` in a subprocess, on a snapshot of the working tree, measured
from outside (bench/measure.py). The report ends with the goals of issue 16, each a ratio of two
runs of this one benchmark run, so that a shared, noisy machine inflates both sides alike.

(a) The shipped sample: a full build of every language and format with ``--jobs N`` with a cold
    and a warm font cache; a no-op rebuild; the loop a user would otherwise write (``--lang L
    --format pdf --jobs 1`` per language); one language's five formats against its screen PDF.
(b) A generated booklet (bench/generate.py): full builds cold and warm, 1/2/4 languages and a
    half-size variant, to fit the cost per page and per language.
(c) Profiles of one language's build (bench/stages.py).
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(1, str(ROOT))                     # the builder's package, for its manifest reader and extractor

from generate import generate  # noqa: E402
from measure import Builder, Run, fresh_cache, median_run  # noqa: E402
from report import Goal, footer, heading, ratio, slope, stage_lines, table  # noqa: E402
from stages import stage_breakdown  # noqa: E402

from booklet.content import load_booklet  # noqa: E402


def bench_sample(builder: Builder, work: Path, langs: list[str], jobs: int, repeat: int) -> dict[str, Run]:
    """Full builds (cold and warm), no-op rebuild, the per-language loop, and one language's formats."""
    every = list(load_booklet(builder.tree).languages)
    lang_args = ["--lang", ",".join(langs)] if langs != every else []
    print(f"(a) sample booklet, {len(langs)} languages: {', '.join(langs)}", file=sys.stderr, flush=True)
    builder.measure("warm-up", ["--lang", langs[0], "--format", "pdf", "--out", str(work / "warm-up")], None, 1, fresh_cache(work))
    cold, warm, noop, loops, caches = [], [], [], [], []
    for attempt in range(repeat):
        cache = fresh_cache(work)
        caches.append(cache)
        args = ["--jobs", str(jobs), *lang_args]
        out = work / f"sample-cold-{attempt}"
        cold.append(builder.measure(f"full build, cold font cache #{attempt + 1}", ["--out", str(out), *args], out, len(langs), cache))
        noop.append(builder.measure(f"no-op rebuild #{attempt + 1}", ["--out", str(out), *args], out, len(langs), cache))
        out = work / f"sample-warm-{attempt}"
        warm.append(builder.measure(f"full build, warm font cache #{attempt + 1}", ["--out", str(out), *args], out, len(langs), cache))
        loops.append(loop(builder, work, langs, attempt, cache))
    one = "ru" if "ru" in langs else langs[-1]
    runs = {"cold": median_run(cold, f"full build (--jobs {jobs}, all formats), cold font cache"),
            "warm": median_run(warm, f"full build (--jobs {jobs}, all formats), warm font cache"),
            "noop": median_run(noop, "no-op rebuild (same --out)"),
            "loop": median_run(loops, loops[0].label)}
    for name, formats in (("five", []), ("screen", ["--format", "pdf"])):
        out = work / f"sample-{one}-{name}"
        runs[name] = builder.measure(f"{one}: {'all five formats' if not formats else 'screen PDF only'}, --jobs 1, warm",
                                     ["--lang", one, "--jobs", "1", *formats, "--out", str(out)], out, 1, caches[0])
    return runs


def loop(builder: Builder, work: Path, langs: list[str], attempt: int, cache: Path) -> Run:
    """The users' alternative: one single-PDF build per language, one after another."""
    total = Run(f"loop: {len(langs)} x --lang L --format pdf --jobs 1")
    for lang in langs:
        out = work / f"sample-loop-{attempt}-{lang}"
        total.add(builder.measure(f"loop {lang}", ["--lang", lang, "--format", "pdf", "--jobs", "1", "--out", str(out)], out, 1, cache))
    return total


def bench_large(builder: Builder, work: Path, jobs: int, sections: int, parts: int, langs: list[str] | None) -> dict:
    """Generated booklet: full builds cold and warm, fewer languages, a half-size variant."""
    large, half = work / "large", work / "half"
    print(f"(b) generating a booklet of {sections} chapters in {large}", file=sys.stderr, flush=True)
    info = {"large": generate(builder.tree, large, sections, parts), "half": generate(builder.tree, half, max(1, sections // 2), parts)}
    langs = langs or list(load_booklet(large).languages)
    lang_args = ["--lang", ",".join(langs)]
    runs: dict[str, Run] = {}
    cache = fresh_cache(work)

    def build(key: str, label: str, source: Path, extra: list[str], count: int, cache: Path) -> None:
        """Measure one build of a generated booklet."""
        out = work / f"{source.name}-{key}"
        runs[key] = builder.measure(label, ["--source", str(source), "--out", str(out), "--jobs", str(jobs), *extra], out, count, cache)

    build("cold", f"large: full build, {len(langs)} languages, cold", large, lang_args, len(langs), cache)
    build("warm", f"large: full build, {len(langs)} languages, warm font cache", large, lang_args, len(langs), cache)
    for count in (1, 2, 4):
        if count < len(langs):
            build(f"langs-{count}", f"large: --lang {','.join(langs[:count])}, warm", large, ["--lang", ",".join(langs[:count])], count, cache)
    build("half", f"half-size: full build, {len(langs)} languages, warm", half, lang_args, len(langs), cache)
    return {"gen": info, "runs": runs, "langs": langs}


def goals(sample: dict[str, Run], large: dict | None, jobs: int) -> list[Goal]:
    """The goals of issue 16, each a ratio of runs of this benchmark run."""
    loop = sample["loop"]
    floor = Run("layout floor", wall=loop.cpu / jobs, cpu=loop.cpu) if loop.ok else None
    found = [Goal("cold / warm full build, wall", ratio(sample["cold"], sample["warm"]), 1.15),
             Goal("cold / warm full build, CPU", ratio(sample["cold"], sample["warm"], "cpu"), 1.15),
             Goal("warm full build / per-language loop, wall", ratio(sample["warm"], loop), 0.40),
             Goal("warm full build / layout floor (loop CPU / cores)", ratio(sample["warm"], floor), 1.15),
             Goal("one language: five formats / screen PDF alone, CPU", ratio(sample["five"], sample["screen"], "cpu"), 1.15),
             Goal("no-op rebuild", sample["noop"].wall if sample["noop"].ok else None, 0.3, " s")]
    if large:
        runs = large["runs"]
        cold = runs.get("cold")
        found.append(Goal(f"generated booklet, {cold.pages if cold else '?'} pages, cold full build, wall",
                          cold.wall if cold and cold.ok else None, 45, " s"))
        peak = max((run.rss for run in runs.values() if run.ok), default=0) / 2**20
        found.append(Goal("generated booklet, peak memory per process", peak or None, 300, " MB"))
    return found


def fits(large: dict) -> list[str]:
    """Cost per language and per page of the generated booklet, fitted by least squares."""
    runs = large["runs"]
    lines = []
    by_langs = [(run.langs, run.cpu) for key, run in runs.items() if key in ("langs-1", "langs-2", "langs-4", "warm") and run.ok]
    fit = slope(by_langs)
    if fit:
        lines.append(f"CPU = {fit[0]:.1f} s + {fit[1]:.2f} s per language (fit over {len(by_langs)} warm builds of 1..{max(n for n, _ in by_langs)} languages)")
    by_pages = [(run.pages, run.cpu) for key, run in runs.items() if key in ("half", "warm") and run.ok and run.pages]
    fit = slope(by_pages)
    if fit:
        lines.append(f"CPU = {fit[0]:.1f} s + {1000 * fit[1]:.0f} ms per page (half-size vs full size, all languages, warm)")
    return lines


def report(sample: dict[str, Run], large: dict | None, profiles: list[tuple[str, dict]], jobs: int, started: dt.datetime,
           seconds: float) -> str:
    """Build the whole report."""
    lines = heading(started) + ["(a) shipped sample booklet"]
    lines += table([sample[key] for key in ("cold", "warm", "noop", "loop", "five", "screen")])
    if large:
        gen = large["gen"]["large"]
        per = max(1, gen["catalogs"])
        lines += ["", f"(b) generated booklet: {gen['chapters']} chapters ({gen['sections']} sections), {gen['messages']} strings; "
                  f"per language {gen['copied'] // per} translations copied from the sample, {gen['derived'] // per} derived, "
                  f"{gen['pseudo'] // per} pseudo; generated in {gen['seconds']:.1f} s"]
        lines += table(list(large["runs"].values())) + fits(large)
    lines += ["", "goals (issue 16; every ratio from runs of this one benchmark run):"]
    lines += ["  " + goal.line() for goal in goals(sample, large, jobs)]
    for title, data in profiles:
        lines += [""] + stage_lines(title, data)
    failures = {run.error: run.label for run in [*sample.values(), *((large or {}).get("runs", {}).values())] if not run.ok}
    for error, label in failures.items():
        lines += ["", f"FAILED: {label}", error]
    return "\n".join(lines + footer(jobs, seconds))


def main() -> int:
    """Run the benchmark and print the report; exit 1 when a build failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: two languages, a 3-chapter generated booklet, no profiles")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs for the full builds (default: 2)")
    parser.add_argument("--repeat", type=int, default=1, help="repeat part (a)'s builds and report the medians (default: 1)")
    parser.add_argument("--sections", type=int, default=47, help="chapters of the generated booklet (default: 47, about 200 A5 pages)")
    parser.add_argument("--parts", type=int, default=2, help="sample chapters per generated chapter (default: 2)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder, removed)")
    args = parser.parse_args()
    started, clock = dt.datetime.now(), time.perf_counter()
    work = args.keep or Path(tempfile.mkdtemp(prefix="booklet-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        builder = Builder.snapshot(ROOT, work)
        print(f"working in {work}; builder and sample copied to {builder.tree}", file=sys.stderr, flush=True)
        langs = list(load_booklet(builder.tree).languages)
        if args.quick:
            langs = [langs[0], next((code for code in langs if code.startswith("ar")), langs[-1])]
        sample = bench_sample(builder, work, langs, args.jobs, max(1, args.repeat))
        large = bench_large(builder, work, args.jobs, 3 if args.quick else args.sections, 1 if args.quick else args.parts,
                            langs if args.quick else None)
        profiles = [] if args.quick else [
            (f"stages, sample booklet, {langs[-1]} (profile of a --jobs 1 build, cold font cache)",
             stage_breakdown(builder.tree, builder.tree, langs[-1], fresh_cache(work))),
            (f"stages, generated booklet, {langs[0]} (profile of a --jobs 1 build, cold font cache)",
             stage_breakdown(builder.tree, work / "large", langs[0], fresh_cache(work)))]
        print(report(sample, large, profiles, args.jobs, started, time.perf_counter() - clock))
        failed = [run for run in [*sample.values(), *large["runs"].values()] if not run.ok]
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
