"""Fonts: find the declared files, describe them as @font-face rules, and check coverage.

Fonts come only from Python font packages (fontpkg) or from files inside the
booklet folder, never from whatever the machine has installed, so every build of
a booklet embeds the same fonts.

What a build learns about a font file (whether it is sound, its sha256) is kept
on disk by the file's version (path, size, times, inode) in
``$XDG_CACHE_HOME/booklet/fonts/checks``: a no-op rebuild neither parses nor reads
an unchanged font, and a changed file is checked and hashed again.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from .errors import Location, Problem
from .fsutil import atomic_write
from .model import FontSpec

if TYPE_CHECKING:                 # fontTools and HarfBuzz are imported where used: a no-op rebuild needs neither
    from fontTools.ttLib import TTFont

#: Font collections: one file, several faces; a booklet picks a face by index or by family name.
COLLECTION_SUFFIXES = (".ttc", ".otc")
FONT_SUFFIXES = (".ttf", ".otf", ".woff", ".woff2", *COLLECTION_SUFFIXES)
#: A collection face chosen by index: ``fonts/NotoSansCJK-Regular.ttc#0``.
FACE_INDEX = re.compile(r"^(?P<name>.+?)#(?P<index>\d+)$")
#: Character categories that need a glyph; spaces, controls and bidi marks do not.
_VISIBLE = ("L", "M", "N", "P", "S")
#: A font file changed less than this long ago (ns) is checked and hashed, but nothing about it is kept on
#: disk: a second change within the file system's clock tick would keep its size and times.
_SETTLED_NS = 2_000_000_000


@dataclass(frozen=True)
class Face:
    """One font file with the weight and style it provides."""

    path: Path
    style: str
    weight: int | None  # None for a variable font that covers every weight


def resolve_font_files(*, package: str | None = None, family: str | None = None,
                       root: Path | None = None, files: Sequence[str] = ()) -> tuple[tuple[Path, ...], str | None]:
    """Return the font files of a package or of booklet-relative names, or an error message.

    A collection (.ttc/.otc) gives the face named ``file#N``, or else its faces whose family
    is ``family``; each face becomes a standalone cached file (fontcache.face_file).
    """
    if package is not None:
        return _package_files(package, family or "")
    found: list[Path] = []
    for written in files:
        match = FACE_INDEX.match(written)
        name, index = (match["name"], int(match["index"])) if match else (written, None)
        path = ((root or Path(".")) / name).resolve()
        if root is not None and not path.is_relative_to(root.resolve()):
            return (), f"font file {written!r} is outside the booklet folder"
        if not path.is_file():
            return (), f"font file {name!r} does not exist"
        if path.suffix.lower() not in FONT_SUFFIXES:
            return (), f"font file {name!r} must be .ttf, .otf, .woff, .woff2, or a collection .ttc or .otc"
        if index is not None and path.suffix.lower() not in COLLECTION_SUFFIXES:
            return (), f"font file {name!r} is not a collection, so it takes no face index (#{index})"
        faces, message = _faces(path, family or "", index, name)
        if message:
            return (), message
        found.extend(faces)
    return tuple(found), None if found else "a font needs at least one file"


def _faces(path: Path, family: str, index: int | None, shown: str, noun: str = "font file") -> tuple[list[Path], str | None]:
    """Return a font file itself, or the chosen faces of a collection, after checking that they are sound."""
    problem = font_problem(path)
    if problem:
        return [], f"{noun} {shown!r} {problem}"
    if path.suffix.lower() not in COLLECTION_SUFFIXES:
        return [path], None
    names = [aliases[0] for aliases in collection_families(path)]
    if index is not None and index >= len(names):
        return [], f"font collection {shown!r} has {len(names)} faces (#0 to #{len(names) - 1}), not #{index}"
    chosen = [index] if index is not None else [i for i, aliases in enumerate(collection_families(path)) if family in aliases]
    if not chosen:
        listed = ", ".join(f"#{i} {name}" for i, name in enumerate(names))
        return [], f"font collection {shown!r} has no face of the family {family!r} (faces: {listed}); name one as {shown}#N"
    from .fontcache import face_file

    faces = [face_file(path, i) for i in chosen]
    if None in faces:
        return [], f"font collection {shown!r}: face #{chosen[faces.index(None)]} cannot be read"
    return [f for f in faces if f is not None], None


def _package_files(package: str, family: str) -> tuple[tuple[Path, ...], str | None]:
    """Return the font files of an installed font distribution, found from its metadata without importing it."""
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", package):
        return (), f"font package {package!r} is not a valid distribution name"
    try:
        dist = metadata.distribution(package)
    except metadata.PackageNotFoundError:
        return (), f"font package {package!r} is not an installed distribution (a font package is one like fontpkg-noto-serif)"
    names = [name for name in dist.files or () if name.suffix.lower() in FONT_SUFFIXES]
    files: list[Path] = []
    for path in sorted(Path(dist.locate_file(name)).resolve() for name in names):
        shown = f"{package}: {path.name}"
        if path.suffix.lower() in COLLECTION_SUFFIXES and not any(family in a for a in collection_families(path)):
            continue                                                  # another family's collection in the package
        faces, message = _faces(path, family, None, shown, "font package file")
        if message:
            return (), message
        files.extend(faces)
    return tuple(files), None if files else f"font package {package!r} contains no font files"


@dataclass(frozen=True)
class FileVersion:
    """One version of a file as the file system tells versions apart: any write changes its times (or size, or inode)."""

    path: Path
    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> FileVersion:
        """Return the file's current version; raise OSError when it cannot be read."""
        found = path.stat()
        return cls(path, found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)

    def settled(self) -> bool:
        """Return whether the file was last changed long enough ago that a change now would show in its times."""
        return time.time_ns() - max(self.mtime_ns, self.ctime_ns) > _SETTLED_NS


