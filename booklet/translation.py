"""What a translation is, and looking translations up.

This module is the one definition, for ``build``, ``check``, ``status``, the release
policy and the download page, of: the strings a language is counted over (the
booklet's own, content and templates); when a catalog entry counts as translated;
coverage; and the defects that make a translation unusable, each with one message
(placeholder and plural parity, links, markup, control characters, blank text, a
context the booklet does not have, a Plural-Forms header that cannot be used).
``check`` reports them, ``build`` refuses them, with the same words at the same line.

:class:`Translator` only looks translations up: it records nothing while formats
render, so a language's counts do not depend on the formats built.
"""
from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from babel.messages.catalog import Catalog, Message
from markupsafe import escape

from .errors import BookletError, Location, Problem
from .i18n import catalog_path, extract_messages
from .inline import AnyFacts, inline_problems, markup_signature
from .model import Booklet, Plural, Text
from .plurals import PluralError, PluralRule, cldr_plural_forms, compare_with_cldr, parse_plural_forms, range_problem

#: {fact} placeholders in content text and %(name)s placeholders in template strings. A language span's
#: ``{lang=xx}`` is not one: a translation may mark a name in another language («[The Washington Post]{lang=en}»).
CONTENT_PLACEHOLDER = re.compile(r"\{\{|\}\}|\{(?!lang=)[^{}]*\}")
PERCENT_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[a-zA-Z%]|%")
#: HTML tags, which translations cannot use: every translation is escaped, so a tag would be shown as text.
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
#: Control characters (Unicode Cc) other than newline and tab, which a translation may contain: the
#: others are never shown and can break the outputs.
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
#: The states a string can be in, as counted per language.
STATES = ("translated", "fuzzy", "missing", "broken", "source")

Key = tuple[str, "str | None"]


# --- entries -------------------------------------------------------------------------------------


def as_forms(value: str | tuple[str | None, ...] | None) -> tuple[str, ...]:
    """Return a msgid or msgstr, a string or a tuple of plural forms, as a tuple of forms (a missing one as "")."""
    return tuple(s or "" for s in value) if isinstance(value, tuple) else (value or "",)


def msgid_of(value: Text | Plural) -> str | tuple[str, str]:
    """Return the msgid a content text is extracted and looked up by: its text, or (singular, plural)."""
    return value.msgid if isinstance(value, Text) else (value.one, value.other)


def source_forms(value: Text | Plural) -> tuple[str, ...]:
    """Return a content text's source forms: (text,) or (singular, plural)."""
    return as_forms(msgid_of(value))


def sources(message: Message) -> tuple[str, ...]:
    """Return an entry's source forms: (msgid,) or (msgid, msgid_plural)."""
    return as_forms(message.id)


def forms(message: Message) -> tuple[str, ...]:
    """Return an entry's translated forms: (msgstr,) or (msgstr[0], msgstr[1], …)."""
    return as_forms(message.string)


def key(message: Message) -> Key:
    """Return the (msgid, msgctxt) an entry is found by."""
    return sources(message)[0], message.context


def is_plural(message: Message) -> bool:
    """Return whether an entry has plural forms."""
    return len(sources(message)) > 1


def is_complete(message: Message | None) -> bool:
    """Return whether an entry has a translation in every form."""
    return message is not None and all(forms(message))


def entry_state(message: Message | None, unusable: frozenset[Key] = frozenset()) -> str:
    """Return how an entry counts: translated, fuzzy, missing, or broken (complete but defective)."""
    if not is_complete(message):
        return "missing"
    if message.fuzzy:
        return "fuzzy"
    return "broken" if key(message) in unusable else "translated"


# --- counts and coverage -------------------------------------------------------------------------


def booklet_strings(booklet: Booklet) -> Catalog:
    """Return the booklet's strings (content and templates) as extraction finds them; a template that does not
    parse is a located error, as it is when rendering."""
    from .render import make_environment, template_dirs  # render imports this module

    dirs = template_dirs(booklet.root)
    try:
        return extract_messages(booklet, dirs)
    except jinja2.TemplateSyntaxError:
        env, chosen, problems = make_environment(dirs), {}, []
        for folder in dirs:
            for path in sorted(folder.rglob("*")):
                if path.suffix in (".html", ".xhtml", ".svg"):
                    chosen.setdefault(path.relative_to(folder), path)
        for path in chosen.values():
            try:
                env.parse(path.read_text(encoding="utf-8"), filename=str(path))
            except jinja2.TemplateSyntaxError as error:
                problems.append(Problem(Location(path, error.lineno), f"template syntax error: {error.message}"))
        raise BookletError(problems) from None


