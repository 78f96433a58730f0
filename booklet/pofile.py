"""Read and write .po files without losing anything, laid out as GNU gettext (msgmerge, msgcat, Poedit) lays them out.

The file layer is our own small model (:class:`PoFile` of :class:`Entry`), not
Babel's ``Catalog``: Babel drops unknown header fields, reorders and respells
the known ones, collapses comments, drops flags of obsolete entries and turns
escapes into raw bytes. Every entry keeps the lines it was read from, part by
part (comments, flags, previous text, each string); writing reuses the lines of
every part whose value did not change and lays out only the changed parts the
GNU way, so a catalog written by msgmerge, Poedit or Weblate (translate-toolkit)
comes back byte for byte, and the file keeps its charset. Babel stays the
source of CLDR data and plural rules; :func:`to_catalog` gives the Babel view
that lookups and checks use.

GNU wraps strings at 79 columns, breaking after spaces and at the other
line-break opportunities it uses, with a leading ``""`` line when a string is
wrapped or has an embedded newline; :func:`wrap_string` does the same.
"""
from __future__ import annotations

import codecs
import copy
import io
import operator
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import write_po

WIDTH = 79
_KEYWORD_LINE = re.compile(r'^(?P<prefix>#~ |#\| |#~\| )?(?P<keyword>msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (?P<string>".*")$')
#: The parts of an entry, in the order GNU gettext writes them.
PARTS = ("comments", "extracted", "references", "flags", "previous", "msgctxt", "msgid", "msgid_plural", "msgstr")


@dataclass
class Entry:
    """One message of a .po file: strings unescaped, comments as written (text after ``#`` / ``#.``)."""

    msgid: str
    msgstr: list[str] = field(default_factory=lambda: [""])
    msgctxt: str | None = None
    msgid_plural: str | None = None
    comments: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    #: The ``#|`` previous text: (msgctxt, msgid, msgid_plural), or None.
    previous: tuple[str | None, str | None, str | None] | None = None
    obsolete: bool = False
    #: Line of the msgid keyword in the file read (0 for a new entry).
    lineno: int = 0
    #: The lines each part was read from, and the value they stood for: reused while the value is unchanged.
    raw: dict[str, tuple[object, list[str]]] = field(default_factory=dict, repr=False, compare=False)
    #: Blank or stray lines before the entry, kept as they were.
    before: list[str] = field(default_factory=list, repr=False, compare=False)

    @property
    def fuzzy(self) -> bool:
        """Return whether the entry is marked fuzzy."""
        return "fuzzy" in self.flags

    @property
    def key(self) -> tuple[str | None, str]:
        """Return the (msgctxt, msgid) that identifies the entry."""
        return (self.msgctxt, self.msgid)

    @property
    def is_header(self) -> bool:
        """Return whether this is the header entry."""
        return self.msgid == "" and self.msgctxt is None and not self.obsolete

    def value(self, part: str) -> object:
        """Return the current value of one part, in the form kept in ``raw``."""
        item = getattr(self, part)
        return list(item) if isinstance(item, list) else item


@dataclass
class PoFile:
    """A whole .po/.pot file: its entries in file order, the charset it is written in, and what follows the last entry."""

    entries: list[Entry]
    charset: str = "UTF-8"
    trailer: list[str] = field(default_factory=list)

    @property
    def header(self) -> Entry | None:
        """Return the header entry, if any."""
        return next((e for e in self.entries if e.is_header), None)

    def header_fields(self) -> list[tuple[str, str]]:
        """Return the header's fields as (name, value) pairs in their order and spelling."""
        header = self.header
        lines = header.msgstr[0].split("\n") if header else []
        return [(name.strip(), value.strip()) for name, sep, value in (line.partition(":") for line in lines) if sep]

    def header_field(self, name: str) -> str | None:
        """Return a header field's value (names compared case-insensitively)."""
        return next((value for key, value in self.header_fields() if key.lower() == name.lower()), None)

    def nplurals(self) -> int:
        """Return nplurals from the Plural-Forms header (2 when absent, as GNU assumes)."""
        match = re.search(r"nplurals\s*=\s*(\d+)", self.header_field("Plural-Forms") or "")
        return int(match.group(1)) if match else 2


# Reading ----------------------------------------------------------------------------------------------------------

_CHARSET = re.compile(rb'"Content-Type:[^"\n]*charset=([^\s"\\;]+)', re.IGNORECASE)


def declared_charset(raw: bytes) -> str:
    """Return the charset the header declares (UTF-8 for a template's ``CHARSET`` placeholder or none)."""
    match = _CHARSET.search(raw)
    name = match.group(1).decode("ascii", "replace") if match else "UTF-8"
    return "UTF-8" if name.upper() == "CHARSET" else name


