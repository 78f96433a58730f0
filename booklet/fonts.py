"""Fonts: find the declared files, describe them as @font-face rules, and check coverage.

Fonts come only from Python font packages (fontpkg) or from files inside the
booklet folder, never from whatever the machine has installed, so every build of
a booklet embeds the same fonts.
"""
from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from fontTools.ttLib import TTFont

from . import fontcache
from .model import FontSpec

FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2")
#: Character categories that need a glyph; spaces, controls and bidi marks do not.
_VISIBLE = ("L", "M", "N", "P", "S")


@dataclass(frozen=True)
class Face:
    """One font file with the weight and style it provides."""

    path: Path
    style: str
    weight: int | None  # None for a variable font that covers every weight


def resolve_font_files(*, package: str | None = None, family: str | None = None,
                       root: Path | None = None, files: Sequence[str] = ()) -> tuple[tuple[Path, ...], str | None]:
    """Return the font files of a package or of booklet-relative names, or an error message."""
    if package is not None:
        return _package_files(package)
    found = []
    for name in files:
        path = ((root or Path(".")) / name).resolve()
        if root is not None and not path.is_relative_to(root.resolve()):
            return (), f"font file {name!r} is outside the booklet folder"
        if not path.is_file():
            return (), f"font file {name!r} does not exist"
        if path.suffix.lower() not in FONT_SUFFIXES:
            return (), f"font file {name!r} must be .ttf, .otf, .woff or .woff2"
        if not codepoints(path):
            return (), f"font file {name!r} is not a valid font"
        found.append(path)
    return tuple(found), None if found else "a font needs at least one file"


def _package_files(package: str) -> tuple[tuple[Path, ...], str | None]:
    """Return the font files of an installed font distribution, found from its metadata without importing it."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", package):
        return (), f"font package {package!r} is not a valid distribution name"
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        return (), f"font package {package!r} is not an installed distribution (a font package is one like fontpkg-noto-serif)"
    names = [name for name in dist.files or () if name.suffix.lower() in FONT_SUFFIXES]
    files = tuple(sorted(Path(dist.locate_file(name)).resolve() for name in names))
    return files, None if files else f"font package {package!r} contains no font files"


@lru_cache(maxsize=None)
def describe(path: Path) -> Face:
    """Read a font file's style and weight (None for variable weight)."""
    font = TTFont(path, lazy=True)
    os2 = font["OS/2"]
    italic = bool(os2.fsSelection & 1) or "Italic" in path.stem
    variable = "fvar" in font and any(axis.axisTag == "wght" for axis in font["fvar"].axes)
    return Face(path, "italic" if italic else "normal", None if variable else os2.usWeightClass)


@lru_cache(maxsize=None)
def codepoints(path: Path) -> frozenset[int]:
    """Return the code points that a font file maps to glyphs."""
    try:
        return frozenset(TTFont(path, lazy=True).getBestCmap() or {})
    except Exception:  # a broken font file from the user: treated as covering nothing, reported by the caller
        return frozenset()


def fonts_for(fonts: Sequence[FontSpec], lang: str) -> list[FontSpec]:
    """Return the fonts for a language: its own fonts first, then the general ones."""
    base = lang.split("_")[0]
    own = [f for f in fonts if lang in f.languages or base in f.languages]
    return own + [f for f in fonts if not f.languages]


def font_face_css(fonts: Iterable[FontSpec], url_for=lambda path: path.as_uri()) -> str:
    """Return @font-face rules for every file of ``fonts``; ``url_for`` maps a file to its URL."""
    rules = []
    for spec in fonts:
        for path in spec.files:
            face = describe(path)
            weight = f" font-weight: {face.weight};" if face.weight else ""
            rules.append(f"@font-face {{ font-family: {css_string(spec.family)}; src: url({css_string(url_for(path))});"
                         f" font-style: {face.style};{weight} }}")
    return "\n".join(rules)


def font_stack(fonts: Sequence[FontSpec], lang: str) -> str:
    """Return the CSS font-family list for a language."""
    return ", ".join([css_string(f.family) for f in fonts_for(fonts, lang)] + ["serif"])


def css_string(value: str) -> str:
    """Quote a value as a CSS string."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def uncovered(text: str, fonts: Sequence[FontSpec]) -> list[str]:
    """Return the visible characters of ``text`` that none of ``fonts`` covers, in order of appearance."""
    covered = _covered(tuple(fonts))
    missing = []
    for char in dict.fromkeys(text):
        if unicodedata.category(char)[0] in _VISIBLE and ord(char) not in covered and char not in missing:
            missing.append(char)
    return missing


@lru_cache(maxsize=64)
def _covered(fonts: tuple[FontSpec, ...]) -> frozenset[int]:
    """Return the code points that any of ``fonts`` covers."""
    return frozenset().union(*(codepoints(p) for f in fonts for p in f.files))


def subset_font(path: Path, text: str, flavor: str | None = None) -> bytes:
    """Return the font reduced to the glyphs ``text`` needs (plus printable ASCII), as TrueType or WOFF bytes.

    HarfBuzz subsets (booklet.fontcache); the TrueType subset is cached on disk
    by font content and character set (``$XDG_CACHE_HOME/booklet/fonts``); the
    WOFF flavor is made from it, which is cheap.
    """
    # With the compatibility decompositions: shapers split some characters into glyphs of others
    # (Thai and Lao SARA AM into NIKHAHIT + SARA AA), and a subset without those shows tofu.
    chars = "".join(sorted(set(text) | set(unicodedata.normalize("NFKD", "".join(set(text)))) | {chr(c) for c in range(0x20, 0x7F)}))
    data = fontcache.cached_subset(path, chars)
    return data if flavor is None else _flavored(data, flavor)


def _flavored(data: bytes, flavor: str) -> bytes:
    """Re-save TrueType bytes as WOFF (or WOFF2)."""
    font = TTFont(io.BytesIO(data), recalcTimestamp=False)
    font.flavor = flavor
    buffer = io.BytesIO()
    font.save(buffer, reorderTables=False)
    return buffer.getvalue()

