"""Measure one build from outside: wall and CPU time, peak memory per process, pages, languages rebuilt.

Every build runs ``python build.py`` as a subprocess of a :class:`Builder`, exactly as a
user would, on a snapshot of the working tree, so that edits made meanwhile cannot mix two
versions of the builder. CPU time is user + sys of the build and of the worker processes it
waited for (``os.wait4``); peak memory is ``ru_maxrss``, the largest single process.
"""
from __future__ import annotations

import compileall
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from booklet.errors import BookletError
from booklet.manifest import read_manifest

#: Top-level entries of the working tree not copied into the snapshot.
SNAPSHOT_SKIP = {".git", ".venv", "venv", "dist", "tests", "bench", "docs", "scripts", ".ci", ".github", ".pytest_cache",
                 ".benchmarks", ".booklet-cache", ".preview", "build", ".tools"}
#: ru_maxrss is in kilobytes on Linux and in bytes on macOS.
RSS_UNIT = 1 if sys.platform == "darwin" else 1024


@dataclass
class Run:
    """One measured build (or the sum of several run one after another, for a per-language loop)."""

    label: str
    wall: float = 0.0
    cpu: float = 0.0
    rss: int = 0                     # bytes, the largest single process
    pages: int = 0                   # reader PDF pages listed in the manifest
    langs: int = 0
    ok: bool = True
    error: str = ""
    formats: tuple[str, ...] = ()
    built: int = 0                   # languages whose output files were (re)written
    other: float | None = None       # CPU seconds the rest of the machine used meanwhile
    parts: list[Run] = field(default_factory=list)

    def add(self, other: Run) -> None:
        """Accumulate a run made after this one."""
        self.wall += other.wall
        self.cpu += other.cpu
        self.rss = max(self.rss, other.rss)
        self.pages += other.pages
        self.langs += other.langs
        self.built += other.built
        self.parts.append(other)
        if other.other is not None:
            self.other = (self.other or 0.0) + other.other
        if not other.ok:
            self.ok, self.error = False, self.error or other.error


@dataclass(frozen=True)
class Builder:
    """A snapshot of the builder and the sample booklet, and the Python that runs it."""

    tree: Path

    @classmethod
    def snapshot(cls, source: Path, work: Path) -> Builder:
        """Copy the builder and the sample booklet from ``source`` into ``work``/tree, its modules compiled."""
        tree = work / "tree"
        tree.mkdir(parents=True)
        for entry in sorted(source.iterdir()):
            if entry.name in SNAPSHOT_SKIP or entry.name.endswith(".egg-info"):
                continue
            if entry.is_dir():
                shutil.copytree(entry, tree / entry.name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".booklet-state.json", ".staging-*"))
            elif entry.is_file():
                shutil.copy2(entry, tree / entry.name)
        compileall.compile_dir(tree / "booklet", quiet=1)   # as pip installs it: no build pays for compiling the package
        return cls(tree)

    def command(self, args: list[str]) -> list[str]:
        """Return the command line of ``python build.py ARGS``."""
        return [sys.executable, str(self.tree / "build.py"), *args]

    def measure(self, label: str, args: list[str], out: Path | None, langs: int, cache: Path) -> Run:
        """Run ``python build.py ARGS`` with XDG_CACHE_HOME=cache and measure it."""
        before = built_files(out) if out is not None else {}
        env = {name: value for name, value in os.environ.items() if name != "SOURCE_DATE_EPOCH"}   # the clock must not matter
        run, failure = timed(label, self.command(args), self.tree, {**env, "XDG_CACHE_HOME": str(cache)})
        run.langs = langs
        if failure:
            run.ok, run.error = False, failure
            print(f"  FAILED {label}\n{failure}", file=sys.stderr, flush=True)
            return run
        if out is not None:
            run.pages, run.formats, published = manifest_pages(out)
            if published < langs:                   # a language held back (release policy) would flatter the figures
                run.ok, run.error = False, f"{label}: {published} of {langs} languages published (see the build's warnings)"
                print(f"  FAILED {run.error}", file=sys.stderr, flush=True)
                return run
            after = built_files(out)
            run.built = len({lang for path, (lang, stamp) in after.items() if before.get(path) != (lang, stamp)})
        print(f"  {label}: {run.wall:.2f} s wall, {run.cpu:.2f} s CPU, {run.rss / 2**20:.0f} MB, {run.pages} pages, "
              f"{run.built} languages built" + (f", other load {run.other:.1f} CPU s" if run.other is not None else ""),
              file=sys.stderr, flush=True)
        return run


def timed(label: str, command: list[str], cwd: Path, env: dict[str, str]) -> tuple[Run, str]:
    """Run a command and return its measured run and, if it failed, what it printed."""
    with tempfile.TemporaryFile() as output:
        busy_before = machine_busy_seconds()
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        busy_after = machine_busy_seconds()
        output.seek(0)
        printed = output.read().decode("utf-8", "replace")
    run = Run(label, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss * RSS_UNIT)
    if busy_before is not None and busy_after is not None:
        run.other = max(0.0, busy_after - busy_before - run.cpu)
    code = os.waitstatus_to_exitcode(status)
    if code == 0:
        return run, ""
    lines = [line for line in printed.splitlines() if line.strip()][-25:]
    return run, f"`{' '.join(command[1:])}` exited with {code}:\n" + "\n".join("    " + line for line in lines)


def manifest_pages(out: Path) -> tuple[int, tuple[str, ...], int]:
    """Sum the reader PDFs' pages listed in an output folder's manifest; list its formats; count its languages."""
    try:
        entries = read_manifest(out).entries
    except BookletError:
        return 0, (), 0
    formats = tuple(sorted({entry.format for entry in entries}))
    pages = sum(entry.pages or 0 for entry in entries if entry.format == "pdf")
    return pages, formats, len({entry.lang for entry in entries})


def built_files(out: Path) -> dict[str, tuple[str, tuple[int, int]]]:
    """Map each output the manifest lists to its language and (inode, mtime), to see which languages were rewritten."""
    try:
        entries = read_manifest(out).entries
    except BookletError:
        return {}
    files = {}
    for entry in entries:
        try:
            stat = (out / entry.path).stat()
        except OSError:
            continue
        files[entry.path] = (entry.lang, (stat.st_ino, stat.st_mtime_ns))
    return files


def machine_busy_seconds() -> float | None:
    """CPU seconds the whole machine has been busy since boot (Linux /proc/stat), to see other load."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)     # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def fresh_cache(work: Path) -> Path:
    """Return a new, empty folder to use as XDG_CACHE_HOME (the builder's font cache lives there)."""
    return Path(tempfile.mkdtemp(prefix="cache-", dir=work))


def median_run(runs: list[Run], label: str) -> Run:
    """Return the run with the median wall time (or the first failure), relabelled."""
    failed = [run for run in runs if not run.ok]
    chosen = failed[0] if failed else sorted(runs, key=lambda r: r.wall)[len(runs) // 2]
    suffix = f" (median of {len(runs)})" if len(runs) > 1 else ""
    return Run(**{**chosen.__dict__, "label": label + suffix})
