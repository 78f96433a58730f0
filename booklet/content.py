"""Load a booklet's content folder (booklet.yaml and sections/*.yaml) into the model.

Validation collects every problem before raising, and stops descending into a
value once its type is wrong, so one mistake gives one message.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from . import model
from .blocks import read_section
from .errors import BookletError, Location, Problem
from .inline import AnyFacts, inline_problems
from .reader import Reader
from .settings import KEYS, read_fields
from .translation import source_forms
from .yamlsource import Source, load_yaml

#: booklet.yaml's keys (key → required), from the field table in booklet.settings.
BOOKLET_KEYS = KEYS
#: Fields of booklet.yaml that are not Booklet attributes as they are read.
_DERIVED = ("facts",)


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
    booklet = _booklet(root, reader, read_fields(reader, root, fields))
    facts_valid = not problems_in(problems, meta, "facts")
    problems.extend(check_inline(booklet, booklet.facts if facts_valid else AnyFacts()))   # no placeholder check on broken facts
    if problems:
        raise BookletError(problems)
    return booklet


def problems_in(problems: list[Problem], source: Source, key: str) -> bool:
    """Return whether any problem is located inside the value of a top-level key of booklet.yaml."""
    inside = {loc for path, loc in source.locations.items() if path[:1] == (key,)}
    inside |= {loc for path, loc in source.key_locations.items() if path[:1] == (key,) and len(path) > 1}
    return any(p.location in inside for p in problems)


def _booklet(root: Path, r: Reader, values: dict[str, Any]) -> model.Booklet:
    """Make the Booklet from the values read through the field table."""
    facts = values["facts"]
    plain = {name: value for name, value in values.items() if name not in _DERIVED}
    return model.Booklet(root=root, **plain, facts={n: v for n, (v, _k) in facts.items()},
                         fact_kinds={n: k for n, (_v, k) in facts.items()}, source=r.source.at(()))


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


def read_sections(root: Path, r: Reader, facts: dict[str, int | float]) -> tuple[model.Section, ...]:
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


def check_inline(booklet: model.Booklet, facts: Mapping[str, int | float]) -> list[Problem]:
    """Check the inline markup of every source text: placeholders name ``facts``, links are safe and name sections."""
    section_ids = {section.id for section in booklet.sections}
    problems = []
    for value in model.translatable_texts(booklet):
        for text in source_forms(value):
            problems.extend(Problem(value.location, message) for message in inline_problems(text, facts, section_ids))
    return problems
