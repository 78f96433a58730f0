"""Print formats: the print-shop PDF (bleed, crop marks) and the saddle-stitch booklet for office printers.

``print`` writes ``<slug>-<lang>-print.pdf``: the trim size of the booklet's
page_size plus a 3 mm bleed (:data:`~booklet.formats.pdf.BLEED_MM`) on every
side, crop marks, TrimBox and BleedBox. ``booklet`` writes
``<slug>-<lang>-booklet.pdf``: the trimmed pages padded with blank pages to a
multiple of four and imposed two-up in saddle-stitch order on sheets twice the
trim size (A5 pages on A4 landscape), to print duplex, flipped on the short edge,
and fold. :mod:`booklet.imposition` gives the page order; :func:`impose_pdf`
places the pages with pypdf.

The screen PDF, the print PDF and the booklet come from one WeasyPrint layout per
language: :func:`write_pdfs` typesets once and writes every requested PDF format
from that layout. The pipeline calls it for the three together; each format's own
``write(job)`` typesets on its own, for callers that want only that format.
"""
from __future__ import annotations

import io
from collections.abc import Sequence

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, IndirectObject, NameObject,
                           StreamObject)

from ..imposition import saddle_stitch, sheet_count
from ..outputs import LanguageJob, Output
from .pdf import DEFAULT_PDF_VARIANT, Layout, PdfFormat, lay_out, write_output


class PrintFormat:
    """The print PDF: MediaBox = trim + bleed, crop marks, the cover's colours running into the bleed."""

    name = "print"
    suffix = "-print.pdf"

    def write(self, job: LanguageJob) -> list[Output]:
        """Typeset and write ``<slug>-<lang>-print.pdf``."""
        return self.write_layout(job, lay_out(job, press=True))

    def write_layout(self, job: LanguageJob, layout: Layout) -> list[Output]:
        """Write ``<slug>-<lang>-print.pdf`` from a layout made with ``press=True``."""
        return [write_output(job, self.name, self.suffix, layout.press, layout.pages)]


class BookletFormat:
    """The imposed booklet: two trimmed pages per sheet side, saddle-stitch order, bound on the reading side."""

    name = "booklet"
    suffix = "-booklet.pdf"

    def write(self, job: LanguageJob) -> list[Output]:
        """Typeset and write ``<slug>-<lang>-booklet.pdf``."""
        return self.write_layout(job, lay_out(job))

    def write_layout(self, job: LanguageJob, layout: Layout) -> list[Output]:
        """Impose the layout's trimmed pages and write ``<slug>-<lang>-booklet.pdf``; its pages are sheet sides."""
        data = impose_pdf(layout.screen, rtl=job.view.dir == "rtl")
        return [write_output(job, self.name, self.suffix, data, 2 * sheet_count(layout.pages))]


#: The formats written from one shared layout, by name.
PDF_FORMATS = {f.name: f for f in (PdfFormat(), PrintFormat(), BookletFormat())}


def write_pdfs(job: LanguageJob, names: Sequence[str], variant: str = DEFAULT_PDF_VARIANT) -> dict[str, list[Output]]:
    """Typeset the language once and write each requested PDF format from that layout; return outputs by name."""
    names = [name for name in names if name in PDF_FORMATS]
    if not names:
        return {}
    layout = lay_out(job, variant, press="print" in names)
    return {name: PDF_FORMATS[name].write_layout(job, layout) for name in names}


def impose_pdf(data: bytes, rtl: bool = False) -> bytes:
    """Return a PDF with the trimmed pages of ``data`` imposed two-up for saddle stitching.

    Each page becomes a form XObject clipped to its TrimBox (so bleed and crop marks
    stay off the neighbouring page) and is placed on sheet sides of twice its width.
    Fonts and other resources are shared, so the result is about as large as the input.
    The document information and language are kept; the tag tree is not, since the
    sheets are for the printer, not for reading.
    """
    reader = PdfReader(io.BytesIO(data))
    pages = reader.pages
    if not pages:
        raise ValueError("cannot impose a PDF without pages")
    width, height = float(pages[0].trimbox.width), float(pages[0].trimbox.height)
    writer = PdfWriter()
    writer.pdf_header = reader.pdf_header
    forms: dict[int, IndirectObject] = {}
    for side in saddle_stitch(len(pages), rtl):
        placed = {}
        for half, number in enumerate(side):
            if number <= len(pages):
                if number not in forms:
                    forms[number] = _page_as_form(pages[number - 1], writer)
                placed[half] = (f"/Page{number}", forms[number], pages[number - 1].trimbox)
        _add_sheet_side(writer, width, height, placed)
    _copy_document_info(reader, writer)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _page_as_form(page: PageObject, writer: PdfWriter) -> IndirectObject:
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


def _add_sheet_side(writer: PdfWriter, width: float, height: float, placed: dict) -> None:
    """Add one sheet side of twice the page width, drawing each placed page on its half."""
    side = writer.add_blank_page(2 * width, height)
    operations = []
    xobjects = DictionaryObject()
    for half, (name, form, trim) in placed.items():
        xobjects[NameObject(name)] = form
        dx, dy = half * width - float(trim.left), -float(trim.bottom)
        operations.append(f"q 1 0 0 1 {dx:.4f} {dy:.4f} cm {name} Do Q")
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
