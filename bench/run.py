#!/usr/bin/env python3
"""Build-time benchmark of the booklet builder (issue 16). Prints figures and ratios measured in one run; not a test.

    python bench/run.py            # everything: the sample, the world fixture, a generated ~200-page booklet, profiles
    python bench/run.py --quick    # the smoke run CI makes: a tiny generated booklet in one language, no profiles

Every build is ``python build.py`` in a subprocess, on a snapshot of the working tree, measured
from outside (bench/measure.py), without SOURCE_DATE_EPOCH. The report ends with the goals of
issue 16 (bench/goals.py), each from runs of this one benchmark run, so that a shared, noisy
machine inflates both sides of a ratio alike; CPU-time variants stand beside the wall-time ones.

(a) The sample: full builds with a cold and a warm font cache (two clean builds: their PDFs and
    EPUBs are compared byte for byte), a no-op rebuild, the per-language loop a user would
    otherwise write (``--lang L --format pdf --jobs 1``), one language's five formats against its
    screen PDF.
(b) The world fixture (variable fonts, five scripts): two clean builds compared byte for byte.
(c) A generated booklet (bench/generate.py): full builds cold and warm, 1/2/4 languages and a
    half-size variant, to fit the cost per page and per language.
(d) Profiles of one language's build (bench/stages.py).

In quick mode (a smoke test: its figures carry no weight) the "sample" is a one-chapter generated
booklet built in one language, which also stands for (b) and (c): the loop and the screen PDF are
one build, the five formats the warm build, two web-edition builds (one and two languages) the
fit; every build after the cold one runs side by side with the others.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(1, str(ROOT))                     # the builder's package, for its manifest reader and extractor

from generate import generate  # noqa: E402
from goals import fits, large_goals, repro_goal, sample_goals  # noqa: E402
from measure import Builder, Run, fresh_cache, median_run  # noqa: E402
from report import footer, heading, stage_lines, table  # noqa: E402
from stages import stage_breakdown  # noqa: E402

from booklet.content import load_booklet  # noqa: E402


def note(text: str) -> None:
    """Say what the benchmark is doing (stderr, so that stdout is the report)."""
    print(text, file=sys.stderr, flush=True)


def build(builder: Builder, work: Path, key: str, label: str, source: Path, extra: list[str], langs: int, cache: Path) -> Run:
    """Measure one build of ``source`` into ``work/key``."""
    out = work / key
    return builder.measure(label, ["--source", str(source), "--out", str(out), *extra], out, langs, cache)


def bench_sample(builder: Builder, work: Path, source: Path, langs: list[str], jobs: int, repeat: int, quick: bool) -> dict[str, Run]:
    """Full builds (cold and warm), no-op rebuild, the per-language loop, and one language's formats."""
    args = ["--jobs", str(jobs), "--lang", ",".join(langs)]
    note(f"(a) {source.name}, {len(langs)} languages: {', '.join(langs)}")
    if not quick:                                 # load the libraries into the OS file cache first
        build(builder, work, "warm-up", "warm-up", source, ["--lang", langs[0], "--format", "pdf"], 1, fresh_cache(work))
    attempts = [one_attempt(builder, work, source, langs, args, attempt, quick) for attempt in range(repeat)]
    runs = {key: attempts[0][key] for key in attempts[0]}
    for key, label in (("cold", f"full build (--jobs {jobs}, all formats), cold font cache"),
                       ("warm", f"full build (--jobs {jobs}, all formats), warm font cache"),
                       ("noop", "no-op rebuild (same --out)"), ("loop", f"loop: {len(langs)} x --lang L --format pdf --jobs 1")):
        runs[key] = median_run([found[key] for found in attempts if key in found] or [runs["screen"]], label)
    runs.setdefault("five", runs["warm"])
    return runs


def one_attempt(builder: Builder, work: Path, source: Path, langs: list[str], args: list[str], attempt: int, quick: bool) -> dict[str, Run]:
    """One round of (a): a cold build, then the rest with the font cache it filled (side by side in quick mode)."""
    cache = fresh_cache(work)
    cold = build(builder, work, f"cold-{attempt}", f"full build, cold font cache #{attempt + 1}", source, args, len(langs), cache)
    later = {"noop": lambda: build(builder, work, f"cold-{attempt}", f"no-op rebuild #{attempt + 1}", source, args, len(langs), cache),
             "warm": lambda: build(builder, work, f"warm-{attempt}", f"full build, warm font cache #{attempt + 1}", source, args,
                                   len(langs), cache)}
    later.update(quick_runs(builder, work, source, langs, cache) if quick else {"loop": lambda: loop(builder, work, source, langs, attempt, cache)})
    if attempt == 0:
        later.update(one_language(builder, work, source, langs, cache, quick))
    return {"cold": cold, **together(later, parallel=quick)}


