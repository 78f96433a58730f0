"""The translators' commands: extract the template, update and create catalogs.

Every write is atomic, and a catalog that does not parse is never overwritten,
so a translator's work cannot be lost by running these commands. Catalogs are
read and written through the lossless model of :mod:`booklet.pofile` and merged
as GNU ``msgmerge --previous`` merges them (:mod:`booklet.pomerge`).
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
from .pofile import PoFile, dump, read_po_file, to_catalog, write_catalog
from .pomerge import merge
from .render import template_dirs
from .yamlsource import parse_yaml


def extract(root: Path) -> Path:
    """Write locales/<domain>.pot from the content and the templates; return its path."""
    booklet = load_booklet(root)
    template = extract_messages(booklet, template_dirs(root))
    template.creation_date = dt.datetime.combine(booklet.edition, dt.time(), dt.timezone.utc)
    path = template_path(root)
    atomic_write(path, write_catalog(template))
    return path


def read_template(root: Path) -> Catalog:
    """Read the template written by extract (the Babel view used by status and check)."""
    return to_catalog(read_template_file(root), domain=DOMAIN)


def read_template_file(root: Path) -> PoFile:
    """Read the template written by extract as a lossless PoFile."""
    path = template_path(root)
    if not path.is_file():   # a one-language booklet needs no locales/: the template is what extract would write
        booklet = load_booklet(root)
        return read_po_file(write_catalog(extract_messages(booklet, template_dirs(root))))
    try:
        return read_po_file(path.read_bytes())
    except ValueError as error:
        line, message = error.args
        raise BookletError([Problem(Location(path.relative_to(root), line), message)]) from None


def update(root: Path, languages: list[str] | None = None) -> list[Path]:
    """Merge the template into each language's catalog as ``msgmerge --previous`` does, keeping every translation."""
    booklet = load_booklet(root)
    template = read_template_file(root)
    targets = languages or [lang for lang in booklet.languages if lang != booklet.source_language]
    for lang in targets:
        load_catalog(root, lang)  # every catalog parses (located errors otherwise), or nothing is written
    merged = {lang: merge(read_po_file(catalog_path(root, lang).read_bytes()), template) for lang in targets}
    for lang, po in merged.items():
        atomic_write(catalog_path(root, lang), dump(po))
    return [catalog_path(root, lang) for lang in merged]


def init(root: Path, code: str) -> Path:
    """Create a catalog for a new language from the template, and add the language to booklet.yaml."""
    lang = parse_language(code)
    if lang is None:
        raise BookletError([Problem(Location(Path("locales")), f"unknown language code {code!r}")])
    path = catalog_path(root, lang)
    if path.exists():
        raise BookletError([Problem(Location(path.relative_to(root)), f"catalog for {lang!r} exists already; use: python build.py update")])
    template = read_template_file(root)
    header = to_catalog(template)
    catalog = Catalog(locale=lang, domain=DOMAIN, project=header.project, fuzzy=False,
                      creation_date=header.creation_date, revision_date=header.creation_date, charset="utf-8")
    catalog.language_team = f"{catalog.locale.english_name} <LL@li.org>" if catalog.locale else None
    settings = root / "content" / "booklet.yaml"
    edited = with_language(settings.read_text(encoding="utf-8"), lang, settings.relative_to(root))  # fails before any write
    atomic_write(path, dump(merge(read_po_file(write_catalog(catalog)), template)))
    if edited is not None:
        atomic_write(settings, edited.encode("utf-8"))
    return path


def with_language(text: str, lang: str, where: Path) -> str | None:
    """Return booklet.yaml's text with ``lang`` added to its languages list, comments and layout kept (None: already there)."""
    import yaml

    node = next((value for key, value in getattr(yaml.compose(text), "value", []) if key.value == "languages"), None)
    if not isinstance(node, yaml.SequenceNode):
        raise BookletError([Problem(Location(where), "no languages list to add the language to; add it by hand")])
    if lang in [parse_language(item.value) for item in node.value]:    # pt-BR listed: pt_BR is there already
        return None
    if node.flow_style:
        end = node.end_mark.index - 1                       # the closing bracket
        head = text[:end].rstrip()
        edited = f"{head}{', ' if node.value else ''}{lang}{text[end:]}"
    else:
        last = node.value[-1]
        line_end = text.find("\n", last.end_mark.index)
        line_end = len(text) if line_end < 0 else line_end
        dash = text.rfind("-", 0, last.start_mark.index)             # the item's "- " marker
        indent = dash - text.rfind("\n", 0, dash) - 1
        edited = f"{text[:line_end]}\n{' ' * indent}- {lang}{text[line_end:]}"
    languages = parse_yaml(edited, where).data.get("languages") or []
    if languages[-1:] != [lang]:
        raise BookletError([Problem(Location(where), f"could not add {lang!r} to the languages list; add it by hand")])
    return edited

