"""The settings of ``content/booklet.yaml``, declared once as a table of fields.

Each :class:`Field` has its name, its type as documentation shows it, its default,
its documentation and its reader. ``content.load_booklet`` reads every field
through this table; ``docs/schema.md`` carries :func:`markdown_table`'s output
(tests/test_settings.py checks that it does).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import model
from .fonts import FONT_SUFFIXES, resolve_font_files
from .formatting import NUMBERING_SYSTEMS, numbering_choices
from .languages import parse_language
from .reader import Reader, kind, show, unknown_key
from .yamlsource import KeyPath

PAGE_SIZES = ("A5", "A4", "A6", "letter", "half-letter")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
FACT_NAME = re.compile(r"[a-z][a-z0-9_]*")
FACT_KINDS = ("number", "year", "percent")


@dataclass
class Context:
    """What a field reader sees: the reader, the booklet folder and the fields read so far."""

    r: Reader
    root: Path
    values: dict[str, Any]


@dataclass(frozen=True)
class Field:
    """One booklet.yaml setting: name, documented type, default, documentation and reader."""

    name: str
    type: str
    doc: str
    read: Callable[[Context, KeyPath], Any]
    required: bool = False
    default: Any = None
    #: The field's text goes into the catalogs.
    translatable: bool = False


def _text(ctx: Context, path: KeyPath) -> model.Text | None:
    """Read a translatable text."""
    return ctx.r.text(path, path[-1])


def _text_list(ctx: Context, path: KeyPath) -> tuple[model.Text, ...]:
    """Read a list of translatable texts."""
    return tuple(filter(None, (ctx.r.text(p, path[-1][:-1]) for p in ctx.r.items(path, path[-1]))))


def _slug(ctx: Context, path: KeyPath) -> str | None:
    """Read the slug: lowercase letters, digits and single hyphens."""
    slug = ctx.r.string(path, "slug")
    if slug and not SLUG.match(slug):
        ctx.r.error(path, f"slug {slug!r} must be lowercase letters, digits and single hyphens")
    return slug


def _language(ctx: Context, path: KeyPath) -> str | None:
    """Read one language code."""
    return ctx.r.language(path, path[-1])


def _languages(ctx: Context, path: KeyPath) -> tuple[str, ...]:
    """Read the list of languages; each may be listed once."""
    languages = tuple(filter(None, (ctx.r.language(p, "language") for p in ctx.r.items(path, "languages"))))
    seen: set[str] = set()
    for index, lang in enumerate(languages):
        if lang in seen:
            ctx.r.error((*path, index), f"language {lang!r} is listed twice")
        seen.add(lang)
    return languages


def _edition(ctx: Context, path: KeyPath) -> Any:
    """Read the edition date (a full date)."""
    return ctx.r.full_date(path, "edition")


def _page_size(ctx: Context, path: KeyPath) -> str | None:
    """Read one of the page sizes."""
    value = ctx.r.string(path, "page_size")
    if value and value not in PAGE_SIZES:
        ctx.r.error(path, f"unknown page_size {value!r} (allowed: {', '.join(PAGE_SIZES)})")
        return None
    return value


def _chapter_start(ctx: Context, path: KeyPath) -> str | None:
    """Read where chapters start."""
    value = ctx.r.string(path, "chapter_start")
    if value and value not in ("page", "recto"):
        ctx.r.error(path, f"chapter_start must be 'page' or 'recto', not {value!r}")
        return None
    return value


def _url(ctx: Context, path: KeyPath) -> str | None:
    """Read the download page's public address."""
    url = ctx.r.string(path, "url")
    if url and not re.fullmatch(r"https?://[^\s<>\"']+", url):
        ctx.r.error(path, f"url must be an https:// or http:// address, not {url!r}")
    return url


def _min_coverage(ctx: Context, path: KeyPath) -> float | None:
    """Read a percentage from 0 to 100."""
    value = ctx.r.get(path)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 100:
        ctx.r.error(path, f"min_coverage must be a number from 0 to 100, not {show(value)}")
        return None
    return float(value)


def _fonts(ctx: Context, path: KeyPath) -> tuple[model.FontSpec, ...]:
    """Read the font families; at least one."""
    fonts = tuple(filter(None, (_font(ctx, p) for p in ctx.r.items(path, "fonts"))))
    if ctx.r.get(path) == []:
        ctx.r.error(path, "fonts must list at least one font")
    return fonts


def _font(ctx: Context, path: KeyPath) -> model.FontSpec | None:
    """Read one font family declaration and resolve its files."""
    r = ctx.r
    fields = r.mapping(path, {"family": True, "package": False, "files": False, "languages": False}, "font")
    if fields is None or "family" not in fields:
        return None
    family = r.string((*path, "family"), "font family")
    if ("package" in fields) == ("files" in fields):
        r.error(path, "a font needs exactly one of 'package' or 'files'")
        return None
    languages = tuple(filter(None, (r.language(p, "language") for p in r.items((*path, "languages"), "languages")))) if "languages" in fields else ()
    if "package" in fields:
        package = r.string((*path, "package"), "font package")
        files, message = resolve_font_files(package=package, family=family) if package and family else ((), None)
        where: KeyPath = (*path, "package")
    else:
        files, message, where = _font_files(ctx, (*path, "files"), family or "")
    if message:
        r.error(where, message)
        return None
    return model.FontSpec(family or "", files, languages, r.source.at(path)) if family else None


