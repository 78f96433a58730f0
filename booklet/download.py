"""The download pages: ``index.<lang>.html`` for every built language, and ``index.html`` that picks one.

Written by the pipeline from the manifest it is about to publish (passed in
memory, :class:`booklet.manifest.Manifest`), so they list the files that are
really there, including languages not rebuilt in this run. Each page's
interface is in its own language, through the booklet's catalogs (template
strings still untranslated show the source text, marked with its ``lang``);
each language's entry is in that language (its name, the booklet's title,
cover, link labels, sizes, plurals), with ``lang`` and ``dir`` on the entry.
``index.html`` is the source language's page plus a few lines of script that
open the page of the browser's language; without JavaScript, the language
chooser at the top of every page reaches every language. The booklet's fonts
are embedded, subset to the pages' text (``download-fonts/``).
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel.core import get_global
from babel.messages.catalog import Catalog
from markupsafe import Markup, escape

from .errors import BookletError
from .fonts import css_string, describe, font_stack, fonts_for, subset_font
from .formatting import Formatter, formatter_for
from .fsutil import atomic_write
from .i18n import Translator, load_catalog
from .inline import plain_text
from .languages import bcp47, direction, native_name
from .manifest import Manifest
from .model import Booklet, Text
from .render import make_environment, render_installed, template_dirs
from .translation import coverage_percent

PAGE = "index.html"
FONT_FOLDER = "download-fonts"
#: Kinds of file in the order the page lists them, with how their names end after ``<slug>-<lang>``.
KINDS = (("web", "/index.html"), ("pdf", ".pdf"), ("epub", ".epub"), ("print", "-print.pdf"), ("booklet", "-booklet.pdf"))
#: What readers want; the other kinds are for printing and are listed under their own heading.
READER_KINDS = ("web", "pdf", "epub")
#: The cover thumbnail the web edition writes (booklet.formats.html.THUMBNAIL_NAME).
COVER = "/cover.jpg"


@dataclass
class FileLink:
    """One downloadable file of a language, as the entry template shows it."""

    kind: str
    href: str
    size: str
    pages: int | None = None

    @property
    def sheets(self) -> int | None:
        """Return the sheets of the fold-and-staple PDF, each printed on both sides (its pages are sheet sides)."""
        return -(-self.pages // 2) if self.kind == "booklet" and self.pages else None


@dataclass
class LanguageEntry:
    """One language on the download page."""

    lang: str
    tag: str
    dir: str
    name: str
    title: Markup
    files: list[FileLink] = field(default_factory=list)
    coverage: float | None = None   # percent of strings translated; None when unknown
    source: bool = False
    #: Path of the cover thumbnail, when the web edition has one.
    cover: str | None = None
    #: How the entry writes numbers (``language_settings``): its CLDR locale (``en_GB``) and digits (Persian ۰–۹).
    formatter: Formatter = field(default_factory=lambda: Formatter("en"))

    @property
    def percent(self) -> str:
        """Return the coverage in the language's percent format, or an empty string when unknown."""
        return "" if self.coverage is None else format_coverage(self.coverage, self.formatter)

    def figures(self, text: str) -> Markup:
        """Write the Latin digits of already escaped text (a count from ``ngettext``) in the language's digits."""
        return Markup(self.formatter.figures(str(text)))

    @property
    def web(self) -> FileLink | None:
        """Return the web edition, if built."""
        return next((f for f in self.files if f.kind == "web"), None)

    @property
    def readers(self) -> list[FileLink]:
        """Return the files for reading: web edition, PDF, EPUB."""
        return [f for f in self.files if f.kind in READER_KINDS]

    @property
    def printing(self) -> list[FileLink]:
        """Return the files for printing: the print-shop PDF and the fold-and-staple PDF."""
        return [f for f in self.files if f.kind not in READER_KINDS]

    @property
    def page(self) -> str:
        """Return the file name of this language's download page."""
        return page_name(self.tag)


@dataclass
class Language:
    """What one language's pages need: its translator and its own Jinja environment."""

    lang: str
    translator: MarkedTranslator
    env: jinja2.Environment


def page_name(tag: str) -> str:
    """Return the download page of a language: ``index.ru.html``."""
    return f"index.{tag}.html"


def coverage_of(counts: Mapping[str, int]) -> float:
    """Return the percentage of distinct strings shown translated (fuzzy and missing text is not)."""
    total = sum(counts.values())
    if not total:
        return 100.0
    return 100.0 * (counts.get("translated", 0) + counts.get("source", 0)) / total


