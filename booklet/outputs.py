"""What flows from the render stage to the formats, and what the formats report back."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from .i18n import Translator
from .model import Booklet
from .render import BookView


@dataclass
class LanguageJob:
    """One language's rendering and everything a format needs to write it."""

    booklet: Booklet
    view: BookView
    env: jinja2.Environment
    translator: Translator
    out_dir: Path
    #: Build time for metadata: SOURCE_DATE_EPOCH, or the booklet's edition date.
    timestamp: dt.datetime
    template_dirs: list[Path] = field(default_factory=list)

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
    warnings: tuple[str, ...] = ()
