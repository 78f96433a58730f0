"""A PDF/UA-1 rule checker of our own (veraPDF cannot be installed here), naming veraPDF's rule ids."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject


@dataclass(frozen=True)
class Failure:
    """One rule broken in one place."""

    rule: str
    where: str


def check(path: Path) -> list[Failure]:
    """Return every failure of the checked PDF/UA-1 rules in the PDF at ``path``."""
    reader = PdfReader(path)
    return [*_document_rules(reader), *_page_rules(reader), *_content_rules(reader), *_structure_rules(reader)]


#: Strings and dictionary brackets of a content stream (their bytes are no operators), and painting operators.
_NOT_OPERATORS = re.compile(rb"<<|>>|<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\)")
_PAINTING = {b"TJ", b"Tj", b"'", b'"', b"f", b"F", b"f*", b"S", b"s", b"B", b"B*", b"b", b"b*", b"Do", b"sh", b"BI"}


def _content_rules(reader: PdfReader):
    """7.1-3 everything painted is inside marked content: tagged as real content or marked as an Artifact."""
    for number, page in enumerate(reader.pages, 1):
        depth, contents = 0, page.get_contents()
        for token in _NOT_OPERATORS.sub(b" ", contents.get_data() if contents is not None else b"").split():
            depth += (token in (b"BDC", b"BMC")) - (token == b"EMC")
            if depth == 0 and token in _PAINTING:
                yield Failure("7.1-3", f"page {number}: {token.decode()} outside marked content")
                break


def _document_rules(reader: PdfReader):
    """7.2-2 catalog /Lang; 7.1-8 dc:title in the metadata; 7.1-10 /DisplayDocTitle true."""
    catalog = reader.trailer["/Root"]
    if not str(catalog.get("/Lang", "")):
        yield Failure("7.2-2", "catalog: no /Lang")
    metadata = catalog.get("/Metadata")
    if metadata is None or b"<dc:title>" not in metadata.get_object().get_data():
        yield Failure("7.1-8", "metadata: no dc:title")
    if not (catalog.get("/ViewerPreferences") or {}).get("/DisplayDocTitle"):
        yield Failure("7.1-10", "catalog: /ViewerPreferences /DisplayDocTitle is not true")


def _page_rules(reader: PdfReader):
    """7.18.3-1 /Tabs /S on pages with annotations; 7.18.5-2 links with /Contents; 7.21.4.1-1 and 7.21.7-1 fonts."""
    for number, page in enumerate(reader.pages, 1):
        annotations = [a.get_object() for a in page.get("/Annots") or []]
        if annotations and page.get("/Tabs") != "/S":
            yield Failure("7.18.3-1", f"page {number}: annotations without /Tabs /S")
        for annotation in annotations:
            if annotation["/Subtype"] == "/Link":
                contents, target = str(annotation.get("/Contents", "")), str(annotation.get("/Dest", ""))
                if not contents.strip() or contents == target:
                    yield Failure("7.18.5-2", f"page {number}: link to {target or 'a URI'} has no description")
        fonts = (page.get("/Resources") or {}).get("/Font") or {}
        for name, font in fonts.items():
            yield from _font_rules(font.get_object(), f"page {number}: font {name}")


def _font_rules(font: DictionaryObject, where: str):
    """7.21.4.1-1 every font program embedded; 7.21.7-1 a ToUnicode map."""
    if "/ToUnicode" not in font:
        yield Failure("7.21.7-1", f"{where}: no /ToUnicode")
    descendants = [d.get_object() for d in font.get("/DescendantFonts") or []] or [font]
    for descendant in descendants:
        descriptor = descendant.get("/FontDescriptor")
        if descendant.get("/Subtype") != "/Type3" and not (descriptor and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))):
            yield Failure("7.21.4.1-1", f"{where}: font program not embedded")


def _structure_rules(reader: PdfReader):
    """7.1-1 a structure tree; 7.3-1 Figure with /Alt or /ActualText; 7.4.2-1 first heading H1; 7.5-1 TH/TD inside TR."""
    root = reader.trailer["/Root"].get("/StructTreeRoot")
    if root is None:
        yield Failure("7.1-1", "no StructTreeRoot")
        return
    role_map = {str(k): str(v) for k, v in (root.get_object().get("/RoleMap") or {}).items()}
    headings = []
    stack = [(root.get_object(), None)]
    while stack:
        element, parent = stack.pop()
        tag = str(element.get("/S", ""))
        tag = role_map.get(tag, tag)
        if tag == "/Figure" and "/Alt" not in element and "/ActualText" not in element:
            yield Failure("7.3-1", "Figure without /Alt")
        if tag in ("/TH", "/TD") and parent != "/TR":
            yield Failure("7.5-1", f"{tag[1:]} outside TR")
        if tag.startswith("/H") and tag[2:].isdigit():
            headings.append(int(tag[2:]))
        kids = element.get("/K")
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        for kid in reversed(kids):
            kid = kid.get_object() if isinstance(kid, IndirectObject) else kid
            if isinstance(kid, DictionaryObject) and "/S" in kid:
                stack.append((kid, tag))
    if headings and headings[0] != 1:
        yield Failure("7.4.2-1", f"first heading is H{headings[0]}")
    for before, after in zip(headings, headings[1:]):
        if after > before + 1:
            yield Failure("7.4.4-1", f"heading level skips from H{before} to H{after}")


def marked_texts(reader: PdfReader) -> dict[tuple[int, int], str]:
    """Return the text of each marked-content sequence with an MCID, by (page index, MCID), as pypdf reads it."""
    return {(index, mcid): text for index, page in enumerate(reader.pages) for mcid, text in _page_marked_texts(page).items()}


def _page_marked_texts(page) -> dict[int, str]:
    """Return the text of each marked-content sequence of one page by MCID."""
    texts: dict[int, str] = {}
    open_ids: list[int | None] = []

    def operator(name, operands, _cm, _tm):
        if name == b"BDC":
            properties = operands[1] if len(operands) > 1 else {}
            open_ids.append(properties.get("/MCID") if hasattr(properties, "get") else None)
        elif name == b"BMC":
            open_ids.append(None)
        elif name == b"EMC" and open_ids:
            open_ids.pop()

    def text(piece, *_):
        mcid = next((m for m in reversed(open_ids) if m is not None), None)
        if mcid is not None:
            texts[mcid] = texts.get(mcid, "") + piece

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return texts


def tagged_languages(path: Path) -> list[tuple[str, str]]:
    """Return (language, text) for each structure element with a /Lang of its own, in tree order."""
    reader = PdfReader(path)
    pages = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    texts = marked_texts(reader)
    found = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"].get_object()]
    while stack:
        element = stack.pop()
        kids = element.get("/K")
        kids = [k.get_object() if isinstance(k, IndirectObject) else k for k in (kids if isinstance(kids, list) else [kids] if kids is not None else [])]
        if "/Lang" in element and "/Pg" in element:
            page = pages[element.raw_get("/Pg").idnum]
            found.append((str(element["/Lang"]), "".join(texts.get((page, k), "") for k in kids if isinstance(k, int)).strip()))
        stack.extend(k for k in reversed(kids) if isinstance(k, DictionaryObject))
    return found
