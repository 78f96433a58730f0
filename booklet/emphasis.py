"""Emphasis that shows in every script: the substitute a language uses when italic is not its way, or its font has none.

WeasyPrint never fakes a slant or a weight, while browsers and e-readers do; so a
``*word*`` in a font without italic is invisible in the PDF and slanted on screen.
Each script has a declared way to emphasise (:data:`SCRIPT_EMPHASIS`); when the
language's own font lacks the face that way needs, the next one in
:data:`FALLBACK` is taken, down to a dotted underline that any font can show. The
same rules go into the PDF, EPUB and web stylesheets, so all three look alike.
"""
from __future__ import annotations

from collections.abc import Sequence

from babel.core import get_global

from .fonts import describe, fonts_for
from .model import FontSpec

#: How each script emphasises by default. Scripts not listed use italic (Latin, Cyrillic, Greek…).
#: Arabic, Hebrew and the Brahmic scripts have no italic tradition: bold. CJK emphasis dots
#: (``text-emphasis``) are not in WeasyPrint, so CJK takes bold too, or the underline without a bold face.
SCRIPT_EMPHASIS = {script: "bold" for script in (
    "Arab", "Hebr", "Syrc", "Thaa", "Deva", "Beng", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Sinh",
    "Thai", "Laoo", "Khmr", "Mymr", "Tibt", "Ethi", "Jpan", "Hans", "Hant", "Kore", "Hani")}
#: What replaces a way of emphasis whose face the font lacks.
FALLBACK = {"italic": "bold", "bold": "underline"}
#: The CSS of each substitute (italic is the default stylesheet's own rule). Slanted quotes and titles are set
#: upright too, so that no reading system fakes a slant the PDF cannot show.
CSS = {
    "bold": "em { font-style: normal; font-weight: 700; }\n",
    "underline": ("em { font-style: normal; text-decoration: underline dotted; text-decoration-thickness: 0.08em; }\n"
                  "strong { font-weight: inherit; text-decoration: underline; text-decoration-thickness: 0.08em; }\n"
                  # No bold face: browsers would smear one onto headings that the PDF sets in the one weight.
                  "html { font-synthesis: none; }\n"),
}
#: Prefixed with ``html`` to outweigh the format stylesheets' italic cover and back-cover lines, which come after it
#: (a booklet's own ``templates/style/*.css`` still overrides a substitute by coming later).
UPRIGHT = ("figure.quote blockquote, cite, .source-title, section.cover p, html .back-cover-line,\n"
           "html section.cover p:not(.cover-subtitle):not(.cover-publisher) { font-style: normal; }\n")


def script_of(lang: str) -> str:
    """Return the ISO 15924 script a language is usually written in (CLDR likely subtags), e.g. ``Deva`` for hi."""
    likely = get_global("likely_subtags")
    for code in (lang, lang.split("_")[0]):
        for part in likely.get(code, code).split("_")[1:]:
            if len(part) == 4 and part.istitle():
                return part
    return "Latn"


def emphasis_for(lang: str, fonts: Sequence[FontSpec]) -> str:
    """Return how a language emphasises with its fonts: ``italic``, ``bold`` or ``underline``."""
    own = fonts_for(fonts, lang)[:1]
    faces = [describe(path) for spec in own for path in spec.files]
    available = {"italic": any(f.style == "italic" for f in faces),
                 "bold": any(f.weight is None or f.weight >= 600 for f in faces), "underline": True}
    way = SCRIPT_EMPHASIS.get(script_of(lang), "italic")
    while not available[way]:
        way = FALLBACK[way]
    return way


def emphasis_css(lang: str, fonts: Sequence[FontSpec]) -> str:
    """Return the CSS that gives a language its emphasis substitute (empty when italic serves)."""
    way = emphasis_for(lang, fonts)
    return "" if way == "italic" else CSS[way] + UPRIGHT
