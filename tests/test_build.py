"""End-to-end builds with the real engines, checked structurally (PDF with pypdf, EPUB as zip + EPUBCheck)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile

import pytest
from pypdf import PdfReader

from booklet import pipeline
from booklet.pipeline import BuildOptions

from .conftest import PROJECT_ROOT
from .pdfcheck import DC, OPF, epub_package, epubcheck, has_phrase, pdf_fonts, pdf_text

pytestmark = pytest.mark.engines   # every test here builds with WeasyPrint or EbookLib


def test_every_language_and_format_is_written_with_a_manifest(multilingual_build):
    root, out, results = multilingual_build
    names = {p.name for p in out.iterdir()}
    assert {"manifest.json", "index.html", ".booklet-state.json"} <= names
    assert {f"multi-{lang}{end}" for lang in ("en", "ru", "ar") for end in (".pdf", ".epub", "-print.pdf", "-booklet.pdf")} <= names
    manifest = json.loads((out / "manifest.json").read_text())
    entries = {(e["lang"], e["format"]): e for e in manifest["outputs"] if e["format"] in ("pdf", "epub")}
    assert set(entries) == {(lang, fmt) for lang in ("en", "ru", "ar") for fmt in ("pdf", "epub")}
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
    for (_lang, fmt), entry in entries.items():
        assert (out / entry["path"]).stat().st_size == entry["bytes"]
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
        assert ("pages" in entry) == (fmt == "pdf")


@pytest.mark.parametrize(("lang", "date", "number", "hostages"), [
    ("en", "February 26, 1992", "1,275", "1,275 people were taken hostage"),
    ("ru", "26 февраля 1992 г.", "1 275", "1 275 человек были взяты в заложники"),
    ("ar", "26 فبراير 1992", "1,275", "1,275 شخصًا"),
])
def test_pdf_text_shows_locale_dates_numbers_and_plurals(multilingual_build, lang, date, number, hostages):
    _root, out, _results = multilingual_build
    text = pdf_text(out / f"multi-{lang}.pdf")
    assert has_phrase(text, date, rtl=lang == "ar")
    assert number in text
    assert has_phrase(text, hostages, rtl=lang == "ar")


def test_russian_chart_label_uses_the_many_form_and_families_the_few_form(multilingual_build):
    _root, out, _results = multilingual_build
    text = pdf_text(out / "multi-ru.pdf")
    assert "человек взяты в заложники" in text      # 1275 → many
    assert "семей уничтожено" in text                # 8 → many
    assert "семья уничтожена" not in text


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
def test_pdf_is_tagged_with_language_title_and_embedded_fonts(multilingual_build, lang):
    _root, out, _results = multilingual_build
    reader = PdfReader(out / f"multi-{lang}.pdf")
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == lang
    assert "/StructTreeRoot" in catalog
    assert reader.metadata.title == {"en": "Remembrance", "ru": "Память", "ar": "ذكرى"}[lang]
    fonts = pdf_fonts(out / f"multi-{lang}.pdf")
    assert fonts and all(fonts.values()), fonts
    families = " ".join(fonts)
    assert ("Amiri" in families) == (lang == "ar")


def test_pdf_outline_follows_chapter_headings_not_cover_or_contents(multilingual_build):
    _root, out, _results = multilingual_build
    titles = [item.title for item in PdfReader(out / "multi-en.pdf").outline if not isinstance(item, list)]
    assert titles == ["The toll", "Sources"]


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
def test_epub_structure_language_direction_and_navigation(multilingual_build, lang):
    _root, out, _results = multilingual_build
    path = out / f"multi-{lang}.epub"
    with zipfile.ZipFile(path) as book:
        first = book.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        documents = [n for n in book.namelist() if n.endswith(".xhtml") and not n.endswith("nav.xhtml")]
        direction = "rtl" if lang == "ar" else "ltr"
        for name in documents:
            html = book.read(name).decode()
            assert f'dir="{direction}"' in html, name
            assert f'lang="{lang}"' in html, name
    package = epub_package(path)
    assert package.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    assert package.get("dir") == direction
    assert package.find(f"{OPF}metadata/{DC}language").text == lang
    spine = package.find(f"{OPF}spine")
    assert spine.get("page-progression-direction") == ("rtl" if lang == "ar" else None)
    assert [i.get("idref") for i in spine] == ["s-cover", "s-toll", "s-sources"]
    properties = [m.get("property") for m in package.iter(f"{OPF}meta")]
    for required in ("schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
                     "schema:accessibilityHazard", "schema:accessibilitySummary", "dcterms:conformsTo"):
        assert required in properties


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_epubcheck_finds_no_errors_or_warnings(multilingual_build, lang):
    _root, out, _results = multilingual_build
    messages = epubcheck(out / f"multi-{lang}.epub")
    assert [m for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []


def test_two_builds_are_byte_identical(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = project("minimal")
    first = pipeline.build(root, tmp_path / "one", BuildOptions(jobs=1)).results
    second = pipeline.build(root, tmp_path / "two", BuildOptions(jobs=1)).results
    assert [o.sha256 for r in first for o in r.outputs] == [o.sha256 for r in second for o in r.outputs]


def test_uncovered_character_fails_naming_language_character_and_string(make_project, tmp_path):
    root = make_project({"content/sections/first.yaml": "title: Chapter\nblocks:\n  - paragraph: Syriac ܐ letter.\n"})
    with pytest.raises(pipeline.BookletError) as caught:
        pipeline.build(root, tmp_path / "out", BuildOptions(jobs=1))
    assert [str(p) for p in caught.value.problems] == [
        "content/sections/first.yaml:3:16: error: en: no declared font covers 'ܐ' (U+0710) in 'Syriac ܐ letter.'; "
        "declare a font for this language in booklet.yaml"]
    assert not (tmp_path / "out" / "minimal-en.pdf").exists()


def test_back_cover_carries_the_download_address_and_its_qr_code(multilingual_build):
    _root, out, _results = multilingual_build
    last = PdfReader(out / "multi-en.pdf").pages[-1]
    text = " ".join(last.extract_text().split())
    assert "Read and download this booklet in other languages: https://" in text and "example.org/multi/" in text
    content = last.get_contents().get_data()
    assert content.count(b" l\n") > 100, "the QR code's modules are drawn as vector lines"
    first = PdfReader(out / "multi-en.pdf").pages[1].get_contents().get_data()
    assert first.count(b" l\n") < 20


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_epub_has_a_cover_image_made_from_the_cover_page(multilingual_build, lang):
    _root, out, _results = multilingual_build
    package = epub_package(out / f"multi-{lang}.epub")
    covers = [item for item in package.iter(f"{OPF}item") if "cover-image" in (item.get("properties") or "")]
    assert len(covers) == 1 and covers[0].get("media-type") == "image/png"
    with zipfile.ZipFile(out / f"multi-{lang}.epub") as book:
        image = book.read("EPUB/" + covers[0].get("href"))
    assert image.startswith(b"\x89PNG") and len(image) > 5000


ACE = PROJECT_ROOT / ".tools" / "node_modules" / ".bin" / "ace-cli"


@pytest.mark.skipif(not ACE.exists() or not shutil.which("chromium"), reason="Ace by DAISY is not installed (scripts/install.sh)")
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_ace_by_daisy_passes(multilingual_build, lang, tmp_path):
    _root, out, _results = multilingual_build
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium")}
    subprocess.run([str(ACE), "-s", "-f", "-o", str(tmp_path / "report"), str(out / f"multi-{lang}.epub")],
                   env=env, check=True, capture_output=True, timeout=300)
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    violations = [(x["earl:test"]["earl:impact"], x["earl:test"]["dct:title"], a["earl:testSubject"]["url"])
                  for a in report["assertions"] for x in a["assertions"]]
    assert (report["earl:result"]["earl:outcome"], violations) == ("pass", [])
