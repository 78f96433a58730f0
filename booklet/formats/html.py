"""The web edition: one responsive HTML page per language, with its CSS and subset fonts, readable offline.

``<out>/<slug>-<lang>/index.html`` shows every section of the same BookView the
PDF and EPUB use (the blocks come from ``templates/blocks.html``), beside
``style.css``, the booklet's fonts reduced to the glyphs the page needs, and
the images the content shows. Every file is reported as its own Output, so the
pipeline publishes the folder file by file and the manifest lists each file.
"""
from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..errors import BookletError, Location, Problem
from ..fonts import subset_font
from ..fsutil import atomic_write
from ..outputs import LanguageJob, Output
from .styles import check_coverage, stylesheet

if TYPE_CHECKING:
    from . import Products

#: Font files are written as WOFF (zlib, deterministic, no extra dependency), named after the source file.
FONT_FLAVOR = "woff"
#: The cover thumbnail of the download page and of shared links' previews: ``cover.jpg``, this many pixels wide.
THUMBNAIL_NAME, THUMBNAIL_WIDTH = "cover.jpg", 480


def edition_folder(job: LanguageJob) -> Path:
    """Return ``<out>/<slug>-<lang>``, the folder of a language's web edition."""
    return job.out_dir / job.stem


def font_file_name(path: Path) -> str:
    """Return the edition-relative name of a subset font (``fonts/NotoSerif-wdth-wght.woff``)."""
    stem = path.stem.replace("[", "-").replace("]", "").replace(",", "-")
    return f"fonts/{stem}.{FONT_FLAVOR}"


def demote_headings(html: Markup) -> Markup:
    """Turn the blocks' sub-headings (``<h2>``) into ``<h3>``, below the page's section titles.

    Safe on rendered blocks: all text in them is escaped, so a literal ``<h2>`` can only be markup.
    """
    return Markup(str(html).replace("<h2 id=", "<h3 id=").replace("<h2>", "<h3>").replace("</h2>", "</h3>"))


def sibling_downloads(job: LanguageJob, written: Sequence[Output]) -> list[tuple[str, str]]:
    """Return (kind, file name) of the language's other outputs, to link from the edition.

    They are the files the formats before this one wrote in this run (``written``), and the
    language's files that the published manifest lists (``job.published``): nothing is probed on disk.
    """
    stem = job.stem
    names = {output.path.name for output in written} | set(job.published)
    return [(kind, name) for kind, name in (("pdf", f"{stem}.pdf"), ("epub", f"{stem}.epub"),
                                            ("print", f"{stem}-print.pdf"), ("booklet", f"{stem}-booklet.pdf"))
            if name in names]


def cover_thumbnail(png: bytes) -> bytes:
    """Return the EPUB's cover image reduced to ``THUMBNAIL_WIDTH`` pixels wide, as a JPEG (deterministic)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    image = image.resize((THUMBNAIL_WIDTH, round(image.height * THUMBNAIL_WIDTH / image.width)), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, optimize=True)
    return buffer.getvalue()


def _typeset_cover(products: Products) -> bytes | None:
    """Return the cover image when this run already typeset it (PDF or EPUB built); a web-only run skips it."""
    if "cover_png" in products.__dict__ or "layout" in products.__dict__:
        return products.cover_png
    return None


def _image_files(job: LanguageJob) -> list[tuple[Path, str]]:
    """Return (source file, edition-relative name) of every image the sections show."""
    root = job.folder.resolve()
    images = {}
    for section in job.view.sections:
        for block in section.blocks:
            if block["type"] != "image":
                continue
            source = (root / block["file"]).resolve()
            if not source.is_relative_to(root) or not source.is_file():
                raise BookletError([Problem(Location(Path("content")), f"{job.view.lang}: image {block['file']!r} is not a file inside the booklet folder")])
            images[source] = block["file"]
    return sorted(images.items())


class HtmlFormat:
    """The web edition: ``<slug>-<lang>/index.html`` with ``style.css``, fonts and images."""

    name = "html"
    suffix = "/index.html"

    def write(self, job: LanguageJob, products: Products) -> list[Output]:
        """Render and write the edition folder; return one Output per file, the page first."""
        view = job.view
        folder = edition_folder(job)
        page = job.render("html/edition.html", book=view,
                               downloads=sibling_downloads(job, products.written), demote=demote_headings, has_contents=any(s.kind == "contents" for s in view.sections))
        check_coverage(job, page)
        fonts = job.fonts
        files: list[tuple[str, bytes]] = [("index.html", page.encode("utf-8"))]
        css = stylesheet(job, fonts, "style/web.css", url_for=font_file_name)
        files.append(("style.css", css.encode("utf-8")))
        seen = set()
        for spec in fonts:
            for path in spec.files:
                if path not in seen:
                    seen.add(path)
                    files.append((font_file_name(path), subset_font(path, job.subset_text(page), FONT_FLAVOR)))
        for source, name in _image_files(job):
            files.append((name, source.read_bytes()))
        cover = _typeset_cover(products)
        if cover:
            files.append((THUMBNAIL_NAME, cover_thumbnail(cover)))
        outputs = []
        for name, data in files:
            path = folder / name
            atomic_write(path, data)
            outputs.append(Output(view.tag, self.name, path, len(data), hashlib.sha256(data).hexdigest()))
        return outputs

