"""Translation catalogs: load .po files and extract the template.

Catalogs are read with Babel and used directly (no .mo files). Looking up
translations is :mod:`booklet.translation`'s job.
"""
from __future__ import annotations

import io
import textwrap
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract as babel_extract
from babel.messages.pofile import PoFileError

from .errors import BookletError, Location, Problem
from .model import Booklet, translatable_texts
from .pofile import decode, read_catalog, syntax_problems

DOMAIN = "booklet"


def catalog_path(root: Path, lang: str) -> Path:
    """Return the .po path of a language in the gettext layout."""
    return root / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path(root: Path) -> Path:
    """Return the path of the catalog template (.pot)."""
    return root / "locales" / f"{DOMAIN}.pot"


def load_catalog(root: Path, lang: str) -> Catalog:
    """Read a language's .po file; raise BookletError with the file and line on syntax errors."""
    path = catalog_path(root, lang)
    shown = path.relative_to(root)
    if not path.is_file():
        raise BookletError([Problem(Location(shown), f"no catalog for language {lang!r} (create it with: python build.py init {lang})")])
    if not path.resolve().is_relative_to(root.resolve()):
        raise BookletError([Problem(Location(shown), "is a link to a file outside the booklet folder")])
    raw = path.read_bytes()
    try:
        text, _charset = decode(raw)   # the charset the header declares (ISO-8859-1 catalogs too)
    except ValueError as error:
        raise BookletError([Problem(Location(shown, error.args[0]), error.args[1])]) from None
    problems = syntax_problems(text)
    if problems:
        raise BookletError([Problem(Location(shown, line), message if message.startswith("plural entry") else f"invalid .po file: {message}")
                            for line, message in problems])
    try:
        with path.open("rb") as handle:
            catalog = read_catalog(handle, locale=lang, domain=DOMAIN, abort_invalid=True)
    except PoFileError as error:
        raise BookletError([Problem(Location(shown, error.lineno), f"invalid .po file: {error.args[0]}")]) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise BookletError([Problem(Location(shown), f"invalid .po file: {error}")]) from None
    return catalog


def extract_messages(booklet: Booklet, template_dirs: Iterable[Path]) -> Catalog:
    """Build the catalog template from the content YAML and the Jinja templates."""
    from .translation import msgid_of  # translation imports this module

    catalog = Catalog(domain=DOMAIN, project=booklet.slug, charset="utf-8", fuzzy=False)
    for value in translatable_texts(booklet):
        _add(catalog, msgid_of(value), (str(value.location.path), value.location.line), value.note, value.context)
    for folder, path in _template_files(template_dirs):
        shown = Path("templates") / path.relative_to(folder)
        for lineno, msgid, comments, context in _template_messages(folder, path, shown):
            _add(catalog, msgid, (str(shown), lineno), " ".join(comments) or None, context)
    return catalog


def _template_messages(folder: Path, path: Path, shown: Path) -> list[tuple]:
    """Extract one template's messages; a template that links out of its folder or is not UTF-8 is a located error."""
    if not path.resolve().is_relative_to(folder.resolve()):     # never read what a symlink points to outside
        raise BookletError([Problem(Location(shown), "template error: not allowed in a booklet's template: "
                                    f"{path.relative_to(folder).as_posix()} is a link to a file outside the template folders")])
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BookletError([Problem(Location(shown, data[:error.start].count(b"\n") + 1), "file is not valid UTF-8")]) from None
    return list(_extract_jinja(data))


@lru_cache(maxsize=256)
def _extract_jinja(data: bytes) -> tuple[tuple, ...]:
    """Extract a template's messages from its bytes; remembered, since every check and build asks for the same templates."""
    return tuple(babel_extract("jinja2", io.BytesIO(data), comment_tags=("Translators:",), options=_JINJA_OPTIONS))


_JINJA_OPTIONS = {"trimmed": "true", "newstyle_gettext": "true", "silent": "false", "extensions": "jinja2.ext.i18n"}


def _template_files(template_dirs: Iterable[Path]) -> list[tuple[Path, Path]]:
    """Return (folder, file) for every template, the first folder winning for a given name."""
    chosen: dict[Path, tuple[Path, Path]] = {}
    for folder in template_dirs:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".html", ".xhtml", ".svg") and path.relative_to(folder) not in chosen:
                chosen[path.relative_to(folder)] = (folder, path)
    return [chosen[name] for name in sorted(chosen)]


def _add(catalog: Catalog, msgid, location: tuple[str, int], note: str | None, context: str | None) -> None:
    """Add or merge one message into a template catalog."""
    existing = catalog.get(msgid, context=context)
    if existing is not None:
        existing.locations.append(location)
        for line in textwrap.wrap(note, width=76) if note else []:
            if line not in existing.auto_comments:
                existing.auto_comments.append(line)
        return
    comments = textwrap.wrap(note, width=76) if note else []
    message = catalog.add(msgid, locations=[location], auto_comments=comments, context=context)
    if "python-format" in message.flags and not location[0].startswith("templates"):
        # Content strings are never %-formatted; Babel's guess would make checkers demand placeholders.
        message.flags.discard("python-format")
        message.flags.add("no-python-format")


def __getattr__(name: str):
    """Keep ``from booklet.i18n import Translator`` working: the lookup moved to booklet.translation."""
    if name in ("Translated", "Translator", "CONTENT_PLACEHOLDER", "PERCENT_PLACEHOLDER"):
        from . import translation

        return getattr(translation, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
