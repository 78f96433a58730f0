"""The plain data model of a booklet: frozen dataclasses, no behaviour beyond small helpers.

The content stage builds a :class:`Booklet` from YAML; the render stage reads it.
Translatable fields are :class:`Text` or :class:`Plural` values that keep the
English source and where it came from, so every later message can point at it.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Union

from .errors import Location


@dataclass(frozen=True)
class Text:
    """A translatable string in the source language."""

    msgid: str
    location: Location
    context: str | None = None
    #: Translator comment, written to the catalog as ``#.``.
    note: str | None = None


@dataclass(frozen=True)
class Plural:
    """A translatable string with singular and plural English forms."""

    one: str
    other: str
    location: Location
    context: str | None = None
    note: str | None = None
    #: In running text: the fact whose number chooses the form (chart labels take their item's fact).
    count: str | None = None


@dataclass(frozen=True)
class Heading:
    text: Text


@dataclass(frozen=True)
class Paragraph:
    text: Text | Plural


@dataclass(frozen=True)
class Note:
    text: Text | Plural


@dataclass(frozen=True)
class Quote:
    text: Text
    attribution: Text
    source: Text | None = None


@dataclass(frozen=True)
class ListBlock:
    items: tuple[Text | Plural, ...]


@dataclass(frozen=True)
class FigureItem:
    fact: str
    value: int
    label: Plural


@dataclass(frozen=True)
class Figures:
    title: Text
    items: tuple[FigureItem, ...]
    caption: Text | Plural | None = None


@functools.total_ordering
@dataclass(frozen=True, eq=True)
class Date:
    """A date as precise as its source: a year, a month of a year, or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        """Return ``year``, ``month`` or ``day``."""
        return "year" if self.month is None else "month" if self.day is None else "day"

    def isoformat(self) -> str:
        """Return the ISO 8601 form as written: ``1992``, ``1991-10`` or ``1992-02-25`` (valid in HTML ``datetime``)."""
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p is not None]
        return "-".join(parts)

    def first_day(self) -> dt.date:
        """Return the first day the date covers (for formatting a month or year)."""
        return dt.date(self.year, self.month or 1, self.day or 1)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Date):
            return NotImplemented
        return (self.year, self.month or 0, self.day or 0) < (other.year, other.month or 0, other.day or 0)


@dataclass(frozen=True)
class TimelineEntry:
    date: Date
    text: Text
    until: Date | None = None


@dataclass(frozen=True)
class Timeline:
    entries: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class Image:
    #: Path relative to the booklet folder.
    file: Path
    alt: Text
    caption: Text | Plural | None = None
    #: Where the block names its file, for messages about the image as printed.
    location: Location | None = None


@dataclass(frozen=True)
class SourceEntry:
    title: Text
    publisher: Text
    #: ISO date as written: YYYY, YYYY-MM or YYYY-MM-DD.
    date: str
    url: str | None = None
    note: Text | None = None


@dataclass(frozen=True)
class Sources:
    entries: tuple[SourceEntry, ...]


@dataclass(frozen=True)
class Colophon:
    edition: Text | None = None
    translations: Text | None = None
    license: Text | None = None
    contact: Text | None = None


Block = Union[Heading, Paragraph, Note, Quote, ListBlock, Figures, Timeline, Image, Sources, Colophon]

SECTION_KINDS = ("chapter", "cover", "contents", "back")


@dataclass(frozen=True)
class Section:
    id: str
    title: Text
    kind: str
    blocks: tuple[Block, ...]
    source: Location


@dataclass(frozen=True)
class FontSpec:
    """A font family and its files; ``languages`` empty means every language."""

    family: str
    files: tuple[Path, ...]
    languages: tuple[str, ...] = ()
    source: Location | None = None


@dataclass(frozen=True)
class LanguageSettings:
    """How one language writes numbers and dates: a CLDR locale (``en_GB``) and a numbering system (``arab``)."""

    locale: str | None = None
    numbering: str | None = None


@dataclass(frozen=True)
class Booklet:
    """A booklet: its booklet.yaml settings (defaults in booklet.settings.FIELDS) and its sections."""

    root: Path
    slug: str
    title: Text
    subtitle: Text | None
    source_language: str
    languages: tuple[str, ...]
    edition: dt.date
    publisher: Text
    authors: tuple[Text, ...]
    license: Text
    description: Text | None
    keywords: tuple[Text, ...]
    page_size: str
    fonts: tuple[FontSpec, ...]
    #: Fact values by name, used by ``{name}`` in text and by figures.
    facts: Mapping[str, int | float]
    #: Each fact's kind: ``number`` (a quantity, grouped), ``year`` (never grouped) or ``percent``.
    fact_kinds: Mapping[str, str]
    sections: tuple[Section, ...]
    #: Percent of strings a language needs translated to be released (0–100).
    min_coverage: float
    #: Public address of the download page; the printed back cover carries a QR code to it.
    url: str | None
    #: Where chapters start in the PDFs: "page" (any new page) or "recto" (right-hand pages; left-hand in RTL).
    chapter_start: str
    #: Per-language locale and numbering settings (canonical codes); absent languages use CLDR's defaults.
    language_settings: Mapping[str, LanguageSettings]
    #: Where booklet.yaml is, for messages about the booklet as a whole.
    source: Location | None = None


def translatable_texts(booklet: Booklet) -> list[Text | Plural]:
    """Return every translatable value of the booklet, in reading order (metadata first)."""
    found: list[Text | Plural] = []
    _collect([booklet.title, booklet.subtitle, booklet.description, booklet.publisher,
              booklet.license, booklet.authors, booklet.keywords], found)
    for section in booklet.sections:
        _collect([section.title, section.blocks], found)
    return found


def _collect(value: object, found: list[Text | Plural]) -> None:
    """Walk dataclasses and tuples depth-first, appending Text and Plural values."""
    if isinstance(value, (Text, Plural)):
        found.append(value)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _collect(item, found)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            _collect(getattr(value, name), found)
