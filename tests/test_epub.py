"""The EPUB beyond validity: navigation with sub-headings, landmarks, a page list that follows the printed
edition, keep-together rules, static fonts; EPUBCheck and Ace clean on the world fixture.

Oracles: the PDF built in the same run (pypdf's text of the page each page-list entry names),
fontTools (no variation table in the packaged fonts), EPUBCheck and Ace by DAISY.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from .pdfcheck import epubcheck, normalise

pytestmark = pytest.mark.engines

TAGS = ["en", "hi", "th", "he", "fa", "ja", "pt-BR"]
ACE = Path(__file__).parent.parent / ".tools" / "node_modules" / ".bin" / "ace-cli"
NAV = re.compile(r'<nav epub:type="(?P<type>[\w-]+)"[^>]*>(?P<body>.*?)</nav>', re.S)


def _navs(book: zipfile.ZipFile) -> dict[str, str]:
    """Return the navigation document's nav elements by epub:type."""
    return {m["type"]: m["body"] for m in NAV.finditer(book.read("EPUB/nav.xhtml").decode())}


@pytest.mark.parametrize("tag", TAGS)
def test_navigation_has_the_sub_headings_and_landmarks(world_all, tag):
    with zipfile.ZipFile(world_all / f"world-{tag}.epub") as book:
        navs = _navs(book)
        rivers = book.read("EPUB/rivers.xhtml").decode()
    heading = re.search(r'<h2 id="(rivers-b\d+)">([^<]+)</h2>', rivers)
    # The chapter's entry holds a nested list with its sub-heading, as the PDF bookmarks do.
    assert re.search(rf'<a href="rivers.xhtml">[^<]+</a>\s*<ol>\s*<li>\s*<a href="rivers.xhtml#{heading[1]}">{re.escape(heading[2])}</a>',
                     navs["toc"]), navs["toc"]
    assert re.findall(r'epub:type="(\w+)" href="(\w+).xhtml"', navs["landmarks"]) == [("cover", "cover"), ("bodymatter", "rivers")]


@pytest.mark.parametrize("tag", TAGS)
def test_page_list_points_at_the_printed_pages(world_all, tag):
    pdf = PdfReader(world_all / f"world-{tag}.pdf")
    with zipfile.ZipFile(world_all / f"world-{tag}.epub") as book:
        entries = re.findall(r'<a href="(\w+).xhtml#page-(\d+)">([^<]+)</a>', _navs(book)["page-list"])
        assert [int(page) for _, _, page in entries] == sorted({int(page) for _, _, page in entries})
        assert len(entries) >= 3
        for name, page, label in entries:
            xhtml = book.read(f"EPUB/{name}.xhtml").decode()
            marker = re.search(rf'<span epub:type="pagebreak" role="doc-pagebreak" id="page-{page}" aria-label="{label}"\s*/?>(?:</span>)?(.*)', xhtml, re.S)
            assert marker, (name, page)
            # The element after the marker starts on that page: the PDF's own destination for its id says so.
            element = re.match(r'\s*<\w+\b[^>]*\bid="([\w-]+)"', marker[1])[1]
            assert pdf.get_destination_page_number(pdf.named_destinations[element]) == int(page) - 1, (element, page)
            if tag in ("en", "pt-BR", "ja"):   # and its first words are in that page's text layer
                words = re.sub(r"<[^>]+>|&#x[0-9a-f]+;", " ", marker[1]).split()[:1]
                assert all(word in normalise(pdf.pages[int(page) - 1].extract_text()) for word in words), (page, words)
    if tag == "fa":
        assert [label for _, _, label in entries][:2] == ["۱", "۳"]     # the printed page's Persian digits


def test_opf_names_the_printed_edition_as_the_source_of_the_pagination(world_all):
    with zipfile.ZipFile(world_all / "world-en.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
    assert re.search(r'<dc:source id="print-source">urn:uuid:[0-9a-f-]{36}</dc:source>', opf)
    assert '<meta refines="#print-source" property="source-of">pagination</meta>' in opf
    assert 'property="schema:accessibilityFeature">pageBreakMarkers</meta>' in opf


@pytest.mark.parametrize("tag", ["en", "hi", "he"])
def test_fonts_are_static_instances_at_the_stylesheets_weights(world_all, tag):
    with zipfile.ZipFile(world_all / f"world-{tag}.epub") as book:
        fonts = [name for name in book.namelist() if name.startswith("EPUB/fonts/")]
        css = book.read("EPUB/style/book.css").decode()
        faces = [TTFont(io.BytesIO(book.read(name))) for name in fonts]
    assert fonts and not any("fvar" in face for face in faces)
    assert {face["OS/2"].usWeightClass for face in faces} == {400, 700}
    assert re.findall(r"font-weight: (\d+);", css) and set(re.findall(r"font-weight: (\d+); }", css)) <= {"400", "700"}


def test_keep_together_rules(world_all):
    with zipfile.ZipFile(world_all / "world-en.epub") as book:
        css = book.read("EPUB/style/book.css").decode()
    assert "h1, h2, dt, .chart-title { page-break-after: avoid; break-after: avoid; }" in css
    assert "dl.timeline dd { page-break-before: avoid; break-before: avoid; }" in css
    assert re.search(r"figure\.chart, table\.chart-table, tr \{ page-break-inside: avoid; break-inside: avoid; \}", css)


@pytest.mark.parametrize("tag", TAGS)
def test_epubcheck_is_clean_with_the_page_list(world_all, tag):
    messages = epubcheck(world_all / f"world-{tag}.epub")
    assert [(m["severity"], m.get("ID"), m.get("message")) for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []


@pytest.mark.skipif(not ACE.exists() or not shutil.which("chromium"), reason="Ace by DAISY is not installed (scripts/install.sh)")
@pytest.mark.parametrize("tag", ["he", "ja"])
def test_ace_by_daisy_passes_on_the_world_fixture(world_all, tag, tmp_path):
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": shutil.which("chromium")}
    subprocess.run([str(ACE), "-s", "-f", "-o", str(tmp_path / "report"), str(world_all / f"world-{tag}.epub")],
                   env=env, check=True, capture_output=True, timeout=300)
    report = json.loads((tmp_path / "report" / "report.json").read_text())
    violations = [(x["earl:test"]["earl:impact"], x["earl:test"]["dct:title"], a["earl:testSubject"]["url"])
                  for a in report["assertions"] for x in a["assertions"]]
    assert (report["earl:result"]["earl:outcome"], violations) == ("pass", [])


def test_page_break_markers_go_before_the_first_tag_with_each_id_in_one_pass():
    from booklet.formats.epub import add_page_breaks

    xhtml = '<section id="s1"><h2 class="x" id="h1">T</h2><p id="p1">a <a href="#p1">l</a></p><p id="p1">again</p></section>'
    marked = add_page_breaks(xhtml, {"p1": 3, "h1": 2, "absent": 9}, "٠١٢٣٤٥٦٧٨٩")
    assert marked == ('<section id="s1"><span epub:type="pagebreak" role="doc-pagebreak" id="page-2" aria-label="٢"></span>'
                      '<h2 class="x" id="h1">T</h2><span epub:type="pagebreak" role="doc-pagebreak" id="page-3" aria-label="٣">'
                      '</span><p id="p1">a <a href="#p1">l</a></p><p id="p1">again</p></section>')
