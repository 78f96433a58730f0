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
language: :func:`write_pdfs` typesets once and writes every requested PDF format
from that layout. The pipeline calls it for the three together; each format's own
``write(job)`` typesets on its own, for callers that want only that format.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..imposition import sheet_count
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
        from .sheets import impose_pdf  # here, so that builds without a booklet never load pypdf

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
