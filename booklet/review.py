"""Translation review: coverage figures (``status``) and catalog checks (``check``) without building.

``check`` reports ``path:line: error|warning: message`` at the catalog line the
problem is on (the ``msgstr``, or ``msgstr[N]`` of a plural form). Its errors are
:mod:`booklet.translation`'s defects, the ones ``build`` refuses with the same
words; the warnings below are the mistakes a translator usually makes that still
build: numbers or web addresses that differ from the source, English copied
unchanged, spaces at the ends or doubled, emphasis that differs, untranslated and
fuzzy entries, an edited msgid, and a catalog older than the booklet.
"""
from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from .content import load_booklet
from .errors import BookletError, Location, Problem
from .fontcheck import font_problems
from .i18n import load_catalog
from .inline import TOKEN, markup_signature
from .languages import bcp47
from .model import Booklet
from .translation import (
    CONTENT_PLACEHOLDER,
    HTML_TAG,
    PERCENT_PLACEHOLDER,
    Defect,
    Key,
    Scope,
    booklet_keys,
    booklet_strings,
    catalog_problems,
    difference,
    entry_state,
    forms,
    is_complete,
    is_plural,
    lacking,
    sources,
    unusable_keys,
)

WORD = re.compile(r"\w+", re.UNICODE)
#: A number as text writes it: digits (any script) with group or decimal separators.
NUMBER = re.compile(r"\d+(?:[.,\u00a0\u202f\u2009\u066c' ]\d{3}(?!\d))*(?:[.,\u066b]\d+)?")
#: A number standing alone in the source: numbers joined to letters (ordinals and decades: 39th, 1990s)
#: are left out, since translations often write them as words; a translation may join its own (2025-ci).
ALONE = re.compile(r"(?<![^\W_])" + NUMBER.pattern + r"(?![^\W_])")
#: A web address in running text (link targets are compared by translation's link check).
URL = re.compile(r"(?:https?://|www\.)[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+")
#: Words of letters a copied text must have before it is reported (names and short labels stay as they are).
COPIED_WORDS = 5
#: The flag (Weblate's) that says a translation is meant to equal the source.
SAME_FLAG = "ignore-same"


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
    return len(WORD.findall(sources(message)[0]))


def coverage(lang: str, catalog: Catalog | None, strings: Catalog, unusable: frozenset[Key] = frozenset()) -> Coverage:
    """Count the booklet's strings and source words per state; the source language counts as fully translated."""
    counts = {"translated": 0, "fuzzy": 0, "untranslated": 0}
    words = dict.fromkeys(counts, 0)
    for message in strings:
        if not message.id:
            continue
        state = "translated" if catalog is None else entry_state(catalog.get(message.id, context=message.context), unusable)
        state = {"missing": "untranslated", "broken": "untranslated"}.get(state, state)
        counts[state] += 1
        words[state] += _source_words(message)
    return Coverage(lang, counts["translated"], counts["fuzzy"], counts["untranslated"],
                    words["translated"], words["fuzzy"], words["untranslated"])


def status(root: Path) -> list[Coverage]:
    """Return the coverage of every language of the booklet."""
    booklet = load_booklet(root)
    strings = booklet_strings(booklet)
    figures = []
    for lang in booklet.languages:
        catalog = None if lang == booklet.source_language else load_catalog(root, lang)
        unusable = unusable_keys(Scope.of(booklet, lang, catalog, strings)) if catalog is not None else frozenset()
        figures.append(coverage(lang, catalog, strings, unusable))
    return figures


def check(root: Path) -> list[Problem]:
    """Validate content and every catalog without building; return every problem found."""
    booklet = load_booklet(root)
    strings = booklet_strings(booklet)
    problems: list[Problem] = []
    catalogs: dict[str, Catalog | None] = {booklet.source_language: None}
    for lang in booklet.languages:
        if lang == booklet.source_language:
            continue
        try:
            catalogs[lang] = load_catalog(root, lang)
        except BookletError as error:
            problems.extend(error.problems)
            continue
        problems.extend(check_catalog(booklet, lang, catalogs[lang], strings))
    usable = [lang for lang in booklet.languages if lang in catalogs]
    problems.extend(font_problems(replace(booklet, languages=tuple(usable)), catalogs))
    return problems