def one_language(builder: Builder, work: Path, source: Path, langs: list[str], cache: Path, quick: bool) -> dict[str, Callable[[], Run]]:
    """One language's screen PDF alone and (but in quick mode, where the warm build is that) its five formats."""
    one = "ru" if "ru" in langs else langs[-1]
    calls = {"screen": lambda: build(builder, work, f"{one}-screen", f"{one}: screen PDF only, --jobs 1, warm", source,
                                     ["--lang", one, "--jobs", "1", "--format", "pdf"], 1, cache)}
    if not quick:
        calls["five"] = lambda: build(builder, work, f"{one}-five", f"{one}: all five formats, --jobs 1, warm", source,
                                      ["--lang", one, "--jobs", "1"], 1, cache)
    return calls


def quick_runs(builder: Builder, work: Path, source: Path, langs: list[str], cache: Path) -> dict[str, Callable[[], Run]]:
    """Quick mode: two web-edition builds, of one and of two languages, for the fit's two points."""
    two = [langs[0], next(code for code in load_booklet(source).languages if code != langs[0])]
    return {f"html-{count}": lambda count=count: build(builder, work, f"html-{count}", f"tiny: --lang {','.join(two[:count])} --format html",
                                                     source, ["--jobs", "1", "--lang", ",".join(two[:count]), "--format", "html"], count, cache)
            for count in (1, 2)}


def loop(builder: Builder, work: Path, source: Path, langs: list[str], attempt: int, cache: Path) -> Run:
    """The users' alternative: one single-PDF build per language, one after another."""
    total = Run(f"loop: {len(langs)} x --lang L --format pdf --jobs 1")
    for lang in langs:
        total.add(build(builder, work, f"loop-{attempt}-{lang}", f"loop {lang}", source,
                        ["--lang", lang, "--format", "pdf", "--jobs", "1"], 1, cache))
    return total


def bench_world(builder: Builder, work: Path, jobs: int) -> tuple[Run, Run, tuple[Path, Path]]:
    """Two clean builds of the world fixture (variable Noto Serif, five scripts), each with a cold font cache."""
    world = work / "world"
    shutil.copytree(ROOT / "tests" / "fixtures" / "projects" / "world", world)
    note(f"(b) world fixture, two clean builds: {world}")
    runs = [build(builder, work, f"world-{n}", f"world fixture: clean build #{n}", world, ["--jobs", str(jobs)],
                  len(load_booklet(world).languages), fresh_cache(work)) for n in (1, 2)]
    return runs[0], runs[1], (work / "world-1", work / "world-2")


