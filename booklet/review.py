"""Translation review: coverage figures (``status``) and catalog checks (``check``) without building.

Checks report ``path:line: error|warning: message`` problems pointing at the
catalog entry: placeholders or links that differ from the source, unsafe links,
wrong numbers of plural forms, a Plural-Forms header that disagrees with CLDR,
untranslated and fuzzy entries, and catalogs older than the template.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural

from .catalogs import read_template
from .content import load_booklet
from .errors import BookletError, Location, Problem
from .i18n import catalog_path, load_catalog
from .inline import inline_problems, markup_signature
from .model import Booklet
from .translation import CONTENT_PLACEHOLDER, PERCENT_PLACEHOLDER

WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Coverage:
    """Translation figures for one language."""

    lang: str
    translated: int
    fuzzy: int
    untranslated: int
    words_translated: int
    words_fuzzy: int
    words_untranslated: int

    @property
    def total(self) -> int:
        """Return the number of strings."""
        return self.translated + self.fuzzy + self.untranslated

    @property
    def percent(self) -> float:
        """Return the share of strings translated (fuzzy not counted), in percent."""
        return 100.0 * self.translated / self.total if self.total else 100.0

    def as_dict(self) -> dict:
        """Return the figures as plain data for --json."""
        return {**asdict(self), "total": self.total, "percent": round(self.percent, 1)}


def _source_words(message: Message) -> int:
    """Count the words of a message's source text."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    return len(WORD.findall(ids[0]))


def _state(message: Message) -> str:
    """Classify an entry as translated, fuzzy or untranslated."""
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if not all(strings):
        return "untranslated"
    return "fuzzy" if message.fuzzy else "translated"


def coverage(lang: str, catalog: Catalog | None, template: Catalog) -> Coverage:
    """Count strings and source words per state; the source language counts as fully translated."""
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    words = dict.fromkeys(counts, 0)
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context) if catalog is not None else message
        state = "translated" if catalog is None else ("untranslated" if entry is None else _state(entry))
        counts[state] += 1
        words[state] += _source_words(message)
    return Coverage(lang, counts["translated"], counts["fuzzy"], counts["untranslated"],
                    words["translated"], words["fuzzy"], words["untranslated"])


def status(root: Path) -> list[Coverage]:
    """Return the coverage of every language of the booklet."""
    booklet = load_booklet(root)
    template = read_template(root)
    return [coverage(lang, None if lang == booklet.source_language else load_catalog(root, lang), template)
            for lang in booklet.languages]


def check(root: Path) -> list[Problem]:
    """Validate content and every catalog without building; return every problem found."""
    booklet = load_booklet(root)
    template = read_template(root)
    problems: list[Problem] = []
    for lang in booklet.languages:
        if lang == booklet.source_language:
            continue
        try:
            catalog = load_catalog(root, lang)
        except BookletError as error:
            problems.extend(error.problems)
            continue
        problems.extend(check_catalog(booklet, lang, catalog, template))
    return problems


def check_catalog(booklet: Booklet, lang: str, catalog: Catalog, template: Catalog) -> list[Problem]:
    """Check one catalog against the source texts and the template."""
    shown = catalog_path(booklet.root, lang).relative_to(booklet.root)
    problems = _check_header(shown, lang, catalog)
    section_ids = {s.id for s in booklet.sections}
    for message in catalog:
        if not message.id:
            continue
        where = Location(shown, message.lineno)
        problems.extend(Problem(where, text, severity) for severity, text in _check_message(message, catalog, booklet, section_ids))
    problems.extend(_check_freshness(shown, catalog, template))
    return problems