def _is_utf8(raw: bytes) -> bool:
    """Return whether bytes are valid UTF-8 (text in a single-byte charset almost never is, once it has non-ASCII)."""
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode(raw: bytes) -> tuple[str, str]:
    """Decode a .po file in the charset its header declares; return (text, charset) or raise ValueError(line, message)."""
    charset = declared_charset(raw)
    try:
        codecs.lookup(charset)
    except LookupError:
        line = raw[: _CHARSET.search(raw).start()].count(b"\n") + 1 if _CHARSET.search(raw) else 1
        raise ValueError(line, f"unknown charset {charset!r} in the Content-Type header") from None
    if codecs.lookup(charset).name != "utf-8" and not raw.isascii() and _is_utf8(raw):   # would publish mojibake (Ã©)
        line = raw[: _CHARSET.search(raw).start()].count(b"\n") + 1 if _CHARSET.search(raw) else 1
        raise ValueError(line, f"the Content-Type header says charset={charset}, but the file is UTF-8; write charset=UTF-8")
    try:
        return raw.decode(charset), charset
    except UnicodeDecodeError as error:
        shown = "UTF-8" if codecs.lookup(charset).name == "utf-8" else charset
        raise ValueError(raw[: error.start].count(b"\n") + 1, f"file is not valid {shown}") from None


_LINE = re.compile(r'^(?P<prefix>#~\| ?|#~ ?|#\| ?)?\s*(?P<keyword>msgctxt|msgid_plural|msgid|msgstr(?:\[(?P<index>\d+)\])?)?\s*(?P<string>".*")?\s*$')


def parse(text: str, charset: str = "UTF-8") -> PoFile:
    """Parse .po text into entries (the text is assumed to pass :func:`syntax_problems`)."""
    entries, trailer = _parsed(text)
    return PoFile([_own_copy(entry) for entry in entries], charset, list(trailer))


@lru_cache(maxsize=16)
def _parsed(text: str) -> tuple[tuple[Entry, ...], tuple[str | None, ...]]:
    """Parse .po text once per process (check, status, update and build read the same catalogs): (entries, trailer)."""
    lines = text.split("\n")
    ends_with_newline = lines[-1] == ""
    if ends_with_newline:
        lines.pop()
    entries: list[Entry] = []
    pending: list[str] = []
    current: _Builder | None = None
    for number, line in enumerate(lines, start=1):
        if not line or line.isspace():
            if current is not None:
                entries.append(current.finish())
                current = None
            pending.append(line)
            continue
        kind = _kind(line)
        match = _LINE.match(line) if kind in _MATCHED_KINDS else None
        if current is not None and current.starts_new(kind, match):
            entries.append(current.finish())
            current = None
        if current is None:
            current = _Builder(before=pending)
            pending = []
        current.add(line, kind, number, match)
    if current is not None:
        entries.append(current.finish())
    trailer = pending if ends_with_newline else [*pending, None]
    return tuple(entries), tuple(trailer)


def _own_copy(entry: Entry) -> Entry:
    """Return a copy of a parsed entry whose lists the caller may change (the lines read are shared: never changed)."""
    return Entry(msgid=entry.msgid, msgstr=list(entry.msgstr), msgctxt=entry.msgctxt, msgid_plural=entry.msgid_plural,
                 comments=list(entry.comments), extracted=list(entry.extracted), references=list(entry.references),
                 flags=list(entry.flags), previous=entry.previous, obsolete=entry.obsolete, lineno=entry.lineno,
                 raw=dict(entry.raw), before=list(entry.before))


#: What the character after ``#`` makes a comment line (``#~`` lines are told apart by the next one).
_COMMENT_MARKS = {"|": "previous", ".": "extracted", ":": "references", ",": "flags"}
#: Kinds of line whose keyword and string are read.
_MATCHED_KINDS = frozenset(("keyword", "obsolete", "previous"))
_COMMENT_KINDS = frozenset(("comments", "extracted", "references", "flags"))


def _kind(line: str) -> str:
    """Classify a line: comments, extracted, references, flags, previous, or a keyword / continuation (obsolete ones too)."""
    if line[0] != "#":
        return "keyword"
    mark = line[1:2]
    if mark == "~":
        return "previous" if line[2:3] == "|" else "obsolete"
    return _COMMENT_MARKS.get(mark, "comments")


