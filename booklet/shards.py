"""CI sharding: which languages shard K of N builds, and ``merge``, which combines the shards' output folders.

``merge`` reads every shard's manifest first (:func:`booklet.manifest.read_manifest`
confines each path to its folder) and checks every listed file before copying
anything; then it stages and publishes like a build (``publish.py``).
"""
from __future__ import annotations

import hashlib
import shutil
from collections.abc import Sequence
from pathlib import Path

from . import state
from .errors import BookletError, Location, Problem
from .manifest import MANIFEST_FILE, Entry, Manifest, read_manifest, write_manifest


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


def merge(root: Path, out_dir: Path, inputs: Sequence[Path]) -> Manifest:
    """Combine the outputs of shard builds into ``out_dir``: files, manifest, build record and download page."""
    from .content import load_booklet
    from .download import write_download_page
    from .publish import check_out_dir, make_staging, publish, recover

    booklet = load_booklet(root)
    check_out_dir(out_dir, root)
    shards = _read_shards(inputs)                                  # every problem of every shard, before any copy
    if out_dir.is_dir():
        recover(out_dir)
    recorded = state.load_state(out_dir)
    staging = make_staging(out_dir)
    try:
        manifest = Manifest()
        for folder, shard in shards:
            if folder.resolve() != out_dir.resolve():
                for entry in shard.entries:
                    target = staging / entry.path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(folder / entry.path, target)
            manifest = manifest.merged(shard.entries)
            recorded.update(state.load_state(folder))
        write_manifest(staging, manifest)
        write_download_page(staging, booklet, {lang: entry.get("counts", {}) for lang, entry in recorded.items()}, manifest)
        state.write_state(staging, recorded)
        publish(staging, out_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return manifest


def _read_shards(inputs: Sequence[Path]) -> list[tuple[Path, Manifest]]:
    """Read every shard's manifest and check every file it lists; raise all problems at once."""
    shards, problems = [], []
    for folder in inputs:
        try:
            shard = read_manifest(folder)
        except BookletError as error:
            problems.extend(error.problems)
            continue
        problems += [Problem(Location(folder / MANIFEST_FILE), message) for entry in shard.entries
                     if (message := _file_problem(folder, entry))]
        shards.append((folder, shard))
    if problems:
        raise BookletError(problems)
    return shards


def _file_problem(folder: Path, entry: Entry) -> str | None:
    """Return what is wrong with a listed file (missing, or not the size and hash listed), or None."""
    path = folder / entry.path
    if not path.is_file():
        return f"{entry.path!r} is listed but missing"
    data = path.read_bytes()
    if len(data) != entry.bytes or hashlib.sha256(data).hexdigest() != entry.sha256:
        return f"{entry.path!r} differs from its manifest entry (size or sha256)"
    return None
