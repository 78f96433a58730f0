"""The manifest: what an output folder holds, one typed reader and one writer of ``manifest.json``.

Every other stage receives a :class:`Manifest` in memory (the download page, the
page-count check, the web edition, ``merge``); nothing else reads the file.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import BookletError, Location, Problem
from .fsutil import atomic_write
from .outputs import Output

MANIFEST_FILE = "manifest.json"


@dataclass(frozen=True)
class Entry:
    """One published file: its language (BCP 47), format, path relative to the folder, size, hash and pages."""

    lang: str
    format: str
    path: str
    bytes: int
    sha256: str
    pages: int | None = None

    def as_dict(self) -> dict:
        """Return the entry as written in manifest.json."""
        data = {"lang": self.lang, "format": self.format, "path": self.path, "bytes": self.bytes, "sha256": self.sha256}
        if self.pages is not None:
            data["pages"] = self.pages
        return data


@dataclass(frozen=True)
class Manifest:
    """Every file of an output folder, sorted by language, format and path."""

    entries: tuple[Entry, ...] = ()

    def merged(self, entries: Iterable[Entry]) -> Manifest:
        """Return this manifest with ``entries`` added, replacing entries of the same path."""
        by_path = {entry.path: entry for entry in self.entries}
        by_path.update((entry.path, entry) for entry in entries)
        return Manifest(tuple(sorted(by_path.values(), key=lambda e: (e.lang, e.format, e.path))))

    def existing(self, folder: Path) -> Manifest:
        """Return the entries whose files are in ``folder``."""
        return Manifest(tuple(e for e in self.entries if (folder / e.path).is_file()))

    def paths(self, tag: str) -> tuple[str, ...]:
        """Return the paths of one language's files."""
        return tuple(e.path for e in self.entries if e.lang == tag)

    def pages(self, tag: str) -> int | None:
        """Return the page count of a language's screen or print PDF, if listed."""
        return next((e.pages for e in self.entries if e.lang == tag and e.format in ("pdf", "print") and e.pages), None)


def entry_for(out_dir: Path, output: Output) -> Entry:
    """Describe one output written under ``out_dir``."""
    return Entry(output.lang, output.format, output.path.relative_to(out_dir).as_posix(), output.bytes, output.sha256, output.pages)


def read_manifest(folder: Path) -> Manifest:
    """Read ``folder/manifest.json``; every malformed entry or path leading out of the folder is a located error."""
    path = folder / MANIFEST_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BookletError([Problem(Location(path), "no manifest.json: is this the output folder of a build?")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise BookletError([Problem(Location(path), f"cannot read the manifest: {error}")]) from None
    except ValueError as error:
        raise BookletError([Problem(Location(path, getattr(error, "lineno", None), getattr(error, "colno", None)),
                                    f"manifest is not valid JSON: {getattr(error, 'msg', error)}")]) from None
    raw = data.get("outputs") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        raise BookletError([Problem(Location(path), "manifest must be an object with a list 'outputs'")])
    entries, problems = [], []
    base = folder.resolve()
    for index, item in enumerate(raw):
        entry, problem = _entry(item, index, folder, base)
        if problem:
            problems.append(Problem(Location(path), problem))
        else:
            entries.append(entry)
    if problems:
        raise BookletError(problems)
    return Manifest().merged(entries)


def _entry(item, index: int, folder: Path, base: Path) -> tuple[Entry | None, str | None]:
    """Check one raw manifest entry (``base`` is ``folder`` resolved); return it, or what is wrong with it."""
    fields = {"lang": str, "format": str, "path": str, "bytes": int, "sha256": str}
    if not isinstance(item, dict):
        return None, f"outputs[{index}] must be an object"
    for name, kind in fields.items():
        if not isinstance(item.get(name), kind) or isinstance(item.get(name), bool):
            return None, f"outputs[{index}]: '{name}' must be a {'whole number' if kind is int else 'string'}"
    pages = item.get("pages")
    if pages is not None and (not isinstance(pages, int) or isinstance(pages, bool)):
        return None, f"outputs[{index}]: 'pages' must be a whole number"
    if not inside(folder, item["path"], base):
        return None, f"outputs[{index}]: path {item['path']!r} leads outside the folder"
    return Entry(item["lang"], item["format"], item["path"], item["bytes"], item["sha256"], pages), None


def inside(folder: Path, relative: str, base: Path | None = None) -> bool:
    """Return whether a relative POSIX path names a file strictly inside ``folder`` (``base``: resolved), symlinks resolved."""
    pure = PurePosixPath(relative)
    if not relative or pure.is_absolute() or ".." in pure.parts or "\\" in relative:
        return False
    base = base or folder.resolve()
    target = (folder / pure).resolve()
    return target != base and target.is_relative_to(base)


def load_published(out_dir: Path) -> Manifest:
    """Return the manifest of a previous build's files that still exist; an unreadable one counts as empty."""
    try:
        return read_manifest(out_dir).existing(out_dir)
    except BookletError:
        return Manifest()


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Write ``folder/manifest.json`` atomically."""
    path = folder / MANIFEST_FILE
    data = {"outputs": [entry.as_dict() for entry in manifest.entries]}
    atomic_write(path, (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    return path
