"""Plural rules: the ``Plural-Forms`` header parsed safely, evaluated, and compared with CLDR.

A catalog's ``plural=`` expression is untrusted text in the C subset GNU gettext
accepts (``?:``, ``||``, ``&&``, comparisons, ``+ - * / %``, ``!``, ``n``, decimal
numbers, parentheses). It is parsed here by a small recursive-descent parser into
nested closures and evaluated with C's unsigned arithmetic; nothing is ``eval``-ed.

The reference is CLDR, through Babel: the formula ``init`` writes
(:func:`babel.messages.plurals.get_plural`), and the numbering of only the forms whole
numbers take, which is what GNU gettext and Weblate write for French, Spanish,
Italian and Portuguese (two forms: CLDR's extra "many" form is only for millions).
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

from babel.localedata import locale_identifiers
from babel.messages.plurals import get_plural

#: The numbers every rule is evaluated on.
SAMPLE = range(1001)
_UNSIGNED = 2**64
_TOKEN = re.compile(r"\s*(?:(?P<number>\d+)|(?P<op>\|\||&&|==|!=|<=|>=|[-+*/%<>!?:()n]))")
#: Binary operators by precedence level, lowest first (gettext's plural.y).
_LEVELS: tuple[dict[str, Callable[[int, int], int]], ...] = (
    {"||": lambda a, b: int(bool(a) or bool(b))},   # both evaluated lazily by _combine, as in C
    {"&&": lambda a, b: int(bool(a) and bool(b))},
    {"==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b)},
    {"<": lambda a, b: int(a < b), ">": lambda a, b: int(a > b), "<=": lambda a, b: int(a <= b), ">=": lambda a, b: int(a >= b)},
    {"+": lambda a, b: (a + b) % _UNSIGNED, "-": lambda a, b: (a - b) % _UNSIGNED},
    {"*": lambda a, b: (a * b) % _UNSIGNED, "/": lambda a, b: a // _nonzero(b), "%": lambda a, b: a % _nonzero(b)},
)

Expression = Callable[[int], int]


class PluralError(ValueError):
    """A Plural-Forms header or plural expression that cannot be used."""


class _DivisionByZero(ArithmeticError):
    """The expression divided by zero for some n."""


def _nonzero(value: int) -> int:
    """Return ``value``, or raise when a division would be by zero."""
    if value == 0:
        raise _DivisionByZero
    return value


@dataclass(frozen=True)
class PluralRule:
    """A parsed ``nplurals=N; plural=EXPR;``."""

    nplurals: int
    expression: str
    evaluate: Expression

    def form(self, n: int) -> int:
        """Return the msgstr index for ``n``; raise PluralError when the expression cannot give one."""
        try:
            return self.evaluate(n)
        except _DivisionByZero:
            raise PluralError(f"the plural expression divides by zero for n = {n}") from None

    @functools.cached_property
    def table(self) -> tuple[int | None, ...]:
        """Return the form of every number of :data:`SAMPLE` (None where the expression divides by zero), once."""
        found: list[int | None] = []
        for n in SAMPLE:
            try:
                found.append(self.evaluate(n))
            except _DivisionByZero:
                found.append(None)
        return tuple(found)

    def forms(self) -> list[int]:
        """Return the form of every number of :data:`SAMPLE`; raise PluralError if one cannot be computed."""
        if None in self.table:
            self.form(self.table.index(None))
        return [index for index in self.table if index is not None]

    def numbers(self, index: int, limit: int = 3) -> str:
        """Return the first numbers that take form ``index``, for messages: ``2, 3, 4, …``."""
        found = [n for n in SAMPLE if self.table[n] == index]
        shown = ", ".join(str(n) for n in found[:limit])
        return shown + (", …" if len(found) > limit else "")


@functools.lru_cache(maxsize=128)
def parse_plural_forms(header: str) -> PluralRule:
    """Parse a Plural-Forms value; raise PluralError saying what is wrong.

    Remembered per header text: a rule is immutable, and its table of forms for 0…1000
    is then computed once however many catalogs and checks share it.
    """
    match = re.fullmatch(r"\s*nplurals\s*=\s*(\S*?)\s*;\s*plural\s*=\s*(.*?)\s*;?\s*", header)
    if match is None:
        raise PluralError("the header must read nplurals=N; plural=EXPRESSION;")
    if not match.group(1).isdigit() or not 1 <= int(match.group(1)) <= 10:
        raise PluralError(f"nplurals={match.group(1)} is not a number of forms from 1 to 10")
    return PluralRule(int(match.group(1)), match.group(2), parse_expression(match.group(2)))


def parse_expression(text: str) -> Expression:
    """Parse a gettext plural expression into a function of n; raise PluralError on a syntax error."""
    tokens = _tokenize(text)
    parser = _Parser(tokens, text)
    try:
        expression = parser.conditional()
    except RecursionError:                             # thousands of nested parentheses, ! or ?: in a hostile catalog
        raise PluralError("the plural expression is nested too deeply") from None
    if parser.position < len(tokens):
        raise PluralError(f"unexpected {tokens[parser.position][0]!r} at character {tokens[parser.position][1] + 1}"
                          f" of the plural expression")
    return expression


def _tokenize(text: str) -> list[tuple[str, int]]:
    """Split an expression into (token, offset) pairs."""
    tokens, position = [], 0
    while text[position:].strip():
        match = _TOKEN.match(text, position)
        if match is None:
            offset = len(text) - len(text[position:].lstrip())
            raise PluralError(f"unknown character {text[offset]!r} at character {offset + 1} of the plural expression")
        token = match.group("number") or match.group("op")
        tokens.append((token, match.start("number") if match.group("number") else match.start("op")))
        position = match.end()
    return tokens


class _Parser:
    """Recursive descent over gettext's grammar: conditional, then one level per operator group."""

    def __init__(self, tokens: list[tuple[str, int]], text: str):
        self.tokens, self.text, self.position = tokens, text, 0

    def _peek(self) -> str | None:
        """Return the next token, if any."""
        return self.tokens[self.position][0] if self.position < len(self.tokens) else None

    def _expect(self, token: str) -> None:
        """Consume ``token`` or fail saying what was found instead."""
        if self._peek() != token:
            found = "the end" if self._peek() is None else f"{self._peek()!r} at character {self.tokens[self.position][1] + 1}"
            raise PluralError(f"{token!r} expected, found {found} of the plural expression")
        self.position += 1

    def conditional(self) -> Expression:
        """Parse ``a ? b : c`` (right associative) or a lower-level expression."""
        condition = self.binary(0)
        if self._peek() != "?":
            return condition
        self.position += 1
        then = self.conditional()
        self._expect(":")
        otherwise = self.conditional()
        return lambda n: then(n) if condition(n) else otherwise(n)

    def binary(self, level: int) -> Expression:
        """Parse a left-associative chain of the operators of ``level``."""
        if level == len(_LEVELS):
            return self.unary()
        left = self.binary(level + 1)
        while self._peek() in _LEVELS[level]:
            symbol = self._peek() or ""
            self.position += 1
            left = _combine(symbol, _LEVELS[level][symbol], left, self.binary(level + 1))
        return left

    def unary(self) -> Expression:
        """Parse ``!x``, ``n``, a number or a parenthesised expression."""
        token = self._peek()
        if token is None:
            raise PluralError("the plural expression ends too early")
        self.position += 1
        if token == "!":
            inner = self.unary()
            return lambda n: int(not inner(n))
        if token == "n":
            return lambda n: n
        if token.isdigit():
            value = int(token) % _UNSIGNED
            return lambda n: value
        if token == "(":
            inner = self.conditional()
            self._expect(")")
            return inner
        raise PluralError(f"unexpected {token!r} at character {self.tokens[self.position - 1][1] + 1} of the plural expression")


