"""The plain data model of a booklet: frozen dataclasses, no behaviour beyond small helpers.

The content stage builds a :class:`Booklet` from YAML; the render stage reads it.
Translatable fields are :class:`Text` or :class:`Plural` values that keep the
English source and where it came from, so every later message can point at it.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Heading:
    text: Text


@dataclass(frozen=True)
class Paragraph:
    text: Text


@dataclass(frozen=True)
class Note:
    text: Text


@dataclass(frozen=True)
class Quote:
    text: Text
    attribution: Text
    source: Text | None = None


@dataclass(frozen=True)
class ListBlock:
    items: tuple[Text, ...]


@dataclass(frozen=True)
class FigureItem:
    fact: str
    value: int
    label: Plural


@dataclass(frozen=True)
class Figures:
    title: Text
    items: tuple[FigureItem, ...]
    caption: Text | None = None


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date
    text: Text
    until: dt.date | None = None


@dataclass(frozen=True)
class Timeline:
    entries: tuple[TimelineEntry, ...]


@dataclass(frozen=True)
class Image:
    #: Path relative to the booklet folder.
    file: Path
    alt: Text
    caption: Text | None = None


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
class Booklet:
    root: Path
    slug: str
    title: Text
    source_language: str
    languages: tuple[str, ...]
    edition: dt.date
    publisher: Text
    license: Text
    fonts: tuple[FontSpec, ...]
    sections: tuple[Section, ...]
    subtitle: Text | None = None
    description: Text | None = None
    authors: tuple[Text, ...] = ()
    keywords: tuple[Text, ...] = ()
    page_size: str = "A5"
    facts: Mapping[str, int] = field(default_factory=dict)
    #: Where chapters start in the PDFs: "page" (any new page) or "recto" (right-hand pages; left-hand in RTL).
    chapter_start: str = "page"
    #: Public address of the download page; the printed back cover carries a QR code to it.
    url: str | None = None
    #: Percent of strings a language needs translated to be released (0–100).
    min_coverage: float = 0.0
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
