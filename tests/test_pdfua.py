"""PDF/UA-1 rules checked with our own checker (tests/pdfua.py) on the sample's screen PDFs."""
from __future__ import annotations

from pathlib import Path

import pytest

from booklet import pipeline
from booklet.pipeline import BuildOptions

from .pdfua import check

pytestmark = pytest.mark.engines

SAMPLE = Path(__file__).parent.parent


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_screen_pdf_breaks_no_checked_pdfua_rule(lang, tmp_path):
    out = tmp_path / "out"
    pipeline.build(SAMPLE, out, BuildOptions(langs=[lang], formats=["pdf"], jobs=1, force=True))
    assert check(out / f"khojaly-1992-{lang}.pdf") == []


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_links_are_described_by_their_target_not_its_id(lang, tmp_path):
    from pypdf import PdfReader

    out = tmp_path / "out"
    pipeline.build(SAMPLE, out, BuildOptions(langs=[lang], formats=["pdf"], jobs=1, force=True))
    links = [a.get_object() for page in PdfReader(out / f"khojaly-1992-{lang}.pdf").pages for a in page.get("/Annots") or []]
    described = {str(a["/Dest"]): str(a["/Contents"]) for a in links if "/Dest" in a}
    assert described["sources"] == {"en": "Sources", "ar": "المصادر"}[lang]
    assert len(described) == 10 and all(text != name for name, text in described.items())


def test_the_checker_names_the_rules_weasyprint_alone_breaks(tmp_path):
    from weasyprint import HTML

    html = ('<html lang="en"><head><title>T</title></head><body><h1 id="top">Top</h1>'
            '<svg width="10" height="10"><rect width="10" height="10"/></svg><a href="#top">up</a></body></html>')
    path = tmp_path / "plain.pdf"
    HTML(string=html).write_pdf(path, pdf_variant="pdf/ua-1")
    assert sorted({failure.rule for failure in check(path)}) == ["7.18.5-2", "7.3-1"]
