"""Translation lookup: a language's catalog used with fallback to the source text.

A translation is used only when it is present, not fuzzy, and keeps the source's
placeholders; otherwise the source text is shown and the reason is recorded, so
the policy is visible in the summary and in draft builds.
"""
from __future__ import annotations

import gettext as _gettext
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from markupsafe import escape

from .errors import Location, Problem
from .i18n import catalog_path
from .model import Plural, Text

#: {fact} placeholders in content text and %(name)s placeholders in template strings.
CONTENT_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|%")


@dataclass(frozen=True)
class Translated:
    """A translated string and how it was obtained: translated, fuzzy, missing, broken or source."""

    text: str
    status: str
    #: The catalog line of the translation used, when one was used.
    line: int | None = None


class Translator:
    """Look up translations in one catalog, falling back to the source text."""

    def __init__(self, lang: str, catalog: Catalog | None, root: Path | None = None, use_fuzzy: bool = False):
        self.lang = lang
        self.catalog = catalog
        self.use_fuzzy = use_fuzzy
        self.shown = catalog_path(root, lang).relative_to(root) if root and catalog else Path(f"{lang}.po")
        self.plural_index = _gettext.c2py(catalog.plural_expr) if catalog else (lambda n: int(n != 1))
        #: Status of each distinct (msgid, context) looked up: translated, fuzzy, missing, broken or source.
        self.statuses: dict[tuple, str] = {}
        self.problems: list[Problem] = []

    @property
    def counts(self) -> Counter[str]:
        """Count the distinct strings by status."""
        return Counter(self.statuses.values())

    def _message(self, msgid: str | tuple[str, str], context: str | None) -> Message | None:
        """Return the catalog entry for a msgid and context, if any."""
        return self.catalog.get(msgid, context=context) if self.catalog is not None else None

    def _usable(self, message: Message | None, check) -> str:
        """Classify a catalog entry as translated, fuzzy, missing or broken."""
        if self.catalog is None:
            return "source"
        if message is None or not message.string or (isinstance(message.string, tuple) and not all(message.string)):
            return "missing"
        if message.fuzzy and not self.use_fuzzy:
            return "fuzzy"
        problem = check(message)
        if problem:
            self.problems.append(Problem(Location(self.shown, message.lineno), problem))
            return "broken"
        return "fuzzy" if message.fuzzy else "translated"

    def _use(self, status: str) -> bool:
        """Return whether a translation with this status is shown (fuzzy ones only in drafts)."""
        return status == "translated" or (status == "fuzzy" and self.use_fuzzy)

    def text(self, text: Text) -> Translated:
        """Translate a content Text, keeping the source when no usable translation exists."""
        message = self._message(text.msgid, text.context)
        status = self._usable(message, lambda m: _placeholder_problem(text.msgid, m.string, CONTENT_PLACEHOLDER))
        self.statuses[(text.msgid, text.context)] = status
        if self._use(status):
            return Translated(message.string, status, message.lineno)
        return Translated(text.msgid, status)

    def plural(self, plural: Plural, n: int) -> Translated:
        """Translate a content Plural for the count ``n`` with the language's plural rule."""
        message = self._message((plural.one, plural.other), plural.context)
        status = self._usable(message, self._plural_problem)
        self.statuses[(plural.one, plural.context)] = status
        if self._use(status):
            return Translated(message.string[self.plural_index(n)], status, message.lineno)
        return Translated(plural.one if n == 1 else plural.other, status)

    def _plural_problem(self, message: Message) -> str | None:
        """Describe a plural entry whose number of forms is wrong."""
        expected = self.catalog.num_plurals
        if len(message.string) != expected:
            return f"plural entry has {len(message.string)} forms; the Plural-Forms header asks for {expected}"
        return None

    # The gettext interface Jinja's i18n extension calls for template strings.
    # Results are escaped: a msgstr is untrusted text, never markup.

    def gettext(self, msgid: str) -> str:
        """Translate a template string."""
        return self.pgettext(None, msgid)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a template string with a plural."""
        return self.npgettext(None, singular, plural, n)

    def pgettext(self, context: str | None, msgid: str) -> str:
        """Translate a template string in a context."""
        message = self._message(msgid, context)
        status = self._usable(message, lambda m: _placeholder_problem(msgid, m.string, PERCENT_PLACEHOLDER))
        self.statuses[(msgid, context)] = status
        return str(escape(message.string if self._use(status) else msgid))

    def npgettext(self, context: str | None, singular: str, plural: str, n: int) -> str:
        """Translate a template string with a plural, in a context."""
        message = self._message((singular, plural), context)
        status = self._usable(message, lambda m: self._plural_problem(m) or _placeholder_problem(plural, m.string[-1], PERCENT_PLACEHOLDER))
        self.statuses[(singular, context)] = status
        if self._use(status):
            return str(escape(message.string[self.plural_index(n)]))
        return str(escape(singular if n == 1 else plural))


def _placeholder_problem(source: str, translation: str | tuple, pattern: re.Pattern[str]) -> str | None:
    """Describe placeholders that differ between a source string and its translation."""
    forms = translation if isinstance(translation, tuple) else (translation,)
    expected = sorted(pattern.findall(source))
    for form in forms:
        found = sorted(pattern.findall(form))
        if found != expected:
            missing = sorted(set(expected) - set(found))
            extra = sorted(set(found) - set(expected))
            detail = "; ".join(filter(None, [
                f"missing {', '.join(missing)}" if missing else "",
                f"unexpected {', '.join(extra)}" if extra else "",
            ])) or "placeholders are repeated differently"
            return f"translation of {_short(source)!r} has different placeholders than the source ({detail})"
    return None


def _short(text: str, limit: int = 40) -> str:
    """Shorten a string for a message."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
