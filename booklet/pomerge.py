"""Merge a template into a catalog as GNU ``msgmerge --previous`` does, on the lossless .po model.

The rules, in msgmerge's own order (gettext 0.21, ``msgmerge.c``):

- every template entry takes the catalog's entry with the same msgctxt and msgid,
  obsolete ones included (a returning text gets its own translation back, fuzzy
  or not as it was);
- otherwise the most similar translated entry (obsolete ones included, similarity
  ``2 × common bytes / total`` above 0.6, as ``fstrcmp``; a small bonus for
  the same context), found through msgmerge's index of 4-grams, makes it fuzzy;
- a merged entry keeps the catalog's translation, translator comments, fuzzy flag
  and its ``#|`` previous text when it was already fuzzy (the text the translation
  was made for, not an intermediate one); it takes the template's ``#.``, ``#:``,
  format flags, range and no-wrap; a fuzzy match records the matched entry's
  msgctxt/msgid/msgid_plural as previous text;
- plural ↔ singular changes make the entry fuzzy (forms copied, or the first kept);
- every catalog entry not used, translated, stays (or becomes) obsolete, without
  ``#.`` and ``#:``; untranslated ones are dropped;
- the header keeps the catalog's fields, in GNU's order of the known fields, the
  unknown ones after them, with POT-Creation-Date and Report-Msgid-Bugs-To from
  the template; a catalog in another charset is converted to UTF-8 when the
  template is UTF-8.

Newest work wins: nothing translated is ever dropped, and an entry is replaced
only by the translation of exactly its text. Because obsolete entries take part
in the fuzzy search, a string that changes and later returns to an earlier text
gets the translator's latest translation (fuzzy, with ``#|`` naming the text it
was made for); an older obsolete version does not come back over it.
"""
from __future__ import annotations

import copy
import dataclasses
import re

from .pofile import Entry, PoFile

FUZZY_THRESHOLD = 0.6
#: Format flags come from the template (msgmerge's is_format); the rest (fuzzy, translators' own) from the catalog.
_KNOWN_FIELDS = ("Project-Id-Version", "Report-Msgid-Bugs-To", "POT-Creation-Date", "PO-Revision-Date", "Last-Translator",
                 "Language-Team", "Language", "MIME-Version", "Content-Type", "Content-Transfer-Encoding")


def merge(catalog: PoFile, template: PoFile) -> PoFile:
    """Return the catalog updated from the template, as ``msgmerge --previous catalog template`` would write it."""
    catalog = _in_template_charset(catalog, template)
    definitions = [e for e in catalog.entries]
    exact = {}
    for entry in definitions:
        exact.setdefault(entry.key, entry)
    index: FuzzyIndex | None = None   # built when a template entry first has no exact match
    nplurals = catalog.nplurals()
    used: set[int] = set()
    result: list[Entry] = []
    for ref in _with_header(template).entries:
        if ref.obsolete:
            continue
        found = exact.get(ref.key)
        fuzzy = False
        if found is None and not ref.is_header:
            index = index or FuzzyIndex([e for e in definitions if e.msgstr[0] and not e.is_header])
            found, fuzzy = index.search(ref.msgctxt, ref.msgid), True
        if found is None and not ref.is_header:
            result.append(_new_entry(ref, nplurals))
        if found is None:
            continue
        used.add(id(found))
        result.append(_merge_entry(found, ref, fuzzy, nplurals))
    obsolete = [_obsolete(e) for e in definitions if id(e) not in used and not e.is_header and e.msgstr[0]]
    return PoFile(result + obsolete, catalog.charset, catalog.trailer)


def _copy(entry: Entry) -> Entry:
    """Return a copy of an entry whose lists can be changed (the lines it was read from are shared: never changed)."""
    return dataclasses.replace(entry, msgstr=list(entry.msgstr), comments=list(entry.comments), extracted=list(entry.extracted),
                               references=list(entry.references), flags=list(entry.flags))


def _with_header(template: PoFile) -> PoFile:
    """Return the template with a header entry first (msgmerge adds an empty one when there is none)."""
    if template.header is not None:
        return template
    return PoFile([Entry(msgid=""), *template.entries], template.charset)


def _in_template_charset(catalog: PoFile, template: PoFile) -> PoFile:
    """Convert the catalog to UTF-8 when the template is UTF-8, as msgmerge does; the header then says ``charset=UTF-8``."""
    if template.charset.replace("_", "-").upper() != "UTF-8" or catalog.charset == "UTF-8":
        return catalog
    converted = copy.deepcopy(catalog)
    converted.charset = "UTF-8"
    header = converted.header
    if header is not None:
        header.msgstr = [re.sub(r"(charset=)[^\s\\;]+", r"\1UTF-8", header.msgstr[0], count=1, flags=re.IGNORECASE)]
    return converted


