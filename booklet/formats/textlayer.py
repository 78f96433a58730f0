"""A right text layer: each glyph's ToUnicode entry read from the font, not from the first cluster it was seen in.

WeasyPrint 70 maps a glyph to the characters of the first cluster it drew it in
(``weasyprint/draw/text.py``). When a cluster has several glyphs (a letter and its
mark, a conjunct in Devanagari) or when one glyph serves several clusters, that
string is wrong everywhere else: Arabic «الكتيّب» extracts as «اللكتيّب». A glyph's
meaning is in the font itself: its ``cmap`` names the nominal glyph of each
character, and the ``GSUB`` table says which glyphs the shaper substitutes for
them (initial and final forms, ligatures, conjuncts). ``fix_text_layer`` runs in
WeasyPrint's finisher, after the font dictionaries are built, and rewrites each
ToUnicode stream from that closure; glyphs the closure cannot reach keep
WeasyPrint's mapping.

A glyph map still cannot be right where one glyph serves several clusters: Thai
«ำ» is drawn as the glyphs of «ํ» and «า», Devanagari «ो» as the glyph of «ा» and
a mark, a pre-base «ि» is drawn before its consonant. There the PDF's own answer is
``/ActualText`` (PDF 32000-1 §14.9.4): ``add_actual_text`` reads each text box's
marked-content sequence (WeasyPrint draws every text box as ``/Span <</MCID n>>
BDC … EMC``), decodes its glyphs through the corrected maps, and where they do not
spell the box's text it adds the text as ``/ActualText`` to that sequence's
property list. Tools that honour it (poppler, Acrobat, screen readers reading the
content) then get the typeset letters; the glyph map stays for the rest.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections import Counter

import pydyf
from fontTools.ttLib import TTFont
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.text.fonts import get_hb_object_data

#: Characters that only stretch a joining line (Arabic tatweel, N'Ko lajanyalan): never a glyph's own reading.
STRETCHING = {"\u0640", "\u07fa"}
#: GSUB lookups wrapped in an extension lookup (type 7) carry their real type inside.
EXTENSION = 7


@functools.lru_cache(maxsize=8)   # a worker typesets several languages in the same fonts: read each font once
def glyph_texts(font_bytes: bytes, index: int = 0) -> dict[int, list[str]]:
    """Return the texts each glyph of the font can stand for: nominal glyphs from cmap, the rest through GSUB (do not modify)."""
    font = TTFont(io.BytesIO(font_bytes), fontNumber=index, lazy=True)
    gid = {name: number for number, name in enumerate(font.getGlyphOrder())}
    texts: dict[str, list[str]] = {}
    for codepoint, name in sorted(font.getBestCmap().items()):
        if not is_presentation_form(codepoint):
            texts.setdefault(name, []).append(chr(codepoint))
    if "GSUB" in font and font["GSUB"].table.LookupList:
        subtables = [table for lookup in font["GSUB"].table.LookupList.Lookup for table in _real_subtables(lookup)]
        while _propagate(subtables, texts):
            pass
    return {gid[name]: candidates for name, candidates in texts.items() if name in gid}


@functools.lru_cache(maxsize=8)
def nominal_texts(font_bytes: bytes, index: int = 0) -> dict[int, str]:
    """Return the character each nominal glyph of the font stands for (its first in cmap, presentation forms left out)."""
    font = TTFont(io.BytesIO(font_bytes), fontNumber=index, lazy=True)
    gid = {name: number for number, name in enumerate(font.getGlyphOrder())}
    found: dict[int, str] = {}
    for codepoint, name in sorted(font.getBestCmap().items()):
        if not is_presentation_form(codepoint) and name in gid:
            found.setdefault(gid[name], chr(codepoint))
    return found


def is_presentation_form(codepoint: int) -> bool:
    """Tell whether a code point is a compatibility presentation form, which shaped text never means."""
    return 0xFB00 <= codepoint <= 0xFDFF or 0xFE70 <= codepoint <= 0xFEFF


def _real_subtables(lookup) -> list:
    """Return a lookup's subtables with extension wrappers removed."""
    return [table.ExtSubTable if lookup.LookupType == EXTENSION else table for table in lookup.SubTable]


