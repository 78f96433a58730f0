"""PDF output: one HTML document per language, typeset by WeasyPrint as a tagged PDF (PDF/UA-1)."""
from __future__ import annotations

import hashlib
import io
import logging
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from ..errors import BookletError, Location, Problem
from ..fonts import fonts_for
from ..fsutil import atomic_write
from ..outputs import LanguageJob, Output
from ..render import render_template
from .styles import check_coverage, stylesheet

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
def _collect_weasyprint_logs():
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
    """Return the page size and the cover height for the booklet's trim size."""
    width, height = PAGE_SIZES_MM[job.booklet.page_size]
    return f"@page {{ size: {width}mm {height}mm; }}\nsection.cover {{ height: {height}mm; }}\n"


def render_document_html(job: LanguageJob) -> str:
    """Render the single HTML document that WeasyPrint typesets."""
    return render_template(job.env, "pdf/document.html", job.translator, book=job.view,
                           created=job.timestamp.strftime("%Y-%m-%dT%H:%M:%SZ"))


def typeset(job: LanguageJob, html: str):
    """Lay out the document with WeasyPrint; raise BookletError on blocked resources or logged problems."""
    fonts = fonts_for(job.booklet.fonts, job.view.lang)
    roots = [job.booklet.root, *job.template_dirs, *(p.parent for f in fonts for p in f.files)]
    fetcher = SafeFetcher(*roots)
    font_config = FontConfiguration()
    css = CSS(string=stylesheet(job, fonts, "style/print.css") + page_css(job), url_fetcher=fetcher,
              font_config=font_config, base_url=job.booklet.root.as_uri() + "/")
    with _collect_weasyprint_logs() as logs:
        try:
            document = HTML(string=html, base_url=job.booklet.root.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=[css], font_config=font_config, pdf_variant="pdf/ua-1",
                pdf_identifier=hashlib.sha256(f"{job.booklet.slug}/{job.view.lang}".encode()).hexdigest()[:32].encode(),
            )
        except FatalURLFetchingError as error:
            raise BookletError([Problem(Location(Path("content")), f"{job.view.lang}: {error}")]) from None
    problems = [Problem(Location(Path("content")), f"{job.view.lang}: WeasyPrint: {m}") for m in logs.messages if any(k in m for k in FATAL_LOGS)]
    if problems:
        raise BookletError(problems)
    return document, font_config


class PdfFormat:
    """The screen PDF: tagged, with bookmarks and metadata."""

    name = "pdf"
    suffix = ".pdf"

    def write(self, job: LanguageJob) -> list[Output]:
        """Typeset and write ``<slug>-<lang>.pdf``."""
        html = render_document_html(job)
        check_coverage(job, html)
        document, _font_config = typeset(job, html)
        buffer = io.BytesIO()
        with _collect_weasyprint_logs():
            document.write_pdf(buffer, pdf_variant="pdf/ua-1",
                               pdf_identifier=hashlib.sha256(f"{job.booklet.slug}/{job.view.lang}".encode()).hexdigest()[:32].encode())
        data = buffer.getvalue()
        path = job.output_path(self.suffix)
        atomic_write(path, data)
        return [Output(job.view.tag, self.name, path, len(data), hashlib.sha256(data).hexdigest(), len(document.pages))]
