"""Print formats: the print-shop PDF (bleed, crop marks) and the saddle-stitch booklet for office printers.

``print`` writes ``<slug>-<lang>-print.pdf``: the trim size of the booklet's
page_size plus a 3 mm bleed (:data:`~booklet.formats.pdf.BLEED_MM`) on every
side, crop marks, TrimBox and BleedBox. ``booklet`` writes
``<slug>-<lang>-booklet.pdf``: the trimmed pages padded with blank pages to a
multiple of four and imposed two-up in saddle-stitch order on sheets twice the
trim size (A5 pages on A4 landscape), to print duplex, flipped on the short edge,
and fold. :mod:`booklet.imposition` gives the page order; ``formats/sheets.py``
places the pages with pypdf.

The screen PDF, the print PDF and the booklet come from one WeasyPrint layout per
language, :attr:`booklet.formats.Products.layout`, typeset on first use.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from ..imposition import sheet_count
from ..outputs import LanguageJob, Output
from .pdf import write_output

if TYPE_CHECKING:
    from . import Products


class PrintFormat:
    """The print PDF: MediaBox = trim + bleed, crop marks, the cover's colours running into the bleed."""

    name = "print"
    suffix = "-print.pdf"

    def write(self, job: LanguageJob, products: Products) -> list[Output]:
        """Write ``<slug>-<lang>-print.pdf`` from the shared layout (made with the bleed since ``print`` is requested)."""
        layout = products.layout
        return [write_output(job, self.name, self.suffix, layout.press, layout.pages)]


class BookletFormat:
    """The imposed booklet: two trimmed pages per sheet side, saddle-stitch order, bound on the reading side."""

    name = "booklet"
    suffix = "-booklet.pdf"

    def write(self, job: LanguageJob, products: Products) -> list[Output]:
        """Impose the shared layout's trimmed pages and write ``<slug>-<lang>-booklet.pdf``; its pages are sheet sides."""
        from .sheets import impose_pdf  # here, so that builds without a booklet never load pypdf

        layout = products.layout
        data = impose_pdf(layout.screen, rtl=job.view.dir == "rtl")
        return [write_output(job, self.name, self.suffix, data, 2 * sheet_count(layout.pages))]

