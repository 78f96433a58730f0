"""EPUB 3 output with EbookLib: one XHTML file per section, embedded subset fonts, accessibility metadata.

EbookLib 0.20 needs help to produce a valid, reproducible book (engine notes,
pitfalls 19–24): a stable identifier, ``dir``/``lang`` on every document and on
the package, unique author ids, and a deterministic re-pack of the zip.
"""
from __future__ import annotations

import dataclasses
import hashlib
import html
import io
import re
import uuid
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ebooklib import epub

from ..fontcache import static_fonts
from ..fonts import describe, subset_font
from ..fsutil import atomic_write
from ..model import FontSpec
from ..outputs import LanguageJob, Output
from .html import _image_files
from .styles import check_coverage, stylesheet

#: Media types of the image files an image block may show (the cover is added by EbookLib).
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml", ".webp": "image/webp"}

if TYPE_CHECKING:
    from . import Products

ACCESSIBILITY = [
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
]
#: lxml's HTML parser inside EbookLib lowercases SVG attributes (engine notes, pitfall 20).
SVG_ATTRIBUTES = (b"viewBox", b"preserveAspectRatio")


def book_identifier(slug: str, lang: str) -> str:
    """Return a stable urn:uuid for a booklet and language."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'booklet:{slug}/{lang}')}"


def _link_files(xhtml: str, view) -> str:
    """Point links to sections (``#id``) at the section's own file, since each section is a file."""
    for section in view.sections:
        xhtml = xhtml.replace(f'href="#{section.id}"', f'href="{section.id}.xhtml#{section.id}"')
    return xhtml


#: Accessibility metadata of a book that marks the printed edition's pages.
PAGE_ACCESSIBILITY = [("schema:accessibilityFeature", "pageBreakMarkers"), ("schema:accessibilityFeature", "pageNavigation")]
#: The weights the stylesheets use: the EPUB carries static instances of these (older reading systems
#: ignore variable fonts' axes and show one weight).
EPUB_WEIGHTS = (400, 700)


def print_identifier(slug: str, lang: str) -> str:
    """Return the stable urn:uuid that names the printed edition (the PDF) the page list follows."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'booklet:{slug}/{lang}/pdf')}"


def epub_fonts(fonts: Sequence[FontSpec]) -> list[FontSpec]:
    """Return the fonts with variable files replaced by static instances at the stylesheets' weights."""
    chosen = []
    for spec in static_fonts(fonts):
        files = tuple(p for p in spec.files if describe(p).weight in (None, *EPUB_WEIGHTS))
        chosen.append(dataclasses.replace(spec, files=files or spec.files))
    return chosen


def page_breaks(view, pages_of: dict[str, int]) -> dict[str, int]:
    """Return element id → printed page number for the first element (in reading order) that starts each page.

    Pages where no section or block begins (one long paragraph) and the contents pages have no marker.
    """
    found: dict[str, int] = {}
    marked: set[int] = set()
    for section in view.sections:
        if section.kind == "contents":
            continue
        for element in (section.id, *(block["id"] for block in section.blocks)):
            page = pages_of.get(element)
            if page is not None and page not in marked and (not marked or page > max(marked)):
                found[element] = page
                marked.add(page)
    return found


def page_label(number: int, digits: str) -> str:
    """Return a page number in the language's digits, as the printed page shows it."""
    return "".join(digits[int(d)] for d in str(number))


#: A start tag, and an id attribute in it.
START_TAG = re.compile(r"<\w+\b[^>]*>")
ID_ATTRIBUTE = re.compile(r'\bid="([^"]*)"')


def add_page_breaks(xhtml: str, breaks: dict[str, int], digits: str) -> str:
    """Insert an EPUB page-break marker before each element that starts a printed page (one pass over the text)."""
    pending = dict(breaks)

    def marked(tag: re.Match) -> str:
        """Return the tag, after the marker of the first page that starts with it, if any."""
        for element in ID_ATTRIBUTE.findall(tag.group(0)):
            if element in pending:
                page = pending.pop(element)
                return (f'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{page}" '
                        f'aria-label="{page_label(page, digits)}"></span>') + tag.group(0)
        return tag.group(0)

    return START_TAG.sub(marked, xhtml) if pending else xhtml


def table_of_contents(items: list) -> list:
    """Return the navigation: each chapter, with its sub-headings as the PDF's bookmarks have them."""
    toc = []
    for section, item in items:
        if section.kind == "cover":
            continue
        subs = [epub.Link(f"{item.file_name}#{block['id']}", block["text"], block["id"])
                for block in section.blocks if block["type"] == "heading"]
        toc.append((epub.Section(section.title_text, item.file_name), subs) if subs else item)
    return toc


def extra_navigation(view, items: list, breaks: dict[str, int], digits: str) -> str:
    """Return the landmarks and page-list navigation that EbookLib cannot write as we need them.

    The contents are no landmark: the navigation document is not in the spine (EPUBCheck RSC-011).
    """
    files = {section.id: item.file_name for section, item in items}
    marks = []
    cover = [s for s, _ in items if s.kind == "cover"][:1]
    body = [s for s, _ in items if s.kind == "chapter"][:1]
    for section, kind in ((cover[0] if cover else None, "cover"), (body[0] if body else None, "bodymatter")):
        if section is not None:
            marks.append(f'<li><a epub:type="{kind}" href="{files[section.id]}">{html.escape(section.title_text)}</a></li>')
    navigation = f'<nav epub:type="landmarks" id="landmarks" hidden="hidden"><ol>{"".join(marks)}</ol></nav>\n'
    where = {element: files[section.id] for section, _ in items for element in (section.id, *(b["id"] for b in section.blocks))}
    pages = "".join(f'<li><a href="{where[element]}#page-{page}">{page_label(page, digits)}</a></li>'
                    for element, page in sorted(breaks.items(), key=lambda pair: pair[1]) if element in where)
    if pages:
        navigation += f'<nav epub:type="page-list" id="page-list" hidden="hidden"><ol>{pages}</ol></nav>\n'
    return navigation


class EpubFormat:
    """The reflowable EPUB 3 book."""

    name = "epub"
    suffix = ".epub"

    def write(self, job: LanguageJob, products: Products) -> list[Output]:
        """Build and write ``<slug>-<lang>.epub``; its cover image is the first page of the shared layout."""
        view = job.view
        chapters = {s.id: _link_files(job.render("epub/chapter.xhtml", book=view, section=s), view)
                    for s in view.sections if s.kind != "contents"}
        all_text = "".join(chapters.values())
        check_coverage(job, all_text)
        layout = products.layout   # the printed edition's pages: where each section and block begins
        chapters = {name: add_page_breaks(xhtml, page_breaks(view, layout.pages_of), view.digits)
                    for name, xhtml in chapters.items()}
        book = self._book(job, has_pages=bool(layout.pages_of))
        fonts = epub_fonts(job.fonts)
        font_names = {}
        for spec in fonts:
            for path in spec.files:
                name = f"fonts/{path.stem.replace('[', '-').replace(']', '').replace(',', '-')}.ttf"
                font_names[path] = name
                book.add_item(epub.EpubItem(uid=f"font-{len(font_names)}", file_name=name, media_type="font/ttf",
                                            content=subset_font(path, job.subset_text(all_text))))
        css = epub.EpubItem(uid="style", file_name="style/book.css", media_type="text/css",
                            content=stylesheet(job, fonts, "style/epub.css", url_for=lambda p: "../" + font_names[p]).encode())
        book.add_item(css)
        for index, (source, name) in enumerate(_image_files(job)):
            book.add_item(epub.EpubItem(uid=f"image-{index}", file_name=name, content=source.read_bytes(),
                                        media_type=IMAGE_TYPES[source.suffix.lower()]))
        items = []
        for section in view.sections:
            if section.kind == "contents":
                continue
            item = epub.EpubHtml(title=section.title_text, file_name=f"{section.id}.xhtml", lang=view.tag,
                                 direction=view.dir, uid=f"s-{section.id}")
            item.content = chapters[section.id].encode("utf-8")
            item.add_item(css)
            if b"<svg" in item.content:
                item.properties.append("svg")
            book.add_item(item)
            items.append((section, item))
        book.toc = table_of_contents(items)
        nav = epub.EpubNav(uid="nav", file_name="nav.xhtml", direction=view.dir)
        nav.lang = view.tag
        book.add_item(epub.EpubNcx())
        book.add_item(nav)
        book.spine = [item for _, item in items]
        cover = products.cover_png
        if cover:
            book.set_cover("images/cover.png", cover, create_page=False)
        data = self._pack(book, job, extra_navigation(view, items, page_breaks(view, layout.pages_of), view.digits))
        path = job.output_path(self.suffix)
        atomic_write(path, data)
        return [Output(view.tag, self.name, path, len(data), hashlib.sha256(data).hexdigest())]

    def _book(self, job: LanguageJob, has_pages: bool = False) -> epub.EpubBook:
        """Create the book with its metadata; ``has_pages``: it marks the printed edition's page breaks."""
        view = job.view
        book = epub.EpubBook()
        book.set_identifier(book_identifier(view.slug, view.lang))
        book.set_title(view.title_text)
        book.set_language(view.tag)
        if view.dir == "rtl":
            book.set_direction("rtl")
        for index, author in enumerate(view.authors or [view.publisher]):
            book.add_author(author, uid=f"creator{index}")
        book.add_metadata("DC", "publisher", view.publisher)
        book.add_metadata("DC", "rights", view.license)
        book.add_metadata("DC", "date", view.edition_iso)
        if view.description:
            book.add_metadata("DC", "description", view.description)
        for keyword in view.keywords:
            book.add_metadata("DC", "subject", keyword)
        for prop, value in ACCESSIBILITY + (PAGE_ACCESSIBILITY if has_pages else []):
            book.add_metadata(None, "meta", value, {"property": prop})
        if has_pages:
            # dc:source refined as the source of the pagination: what Ace's epub-pagesource rule asks for.
            book.add_metadata("DC", "source", print_identifier(view.slug, view.lang), {"id": "print-source"})
            book.add_metadata(None, "meta", "pagination", {"refines": "#print-source", "property": "source-of"})
        summary = html.unescape(job.render("epub/accessibility-summary.html").strip())
        book.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary"})
        book.add_metadata(None, "meta", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA", {"property": "dcterms:conformsTo"})
        return book

    def _pack(self, book: epub.EpubBook, job: LanguageJob, navigation: str = "") -> bytes:
        """Write the EPUB and re-pack it deterministically, with language and direction on the package."""
        raw = io.BytesIO()
        epub.write_epub(raw, book, {"mtime": job.timestamp, "raise_exceptions": True, "play_order": {"enabled": True},
                                  "epub3_pages": False})
        source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
        stamp = max((1980, 1, 1, 0, 0, 0), min(job.timestamp.timetuple()[:6], (2107, 12, 31, 23, 59, 58)))  # ZIP's range
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                data = self._fix(info.filename, source.read(info.filename), job)
                if info.filename.endswith("/nav.xhtml"):
                    data = data.replace(b"</body>", navigation.encode("utf-8") + b"</body>", 1)
                entry = zipfile.ZipInfo(info.filename, date_time=stamp)
                entry.external_attr = 0o644 << 16
                entry.create_system = 3
                entry.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
                target.writestr(entry, data, compresslevel=9)
        return out.getvalue()

    @staticmethod
    def _fix(name: str, data: bytes, job: LanguageJob) -> bytes:
        """Patch what EbookLib cannot express: package language/direction and SVG attribute case."""
        if name.endswith(".opf"):
            tag = job.view.tag.encode()
            return data.replace(b'<package xmlns="http://www.idpf.org/2007/opf"',
                                b'<package xmlns="http://www.idpf.org/2007/opf" xml:lang="' + tag + b'" dir="' + job.view.dir.encode() + b'"', 1)
        if name.endswith(".xhtml"):
            for attribute in SVG_ATTRIBUTES:
                data = data.replace(attribute.lower() + b"=", attribute + b"=")
        return data
