"""Typed, located access to YAML data for the content validators.

A :class:`Reader` wraps one :class:`~booklet.yamlsource.Source` and a shared problem
list; each method checks one kind of value and records a located problem instead
of raising, returning None so callers stop descending into a broken subtree.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable
from typing import Any

from . import model
from .errors import Problem
from .languages import parse_language
from .yamlsource import KeyPath, Source


class Reader:
    """Typed access to one YAML source that records problems instead of raising."""

    def __init__(self, source: Source, problems: list[Problem]):
        self.source = source
        self.problems = problems

    def error(self, path: KeyPath, message: str, *, key: bool = False) -> None:
        """Record a problem at the value (or key) found at ``path``."""
        where = self.source.key_at(path) if key else self.source.at(path)
        self.problems.append(Problem(where, message))

    def get(self, path: KeyPath) -> Any:
        """Return the plain value at ``path``."""
        value = self.source.data
        for part in path:
            value = value[part]
        return value

    def mapping(self, path: KeyPath, keys: dict[str, bool], what: str) -> dict[str, Any] | None:
        """Check that ``path`` is a mapping with only known keys and every required key."""
        value = self.get(path)
        if not isinstance(value, dict):
            self.error(path, f"{what} must be a mapping, not {kind(value)}")
            return None
        for key in value:
            if key not in keys:
                self.error((*path, key), unknown_key(key, keys, what), key=True)
        missing = [key for key, required in keys.items() if required and key not in value]
        for key in missing:
            self.error(path, f"{what} is missing the required key {key!r}")
        return value

    def string(self, path: KeyPath, what: str) -> str | None:
        """Return a non-empty string at ``path`` (numbers are refused, not coerced)."""
        value = self.get(path)
        if not isinstance(value, str) or not value.strip():
            self.error(path, f"{what} must be non-empty text, not {'empty' if isinstance(value, str) else kind(value)}")
            return None
        return value

    def items(self, path: KeyPath, what: str) -> list[KeyPath]:
        """Return the key paths of the list items at ``path``."""
        value = self.get(path)
        if not isinstance(value, list):
            self.error(path, f"{what} must be a list, not {kind(value)}")
            return []
        return [(*path, index) for index in range(len(value))]

    def text(self, path: KeyPath, what: str) -> model.Text | None:
        """Read a translatable text: a string, or a mapping with text, note and context."""
        value = self.get(path)
        if isinstance(value, dict) and "text" not in value and {"one", "other", "count"} & set(value):
            self.error(path, f"the {what} cannot have plural forms; paragraphs, list items, notes and captions can")
            return None
        if isinstance(value, dict):
            fields = self.mapping(path, {"text": True, "note": False, "context": False}, what)
            if fields is None or "text" not in fields:
                return None
            extras = {key: self.string((*path, key), f"{what} {key}") for key in ("note", "context") if key in fields}
            msgid = self.string((*path, "text"), what)
            return model.Text(msgid, self.source.at((*path, "text")), extras.get("context"), extras.get("note")) if msgid else None
        msgid = self.string(path, what)
        return model.Text(msgid, self.source.at(path)) if msgid else None

    def plural(self, path: KeyPath, what: str) -> model.Plural | None:
        """Read a plural text: a mapping with one, other, and optional note and context."""
        keys = {"one": True, "other": True, "note": False, "context": False}
        fields = self.mapping(path, keys, what)
        if fields is None or not all(key in fields for key in ("one", "other")):
            return None
        values = {key: self.string((*path, key), f"{what} {key}") for key in keys if key in fields}
        if not values.get("one") or not values.get("other"):
            return None
        return model.Plural(values["one"], values["other"], self.source.at((*path, "one")), values.get("context"), values.get("note"))

    def optional(self, fields: dict[str, Any], path: KeyPath, key: str, read: Callable[..., Any], what: str) -> Any:
        """Read ``key`` with ``read`` when present, else return None."""
        return read((*path, key), what) if key in fields else None

    def full_date(self, path: KeyPath, what: str) -> dt.date | None:
        """Read an ISO date with its day (YYYY-MM-DD)."""
        value = self.get(path)
        if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.error(path, f"{what} must be a date written YYYY-MM-DD, not {show(value)}")
        return None

    def date(self, path: KeyPath, what: str) -> model.Date | None:
        """Read an ISO date as precise as written: YYYY-MM-DD, YYYY-MM or YYYY."""
        value = self.get(path)
        found = parse_date(value) if isinstance(value, str) else None
        if found is None:
            self.error(path, f"{what} must be a date written YYYY-MM-DD, YYYY-MM or YYYY, not {show(value)}")
        return found

    def language(self, path: KeyPath, what: str) -> str | None:
        """Read a language code and return its canonical form."""
        value = self.string(path, what)
        if value is None:
            return None
        canonical = parse_language(value)
        if canonical is None:
            self.error(path, f"unknown language code {value!r} (use a BCP 47 / CLDR code such as 'en', 'az' or 'pt-BR')")
        return canonical


def parse_date(value: str) -> model.Date | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into a Date, or None when it is no real date."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", value)
    if match is None:
        return None
    year, month, day = (int(part) if part else None for part in match.groups())
    try:
        dt.date(year or 0, month or 1, day or 1)
    except ValueError:
        return None
    return model.Date(year or 0, month, day)


def kind(value: Any) -> str:
    """Describe a YAML value's type for messages."""
    if value is None:
        return "empty"
    return {dict: "a mapping", list: "a list", str: "text", int: "a number", float: "a number"}.get(type(value), type(value).__name__)


def show(value: Any) -> str:
    """Show a value briefly in a message."""
    return repr(value) if isinstance(value, (str, int, float)) else kind(value)


def unknown_key(key: str, allowed: dict[str, bool] | tuple[str, ...], what: str, noun: str = "key") -> str:
    """Build an 'unknown key' message (or 'unknown <noun>') with a suggestion or the allowed keys."""
    close = difflib.get_close_matches(key, list(allowed), n=1)
    hint = f"did you mean {close[0]!r}?" if close else "allowed: " + ", ".join(allowed)
    return f"unknown {noun} {key!r} in {what} ({hint})"
