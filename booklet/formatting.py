"""Numbers, facts and dates as each language writes them: its locale's conventions and its digits.

A language is formatted with a CLDR locale (``en`` may be built with ``en_GB``'s
conventions) and a numbering system (CLDR's default for that locale: Persian
``arabext`` ۰–۹, Latin for most; a booklet can choose another per language).
Babel formats with Latin digits only (its ``numbering_system`` changes the symbols,
not the digits, and dates have no such parameter), so the digits are put in here.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_interval, format_skeleton, parse_pattern
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit

from . import model


def _run(zero: int) -> str:
    """Return the ten digits that start at code point ``zero``."""
    return "".join(chr(zero + i) for i in range(10))


#: CLDR numbering systems with ten consecutive decimal digits (name → digits 0–9).
NUMBERING_SYSTEMS: dict[str, str] = {
    "latn": "0123456789", "arab": _run(0x0660), "arabext": _run(0x06F0), "beng": _run(0x09E6),
    "deva": _run(0x0966), "gujr": _run(0x0AE6), "guru": _run(0x0A66), "khmr": _run(0x17E0),
    "knda": _run(0x0CE6), "laoo": _run(0x0ED0), "mlym": _run(0x0D66), "mymr": _run(0x1040),
    "orya": _run(0x0B66), "tamldec": _run(0x0BE6), "telu": _run(0x0C66), "thai": _run(0x0E50),
    "tibt": _run(0x0F20),
}


def numbering_choices() -> tuple[str, ...]:
    """Return the values the ``numbering`` setting accepts: default, native, or a system name."""
    return ("default", "native", *NUMBERING_SYSTEMS)


@lru_cache(maxsize=None)
def _locale(code: str) -> Locale:
    """Return the Babel locale of a canonical code."""
    return Locale.parse(code, sep="_")


def resolve_numbering(locale: str, setting: str | None) -> str:
    """Return the numbering system for a locale: CLDR's default, its native one, or the one named."""
    data = _locale(locale)
    if setting in (None, "default"):
        name = data.default_numbering_system
    elif setting == "native":
        name = data.other_numbering_systems.get("native", data.default_numbering_system)
    else:
        name = setting
    return name if name in NUMBERING_SYSTEMS else "latn"


@dataclass(frozen=True)
class Formatter:
    """Formats numbers, facts and dates for one language."""

    #: CLDR locale whose conventions apply, e.g. ``en_GB`` for a booklet's ``en``.
    locale: str
    #: CLDR numbering system, e.g. ``arabext``.
    numbering: str = "latn"

    @property
    def digits(self) -> str:
        """Return the ten digits of the numbering system."""
        return NUMBERING_SYSTEMS[self.numbering]

    def figures(self, text: str) -> str:
        """Write the Latin digits of ``text`` in the numbering system's digits."""
        return text.translate(str.maketrans("0123456789", self.digits))

    def _symbols(self) -> str:
        """Return the numbering system whose symbols (separators, percent sign) Babel should use."""
        return self.numbering if self.numbering in _locale(self.locale).number_symbols else "latn"

    def number(self, value: int | float) -> str:
        """Format a quantity: 12,480 / 12 480 / ۱۲٬۴۸۰."""
        return self.figures(format_decimal(value, locale=self.locale, numbering_system=self._symbols()))

    def percent(self, value: int | float) -> str:
        """Format a percentage given in percent (45 → 45 % / ۴۵٪)."""
        text = format_percent(Decimal(str(value)) / 100, locale=self.locale, numbering_system=self._symbols(),
                              decimal_quantization=False)
        sign = _locale(self.locale).number_symbols[self._symbols()].get("percentSign", "%")
        return self.figures(text.replace("%", sign))

    def unit(self, value: int | float, unit: str, pattern: str | None = None) -> str:
        """Format a measurement in the locale's short unit pattern: 245 kB, 1,2 МБ, ۴۶۲ kB."""
        return self.figures(format_unit(value, unit, "short", format=pattern, locale=self.locale, numbering_system=self._symbols()))

    def year(self, value: int) -> str:
        """Format a year: digits only, never grouped (1976, ۱۹۷۶)."""
        return self.figures(str(value))

    def fact(self, value: int | float, kind: str = "number") -> str:
        """Format a fact by its kind: number, year or percent."""
        if kind == "year":
            return self.year(int(value))
        if kind == "percent":
            return self.percent(value)
        return self.number(value)

    def date(self, value: model.Date | dt.date) -> str:
        """Format a date at its precision: 1992, October 1991, 25 February 1992."""
        if isinstance(value, dt.date):
            return self.figures(format_date(value, "long", locale=self.locale))
        if value.month is None:
            return self.figures(format_skeleton("y", value.first_day(), locale=self.locale))
        if value.day is None:
            return self.figures(format_skeleton("yMMMM", value.first_day(), locale=self.locale))
        return self.figures(format_date(value.first_day(), "long", locale=self.locale))

    def date_range(self, start: model.Date, end: model.Date) -> str:
        """Format a range in one style: both ends at their own precision, long month names."""
        skeleton = {"year": "y", "month": "yMMMM", "day": "yMMMMd"}
        if start.precision == end.precision:
            shared = _long_month_interval(self.locale, start.first_day(), end.first_day(), skeleton[start.precision])
            if shared:
                return self.figures(shared)
        fallback = _locale(self.locale).interval_formats.get(None, "{0} – {1}")
        return fallback.replace("{0}", self.date(start)).replace("{1}", self.date(end))


def _long_month_interval(locale: str, start: dt.date, end: dt.date, skeleton: str) -> str | None:
    """Format an interval with CLDR's pattern for ``skeleton``, widening abbreviated months as ICU does.

    Most CLDR locales have interval patterns for ``yMMMd`` but not ``yMMMMd``; ICU then
    takes the ``yMMMd`` pattern and widens its month field ("27–28 February 1992"). Babel
    does not, so this does. None when the locale has neither.
    """
    formats = _locale(locale).interval_formats
    if skeleton in formats:
        return format_interval(start, end, skeleton, locale=locale)
    short = skeleton.replace("MMMM", "MMM")
    if short not in formats or start == end:
        return None
    field = next((f for f in ("y", "M", "d") if f in formats[short] and _differs(start, end, f)), None)
    if field is None:
        return None
    widened = [re.sub(r"(?<![ML])([ML])\1\1(?![ML])", r"\1\1\1\1", pattern) for pattern in formats[short][field]]
    return "".join(parse_pattern(pattern).apply(day, locale) for pattern, day in zip(widened, (start, end)))


def _differs(start: dt.date, end: dt.date, field: str) -> bool:
    """Return whether two dates differ in a field (``y`` year, ``M`` month, ``d`` day) or a larger one."""
    depth = "yMd".index(field) + 1
    return (start.year, start.month, start.day)[:depth] != (end.year, end.month, end.day)[:depth]


def counter_style_css(digits: str, name: str = "booklet-digits") -> str:
    """Return a CSS @counter-style that writes page numbers (``counter(page, booklet-digits)``) in ``digits``."""
    symbols = " ".join(f'"{digit}"' for digit in digits)
    return f"@counter-style {name} {{ system: numeric; symbols: {symbols}; }}"


def formatter_for(lang: str, settings: model.LanguageSettings | None = None) -> Formatter:
    """Return the formatter of a language with its booklet settings (locale, numbering)."""
    locale = (settings.locale if settings and settings.locale else None) or lang
    return Formatter(locale, resolve_numbering(locale, settings.numbering if settings else None))
