"""EPUB 3 output with EbookLib: one XHTML file per section, embedded subset fonts, accessibility metadata.

EbookLib 0.20 needs help to produce a valid, reproducible book (engine notes,
pitfalls 19–24): a stable identifier, ``dir``/``lang`` on every document and on
the package, unique author ids, and a deterministic re-pack of the zip.
"""
from __future__ import annotations

import hashlib
import html
import io
import uuid
import zipfile
from typing import TYPE_CHECKING

from ebooklib import epub

from ..fonts import subset_font
from ..fsutil import atomic_write
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
        book = self._book(job)
        fonts = job.fonts
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
        book.toc = [item for section, item in items if section.kind != "cover"]
        nav = epub.EpubNav(uid="nav", file_name="nav.xhtml", direction=view.dir)
        nav.lang = view.tag
        book.add_item(epub.EpubNcx())
        book.add_item(nav)
        book.spine = [item for _, item in items]
        cover = products.cover_png
        if cover:
            book.set_cover("images/cover.png", cover, create_page=False)
        data = self._pack(book, job)
        path = job.output_path(self.suffix)
        atomic_write(path, data)
        return [Output(view.tag, self.name, path, len(data), hashlib.sha256(data).hexdigest())]

    def _book(self, job: LanguageJob) -> epub.EpubBook:
        """Create the book with its metadata."""
        view = job.view
        book = epub.EpubBook()
        book.set_identifier(book_identifier(job.booklet.slug, view.lang))
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
        for prop, value in ACCESSIBILITY:
            book.add_metadata(None, "meta", value, {"property": prop})
        summary = html.unescape(job.render("epub/accessibility-summary.html").strip())
        book.add_metadata(None, "meta", summary, {"property": "schema:accessibilitySummary"})
        book.add_metadata(None, "meta", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA", {"property": "dcterms:conformsTo"})
        return book

    def _pack(self, book: epub.EpubBook, job: LanguageJob) -> bytes:
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
