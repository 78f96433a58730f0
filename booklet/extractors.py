"""A Babel extractor for booklet YAML, so ``pybabel extract -F babel.cfg`` finds the same strings as ``build.py extract``.

Registered as the ``booklet_yaml`` entry point in the ``babel.extractors`` group.
It reads one file with the same strict loader and schema readers as the build,
and yields each translatable text with its line, context and translator note.
"""
from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import model
from .blocks import read_section
from .content import BOOKLET_KEYS
from .errors import BookletError
from .inline import AnyFacts
from .reader import Reader
from .translation import msgid_of, source_forms
from .yamlsource import parse_yaml

BOOKLET_TEXTS = ("title", "subtitle", "description", "publisher", "license")


def extract_yaml(fileobj, keywords, comment_tags, options) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Yield (line, function, message, comments) for every translatable text of a booklet YAML file."""
    name = Path(getattr(fileobj, "name", "content.yaml"))
    try:
        source = parse_yaml(fileobj.read().decode("utf-8"), name)
    except BookletError:
        return
    for value in _texts(source, name):
        comments = textwrap.wrap(value.note, width=76) if value.note else []
        yield value.location.line or 1, *gettext_call(value), comments


def gettext_call(value: model.Text | model.Plural) -> tuple[str, Any]:
    """Return the gettext function a content text is extracted as, and its arguments as Babel's extractors give them."""
    texts = source_forms(value)
    function = ("n" if len(texts) > 1 else "") + ("pgettext" if value.context else "gettext")
    return function, (value.context, *texts) if value.context else msgid_of(value)


def _texts(source, name: Path) -> list[model.Text | model.Plural]:
    """Read the file as booklet.yaml or as a section file, and list its translatable values."""
    reader = Reader(source, [])
    if name.name == "booklet.yaml":
        fields = reader.mapping((), BOOKLET_KEYS, "booklet.yaml") or {}
        found: list = [reader.text((key,), key) for key in BOOKLET_TEXTS if key in fields]
        for key in ("authors", "keywords"):
            if key in fields:
                found += [reader.text(path, key) for path in reader.items((key,), key)]
        return [value for value in found if value]
    section = read_section(Path("."), reader, name.stem, AnyFacts())   # extraction does not validate facts
    if section is None:
        return []
    found = []
    model._collect([section.title, section.blocks], found)
    return found
