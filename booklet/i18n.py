"""Translation catalogs: load .po files, translate with fallback, and extract the template.

Catalogs are read with Babel and used directly (no .mo files): a translation is
used only when it is present, not fuzzy, and keeps the source's placeholders;
otherwise the source text is shown and the reason is counted, so the policy is
visible in the summary and in draft builds.
"""
from __future__ import annotations

import gettext as _gettext
import re
import textwrap
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract as babel_extract
from babel.messages.pofile import PoFileError
from markupsafe import escape

from .errors import BookletError, Location, Problem
from .model import Booklet, Plural, Text, translatable_texts
from .pofile import read_catalog, syntax_problems

DOMAIN = "booklet"
#: {fact} placeholders in content text and %(name)s placeholders in template strings.
CONTENT_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{[^{}]*\}")
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|%")


def catalog_path(root: Path, lang: str) -> Path:
    """Return the .po path of a language in the gettext layout."""
    return root / "locales" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def template_path(root: Path) -> Path:
    """Return the path of the catalog template (.pot)."""
    return root / "locales" / f"{DOMAIN}.pot"


def load_catalog(root: Path, lang: str) -> Catalog:
    """Read a language's .po file; raise BookletError with the file and line on syntax errors."""
    path = catalog_path(root, lang)
    shown = path.relative_to(root)
    if not path.is_file():
        raise BookletError([Problem(Location(shown), f"no catalog for language {lang!r} (create it with: python build.py init {lang})")])
    if not path.resolve().is_relative_to(root.resolve()):
        raise BookletError([Problem(Location(shown), "is a link to a file outside the booklet folder")])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BookletError([Problem(Location(shown, raw[: error.start].count(b"\n") + 1), "file is not valid UTF-8")]) from None
    problems = syntax_problems(text)
    if problems:
        raise BookletError([Problem(Location(shown, line), message if message.startswith("plural entry") else f"invalid .po file: {message}")
                            for line, message in problems])
    try:
        with path.open("rb") as handle:
            catalog = read_catalog(handle, locale=lang, domain=DOMAIN, abort_invalid=True)
    except PoFileError as error:
        raise BookletError([Problem(Location(shown, error.lineno), f"invalid .po file: {error.args[0]}")]) from None
    except (UnicodeDecodeError, ValueError) as error:
        raise BookletError([Problem(Location(shown), f"invalid .po file: {error}")]) from None
    return catalog


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


def extract_messages(booklet: Booklet, template_dirs: Iterable[Path]) -> Catalog:
    """Build the catalog template from the content YAML and the Jinja templates."""
    catalog = Catalog(domain=DOMAIN, project=booklet.slug, charset="utf-8", fuzzy=False)
    for value in translatable_texts(booklet):
        msgid = value.msgid if isinstance(value, Text) else (value.one, value.other)
        _add(catalog, msgid, (str(value.location.path), value.location.line), value.note, value.context)
    for folder, path in _template_files(template_dirs):
        with path.open("rb") as handle:
            for lineno, msgid, comments, context in babel_extract(
                "jinja2", handle, comment_tags=("Translators:",), options=_JINJA_OPTIONS,
            ):
                shown = Path("templates") / path.relative_to(folder)
                _add(catalog, msgid, (str(shown), lineno), " ".join(comments) or None, context)
    return catalog


_JINJA_OPTIONS = {"trimmed": "true", "newstyle_gettext": "true", "silent": "false", "extensions": "jinja2.ext.i18n"}


def _template_files(template_dirs: Iterable[Path]) -> list[tuple[Path, Path]]:
    """Return (folder, file) for every template, the first folder winning for a given name."""
    chosen: dict[Path, tuple[Path, Path]] = {}
    for folder in template_dirs:
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".html", ".xhtml", ".svg") and path.relative_to(folder) not in chosen:
                chosen[path.relative_to(folder)] = (folder, path)
    return [chosen[name] for name in sorted(chosen)]


def _add(catalog: Catalog, msgid, location: tuple[str, int], note: str | None, context: str | None) -> None:
    """Add or merge one message into a template catalog."""
    existing = catalog.get(msgid, context=context)
    if existing is not None:
        existing.locations.append(location)
        for line in textwrap.wrap(note, width=76) if note else []:
            if line not in existing.auto_comments:
                existing.auto_comments.append(line)
        return
    comments = textwrap.wrap(note, width=76) if note else []
    message = catalog.add(msgid, locations=[location], auto_comments=comments, context=context)
    if "python-format" in message.flags and not location[0].startswith("templates"):
        # Content strings are never %-formatted; Babel's guess would make checkers demand placeholders.
        message.flags.discard("python-format")
        message.flags.add("no-python-format")
