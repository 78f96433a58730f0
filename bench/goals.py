"""The goals of issue 16, each computed from runs of one benchmark run, and the fitted cost per page and language."""
from __future__ import annotations

from pathlib import Path

from measure import Run
from report import Goal, ratio, slope

#: Outputs whose bytes must not depend on the clock (issue 16: "byte-identical PDFs and EPUBs").
COMPARED = (".pdf", ".epub")


def differing(first: Path, second: Path) -> tuple[int, int, list[str]]:
    """Compare the PDFs and EPUBs of two output folders: (files differing or missing, files compared, their names)."""
    names = sorted({p.relative_to(folder).as_posix() for folder in (first, second)
                    for p in folder.rglob("*") if p.is_file() and p.suffix in COMPARED})
    bad = [name for name in names if not ((first / name).is_file() and (second / name).is_file()
                                          and (first / name).read_bytes() == (second / name).read_bytes())]
    return len(bad), len(names), bad


def floor(loop: Run, cores: int) -> Run | None:
    """The layout floor: the per-language single-PDF builds' CPU spread over the cores (startup included)."""
    return Run("layout floor", wall=loop.cpu / cores, cpu=loop.cpu) if loop.ok else None


def sample_goals(runs: dict[str, Run], cores: int) -> list[Goal]:
    """Goals on the sample booklet: cold/warm, full/loop, the floor, five formats/one, no-op."""
    loop, warm = runs["loop"], runs["warm"]
    quiet = Run("warm, CPU / cores", wall=warm.cpu / cores, cpu=warm.cpu, ok=warm.ok)     # its wall on a quiet machine
    quiet_loop = Run("loop, CPU", wall=loop.cpu, cpu=loop.cpu, ok=loop.ok)                  # one process at a time
    return [Goal("cold / warm full build, wall", ratio(runs["cold"], warm), 1.15),
            Goal("cold / warm full build, CPU", ratio(runs["cold"], warm, "cpu"), 1.15),
            Goal("warm full build / per-language loop, wall", ratio(warm, loop), 0.40),
            Goal(f"warm full build / per-language loop, quiet-machine estimate (CPU / {cores} cores vs loop CPU)",
                 ratio(quiet, quiet_loop), 0.40),
            Goal(f"warm full build / layout floor (loop CPU / {cores} cores), wall", ratio(warm, floor(loop, cores)), 1.15),
            Goal(f"warm full build / layout floor (loop CPU / {cores} cores), CPU / cores", ratio(quiet, floor(loop, cores)), 1.15),
            Goal("one language: five formats / screen PDF alone, CPU", ratio(runs["five"], runs["screen"], "cpu"), 1.15),
            Goal("no-op rebuild, wall", runs["noop"].wall if runs["noop"].ok else None, 0.3, " s"),
            Goal("no-op rebuild, CPU", runs["noop"].cpu if runs["noop"].ok else None, 0.3, " s")]


def large_goals(runs: dict[str, Run], langs: int, cores: int) -> list[Goal]:
    """Goals on the generated booklet: wall time of the full build, memory per worker process."""
    warm, cold = runs.get("warm"), runs.get("cold")
    pages = f"{warm.pages} pages x {langs} languages" if warm else "?"
    peak = max((run.rss for run in runs.values() if run.ok), default=0) / 2**20
    return [Goal(f"generated booklet ({pages}), warm full build, wall", warm.wall if warm and warm.ok else None, 45, " s"),
            Goal(f"generated booklet ({pages}), warm full build, CPU / {cores} cores",
                 warm.cpu / cores if warm and warm.ok else None, 45, " s"),
            Goal(f"generated booklet ({pages}), cold full build, wall", cold.wall if cold and cold.ok else None, 45, " s"),
            Goal("generated booklet, peak RSS of the largest process (one worker)", peak or None, 300, " MB")]


def repro_goal(name: str, first: Run, second: Run, folders: tuple[Path, Path]) -> Goal:
    """Goal: two clean builds without SOURCE_DATE_EPOCH give byte-identical PDFs and EPUBs."""
    if not (first.ok and second.ok):
        return Goal(f"{name}: PDFs/EPUBs differing between two clean builds", None, 0, " files")
    bad, total, names = differing(*folders)
    label = f"{name}: PDFs/EPUBs differing between two clean builds (of {total})"
    return Goal(label + (f" [{', '.join(names[:4])}]" if names else ""), bad if total else None, 0, " files")


def fits(runs: dict[str, Run], keys: tuple[str, ...]) -> list[str]:
    """Cost per language (over the runs ``keys``) and per page of the generated booklet, fitted by least squares."""
    lines = []
    by_langs = [(runs[key].langs, runs[key].cpu) for key in keys if key in runs and runs[key].ok]
    fit = slope(by_langs)
    if fit:
        lines.append(f"fitted slope, languages: CPU = {fit[0]:.1f} s + {fit[1]:.2f} s per language "
                     f"(R² {r_squared(by_langs, fit):.3f}, {len(by_langs)} warm builds ({', '.join(keys)}) of "
                     f"{', '.join(str(n) for n, _ in sorted(by_langs))} languages)")
    by_pages = [(run.pages, run.cpu) for key, run in runs.items() if key in ("half", "warm") and run.ok and run.pages]
    fit = slope(by_pages)
    if fit:
        lines.append(f"fitted slope, pages: CPU = {fit[0]:.1f} s + {1000 * fit[1]:.0f} ms per page "
                     f"({len(by_pages)} warm builds of {', '.join(str(p) for p, _ in sorted(by_pages))} pages, same languages)")
    return lines


def r_squared(points: list[tuple[float, float]], fit: tuple[float, float]) -> float:
    """How much of the variation the line explains (1.0: exactly linear)."""
    mean = sum(y for _, y in points) / len(points)
    total = sum((y - mean) ** 2 for _, y in points)
    residual = sum((y - fit[0] - fit[1] * x) ** 2 for x, y in points)
    return 1.0 - residual / total if total else 1.0