class _Builder:
    """Collects the lines of one entry and turns them into an :class:`Entry` with its raw parts."""

    def __init__(self, before: list[str]):
        self.before = before
        self.parts: dict[str, list[str]] = {}
        self.strings: dict[str, list[str]] = {}     # keyword → escaped pieces
        self.previous: dict[str, list[str]] = {}
        self.order: list[str] = []                  # keywords in order, for continuation lines
        self.previous_order: list[str] = []
        self.source: list[str] = []
        self.obsolete = False
        self.lineno = 0
        self.has_msgstr = False                     # whether a msgstr keyword came

    def starts_new(self, kind: str, match: re.Match[str] | None) -> bool:
        """Return whether a line begins the next entry: a comment, msgctxt or msgid after a msgstr."""
        if not self.has_msgstr:
            return False
        if kind not in ("keyword", "obsolete"):
            return True
        return match is None or match.group("keyword") in ("msgctxt", "msgid")

    def add(self, line: str, kind: str, number: int, match: re.Match[str] | None) -> None:
        """Add one line (``match``: its :data:`_LINE` match, for the kinds in :data:`_MATCHED_KINDS`) to the entry."""
        self.source.append(line)
        if kind in _COMMENT_KINDS:
            self.parts.setdefault(kind, []).append(line)
            return
        keyword, string = match.group("keyword", "string") if match is not None else (None, None)
        if keyword is None and string is None:
            self.parts.setdefault("comments", []).append(line)   # a stray "#~" line: kept as a comment
            return
        if kind == "previous":
            self.parts.setdefault("previous", []).append(line)
            self._string(self.previous, self.previous_order, keyword, string)
            return
        if kind == "obsolete":
            self.obsolete = True
        part = keyword or (self.order[-1] if self.order else "msgid")
        part = "msgstr" if part.startswith("msgstr") else part
        self.parts.setdefault(part, []).append(line)
        if keyword == "msgid":
            self.lineno = number
        self._string(self.strings, self.order, keyword, string)
        self.has_msgstr = self.has_msgstr or (string is not None and keyword is not None and keyword.startswith("msgstr"))

    @staticmethod
    def _string(strings: dict[str, list[str]], order: list[str], keyword: str | None, string: str | None) -> None:
        """Record a keyword's string or a continuation string."""
        if string is None:
            return
        if keyword is not None:
            order.append(keyword)
            strings[keyword] = [string[1:-1]]
        elif order:
            strings[order[-1]].append(string[1:-1])

    def finish(self) -> Entry:
        """Return the entry with each part's value and its lines."""
        text = {k: unescape("".join(v)) for k, v in self.strings.items()}
        previous = {k: unescape("".join(v)) for k, v in self.previous.items()}
        forms = sorted((int(k[7:-1]), v) for k, v in text.items() if k.startswith("msgstr["))
        entry = Entry(
            msgid=text.get("msgid", ""),
            msgstr=[v for _, v in forms] if forms else [text.get("msgstr", "")],
            msgctxt=text.get("msgctxt"),
            msgid_plural=text.get("msgid_plural"),
            comments=[line[1:] for line in self.parts.get("comments", [])],
            extracted=[line[2:] for line in self.parts.get("extracted", [])],
            references=[ref for line in self.parts.get("references", []) for ref in line[2:].split()],
            flags=[f.strip() for line in self.parts.get("flags", []) for f in line[2:].split(",") if f.strip()],
            previous=(previous.get("msgctxt"), previous.get("msgid"), previous.get("msgid_plural")) if previous else None,
            obsolete=self.obsolete,
            lineno=self.lineno,
            before=self.before,
        )
        snapshot = _snapshot(entry)   # each part's value, as Entry.value gives it
        entry.raw = {part: (snapshot[_PART_INDEX[part]], lines) for part, lines in self.parts.items()}
        entry.raw["entry"] = (snapshot, self.source)
        return entry


#: The values of an entry's parts, in the order of PARTS.
_PART_VALUES = operator.attrgetter(*PARTS)
_PART_INDEX = {part: index for index, part in enumerate(PARTS)}


def _snapshot(entry: Entry) -> tuple:
    """Return every part's value, to tell whether an entry changed since it was read."""
    return (*[list(value) if isinstance(value, list) else value for value in _PART_VALUES(entry)], entry.obsolete)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b", "f": "\f", "v": "\v", '"': '"', "\\": "\\"}


def unescape(escaped: str) -> str:
    """Turn the C escapes of a .po string (octal and hex included) into characters."""
    if "\\" not in escaped:
        return escaped
    def replace(match: re.Match[str]) -> str:
        text = match.group(0)
        if text[1] in _ESCAPES:
            return _ESCAPES[text[1]]
        if text[1] == "x":
            return chr(int(text[2:], 16))
        return chr(int(text[1:], 8))
    return re.sub(r"\\(?:[0-7]{1,3}|x[0-9a-fA-F]+|.)", replace, escaped)


def escape(text: str) -> str:
    """Escape a string as GNU gettext writes it: ``\\a \\b \\f \\n \\r \\t \\v \\\\ \\"`` escaped, other characters as they are."""
    return text.translate(_ESCAPE_TABLE)


_ESCAPE_TABLE = {ord(v): "\\" + k for k, v in _ESCAPES.items()}


# Writing ----------------------------------------------------------------------------------------------------------

def dump(po: PoFile) -> bytes:
    """Write a PoFile as bytes in its charset: unchanged parts as they were read, changed parts the GNU way."""
    lines: list[str] = []
    for index, entry in enumerate(po.entries):
        lines.extend(entry.before if (entry.before or index == 0) else [""])
        lines.extend(entry_lines(entry))
    trailer = po.trailer
    text = "\n".join([*lines, *(t for t in trailer if t is not None)])
    if None not in trailer:
        text += "\n"
    return text.encode(po.charset)


def entry_lines(entry: Entry) -> list[str]:
    """Return the lines of one entry."""
    snapshot, source = entry.raw.get("entry", (None, []))
    if snapshot == _snapshot(entry):
        return list(source)
    lines: list[str] = []
    for part in PARTS:
        kept = entry.raw.get(part)
        if kept is not None and kept[0] == entry.value(part) and _same_shape(entry, part):
            lines.extend(kept[1])
        else:
            lines.extend(_format_part(entry, part))
    return lines


