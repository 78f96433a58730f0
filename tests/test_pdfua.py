"""PDF/UA-1 rules checked with our own checker (tests/pdfua.py) on every screen PDF of the sample and the world fixture."""
from __future__ import annotations

import pytest

from booklet import pipeline
from booklet.pipeline import BuildOptions

from .pdfua import Failure, check, tagged_languages

pytestmark = pytest.mark.engines

SAMPLE_TAGS = ["en", "az", "tr", "ru", "fr", "de", "es", "ar"]
WORLD_TAGS = ["en", "hi", "th", "he", "fa", "ja", "pt-BR"]


@pytest.mark.parametrize("tag", SAMPLE_TAGS)
def test_sample_screen_pdf_breaks_no_checked_pdfua_rule(sample_build, tag):
    assert check(sample_build[1] / f"khojaly-1992-{tag}.pdf") == []


@pytest.mark.parametrize("tag", WORLD_TAGS)
def test_world_screen_pdf_breaks_no_checked_pdfua_rule(world_build, tag):
    assert check(world_build[1] / f"world-{tag}.pdf") == []


@pytest.mark.parametrize("tag", ["en", "ar"])
def test_links_are_described_by_their_target_not_its_id(sample_build, tag):
    from pypdf import PdfReader

    links = [a.get_object() for page in PdfReader(sample_build[1] / f"khojaly-1992-{tag}.pdf").pages for a in page.get("/Annots") or []]
    described = {str(a["/Dest"]): str(a["/Contents"]) for a in links if "/Dest" in a}
    assert described["sources"] == {"en": "Sources", "ar": "المصادر"}[tag]
    assert len(described) == 10 and all(text != name for name, text in described.items())


def test_the_checker_names_the_rules_weasyprint_alone_breaks(tmp_path):
    from weasyprint import HTML

    html = ('<html lang="en"><head><title>T</title></head><body><h1 id="top">Top</h1>'
            '<svg width="10" height="10"><rect width="10" height="10"/></svg><a href="#top">up</a></body></html>')
    path = tmp_path / "plain.pdf"
    HTML(string=html).write_pdf(path, pdf_variant="pdf/ua-1")
    assert sorted({failure.rule for failure in check(path)}) == ["7.18.5-2", "7.3-1"]


def test_the_checker_finds_unmarked_content_in_an_untagged_pdf(tmp_path):
    from weasyprint import HTML

    path = tmp_path / "untagged.pdf"
    HTML(string='<html lang="en"><head><title>T</title></head><body><p>Text</p></body></html>').write_pdf(path)
    assert [f for f in check(path) if f.rule in ("7.1-1", "7.1-3")] == [
        Failure("7.1-3", "page 1: TJ outside marked content"), Failure("7.1-1", "no StructTreeRoot")]


def test_words_in_another_language_carry_it_in_the_tag_tree(project):
    """A [words]{lang=xx} span inside a translation and an untranslated template string: /Lang on their elements."""
    root = project("multilingual")
    catalog = root / "locales" / "ar" / "LC_MESSAGES" / "booklet.po"
    text = catalog.read_text(encoding="utf-8")
    text = text.replace('msgid "The assault."\nmsgstr "', 'msgid "The assault."\nmsgstr "[The Washington Post]{lang=en}: ', 1)
    text = text.replace('msgid "Edition date"\nmsgstr "تاريخ الطبعة"', 'msgid "Edition date"\nmsgstr ""', 1)
    catalog.write_text(text, encoding="utf-8")
    pipeline.build(root, root / "dist", BuildOptions(langs=["ar"], formats=["pdf"], jobs=1))
    assert tagged_languages(root / "dist" / "multi-ar.pdf") == [("en", "The Washington Post"), ("en", "Edition date")]


def test_sample_arabic_pdf_tags_the_latin_names_of_newspapers_as_english(sample_build):
    spans = tagged_languages(sample_build[1] / "khojaly-1992-ar.pdf")
    assert ("en", "The Washington Post") in spans and ("en", "Black Garden") in spans
    assert ("tr", "Milliyet") in spans