def _font_files(ctx: Context, path: KeyPath, family: str) -> tuple[tuple[Path, ...], str | None, KeyPath]:
    """Resolve a font's ``files`` list; a problem is located at the file's own line."""
    found: list[Path] = []
    items = ctx.r.items(path, "files")
    for item in items:
        name = ctx.r.string(item, "font file")
        if not name:
            continue
        files, message = resolve_font_files(root=ctx.root, files=[name], family=family)
        if message:
            return (), message, item if len(items) > 1 else path
        found.extend(files)
    return tuple(found), None if found or ctx.r.get(path) != [] else "a font needs at least one file", path


def _facts(ctx: Context, path: KeyPath) -> dict[str, tuple[int | float, str]]:
    """Read the facts: names to a number, or to a one-key mapping of kind and value (``{year: 1976}``)."""
    r = ctx.r
    value = r.get(path)
    if not isinstance(value, dict):
        r.error(path, f"facts must be a mapping of names to numbers, not {kind(value)}")
        return {}
    facts: dict[str, tuple[int | float, str]] = {}
    for name, number in value.items():
        if not FACT_NAME.fullmatch(str(name)):
            r.error((*path, name), f"fact name {name!r} must be lowercase letters, digits and underscores", key=True)
        elif isinstance(number, dict):
            fact = _fact_with_kind(r, (*path, name), name, number)
            if fact is not None:
                facts[name] = fact
        elif not isinstance(number, int) or isinstance(number, bool):
            r.error((*path, name), f"fact {name!r} must be a whole number, not {show(number)}")
        else:
            facts[name] = (number, "number")
    return facts


def _fact_with_kind(r: Reader, path: KeyPath, name: str, value: dict) -> tuple[int | float, str] | None:
    """Read ``{number: N}``, ``{year: YYYY}`` or ``{percent: P}``."""
    if len(value) != 1:
        given = ", ".join(repr(k) for k in value) if value else "an empty mapping"
        r.error(path, f"fact {name!r} must be a number or a mapping with one kind (number, year or percent), not {given}")
        return None
    if next(iter(value)) not in FACT_KINDS:
        r.error((*path, next(iter(value))), unknown_key(str(next(iter(value))), FACT_KINDS, f"fact {name!r}", "kind"),
                key=True)
        return None
    fact_kind, number = next(iter(value.items()))
    whole = isinstance(number, int) and not isinstance(number, bool)
    if fact_kind == "percent" and (whole or isinstance(number, float)):
        return number, fact_kind
    if fact_kind == "year" and whole and 1 <= number <= 9999:
        return number, fact_kind
    if fact_kind == "number" and whole:
        return number, fact_kind
    wanted = {"year": "a year from 1 to 9999", "percent": "a number", "number": "a whole number"}[fact_kind]
    r.error((*path, fact_kind), f"fact {name!r} ({fact_kind}) must be {wanted}, not {show(number)}")
    return None


def _language_settings(ctx: Context, path: KeyPath) -> dict[str, model.LanguageSettings]:
    """Read per-language formatting settings: ``{en: {locale: en_GB}, ar: {numbering: arab}}``."""
    r = ctx.r
    value = r.get(path)
    if not isinstance(value, dict):
        r.error(path, f"language_settings must be a mapping of languages to settings, not {kind(value)}")
        return {}
    found: dict[str, model.LanguageSettings] = {}
    for code in value:
        lang = parse_language(str(code))
        if lang is None:
            r.error((*path, code), f"unknown language code {code!r} (use a BCP 47 / CLDR code such as 'en', 'az' or 'pt-BR')", key=True)
            continue
        if ctx.values["languages"] and lang not in ctx.values["languages"]:
            base = lang.split("_")[0]
            hint = f" (to build {base} with {lang}'s conventions, write {base}: {{locale: {lang}}})" if base in ctx.values["languages"] else ""
            r.error((*path, code), f"language_settings names {code!r}, which is not in languages{hint}", key=True)
            continue
        settings = _one_language(r, (*path, code), lang)
        if settings is not None:
            found[lang] = settings
    return found


def _one_language(r: Reader, path: KeyPath, lang: str) -> model.LanguageSettings | None:
    """Read one language's locale and numbering."""
    fields = r.mapping(path, {"locale": False, "numbering": False}, "language settings")
    if fields is None:
        return None
    locale = r.language((*path, "locale"), "locale") if "locale" in fields else None
    if locale and locale.split("_")[0] != lang.split("_")[0]:
        r.error((*path, "locale"), f"locale {locale!r} is not a variant of the language {lang!r}")
        locale = None
    numbering = r.string((*path, "numbering"), "numbering") if "numbering" in fields else None
    if numbering and numbering not in numbering_choices():
        r.error((*path, "numbering"), f"unknown numbering {numbering!r} (allowed: {', '.join(numbering_choices())})")
        numbering = None
    return model.LanguageSettings(locale=locale, numbering=numbering)