def font_problem(path: Path) -> str | None:
    """Return why a font file cannot be used (not a font, truncated, damaged), or None when it is sound."""
    try:
        version = FileVersion.of(path)
    except OSError:
        return "is not a valid font"
    return _font_problem(version)


def font_digest(path: Path) -> str:
    """Return the sha256 of a font file (part of incremental builds' fingerprint), or ``<missing>``."""
    try:
        version = FileVersion.of(path)
    except OSError:
        return "<missing>"
    return _font_digest(version)


@lru_cache(maxsize=256)
def _font_problem(version: FileVersion) -> str | None:
    """Check one version of a font file, or return the verdict kept on disk for it.

    Parsing the character maps was most of a no-op rebuild's time, and fonts rarely
    change; a changed file is another version, so it is checked again.
    """
    verdict = _kept(version, "verdict", lambda: _verdict(check_font_file(version.path, version.size)))
    return None if verdict == "sound" else verdict.removeprefix("unusable: ")


def _verdict(problem: str | None) -> str:
    """Return the kept form of a check's result."""
    return "sound" if problem is None else f"unusable: {problem}"


@lru_cache(maxsize=256)
def _font_digest(version: FileVersion) -> str:
    """Hash one version of a font file, or return the digest kept on disk for it."""
    return _kept(version, "sha256", lambda: hashlib.sha256(version.path.read_bytes()).hexdigest())


def _kept(version: FileVersion, kind: str, make: Callable[[], str]) -> str:
    """Return what is kept on disk about one version of a file (``kind``: verdict or sha256), or make and keep it.

    Only a settled file's facts are kept: a second change within the file system's clock
    tick could leave its size and times as they were.
    """
    kept = _kept_path(version, kind)
    try:
        text = kept.read_text(encoding="utf-8")
        if text.startswith(f"{kind}:"):
            return text.removeprefix(f"{kind}:")
    except (OSError, UnicodeDecodeError):
        pass
    value = make()
    if version.settled():
        try:
            atomic_write(kept, f"{kind}:{value}".encode("utf-8"), durable=False)
        except OSError:
            pass                                                      # an unwritable cache only costs time
    return value


def _kept_path(version: FileVersion, kind: str) -> Path:
    """Return where a fact about one version of a font file is kept: ``$XDG_CACHE_HOME/booklet/fonts/checks``.

    Beside the font cache (booklet.fontcache.cache_dir), found without importing HarfBuzz.
    """
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    key = f"{kind}|{version}|{_checker_version()}"
    return Path(base) / "booklet" / "fonts" / "checks" / f"{hashlib.sha256(key.encode()).hexdigest()}.txt"


@lru_cache(maxsize=1)
def _checker_version() -> str:
    """Return what a kept fact depends on besides the file: this module's code and the installed fontTools (its version of a file)."""
    spec = importlib.util.find_spec("fontTools")
    try:
        fonttools = FileVersion.of(Path(spec.origin)) if spec and spec.origin else "-"
    except OSError:
        fonttools = "-"
    return f"fonttools={fonttools}|{hashlib.sha256(Path(__file__).read_bytes()).hexdigest()}"


def check_font_file(path: Path, size: int) -> str | None:
    """Parse a font file (every face of a collection): its tables lie inside the file, it maps characters, its core tables read."""
    from fontTools.ttLib import TTCollection, TTFont

    try:
        if path.suffix.lower() in COLLECTION_SUFFIXES:
            fonts = list(TTCollection(path, lazy=True).fonts)
        else:
            fonts = [TTFont(path, lazy=True)]
        for font in fonts:
            if font.reader.flavor is None:                            # WOFF offsets are into compressed data
                for tag in font.reader.keys():
                    entry = font.reader.tables[tag]
                    if entry.offset + entry.length > size:
                        return (f"is truncated or damaged: its {tag.strip()!r} table ends at byte {entry.offset + entry.length:,}, "
                                f"past the end of the file ({size:,} bytes)")
            if not font.getBestCmap():
                return "is not a valid font (it maps no characters)"
            font["head"], font["hhea"], font["maxp"]                  # noqa: B018 (reading checks them)
    except Exception:  # noqa: BLE001 - any failure to read a user's file is the user's problem, reported with its line
        return "is not a valid font"
    return None


