"""Read one section file (content/sections/NAME.yaml) and its typed blocks into the model."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Callable

from . import model
from .images import image_problem
from .reader import Reader, kind, show, unknown_key
from .yamlsource import KeyPath

SECTION_KEYS = {"id": False, "title": True, "kind": False, "blocks": True}
SOURCE_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
URL = re.compile(r"^(https?://[^\s<>\"]+|mailto:[^\s<>\"]+)$")


def read_section(root: Path, r: Reader, name: str, facts: dict[str, int]) -> model.Section | None:
    """Read a section file into a Section, recording problems in ``r``."""
    fields = r.mapping((), SECTION_KEYS, "section")
    if fields is None:
        return None
    section_id = r.string(("id",), "section id") if "id" in fields else name
    if section_id and not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", section_id):
        r.error(("id",) if "id" in fields else (), f"section id {section_id!r} must be lowercase letters, digits and hyphens")
    section_kind = r.string(("kind",), "section kind") if "kind" in fields else "chapter"
    if section_kind and section_kind not in model.SECTION_KINDS:
        r.error(("kind",), f"unknown section kind {section_kind!r} (allowed: {', '.join(model.SECTION_KINDS)})")
    title = r.text(("title",), "section title") if "title" in fields else None
    blocks = [_read_block(root, r, path, facts) for path in r.items(("blocks",), "blocks")] if "blocks" in fields else []
    if title is None or section_id is None:
        return None
    return model.Section(section_id, title, section_kind or "chapter", tuple(b for b in blocks if b), r.source.at(()))


def _read_block(root: Path, r: Reader, path: KeyPath, facts: dict[str, int]) -> model.Block | None:
    """Read one block: a mapping with exactly one key, the block type."""
    value = r.get(path)
    if not isinstance(value, dict) or len(value) != 1:
        r.error(path, f"a block must be a mapping with one key, the block type ({', '.join(BLOCK_READERS)}), not {kind(value) if not isinstance(value, dict) else f'{len(value)} keys'}")
        return None
    (block_type,) = value
    reader = BLOCK_READERS.get(block_type)
    if reader is None:
        r.error((*path, block_type), unknown_key(block_type, tuple(BLOCK_READERS), "block types", "block type"), key=True)
        return None
    return reader(root, r, (*path, block_type), facts)


def _simple(cls: type, plural: bool = False) -> Callable[..., Any]:
    """Make a reader for blocks whose value is one translatable text (with plural forms when ``plural``)."""

    def read(root: Path, r: Reader, path: KeyPath, facts: dict[str, int]) -> Any:
        if not plural and _has_plural_keys(r.get(path)):
            r.error(path, f"a {path[-1]} cannot have plural forms; paragraphs, list items, notes and captions can")
            return None
        text = read_counted(r, path, path[-1], facts) if plural else r.text(path, path[-1])
        return cls(text) if text else None

    return read


#: Keys of a text with plural forms in running text: the English forms, the fact that counts, and the usual extras.
COUNTED_KEYS = {"one": True, "other": True, "count": True, "note": False, "context": False}
#: Keys that mark a mapping as a text with plural forms (CLDR's category names included, to explain them).
PLURAL_MARKERS = {"zero", "one", "two", "few", "many", "other", "count"}


def read_counted(r: Reader, path: KeyPath, what: str, facts: dict[str, int]) -> model.Text | model.Plural | None:
    """Read a text that may have plural forms chosen by a fact: ``{one: …, other: …, count: fact}``."""
    value = r.get(path)
    if not _has_plural_keys(value):
        return r.text(path, what)
    return _read_plural_text(r, path, f"{what} with plural forms", value, facts)


def _has_plural_keys(value: Any) -> bool:
    """Return whether a YAML value is a mapping written as a text with plural forms."""
    return isinstance(value, dict) and bool(PLURAL_MARKERS & set(value))


def _read_plural_text(r: Reader, path: KeyPath, what: str, value: dict, facts: dict[str, int]) -> model.Plural | None:
    """Read the mapping of a text with plural forms; every mistake is one located message."""
    ok = True
    for key in value:
        if key in COUNTED_KEYS:
            continue
        ok = False
        if key == "text":
            r.error((*path, key), f"{what} has 'text' beside 'one' and 'other'; write either one text or the plural forms", key=True)
        elif key in PLURAL_MARKERS:
            r.error((*path, key), f"{what} gives only the source forms 'one' and 'other', not {key!r}; translators write "
                    "every form of their language in the catalog", key=True)
        else:
            r.error((*path, key), unknown_key(key, COUNTED_KEYS, what), key=True)
    for key in (k for k in ("one", "other") if k not in value):
        ok = False
        r.error(path, f"{what} is missing the {key!r} form")
    if "count" not in value:
        ok = False
        r.error(path, f"{what} is missing 'count', the fact whose number chooses the form")
    base = what.removesuffix(" with plural forms")
    strings = {key: r.string((*path, key), f"{base} form {key!r}" if key in ("one", "other") else f"{base} {key}")
               for key in COUNTED_KEYS if key in value and key != "count"}
    count = value.get("count")
    if "count" in value and not (isinstance(count, str) and count.strip()):
        ok = False
        r.error((*path, "count"), f"{base} count must name a fact, not {show(count)}")
    elif count and count not in facts:
        ok = False
        r.error((*path, "count"), f"count names unknown fact {count!r} (facts are defined in booklet.yaml)")
    if not ok or not all(strings.values()):
        return None
    return model.Plural(strings["one"], strings["other"], r.source.at((*path, "one")), strings.get("context"),
                        strings.get("note"), count)


def _read_quote(root: Path, r: Reader, path: KeyPath, facts: dict[str, int]) -> model.Quote | None:
    """Read a quote block: text, attribution and optional source."""
    fields = r.mapping(path, {"text": True, "attribution": True, "source": False}, "quote")
    if fields is None:
        return None
    text, attribution = (r.text((*path, k), f"quote {k}") if k in fields else None for k in ("text", "attribution"))
    source = r.optional(fields, path, "source", r.text, "quote source")
    return model.Quote(text, attribution, source) if text and attribution else None


def _read_list(root: Path, r: Reader, path: KeyPath, facts: dict[str, int]) -> model.ListBlock | None:
    """Read a list block: a non-empty list of translatable texts."""
    items = [read_counted(r, p, "list item", facts) for p in r.items(path, "list")]
    if not items and isinstance(r.get(path), list):
        r.error(path, "list must have at least one item")
    return model.ListBlock(tuple(items)) if items and all(items) else None


def _read_figures(root: Path, r: Reader, path: KeyPath, facts: dict[str, int]) -> model.Figures | None:
    """Read a figures block: a title, optional caption and fact items with plural labels."""
    fields = r.mapping(path, {"title": True, "caption": False, "items": True}, "figures")
    if fields is None:
        return None
    title = r.text((*path, "title"), "figures title") if "title" in fields else None
    caption = read_counted(r, (*path, "caption"), "figures caption", facts) if "caption" in fields else None
    items = [_read_figure_item(r, p, facts) for p in r.items((*path, "items"), "figures items")] if "items" in fields else []
    if "items" in fields and not items and isinstance(r.get((*path, "items")), list):
        r.error((*path, "items"), "figures must have at least one item")
    return model.Figures(title, tuple(items), caption) if title and items and all(items) else None


def _read_figure_item(r: Reader, path: KeyPath, facts: dict[str, int]) -> model.FigureItem | None:
    """Read one figure: the fact it shows and its plural label."""
    fields = r.mapping(path, {"fact": True, "label": True}, "figure")
    if fields is None or "fact" not in fields or "label" not in fields:
        return None
    fact = r.string((*path, "fact"), "figure fact")
    label = r.plural((*path, "label"), "figure label")
    if fact and fact not in facts:
        r.error((*path, "fact"), f"figure names unknown fact {fact!r} (facts are defined in booklet.yaml)")
        return None
    return model.FigureItem(fact, facts[fact], label) if fact and label else None


def _read_timeline(root: Path, r: Reader, path: KeyPath, facts: dict[str, int]) -> model.Timeline | None:
    """Read a timeline: dated entries in chronological order."""
    entries = []
    for item in r.items(path, "timeline"):
        fields = r.mapping(item, {"date": True, "until": False, "text": True}, "timeline entry")
        if fields is None or "date" not in fields or "text" not in fields:
            continue
        date, text = r.date((*item, "date"), "date"), r.text((*item, "text"), "timeline text")
        until = r.optional(fields, item, "until", r.date, "until")
        if date and until and until <= date:
            r.error((*item, "until"), f"until ({until.isoformat()}) must be after date ({date.isoformat()})")
        if date and text:
            entries.append(model.TimelineEntry(date, text, until))
    return model.Timeline(tuple(entries)) if entries else None


def _read_image(root: Path, r: Reader, path: KeyPath, facts: dict[str, int]) -> model.Image | None:
    """Read an image block; the file must exist inside the booklet folder."""
    fields = r.mapping(path, {"file": True, "alt": True, "caption": False}, "image")
    if fields is None or "file" not in fields or "alt" not in fields:
        return None
    name = r.string((*path, "file"), "image file")
    alt = r.text((*path, "alt"), "image alt text")
    caption = read_counted(r, (*path, "caption"), "image caption", facts) if "caption" in fields else None
    if not name:
        return None
    target = (root / name).resolve()
    if Path(name).is_absolute() or ".." in Path(name).parts or not target.is_relative_to(root.resolve()):
        r.error((*path, "file"), f"image {name!r} is outside the booklet folder")
    elif not target.is_file():
        r.error((*path, "file"), f"image file {name!r} does not exist")
    elif target.suffix.lower() not in IMAGE_SIGNATURES:
        r.error((*path, "file"), f"image {name!r} must be PNG, JPEG, GIF, WebP or SVG")
    elif not _looks_like(target):
        r.error((*path, "file"), f"image {name!r} is not a valid PNG, JPEG, GIF, WebP or SVG file")
    elif (problem := image_problem(target)) is not None:
        r.error((*path, "file"), f"image {name!r} {problem}")
    else:
        return model.Image(Path(name), alt, caption, r.source.at((*path, "file"))) if alt else None
    return None


#: File suffixes and the bytes their files start with (SVG: an XML or <svg> start).
IMAGE_SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
                    ".gif": (b"GIF87a", b"GIF89a"), ".webp": (b"RIFF",), ".svg": (b"<?xml", b"<svg")}


def _looks_like(path: Path) -> bool:
    """Return whether an image file starts with the signature of its type."""
    head = path.read_bytes()[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if path.suffix.lower() == ".svg" and head.startswith(b"<!--"):
        return b"<svg" in path.read_bytes()[:4096]
    return head.startswith(IMAGE_SIGNATURES[path.suffix.lower()])


def _read_sources(root: Path, r: Reader, path: KeyPath, facts: dict[str, int]) -> model.Sources | None:
    """Read a sources block: cited documents with title, publisher and date."""
    entries = []
    keys = {"title": True, "publisher": True, "date": True, "url": False, "note": False}
    for item in r.items(path, "sources"):
        fields = r.mapping(item, keys, "source")
        if fields is None or not all(k in fields for k in ("title", "publisher", "date")):
            continue
        title, publisher = r.text((*item, "title"), "source title"), r.text((*item, "publisher"), "source publisher")
        date = r.string((*item, "date"), "source date")
        if date and not _valid_source_date(date):
            r.error((*item, "date"), f"source date must be YYYY, YYYY-MM or YYYY-MM-DD, not {date!r}")
            date = None
        url = r.optional(fields, item, "url", r.string, "source url")
        if url and not URL.match(url):
            r.error((*item, "url"), f"source url must start with https://, http:// or mailto:, not {url!r}")
        note = r.optional(fields, item, "note", r.text, "source note")
        if title and publisher and date:
            entries.append(model.SourceEntry(title, publisher, date, url, note))
    return model.Sources(tuple(entries)) if entries else None


def _valid_source_date(value: str) -> bool:
    """Return whether a source date is a real YYYY, YYYY-MM or YYYY-MM-DD date."""
    if not SOURCE_DATE.match(value):
        return False
    parts = [int(p) for p in value.split("-")] + [1, 1]
    try:
        dt.date(*parts[:3])
    except ValueError:
        return False
    return True


def _read_colophon(root: Path, r: Reader, path: KeyPath, facts: dict[str, int]) -> model.Colophon | None:
    """Read a colophon block: optional edition, translations, license and contact texts."""
    keys = ("edition", "translations", "license", "contact")
    fields = r.mapping(path, dict.fromkeys(keys, False), "colophon")
    if fields is None:
        return None
    return model.Colophon(**{k: r.optional(fields, path, k, r.text, f"colophon {k}") for k in keys})


BLOCK_READERS: dict[str, Callable[..., Any]] = {
    "heading": _simple(model.Heading),
    "paragraph": _simple(model.Paragraph, plural=True),
    "note": _simple(model.Note, plural=True),
    "quote": _read_quote,
    "list": _read_list,
    "figures": _read_figures,
    "timeline": _read_timeline,
    "image": _read_image,
    "sources": _read_sources,
    "colophon": _read_colophon,
}