def write_download_page(out_dir: Path, booklet: Booklet, counts: Mapping[str, Mapping[str, int]], manifest: Manifest) -> Path:
    """Write every language's download page and ``index.html`` for the files of ``manifest``; return ``index.html``."""
    coverage = {bcp47(lang): coverage_percent(lang_counts) for lang, lang_counts in counts.items()}
    dirs = template_dirs(booklet.root)
    languages = {lang: _language(booklet, lang, dirs) for lang in booklet.languages}  # each catalog read once
    entries = language_entries(booklet, manifest, coverage, {lang: lg.translator for lang, lg in languages.items()})
    rendered = {e.lang: Markup(render_installed(languages[e.lang].env, "html/download-entry.html", entry=e)) for e in entries}
    page_langs = [e.lang for e in entries] or [booklet.source_language]
    default = booklet.source_language if booklet.source_language in page_langs else page_langs[0]
    css = font_css(booklet, page_langs)
    pages = {page_name(bcp47(lang)): render_page(booklet, languages[lang], entries, rendered, css, False) for lang in page_langs}
    pages[PAGE] = render_page(booklet, languages[default], entries, rendered, css, True)
    for name, html in pages.items():
        atomic_write(out_dir / name, html.encode("utf-8"))
    text = "".join(pages.values())
    for path in {p for spec in booklet.fonts for p in spec.files}:
        atomic_write(out_dir / font_url(path), subset_font(path, text, "woff"))
    return out_dir / PAGE


def render_page(booklet: Booklet, language: Language, entries: Sequence[LanguageEntry], rendered: Mapping[str, Markup],
                css: str, default: bool) -> str:
    """Render one language's download page; ``default`` adds the script that opens the browser's language."""
    lang, translator = language.lang, language.translator
    numbers = formatter(booklet, lang)
    own = [e for e in entries if e.lang == lang]
    ordered = own + [e for e in entries if e.lang != lang]
    url = (booklet.url or "").rstrip("/")
    cover = own[0].cover if own and own[0].cover else None
    return render_installed(
        language.env, "html/download.html", entries=ordered, chooser=entries, rendered=[rendered[e.lang] for e in ordered],
        lang=bcp47(lang), dir=direction(lang), default=default, page=PAGE if default else page_name(bcp47(lang)),
        title=_plain(translator, booklet.title), title_html=translator.marked(booklet.title),
        subtitle=translator.marked(booklet.subtitle), description=_plain(translator, booklet.description),
        publisher=translator.marked(booklet.publisher), license=translator.marked(booklet.license),
        edition_iso=booklet.edition.isoformat(), edition_date=numbers.date(booklet.edition), og_locale=og_locale(numbers.locale),
        og_alternates=[og_locale(e.formatter.locale) for e in entries if e.lang != lang],
        figures=lambda text: Markup(numbers.figures(str(text))),
        url=url, absolute=lambda path: f"{url}/{path}" if url else path, cover=cover, font_css=Markup(css))


def language_entries(booklet: Booklet, manifest: Manifest, coverage: Mapping[str, float],
                     translators: Mapping[str, MarkedTranslator]) -> list[LanguageEntry]:
    """Return an entry for every booklet language with at least one file in the manifest, in booklet order."""
    by_path = {entry.path: entry for entry in manifest.entries}
    entries = []
    for lang in booklet.languages:
        tag = bcp47(lang)
        stem = f"{booklet.slug}-{tag}"
        translator = translators[lang]
        entry = LanguageEntry(lang, tag, direction(lang), native_name(lang), translator.marked(booklet.title),
                              coverage=coverage.get(tag), source=lang == booklet.source_language,
                              cover=stem + COVER if stem + COVER in by_path else None, formatter=formatter(booklet, lang))
        for kind, ending in KINDS:
            found = by_path.get(stem + ending)
            if found is None:
                continue
            size = found.bytes
            if kind == "web":   # the page, its CSS, fonts and images
                size = sum(e.bytes for p, e in by_path.items() if p.startswith(stem + "/"))
            entry.files.append(FileLink(kind, stem + ending, format_size(size, entry.formatter), found.pages))
        if entry.files:
            entries.append(entry)
    return entries


def formatter(booklet: Booklet, lang: str) -> Formatter:
    """Return how a language writes dates and numbers: its ``language_settings`` locale and digits, or CLDR's."""
    return formatter_for(lang, booklet.language_settings.get(lang))


def format_size(size: int, numbers: Formatter) -> str:
    """Return a file size in the language's units and digits: ``245 kB``, ``1,2 МБ``, ``۴۶۲ kB``."""
    if size >= 1_000_000:
        return numbers.unit(round(size / 1_000_000, 1), "digital-megabyte", "#,##0.#")
    return numbers.unit(max(1, round(size / 1000)), "digital-kilobyte")


def format_coverage(percent: float, numbers: Formatter) -> str:
    """Return a coverage percentage in the language's format and digits, never rounded up to 100 %."""
    return numbers.percent(math.floor(percent))


