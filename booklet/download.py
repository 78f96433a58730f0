"""The download page ``<out>/index.html``: every built language, its files, sizes, pages and coverage.

Written by the pipeline from the manifest it is about to publish (passed in
memory, :class:`booklet.manifest.Manifest`), so it lists the files that are
really there, including languages not rebuilt in this run. The
page's own text is in the booklet's source language; each language's entry is
in that language (its name, the booklet's title, link labels, sizes, plurals),
with ``lang`` and ``dir`` on the entry. It works without JavaScript; a small
inline script moves the reader's browser language to the top.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from babel.dates import format_date
from babel.numbers import format_percent
from babel.units import format_unit
from markupsafe import Markup

from .errors import BookletError
from .fsutil import atomic_write
from .i18n import load_catalog
from .inline import plain_text
from .languages import bcp47, direction, native_name
from .manifest import Manifest
from .model import Booklet, Text
from .render import make_environment, render_installed, template_dirs
from .translation import Translator

PAGE = "index.html"
#: Kinds of file in the order the page lists them, with how their names end after ``<slug>-<lang>``.
KINDS = (("web", "/index.html"), ("pdf", ".pdf"), ("epub", ".epub"), ("print", "-print.pdf"), ("booklet", "-booklet.pdf"))


@dataclass
class FileLink:
    """One downloadable file of a language, as the entry template shows it."""

    kind: str
    href: str
    size: str
    pages: int | None = None


@dataclass
class LanguageEntry:
    """One language on the download page."""

    lang: str
    tag: str
    dir: str
    name: str
    title: str
    files: list[FileLink] = field(default_factory=list)
    coverage: float | None = None   # percent of strings translated; None when unknown
    source: bool = False

    @property
    def percent(self) -> str:
        """Return the coverage in the language's percent format, or an empty string when unknown."""
        return "" if self.coverage is None else format_coverage(self.coverage, self.lang)

    @property
    def web(self) -> FileLink | None:
        """Return the web edition, if built."""
        return next((f for f in self.files if f.kind == "web"), None)


def coverage_of(counts: Mapping[str, int]) -> float:
    """Return the percentage of distinct strings shown translated (fuzzy and missing text is not)."""
    total = sum(counts.values())
    if not total:
        return 100.0
    return 100.0 * (counts.get("translated", 0) + counts.get("source", 0)) / total


def write_download_page(out_dir: Path, booklet: Booklet, counts: Mapping[str, Mapping[str, int]], manifest: Manifest) -> Path:
    """Write ``<out>/index.html`` listing the files of ``manifest``; ``counts`` are each language's translation counts."""
    path = out_dir / PAGE
    coverage = {bcp47(lang): coverage_of(lang_counts) for lang, lang_counts in counts.items()}
    translators = {lang: _translator(booklet, lang) for lang in booklet.languages}  # each catalog read once
    entries = language_entries(booklet, manifest, coverage, translators)
    dirs = template_dirs(booklet.root)
    rendered = [Markup(render_installed(_environment(dirs, translators[entry.lang]), "html/download-entry.html", entry=entry))
                for entry in entries]
    source = Translator(booklet.source_language, None, booklet.root)
    page = render_installed(_environment(dirs, source), "html/download.html", entries=entries, rendered=rendered,
                           title=_plain(source, booklet.title), subtitle=_plain(source, booklet.subtitle),
                           lang=bcp47(booklet.source_language), dir=direction(booklet.source_language),
                           publisher=_plain(source, booklet.publisher), license=_plain(source, booklet.license),
                           edition_iso=booklet.edition.isoformat(), edition_date=format_date(booklet.edition, "long", locale=booklet.source_language))
    atomic_write(path, page.encode("utf-8"))
    return path


def language_entries(booklet: Booklet, manifest: Manifest, coverage: Mapping[str, float],
                     translators: Mapping[str, Translator]) -> list[LanguageEntry]:
    """Return an entry for every booklet language with at least one file in the manifest, in booklet order."""
    by_path = {entry.path: entry for entry in manifest.entries}
    entries = []
    for lang in booklet.languages:
        tag = bcp47(lang)
        stem = f"{booklet.slug}-{tag}"
        translator = translators[lang]
        entry = LanguageEntry(lang, tag, direction(lang), native_name(lang), _plain(translator, booklet.title),
                              coverage=coverage.get(tag), source=lang == booklet.source_language)
        for kind, ending in KINDS:
            found = by_path.get(stem + ending)
            if found is None:
                continue
            size = found.bytes
            if kind == "web":   # the page, its CSS, fonts and images
                size = sum(e.bytes for p, e in by_path.items() if p.startswith(stem + "/"))
            entry.files.append(FileLink(kind, stem + ending, format_size(size, lang), found.pages))
        if entry.files:
            entries.append(entry)
    return entries


def format_size(size: int, lang: str) -> str:
    """Return a file size in the language's units: ``245 kB``, ``1,2 МБ``."""
    if size >= 1_000_000:
        return format_unit(round(size / 1_000_000, 1), "digital-megabyte", "short", locale=lang, format="#,##0.#")
    return format_unit(max(1, round(size / 1000)), "digital-kilobyte", "short", locale=lang)


def format_coverage(percent: float, lang: str) -> str:
    """Return a coverage percentage in the language's format, never rounded up to 100 %."""
    return format_percent(math.floor(percent) / 100, locale=lang)


def _environment(dirs: list[Path], translator: Translator):
    """Return a Jinja environment of its own for one language, its gettext installed once."""
    env = make_environment(dirs)
    env.install_gettext_translations(translator, newstyle=True)
    return env


def _translator(booklet: Booklet, lang: str) -> Translator:
    """Return the language's translator; a catalog that no longer loads falls back to the source text."""
    if lang == booklet.source_language:
        return Translator(lang, None, booklet.root)
    try:
        return Translator(lang, load_catalog(booklet.root, lang), booklet.root)
    except BookletError:
        return Translator(lang, None, booklet.root)


def _plain(translator: Translator, text: Text | None) -> str:
    """Translate a content text and strip its inline markup."""
    if text is None:
        return ""
    return plain_text(translator.text(text).text).replace("{{", "{").replace("}}", "}")