def booklet_keys(strings: Catalog) -> list[Key]:
    """Return the key of every string of the booklet (the extracted template, header left out)."""
    return [key(message) for message in strings if message.id]


def language_counts(strings: Catalog, catalog: Catalog | None, unusable: frozenset[Key] = frozenset()) -> dict[str, int]:
    """Count the booklet's strings by state in one language; the source language counts every string as source."""
    if catalog is None:
        total = len(booklet_keys(strings))
        return {"source": total} if total else {}
    counts = Counter(entry_state(catalog.get(msgid, context=context), unusable) for msgid, context in booklet_keys(strings))
    return {state: counts[state] for state in STATES if counts[state]}


def coverage_percent(counts: Mapping[str, int]) -> float:
    """Return the share of strings shown translated, in percent: translated (or source) over all."""
    total = sum(counts.values())
    if not total:
        return 100.0
    return 100.0 * (counts.get("translated", 0) + counts.get("source", 0)) / total


# --- defects -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Defect:
    """One mistake in a translation: a code for programs, a message for the translator, and where it is."""

    code: str
    message: str
    #: The msgstr[N] it is in, for plural entries; None for the entry's msgstr (or the whole entry).
    form: int | None = None
    #: Which line of the entry it is reported at: msgstr, msgid or msgctxt (header defects: plural-forms).
    at: str = "msgstr"
    severity: str = "error"


@dataclass(frozen=True)
class Scope:
    """What one language's catalog is checked against: the booklet, its strings, and the catalog's plural rule."""

    lang: str
    shown: Path
    catalog: Catalog
    strings: Catalog
    facts: Mapping[str, object]
    section_ids: frozenset[str]
    #: The catalog's plural rule, or the problem that makes it unusable.
    rule: PluralRule | None
    rule_problem: str | None
    lines: CatalogLines = field(repr=False, default_factory=lambda: CatalogLines(()))

    @classmethod
    def of(cls, booklet: Booklet, lang: str, catalog: Catalog, strings: Catalog, text: str | None = None) -> Scope:
        """Return the scope of a language's catalog; ``text`` is the file's text (read when not given)."""
        path = catalog_path(booklet.root, lang)
        if text is None and path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
        rule, problem = plural_rule(catalog)
        return cls(lang, path.relative_to(booklet.root), catalog, strings, booklet.facts,
                   frozenset(s.id for s in booklet.sections), rule, problem, CatalogLines.of(text or ""))

    @functools.cached_property
    def header(self) -> list[Defect]:
        """Return the defects of the catalog's Plural-Forms header (computed once)."""
        return header_defects(self)

    @functools.cached_property
    def defects(self) -> dict[int, list[Defect]]:
        """Return each entry's defects, by the entry's identity (computed once)."""
        return {id(m): entry_defects(m, self) for m in self.catalog if m.id}

    @functools.cached_property
    def contexts(self) -> dict[str, list[str | None]]:
        """Return the contexts the booklet has for each msgid."""
        found: dict[str, list[str | None]] = {}
        for message in self.strings:
            if message.id:
                found.setdefault(sources(message)[0], []).append(message.context)
        return found

    def kinds(self, message: Message) -> set[str]:
        """Return where a string is used: content, templates, or both (placeholder syntax differs)."""
        used = self.strings.get(sources(message)[0], context=message.context)
        places = {str(path) for path, _line in (used or message).locations}
        kinds = {"templates" if p.startswith("templates") else "content" for p in places}
        return kinds or {"content"}

    def label(self, index: int) -> str:
        """Name a plural form for messages: ``msgstr[1] (2, 3, 4, …)``."""
        numbers = self.rule.numbers(index) if self.rule and not self.rule_problem else ""
        return f"msgstr[{index}] ({numbers})" if numbers else f"msgstr[{index}]"

    def locate(self, message: Message, defect: Defect) -> Problem:
        """Turn an entry's defect into a problem at the defect's line, naming the plural form it is in."""
        text = defect.message if defect.form is None or not is_plural(message) else f"{self.label(defect.form)}: {defect.message}"
        line = self.lines.line(message.lineno, defect.at if defect.form is None else f"msgstr[{defect.form}]")
        return Problem(Location(self.shown, line), text, defect.severity)  # type: ignore[arg-type]


