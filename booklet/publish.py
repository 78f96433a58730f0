"""Publishing a build: readers of the output folder see the old set of files or the new set, never a mixture.

A build writes everything it changes (outputs, manifest, build record, download
page) into a staging folder beside the output folder (``.<out>.staging-*``, same
file system). Publishing completes it into the whole new folder (hard links of the
files this build did not change) and swaps the two folders in one atomic
``renameat2(RENAME_EXCHANGE)``; the old set, now in the staging folder's place, is
removed. A kill before the swap leaves the old folder; after it, the new one.

Where the swap is not available (not Linux, a file system or mount point that
refuses it, a parent folder that cannot be written), staging is inside the output
folder and publishing is a journal: ``<out>/.booklet-publish.json`` names the
staging folder and its files, each file is moved into place (the manifest, the
build record and the download page last), then the journal is deleted. If the
process dies in between, readers see some files new and others old until the next
``build`` or ``merge``, which completes the moves before anything else. Either way,
the next build or merge removes stale staging folders.

Ctrl-C while publishing is held until publishing ends, so an interrupt never leaves a
mixture either: the command then exits 130 saying the new set was published.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import functools
import json
import os
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from .errors import BookletError, Location, Problem
from .fsutil import atomic_write

JOURNAL = ".booklet-publish.json"
STAGING_PREFIX = ".staging-"
#: Published last, in this order: the files that describe the others.
LAST = ("manifest.json", ".booklet-state.json", "index.html")


def check_out_dir(out_dir: Path, root: Path) -> None:
    """Refuse an output folder that is a file, holds the booklet, lies inside content/, or cannot be written."""
    where = Location(Path("--out"))
    if out_dir.exists() and not out_dir.is_dir():
        raise BookletError([Problem(where, f"{out_dir} is a file, not a folder")])
    if root.resolve().is_relative_to(out_dir.resolve()):      # publishing swaps the whole output folder
        raise BookletError([Problem(where, f"{out_dir} is the booklet folder or contains it: publishing would replace its own inputs")])
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
    for stale in [*out_dir.glob(STAGING_PREFIX + "*"), *_siblings(out_dir)]:
        shutil.rmtree(stale, ignore_errors=True)


def _siblings(out_dir: Path) -> list[Path]:
    """Return the staging folders beside ``out_dir`` that earlier builds left."""
    prefix = f".{out_dir.name}{STAGING_PREFIX}"
    parent = out_dir.parent
    return [p for p in parent.iterdir() if p.name.startswith(prefix) and p.is_dir()] if parent.is_dir() else []


def make_staging(out_dir: Path) -> Path:
    """Create the staging folder beside the output folder, or inside it when only the swap's fallback can publish."""
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    if _renameat2() is not None and os.access(out_dir.parent, os.W_OK | os.X_OK) and not os.path.ismount(out_dir):
        return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}{STAGING_PREFIX}", dir=out_dir.parent))
    out_dir.mkdir(exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out_dir))


class InterruptedAfterPublishing(KeyboardInterrupt):
    """Ctrl-C arrived while publishing: it was held until the new set was in place."""


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C (SIGINT) for the duration; raise InterruptedAfterPublishing afterwards if one arrived."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: arrived.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if arrived:
        raise InterruptedAfterPublishing()


def publish(staging: Path, out_dir: Path) -> None:
    """Make the staged files the output folder's (swap or journal), holding Ctrl-C until that is done."""
    with _interrupts_held():
        _publish(staging, out_dir)


def _publish(staging: Path, out_dir: Path) -> None:
    """Make the staged files the output folder's: one atomic swap of folders, or journalled moves."""
    if staging.parent != out_dir:
        os.chmod(staging, _folder_mode(out_dir))
        if not out_dir.exists():
            os.rename(staging, out_dir)                   # nothing to mix with: one rename
            return
        _complete(staging, out_dir)
        if swap(staging, out_dir):
            shutil.rmtree(staging, ignore_errors=True)    # the old set, now at the staging path
            return
    _publish_by_journal(staging, out_dir)


def _publish_by_journal(staging: Path, out_dir: Path) -> None:
    """Move every staged file into ``out_dir`` under the journal, then remove the journal and the staging folder."""
    files = sorted((p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()), key=_order)
    name = os.path.relpath(staging, out_dir)
    atomic_write(out_dir / JOURNAL, json.dumps({"staging": name, "files": files}).encode())
    _move_all(staging, out_dir, files)
    (out_dir / JOURNAL).unlink()
    shutil.rmtree(staging, ignore_errors=True)


def _complete(staging: Path, out_dir: Path) -> None:
    """Add to the staging folder every published file this build did not change (hard links; copies where impossible)."""
    for path in sorted(out_dir.rglob("*")):
        relative = path.relative_to(out_dir)
        if relative.parts[0].startswith(STAGING_PREFIX) or relative.as_posix() == JOURNAL:
            continue
        target = staging / relative
        if path.is_symlink():
            if not os.path.lexists(target):
                target.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(os.readlink(path), target)
        elif path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif not os.path.lexists(target):
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(path, target)
            except OSError:
                shutil.copy2(path, target)


def _folder_mode(out_dir: Path) -> int:
    """The permissions the published folder keeps: the old folder's, or the default for a new folder."""
    if out_dir.is_dir():
        return stat.S_IMODE(out_dir.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o777 & ~umask


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """Return libc's renameat2 (Linux, glibc 2.28+), or None where there is none."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    return function


AT_FDCWD, RENAME_EXCHANGE = -100, 2


def swap(first: Path, second: Path) -> bool:
    """Exchange two folders atomically; False where the file system refuses (then nothing changed)."""
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    if renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EBUSY, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(second))


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