def _propagate(subtables: list, texts: dict[str, list[str]]) -> bool:
    """Give substituted glyphs the texts of the glyphs they replace; return whether anything was learnt."""
    learnt = False
    for table in subtables:
        for output, text in list(_substitutions(table, texts)):
            candidates = texts.setdefault(output, [])
            if text not in candidates and (text or kind_is_multiple(table)):
                candidates.append(text)
                learnt = True
    return learnt


def kind_is_multiple(table) -> bool:
    """Tell whether a subtable is a multiple substitution, whose extra glyphs (kashidas, marks) stand for no text."""
    return getattr(table, "LookupType", None) == 2


def _substitutions(table, texts: dict[str, list[str]]):
    """Yield (output glyph, text) for each substitution of a GSUB subtable whose inputs have a known text."""
    kind = getattr(table, "LookupType", None)
    if kind == 1:
        for source, target in table.mapping.items():
            yield from ((target, text) for text in texts.get(source, ()))
    elif kind == 2:
        for source, targets in table.mapping.items():
            if targets and source in texts:
                yield from ((targets[0], text) for text in texts[source])
                yield from ((extra, "") for extra in targets[1:])
    elif kind == 3:
        for source, alternates in table.alternates.items():
            yield from ((alternate, text) for alternate in alternates for text in texts.get(source, ()))
    elif kind == 4:
        for first, ligatures in table.ligatures.items():
            for ligature in ligatures:
                parts = [first, *ligature.Component]
                if all(texts.get(part) for part in parts):
                    yield ligature.LigGlyph, "".join(texts[part][0] for part in parts)


def right_text(shaped: str, candidates: list[str] | None, nominal: str | None = None) -> str:
    """Choose a glyph's text: WeasyPrint's cluster text when the font allows it, else the font's shortest reading.

    A glyph that the font reaches from several characters reads as its own (``nominal``, from cmap) when
    it has one: Noto Sans Devanagari draws «ो» with the glyph of «ा», which WeasyPrint may have met first
    in «ो». A glyph first seen as the second glyph of a cluster (Thai «ำ» drawn as «ํ» and «า») got no
    text from WeasyPrint; when the font gives it a reading, that reading is kept. /ActualText restores
    such clusters (``add_actual_text``). A tatweel only stretches a joining line: Amiri draws its glyph
    for the kashidas it inserts, so there it stays nothing.
    """
    if not candidates:
        return shaped
    readings = [text for text in candidates if text and not set(text) <= STRETCHING]
    if shaped == "" and readings:
        return min(readings, key=len)
    if shaped in candidates and nominal and shaped != nominal and nominal in candidates:
        return nominal
    return shaped if shaped in candidates else min(candidates, key=len)


def finish_text_layer(document, pdf: pydyf.PDF) -> int:
    """Correct the ToUnicode maps, then mark each text box's content: /ActualText where needed, /Lang; return the /ActualText count."""
    maps = fix_text_layer(document, pdf)
    added = 0
    for page_index, properties, glyphs, box in drawn_text_boxes(document, pdf):
        added += add_actual_text(properties, _glyph_text(glyphs, maps), box.text)
        declare_language(pdf, page_index, properties["MCID"], box.style["lang"], document.metadata.lang)
    return added