def _same_shape(entry: Entry, part: str) -> bool:
    """Return whether a part's lines still fit: strings and ``#|`` depend on obsolete or not, msgstr lines on plural or not."""
    if part in ("comments", "extracted", "references", "flags"):
        return True
    snapshot = entry.raw["entry"][0]
    same_plural = (snapshot[PARTS.index("msgid_plural")] is None) == (entry.msgid_plural is None)
    return snapshot[-1] == entry.obsolete and (part != "msgstr" or same_plural)


def _format_part(entry: Entry, part: str) -> list[str]:
    """Lay out one part of an entry the GNU way."""
    wrap = "no-wrap" not in entry.flags
    prefix = "#~ " if entry.obsolete else ""
    if part == "comments":
        return ["#" + c for c in entry.comments]
    if part == "extracted":
        return ["#." + c for c in entry.extracted]
    if part == "references":
        return wrap_references(entry.references) if entry.references else []
    if part == "flags":
        return ["#, " + ", ".join(entry.flags)] if entry.flags else []
    if part == "previous":
        return _previous_lines(entry, wrap)
    if part == "msgstr":
        if entry.msgid_plural is None:
            return wrap_string(prefix, "msgstr", escape(entry.msgstr[0]), wrap, entry.flags)
        return [line for i, form in enumerate(entry.msgstr) for line in wrap_string(prefix, f"msgstr[{i}]", escape(form), wrap, entry.flags)]
    value = getattr(entry, part)
    return [] if value is None else wrap_string(prefix, part, escape(value), wrap, entry.flags)


def _previous_lines(entry: Entry, wrap: bool) -> list[str]:
    """Lay out the ``#|`` (``#~|`` when obsolete) previous text."""
    if entry.previous is None:
        return []
    prefix = "#~| " if entry.obsolete else "#| "
    lines = []
    for keyword, value in zip(("msgctxt", "msgid", "msgid_plural"), entry.previous):
        if value is not None:
            lines.extend(wrap_string(prefix, keyword, escape(value), wrap, entry.flags))
    return lines


# The Babel view ---------------------------------------------------------------------------------------------------

def to_catalog(po: PoFile, locale: str | None = None, domain: str | None = None) -> Catalog:
    """Return a Babel Catalog of the file's entries, for lookups, coverage and checks."""
    catalog = Catalog(locale=locale, domain=domain, fuzzy=False)
    header = po.header
    if header is not None:
        catalog.header_comment = "\n".join(f"#{c}".rstrip() for c in header.comments)
        catalog.fuzzy = header.fuzzy
        for name, value in po.header_fields():
            try:
                catalog._set_mime_headers([(name, value)])
            except ValueError:
                continue  # a PO-Revision-Date Babel cannot parse (seconds, +02:00, GMT): msgfmt accepts it, so do we
    for entry in po.entries:
        if entry.is_header:
            continue
        message = _message(entry)
        if entry.obsolete:
            catalog.obsolete[catalog._key_for(message.id, message.context)] = message
        else:
            catalog[message.id] = message
    return catalog


def _message(entry: Entry) -> Message:
    """Return the Babel Message of an entry."""
    plural = entry.msgid_plural is not None
    message = Message(
        (entry.msgid, entry.msgid_plural) if plural else entry.msgid,
        tuple(entry.msgstr) if plural else entry.msgstr[0],
        locations=[_location(r) for r in entry.references],
        flags=entry.flags,
        auto_comments=[c[1:] if c.startswith(" ") else c for c in entry.extracted],
        user_comments=[c[1:] if c.startswith(" ") else c for c in entry.comments],
        previous_id=[p for p in entry.previous[1:] if p is not None] if entry.previous else [],
        lineno=entry.lineno,
        context=entry.msgctxt,
    )
    return message


def _location(reference: str) -> tuple[str, int | None]:
    """Split a ``file:line`` reference."""
    path, _, line = reference.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (reference, None)


def read_po_file(raw: bytes) -> PoFile:
    """Decode and parse .po bytes (raise ValueError(line, message) when the charset is wrong)."""
    text, charset = decode(raw)
    return parse(text, charset)


def read_catalog(handle, locale: str | None = None, domain: str | None = None, **_options) -> Catalog:
    """Read a .po file into a Babel Catalog (with ``#|`` previous text, flags of obsolete entries, any charset)."""
    return to_catalog(read_po_file(handle.read()), locale=locale, domain=domain)


# Babel catalogs ---------------------------------------------------------------------------------------------------

def write_catalog(catalog: Catalog) -> bytes:
    """Serialise a Babel Catalog (the template extract makes, a new catalog) as .po/.pot bytes laid out the GNU way."""
    buffer = io.BytesIO()
    # A huge width: Babel neither wraps strings nor comments; rewrap() then lays strings out the GNU way.
    write_po(buffer, catalog, width=10**9, include_previous=True, ignore_obsolete=True)
    text = buffer.getvalue().decode("utf-8")
    if catalog.obsolete:
        text = text.rstrip("\n") + "\n" + "".join(_obsolete_entry(m) for m in catalog.obsolete.values())
    return rewrap(text).encode("utf-8")