def plural_rule(catalog: Catalog) -> tuple[PluralRule | None, str | None]:
    """Parse a catalog's Plural-Forms; return the rule and, when it cannot be used, why."""
    header = dict(catalog.mime_headers).get("Plural-Forms")
    if not header:
        return None, None
    try:
        rule = parse_plural_forms(header)
        return rule, range_problem(rule)
    except PluralError as error:
        return None, str(error)


def header_defects(scope: Scope) -> list[Defect]:
    """Return the defects of the Plural-Forms header: missing, unparsable, out of range, or not CLDR's rule."""
    if scope.rule is None and scope.rule_problem is None:
        return [Defect("plural-header", f"the header has no Plural-Forms; expected {cldr_plural_forms(scope.lang)!r}", at="header")]
    if scope.rule_problem:
        return [Defect("plural-expression", f"Plural-Forms: {scope.rule_problem}", at="plural-forms")]
    counts = {len(forms(m)) for m in scope.catalog if m.id and is_plural(m) and any(forms(m))}
    assert scope.rule is not None
    verdict = compare_with_cldr(scope.lang, scope.rule)
    if len(counts) == 1 and scope.rule.nplurals not in counts and verdict is not None:
        # Every entry has one count, the header another: the header is wrong, not the entries (one message).
        return [Defect("plural-count", f"Plural-Forms declares nplurals={scope.rule.nplurals}, but every plural entry "
                                       f"has {counts.pop()} forms; use {cldr_plural_forms(scope.lang)}", at="plural-forms")]
    if verdict is None:
        return []
    return [Defect("plural-rule" if verdict[0] == "error" else "plural-count", verdict[1], at="plural-forms", severity=verdict[0])]


def entry_defects(message: Message, scope: Scope) -> list[Defect]:
    """Return what makes one entry's translation unusable; a fuzzy entry's defects are warnings (it is not used)."""
    found = _context_defects(message, scope)
    strings = forms(message)
    if any(strings):
        if is_plural(message) and scope.rule is not None and not scope.rule_problem and len(strings) != scope.rule.nplurals \
                and not any(d.code == "plural-count" for d in scope.header):
            found.append(Defect("plural-forms", f"plural entry has {len(strings)} forms; the Plural-Forms header asks for "
                                                f"{scope.rule.nplurals}", at="msgid"))
        source = sources(message)[-1]
        for index, form in enumerate(strings):
            if form:
                found += [Defect(code, text, index if is_plural(message) else None)
                          for code, text in form_defects(source, form, scope.kinds(message), scope)]
    if message.fuzzy:
        found = [Defect(d.code, d.message, d.form, d.at, "warning") for d in found]
    return found


def form_defects(source: str, form: str, kinds: set[str], scope: Scope) -> list[tuple[str, str]]:
    """Return (code, message) for each defect of one translated form against its source."""
    if form.isspace():
        return [("blank", "the translation is only white space; write it, or leave it empty to show the source text")]
    found = []
    controls = sorted(set(CONTROL.findall(form)))
    if controls:
        names = ", ".join(f"U+{ord(c):04X}" for c in controls)
        found.append(("control", f"the translation contains the control character {names}, which is never shown; remove it"))
    for kind, pattern in (("content", CONTENT_PLACEHOLDER), ("templates", PERCENT_PLACEHOLDER)):
        if kind in kinds:
            expected, found_here = _placeholders(pattern, source), _placeholders(pattern, form)
            detail = difference(expected, found_here)
            if detail:
                hint = " (write %% for a percent sign)" if "%" in found_here else ""
                found.append(("placeholders", f"placeholders differ from the source ({detail}); copy each one unchanged{hint}"))
    tags = difference(HTML_TAG.findall(source), HTML_TAG.findall(form), missing=False)
    if tags:
        advice = "use *emphasis* or **strong** instead" if "content" in kinds else "remove it"
        found.append(("markup-tag", f"HTML is shown as text, not as markup ({tags}); {advice}"))
    if "content" in kinds:
        found += _link_defects(source, form, scope)
    return found


