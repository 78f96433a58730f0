"""Balanced cover titles: WeasyPrint has no ``text-wrap: balance``, so the builder breaks the lines itself.

The title's words are shaped with HarfBuzz in the cover font (the title's weight)
and measured. When the title needs more than
one line, the breaks that make the longest line shortest are chosen and written as
``<br>`` into the cover's ``<h1 class="cover-title">``: «Ходжалы, / 26 февраля 1992 года»
rather than «Ходжалы, 26 февраля / 1992 года» (:func:`line_breaks`).
"""
from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from functools import lru_cache
from html import unescape as html_unescape
from pathlib import Path

import uharfbuzz as hb

from ..fonts import describe, fonts_for
from ..model import FontSpec

#: The cover title's size and side insets: what templates/style/print.css sets on .cover-title.
COVER_TITLE_PT = 26
COVER_TITLE_INSET_MM = 14
PT_PER_MM = 72 / 25.4
TITLE = re.compile(r'(<h1 class="cover-title">)([^<]*)(</h1>)')


@lru_cache(maxsize=16)
def _font(path: Path) -> hb.Font:
    """Return a HarfBuzz font for a file."""
    return hb.Font(hb.Face(hb.Blob.from_file_path(str(path))))


def text_width(path: Path, text: str, size_pt: float, lang: str) -> float:
    """Return the shaped width of ``text`` in points (HarfBuzz: kerning, ligatures, Arabic forms)."""
    font = _font(path)
    buffer = hb.Buffer()
    buffer.add_str(text)
    buffer.guess_segment_properties()
    buffer.language = lang.replace("_", "-")
    hb.shape(font, buffer)
    return sum(position.x_advance for position in buffer.glyph_positions) * size_pt / font.face.upem


def _bold_file(fonts: Sequence[FontSpec], lang: str) -> Path | None:
    """Return the language's first font file closest to bold (the title's weight)."""
    for spec in fonts_for(fonts, lang):
        faces = [describe(path) for path in spec.files]
        upright = [face for face in faces if face.style == "normal"] or faces
        if upright:
            return min(upright, key=lambda face: abs((face.weight or 400) - 700)).path
    return None


def line_breaks(words: Sequence[str], widths: Sequence[float], space: float, available: float) -> tuple[int, ...]:
    """Return the word indices at which to break the title's lines (none if it fits on one).

    Never after a number (a day stays with its month: «26 февраля»). Among the breaks
    whose lines all fit, the ones after punctuation («Ходжалы, / …») are preferred;
    then the longest line is made as short as possible.
    """
    total = sum(widths) + space * (len(widths) - 1)
    if total <= available or len(widths) < 2:
        return ()
    allowed = [i for i in range(1, len(words)) if not re.fullmatch(r"[\d.,]+", words[i - 1])] or list(range(1, len(words)))
    lines = min(math.ceil(total / available), len(allowed) + 1)
    candidates = []
    for cuts in itertools.combinations(allowed, lines - 1):
        bounds = (0, *cuts, len(widths))
        longest = max(sum(widths[a:b]) + space * (b - a - 1) for a, b in itertools.pairwise(bounds))
        at_punctuation = all(re.search(r"[,:;\u2013\u2014]$", words[cut - 1]) for cut in cuts)
        candidates.append((longest > available, not at_punctuation, longest, cuts))
    return min(candidates)[3] if candidates else ()


def balance_cover_title(html: str, fonts: Sequence[FontSpec], lang: str, page_width_mm: float) -> str:
    """Write balanced line breaks into the cover title of the document (titles with inline markup are left alone)."""
    match = TITLE.search(html)
    path = _bold_file(fonts, lang)
    if not match or path is None:
        return html
    words = match.group(2).strip().split(" ")
    widths = [text_width(path, html_unescape(word), COVER_TITLE_PT, lang) for word in words]
    space = text_width(path, " ", COVER_TITLE_PT, lang)
    cuts = line_breaks(words, widths, space, (page_width_mm - 2 * COVER_TITLE_INSET_MM) * PT_PER_MM)
    if not cuts:
        return html
    lines = [" ".join(words[a:b]) for a, b in itertools.pairwise((0, *cuts, len(words)))]
    return html[:match.start(2)] + "<br/>".join(lines) + html[match.end(2):]