def _obsolete_entry(message) -> str:
    """One obsolete entry as msgmerge writes it: comments and flags kept, ``#~|`` previous text, ``#~`` strings."""
    single = Catalog()
    entry = copy.copy(message)  # never change the catalog being written
    # Babel adds python-format to any msgid with %(…)s; an obsolete entry keeps only the flags a translator sees.
    entry.flags = set(message.flags) - {"python-format"}
    single[message.id] = entry
    buffer = io.BytesIO()
    write_po(buffer, single, width=10**9, include_previous=True, omit_header=True)
    lines = []
    for line in buffer.getvalue().decode("utf-8").splitlines():
        if line.startswith(("#:", "#.")) or not line:
            continue
        if line.startswith("#|"):
            lines.append("#~|" + line[2:])
        elif line.startswith("#"):
            lines.append(line)
        else:
            lines.append("#~ " + line)
    return "\n" + "\n".join(lines) + "\n"


# Wrapping ---------------------------------------------------------------------------------------------------------

def rewrap(text: str) -> str:
    """Re-wrap every keyword string of an unwrapped .po text the GNU way."""
    lines = text.split("\n")
    out: list[str] = []
    index = 0
    while index < len(lines):
        if lines[index].startswith("#: "):
            references = []
            while index < len(lines) and lines[index].startswith("#: "):
                references.extend(lines[index][3:].split())
                index += 1
            out.extend(wrap_references(references))
            continue
        match = _KEYWORD_LINE.match(lines[index])
        if not match:
            out.append(lines[index])
            index += 1
            continue
        prefix = match.group("prefix") or ""
        pieces = [match.group("string")]
        index += 1
        while index < len(lines) and lines[index].startswith(prefix + '"'):
            pieces.append(lines[index][len(prefix):])
            index += 1
        escaped = "".join(piece[1:-1] for piece in pieces)
        out.extend(wrap_string(prefix, match.group("keyword"), escaped))
    return "\n".join(out).rstrip("\n") + "\n"


def wrap_references(references: list[str]) -> list[str]:
    """Fill ``#:`` reference lines up to the width, as GNU gettext does."""
    lines, current = [], "#:"
    for reference in references:
        if len(current) + 1 + len(reference) > WIDTH and current != "#:":
            lines.append(current)
            current = "#:"
        current += " " + reference
    lines.append(current)
    return lines


def wrap_string(prefix: str, keyword: str, escaped: str, wrap: bool = True, flags: Iterable[str] = ()) -> list[str]:
    """Lay out one escaped string after its keyword as GNU gettext's write-po.c does.

    ``wrap=False`` is the no-wrap flag; ``flags`` are the entry's flags: GNU never
    breaks inside a format directive of the entry's format language (c-format,
    python-format, python-brace-format).
    """
    kind = next((f[:-7] for f in flags if f.endswith("-format") and not f.startswith("no-")), None)
    return list(_wrapped(prefix, keyword, escaped, wrap, kind))


@lru_cache(maxsize=4096)
def _wrapped(prefix: str, keyword: str, escaped: str, wrap: bool, kind: str | None) -> tuple[str, ...]:
    """Lay out one string (``kind``: the entry's format language, or None); remembered, as every write repeats most strings."""
    units = _tokens(escaped)
    protected = _directive_interiors(units, kind)
    portions = _split_after_newlines(units)
    head = f"{prefix}{keyword} "
    width = WIDTH - 2 - _width(prefix)
    if len(portions) <= 1 and (not wrap or _width(head) + 2 + _width(escaped) <= WIDTH
                               or len(_break(units, protected, 0, width, _width(head) - _width(prefix))) <= 1):
        return (f'{head}"{escaped}"',)
    lines = [f'{head}""']
    for start, end in portions:
        chunks = _break(units[start:end], protected[start:end], 0, width) if wrap else ["".join(units[start:end])]
        lines.extend(f'{prefix}"{chunk}"' for chunk in chunks)
    return tuple(lines)


def _split_after_newlines(units: list[str]) -> list[tuple[int, int]]:
    """Return the (start, end) unit ranges of the portions of an escaped string: each ends after a ``\\n``."""
    portions, start = [], 0
    for index, unit in enumerate(units):
        if unit == "\\n" and index + 1 < len(units):
            portions.append((start, index + 1))
            start = index + 1
    portions.append((start, len(units)))
    return portions


def _tokens(escaped: str) -> list[str]:
    """Split an escaped string into units, one per character of the string: escape sequences stay whole."""
    return re.findall(r"\\(?:[0-7]{1,3}|x[0-9a-fA-F]+|.)|.", escaped, re.DOTALL)