def _combine(symbol: str, operator: Callable[[int, int], int], left: Expression, right: Expression) -> Expression:
    """Return the expression ``left symbol right``; ``&&`` and ``||`` evaluate their right side only when C would."""
    if symbol == "&&":
        return lambda n: int(bool(left(n)) and bool(right(n)))
    if symbol == "||":
        return lambda n: int(bool(left(n)) or bool(right(n)))
    return lambda n: operator(left(n), right(n))


def range_problem(rule: PluralRule) -> str | None:
    """Describe the first number whose form does not exist or cannot be computed, if any."""
    for n in SAMPLE:
        index = rule.table[n]
        if index is None:
            rule.form(n)   # raises, naming n
        if index is not None and index >= rule.nplurals:
            last = f"msgstr[0] to msgstr[{rule.nplurals - 1}]" if rule.nplurals > 1 else "only msgstr[0]"
            return f"the plural expression gives msgstr[{index}] for n = {n}, but nplurals={rule.nplurals} means {last}"
    return None


@dataclass(frozen=True)
class Reference:
    """A numbering of a language's plural forms that a catalog may use, computed from CLDR."""

    nplurals: int
    forms: tuple[int, ...]   # the form of each number of SAMPLE


def references(lang: str) -> list[Reference]:
    """Return the numberings accepted for ``lang``: Babel's CLDR formula, and the same with only the forms whole
    numbers up to 1000 take (renumbered in order: CLDR's "many" of fr/es/it/pt is for millions); for a language
    without a region, its regions' rules too (GNU gettext writes Portugal's rule for ``pt``)."""
    found: list[Reference] = []
    for variant in [lang, *(sorted(i for i in locale_identifiers() if i.startswith(lang + "_")) if "_" not in lang else [])]:
        found += [r for r in dict.fromkeys(_numberings(get_plural(variant).plural_forms)) if r not in found]
    return found


