"""The saddle-stitch booklet PDF: trimmed pages placed two-up on sheet sides with pypdf.

:mod:`booklet.imposition` decides which page goes on which half of which sheet
side; this module only draws them there.
"""
from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    RectangleObject,
    StreamObject,
)

from ..imposition import page_sequence, saddle_stitch
from .printdialog import preset_print_dialog

#: A page placed on a half of a sheet side (0 left, 1 right): its XObject name, the form, its TrimBox.
Placed = dict[int, tuple[str, IndirectObject, RectangleObject]]


def impose_pdf(data: bytes, rtl: bool = False, back_cover: bool = False,
               sheet: tuple[float, float, float] | None = None) -> bytes:
    """Return a PDF with the trimmed pages of ``data`` imposed two-up for saddle stitching.

    Each page becomes a form XObject clipped to its TrimBox (so bleed and crop marks
    stay off the neighbouring page) and is placed on sheet sides of twice its width.
    Fonts and other resources are shared, so the result is about as large as the input.
    ``sheet`` is (width, height, scale) in points (:func:`booklet.imposition.office_sheet`):
    by default twice the page width at 100 %; scaled pages meet at the fold, centred vertically.
    The document information and language are kept; the tag tree is not, since the
    sheets are for the printer, not for reading.
    """
    reader = PdfReader(io.BytesIO(data))
    pages = list(reader.pages)  # a list: pypdf recounts its lazy page sequence on every len()
    if not pages:
        raise ValueError("cannot impose a PDF without pages")
    width, height = float(pages[0].trimbox.width), float(pages[0].trimbox.height)
    sheet = sheet or (2 * width, height, 1.0)
    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header
    forms: dict[int, IndirectObject] = {}
    sequence = page_sequence(len(pages), back_cover)   # the blank pages go before the back cover
    for side in saddle_stitch(len(pages), rtl):
        placed: Placed = {}
        for half, position in enumerate(side):
            number = sequence[position - 1]
            if number is not None:
                if number not in forms:
                    forms[number] = page_as_form(pages[number - 1], writer)
                placed[half] = (f"/Page{number}", forms[number], pages[number - 1].trimbox)
        _add_sheet_side(writer, sheet, placed)
    _copy_document_info(reader, writer)
    preset_print_dialog(writer, rtl)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def page_as_form(page: PageObject, writer: PdfWriter) -> IndirectObject:
    """Copy a page into ``writer`` as a form XObject whose bounding box is the page's TrimBox."""
    contents = page["/Contents"].get_object()
    if not isinstance(contents, StreamObject):   # WeasyPrint writes one content stream per page
        raise ValueError("cannot impose a page whose contents are not a single stream")
    form = contents.clone(writer, force_duplicate=True)   # still compressed: the stream is copied, not parsed
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(value) for value in page.trimbox),
        NameObject("/Resources"): page["/Resources"].clone(writer),   # resources shared by all pages are cloned once
    })
    if "/Group" in page:
        form[NameObject("/Group")] = page["/Group"].clone(writer)
    return form.indirect_reference


def _add_sheet_side(writer: PdfWriter, sheet: tuple[float, float, float], placed: Placed) -> None:
    """Add one sheet side, drawing each placed page (scaled) on its half, against the fold."""
    sheet_width, sheet_height, scale = sheet
    side = writer.add_blank_page(sheet_width, sheet_height)
    operations = []
    xobjects = DictionaryObject()
    for half, (name, form, trim) in placed.items():
        xobjects[NameObject(name)] = form
        width, height = float(trim.width) * scale, float(trim.height) * scale
        x = sheet_width / 2 - width if half == 0 else sheet_width / 2
        y = (sheet_height - height) / 2
        operations.append(f"q {scale:.6f} 0 0 {scale:.6f} {x:.4f} {y:.4f} cm "
                          f"1 0 0 1 {-float(trim.left):.4f} {-float(trim.bottom):.4f} cm {name} Do Q")
    side[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    content = DecodedStreamObject()
    content.set_data("\n".join(operations).encode("ascii"))
    side.replace_contents(content)


def _copy_document_info(reader: PdfReader, writer: PdfWriter) -> None:
    """Carry the title, author, subject, keywords, dates and language over to the imposed PDF."""
    info = reader.metadata or {}
    keys = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/CreationDate", "/ModDate")
    writer.add_metadata({key: info[key] for key in keys if key in info})
    if "/Lang" in reader.root_object:
        writer.root_object[NameObject("/Lang")] = reader.root_object["/Lang"].clone(writer)
