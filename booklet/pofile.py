"""Write .po files exactly as GNU gettext (msgmerge, msgcat, Poedit) lays them out.

Babel wraps long strings differently from GNU gettext, so a catalog saved by
Poedit and then by Babel would change on every line. We let Babel write without
wrapping and re-wrap each string as GNU gettext does: 79 columns, breaking after
spaces and at the other line-break opportunities GNU uses, with a leading ``""``
line when a string is wrapped or has an embedded newline.
"""
from __future__ import annotations

import copy
import io
import re
import unicodedata

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, unescape, write_po

WIDTH = 79
_KEYWORD_LINE = re.compile(r'^(?P<prefix>#~ |#\| |#~\| )?(?P<keyword>msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (?P<string>".*")$')


def read_catalog(handle, **options) -> Catalog:
    """Read a .po file with Babel, keeping the ``#|`` previous msgid that Babel reads as a user comment."""
    data = re.sub(rb"(?m)^#~\|", b"#|", handle.read())  # msgmerge's obsolete previous text, which Babel cannot read
    catalog = read_po(io.BytesIO(data), **options)
    for message in [*catalog, *catalog.obsolete.values()]:
        previous = [c for c in message.user_comments if c.startswith("|")]
        if previous:
            message.user_comments = [c for c in message.user_comments if not c.startswith("|")]
            message.previous_id = _parse_previous(previous)
    return catalog


def _parse_previous(comments: list[str]) -> list[str]:
    """Turn ``| msgid "…"`` / ``| msgid_plural "…"`` / ``| "…"`` comment lines into the previous msgid(s)."""
    strings: list[str] = []
    for comment in comments:
        body = comment[1:].strip()
        keyword, _, rest = body.partition(" ")
        if keyword in ("msgid", "msgid_plural"):
            strings.append(unescape(rest.strip()))
        elif keyword == "msgctxt":
            continue
        elif body.startswith('"') and strings:
            strings[-1] += unescape(body)
    return strings


def write_catalog(catalog: Catalog) -> bytes:
    """Serialise a catalog as .po/.pot bytes laid out like GNU gettext's own tools."""
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


def wrap_string(prefix: str, keyword: str, escaped: str) -> list[str]:
    """Lay out one escaped string after its keyword as GNU gettext does."""
    portions = _split_after_newlines(escaped)
    head = f"{prefix}{keyword} "
    if len(portions) <= 1 and _width(head) + 2 + _width(escaped) <= WIDTH:
        return [f'{head}"{escaped}"']
    lines = [f'{head}""']
    for portion in portions:
        lines.extend(f'{prefix}"{chunk}"' for chunk in _break(portion, WIDTH - 2 - _width(prefix)))
    return lines


def _split_after_newlines(escaped: str) -> list[str]:
    """Split an escaped string after each ``\\n`` escape."""
    portions, start, index = [], 0, 0
    while index < len(escaped):
        if escaped[index] == "\\" and index + 1 < len(escaped):
            if escaped[index + 1] == "n" and index + 2 < len(escaped):
                portions.append(escaped[start:index + 2])
                start = index + 2
            index += 2
            continue
        index += 1
    portions.append(escaped[start:])
    return [p for p in portions if p] or [""]


def _tokens(escaped: str) -> list[str]:
    """Split an escaped string into units: escape sequences stay whole."""
    return re.findall(r"\\.|.", escaped, re.DOTALL)


def _break(escaped: str, width: int) -> list[str]:
    """Break an escaped portion into chunks of at most ``width`` columns at allowed positions."""
    units = _tokens(escaped)
    chunks: list[str] = []
    start = 0
    while _width("".join(units[start:])) > width:
        column, last_break = 0, None
        for position in range(start, len(units)):
            column += _width(units[position])
            if column > width:
                break
            if position + 1 < len(units) and _may_break_after(units, position):
                last_break = position + 1
        if last_break is None or last_break <= start:
            # No break opportunity within the width: break at the first one after it, as GNU does.
            last_break = next((p + 1 for p in range(start, len(units) - 1) if _may_break_after(units, p)), len(units))
        chunks.append("".join(units[start:last_break]))
        start = last_break
        if start >= len(units):
            break
    if start < len(units) or not chunks:
        chunks.append("".join(units[start:]))
    return chunks


