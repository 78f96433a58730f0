"""The text layer says what is printed: extracted letters equal the typeset letters on every page, in every script."""
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
from booklet.formats.textlayer import fix_text_layer
from booklet.i18n import load_catalog
from booklet.outputs import LanguageJob
from booklet.render import make_environment, render_view, template_dirs
from booklet.translation import Translator

pytestmark = pytest.mark.engines

SAMPLE = Path(__file__).parent.parent
#: Bidi controls (pdftotext adds embeddings, the templates isolates) and soft hyphens: none is printed.
UNPRINTED = {"\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u00ad",
             # Tatweel only stretches a joining line; Amiri draws its glyph for kashidas it inserts, so a glyph
             # map (one text per glyph) must read it as nothing there, and a typed one extracts as nothing too.
             "\u0640"}


def letters(text: str) -> Counter:
    """Count the printed characters of a text, whitespace and bidi controls left out, in NFC."""
    return Counter(c for c in unicodedata.normalize("NFC", text) if not c.isspace() and c not in UNPRINTED)


def typeset_pages(root: Path, lang: str, tmp_path: Path):
    """Typeset one language; return the document and, per page, the text of every line WeasyPrint draws."""
    booklet = load_booklet(root)
    translator = Translator(lang, None if lang == booklet.source_language else load_catalog(root, lang), root)
    dirs = template_dirs(root)
    env = make_environment(dirs)
    env.install_gettext_translations(translator, newstyle=True)
    job = LanguageJob.of(booklet, render_view(booklet, translator), env, translator, tmp_path, pipeline.build_timestamp(booklet), dirs)
    document, _fonts = typeset(job, render_document_html(job))
    return document, ["".join(box.text for box in page._page_box.descendants(placeholders=True) if isinstance(box, TextBox)) for page in document.pages]


def pdftotext_pages(path: Path) -> list[str]:
    """Return poppler's text of each page."""
    text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.mark.parametrize("lang", ["en", "az", "tr", "ru", "fr", "de", "es", "ar"])
def test_extracted_letters_are_the_typeset_letters(lang, tmp_path):
    document, printed = typeset_pages(SAMPLE, lang, tmp_path)
    pdf = tmp_path / "screen.pdf"
    pdf.write_bytes(document.write_pdf(finisher=fix_text_layer, pdf_tags=True))
    poppler = pdftotext_pages(pdf)
    pypdf = [page.extract_text() for page in PdfReader(pdf).pages]
    assert len(printed) == len(poppler) == len(pypdf)
    for number, (want, got_poppler, got_pypdf) in enumerate(zip(printed, poppler, pypdf), 1):
        assert letters(got_poppler) == letters(want), (number, letters(got_poppler) - letters(want), letters(want) - letters(got_poppler))
        assert letters(got_pypdf) == letters(want), (number, letters(got_pypdf) - letters(want), letters(want) - letters(got_pypdf))
