"""Print formats: the print-shop PDF (bleed, crop marks) and the saddle-stitch booklet for office printers.

``print`` writes ``<slug>-<lang>-print.pdf``: the trim size of the booklet's
page_size plus a 3 mm bleed (:data:`~booklet.formats.pdf.BLEED_MM`) on every
side, crop marks, TrimBox and BleedBox. ``booklet`` writes
``<slug>-<lang>-booklet.pdf``: the trimmed pages padded with blank pages to a
multiple of four and imposed two-up in saddle-stitch order on sheets twice the
trim size (A5 pages on A4 landscape; A4 and letter pages at reduced scale on A4
and letter sheets, :func:`booklet.imposition.office_sheet`), to print duplex, flipped on the short edge,
and fold. :mod:`booklet.imposition` gives the page order; ``formats/sheets.py``
places the pages with pikepdf.

The screen PDF, the print PDF and the booklet come from one WeasyPrint layout per
language, :attr:`booklet.formats.Products.layout`, typeset on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..imposition import office_sheet, padded_page_count, sheet_count
from ..outputs import LanguageJob, Output
from .pdf import BLEED_MM, PAGE_SIZES_MM, has_back_cover, write_output

PT_PER_MM = 72 / 25.4

if TYPE_CHECKING:
    from . import Products


class PrintFormat:
    """The print PDF: a PDF/X-4 on sheets larger than the bleed, crop marks and slug line, whole sheets."""

    name = "print"
    suffix = "-print.pdf"

    def write(self, job: LanguageJob, products: Products) -> list[Output]:
        """Write ``<slug>-<lang>-print.pdf`` from the shared layout: its pages with the bleed shown again, on whole sheets."""
        from .prepress import SLUG_HEIGHT_MM, SLUG_INSET_MM, prepare_for_press, slug_texts
        from .slugs import typeset_slug_lines

        layout = products.layout
        pages = padded_page_count(layout.pages)
        width, _height = PAGE_SIZES_MM[job.view.page_size]
        slugs = typeset_slug_lines(job, slug_texts(job.view.title_text, job.view.tag, job.view.edition_iso, pages),
                                   width - 2 * SLUG_INSET_MM, SLUG_HEIGHT_MM)
        data = prepare_for_press(layout.screen, slugs, has_back_cover(job), job.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                 BLEED_MM)
        return [write_output(job, self.name, self.suffix, data, pages)]


class BookletFormat:
    """The imposed booklet: two trimmed pages per sheet side, saddle-stitch order, bound on the reading side."""

    name = "booklet"
    suffix = "-booklet.pdf"

    def write(self, job: LanguageJob, products: Products) -> list[Output]:
        """Impose the shared layout's trimmed pages and write ``<slug>-<lang>-booklet.pdf``; its pages are sheet sides."""
        from .sheets import impose_pdf  # here, so that builds without a booklet never load pikepdf

        layout = products.layout
        trim = PAGE_SIZES_MM[job.view.page_size]
        width, height, scale = office_sheet(job.view.page_size, trim)
        data = impose_pdf(layout.screen, rtl=job.view.dir == "rtl", back_cover=has_back_cover(job),
                          sheet=(width * PT_PER_MM, height * PT_PER_MM, scale))
        return [write_output(job, self.name, self.suffix, data, 2 * sheet_count(layout.pages))]