def check_catalog(booklet: Booklet, lang: str, catalog: Catalog, strings: Catalog) -> list[Problem]:
    """Check one catalog against the booklet's strings: translation defects, then the translator's usual slips."""
    scope = Scope.of(booklet, lang, catalog, strings)
    problems = catalog_problems(scope)
    for message in catalog:
        if message.id:
            problems.extend(scope.locate(message, defect) for defect in entry_warnings(message, scope))
    problems.extend(_freshness(scope))
    return problems


def entry_warnings(message: Message, scope: Scope) -> list[Defect]:
    """Return the warnings of one entry: untranslated, fuzzy, and the slips of each translated form."""
    if not any(forms(message)):
        return [Defect("untranslated", f"untranslated: {_short(message)!r}", severity="warning")]
    found = [] if is_complete(message) else [Defect("untranslated", f"untranslated: {_short(message)!r}")]
    if message.fuzzy:
        found.append(Defect("fuzzy", f"fuzzy (not used in release builds): {_short(message)!r}", at="msgid"))
    found += _unknown_msgid(message, scope)
    source = sources(message)[-1]
    for index, form in enumerate(forms(message)):
        if form and not form.isspace() and not message.fuzzy:   # a fuzzy entry is reviewed as a whole
            found += [Defect(code, text, index if is_plural(message) else None, severity="warning")
                      for code, text in form_warnings(source, form, scope.kinds(message))]
    if not is_plural(message) and not message.fuzzy and forms(message)[0] == source and SAME_FLAG not in message.flags \
            and len([w for w in WORD.findall(_prose(source)) if not w.isdigit()]) >= COPIED_WORDS:
        found.append(Defect("copied", f"the translation is the same as the source text; translate it, or add the flag "
                                      f"'#, {SAME_FLAG}' if it stays the same in {scope.lang}", severity="warning"))
    return [Defect(d.code, d.message, d.form, d.at, "warning") for d in found]


def form_warnings(source: str, form: str, kinds: set[str]) -> list[tuple[str, str]]:
    """Return (code, message) for the slips in one translated form that still build."""
    found = []
    numbers = _number_difference(source, form)
    if numbers:
        found.append(("numbers", f"numbers differ from the source ({numbers}); check every figure and year"))
    urls = _urls(source), _urls(form)
    if lacking(*urls):
        found.append(("urls", f"web addresses differ from the source ({difference(*urls)}); keep them unless the page has a "
                              f"version in your language"))
    found += _space_warnings(source, form)
    if "content" in kinds:
        found += _emphasis_warning(source, form)
    return found


def _space_warnings(source: str, form: str) -> Iterator[tuple[str, str]]:
    """Yield a warning for each end of the text whose spacing differs, and for a new double space."""
    for end, first in (("starts", 0), ("ends", -1)):
        if (source[first] in " \t\n") != (form[first] in " \t\n"):
            has, lacks = ("translation", "source") if form[first] in " \t\n" else ("source", "translation")
            yield "spaces", f"the {has} {end} with a space and the {lacks} does not; make them alike"
    if "  " in form and "  " not in source:
        yield "spaces", "the translation has a double space; use one"


def _emphasis_warning(source: str, form: str) -> list[tuple[str, str]]:
    """Warn when *emphasis* and **strong** differ between source and translation."""
    emphasis = lambda text: sorted(m for m in markup_signature(text) if m in ("em", "strong"))
    if emphasis(source) == emphasis(form):
        return []
    return [("emphasis", f"emphasis differs from the source ({', '.join(emphasis(source)) or 'none'} in the source, "
                         f"{', '.join(emphasis(form)) or 'none'} in the translation)")]


def _prose(text: str) -> str:
    """Return a text without placeholders, link targets and HTML tags: what numbers and words are read from."""
    text = TOKEN.sub(lambda m: m.group("label") or m.group(0) if m.group("url") is not None else m.group(0), text)
    for pattern in (CONTENT_PLACEHOLDER, PERCENT_PLACEHOLDER, HTML_TAG):
        text = pattern.sub(" ", text)
    return text