def _placeholders(pattern: re.Pattern[str], text: str) -> list[str]:
    """Return a text's placeholders; ``%%`` (a literal percent sign) is not one."""
    return [token for token in pattern.findall(text) if token != "%%"]


def _link_defects(source: str, form: str, scope: Scope) -> list[tuple[str, str]]:
    """Return unsafe links and links to missing sections, each one; otherwise link targets that differ from the source."""
    problems = inline_problems(form, AnyFacts(), set(scope.section_ids))   # placeholders: the parity check
    if problems:
        return [("link", text) for text in problems]
    targets = lambda text: [mark[6:] for mark in markup_signature(text) if mark.startswith("label:")]
    detail = difference(targets(source), targets(form))
    return [("link-targets", f"link targets differ from the source ({detail}); keep each link's target")] if detail else []


def _context_defects(message: Message, scope: Scope) -> list[Defect]:
    """Report an entry whose msgctxt the booklet does not have for its msgid (its translation is never used)."""
    msgid = sources(message)[0]
    if scope.strings.get(msgid, context=message.context) is not None:
        return []
    contexts = sorted(c or "" for c in scope.contexts.get(msgid, []))
    if not contexts:
        return []
    has = "without msgctxt" if contexts == [""] else "with msgctxt " + ", ".join(f'"{c}"' for c in contexts if c)
    if message.context is None:
        return [Defect("context", f"the booklet has this msgid only {has}: this translation is never used; "
                                  f"add the msgctxt line, or run: python build.py update", at="msgid")]
    return [Defect("context", f'msgctxt "{message.context}" is not in the booklet, which has this msgid {has}: this '
                              f"translation is never used; correct or remove the msgctxt line", at="msgctxt")]


def difference(expected: Iterable[str], found: Iterable[str], missing: bool = True) -> str:
    """Describe how two lists of tokens differ: ``missing {a}; unexpected {b}`` (empty when they match)."""
    expected, found = list(expected), list(found)
    if expected == found:
        return ""
    absent = lacking(expected, found) if missing else []
    extra = lacking(found, expected)
    return "; ".join(filter(None, [f"missing {', '.join(absent)}" if absent else "",
                                   f"unexpected {', '.join(extra)}" if extra else ""]))


def lacking(expected: Iterable[str], found: Iterable[str]) -> list[str]:
    """Return the tokens of ``expected`` that ``found`` does not have (each as often as it lacks it), sorted."""
    return sorted((Counter(expected) - Counter(found)).elements())


def catalog_problems(scope: Scope) -> list[Problem]:
    """Return every defect of one catalog, located: what ``check`` reports and ``build`` refuses (its errors)."""
    problems = [Problem(Location(scope.shown, scope.lines.header(d.at)), d.message, d.severity)  # type: ignore[arg-type]
                for d in scope.header]
    for message in scope.catalog:
        if message.id:
            problems += [scope.locate(message, defect) for defect in scope.defects[id(message)]]
    return problems


def unusable_keys(scope: Scope) -> frozenset[Key]:
    """Return the entries whose translation must not be shown (defects; fuzzy ones included, for drafts)."""
    return frozenset(key(m) for m in scope.catalog if m.id and scope.defects[id(m)])


# --- where entries are in the file ----------------------------------------------------------------


@dataclass(frozen=True)
class CatalogLines:
    """The line of every keyword of every entry of a .po file, for messages at the msgstr they are about."""

    text_lines: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> CatalogLines:
        """Index a catalog's text."""
        return cls(tuple(text.split("\n")))

    def _entry(self, msgid_line: int) -> Iterator[tuple[str, int]]:
        """Yield (keyword, line) for the entry whose msgid is on ``msgid_line``, its msgctxt first."""
        before = msgid_line - 2
        while before >= 0 and self.text_lines[before].lstrip().startswith('"'):
            before -= 1
        if before >= 0 and self.text_lines[before].startswith("msgctxt"):
            yield "msgctxt", before + 1
        yield "msgid", msgid_line
        for number in range(msgid_line, len(self.text_lines)):
            line = self.text_lines[number]
            if line.startswith(("msgstr", "msgid_plural")):
                yield line.split(" ", 1)[0], number + 1
            elif not line.lstrip().startswith('"'):
                return

    def line(self, msgid_line: int | None, keyword: str) -> int | None:
        """Return the line of ``keyword`` (msgstr, msgstr[N], msgid, msgctxt) in the entry at ``msgid_line``."""
        if msgid_line is None or msgid_line > len(self.text_lines):
            return msgid_line
        found = dict(self._entry(msgid_line))
        if keyword == "msgstr" and "msgstr" not in found:
            keyword = "msgstr[0]"
        return found.get(keyword, msgid_line)

    def header(self, at: str) -> int:
        """Return the line of the Plural-Forms header field (line 1 for a header without it)."""
        if at == "plural-forms":
            for number, line in enumerate(self.text_lines, start=1):
                if line.startswith('"Plural-Forms:'):
                    return number
                if number > 1 and line.startswith("msgid") and line != 'msgid ""':
                    break
        return 1


