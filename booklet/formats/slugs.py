"""The print-shop PDF's slug lines: typeset together in one WeasyPrint run, then cut into one form per line.

Every slug line (:func:`booklet.formats.prepress.slug_texts`) is a paragraph one
line high; :data:`LINES_PER_PAGE` of them fill a page. WeasyPrint sets each
line's text with its own text matrix (``Tm``), so the lines of a page are told
apart by the matrix's vertical position, and each becomes a form XObject of its
own whose bounding box is its line (and clips it), without the text the other
lines show: a page of the print PDF then carries its own slug line only, in its
drawing and in its text. Typesetting a page of ten lines costs about what one
page of one line costs.
"""
from __future__ import annotations

import dataclasses
import hashlib
from html import escape

import pikepdf
from pikepdf import Array, Name, Operator
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..fontcache import font_clock, static_fonts
from ..fonts import FontSpec, describe, font_face_css, font_stack
from ..outputs import LanguageJob
from .pdf import SafeFetcher, collect_weasyprint_logs
from .prepress import PT_PER_MM

#: Slug lines per typeset page: each line's form keeps the page's other operators, only not their text.
LINES_PER_PAGE = 10
TEXT_MATRIX = Operator("Tm")
TEXT_SHOWING = {Operator("TJ"), Operator("Tj"), Operator("'"), Operator('"')}


def line_forms(typeset: pikepdf.Pdf, line_height_mm: float) -> list[pikepdf.Stream]:
    """Return one form XObject per slug line of :func:`typeset_slug_lines`' PDF, in the order of its lines."""
    return [form for page in typeset.pages for form in _line_forms(typeset, page, line_height_mm * PT_PER_MM)]


def typeset_slug_lines(job: LanguageJob, texts: list[str], width_mm: float, height_mm: float) -> bytes:
    """Return the slug lines typeset :data:`LINES_PER_PAGE` to a page, in the booklet's fonts."""
    fonts = _regular_faces(static_fonts(job.fonts))
    fetcher = SafeFetcher(*(p.parent for f in fonts for p in f.files))
    font_config = FontConfiguration()
    css = CSS(string="\n".join([
        font_face_css(fonts),
        f"html {{ font-family: {font_stack(job.fonts, job.view.lang)}; font-size: 6pt; color: #000; }}",
        f"@page {{ size: {width_mm}mm {LINES_PER_PAGE * height_mm + 1}mm; margin: 0; }}",
        f"body {{ margin: 0; }} p {{ margin: 0; height: {height_mm}mm; line-height: {height_mm}mm; white-space: nowrap; }}",
        f"p:nth-child({LINES_PER_PAGE}n) {{ break-after: page; }}",
    ]), url_fetcher=fetcher, font_config=font_config)
    body = "".join(f"<p>{escape(text)}</p>" for text in texts)
    html = f'<!DOCTYPE html><html lang="{job.view.tag}" dir="{job.view.dir}"><body>{body}</body></html>'
    with collect_weasyprint_logs(), font_clock(job.timestamp):
        return HTML(string=html, url_fetcher=fetcher).write_pdf(
            stylesheets=[css], font_config=font_config,
            pdf_identifier=hashlib.sha256(f"{job.view.slug}/{job.view.lang}/slug".encode()).hexdigest()[:32].encode())


def _regular_faces(fonts: list[FontSpec]) -> list[FontSpec]:
    """Keep each font's upright regular files (all of them if it has none): the slug line uses no other face."""
    def regular(path) -> bool:
        face = describe(path)
        return face.style == "normal" and face.weight in (None, 400)

    return [dataclasses.replace(spec, files=tuple(filter(regular, spec.files)) or spec.files) for spec in fonts]


def _line_forms(pdf: pikepdf.Pdf, page: pikepdf.Page, line_height: float) -> list[pikepdf.Stream]:
    """Cut a page of slug lines into one form per line, top line first; each form's BBox is its line."""
    instructions = pikepdf.parse_content_stream(page)
    media = [float(v) for v in page.mediabox]
    forms = []
    for index, line in enumerate(_line_positions(instructions)):
        top = media[3] - index * line_height
        content = pikepdf.unparse_content_stream(_one_line(instructions, line))
        forms.append(pdf.make_indirect(pdf.make_stream(content, Type=Name.XObject, Subtype=Name.Form, Resources=page.Resources,
                                                       BBox=Array([media[0], top - line_height, media[2], top]))))
    return forms


def _line_positions(instructions) -> list[float]:
    """Return the vertical positions of the page's text matrices, top line first (WeasyPrint flips the page)."""
    return sorted({_line(instruction) for instruction in instructions if instruction.operator == TEXT_MATRIX})


def _line(instruction) -> float:
    """Return the vertical position a ``Tm`` operator sets, rounded to tell lines apart."""
    return round(float(instruction.operands[5]), 2)


def _one_line(instructions, line: float) -> list:
    """Return the page's operators without the text that other lines show (state, clips and fonts are kept)."""
    kept, current = [], None
    for instruction in instructions:
        if instruction.operator == TEXT_MATRIX:
            current = _line(instruction)
        elif instruction.operator in TEXT_SHOWING and current != line:
            continue
        elif instruction.operator in TEXT_SHOWING and current is None:
            raise ValueError("a slug line shows text before setting its text matrix")
        kept.append(instruction)
    return kept
