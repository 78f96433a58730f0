"""Language codes and CLDR locale facts (direction, names) through Babel."""
from __future__ import annotations

import re
from functools import lru_cache

from babel import Locale, UnknownLocaleError

_CODE = re.compile(r"^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})*$")


@lru_cache(maxsize=None)
def parse_language(code: str) -> str | None:
    """Return the canonical CLDR form of a BCP 47 or CLDR code (``pt-BR`` → ``pt_BR``), or None."""
    if not _CODE.match(code):
        return None
    try:
        return str(Locale.parse(code.replace("-", "_"), sep="_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def bcp47(lang: str) -> str:
    """Return the BCP 47 tag for a canonical code (``pt_BR`` → ``pt-BR``), for lang attributes and file names."""
    return lang.replace("_", "-")


def locale(lang: str) -> Locale:
    """Return the Babel locale of a canonical code."""
    return Locale.parse(lang, sep="_")


def direction(lang: str) -> str:
    """Return ``rtl`` or ``ltr`` from CLDR's character order for the language."""
    return locale(lang).text_direction


def native_name(lang: str) -> str:
    """Return the language's name in that language (``Azərbaycan``, ``العربية``)."""
    name = locale(lang).get_display_name(lang) or lang
    return name[:1].upper() + name[1:] if direction(lang) == "ltr" else name
