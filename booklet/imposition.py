"""Saddle-stitch imposition and page counts: which pages go on which sheet, and what padding costs.

A saddle-stitched booklet is a stack of sheets folded once in the middle. Each
sheet carries four pages, two on each side, so the page count is padded with
blank pages to a multiple of four. :func:`saddle_stitch` gives the order of the
pages on the sheet sides; ``formats/printed.py`` places them on PDF pages.

Sheet sides come in printing order: front of the outer sheet, its back, front of
the next sheet, and so on, for a duplex printer set to flip on the short edge.
Left-to-right booklets are bound on the left, so the first page is on the right
half of the outer front; right-to-left booklets are bound on the right, and every
sheet side is mirrored.

Everything here is pure (no PDF library), so the CLI can report page counts
without loading the typesetting engines.
"""
from __future__ import annotations

from collections.abc import Sequence

from .errors import Location, Problem
from .i18n import catalog_path
from .languages import bcp47
from .manifest import Manifest
from .model import Booklet
from .outputs import Output

PAGES_PER_SHEET = 4

#: Office paper (mm). A booklet whose trim is office paper itself is imposed on sheets of the same paper, landscape,
#: at reduced scale: an office printer cannot print the A3 (or 17 × 11 in) sheets that 100 % would need.
OFFICE_PAPER_MM = {"A4": (210.0, 297.0), "letter": (215.9, 279.4)}

#: One side of a sheet: the page numbers (1-based) on its left and right halves.
#: Numbers above the booklet's page count stand for blank padding pages.
SheetSide = tuple[int, int]


def padded_page_count(pages: int) -> int:
    """Return the page count rounded up to whole sheets (a multiple of four)."""
    return -(-pages // PAGES_PER_SHEET) * PAGES_PER_SHEET


def blank_page_count(pages: int) -> int:
    """Return how many blank pages padding to whole sheets adds."""
    return padded_page_count(pages) - pages


def page_sequence(pages: int, back_cover: bool = False) -> list[int | None]:
    """Return the padded booklet's pages in order: page numbers, None for the blanks.

    The blanks come before the last page when it is the back cover, so that it stays
    on the outside; otherwise at the end.
    """
    numbers: list[int | None] = list(range(1, pages + 1))
    blanks: list[int | None] = [None] * blank_page_count(pages)
    return numbers[:-1] + blanks + numbers[-1:] if back_cover and pages > 1 else numbers + blanks


def sheet_count(pages: int) -> int:
    """Return how many sheets a booklet of ``pages`` pages is printed on."""
    return padded_page_count(pages) // PAGES_PER_SHEET


def saddle_stitch(pages: int, rtl: bool = False) -> list[SheetSide]:
    """Return the (left, right) page numbers of every sheet side, in printing order.

    Sheet ``i`` (0 for the outer sheet) carries pages ``n - 2i`` and ``2i + 1`` on its
    front and ``2i + 2`` and ``n - 2i - 1`` on its back, where ``n`` is the padded page
    count; a right-to-left booklet swaps the halves of every side.
    """
    last = padded_page_count(pages)
    sides: list[SheetSide] = []
    for sheet in range(last // PAGES_PER_SHEET):
        front = (last - 2 * sheet, 2 * sheet + 1)
        back = (2 * sheet + 2, last - 2 * sheet - 1)
        sides += [front, back]
    return [(right, left) for left, right in sides] if rtl else sides


def office_sheet(page_size: str, trim_mm: tuple[float, float]) -> tuple[float, float, float]:
    """Return the booklet's sheet (width, height in mm, landscape) and the scale its pages are printed at.

    Trims smaller than office paper go two-up at 100 % on a sheet twice their width (A5 on A4);
    A4 and letter trims go on A4 and letter sheets, scaled to fit half a sheet.
    """
    width, height = trim_mm
    if page_size not in OFFICE_PAPER_MM:
        return 2 * width, height, 1.0
    short, long = OFFICE_PAPER_MM[page_size]
    return long, short, min(long / 2 / width, short / height)


def office_sheet_note(page_size: str) -> str | None:
    """Describe a reduced-scale imposition for the build summary, or None at 100 %."""
    if page_size not in OFFICE_PAPER_MM:
        return None
    _width, _height, scale = office_sheet(page_size, OFFICE_PAPER_MM[page_size])
    return (f"booklet: {page_size} pages are printed two-up on {page_size} sheets at {scale * 100:.0f} % "
            f"(office printers cannot print the double-size sheets that 100 % needs)")


def describe_page_count(pages: int) -> str:
    """Return a page count with the blank pages a booklet adds: ``23 (+1 blank)``."""
    blanks = blank_page_count(pages)
    return f"{pages} (+{blanks} blank)" if blanks else str(pages)


def layout_pages(outputs: Sequence[Output]) -> int | None:
    """Return the typeset page count of one language's outputs (screen or print PDF), if either was built."""
    return next((o.pages for o in outputs if o.format in ("pdf", "print") and o.pages is not None), None)


def page_count_warnings(booklet: Booklet, results: Sequence, published: Manifest | None = None) -> list[Problem]:
    """Warn about each language that needs more sheets than the source language.

    ``results`` are the pipeline's LanguageResults. The source language's page count
    comes from this build or, when it was not rebuilt, from the ``published`` manifest.
    """
    counts = {result.lang: layout_pages(result.outputs) for result in results}
    source = counts.get(booklet.source_language) or (published.pages(bcp47(booklet.source_language)) if published else None)
    if not source:
        return []
    warnings = []
    for lang, pages in counts.items():
        if pages and padded_page_count(pages) > padded_page_count(source):
            where = Location(catalog_path(booklet.root, lang).relative_to(booklet.root))
            more = sheet_count(pages) - sheet_count(source)
            warnings.append(Problem(where, (
                f"{lang}: {pages} pages make a {padded_page_count(pages)}-page booklet, {more} sheet(s) more than "
                f"{booklet.source_language} ({source} pages, {padded_page_count(source)} printed); "
                f"{pages - padded_page_count(source)} page(s) shorter would fit the same sheets"), "warning"))
    return warnings