def _check_header(shown: Path, lang: str, catalog: Catalog) -> list[Problem]:
    """Check the Plural-Forms header against CLDR's rule for the language."""
    expected = get_plural(lang).plural_forms
    header = dict(catalog.mime_headers).get("Plural-Forms")
    if not header:
        return [Problem(Location(shown, 1), f"the header has no Plural-Forms; expected {expected!r}")]
    if catalog.num_plurals != get_plural(lang).num_plurals:
        # A warning: the catalog's own rule is consistent, and editors differ (Turkish: 1 or 2 forms).
        return [Problem(Location(shown, 1), f"Plural-Forms declares {catalog.num_plurals} forms; {lang} has "
                                            f"{get_plural(lang).num_plurals} in CLDR ({expected})", "warning")]
    return []


def _check_message(message: Message, catalog: Catalog, booklet: Booklet, section_ids: set[str]) -> list[tuple[str, str]]:
    """Return (severity, message) pairs for one catalog entry."""
    state = _state(message)
    if state == "untranslated":
        return [("warning", f"untranslated: {_short(message)!r}")]
    found = []
    if state == "fuzzy":
        found.append(("warning", f"fuzzy (not used in release builds): {_short(message)!r}"))
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    if isinstance(message.id, tuple) and len(strings) != catalog.num_plurals:
        found.append(("error", f"{len(strings)} plural forms; the Plural-Forms header asks for {catalog.num_plurals}"))
    is_template = any(str(path).startswith("templates") for path, _line in message.locations)
    pattern = PERCENT_PLACEHOLDER if is_template else CONTENT_PLACEHOLDER
    for form in strings:
        source = ids[-1] if isinstance(message.id, tuple) else ids[0]
        differ = sorted(pattern.findall(form)) != sorted(pattern.findall(source))
        if differ:
            found.append(("error", f"placeholders differ from the source: {sorted(set(pattern.findall(source)))} in the source, "
                                   f"{sorted(set(pattern.findall(form)))} in the translation"))
        if not is_template:
            found.extend(("error", text) for text in inline_problems(form, booklet.facts, section_ids)
                         if not (differ and text.startswith("placeholder")))
            found.extend(_markup_differences(source, form))
    return list(dict.fromkeys(found))


def _markup_differences(source: str, translation: str) -> list[tuple[str, str]]:
    """Compare links (errors) and emphasis (warnings) between source and translation."""
    source_marks, translated_marks = markup_signature(source), markup_signature(translation)
    links = lambda marks: sorted(m for m in marks if m.startswith("label:"))
    emphasis = lambda marks: sorted(m for m in marks if m in ("em", "strong"))
    found = []
    if links(source_marks) != links(translated_marks):
        found.append(("error", f"links differ from the source: {[m[6:] for m in links(source_marks)]} in the source, "
                               f"{[m[6:] for m in links(translated_marks)]} in the translation"))
    if emphasis(source_marks) != emphasis(translated_marks):
        found.append(("warning", f"emphasis differs from the source ({', '.join(emphasis(source_marks)) or 'none'} in the source, "
                                 f"{', '.join(emphasis(translated_marks)) or 'none'} in the translation)"))
    return found


def _check_freshness(shown: Path, catalog: Catalog, template: Catalog) -> list[Problem]:
    """Warn when the catalog lacks strings of the template (older than the template)."""
    missing = [m for m in template if m.id and catalog.get(m.id, context=m.context) is None]
    if not missing:
        return []
    return [Problem(Location(shown), f"catalog is older than the template: {len(missing)} new strings; run: python build.py update", "warning")]


def _short(message: Message) -> str:
    """Shorten a message's source text for a problem line."""
    text = message.id[0] if isinstance(message.id, tuple) else message.id
    return text if len(text) <= 50 else text[:49] + "…"


def status_rows(figures: list[Coverage]) -> list[tuple[str, ...]]:
    """Return coverage as table rows, a header first."""
    rows = [("language", "translated", "fuzzy", "untranslated", "words done", "coverage")]
    for c in figures:
        words = c.words_translated + c.words_fuzzy + c.words_untranslated
        rows.append((c.lang, str(c.translated), str(c.fuzzy), str(c.untranslated), f"{c.words_translated}/{words}", f"{c.percent:.1f} %"))
    return rows
