"""Load a booklet's content folder (booklet.yaml and sections/*.yaml) into the model.

Validation collects every problem before raising, and stops descending into a
value once its type is wrong, so one mistake gives one message.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import model
from .blocks import read_section
from .errors import BookletError, Location, Problem
from .fonts import resolve_font_files
from .inline import inline_problems
from .reader import Reader, kind, show
from .yamlsource import KeyPath, Source, load_yaml

PAGE_SIZES = ("A5", "A4", "A6", "letter", "half-letter")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")

BOOKLET_KEYS = {
    "slug": True, "title": True, "subtitle": False, "source_language": True, "languages": True,
    "edition": True, "publisher": True, "authors": False, "license": True, "description": False,
    "keywords": False, "page_size": False, "fonts": True, "facts": False, "sections": True, "min_coverage": False, "url": False, "chapter_start": False,
}



def load_booklet(root: Path) -> model.Booklet:
    """Read ``root``/content into a Booklet; raise BookletError listing every problem."""
    problems: list[Problem] = []
    meta = _load(root, Path("content/booklet.yaml"), problems)
    if meta is None:
        raise BookletError(problems)
    reader = Reader(meta, problems)
    fields = reader.mapping((), BOOKLET_KEYS, "booklet.yaml")
    if fields is None:
        raise BookletError(problems)
    booklet = _read_booklet(root, reader, fields)
    facts_valid = not any(p.message.startswith(("facts must", "fact ")) for p in problems)
    problems.extend(p for p in check_inline(booklet) if facts_valid or not p.message.startswith("placeholder"))
    if problems:
        raise BookletError(problems)
    return booklet


def _load(root: Path, relative: Path, problems: list[Problem]) -> Source | None:
    """Load one YAML file, adding its problems to ``problems``."""
    if not (root / relative).resolve().is_relative_to(root.resolve()):
        problems.append(Problem(Location(relative), "is a link to a file outside the booklet folder"))
        return None
    try:
        return load_yaml(root / relative, relative)
    except BookletError as error:
        problems.extend(error.problems)
        return None


def _read_booklet(root: Path, r: Reader, fields: dict[str, Any]) -> model.Booklet | None:
    """Build the Booklet from booklet.yaml fields and the section files."""
    slug = r.string(("slug",), "slug") if "slug" in fields else None
    if slug and not SLUG.match(slug):
        r.error(("slug",), f"slug {slug!r} must be lowercase letters, digits and single hyphens")
    source_language = r.language(("source_language",), "source_language") if "source_language" in fields else None
    languages = tuple(filter(None, (r.language(p, "language") for p in r.items(("languages",), "languages")))) if "languages" in fields else ()
    _check_languages(r, languages, source_language)
    page_size = r.string(("page_size",), "page_size") if "page_size" in fields else "A5"
    if page_size and page_size not in PAGE_SIZES:
        r.error(("page_size",), f"unknown page_size {page_size!r} (allowed: {', '.join(PAGE_SIZES)})")
    facts = _read_facts(r) if "facts" in fields else {}
    chapter_start = r.string(("chapter_start",), "chapter_start") if "chapter_start" in fields else "page"
    if chapter_start and chapter_start not in ("page", "recto"):
        r.error(("chapter_start",), f"chapter_start must be 'page' or 'recto', not {chapter_start!r}")
    url = r.string(("url",), "url") if "url" in fields else None
    if url and not re.fullmatch(r"https?://[^\s<>\"']+", url):
        r.error(("url",), f"url must be an https:// or http:// address, not {url!r}")
    min_coverage = r.get(("min_coverage",)) if "min_coverage" in fields else 0
    if not isinstance(min_coverage, (int, float)) or not 0 <= min_coverage <= 100:
        r.error(("min_coverage",), f"min_coverage must be a number from 0 to 100, not {show(min_coverage)}")
        min_coverage = 0
    fonts = tuple(filter(None, (_read_font(root, r, p) for p in r.items(("fonts",), "fonts")))) if "fonts" in fields else ()
    if "fonts" in fields and r.get(("fonts",)) == []:
        r.error(("fonts",), "fonts must list at least one font")
    sections = _read_sections(root, r, facts) if "sections" in fields else ()
    texts = {key: r.optional(fields, (), key, r.text, key) for key in ("title", "subtitle", "publisher", "license", "description")}
    return model.Booklet(
        root=root, slug=slug or "", title=texts["title"], source_language=source_language or "",
        languages=languages, edition=r.optional(fields, (), "edition", r.date, "edition"),
        publisher=texts["publisher"], license=texts["license"], fonts=fonts, sections=sections,
        subtitle=texts["subtitle"], description=texts["description"],
        authors=_text_list(r, fields, "authors"), keywords=_text_list(r, fields, "keywords"),
        page_size=page_size or "A5", facts=facts, min_coverage=float(min_coverage), url=url, chapter_start=chapter_start or "page", source=r.source.at(()),
    )


def _text_list(r: Reader, fields: dict[str, Any], key: str) -> tuple[model.Text, ...]:
    """Read an optional list of translatable texts."""
    if key not in fields:
        return ()
    return tuple(filter(None, (r.text(p, key[:-1]) for p in r.items((key,), key))))


def _check_languages(r: Reader, languages: tuple[str, ...], source_language: str | None) -> None:
    """Check that languages are unique and include the source language."""
    seen: set[str] = set()
    for index, lang in enumerate(languages):
        if lang in seen:
            r.error(("languages", index), f"language {lang!r} is listed twice")
        seen.add(lang)
    if source_language and source_language not in languages and isinstance(r.get(("languages",)), list):
        r.error(("languages",), f"languages must include the source language {source_language!r}")


def _read_facts(r: Reader) -> dict[str, int]:
    """Read the facts mapping: names to whole numbers."""
    value = r.get(("facts",))
    if not isinstance(value, dict):
        r.error(("facts",), f"facts must be a mapping of names to numbers, not {kind(value)}")
        return {}
    facts = {}
    for name, number in value.items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            r.error(("facts", name), f"fact name {name!r} must be lowercase letters, digits and underscores", key=True)
        elif not isinstance(number, int) or isinstance(number, bool):
            r.error(("facts", name), f"fact {name!r} must be a whole number, not {show(number)}")
        else:
            facts[name] = number
    return facts


def _read_font(root: Path, r: Reader, path: KeyPath) -> model.FontSpec | None:
    """Read one font family declaration and resolve its files."""
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
    else:
        names = [r.string(p, "font file") for p in r.items((*path, "files"), "files")]
        files, message = resolve_font_files(root=root, files=[n for n in names if n])
    if message:
        r.error((*path, "package" if "package" in fields else "files"), message)
        return None
    return model.FontSpec(family or "", files, languages, r.source.at(path)) if family else None


def _read_sections(root: Path, r: Reader, facts: dict[str, int]) -> tuple[model.Section, ...]:
    """Load every section file named in booklet.yaml, in order."""
    sections, listed = [], set()
    for path in r.items(("sections",), "sections"):
        name = r.string(path, "section name")
        if not name:
            continue
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", name):
            r.error(path, f"section name {name!r} must be a file name in content/sections/ (letters, digits, '-', '_', '.')")
            continue
        relative = Path("content/sections") / f"{name}.yaml"
        if name in listed:
            r.error(path, f"section {name!r} is listed more than once")
            continue
        listed.add(name)
        if not (root / relative).resolve().is_relative_to(root.resolve()):
            r.error(path, f"section file {relative} is a link to a file outside the booklet folder")
            continue
        if not (root / relative).is_file():
            r.error(path, f"section file {relative} does not exist")
            continue
        source = _load(root, relative, r.problems)
        if source is not None:
            section = read_section(root, Reader(source, r.problems), name, facts)
            if section:
                sections.append(section)
    ids = [s.id for s in sections]
    for section in sections:
        if ids.count(section.id) > 1:
            r.problems.append(Problem(section.source, f"section id {section.id!r} is used by more than one section"))
    return tuple(sections)


def check_inline(booklet: model.Booklet) -> list[Problem]:
    """Check the inline markup of every source text: known facts, safe links, links to existing sections."""
    section_ids = {section.id for section in booklet.sections}
    problems = []
    for value in model.translatable_texts(booklet):
        for text in ((value.msgid,) if isinstance(value, model.Text) else (value.one, value.other)):
            problems.extend(Problem(value.location, message) for message in inline_problems(text, booklet.facts, section_ids))
    return problems
