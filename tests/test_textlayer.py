"""The text layer says what is printed: extracted letters equal the typeset letters on every page, in every script.

Two outside readers: poppler's pdftotext, and pypdf. pdftotext honours /ActualText (PDF 32000-1 §14.9.4);
pypdf 7's ``extract_text`` does not, so ``pypdf_text`` reads with pypdf's own parser and ToUnicode decoding
and puts each /ActualText span's text in place of its glyphs, as the standard asks of a reader. Whitespace and
format characters (Unicode Cf: bidi controls, soft hyphen, ZWJ, ZWNJ) are drawn as nothing and left out.
Left-to-right pages are compared in order (each text box's letters appear in the extracted page as typeset:
a pre-base vowel sign extracted before its consonant fails); right-to-left pages by their letters, because
glyphs are drawn in visual order and each extractor reorders them with its own heuristics (poppler moves a
final full stop before its word, pypdf reverses runs of digits).
"""
from __future__ import annotations

import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader
from weasyprint.formatting_structure.boxes import TextBox

from booklet import pipeline
from booklet.content import load_booklet
from booklet.formats.pdf import render_document_html, typeset
from booklet.formats.textlayer import finish_text_layer
from booklet.i18n import load_catalog
from booklet.outputs import LanguageJob
from booklet.render import make_environment, render_view, template_dirs
from booklet.translation import Translator

pytestmark = pytest.mark.engines

SAMPLE = Path(__file__).parent.parent
WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
#: Tatweel only stretches a joining line; Amiri draws its glyph for kashidas it inserts, so a glyph
#: map (one text per glyph) must read it as nothing there, and a typed one extracts as nothing too.
UNPRINTED = {"\u0640"}


def printed(text: str) -> str:
    """Return the printed characters of a text in NFC: no whitespace, no format characters (Cf), no tatweel."""
    return "".join(c for c in unicodedata.normalize("NFC", text)
                   if not c.isspace() and unicodedata.category(c) != "Cf" and c not in UNPRINTED)


def letters(text: str) -> Counter:
    """Count the printed characters of a text."""
    return Counter(printed(text))


def typeset_pages(root: Path, lang: str, tmp_path: Path):
    """Typeset one language; return the document and, per page, the text of each text box WeasyPrint draws."""
    booklet = load_booklet(root)
    translator = Translator(lang, None if lang == booklet.source_language else load_catalog(root, lang), root)
    dirs = template_dirs(root)
    env = make_environment(dirs)
    env.install_gettext_translations(translator, newstyle=True)
    job = LanguageJob.of(booklet, render_view(booklet, translator), env, translator, tmp_path, pipeline.build_timestamp(booklet), dirs)
    document = typeset(job, render_document_html(job))
    return document, [[box.text for box in page._page_box.descendants(placeholders=True) if isinstance(box, TextBox)] for page in document.pages]


def pdftotext_pages(path: Path) -> list[str]:
    """Return poppler's text of each page."""
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


def pypdf_text(page) -> str:
    """Return a page's text as pypdf reads it, each /ActualText span's text standing for the glyphs it spans."""
    pieces: list[str] = []
    spans: list[str | None] = []

    def operator(name, operands, _cm, _tm):
        if name in (b"BDC", b"BMC"):
            properties = operands[1] if name == b"BDC" and len(operands) > 1 else {}
            actual = properties.get("/ActualText") if hasattr(properties, "get") else None
            spans.append(None if actual is None or any(s is not None for s in spans) else str(actual))
        elif name == b"EMC" and spans and (actual := spans.pop()) is not None:
            pieces.append(actual)

    def text(piece, *_):
        if all(s is None for s in spans):
            pieces.append(piece)

    page.extract_text(visitor_operand_before=operator, visitor_text=text)
    return "".join(pieces)


def right_to_left(lang: str) -> bool:
    """Tell whether a language is written right to left."""
    return lang in ("ar", "he", "fa")


def assert_same_text(number: int, boxes: list[str], extracted: str, rtl: bool) -> None:
    """Assert that a page's extracted text has the typeset letters, and for left-to-right text each box's letters in order."""
    want, got = letters("".join(boxes)), letters(extracted)
    assert got == want, (number, "extra", dict(got - want), "missing", dict(want - got))
    if not rtl:
        page = printed(extracted)
        assert [box for box in boxes if printed(box) not in page] == [], number


CASES = [*((SAMPLE, lang) for lang in ["en", "az", "tr", "ru", "fr", "de", "es", "ar"]),
         *((WORLD, lang) for lang in ["en", "hi", "th", "he", "fa", "ja", "pt_BR"])]


@pytest.mark.parametrize(("root", "lang"), CASES, ids=[f"{'sample' if root == SAMPLE else 'world'}-{lang}" for root, lang in CASES])
def test_extracted_text_is_the_typeset_text(root, lang, tmp_path):
    document, boxes = typeset_pages(root, lang, tmp_path)
    pdf = tmp_path / "screen.pdf"
    pdf.write_bytes(document.write_pdf(finisher=finish_text_layer, pdf_tags=True))
    poppler = pdftotext_pages(pdf)
    pypdf = [pypdf_text(page) for page in PdfReader(pdf).pages]
    assert len(boxes) == len(poppler) == len(pypdf)
    for number, (want, got_poppler, got_pypdf) in enumerate(zip(boxes, poppler, pypdf), 1):
        assert_same_text(number, want, got_poppler, right_to_left(lang))
        assert_same_text(number, want, got_pypdf, right_to_left(lang))


def test_a_glyph_reads_as_its_own_character_and_a_kashida_as_nothing():
    from booklet.formats.textlayer import right_text

    assert right_text("", ["า", ""], "า") == "า", "Thai sara aa first met inside «ำ»"
    assert right_text("ो", ["ा", "ो"], "ा") == "ा", "Devanagari aa first met inside «ो»"
    assert right_text("ل", ["ـ", "", "ــ", "ـــا"], "ـ") == "", "Amiri's kashida glyph after a lam"
    assert right_text("ـ", ["ـ", ""], "ـ") == "ـ", "a typed tatweel"
    assert right_text("fi", ["fi"]) == "fi"


def test_glyphs_spell_left_to_right_text_in_order_and_right_to_left_text_by_letters():
    from booklet.formats.textlayer import spells

    assert spells("कि", "कि") and not spells("िक", "कि"), "a pre-base vowel sign drawn before its consonant"
    assert spells("بتك", "كتب"), "right-to-left glyphs are in visual order"
    assert not spells(".2025", "2025."), "a full stop moved by the bidi algorithm in a right-to-left line"
    assert spells("میخواهم", "می\u200cخواهم"), "ZWNJ is drawn as nothing"
