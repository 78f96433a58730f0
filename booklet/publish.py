"""Publishing a build: staged files move into the output folder under a journal, so no reader is left with a mixture.

A build writes everything it changes (outputs, manifest, build record, download
page) into ``<out>/.staging-*``. Publishing first writes the journal
``<out>/.booklet-publish.json`` naming the staging folder and its files, then moves
each file into place, the manifest, the build record and the download page last,
then deletes the journal. If the process dies in between (SIGKILL, power loss),
the next command that uses the folder finds the journal and completes the moves
before anything else, so the folder holds the new set; with no journal, staging
folders are leftovers of interrupted builds and are removed.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .errors import BookletError, Location, Problem
from .fsutil import atomic_write

JOURNAL = ".booklet-publish.json"
STAGING_PREFIX = ".staging-"
#: Published last, in this order: the files that describe the others.
LAST = ("manifest.json", ".booklet-state.json", "index.html")


def check_out_dir(out_dir: Path, root: Path) -> None:
    """Refuse an output folder that is a file, lies inside content/, or cannot be written; change nothing."""
    where = Location(Path("--out"))
    if out_dir.exists() and not out_dir.is_dir():
        raise BookletError([Problem(where, f"{out_dir} is a file, not a folder")])
    content = (root / "content").resolve()
    if out_dir.resolve().is_relative_to(content):
        raise BookletError([Problem(where, f"{out_dir} is inside content/: every build would change its own inputs")])
    existing = next(p for p in (out_dir, *out_dir.parents) if p.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        raise BookletError([Problem(where, f"{existing} is not writable")])


def recover(out_dir: Path) -> None:
    """Complete a publication that was interrupted, then remove stale staging folders."""
    journal = out_dir / JOURNAL
    if journal.is_file():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            staging, files = out_dir / plan["staging"], list(plan["files"])
        except (OSError, ValueError, KeyError, TypeError):
            staging, files = None, []
        if staging is not None and staging.is_dir():
            _move_all(staging, out_dir, files)
        journal.unlink(missing_ok=True)
    for stale in out_dir.glob(STAGING_PREFIX + "*"):
        shutil.rmtree(stale, ignore_errors=True)


def make_staging(out_dir: Path) -> Path:
    """Create a staging folder inside the output folder (same file system, so moves are renames)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))


def publish(staging: Path, out_dir: Path) -> None:
    """Move every staged file into ``out_dir`` under the journal, then remove the journal and the staging folder."""
    files = sorted((p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()), key=_order)
    atomic_write(out_dir / JOURNAL, json.dumps({"staging": staging.name, "files": files}).encode())
    _move_all(staging, out_dir, files)
    (out_dir / JOURNAL).unlink()
    shutil.rmtree(staging, ignore_errors=True)


def _order(relative: str) -> tuple[int, str]:
    """Sort key: outputs first, then the manifest, the build record and the download page."""
    return (LAST.index(relative) + 1 if relative in LAST else 0, relative)


def _move_all(staging: Path, out_dir: Path, files: Sequence[str]) -> None:
    """Rename each staged file over its published path; files already moved are skipped."""
    for relative in files:
        source = staging / relative
        if source.is_file():
            target = out_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)


def disk_problem(error: OSError, out_dir: Path) -> BookletError:
    """Turn a write failure in the output folder (read-only, full disk) into one located error."""
    reason = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
              errno.EACCES: "permission denied", errno.EDQUOT: "the disk quota is exceeded"}.get(error.errno, error.strerror)
    return BookletError([Problem(Location(Path("--out")), f"cannot write to {out_dir}: {reason}; nothing was changed")])