def _may_break_after(units: list[str], position: int) -> bool:
    """Return whether a line may break between ``units[position]`` and the next unit (UAX #14, simplified)."""
    here, after = units[position], units[position + 1]
    if after in (" ", "\\t"):
        return False
    if here == " " or here == "\\t":
        return True
    if here in _BREAK_AFTER_BEFORE_LETTER:
        return _is_letter(after)
    if here in ("\u2013", "\u2014"):
        return True
    if here in ("]", "}") or (here == ")" and after in ("(", "[")):
        return after not in (")", "]", "}", ".", ",", ";", ":", "!", "?")
    if here == "/" and not after[:1].isdigit() and after not in ("/", " "):
        return position > 0 and units[position - 1] not in ("/", ":")
    if unicodedata.east_asian_width(here[:1]) in ("W", "F") or unicodedata.east_asian_width(after[:1]) in ("W", "F"):
        return True
    return False


#: Hyphen and infix separators: GNU breaks after them when a letter follows (but not before a digit).
_BREAK_AFTER_BEFORE_LETTER = ("-", ".", ",", ";", ":", "!", "?")


def _is_letter(unit: str) -> bool:
    """Return whether a unit is a letter."""
    return len(unit) == 1 and unicodedata.category(unit)[0] == "L"


def _width(text: str) -> int:
    """Return the display width: marks and format characters 0, wide characters 2, others 1."""
    width = 0
    for char in text:
        category = unicodedata.category(char)
        if category in ("Mn", "Me") or (category == "Cf" and char != "\u00ad"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


_STRING = re.compile(r'"(?:[^"\\]|\\[\\"abfnrtv]|\\[0-7]{1,3}|\\x[0-9a-fA-F]+)*"')
_KEYWORD = re.compile(r"^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[(\d+)\])\s+(.*)$")


def syntax_problems(text: str) -> list[tuple[int, str]]:
    """Check .po syntax strictly (Babel's reader silently accepts broken files); return (line, message) pairs."""
    problems: list[tuple[int, str]] = []
    header = re.search(r"nplurals\s*=\s*(\d+)", text)
    nplurals = int(header.group(1)) if header else None
    entry: list[tuple[str, int]] = []
    seen: dict[tuple[str, str], int] = {}
    strings: dict[str, str] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            continue
        if not line or line.startswith("#"):
            if line == "" and entry:
                _finish_entry(entry, strings, seen, problems, nplurals)
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
            _finish_entry(entry, strings, seen, problems, nplurals)
            entry, strings = [], {}
        entry.append((keyword, number))
        strings[keyword] = rest
    if entry:
        _finish_entry(entry, strings, seen, problems, nplurals)
    return problems


def _string_problem(rest: str) -> str:
    """Describe what is wrong with a keyword's string argument."""
    if not rest.startswith('"'):
        return "string must be in double quotes"
    if len(rest) < 2 or not rest.endswith('"') or rest.endswith('\\"') and not rest.endswith('\\\\"'):
        return "unterminated string"
    return "invalid escape sequence in string"


def _finish_entry(entry: list[tuple[str, int]], strings: dict[str, str], seen: dict, problems: list[tuple[int, str]],
                  nplurals: int | None) -> None:
    """Check one entry's keyword structure and that its msgid is not a duplicate."""
    keywords = [k for k, _ in entry]
    first = entry[0][1]
    if "msgid" not in keywords:
        problems.append((first, "msgstr without msgid" if any(k.startswith("msgstr") for k in keywords) else "entry has no msgid"))
        return
    plural = "msgid_plural" in keywords
    forms = sum(k.startswith("msgstr[") for k in keywords)
    if plural and not forms:
        problems.append((first, "entry has msgid_plural but no msgstr[0], msgstr[1], …"))
    elif plural and nplurals is not None and forms != nplurals:
        problems.append((dict(entry)["msgid"], f"plural entry has {forms} forms; the Plural-Forms header asks for {nplurals}"))
    elif not plural and "msgstr" not in keywords:
        problems.append((first, "msgid has no msgstr" if not any(k.startswith("msgstr[") for k in keywords)
                         else "msgstr[N] without msgid_plural"))
    key = (strings.get("msgctxt", ""), strings["msgid"])
    msgid_line = dict(entry)["msgid"]
    if key in seen and key[1] != '""':
        problems.append((msgid_line, f"duplicate message definition (first at line {seen[key]})"))
    seen.setdefault(key, msgid_line)