def _break(units: list[str], protected: list[bool], start_column: int, width: int, first_column: int | None = None) -> list[str]:
    """Break a portion greedily at its line-break opportunities, as libunistring's ulc_width_linebreaks does.

    A piece (the text between two opportunities) goes on the next line when it would end past ``width``;
    a piece longer than the width stays whole. ``first_column`` is where the first line starts.
    """
    possible = _opportunities(units)
    if len(units) > 1 and units[-1] == "\\n":
        possible[-1] = False     # never a break just before the final \n
    column = start_column if first_column is None else first_column
    chunks: list[list[str]] = [[]]
    piece: list[str] = []
    piece_width = 0
    last_break = False            # whether a piece start exists on this line to break at
    for index, (unit, unit_width) in enumerate(zip(units, map(_unit_width, units))):
        if index and possible[index - 1] and not protected[index]:
            if last_break and column + piece_width > width:
                chunks.append([])
                column = 0
            chunks[-1].extend(piece)
            column += piece_width
            piece, piece_width, last_break = [], 0, True
        piece.append(unit)
        piece_width += unit_width
    if last_break and column + piece_width > width:
        chunks.append([])
    chunks[-1].extend(piece)
    return ["".join(chunk) for chunk in chunks]


# UAX #14 line breaking, as libunistring 1.0 (the library msgcat uses) implements it, on the escaped text.

_ASCII_CLASSES = dict(zip(
    "\t !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~",
    ("BA", "SP", "EX", "QU", "AL", "PR", "PO", "AL", "QU", "OP", "CP", "AL", "PR", "IS", "HY", "IS", "SY", "IS", "IS",
     "AL", "AL", "AL", "EX", "AL", "OP", "PR", "CP", "AL", "AL", "AL", "OP", "BA", "CL", "AL")))
_CLASSES = {
    **dict.fromkeys("\u00a0\u2007\u202f\u2011\u0f0c", "GL"), **dict.fromkeys("\u200b", "ZW"), **dict.fromkeys("\u2060\ufeff", "WJ"),
    **dict.fromkeys("\u00ad\u2010\u2012\u2013\u058a\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2008\u2009\u200a\u3000\u0964\u0965|",
                    "BA"),
    **dict.fromkeys("\u2014\u2e3a\u2e3b", "B2"), **dict.fromkeys("\u2024\u2025\u2026\ufe19", "IN"),
    **dict.fromkeys("\u00a1\u00bf\u201a\u201e\u2e18", "OP"), **dict.fromkeys("\u037e\u0589\u060c\u060d\u07f8\u2044\ufe10\ufe13\ufe14", "IS"),
    **dict.fromkeys("\u00b4\u02c8\u02cc\u02df\u0f01\u0f02\u0f03\u0f04\u1ffd", "BB"),
    **dict.fromkeys("\u00a2\u00b0\u2030\u2031\u2032\u2033\u2034\u2035\u2036\u2037\u2103\u2109\u066a\uffe0", "PO"),
    **dict.fromkeys("\u00a3\u00a4\u00a5\u00b1\u20ac\u20b9\u20bd\u20ba\u2116\u2212\u2213\uffe1\uffe5\uffe6", "PR"),
    **dict.fromkeys("、。，．｡､﹐﹒」』】〕〉》｝］〗〙〛｣）〞〟", "CL"),
    **dict.fromkeys("！？﹖﹗", "EX"),
    **dict.fromkeys("：；・ーヽヾゝゞ々〻ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ〜゠", "NS"),
    **dict.fromkeys("「『【〔〈《｛［〖〘〚｢（〝", "OP"),
}


@lru_cache(maxsize=4096)
def _char_class(char: str) -> str:
    """Return the UAX #14 line-break class of one character (the classes that matter for catalogs)."""
    if char in _CLASSES:
        return _CLASSES[char]
    if char < "\x80":
        if char.isdigit():
            return "NU"
        return _ASCII_CLASSES.get(char, "AL" if char >= " " else "CM")
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Mc", "Cf", "Cc"):
        return "CM"
    if category == "Pi" or category == "Pf":
        return "QU"
    if category == "Nd":
        return "NU"
    wide = unicodedata.east_asian_width(char) in ("W", "F")
    if category == "Ps":
        return "OP"
    if category == "Pe":
        return "CL"
    if category == "Zs":
        return "BA"
    if category == "Sc":
        return "PR"
    return "ID" if wide else "AL"


@lru_cache(maxsize=4096)
def _unit_classes(unit: str) -> tuple[str, str]:
    """Return the classes before and after one unit: an escape sequence starts with a backslash (PR)."""
    if len(unit) > 1 and unit[0] == "\\":
        return "PR", _char_class(unescape(unit)) if unit[1] in "\"\\" else "AL"
    cls = _char_class(unit)
    return cls, cls


_NO_BREAK_PAIRS = frozenset([
    ("AL", "NU"), ("NU", "AL"), ("PR", "ID"), ("ID", "PO"), ("PR", "AL"), ("PO", "AL"), ("AL", "PR"), ("AL", "PO"),
    ("CL", "PO"), ("CP", "PO"), ("CL", "PR"), ("CP", "PR"), ("NU", "PO"), ("NU", "PR"), ("PO", "OP"), ("PO", "NU"),
    ("PR", "OP"), ("PR", "NU"), ("HY", "NU"), ("IS", "NU"), ("NU", "NU"), ("SY", "NU"), ("AL", "AL"),
    ("CL", "NS"), ("CP", "NS"), ("B2", "B2"), ("QU", "OP"),
])


