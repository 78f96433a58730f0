"""Hyphenation for the PDFs: the German patterns WeasyPrint uses, and words that are never hyphenated.

Pyphen's German dictionaries (LibreOffice's two-level patterns) give wrong breaks
when read as one level, as Pyphen reads them: «gesch-ah», «daue-rhaften»,
«Zeuge-naussagen». The builder ships the TeX hyph-utf8 patterns for the reformed
orthography (``templates/hyphenation/hyph_de_1996.dic``, MIT licence) and points
Pyphen's ``de`` dictionaries at them while a document is typeset
(:func:`german_patterns`), then puts Pyphen's table back.

Web and e-mail addresses and hashtags written in running text are wrapped in
``<span class="nohyphen">`` (:func:`protect_unbreakable_words`), which print.css
sets with ``hyphens: manual``.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyphen

GERMAN_PATTERNS = Path(__file__).parent.parent / "templates" / "hyphenation" / "hyph_de_1996.dic"
GERMAN_KEYS = ("de", "de_DE", "de_AT", "de_CH")
#: An address (scheme or www.), an e-mail address, or a hashtag, in text.
UNBREAKABLE = re.compile(r"(?:https?://|www\.)[^\s<>&]+[^\s<>&.,;:!?)»”]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w&])#\w+")
_SKIPPED = ("style", "script", "title", "head")


@contextmanager
def german_patterns() -> Iterator[None]:
    """Point Pyphen's German dictionaries at the shipped patterns for the duration of a typesetting."""
    saved = {key: pyphen.LANGUAGES.get(key) for key in GERMAN_KEYS}
    try:
        for key in GERMAN_KEYS:
            pyphen.LANGUAGES[key] = GERMAN_PATTERNS
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                pyphen.LANGUAGES.pop(key, None)
            else:
                pyphen.LANGUAGES[key] = value


def protect_unbreakable_words(html: str) -> str:
    """Wrap addresses, e-mail addresses and hashtags of the document's text in ``<span class="nohyphen">``."""
    parts = re.split(r"(<[^>]+>)", html)
    skipping = 0
    for index, part in enumerate(parts):
        if part.startswith("<"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", part)
            if name and name.group(1).lower() in _SKIPPED:
                skipping += -1 if part.startswith("</") else (0 if part.endswith("/>") else 1)
            continue
        if not skipping and part:
            parts[index] = UNBREAKABLE.sub(lambda m: f'<span class="nohyphen">{m.group(0)}</span>', part)
    return "".join(parts)