@lru_cache(maxsize=None)
def collection_families(path: Path) -> tuple[tuple[str, ...], ...]:
    """Return the family names of each face of a font collection (typographic, then legacy), in face order."""
    from fontTools.ttLib import TTCollection

    return tuple(_families(font) for font in TTCollection(path, lazy=True).fonts)


def _families(font: TTFont) -> tuple[str, ...]:
    """Return a face's family names: typographic (name ID 16) and legacy (ID 1), without repeats."""
    names = (font["name"].getDebugName(16), font["name"].getDebugName(1))
    return tuple(dict.fromkeys(str(n) for n in names if n)) or ("",)


@lru_cache(maxsize=None)
def describe(path: Path) -> Face:
    """Read a font file's style and weight (None for variable weight)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    os2 = font["OS/2"] if "OS/2" in font else None                 # optional in TrueType; rare
    italic = bool(os2 and os2.fsSelection & 1) or "Italic" in path.stem
    variable = "fvar" in font and any(axis.axisTag == "wght" for axis in font["fvar"].axes)
    return Face(path, "italic" if italic else "normal", None if variable else (os2.usWeightClass if os2 else 400))


@lru_cache(maxsize=None)
def codepoints(path: Path) -> frozenset[int]:
    """Return the code points that a font file maps to glyphs."""
    from fontTools.ttLib import TTFont

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


#: Up to this many uncovered characters are reported one by one, at the text that uses each; more mean a missing font.
FEW_MISSING = 3


def coverage_problems(lang: str, texts: Iterable[str], fonts: Sequence[FontSpec], locate: Callable[[str], Location],
                      fallback: Location) -> list[Problem]:
    """Check that ``fonts`` cover every visible character of ``texts``: one message per stray character, or one for a missing font.

    A language whose font is missing lacks hundreds of characters: that is one message at
    the font declarations, naming the language and the fonts it has.
    """
    missing: dict[str, str] = {}
    for text in texts:
        for char in uncovered(text, fonts):
            missing.setdefault(char, text)
    if len(missing) <= FEW_MISSING:
        return [Problem(locate(char), f"{lang}: no declared font covers {char!r} (U+{ord(char):04X}) in {text.strip()[:60]!r}; "
                                      "declare a font for this language in booklet.yaml") for char, text in missing.items()]
    names = ", ".join(dict.fromkeys(f.family for f in fonts)) or "none"
    sample = " ".join(list(missing)[:6])
    where = next((f.source for f in fonts if lang in f.languages and f.source), None) or next(
        (f.source for f in fonts if f.source), None) or fallback
    return [Problem(where, f"{lang}: the fonts for {lang} ({names}) do not cover {len(missing)} characters of its text "
                           f"({sample} …, from U+{ord(next(iter(missing))):04X}); declare a font that covers {lang} in booklet.yaml, "
                           f"with languages: [{lang}]")]


#: The faces the builder's templates use: bold for headings and **strong**, italic for *emphasis*.
TEMPLATE_WEIGHTS = {"bold": 700}


def missing_faces(lang: str, fonts: Sequence[FontSpec]) -> list[str]:
    """Return the template faces (``bold``) that the language's own fonts lack (the first ones that set its text)."""
    own = [f for f in fonts if lang in f.languages or lang.split("_")[0] in f.languages] or [f for f in fonts if not f.languages]
    faces = [describe(path) for spec in own[:1] for path in spec.files]
    has_bold = any(face.weight is None or face.weight >= 600 for face in faces)
    return [] if has_bold or not faces else ["bold"]


def texts_of(value: object) -> list[str]:
    """Return every string inside a rendered view (dataclasses, dicts, lists; HTML markup stripped)."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Markup):
            found.append(item.striptags())
        elif isinstance(item, str):
            found.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
        elif hasattr(item, "__dataclass_fields__"):
            stack.extend(getattr(item, name) for name in item.__dataclass_fields__)
    return found


@lru_cache(maxsize=64)
def _covered(fonts: tuple[FontSpec, ...]) -> frozenset[int]:
    """Return the code points that any of ``fonts`` covers."""
    return frozenset().union(*(codepoints(p) for f in fonts for p in f.files))


def subset_font(path: Path, text: str, flavor: str | None = None) -> bytes:
    """Return the font reduced to the glyphs ``text`` needs (plus printable ASCII), as TrueType or WOFF bytes.

    HarfBuzz subsets (booklet.fontcache); the TrueType subset and its WOFF re-save are
    cached on disk by font content and character set (``$XDG_CACHE_HOME/booklet/fonts``).
    """
    # With the compatibility decompositions: shapers split some characters into glyphs of others
    # (Thai and Lao SARA AM into NIKHAHIT + SARA AA), and a subset without those shows tofu.
    chars = "".join(sorted(set(text) | set(unicodedata.normalize("NFKD", "".join(set(text)))) | {chr(c) for c in range(0x20, 0x7F)}))
    from .fontcache import cached_subset

    return cached_subset(path, chars, flavor)