def bench_large(builder: Builder, work: Path, jobs: int, sections: int, parts: int) -> dict:
    """Generated booklet: full builds cold and warm, fewer languages, a half-size variant."""
    large, half = work / "large", work / "half"
    note(f"(c) generating a booklet of {sections} chapters in {large}")
    info = {"large": generate(builder.tree, large, sections, parts), "half": generate(builder.tree, half, max(1, sections // 2), parts)}
    langs = list(load_booklet(large).languages)
    every = ["--jobs", str(jobs), "--lang", ",".join(langs)]
    cache = fresh_cache(work)
    runs = {"cold": build(builder, work, "large-cold", f"large: full build, {len(langs)} languages, cold", large, every, len(langs), cache),
            "warm": build(builder, work, "large-warm", f"large: full build, {len(langs)} languages, warm", large, every, len(langs), cache)}
    for count in (1, 2, 4):
        some = ["--jobs", str(jobs), "--lang", ",".join(langs[:count])]
        runs[f"langs-{count}"] = build(builder, work, f"large-{count}", f"large: --lang {','.join(langs[:count])}, warm", large, some, count, cache)
    runs["half"] = build(builder, work, "half-warm", f"half-size: full build, {len(langs)} languages, warm", half, every, len(langs), cache)
    return {"gen": info, "runs": runs, "langs": langs, "fit": ("langs-1", "langs-2", "langs-4", "warm")}


def quick_large(sample: dict[str, Run], langs: list[str]) -> dict:
    """Quick mode: the tiny booklet stands for the generated one; two web-edition builds give the fit's points."""
    return {"gen": None, "runs": {key: sample[key] for key in ("warm", "cold", "html-1", "html-2")}, "langs": langs,
            "fit": ("html-1", "html-2")}


def together(calls: dict[str, Callable[[], Run]], parallel: bool) -> dict[str, Run]:
    """Run the measurements one after another, or side by side (quick mode: CPU stays right, wall does not)."""
    if not parallel:
        return {key: call() for key, call in calls.items()}
    with ThreadPoolExecutor(len(calls)) as pool:
        futures = {key: pool.submit(call) for key, call in calls.items()}
        return {key: future.result() for key, future in futures.items()}


def report(sample: dict[str, Run], world: tuple, large: dict, profiles: list[tuple[str, dict]], jobs: int,
           started: dt.datetime, seconds: float, work: Path) -> str:
    """Build the whole report."""
    lines = heading(started) + ["(a) sample booklet"]
    lines += table([sample[key] for key in ("cold", "warm", "noop", "loop", "five", "screen")])
    lines += ["", "(b) variable-font fixture, two clean builds"] + table([world[0], world[1]])
    gen = large["gen"] and large["gen"]["large"]
    lines += ["", f"(c) generated booklet: {gen['chapters']} chapters ({gen['sections']} sections), {gen['messages']} strings; "
              f"generated in {gen['seconds']:.1f} s" if gen else "(c) generated booklet: the tiny one of (a)"]
    lines += table(list(large["runs"].values()))
    found = sample_goals(sample, jobs) + large_goals(large["runs"], len(large["langs"]), jobs)
    found += [repro_goal("sample", sample["cold"], sample["warm"], (work / "cold-0", work / "warm-0")),
              repro_goal("variable-font fixture", *world)]
    lines += ["", "goals (issue 16; every ratio from runs of this one benchmark run):"] + ["  " + g.line() for g in found]
    lines += ["  " + line for line in fits(large["runs"], large["fit"])]
    for title, data in profiles:
        lines += [""] + stage_lines(title, data)
    failures = {run.error: run.label for run in [*sample.values(), *world[:2], *large["runs"].values()] if not run.ok}
    for error, label in failures.items():
        lines += ["", f"FAILED: {label}", error]
    return "\n".join(lines + footer(jobs, seconds))


def profiles(builder: Builder, work: Path, langs: list[str]) -> list[tuple[str, dict]]:
    """Profiles of one language of the sample and of the generated booklet."""
    return [(f"stages, sample booklet, {langs[-1]} (profile of a --jobs 1 build, cold font cache)",
             stage_breakdown(builder.tree, builder.tree, langs[-1], fresh_cache(work))),
            (f"stages, generated booklet, {langs[0]} (profile of a --jobs 1 build, cold font cache)",
             stage_breakdown(builder.tree, work / "large", langs[0], fresh_cache(work)))]


def main() -> int:
    """Run the benchmark and print the report; exit 1 when a build failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: a one-chapter generated booklet in one language")
    parser.add_argument("--jobs", type=int, default=2, help="--jobs for the full builds, taken as the cores (default: 2)")
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
        note(f"working in {work}; builder and sample copied to {builder.tree}")
        if args.quick:
            source = work / "tiny"
            generate(builder.tree, source, 1, 1)
            langs = [load_booklet(source).source_language]
        else:
            source, langs = builder.tree, list(load_booklet(builder.tree).languages)
        sample = bench_sample(builder, work, source, langs, args.jobs, max(1, args.repeat), args.quick)
        if args.quick:
            world = (sample["cold"], sample["warm"], (work / "cold-0", work / "warm-0"))
            large = quick_large(sample, langs)
        else:
            world = bench_world(builder, work, args.jobs)
            large = bench_large(builder, work, args.jobs, args.sections, args.parts)
        found = [] if args.quick else profiles(builder, work, langs)
        print(report(sample, world, large, found, args.jobs, started, time.perf_counter() - clock, work))
        failed = [run for run in [*sample.values(), *world[:2], *large["runs"].values()] if not run.ok]
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
