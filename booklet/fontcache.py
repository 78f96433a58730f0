"""The font cache: static instances of variable fonts for the PDFs, HarfBuzz subsets for the EPUB and web edition.

WeasyPrint 70 turns a variable font into a static one with fontTools inside every
PDF write: slow (the same work for every language and every build) and stamped
with the clock (``head.modified``), so two builds differ. Here HarfBuzz (uharfbuzz)
makes one static instance per weight, once, cached on disk by font content,
location and HarfBuzz version; WeasyPrint then only subsets static fonts.
HarfBuzz keeps the font's own ``head.modified``, so nothing depends on the clock.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

import uharfbuzz as hb

from .fsutil import atomic_write
from .model import FontSpec

#: Variable fonts with only these axes get static instances; others (opsz, slnt, ital…) are left to WeasyPrint.
STATIC_AXES = frozenset({"wght", "wdth"})
#: The weights CSS can ask for (keywords, bolder and lighter all give hundreds).
CSS_WEIGHTS = tuple(range(100, 1000, 100))


def cache_dir() -> Path:
    """Return the booklet font cache folder (``$XDG_CACHE_HOME/booklet/fonts``, or ``~/.cache/booklet/fonts``)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "booklet" / "fonts"


def engine_version() -> str:
    """Return the HarfBuzz version that makes the cached fonts (part of every cache key)."""
    return f"harfbuzz {hb.version_string()}"


@lru_cache(maxsize=None)
def file_digest(path: Path) -> str:
    """Return the sha256 of a font file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def static_fonts(fonts: Sequence[FontSpec]) -> list[FontSpec]:
    """Return the fonts with every variable file replaced by its cached static instances."""
    return [replace(spec, files=tuple(p for path in spec.files for p in static_files(path))) for spec in fonts]


@lru_cache(maxsize=None)
def static_files(path: Path) -> tuple[Path, ...]:
    """Return static instances of a wght/wdth variable font at every CSS weight, or the file itself."""
    axes = variation_axes(path)
    if "wght" not in axes or not set(axes) <= STATIC_AXES:
        return (path,)
    low, high = axes["wght"]
    instances = tuple(instance_file(path, weight) for weight in CSS_WEIGHTS if low <= weight <= high)
    return (path,) if None in instances or not instances else instances


def variation_axes(path: Path) -> dict[str, tuple[float, float]]:
    """Return a font's variation axes as tag → (minimum, maximum); empty for a static font."""
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    return {axis.tag: (axis.min_value, axis.max_value) for axis in face.axis_infos}


def instance_file(path: Path, weight: int) -> Path | None:
    """Return the cached static instance of a variable font at ``weight`` (other axes at default); None if impossible."""
    key = hashlib.sha256(f"{file_digest(path)}|wght={weight}|{engine_version()}".encode()).hexdigest()
    stem = re.sub(r"[^A-Za-z0-9-]+", "", path.stem)                  # keeps "Italic", which describes() reads
    target = cache_dir() / "instances" / f"{stem}-{weight}-{key[:20]}.ttf"
    data = cached(target, lambda: instantiate(path, weight))
    return target if data is not None and target.is_file() else None  # an unwritable cache: WeasyPrint instances it


def cached_subset(path: Path, chars: str, flavor: str | None = None) -> bytes:
    """Return the HarfBuzz subset of a font to ``chars``, as TrueType or (``flavor``) WOFF/WOFF2.

    Both are cached by font content, characters and HarfBuzz version, the WOFF files also by
    fontTools' version, which compresses them: every build of the web edition and the download
    page asks for the same few subsets.
    """
    key = hashlib.sha256(f"{file_digest(path)}|{engine_version()}|all-features|{chars}".encode()).hexdigest()
    data = cached(cache_dir() / f"{key}.ttf", lambda: subset(path, chars)) or b""
    if flavor is None or not data:
        return data
    from fontTools import version

    return cached(cache_dir() / f"{key}-fonttools-{version}.{flavor}", lambda: flavored(data, flavor)) or b""


def flavored(data: bytes, flavor: str) -> bytes:
    """Re-save TrueType bytes as WOFF (or WOFF2): the tables compressed, not recompiled."""
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font.flavor = flavor
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()


def cached(target: Path, make: Callable[[], bytes | None]) -> bytes | None:
    """Return the bytes cached at ``target``, or make, store and return them (an empty or unreadable entry is remade).

    Cache entries are written atomically but not fsynced: an entry lost to a power
    failure is simply made again, and fsync was most of a first build's extra time.
    """
    try:
        data = target.read_bytes()
        if data:
            return data
    except OSError:
        pass
    data = make()
    if data:
        try:
            atomic_write(target, data, durable=False)
        except OSError:
            pass                                                      # an unwritable cache only costs time
    return data


def instantiate(path: Path, weight: int) -> bytes | None:
    """Return a variable font pinned at ``weight``, every other axis at its default, all glyphs kept."""
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    options = hb.SubsetInput()
    options.keep_everything()
    options.pin_all_axes_to_default(face)
    options.pin_axis_location(face, "wght", weight)
    result = hb.subset(face, options)
    return result.blob.data if result is not None and len(result.blob.data) else None


def face_file(path: Path, index: int) -> Path | None:
    """Return one face of a font collection (.ttc/.otc) as a standalone cached font file; None if impossible.

    Every later stage (WeasyPrint, the subsetter, the coverage check) then reads an
    ordinary font file, so a collection needs no special case anywhere else.
    """
    key = hashlib.sha256(f"{file_digest(path)}|face={index}|{engine_version()}".encode()).hexdigest()
    face = hb.Face(hb.Blob.from_file_path(str(path)), index)
    suffix = ".otf" if "CFF " in face.table_tags else ".ttf"
    stem = re.sub(r"[^A-Za-z0-9-]+", "", path.stem)                  # keeps "Bold"/"Italic", which describes() reads
    target = cache_dir() / "faces" / f"{stem}-{index}-{key[:20]}{suffix}"
    data = cached(target, lambda: _whole_face(face))
    return target if data is not None and target.is_file() else None


def _whole_face(face: hb.Face) -> bytes | None:
    """Return a HarfBuzz face written out as a font file with everything kept."""
    options = hb.SubsetInput()
    options.keep_everything()
    result = hb.subset(face, options)
    return result.blob.data if result is not None and len(result.blob.data) else None


def subset(path: Path, chars: str) -> bytes:
    """Return the font reduced to ``chars`` with HarfBuzz, keeping every layout feature, name and the variations."""
    face = hb.Face(hb.Blob.from_file_path(str(path)))
    options = hb.SubsetInput()
    options.unicode_set.update(ord(char) for char in chars)
    for tags in (options.layout_feature_tag_set, options.layout_script_tag_set):
        tags.clear()      # every feature and script: Arabic joining needs init/medi/fina, which are in the default set,
        tags.invert()     # so inverting the default set (without clearing it) would drop exactly those
    options.name_id_set.invert()
    options.name_lang_id_set.invert()
    options.flags = hb.SubsetFlags.NOTDEF_OUTLINE
    result = hb.subset(face, options)
    if result is None:
        raise ValueError(f"HarfBuzz could not subset {path.name}")
    return result.blob.data


@contextmanager
def font_clock(timestamp: dt.datetime) -> Iterator[None]:
    """Within the block, fonts that fontTools still writes (inside WeasyPrint) carry the build time, not the clock.

    fontTools stamps ``head.modified`` from ``SOURCE_DATE_EPOCH`` when it is set; it is
    set to the build timestamp for the block and restored after it.
    """
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(timestamp.timestamp()))
    try:
        yield
    finally:
        if previous is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
