"""What flows from the render stage to the formats, and what the formats report back."""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .errors import Problem
from .fonts import fonts_for
from .i18n import template_path
from .model import Booklet, FontSpec
from .pofile import read_catalog
from .render import BookView, render_installed
from .translation import Translator


@dataclass(frozen=True)
class LanguageJob:
    """One language's rendering and everything a format needs to write it, frozen.

    Formats render templates through :meth:`render` (this language's own Jinja
    environment, gettext installed once when the job is made) and read the view,
    the fonts and the character set from here.
    """

    booklet: Booklet
    view: BookView
    env: jinja2.Environment
    translator: Translator
    out_dir: Path
    #: Build time for metadata: SOURCE_DATE_EPOCH, or the booklet's edition date.
    timestamp: dt.datetime
    template_dirs: list[Path] = field(default_factory=list)
    #: Paths of this language's files that the published manifest lists (files of earlier runs).
    published: tuple[str, ...] = ()

    @functools.cached_property
    def charset(self) -> str:
        """Every character this language's pages may show: the rendered view and every string of its catalog.

        The EPUB and the web edition subset fonts to this one set, so the second
        format finds the first one's subset in the cache.
        """
        strings = [repr(self.view)]
        strings += [path.read_text(encoding="utf-8", errors="ignore") for folder in self.template_dirs
                    for path in folder.rglob("*.*html")]   # punctuation written in the templates themselves
        catalog = self.translator.catalog
        if catalog is None and template_path(self.booklet.root).is_file():
            with template_path(self.booklet.root).open("rb") as handle:
                catalog = read_catalog(handle)
        for message in catalog or ():
            strings += [*(message.id if isinstance(message.id, tuple) else (message.id,)),
                        *(message.string if isinstance(message.string, tuple) else (message.string or "",))]
        return "".join(sorted(set("".join(strings))))

    @functools.cached_property
    def fonts(self) -> list[FontSpec]:
        """Return the booklet's fonts for this language, its own first."""
        return fonts_for(self.booklet.fonts, self.view.lang)

    def render(self, name: str, **context) -> str:
        """Render one of the language's templates; gettext was installed once on this language's own environment."""
        return render_installed(self.env, name, **context)

    def subset_text(self, text: str) -> str:
        """Return the characters to subset a font to for ``text``: the language's charset when it covers the text."""
        return self.charset if set(text) <= set(self.charset) else self.charset + text

    def output_path(self, suffix: str) -> Path:
        """Return ``<out>/<slug>-<lang><suffix>``."""
        return self.out_dir / f"{self.booklet.slug}-{self.view.tag}{suffix}"


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