def _new_entry(ref: Entry, nplurals: int) -> Entry:
    """Return a template entry that the catalog has nothing for."""
    entry = _copy(ref)
    if entry.msgid_plural is not None and not any(entry.msgstr):
        entry.msgstr = [""] * nplurals
    entry.previous = None
    return entry


def _merge_entry(definition: Entry, ref: Entry, fuzzy: bool, nplurals: int) -> Entry:
    """Merge one template entry with the catalog entry found for it (msgmerge's message_merge)."""
    entry = _copy(definition)
    entry.obsolete = False
    entry.msgctxt, entry.msgid, entry.msgid_plural = ref.msgctxt, ref.msgid, ref.msgid_plural
    entry.extracted, entry.references = list(ref.extracted), list(ref.references)
    if ref.is_header:
        entry.msgstr = [merge_header(definition.msgstr[0], ref.msgstr[0])]
        entry.previous = None
        return entry
    previous = definition.previous if definition.fuzzy else (definition.msgctxt, definition.msgid, definition.msgid_plural)
    is_fuzzy = (definition.fuzzy or fuzzy or _plural_changed(definition, ref) or _range_narrowed(definition, ref)
                or _format_broken(definition, ref))
    if ref.msgid_plural is not None and definition.msgid_plural is None:
        entry.msgstr = entry.msgstr[:1] * nplurals
        is_fuzzy = True
    elif ref.msgid_plural is None and definition.msgid_plural is not None:
        is_fuzzy = is_fuzzy or len(entry.msgstr) > 1
        entry.msgstr = entry.msgstr[:1]
    entry.flags = _flags(ref, is_fuzzy and bool(entry.msgstr[0]))   # GNU writes no fuzzy flag on an untranslated entry
    entry.previous = previous if is_fuzzy and entry.msgstr[0] else None
    return entry


def _plural_changed(definition: Entry, ref: Entry) -> bool:
    """Return whether the msgid_plural differs (msgmerge makes the entry fuzzy)."""
    return definition.msgid_plural != ref.msgid_plural


def _format_broken(definition: Entry, ref: Entry) -> bool:
    """Return whether the template newly calls the string python-format and the translation's placeholders differ."""
    if "python-format" not in ref.flags or "python-format" in definition.flags or not definition.msgstr[0]:
        return False
    sources = [ref.msgid] if ref.msgid_plural is None else [ref.msgid_plural]
    return any(sorted(_PLACEHOLDER.findall(form)) != sorted(_PLACEHOLDER.findall(sources[0])) for form in definition.msgstr if form)


_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]")


def _range(entry: Entry) -> tuple[int, int] | None:
    """Return the entry's ``range: a..b`` flag."""
    for flag in entry.flags:
        match = re.fullmatch(r"range:\s*(\d+)\s*\.\.\s*(\d+)", flag)
        if match:
            return int(match.group(1)), int(match.group(2))
    return None


def _range_narrowed(definition: Entry, ref: Entry) -> bool:
    """Return whether the translation assumed a range the template no longer guarantees."""
    old, new = _range(definition), _range(ref)
    return old is not None and not (new is not None and new[0] >= old[0] and new[1] <= old[1])


def _is_format(flag: str) -> bool:
    """Return whether a flag is a format flag (``c-format``, ``no-python-format``, …)."""
    return flag.endswith("-format")


def _flags(ref: Entry, fuzzy: bool) -> list[str]:
    """Return the merged flags in GNU's order: fuzzy, the template's format flags, its range, its no-wrap."""
    flags = ["fuzzy"] if fuzzy else []
    flags += [f for f in ref.flags if _is_format(f)]
    flags += [f for f in ref.flags if f.startswith("range:")]
    flags += [f for f in ref.flags if f in ("wrap", "no-wrap")]
    return flags


def _obsolete(definition: Entry) -> Entry:
    """Return a catalog entry no longer in the template, as an obsolete entry without #. and #: comments."""
    entry = _copy(definition)
    entry.obsolete = True
    entry.extracted, entry.references = [], []
    # GNU writes only these flags on obsolete entries: fuzzy, the format flags, no-wrap.
    entry.flags = [f for f in entry.flags if f in ("fuzzy", "no-wrap") or _is_format(f)]
    return entry


def merge_header(definition: str, reference: str) -> str:
    """Merge header msgstrs as msgmerge does: the catalog's fields in GNU's order, two fields from the template."""
    known: dict[int, str] = {}
    unknown: list[str] = []
    for line in _lines(definition):
        slot = _known_slot(line)
        if slot is None:
            unknown.append(line)
        else:
            known[slot] = line[len(_KNOWN_FIELDS[slot]) + 1:]
    for slot in (1, 2):   # Report-Msgid-Bugs-To, POT-Creation-Date
        value = _field_rest(reference, _KNOWN_FIELDS[slot])
        if value is not None:
            known[slot] = value
    if 6 not in known and 5 in known:
        known[6] = " \n"   # msgmerge adds an empty Language field (it guesses it from gettext's own language table)
    text = "".join(_KNOWN_FIELDS[slot] + ":" + known[slot] for slot in sorted(known))
    return text + "".join(unknown)