def og_locale(lang: str) -> str:
    """Return the Open Graph locale (``language_TERRITORY``) of a code: ``ru`` → ``ru_RU``, ``pt_BR`` → ``pt_BR``."""
    likely = get_global("likely_subtags").get(lang.split("_")[0], lang)
    language, *rest = lang.split("_")
    territory = next((part for part in reversed(rest) if part.isupper() or part.isdigit()), None)
    territory = territory or next((p for p in likely.split("_")[1:] if p.isupper() and len(p) == 2), None)
    return f"{language}_{territory}" if territory else language


def font_url(path: Path) -> str:
    """Return the page-relative name of a subset font (``download-fonts/NotoSerif-wdth-wght.woff``)."""
    stem = path.stem.replace("[", "-").replace("]", "").replace(",", "-")
    return f"{FONT_FOLDER}/{stem}.woff"


def font_css(booklet: Booklet, langs: Sequence[str]) -> str:
    """Return @font-face rules for the booklet's fonts and each language's font stack, for ``lang`` attributes."""
    rules = []
    for spec in booklet.fonts:
        for path in spec.files:
            face = describe(path)
            weight = f" font-weight: {face.weight};" if face.weight else ""
            rules.append(f"@font-face {{ font-family: {css_string(spec.family)}; src: url({css_string(font_url(path))}) format(\"woff\");"
                         f" font-style: {face.style};{weight} font-display: swap; }}")
    for lang in langs:
        if fonts_for(booklet.fonts, lang):
            rules.append(f":lang({bcp47(lang)}) {{ font-family: {font_stack(booklet.fonts, lang)}; }}")
    return "\n".join(rules)


#: A named placeholder of a template string (``%(count)s``).
_PLACEHOLDER = re.compile(r"%\([^)]*\)[sd]")


class MarkedTranslator(Translator):
    """A translator whose text, when shown in the source language on another language's page, carries ``lang``.

    The one mechanism for template strings: installed as the gettext of every language's
    environment (download page, web edition, EPUB, PDF). Inside an HTML attribute the
    templates strip the mark with ``|striptags``; Python code that needs a template string
    as data (the comma of the sources' details) asks the plain :class:`Translator`.
    """

    def __init__(self, lang: str, catalog: Catalog | None, root: Path | None, source: str, **options):
        super().__init__(lang, catalog, root, **options)
        self.source = source

    def mark(self, used: bool, text: str) -> str:
        """Wrap escaped ``text`` in a span in the source language when no translation was used.

        A string without words (``%(publisher)s, %(date)s``: placeholders and punctuation) has
        no language of its own and stays unmarked.
        """
        if used or self.lang == self.source or not any(c.isalpha() for c in _PLACEHOLDER.sub("", text)):
            return text
        return str(Markup('<span lang="{}" dir="{}">{}</span>').format(bcp47(self.source), direction(self.source), Markup(text)))

    def pgettext(self, context: str | None, msgid: str) -> str:
        """Translate a template string in a context, marking source-language fallback."""
        text = super().pgettext(context, msgid)
        return self.mark(self._message(msgid, context) is not None and self._use(self.status(msgid, context)), text)

    def npgettext(self, context: str | None, singular: str, plural: str, n: int) -> str:
        """Translate a template string with a plural, marking source-language fallback."""
        text = super().npgettext(context, singular, plural, n)
        message = self._message((singular, plural), context)
        used = (message is not None and self._use(self.status((singular, plural), context))
                and self._form(message, n) is not None)
        return self.mark(used, text)

    def marked(self, text: Text | None) -> Markup:
        """Translate a content text, strip its inline markup, and mark it when it fell back to the source."""
        if text is None:
            return Markup("")
        translated = self.text(text)
        plain = plain_text(translated.text).replace("{{", "{").replace("}}", "}")
        return Markup(self.mark(translated.line is not None, str(escape(plain))))


def _language(booklet: Booklet, lang: str, dirs: list[Path]) -> Language:
    """Return a language's translator (marking fallback text) and its own environment, gettext installed once."""
    translator = _translator(booklet, lang)
    env = make_environment(dirs)
    env.install_gettext_translations(translator, newstyle=True)
    return Language(lang, translator, env)


def _translator(booklet: Booklet, lang: str) -> MarkedTranslator:
    """Return the language's translator; a catalog that no longer loads falls back to the source text."""
    catalog = None
    if lang != booklet.source_language:
        try:
            catalog = load_catalog(booklet.root, lang)
        except BookletError:
            pass
    return MarkedTranslator(lang, catalog, booklet.root, booklet.source_language)


def _plain(translator: Translator, text: Text | None) -> str:
    """Translate a content text and strip its inline markup."""
    if text is None:
        return ""
    return plain_text(translator.text(text).text).replace("{{", "{").replace("}}", "}")

