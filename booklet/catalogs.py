"""The translators' commands: extract the template, update and create catalogs.

Every write is atomic, and a catalog that does not parse is never overwritten,
so a translator's work cannot be lost by running these commands.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.catalog import Catalog

from .content import load_booklet
from .errors import BookletError, Location, Problem
from .fsutil import atomic_write
from .i18n import DOMAIN, catalog_path, extract_messages, load_catalog, template_path
from .languages import parse_language
from .pofile import read_catalog, write_catalog
from .render import template_dirs


def extract(root: Path) -> Path:
    """Write locales/<domain>.pot from the content and the templates; return its path."""
    booklet = load_booklet(root)
    template = extract_messages(booklet, template_dirs(root))
    template.creation_date = dt.datetime.combine(booklet.edition, dt.time(), dt.timezone.utc)
    path = template_path(root)
    atomic_write(path, write_catalog(template))
    return path


def read_template(root: Path) -> Catalog:
    """Read the template written by extract."""
    path = template_path(root)
    if not path.is_file():
        raise BookletError([Problem(Location(path.relative_to(root)), "no catalog template; run: python build.py extract")])
    with path.open("rb") as handle:
        return read_catalog(handle, domain=DOMAIN)


def update(root: Path, languages: list[str] | None = None) -> list[Path]:
    """Merge the template into each language's catalog, keeping every translation."""
    booklet = load_booklet(root)
    template = read_template(root)
    targets = languages or [lang for lang in booklet.languages if lang != booklet.source_language]
    catalogs = {lang: load_catalog(root, lang) for lang in targets}  # all parse, or nothing is written
    written = []
    for lang, catalog in catalogs.items():
        merge(catalog, template)
        atomic_write(catalog_path(root, lang), write_catalog(catalog))
        written.append(catalog_path(root, lang))
    return written


def merge(catalog: Catalog, template: Catalog) -> None:
    """Update ``catalog`` from ``template``, losing nothing a translator wrote.

    Babel makes changed texts fuzzy with the previous msgid and moves removed ones to
    the obsolete entries; on top of that, a text that returns gets its old translation
    back (Babel leaves it empty), and ``#|`` previous texts survive later updates.
    """
    obsolete = {(m.id, m.context): m for m in catalog.obsolete.values()}
    previous = {(m.id, m.context): m.previous_id for m in catalog if m.fuzzy and m.previous_id}
    catalog.update(template, no_fuzzy_matching=False, update_header_comment=False, keep_user_comments=True, update_creation_date=False)
    for message in catalog:
        key = (message.id, message.context)
        if message.fuzzy and not message.previous_id and key in previous:
            message.previous_id = previous[key]  # Babel drops it when the text matches exactly
        revived = obsolete.get(key)
        if message.id and revived is not None and (not message.string or message.fuzzy):
            message.string = revived.string
            message.flags = set(revived.flags) | (message.flags - {"fuzzy"})
            message.user_comments = revived.user_comments
            message.previous_id = []
    for obsolete_key, message in list(catalog.obsolete.items()):
        if catalog.get(message.id, context=message.context) is not None:
            del catalog.obsolete[obsolete_key]  # its text is current again


def init(root: Path, code: str) -> Path:
    """Create a catalog for a new language from the template, and add the language to booklet.yaml."""
    lang = parse_language(code)
    if lang is None:
        raise BookletError([Problem(Location(Path("locales")), f"unknown language code {code!r}")])
    path = catalog_path(root, lang)
    if path.exists():
        raise BookletError([Problem(Location(path.relative_to(root)), f"catalog for {lang!r} exists already; use: python build.py update")])
    template = read_template(root)
    catalog = Catalog(locale=lang, domain=DOMAIN, project=template.project, fuzzy=False,
                      creation_date=template.creation_date, revision_date=template.creation_date, charset="utf-8")
    catalog.language_team = f"{catalog.locale.english_name} <LL@li.org>" if catalog.locale else None
    merge(catalog, template)
    atomic_write(path, write_catalog(catalog))
    _add_language(root, lang)
    return path


def _add_language(root: Path, lang: str) -> None:
    """Append a language to the languages list in booklet.yaml, keeping the file's layout."""
    booklet = load_booklet(root)
    if lang in booklet.languages:
        return
    path = root / "content" / "booklet.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("languages:") and stripped.endswith("]"):
            lines[index] = line.rstrip()[:-1].rstrip() + f", {lang}]\n"
            break
        if stripped.startswith("languages:"):
            end = index + 1
            while end < len(lines) and lines[end].lstrip().startswith("- "):
                end += 1
            indent = lines[index + 1][: len(lines[index + 1]) - len(lines[index + 1].lstrip())] if end > index + 1 else "  "
            lines.insert(end, f"{indent}- {lang}\n")
            break
    atomic_write(path, "".join(lines).encode("utf-8"))
    load_booklet(root)  # the edited file must still load