@functools.lru_cache(maxsize=None)
def _numberings(plural_forms: str) -> tuple[Reference, ...]:
    """Return the numbering of a CLDR formula and the one with only the forms whole numbers take (each formula once)."""
    babel_rule = parse_plural_forms(plural_forms)
    forms = babel_rule.forms()
    taken = sorted(set(forms))
    return Reference(babel_rule.nplurals, tuple(forms)), Reference(len(taken), tuple(taken.index(index) for index in forms))


def _spelling(expression: str) -> str:
    """Return an expression without spaces and enclosing parentheses, to recognise a formula written alike."""
    text = re.sub(r"\s+", "", expression)
    while text.startswith("(") and text.endswith(")"):
        try:
            parse_expression(text[1:-1])
        except PluralError:
            break
        text = text[1:-1]
    return text


def cldr_plural_forms(lang: str) -> str:
    """Return the Plural-Forms value ``init`` writes for ``lang`` (CLDR's rule, through Babel)."""
    return get_plural(lang).plural_forms


def compare_with_cldr(lang: str, rule: PluralRule) -> tuple[str, str] | None:
    """Return (severity, message) when ``rule`` is not one of the accepted numberings of ``lang``, else None.

    A rule with as many forms as an accepted numbering must give every number the same
    form (an error: readers would see the wrong form); a rule with another number of
    forms is a warning, since a consistent catalog still works.
    """
    if (rule.nplurals, _spelling(rule.expression)) == (get_plural(lang).num_plurals, _spelling(get_plural(lang).plural_expr)):
        return None   # the formula init writes, as it writes it: nothing to evaluate
    accepted = references(lang)
    same_count = [r for r in accepted if r.nplurals == rule.nplurals]
    expected = cldr_plural_forms(lang)
    if not same_count:
        counts = " or ".join(dict.fromkeys(str(r.nplurals) for r in accepted))
        return ("warning", f"Plural-Forms declares {rule.nplurals} form{'s' if rule.nplurals > 1 else ''}; {lang} has {counts} "
                           f"in CLDR ({expected})")
    forms = rule.forms()
    if any(all(forms[n] == reference.forms[n] for n in SAMPLE) for reference in same_count):
        return None
    reference = same_count[0]
    wrong = [n for n in SAMPLE if forms[n] != reference.forms[n]]
    first = wrong[0]
    return ("error", f"Plural-Forms gives a different form than CLDR's rule for {lang} for {len(wrong)} of the numbers "
                     f"0–{SAMPLE[-1]} (for {first}: msgstr[{forms[first]}], CLDR: msgstr[{reference.forms[first]}]); "
                     f"use {expected} and order the forms to match")