# --- lookup --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Translated:
    """A translated string and how it was obtained: translated, fuzzy, missing, broken or source."""

    text: str
    status: str
    #: The catalog line of the translation used, when one was used.
    line: int | None = None


class Translator:
    """Look up translations in one catalog, falling back to the source text; it never changes."""

    def __init__(self, lang: str, catalog: Catalog | None, root: Path | None = None, use_fuzzy: bool = False,
                 unusable: frozenset[Key] = frozenset()):
        self.lang = lang
        self.catalog = catalog
        self.use_fuzzy = use_fuzzy
        #: Entries with defects (see :func:`unusable_keys`): their source text is shown.
        self.unusable = unusable
        self.shown = catalog_path(root, lang).relative_to(root) if root and catalog else Path(f"{lang}.po")
        rule, problem = plural_rule(catalog) if catalog is not None else (None, None)
        self.rule = None if problem else rule

    def _message(self, msgid: str | tuple[str, str], context: str | None) -> Message | None:
        """Return the catalog entry for a msgid and context, if any."""
        return self.catalog.get(msgid, context=context) if self.catalog is not None else None

    def status(self, msgid: str | tuple[str, str], context: str | None = None) -> str:
        """Return how a string would be shown: translated, fuzzy, missing, broken or source."""
        if self.catalog is None:
            return "source"
        message = self._message(msgid, context)
        state = entry_state(message, self.unusable)
        if state == "fuzzy" and message is not None and key(message) in self.unusable:
            return "broken" if self.use_fuzzy else "fuzzy"
        return state

    def _use(self, status: str) -> bool:
        """Return whether a translation with this status is shown (fuzzy ones only in drafts)."""
        return status == "translated" or (status == "fuzzy" and self.use_fuzzy)

    def _form(self, message: Message, n: int) -> str | None:
        """Return the plural form for ``n`` as the catalog's rule chooses it, or None when the rule gives none."""
        if self.rule is None:
            return None
        try:
            index = self.rule.form(n)
        except PluralError:
            return None
        strings = forms(message)
        return strings[index] if index < len(strings) else None

    def text(self, text: Text) -> Translated:
        """Translate a content Text, keeping the source when no usable translation exists."""
        status = self.status(text.msgid, text.context)
        message = self._message(text.msgid, text.context)
        if self._use(status) and message is not None:
            return Translated(forms(message)[0], status, message.lineno)
        return Translated(text.msgid, status)

    def plural(self, plural: Plural, n: int) -> Translated:
        """Translate a content Plural for the count ``n`` with the catalog's plural rule."""
        status = self.status(msgid_of(plural), plural.context)
        message = self._message(msgid_of(plural), plural.context)
        if self._use(status) and message is not None:
            chosen = self._form(message, n)
            if chosen is not None:
                return Translated(chosen, status, message.lineno)
            status = "broken"   # the rule gives no form for n (beyond the numbers check evaluates)
        return Translated(plural.one if n == 1 else plural.other, status)

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
        shown = forms(message)[0] if message is not None and self._use(self.status(msgid, context)) else msgid
        return str(escape(shown))

    def npgettext(self, context: str | None, singular: str, plural: str, n: int) -> str:
        """Translate a template string with a plural, in a context."""
        message = self._message((singular, plural), context)
        chosen = self._form(message, n) if message is not None and self._use(self.status((singular, plural), context)) else None
        return str(escape(chosen if chosen is not None else singular if n == 1 else plural))