def fix_text_layer(document, pdf: pydyf.PDF) -> dict[str, dict[int, str]]:
    """Rewrite every embedded font's ToUnicode map from the font's own tables; return each font's map by resource name."""
    references = _to_unicode_streams(pdf)
    maps = {}
    for font in document.fonts.values():
        stream = references.get(font.hash)
        if stream is None or font.bitmap or not font.to_unicode:
            maps[font.hash] = dict(font.to_unicode)
            continue
        data = get_hb_object_data(font.hb_face)
        truth, nominal = glyph_texts(data, font.index), nominal_texts(data, font.index)
        maps[font.hash] = {glyph: right_text(text, truth.get(glyph), nominal.get(glyph)) for glyph, text in font.to_unicode.items()}
        _write_cmap(stream, maps[font.hash])
    return maps


#: A glyph string of a TJ array: 4 hex digits a glyph, 2 in bitmap fonts.
HEX_STRING = re.compile(rb"<([0-9a-fA-F]*)>")


def drawn_text_boxes(document, pdf: pydyf.PDF):
    """Yield (page index, marked-content property list, [(font, glyph id)], text box) for every text box drawn."""
    widths = {font.hash: 2 if font.bitmap else 4 for font in document.fonts.values()}
    for index, (page, number) in enumerate(zip(document.pages, pdf.pages["Kids"][::3])):
        boxes = _text_boxes_by_origin(page)
        for properties, origin, glyphs in _text_sequences(_content_stream(pdf, pdf.objects[number]), widths):
            box = _take_box(boxes, origin)
            if box is not None:
                yield index, properties, glyphs, box


def add_actual_text(properties: pydyf.Dictionary, glyph_text: str, text: str) -> int:
    """Give a text box's marked content its text as /ActualText when its glyphs do not spell it; return 1 if so."""
    if spells(glyph_text, text):
        return 0
    properties["ActualText"] = text_string(text)
    return 1


def declare_language(pdf: pydyf.PDF, page_index: int, mcid: int, lang: str | None, document_lang: str | None) -> None:
    """Give the structure element of a text box in another language than the document's its /Lang (PDF 32000-1 §14.9.2)."""
    if not lang or (document_lang or "").lower() == lang.lower():
        return
    tree = pdf.objects[_number(pdf.catalog["StructTreeRoot"])]
    nums = pdf.objects[_number(tree["ParentTree"])]["Nums"]
    element = pdf.objects[_number(nums[2 * page_index + 1][mcid])]
    element["Lang"] = pydyf.String(lang)


def text_string(text: str) -> bytes:
    """Return a PDF text string in UTF-16BE with its byte order mark, which every reader decodes the same way."""
    return b"<feff" + text.encode("utf-16-be").hex().encode() + b">"


def spells(glyph_text: str, text: str) -> bool:
    """Tell whether glyphs read through the maps give the text: in order for left-to-right text, as letters for right-to-left.

    Whitespace and format characters (bidi controls, soft hyphen, ZWJ, ZWNJ) are drawn as nothing, so they are
    left out. Right-to-left glyphs are in visual order, which readers reorder themselves, so there the letters
    are compared, not their order.
    """
    if glyph_text == text:
        return True
    drawn, meant = _printed(glyph_text), _printed(text)
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in meant):
        return Counter(drawn) == Counter(meant)
    return drawn == meant


def _printed(text: str) -> str:
    """Return a text in NFC without whitespace and format characters."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if not c.isspace() and unicodedata.category(c) != "Cf")


def _glyph_text(glyphs: list[tuple[str, int]], maps: dict[str, dict[int, str]]) -> str:
    """Return what a text extractor reads for glyphs of (font resource name, glyph id)."""
    return "".join(maps.get(font, {}).get(glyph, "") for font, glyph in glyphs)


def _text_boxes_by_origin(page) -> dict[tuple[float, float], list]:
    """Return a page's text boxes by where their text starts (x, baseline), as WeasyPrint's Tm operator places it."""
    found: dict[tuple[float, float], list] = {}
    for box in page._page_box.descendants(placeholders=True):
        if isinstance(box, TextBox):
            found.setdefault(_origin(box.position_x, box.position_y + box.baseline), []).append(box)
    return found


def _origin(x: float, y: float) -> tuple[float, float]:
    """Round a text origin so that a box's position and the Tm written from it compare equal."""
    return round(float(x), 2), round(float(y), 2)