def _sections(ctx: Context, path: KeyPath) -> tuple[model.Section, ...]:
    """Read the section files (content.read_sections), with the facts read before them."""
    from .content import read_sections

    facts = {name: value for name, (value, _kind) in (ctx.values.get("facts") or {}).items()}
    return read_sections(ctx.root, ctx.r, facts)


FIELDS: tuple[Field, ...] = (
    Field("slug", "text", "file-name stem of the outputs: `[a-z0-9-]+`", _slug, required=True, default=""),
    Field("title", "text", "the booklet's title", _text, required=True, translatable=True),
    Field("subtitle", "text", "shown under the title", _text, translatable=True),
    Field("source_language", "language", "language of the YAML text (BCP 47 / CLDR: `en`, `pt-BR`, `pt_BR`)",
          _language, required=True, default=""),
    Field("languages", "list of languages", "languages to build, source language included", _languages,
          required=True, default=()),
    Field("edition", "date", "edition date, ISO `YYYY-MM-DD`; also the default `SOURCE_DATE_EPOCH`", _edition, required=True),
    Field("publisher", "text", "who publishes the booklet", _text, required=True, translatable=True),
    Field("authors", "list of texts", "names of the authors", _text_list, default=(), translatable=True),
    Field("license", "text", "e.g. `CC BY 4.0`", _text, required=True, translatable=True),
    Field("description", "text", "EPUB/PDF subject", _text, translatable=True),
    Field("keywords", "list of texts", "EPUB/PDF keywords", _text_list, default=(), translatable=True),
    Field("page_size", "choice", "`" + "`, `".join(PAGE_SIZES) + "`", _page_size, default="A5"),
    Field("fonts", "list of fonts", "font families, see below", _fonts, required=True, default=()),
    Field("facts", "mapping", "`name: 12480` (a number), `name: {year: 1976}` or `name: {percent: 45}`; used by `{name}` "
          "in text and by figures, see below", _facts, default={}),
    Field("sections", "list of names", "ordered section file names in `content/sections/` (without `.yaml`)",
          _sections, required=True, default=()),
    Field("min_coverage", "number", "percent (0–100) of the content strings a language needs translated to be released; "
          "below it the language is skipped with a warning, `--draft` builds it anyway", _min_coverage, default=0.0),
    Field("url", "text", "public address (`https://…`) of the download page; the printed back cover (the `back` "
          "section) then carries a QR code to it", _url),
    Field("chapter_start", "choice", "`page`: chapters start on a new page; `recto`: on a right-hand page "
          "(left-hand in right-to-left booklets)", _chapter_start, default="page"),
    Field("language_settings", "mapping", "per language: `locale` (dates and numbers as written in that "
          "locale, e.g. `en: {locale: en_GB}`) and `numbering` (digits), see below", _language_settings, default={}),
)

#: Key → required, for Reader.mapping and the extractor.
KEYS: dict[str, bool] = {f.name: f.required for f in FIELDS}


def read_fields(r: Reader, root: Path, present: Mapping[str, Any]) -> dict[str, Any]:
    """Read every field of booklet.yaml in table order; absent or broken fields take their default."""
    ctx = Context(r, root, {})
    for spec in FIELDS:
        value = spec.read(ctx, (spec.name,)) if spec.name in present else None
        ctx.values[spec.name] = spec.default if value is None else value
    _check_source_language(ctx)
    return ctx.values


def _check_source_language(ctx: Context) -> None:
    """Check that the languages include the source language."""
    source, languages = ctx.values["source_language"], ctx.values["languages"]
    if source and source not in languages and isinstance(ctx.r.source.data.get("languages"), list):
        ctx.r.error(("languages",), f"languages must include the source language {source!r}")


def markdown_table() -> str:
    """Return the booklet.yaml table of docs/schema.md, made from FIELDS."""
    rows = ["| key | type | required | default | meaning |", "|---|---|---|---|---|"]
    for spec in FIELDS:
        default = "" if spec.required or spec.default in (None, (), {}, "") else f"`{spec.default:g}`" if isinstance(
            spec.default, float) else f"`{spec.default}`"
        kind_shown = spec.type + (" (translatable)" if spec.translatable else "")
        rows.append(f"| `{spec.name}` | {kind_shown} | {'yes' if spec.required else 'no'} | {default} | {spec.doc} |")
    return "\n".join(rows)


def numbering_table() -> str:
    """Return the numbering systems table of docs/schema.md."""
    rows = ["| `numbering` | digits |", "|---|---|"]
    rows += [f"| `{name}` | {digits} |" for name, digits in NUMBERING_SYSTEMS.items()]
    return "\n".join(rows)


__all__ = ["FIELDS", "KEYS", "FONT_SUFFIXES", "Field", "markdown_table", "numbering_table", "read_fields"]
