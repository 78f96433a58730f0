"""Format the benchmark's figures: tables of runs, the goals with their ratios, profiles, the machine."""
from __future__ import annotations

import datetime as dt
import os
import platform
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from measure import Run


@dataclass(frozen=True)
class Goal:
    """One figure of issue 16 with its target: met when ``value <= target``."""

    name: str
    value: float | None
    target: float
    unit: str = "x"

    def line(self) -> str:
        """Return the goal as a report line."""
        if self.value is None:
            return f"{self.name}: not measured (a run failed or was skipped) (target <= {self.target:g}{self.unit})"
        verdict = "met" if self.value <= self.target else "NOT met"
        shown = str(self.value) if isinstance(self.value, int) else f"{self.value:.2f}"
        return f"{self.name}: {shown}{self.unit} (target <= {self.target:g}{self.unit}: {verdict})"


def ratio(a: Run | None, b: Run | None, key: str = "wall") -> float | None:
    """Return a's figure divided by b's, or None when either run failed."""
    if a is None or b is None or not (a.ok and b.ok) or not getattr(b, key):
        return None
    return getattr(a, key) / getattr(b, key)


def table(runs: list[Run]) -> list[str]:
    """Format runs as a fixed-width table."""
    header = ("run", "wall s", "CPU s", "CPU/wall", "peak MB/proc", "pages", "pages/s", "CPU ms/page", "wall s/lang", "other load")
    rows = [header] + [_row(run) for run in runs]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def _row(run: Run) -> tuple[str, ...]:
    """One table row."""
    if not run.ok:
        return (run.label, "FAILED", *[""] * 8)
    return (run.label, f"{run.wall:.2f}", f"{run.cpu:.2f}", f"{run.cpu / run.wall:.2f}" if run.wall else "-",
            f"{run.rss / 2**20:.0f}", str(run.pages) if run.pages else "-",
            f"{run.pages / run.wall:.1f}" if run.pages and run.wall else "-",
            f"{1000 * run.cpu / run.pages:.0f}" if run.pages else "-",
            f"{run.wall / run.langs:.2f}" if run.langs else "-",
            f"{run.other / run.wall:.2f}" if run.other is not None and run.wall else "-")


def slope(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Least-squares fit y = a + b·x; return (a, b), or None with fewer than two distinct x."""
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    mean_x, mean_y = sum(x for x, _ in points) / n, sum(y for _, y in points) / n
    b = sum((x - mean_x) * (y - mean_y) for x, y in points) / sum((x - mean_x) ** 2 for x, _ in points)
    return mean_y - b * mean_x, b


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
    rest = sum(seconds for _name, seconds in stages["packages"][8:])
    for name, seconds in [*stages["packages"][:8], ("everything else", rest)]:
        lines.append(f"    {name.ljust(36)}  {seconds:7.2f} s  {100 * seconds / total:5.1f} %")
    return lines


def machine_line(jobs: int) -> str:
    """Describe the machine: cores, memory, OS, Python, WeasyPrint."""
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kb = int(next(line for line in meminfo.read_text().splitlines() if line.startswith("MemTotal")).split()[1])
        memory = f", {kb / 2**20:.0f} GiB RAM"
    return (f"machine: {os.cpu_count()} CPUs{memory}, {platform.platform()}, Python {platform.python_version()}, "
            f"WeasyPrint {version('weasyprint')}, uharfbuzz {version('uharfbuzz')}; builds with --jobs {jobs}")


def heading(started: dt.datetime) -> list[str]:
    """The report's first lines."""
    return [f"Booklet builder benchmark, {started.strftime('%Y-%m-%d %H:%M')}", ""]


def footer(jobs: int, seconds: float) -> list[str]:
    """How to read the report, and the machine it ran on."""
    return ["", "cold/warm: the builder caches font instances and subsets under $XDG_CACHE_HOME/booklet/fonts; every "
            "build here gets a private cache folder, empty (cold) or left by an earlier build of the same text (warm)",
            "peak MB/proc: ru_maxrss, the largest single process of the build (not the sum of parallel workers)",
            "other load: CPU seconds used by other processes during the run, per wall second (above ~0.1 the wall "
            "times are inflated by someone else's work: compare CPU)",
            machine_line(jobs), f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
            f"benchmark time: {seconds:.0f} s"]