def _opportunities(units: list[str]) -> list[bool]:
    """Return, for each pair of neighbouring units, whether a line may break between them."""
    result = []
    last = None            # class of the last unit that is not a space (None: start of the text)
    before_spaces = None   # that class when the previous unit is a space
    previous = None
    for index, (before, after) in enumerate(map(_unit_classes, units)):
        if index:
            result.append(_may_break(previous, before_spaces, before, units[index - 1], units[index]))
        if before == "CM" and previous not in (None, "SP"):
            after = previous          # LB9: a combining mark takes its base's class
        elif before == "CM":
            after = "AL"              # LB10
        if after == "SP":
            before_spaces = last if previous != "SP" else before_spaces
        else:
            last = after
        previous = after
    return result


def _may_break(here: str, before_spaces: str | None, there: str, here_unit: str, there_unit: str) -> bool:
    """Return whether a line may break between a unit of class ``here`` and one of class ``there``."""
    rule = _class_rule(here, before_spaces if here == "SP" else None, there)
    if rule is not None:
        return rule
    return _is_wide(there_unit) if there == "OP" else _is_wide(here_unit)


@lru_cache(maxsize=None)
def _class_rule(here: str, before_spaces: str | None, there: str) -> bool | None:
    """Return whether a line may break between classes ``here`` and ``there`` (None: as wide as the character beside it)."""
    if there in ("SP", "ZW", "WJ", "CL", "CP", "EX", "IS", "SY"):
        return False
    if here == "SP":
        if before_spaces is None:
            return False
        if there == "CM":
            return True               # LB10: a mark after a space stands alone
        return not (before_spaces == "OP" or (before_spaces == "QU" and there == "OP") or (before_spaces == "CL" and there == "NS")
                    or (before_spaces == "B2" and there == "B2"))
    if there == "CM":
        return False
    if here == "ZW":
        return True
    if here in ("WJ", "GL", "OP", "QU", "BB") or there == "QU":
        return False
    if there == "GL" and here not in ("BA", "HY"):
        return False
    if there in ("BA", "HY", "NS", "IN"):
        return False
    if (here, there) in _NO_BREAK_PAIRS:
        return False
    if here in ("AL", "NU") and there == "OP" or here == "CP" and there in ("AL", "NU"):
        return None                   # LB30: no break unless the parenthesis (or the letter after it) is wide
    return True


def _is_wide(unit: str) -> bool:
    """Return whether a unit is an East Asian wide or fullwidth character."""
    return unicodedata.east_asian_width(unit[-1]) in ("W", "F")


def _directive_interiors(units: list[str], kind: str | None) -> list[bool]:
    """Mark the units inside a format directive of the format language ``kind`` (all but its first), where GNU never breaks."""
    protected = [False] * len(units)
    pattern = _DIRECTIVES.get(kind.removeprefix("possible-")) if kind else None
    if pattern is None:
        return protected
    text = "".join(unit if len(unit) == 1 else unescape(unit) for unit in units)
    position = 0
    opener = "{" if kind.endswith("brace") else "%"
    while True:
        position = text.find(opener, position)
        if position < 0:
            return protected
        if kind.endswith("brace") and text.startswith("{{", position):
            position += 2
            continue
        match = pattern.match(text, position)
        if match is None:
            return protected     # an invalid directive: GNU stops marking here
        for inside in range(position + 1, match.end()):
            protected[inside] = True
        position = match.end()


_DIRECTIVES = {
    "c": re.compile(r"%(?:[1-9]\d*\$)?[-+ #0'I]*(?:\*(?:[1-9]\d*\$)?|\d+)?(?:\.(?:\*(?:[1-9]\d*\$)?|\d*))?"
                    r"(?:<PRI[diouxX](?:(?:LEAST|FAST)?(?:8|16|32|64)|MAX|PTR)>|[hlLqjzZt]*[%mcCsSidouxXeEfFgGaA@pn])"),
    "python": re.compile(r"%(?:\((?:[^()]|\([^()]*\))*\))?[-+ #0]*(?:\*|\d+)?(?:\.(?:\*|\d*))?[hlL]?[%csridouxXeEfgG]"),
    "python-brace": re.compile(r"\{(?:[A-Za-z_][A-Za-z_0-9]*|\d+)(?:\.[A-Za-z_][A-Za-z_0-9]*|\[(?:[A-Za-z_][A-Za-z_0-9]*|\d+)\])*"
                               r"(?::(?:\{(?:[A-Za-z_][A-Za-z_0-9]*|\d+)\}|(?:.?[<>=^])?[-+ ]?#?0?\d*(?:\.\d*)?[bcdoxXneEfFgG%]?))?\}"),
}
_DIRECTIVES["objc"] = _DIRECTIVES["c"]