def _take_box(boxes: dict[tuple[float, float], list], origin: tuple[float, float] | None):
    """Return (and forget) the first text box starting at ``origin`` (or within 0.02 px of it: rounding), or None."""
    if origin is None:
        return None
    candidates = boxes.get(origin) or next((found for (x, y), found in boxes.items()
                                            if found and abs(x - origin[0]) <= 0.02 and abs(y - origin[1]) <= 0.02), None)
    return candidates.pop(0) if candidates else None


def _content_stream(pdf: pydyf.PDF, page: pydyf.Dictionary) -> list:
    """Return the operator list of a page's content stream, as WeasyPrint left it for pydyf to write."""
    return pdf.objects[_number(page["Contents"])].stream


def _text_sequences(items: list, widths: dict[str, int]):
    """Yield (property list, Tm origin, [(font, glyph id)]) for each marked-content sequence with an MCID."""
    open_sequences: list = []
    font = None
    for index, item in enumerate(items):
        if item == b"BDC":
            properties = items[index - 1]
            open_sequences.append([properties, None, []] if isinstance(properties, pydyf.Dictionary) and "MCID" in properties else None)
        elif item == b"BMC":
            open_sequences.append(None)
        elif item == b"EMC" and open_sequences:
            sequence = open_sequences.pop()
            if sequence is not None:
                yield tuple(sequence)
        elif isinstance(item, bytes):
            font = _read_text_operator(item, open_sequences[-1] if open_sequences else None, font, widths)


def _read_text_operator(item: bytes, sequence: list | None, font: str | None, widths: dict[str, int]) -> str | None:
    """Record a Tm origin or the glyphs of a TJ into the open sequence, if any; return the font in use after ``item``."""
    if item.endswith(b" Tf"):
        return item.split()[0][1:].decode()
    if sequence is None:
        return font
    if item.endswith(b" Tm") and sequence[1] is None:
        values = item.split()
        sequence[1] = _origin(float(values[4]), float(values[5]))
    elif item.endswith(b" TJ") and font is not None:
        width = widths.get(font, 4)
        for digits in HEX_STRING.findall(item):
            sequence[2].extend((font, int(digits[i:i + width], 16)) for i in range(0, len(digits), width))
    return font


def _number(reference: bytes) -> int:
    """Return the object number of a pydyf reference (b"12 0 R")."""
    return int(reference.split()[0])


def _to_unicode_streams(pdf: pydyf.PDF) -> dict[str, pydyf.Stream]:
    """Return each font's ToUnicode stream by WeasyPrint's font hash (the font's resource name)."""
    found = {}
    for obj in pdf.objects:
        fonts = obj.get("Font") if isinstance(obj, pydyf.Dictionary) else None
        if isinstance(fonts, bytes) and fonts.endswith(b" R"):
            fonts = pdf.objects[_number(fonts)]
        if isinstance(fonts, pydyf.Dictionary):
            for name, reference in fonts.items():
                font = pdf.objects[_number(reference)]
                if "ToUnicode" in font:
                    found[name] = pdf.objects[_number(font["ToUnicode"])]
    return found


def _write_cmap(stream: pydyf.Stream, mapping: dict[int, str]) -> None:
    """Replace the bfchar entries of a ToUnicode CMap with ``mapping``, keeping its header and trailer."""
    head = stream.stream[:stream.stream.index(b"endcodespacerange") + 1]
    body = []
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):
        batch = items[start:start + 100]
        body.append(f"{len(batch)} beginbfchar".encode())
        body.extend(f"<{glyph:04x}> <{text.encode('utf-16-be').hex()}>".encode() for glyph, text in batch)
        body.append(b"endbfchar")
    stream.stream = [*head, *body, b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
