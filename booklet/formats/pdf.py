"""PDF output: one HTML document per language, typeset once by WeasyPrint as a tagged PDF.

The layout is painted with a bleed; the screen PDF is written with every page box
set to the trim size, so the three PDF formats (screen; print, which grows the boxes
again and adds marks; booklet, which imposes the trimmed pages) and the EPUB's cover
image share one WeasyPrint layout, one painting and one written PDF per language:
:func:`lay_out` makes it, once, for :class:`booklet.formats.Products`; each format
takes what it needs from there.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pydyf
from weasyprint import CSS, HTML
from weasyprint.css.counters import CounterStyle
from weasyprint.document import Document
from weasyprint.formatting_structure.boxes import ReplacedBox
from weasyprint.pdf import VARIANTS
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..errors import BookletError, Location, Problem
from ..fontcache import font_clock, static_fonts
from ..fsutil import atomic_write
from ..images import resolution_warnings
from ..outputs import LanguageJob, Output
from . import PDF_VARIANTS
from .balance import balance_cover_title
from .hyphenation import german_patterns, protect_unbreakable_words
from .linktext import describe_links
from .styles import check_coverage, stylesheet
from .textlayer import finish_text_layer

if TYPE_CHECKING:
    from . import Products

#: Bleed on every side of the print PDF, in mm: what print shops ask for. A constant, not a booklet setting;
#: the cover's backgrounds overshoot the trim by more than this (templates/style/print.css).
BLEED_MM = 3
#: PDF/UA-1; ``--pdf-variant pdf/a-3u`` gives PDF/A-3u for archiving. Both are tagged.
DEFAULT_PDF_VARIANT = PDF_VARIANTS[0]
PAGE_SIZES_MM = {"A5": (148, 210), "A4": (210, 297), "A6": (105, 148), "letter": (215.9, 279.4), "half-letter": (139.7, 215.9)}
#: WeasyPrint logs these instead of failing; for a booklet they are broken output.
FATAL_LOGS = (".notdef glyph", "Failed to load", "Unknown rendering option", "Ignored", "unsupported", "blocked resource")


class SafeFetcher(URLFetcher):
    """Fetch only data: URLs and files inside the allowed folders; anything else aborts the build."""

    def __init__(self, *roots: Path):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, timeout=5)
        self.roots = [Path(r).resolve() for r in roots]

    def fetch(self, url, headers=None):
        """Return the resource, or raise FatalURLFetchingError for anything outside the roots."""
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                return super().fetch(url, headers)
        raise FatalURLFetchingError(f"blocked resource: {url}")


class _LogCollector(logging.Handler):
    """Collect WeasyPrint's warnings and errors during one render."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Remember the formatted message."""
        self.messages.append(record.getMessage())


@contextmanager
def collect_weasyprint_logs():
    """Attach a collector to the weasyprint logger for the duration of a render."""
    logger = logging.getLogger("weasyprint")
    collector = _LogCollector()
    logger.addHandler(collector)
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield collector
    finally:
        logger.removeHandler(collector)
        logger.setLevel(previous)


def page_css(job: LanguageJob) -> str:
    """Return the trim size and bleed of every page, and the cover height (crop marks: formats/prepress.py)."""
    width, height = PAGE_SIZES_MM[job.view.page_size]
    return (f"@page {{ size: {width}mm {height}mm; bleed: {BLEED_MM}mm; }}\n"
            f"section.cover, section.back-cover {{ height: {height}mm; }}\n")


def has_back_cover(job: LanguageJob) -> bool:
    """Return whether the document ends with a back cover: booklets with a front cover get one."""
    return any(section.kind == "cover" for section in job.view.sections)


def render_document_html(job: LanguageJob) -> str:
    """Render the single HTML document that WeasyPrint typesets."""
    html = job.render("pdf/document.html", book=job.view, back_cover=has_back_cover(job),
                      created=f"{job.timestamp.year:04d}-{job.timestamp:%m-%dT%H:%M:%SZ}")   # year 1 is 0001, not 1
    html = balance_cover_title(html, static_fonts(job.fonts), job.view.lang, PAGE_SIZES_MM[job.view.page_size][0])
    return protect_unbreakable_words(html)


def pdf_options(job: LanguageJob, variant: str) -> dict:
    """Return WeasyPrint's PDF options: the variant, its PDF version, tags, and a stable identifier."""
    return {"pdf_variant": variant, "pdf_version": VARIANTS[variant][1]["pdf_version"], "pdf_tags": True,
            "pdf_identifier": hashlib.sha256(f"{job.view.slug}/{job.view.lang}".encode()).hexdigest()[:32].encode()}


def typeset(job: LanguageJob, html: str, variant: str = DEFAULT_PDF_VARIANT) -> Document:
    """Lay out the document with WeasyPrint; raise BookletError on blocked resources or logged problems."""
    fonts = static_fonts(job.fonts)  # cached static instances of variable fonts: fast, no clock
    roots = [job.folder, *job.template_dirs, *(p.parent for f in fonts for p in f.files)]
    fetcher = SafeFetcher(*roots)
    font_config = FontConfiguration()
    counter_style = CounterStyle()  # WeasyPrint reads a stylesheet's @counter-style (page-number digits) only into one
    css = CSS(string=stylesheet(job, fonts, "style/print.css") + page_css(job), url_fetcher=fetcher,
              font_config=font_config, counter_style=counter_style, base_url=job.folder.as_uri() + "/")
    with collect_weasyprint_logs() as logs, german_patterns():
        try:
            document = HTML(string=html, base_url=job.folder.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=[css], font_config=font_config, counter_style=counter_style, **pdf_options(job, variant))
        except FatalURLFetchingError as error:
            raise BookletError([Problem(Location(Path("templates")), f"{job.view.lang}: {error} (only files inside the booklet folder, "
                                                                     "the templates and the font packages may be used)")]) from None
    problems = [Problem(Location(Path("content")), f"{job.view.lang}: WeasyPrint: {m}") for m in logs.messages if any(k in m for k in FATAL_LOGS)]
    if problems:
        raise BookletError(problems)
    return document


