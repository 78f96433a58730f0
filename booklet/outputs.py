"""What flows from the render stage to the formats, and what the formats report back."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import jinja2
from babel.messages.catalog import Catalog

from .errors import Location, Problem
from .fonts import fonts_for
from .i18n import template_path
from .model import Booklet, FontSpec, translatable_texts
from .pofile import read_catalog
from .render import BookView, render_installed
from .translation import Translator, forms, source_forms, sources

#: A text the pages may show and where it comes from: a catalog's translation, or the content's source.
Origin = tuple[str, Location]


@dataclass(frozen=True)
class LanguageJob:
    """One language's rendering and everything a format needs to write it, frozen; formats read nothing else.

    Made by :meth:`of` from the booklet, the view and the translator, so that no format
    reads the raw model, the catalog or the translator.
    """

    #: The rendered text: every string translated, with the slug, page size, language and direction.
    view: BookView
    #: This language's own template environment, gettext installed once.
    env: jinja2.Environment
    out_dir: Path
    #: Build time for metadata: SOURCE_DATE_EPOCH, or the booklet's edition date.
    timestamp: dt.datetime
    #: The booklet folder: the view's image files and relative URLs are read from it.
    folder: Path
    #: The template search path, the booklet's own folder first.
    template_dirs: tuple[Path, ...]
    #: The booklet's fonts for this language, its own first.
    fonts: tuple[FontSpec, ...]
    #: Every character this language's pages may show (the EPUB and the web edition subset fonts to it).
    charset: str
    #: The catalog's translations, then the content's source texts, with their locations: where a character comes from.
    origins: tuple[Origin, ...] = ()
    #: Paths of this language's files that the published manifest lists (files of earlier runs).
    published: tuple[str, ...] = ()

    @classmethod
    def of(cls, booklet: Booklet, view: BookView, env: jinja2.Environment, translator: Translator, out_dir: Path,
           timestamp: dt.datetime, template_dirs: list[Path], published: tuple[str, ...] = ()) -> LanguageJob:
        """Make a language's job: what the formats need of the booklet and the catalog, read once."""
        return cls(view, env, out_dir, timestamp, booklet.root, tuple(template_dirs),
                   tuple(fonts_for(booklet.fonts, view.lang)), charset(booklet, view, translator.catalog, template_dirs),
                   origins(booklet, translator), published)

    @property
    def stem(self) -> str:
        """Return ``<slug>-<lang>``, the name every file of this language starts with."""
        return f"{self.view.slug}-{self.view.tag}"

    def render(self, name: str, **context) -> str:
        """Render one of the language's templates; gettext was installed once on this language's own environment."""
        return render_installed(self.env, name, **context)

    def subset_text(self, text: str) -> str:
        """Return the characters to subset a font to for ``text``: the language's charset when it covers the text."""
        return self.charset if set(text) <= set(self.charset) else self.charset + text

    def output_path(self, suffix: str) -> Path:
        """Return ``<out>/<slug>-<lang><suffix>``."""
        return self.out_dir / f"{self.stem}{suffix}"


def charset(booklet: Booklet, view: BookView, catalog: Catalog | None, template_dirs: list[Path]) -> str:
    """Return every character a language's pages may show: the view, the templates, every string of its catalog.

    The source language has no catalog: the template (.pot) stands in for it. The EPUB and the
    web edition subset fonts to this one set, so the second format finds the first one's subset in the cache.
    """
    strings = [repr(view)]
    strings += [path.read_text(encoding="utf-8", errors="ignore") for folder in template_dirs
                for path in folder.rglob("*.*html")]   # punctuation written in the templates themselves
    if catalog is None and template_path(booklet.root).is_file():
        with template_path(booklet.root).open("rb") as handle:
            catalog = read_catalog(handle)
    for message in catalog or ():
        strings += [*sources(message), *forms(message)]
    return "".join(sorted(set("".join(strings))))


def origins(booklet: Booklet, translator: Translator) -> tuple[Origin, ...]:
    """Return the catalog's translations (at their entry's line), then the content's source texts (at theirs)."""
    found = [(form, Location(translator.shown, message.lineno))
             for message in translator.catalog or () for form in forms(message) if form]
    return (*found, *((" ".join(source_forms(value)), value.location) for value in translatable_texts(booklet)))


@dataclass(frozen=True)
class Output:
    """One written file, as listed in manifest.json."""

    lang: str
    format: str
    path: Path
    bytes: int
    sha256: str
    pages: int | None = None
    #: Problems a format found in what it wrote (an image printed below 150 dpi), reported once per build.
    warnings: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class LanguageResult:
    """What building one language produced: its files and its translation counts."""

    lang: str
    outputs: tuple[Output, ...]
    counts: dict[str, int]
