"""Font checks that ``check`` runs without building: every character each language shows is covered, every face exists.

The text is what the render stage makes for the language (translations, and the
dates, numbers and digits Babel and the numbering system add, such as 年月日 or
۱۲۳), plus the catalog's translations of the templates' own strings.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from babel.messages.catalog import Catalog

from .errors import BookletError, Location, Problem
from .fonts import coverage_problems, fonts_for, missing_faces, texts_of
from .i18n import catalog_path
from .model import Booklet, translatable_texts
from .render import render_view
from .translation import Scope, Translator, booklet_strings, forms, source_forms, unusable_keys


def font_problems(booklet: Booklet, catalogs: Mapping[str, Catalog | None]) -> list[Problem]:
    """Return the coverage errors and missing-face warnings of every language."""
    strings = booklet_strings(booklet)
    problems: list[Problem] = []
    for lang in booklet.languages:
        catalog = catalogs.get(lang)
        unusable = unusable_keys(Scope.of(booklet, lang, catalog, strings)) if catalog is not None else frozenset()
        try:
            view = render_view(booklet, Translator(lang, catalog, booklet.root, unusable=unusable))
        except BookletError:
            continue                                                  # its problems are reported by the catalog checks
        texts = texts_of(view) + [form for message in catalog or () if message.id for form in forms(message) if form]
        fonts = fonts_for(booklet.fonts, lang)
        fallback = next((f.source for f in fonts if f.source), None) or booklet.source or Location(booklet.root)
        problems += coverage_problems(lang, texts, fonts, partial(_locate, booklet, lang, catalog, fallback=fallback), fallback)
        problems += [_face_warning(booklet, lang, face) for face in missing_faces(lang, booklet.fonts)]
    return problems


def _face_warning(booklet: Booklet, lang: str, face: str) -> Problem:
    """Warn that a language's font has no face the templates use."""
    own = next((f for f in booklet.fonts if lang in f.languages), None) or next(iter(booklet.fonts))
    return Problem(own.source or Location(booklet.root), f"{lang}: the font {own.family!r} has no {face} face, which headings "
                   f"and **strong** text use; declare a {face} file for it (or a font family with one) for {lang}", "warning")


def _locate(booklet: Booklet, lang: str, catalog: Catalog | None, char: str, *, fallback: Location) -> Location:
    """Find the catalog entry or source text where a character first appears."""
    for message in catalog or ():
        if message.id and any(char in form for form in forms(message) if form) and message.lineno:
            return Location(catalog_path(booklet.root, lang).relative_to(booklet.root), message.lineno)
    for value in translatable_texts(booklet):
        if char in " ".join(source_forms(value)):
            return value.location
    return fallback