@dataclass(frozen=True)
class Layout:
    """One language typeset once, as a PDF whose page boxes are the trim and whose painting has the bleed."""

    #: Every page box (MediaBox, CropBox, BleedBox, TrimBox) is the trim size; the painting reaches into the bleed,
    #: which the print-shop PDF (formats/prepress.py) shows again by growing the boxes.
    screen: bytes
    pages: int
    #: Each image as placed: (src as written, printed width in CSS px, 1/96 in), in document order.
    images: tuple[tuple[str, float], ...] = ()
    #: The printed page number (1-based) each element id starts on: the EPUB's page list.
    pages_of: dict[str, int] = dataclasses.field(default_factory=dict)


def lay_out(job: LanguageJob, variant: str = DEFAULT_PDF_VARIANT) -> Layout:
    """Typeset the language once and write the screen PDF: one WeasyPrint painting, one PDF."""
    html = render_document_html(job)
    check_coverage(job, html)
    document = typeset(job, html, variant)
    options = pdf_options(job, variant)

    def finish(painted, pdf: pydyf.PDF) -> None:
        finish_text_layer(painted, pdf)
        describe_links(painted, pdf)
        if job.view.dir == "rtl":
            _read_right_to_left(pdf)
        _trim_page_boxes(pdf)

    with collect_weasyprint_logs(), font_clock(job.timestamp):
        screen = document.write_pdf(finisher=finish, **options)
    return Layout(screen, len(document.pages), _image_placements(document), _pages_of(document))


def _image_placements(document) -> tuple[tuple[str, float], ...]:
    """Return every <img> the layout placed, with its width on the page in CSS px."""
    found = []
    for page in document.pages:
        for box in page._page_box.descendants():
            if isinstance(box, ReplacedBox) and box.element_tag == "img":
                found.append((box.element.get("src") or "", float(box.width)))
    return tuple(found)


def _pages_of(document) -> dict[str, int]:
    """Return the page number each anchor (element id) lands on; the first page wins for an id."""
    found: dict[str, int] = {}
    for number, page in enumerate(document.pages, start=1):
        for anchor in page.anchors:
            found.setdefault(anchor, number)
    return found


def _read_right_to_left(pdf: pydyf.PDF) -> None:
    """Tell viewers to show spreads and page turns right to left (/ViewerPreferences /Direction /R2L)."""
    preferences = pdf.catalog.get("ViewerPreferences") or pydyf.Dictionary()
    preferences["Direction"] = "/R2L"
    pdf.catalog["ViewerPreferences"] = preferences


def _trim_page_boxes(pdf: pydyf.PDF) -> None:
    """Set every page's MediaBox, CropBox and BleedBox to its TrimBox: the page as a reader sees it."""
    for number in pdf.pages["Kids"][::3]:
        page = pdf.objects[number]
        for box in ("MediaBox", "CropBox", "BleedBox"):
            page[box] = pydyf.Array(page["TrimBox"])


class PdfFormat:
    """The screen PDF: tagged, with bookmarks and metadata, pages cut to the trim size."""

    name = "pdf"
    suffix = ".pdf"

    def write(self, job: LanguageJob, products: Products) -> list[Output]:
        """Write ``<slug>-<lang>.pdf`` from the language's shared layout."""
        layout = products.layout
        images = [b for s in job.view.sections for b in s.blocks if b["type"] == "image"]
        warnings = resolution_warnings(job.folder, images, layout.images)
        return [dataclasses.replace(write_output(job, self.name, self.suffix, layout.screen, layout.pages), warnings=tuple(warnings))]


def cover_layout(job: LanguageJob) -> Layout:
    """Typeset the cover section alone: the EPUB's cover when no paged format is built."""
    covers = [s for s in job.view.sections if s.kind == "cover"][:1]
    return lay_out(dataclasses.replace(job, view=dataclasses.replace(job.view, sections=covers)))


#: Height in pixels of the cover image that reading systems show in their libraries.
COVER_HEIGHT = 1600


def page_png(pdf: bytes, index: int = 0) -> bytes:
    """Render one page of a PDF to a PNG ``COVER_HEIGHT`` pixels high (PDFium)."""
    import pypdfium2

    page = pypdfium2.PdfDocument(pdf)[index]
    image = page.render(scale=COVER_HEIGHT / page.get_height()).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=6)   # 4 % larger than optimize=True, in a third of the time
    return buffer.getvalue()


def write_output(job: LanguageJob, name: str, suffix: str, data: bytes, pages: int) -> Output:
    """Write one file atomically and describe it for the manifest."""
    path = job.output_path(suffix)
    atomic_write(path, data)
    return Output(job.view.tag, name, path, len(data), hashlib.sha256(data).hexdigest(), pages)
