"""Incremental builds: a fingerprint of every input of a language, recorded beside the outputs.

A language is rebuilt only when its fingerprint changes: the builder's code and
engine versions, the content, templates, fonts and images, its own catalog, the
requested formats, draft mode and the build timestamp. ``--force`` ignores it.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from importlib import metadata
from pathlib import Path

from .fonts import font_digest
from .fsutil import atomic_write
from .i18n import catalog_path
from .manifest import entry_for
from .model import Booklet, Image
from .outputs import LanguageResult, Output

STATE_FILE = ".booklet-state.json"
_PACKAGE = Path(__file__).resolve().parent
ENGINES = ("weasyprint", "ebooklib", "babel", "jinja2", "pyyaml", "fonttools", "uharfbuzz", "pikepdf", "pypdfium2", "pillow")


def _hash_files(digest, paths: Iterable[Path], root: Path | None = None) -> None:
    """Feed each file's name and bytes into ``digest``, in a stable order."""
    for path in sorted(set(paths)):
        digest.update(str(path.relative_to(root) if root and path.is_relative_to(root) else path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")


def _engine_versions() -> str:
    """Return the versions of the engines whose output the builder depends on."""
    return ",".join(f"{name}={_version(name)}" for name in ENGINES)


def _version(name: str) -> str:
    """Return an installed distribution's version, or ``-``: its metadata's Version header.

    ``importlib.metadata.version`` parses the whole file (long descriptions too) with the
    e-mail parser, a third of the fingerprint's time; the header is near the top.
    """
    try:
        dist = metadata.distribution(name)
    except metadata.PackageNotFoundError:
        return "-"
    headers = (dist.read_text("METADATA") or dist.read_text("PKG-INFO") or "").split("\n\n", 1)[0]
    found = re.search(r"^Version:[ \t]*(\S+)", headers, re.MULTILINE)
    return found[1] if found else dist.version


def shared_fingerprint(booklet: Booklet, template_dirs: Sequence[Path], formats: Sequence[str], draft: bool, timestamp: str) -> str:
    """Hash what every language depends on."""
    digest = hashlib.sha256(f"{_engine_versions()}|{','.join(formats)}|{draft}|{timestamp}".encode())
    _hash_files(digest, _PACKAGE.rglob("*.py"), _PACKAGE)
    _hash_files(digest, (booklet.root / "content").rglob("*"), booklet.root)
    for folder in template_dirs:
        _hash_files(digest, (p for p in folder.rglob("*") if p.is_file()), folder)
    for path in sorted({path for font in booklet.fonts for path in font.files}):
        digest.update(f"{path}={font_digest(path)}".encode())     # kept per file version: 6 MB not re-read every time
    images = [booklet.root / block.file for section in booklet.sections for block in section.blocks if isinstance(block, Image)]
    _hash_files(digest, images, booklet.root)
    return digest.hexdigest()


def language_fingerprint(shared: str, booklet: Booklet, lang: str) -> str:
    """Hash the shared inputs with the language's own catalog."""
    digest = hashlib.sha256(f"{shared}|{lang}".encode())
    if lang != booklet.source_language:
        _hash_files(digest, [catalog_path(booklet.root, lang)], booklet.root)
    return digest.hexdigest()


def load_state(out_dir: Path) -> dict:
    """Read the recorded fingerprints and outputs; an unreadable record counts as empty."""
    try:
        state = json.loads((out_dir / STATE_FILE).read_text(encoding="utf-8"))
        return state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        return {}


def outputs_intact(out_dir: Path, entries: Sequence[dict]) -> bool:
    """Return whether every recorded output still exists with its recorded size and hash."""
    for entry in entries:
        path = out_dir / entry["path"]
        if not path.is_file() or path.stat().st_size != entry["bytes"]:
            return False
        if hashlib.sha256(path.read_bytes()).hexdigest() != entry["sha256"]:
            return False
    return True


def fingerprints(booklet: Booklet, langs: Sequence[str], formats: Sequence[str], draft: bool, timestamp: dt.datetime,
                 pdf_variant: str, template_dirs: Sequence[Path]) -> dict[str, str]:
    """Return each language's input fingerprint."""
    formats = [*formats, f"--pdf-variant={pdf_variant}"]                  # the variant changes the PDFs too
    shared = shared_fingerprint(booklet, template_dirs, formats, draft, timestamp.isoformat())
    return {lang: language_fingerprint(shared, booklet, lang) for lang in langs}


def up_to_date(out_dir: Path, recorded: Mapping, fingerprints: Mapping[str, str]) -> dict[str, LanguageResult]:
    """Return the recorded results of languages whose fingerprint matches and whose outputs are intact."""
    reused = {}
    for lang, fingerprint in fingerprints.items():
        entry = recorded.get(lang)
        if isinstance(entry, dict) and entry.get("fingerprint") == fingerprint and outputs_intact(out_dir, entry["outputs"]):
            outputs = tuple(Output(e["lang"], e["format"], out_dir / e["path"], e["bytes"], e["sha256"], e.get("pages"))
                            for e in entry["outputs"])
            reused[lang] = LanguageResult(lang, outputs, entry.get("counts", {}))
    return reused


def updated(recorded: Mapping, out_dir: Path, results: Sequence[LanguageResult], fingerprints: Mapping[str, str]) -> dict:
    """Return the record with this run's languages: fingerprint, outputs (relative to ``out_dir``) and counts."""
    record = dict(recorded)
    for result in results:
        record[result.lang] = {"fingerprint": fingerprints.get(result.lang, ""), "counts": result.counts,
                               "outputs": [entry_for(out_dir, o).as_dict() for o in result.outputs]}
    return record


def write_state(folder: Path, recorded: Mapping) -> None:
    """Write the record that incremental builds and the download page read."""
    atomic_write(folder / STATE_FILE, (json.dumps(recorded, indent=1, sort_keys=True) + "\n").encode())