def _numbers(text: str, pattern: re.Pattern[str] = NUMBER) -> dict[str, str]:
    """Return a text's numbers, each as ASCII digits (separators and digit scripts aside: 1 275 == 1,275 == ١٢٧٥)
    mapped to how the text writes it."""
    found: dict[str, str] = {}
    for match in pattern.findall(URL.sub(" ", _prose(text))):
        found.setdefault("".join(str(unicodedata.digit(c)) for c in match if c.isdigit()), match)
    return found


def _number_difference(source: str, form: str) -> str:
    """Describe the source's numbers the translation lacks (and the ones it has instead); empty when none lacks."""
    expected, found = _numbers(source, ALONE), _numbers(form)
    missing = [shown for digits, shown in expected.items() if digits not in found]
    if not missing:
        return ""
    extra = [shown for digits, shown in found.items() if digits not in _numbers(source)]
    return "; ".join(filter(None, [f"missing {', '.join(missing)}", f"unexpected {', '.join(extra)}" if extra else ""]))


def _urls(text: str) -> list[str]:
    """Return the web addresses in a text's running text (not link targets), without trailing punctuation."""
    plain = TOKEN.sub(lambda m: m.group("label") if m.group("url") is not None else m.group(0), text)
    return [url.rstrip(".,;:!?…") for url in URL.findall(plain)]


def _unknown_msgid(message: Message, scope: Scope) -> list[Defect]:
    """Warn about an entry whose msgid the booklet does not have (edited by hand, or a catalog not updated)."""
    msgid = sources(message)[0]
    if msgid in scope.contexts:
        return []   # the booklet has it, perhaps in another context (translation's context check)
    close = _closest(msgid, scope)
    hint = f" (the closest booklet text is {_clip(close)!r})" if close else ""
    return [Defect("unknown-msgid", f"this msgid is not in the booklet, so its translation is never used{hint}; if you "
                                    f"edited the msgid, change it back, and if the booklet changed, run: python build.py update",
                   at="msgid")]


def _closest(msgid: str, scope: Scope) -> str | None:
    """Return the booklet text missing from the catalog that is most like ``msgid``, if one is alike."""
    missing = [k[0] for k in booklet_keys(scope.strings) if scope.catalog.get(k[0], context=k[1]) is None]
    found = difflib.get_close_matches(msgid, missing, n=1, cutoff=0.6)
    return found[0] if found else None


def _freshness(scope: Scope) -> list[Problem]:
    """Warn once when the catalog lacks strings of the booklet that no edited entry accounts for."""
    keys = [k for k in booklet_keys(scope.strings) if scope.catalog.get(k[0], context=k[1]) is None]
    known = {sources(m)[0] for m in scope.catalog if m.id}
    edited = {_closest(sources(m)[0], scope) for m in scope.catalog if m.id and sources(m)[0] not in scope.contexts}
    missing = [k for k in keys if k[0] not in known and k[0] not in edited]
    if not missing:
        return []
    return [Problem(Location(scope.shown), f"catalog is older than the booklet: {len(missing)} of its strings are not in it; "
                                           f"run: python build.py extract, then python build.py update", "warning")]


def _clip(text: str, limit: int = 50) -> str:
    """Shorten a text for a problem line."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _short(message: Message) -> str:
    """Shorten a message's source text for a problem line."""
    return _clip(sources(message)[0])


def status_rows(figures: list[Coverage]) -> list[tuple[str, ...]]:
    """Return coverage as table rows, a header first."""
    rows = [("language", "translated", "fuzzy", "untranslated", "words done", "coverage")]
    for c in figures:
        words = c.words_translated + c.words_fuzzy + c.words_untranslated
        rows.append((bcp47(c.lang), str(c.translated), str(c.fuzzy), str(c.untranslated), f"{c.words_translated}/{words}", f"{c.percent:.1f} %"))
    return rows