def _lines(text: str) -> list[str]:
    """Split a header msgstr into lines, each ending with a newline."""
    return [line + "\n" for line in text.split("\n")[:-1]] + ([text.split("\n")[-1] + "\n"] if not text.endswith("\n") and text else [])


def _known_slot(line: str) -> int | None:
    """Return the index of the known field a header line starts with (names compared case-insensitively)."""
    lowered = line.lower()
    return next((i for i, name in enumerate(_KNOWN_FIELDS) if lowered.startswith(name.lower() + ":")), None)


def _field_rest(text: str, name: str) -> str | None:
    """Return what follows ``Name:`` in a header (through the newline), found anywhere as msgmerge's strstr does."""
    start = text.find(name + ":")
    if start < 0:
        return None
    rest = text[start + len(name) + 1:]
    end = rest.find("\n")
    return rest + "\n" if end < 0 else rest[: end + 1]


# Fuzzy search -----------------------------------------------------------------------------------------------------

def similarity(a: str, b: str) -> float:
    """Return GNU fstrcmp's similarity of two strings' UTF-8 bytes: 2 × longest common subsequence / total length."""
    x, y = a.encode("utf-8"), b.encode("utf-8")
    if not x or not y:
        return float(not x and not y)
    return 2 * _lcs(x, y) / (len(x) + len(y))


def _lcs(x: bytes, y: bytes) -> int:
    """Return the length of the longest common subsequence of two byte strings (bit-parallel, Hyyrö 2004)."""
    masks: dict[int, int] = {}
    for position, byte in enumerate(y):
        masks[byte] = masks.get(byte, 0) | (1 << position)
    full = (1 << len(y)) - 1
    row = full
    for byte in x:
        match = row & masks.get(byte, 0)
        row = ((row + match) | (row - match)) & full
    return len(y) - bin(row).count("1")


class FuzzyIndex:
    """msgmerge's fuzzy index: candidates share a 4-gram of characters; short strings are compared by length."""

    def __init__(self, entries: list[Entry]):
        self.entries = entries
        self.grams: dict[str, list[int]] = {}
        self.short: dict[int, list[int]] = {}
        for number, entry in enumerate(entries):
            for gram in dict.fromkeys(_grams(entry.msgid)):
                self.grams.setdefault(gram, []).append(number)
            size = len(entry.msgid.encode("utf-8"))
            if size <= _SHORT_MSG_MAX:
                self.short.setdefault(size, []).append(number)

    def search(self, msgctxt: str | None, msgid: str) -> Entry | None:
        """Return the best entry at or above the threshold (ties: most shared 4-grams, then file order)."""
        grams = _grams(msgid)
        if grams:
            counts: dict[int, int] = {}
            for gram in grams:
                for number in self.grams.get(gram, ()):
                    counts[number] = counts.get(number, 0) + 1
            order = sorted(counts, key=lambda n: (-counts[n], n))
        else:
            size = len(msgid.encode("utf-8"))
            low, high = -(-size * 3 // 7), int(size * (2 / FUZZY_THRESHOLD - 1))
            order = [n for length in range(low, high + 1) for n in self.short.get(length, ())]
        best, best_weight = None, FUZZY_THRESHOLD
        size = len(msgid.encode("utf-8"))
        for number in order:
            other = len(self.entries[number].msgid.encode("utf-8"))
            if 2 * min(size, other) / (size + other) + 0.00001 <= best_weight:
                continue   # cannot beat the best so far (fstrcmp's quick upper bound)
            weight = _goal(self.entries[number], msgctxt, msgid)
            if weight > best_weight:
                best, best_weight = self.entries[number], weight
        return best


_SHORT_MSG_MAX = int(3 * 4 * (2 / FUZZY_THRESHOLD - 1))


def _grams(text: str) -> list[str]:
    """Return a string's 4-grams of characters, in order (none when it is shorter than 4 characters)."""
    return [text[i:i + 4] for i in range(len(text) - 3)]


def _goal(entry: Entry, msgctxt: str | None, msgid: str) -> float:
    """Return msgmerge's fuzzy_search_goal_function: similarity, plus a small bonus for the same or no context."""
    bonus = 0.00001 if entry.msgctxt is None or (msgctxt is not None and entry.msgctxt == msgctxt) else 0.0
    return similarity(msgid, entry.msgid) + bonus