def _width(text: str) -> int:
    """Return the display width as libunistring's uc_width counts it: marks, format and control characters 0, wide 2."""
    if text.isascii() and text.isprintable():
        return len(text)                                              # the common case, without a lookup per character
    return sum(_char_width(char) for char in text)


@lru_cache(maxsize=4096)
def _unit_width(unit: str) -> int:
    """Return the display width of one unit of an escaped string (an escape sequence counts its characters)."""
    return _width(unit)


@lru_cache(maxsize=4096)
def _char_width(char: str) -> int:
    """Return one character's display width: 0, 1 or 2."""
    category = unicodedata.category(char)
    if category in ("Mn", "Me", "Cc") or (category == "Cf" and char != "\u00ad"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


_STRING = re.compile(r'"(?:[^"\\]|\\[\\"abfnrtv]|\\[0-7]{1,3}|\\x[0-9a-fA-F]+)*"')
_KEYWORD = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])\s+(.*)$")


def syntax_problems(text: str) -> list[tuple[int, str]]:
    """Check .po syntax strictly (Babel's reader silently accepts broken files); return (line, message) pairs."""
    problems: list[tuple[int, str]] = []
    header = re.search(r"nplurals\s*=\s*(\d+)", text)
    nplurals = int(header.group(1)) if header else None
    plurals: list[tuple[int, int]] = []   # (msgid line, number of msgstr[N]) of every plural entry
    entry: list[tuple[str, int]] = []
    seen: dict[tuple[str, str], int] = {}
    strings: dict[str, str] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if not line or line.startswith("#"):
            if line == "" and entry:
                _finish_entry(entry, strings, seen, problems, plurals)
                entry, strings = [], {}
            continue
        match = _KEYWORD.match(line)
        keyword, rest = (match.group(1), match.group(3)) if match else (None, line)
        if match is None and not line.startswith('"'):
            problems.append((number, f"unknown keyword or stray text: {line[:40]!r}"))
            continue
        if not _STRING.fullmatch(rest):
            problems.append((number, _string_problem(rest)))
            rest = '""'  # keep the entry's structure so one broken string gives one message
            if keyword is None:
                continue
        if keyword is None:
            if not entry:
                problems.append((number, "continuation string without a keyword"))
            else:
                strings[entry[-1][0]] += rest
            continue
        if keyword in ("msgctxt", "msgid") and entry and any(k.startswith("msgstr") for k, _ in entry):
            _finish_entry(entry, strings, seen, problems, plurals)
            entry, strings = [], {}
        entry.append((keyword, number))
        strings[keyword] = rest
    if entry:
        _finish_entry(entry, strings, seen, problems, plurals)
    return sorted(problems + _plural_count_problems(plurals, nplurals), key=lambda problem: problem[0])


def _plural_count_problems(plurals: list[tuple[int, int]], nplurals: int | None) -> list[tuple[int, str]]:
    """Return an error at each plural entry whose number of forms is not the header's; none when every entry has
    the same other number: then the header is wrong, and the translation checks name it once, with the CLDR rule."""
    wrong = [(line, forms) for line, forms in plurals if nplurals is not None and forms != nplurals]
    if wrong and len(wrong) == len(plurals) and len({forms for _, forms in wrong}) == 1:
        return []
    return [(line, f"plural entry has {forms} forms; the Plural-Forms header asks for {nplurals}") for line, forms in wrong]


def _string_problem(rest: str) -> str:
    """Describe what is wrong with a keyword's string argument."""
    if not rest.startswith('"'):
        return "string must be in double quotes"
    if len(rest) < 2 or not rest.endswith('"') or rest.endswith('\\"') and not rest.endswith('\\\\"'):
        return "unterminated string"
    return "invalid escape sequence in string"


def _finish_entry(entry: list[tuple[str, int]], strings: dict[str, str], seen: dict, problems: list[tuple[int, str]],
                  plurals: list[tuple[int, int]]) -> None:
    """Check one entry's keyword structure and that its msgid is not a duplicate; note a plural entry's forms."""
    keywords = [k for k, _ in entry]
    first = entry[0][1]
    if "msgid" not in keywords:
        problems.append((first, "msgstr without msgid" if any(k.startswith("msgstr") for k in keywords) else "entry has no msgid"))
        return
    plural = "msgid_plural" in keywords
    forms = sum(k.startswith("msgstr[") for k in keywords)
    if plural and not forms:
        problems.append((first, "entry has msgid_plural but no msgstr[0], msgstr[1], …"))
    elif plural:
        plurals.append((dict(entry)["msgid"], forms))
    elif not plural and "msgstr" not in keywords:
        problems.append((first, "msgid has no msgstr" if not any(k.startswith("msgstr[") for k in keywords)
                         else "msgstr[N] without msgid_plural"))
    key = (strings.get("msgctxt", ""), strings["msgid"])
    msgid_line = dict(entry)["msgid"]
    if key in seen and key[1] != '""':
        problems.append((msgid_line, f"duplicate message definition (first at line {seen[key]})"))
    seen.setdefault(key, msgid_line)
