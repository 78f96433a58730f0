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
"""

from __future__ import annotations

import io

import pydyf
from fontTools.ttLib import TTFont
from weasyprint.text.fonts import get_hb_object_data

#: GSUB lookups wrapped in an extension lookup (type 7) carry their real type inside.
EXTENSION = 7


def glyph_texts(font_bytes: bytes, index: int = 0) -> dict[int, list[str]]:
    """Return the texts each glyph of the font can stand for: nominal glyphs from cmap, the rest through GSUB."""
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


def right_text(shaped: str, candidates: list[str] | None) -> str:
    """Choose a glyph's text: WeasyPrint's cluster text when the font allows it, else the font's shortest reading."""
    if not candidates or shaped in candidates:
        return shaped
    return min(candidates, key=len)


def fix_text_layer(document, pdf: pydyf.PDF) -> int:
    """Rewrite every embedded font's ToUnicode map from the font's own tables; return how many entries changed."""
    references = _to_unicode_streams(pdf)
    changed = 0
    for font in document.fonts.values():
        stream = references.get(font.hash)
        if stream is None or font.bitmap or not font.to_unicode:
            continue
        truth = glyph_texts(get_hb_object_data(font.hb_face), font.index)
        mapping = {glyph: right_text(text, truth.get(glyph)) for glyph, text in font.to_unicode.items()}
        changed += sum(mapping[glyph] != text for glyph, text in font.to_unicode.items())
        _write_cmap(stream, mapping)
    return changed


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
