"""Load YAML strictly into plain data plus a side table of source locations.

Strict means: no anchors or aliases (they make alias bombs possible), no duplicate
keys (PyYAML silently keeps the last one), no custom tags, and no YAML 1.1
coercions of ``yes``/``no`` to booleans or of dates to ``datetime.date``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import BookletError, Location, Problem

#: Larger files are refused before parsing; a booklet section is a few kilobytes.
MAX_BYTES = 2_000_000
#: Refuse documents with more nodes than this (a guard against pathological input).
MAX_NODES = 200_000

KeyPath = tuple[Any, ...]

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str": str,
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
    "tag:yaml.org,2002:null": lambda _value: None,
}


class StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader without the bool and timestamp implicit resolvers."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith((":bool", ":timestamp"))]
        for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
    }


@dataclass
class Source:
    """Plain data read from one YAML file, with where each value and key came from."""

    path: Path
    data: Any
    locations: dict[KeyPath, Location] = field(default_factory=dict)
    key_locations: dict[KeyPath, Location] = field(default_factory=dict)

    def at(self, path: KeyPath) -> Location:
        """Return the location of the value at ``path``, or of its nearest located parent."""
        while path not in self.locations and path:
            path = path[:-1]
        return self.locations.get(path, Location(self.path, 1, 1))

    def key_at(self, path: KeyPath) -> Location:
        """Return the location of the key that introduces ``path``."""
        return self.key_locations.get(path) or self.at(path)


def load_yaml(path: Path, shown_path: Path | None = None) -> Source:
    """Read ``path`` strictly; raise BookletError listing every problem found."""
    shown = shown_path or path
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise BookletError([Problem(Location(shown), f"cannot read file: {error.strerror}")]) from None
    if len(raw) > MAX_BYTES:
        raise BookletError([Problem(Location(shown, 1, 1), f"file is too large ({len(raw)} bytes; the limit is {MAX_BYTES})")])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BookletError([Problem(Location(shown, line), "file is not valid UTF-8")]) from None
    return parse_yaml(text, shown)


def parse_yaml(text: str, shown: Path) -> Source:
    """Parse YAML text into a Source; raise BookletError with located problems."""
    try:
        _check_events(text, shown)
        node = yaml.compose(text, Loader=StrictLoader)
    except yaml.MarkedYAMLError as error:
        raise BookletError([Problem(_mark_location(shown, error.problem_mark or error.context_mark), f"invalid YAML: {_describe(error)}")]) from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        reason = f"unacceptable character #x{error.character:04x}: {error.reason}" if isinstance(error.character, int) else error.reason
        raise BookletError([Problem(Location(shown, line, column), f"invalid YAML: {reason}")]) from None
    except yaml.YAMLError as error:
        raise BookletError([Problem(Location(shown), f"invalid YAML: {error}")]) from None
    source = Source(shown, None)
    if node is None:
        source.data = {}
        return source
    converter = _Converter(source)
    source.data = converter.convert(node, ())
    if converter.problems:
        raise BookletError(converter.problems)
    return source


def _mark_location(shown: Path, mark) -> Location:
    """Turn a PyYAML mark (0-based) into a Location (1-based)."""
    return Location(shown, mark.line + 1, mark.column + 1) if mark else Location(shown)


def _describe(error: yaml.MarkedYAMLError) -> str:
    """Word a PyYAML error as one sentence."""
    if error.context and error.problem and error.context.startswith("expected"):
        return f"{error.context}, {error.problem}"
    return error.problem or error.context or "syntax error"


#: Deeper nesting than this is refused (PyYAML would hit Python's recursion limit).
MAX_DEPTH = 64


def _check_events(text: str, shown: Path) -> None:
    """Refuse anchors, aliases and too deep nesting, before anything is built (alias bombs never expand)."""
    problems, depth, opened, events = [], 0, 0, yaml.parse(text, Loader=StrictLoader)
    while True:
        try:
            event = next(events)
        except StopIteration:
            break
        except yaml.MarkedYAMLError as error:
            if "nesting depth" not in str(error.problem):      # PyYAML ≥ 6.0.4 scans a flow collection ahead
                raise
            where = _flow_too_deep(text, opened, depth)
            problems.append(Problem(Location(shown, where[0], where[1]),
                                    f"invalid YAML: values are nested more than {MAX_DEPTH} levels deep"))
            break
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            opened = event.start_mark.index                      # where the collection being scanned began
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            problems.append(Problem(_mark_location(shown, event.start_mark), "anchors and aliases (*name) are not allowed"))
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                problems.append(Problem(_mark_location(shown, event.start_mark), f"invalid YAML: values are nested more than {MAX_DEPTH} levels deep"))
                break
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    if problems:
        raise BookletError(problems)


def _flow_too_deep(text: str, start: int, depth: int) -> tuple[int, int]:
    """Return (line, column) of the bracket that takes a flow collection opened at ``start`` past MAX_DEPTH."""
    quote = None
    for index in range(start + 1, len(text)):
        char = text[index]
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1
        elif char in "]}":
            depth -= 1
    return text.count("\n", 0, start) + 1, 1


class _Converter:
    """Turn a composed node graph into plain data, recording locations and problems."""

    def __init__(self, source: Source):
        self.source = source
        self.problems: list[Problem] = []
        self.seen: set[int] = set()

    def where(self, node: yaml.Node) -> Location:
        """Return the location of ``node`` in the file."""
        return Location(self.source.path, node.start_mark.line + 1, node.start_mark.column + 1)

    def convert(self, node: yaml.Node, path: KeyPath) -> Any:
        """Convert one node (recursively) and record its location under ``path``."""
        if id(node) in self.seen:
            self.problems.append(Problem(self.where(node), "anchors and aliases (*name) are not allowed"))
            return None
        self.seen.add(id(node))
        if len(self.seen) > MAX_NODES:
            self.problems.append(Problem(self.where(node), f"document has more than {MAX_NODES} values"))
            raise BookletError(self.problems)
        self.source.locations[path] = self.where(node)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in ("tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
            self.problems.append(Problem(self.where(node), f"unsupported YAML tag {node.tag!r}"))
            return None
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, index)) for index, item in enumerate(node.value)]
        return self.scalar(node)

    def scalar(self, node: yaml.ScalarNode) -> Any:
        """Convert a scalar by its resolved tag; custom tags are problems."""
        make = _PLAIN_TAGS.get(node.tag)
        if make is None:
            self.problems.append(Problem(self.where(node), f"unsupported YAML tag {node.tag!r}"))
            return None
        try:
            return make(node.value.replace("_", "")) if make in (int, float) else make(node.value)
        except ValueError:
            return node.value

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        """Convert a mapping; keys must be unique strings."""
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                self.problems.append(Problem(self.where(key_node), "merge keys (<<) are not allowed"))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                self.problems.append(Problem(self.where(key_node), "mapping keys must be plain text"))
                continue
            if key_node.tag not in _PLAIN_TAGS:
                self.problems.append(Problem(self.where(key_node), f"unsupported YAML tag {key_node.tag!r} on key {key_node.value!r}"))
            key = key_node.value
            if key in result:
                first = self.source.key_locations[(*path, key)]
                self.problems.append(Problem(self.where(key_node), f"duplicate key {key!r} (first defined at line {first.line})"))
                continue
            self.source.key_locations[(*path, key)] = self.where(key_node)
            result[key] = self.convert(value_node, (*path, key))
        return result
