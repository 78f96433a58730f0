"""The saddle-stitch booklet PDF: trimmed pages placed two-up on sheet sides with pikepdf (qpdf).

:mod:`booklet.imposition` decides which page goes on which half of which sheet
side; this module only draws them there.
"""
from __future__ import annotations

import io

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..imposition import page_sequence, saddle_stitch
from .prepress import save
from .printdialog import preset_print_dialog

#: A page placed on a half of a sheet side (0 left, 1 right): its XObject name, the form, its TrimBox.
Placed = dict[int, tuple[str, pikepdf.Stream, tuple[float, float, float, float]]]
#: What the imposed PDF keeps of the document information.
INFO_KEYS = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/CreationDate", "/ModDate")


def impose_pdf(data: bytes, rtl: bool = False, back_cover: bool = False,
               sheet: tuple[float, float, float] | None = None) -> bytes:
    """Return a PDF with the trimmed pages of ``data`` imposed two-up for saddle stitching.

    Each page becomes a form XObject clipped to its TrimBox (so bleed and crop marks
    stay off the neighbouring page) and is placed on sheet sides of twice its width.
    Fonts and other resources are copied once, so the result is about as large as the input.
    ``sheet`` is (width, height, scale) in points (:func:`booklet.imposition.office_sheet`):
    by default twice the page width at 100 %; scaled pages meet at the fold, centred vertically.
    The document information and language are kept; the tag tree is not, since the
    sheets are for the printer, not for reading.
    """
    with pikepdf.open(io.BytesIO(data)) as source, pikepdf.new() as imposed:
        pages = list(source.pages)
        if not pages:
            raise ValueError("cannot impose a PDF without pages")
        trims = [_trim(page) for page in pages]
        width, height = trims[0][2] - trims[0][0], trims[0][3] - trims[0][1]
        sheet = sheet or (2 * width, height, 1.0)
        forms: dict[int, pikepdf.Stream] = {}
        sequence = page_sequence(len(pages), back_cover)   # the blank pages go before the back cover
        for side in saddle_stitch(len(pages), rtl):
            placed: Placed = {}
            for half, position in enumerate(side):
                number = sequence[position - 1]
                if number is not None:
                    if number not in forms:
                        forms[number] = imposed.copy_foreign(_page_as_form(pages[number - 1]))
                    placed[half] = (f"/Page{number}", forms[number], trims[number - 1])
            _add_sheet_side(imposed, sheet, placed)
        _copy_document_info(source, imposed)
        preset_print_dialog(imposed, rtl)
        return save(imposed, source.pdf_version)


def _trim(page: pikepdf.Page) -> tuple[float, float, float, float]:
    """Return the page's TrimBox (its MediaBox when it has none) as four floats."""
    left, bottom, right, top = (float(v) for v in page.trimbox)
    return left, bottom, right, top


def _page_as_form(page: pikepdf.Page) -> pikepdf.Stream:
    """Return a form XObject that draws the page, its bounding box the page's TrimBox."""
    form = page.as_form_xobject()
    form.BBox = Array(_trim(page))
    return form


def _add_sheet_side(pdf: pikepdf.Pdf, sheet: tuple[float, float, float], placed: Placed) -> None:
    """Add one sheet side, drawing each placed page (scaled) on its half, against the fold."""
    sheet_width, sheet_height, scale = sheet
    operations = []
    xobjects = Dictionary()
    for half, (name, form, trim) in placed.items():
        xobjects[name] = form
        width, height = (trim[2] - trim[0]) * scale, (trim[3] - trim[1]) * scale
        x = sheet_width / 2 - width if half == 0 else sheet_width / 2
        y = (sheet_height - height) / 2
        operations.append(f"q {scale:.6f} 0 0 {scale:.6f} {x:.4f} {y:.4f} cm "
                          f"1 0 0 1 {-trim[0]:.4f} {-trim[1]:.4f} cm {name} Do Q")
    side = Dictionary(Type=Name.Page, MediaBox=Array([0, 0, sheet_width, sheet_height]),
                      Resources=Dictionary(XObject=xobjects),
                      Contents=pdf.make_stream("\n".join(operations).encode("ascii")))
    pdf.pages.append(pikepdf.Page(pdf.make_indirect(side)))


def _copy_document_info(source: pikepdf.Pdf, imposed: pikepdf.Pdf) -> None:
    """Carry the title, author, subject, keywords, dates and language over to the imposed PDF."""
    for key in INFO_KEYS:
        if key in source.docinfo:
            imposed.docinfo[key] = pikepdf.String(bytes(source.docinfo[key]))   # the same bytes, whatever the encoding
    if "/Lang" in source.Root:
        imposed.Root.Lang = pikepdf.String(bytes(source.Root.Lang))
