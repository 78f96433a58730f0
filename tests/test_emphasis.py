"""Emphasis is visible in every script, and looks the same in the PDF, the EPUB and the web edition.

Oracle for the PDF: the font pypdf reports for the emphasised number (the fixture's
``*{villages}*``): a bold face where bold is the substitute, an italic face where italic serves.
"""
from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet.content import load_booklet
from booklet.emphasis import emphasis_for, script_of

WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
SAMPLE = Path(__file__).parent.parent
#: What each world language emphasises with: Noto Serif has an italic; Devanagari, Thai, Hebrew and Persian
#: emphasise with bold (their fonts have it); the one-weight Japanese font takes the dotted underline.
WORLD_EMPHASIS = {"en": "italic", "hi": "bold", "th": "bold", "he": "bold", "fa": "bold", "ja": "underline", "pt_BR": "italic"}
#: The emphasised figure (villages: 480) as each language writes it, in the PDF text layer's order (Persian: visual).
VILLAGES = {"en": "480", "hi": "480", "th": "480", "he": "480", "fa": "۰۸۴", "ja": "480", "pt_BR": "480"}


def test_scripts_come_from_cldr_likely_subtags():
    assert [script_of(lang) for lang in ("hi", "th", "he", "fa", "ja", "pt_BR", "ru", "zh_Hant")] == \
        ["Deva", "Thai", "Hebr", "Arab", "Jpan", "Latn", "Cyrl", "Hant"]


def test_each_world_language_gets_its_scripts_substitute():
    booklet = load_booklet(WORLD)
    assert {lang: emphasis_for(lang, booklet.fonts) for lang in booklet.languages} == WORLD_EMPHASIS


def test_the_sample_keeps_italic_except_arabic():
    booklet = load_booklet(SAMPLE)
    assert {lang: emphasis_for(lang, booklet.fonts) for lang in booklet.languages} == \
        {lang: "bold" if lang == "ar" else "italic" for lang in booklet.languages}


def _runs_of(pdf: Path, needle: str) -> list[str]:
    """Return the base font of every text run that is exactly ``needle`` (the emphasised figure, the chart's value)."""
    found: list[str] = []
    for page in PdfReader(pdf).pages:
        def visit(text, cm, tm, font, size):
            if font and text.strip() == needle:
                found.append(str(font.get("/BaseFont")).split("+")[-1])
        page.extract_text(visitor_text=visit)
    return sorted(found)


@pytest.mark.engines
@pytest.mark.parametrize("lang", list(WORLD_EMPHASIS))
def test_pdf_emphasis_uses_the_substitute_face(world_all, lang):
    tag = lang.replace("_", "-")
    runs = _runs_of(world_all / f"world-{tag}.pdf", VILLAGES[lang])
    # Two runs: the chart's value (always bold) and the emphasised figure in the paragraph.
    assert len(runs) == 2, runs
    emphasised = [f for f in runs if "Bold" not in f] or [runs[0]]
    way = WORLD_EMPHASIS[lang]
    if way == "italic":
        assert any("Italic" in f for f in runs), runs
    elif way == "bold":
        assert all("Bold" in f for f in runs), runs
    else:
        assert not any("Italic" in f for f in emphasised) and any("Bold" not in f for f in runs), runs


@pytest.mark.engines
@pytest.mark.parametrize("lang", [lang for lang, way in WORLD_EMPHASIS.items() if way != "italic"])
def test_epub_and_web_carry_the_same_emphasis_rule(world_all, lang):
    tag = lang.replace("_", "-")
    with zipfile.ZipFile(world_all / f"world-{tag}.epub") as book:
        epub_css = book.read("EPUB/style/book.css").decode()
    web_css = (world_all / f"world-{tag}" / "style.css").read_text(encoding="utf-8")
    rule = {"bold": "em { font-style: normal; font-weight: 700; }",
            "underline": "em { font-style: normal; text-decoration: underline dotted;"}[WORLD_EMPHASIS[lang]]
    for css in (epub_css, web_css):
        assert rule in css
        assert css.index(rule) > css.index("em { font-style: italic; }")   # after the default, so it wins
        assert "cite, .source-title" in css                                  # no reading system fakes a slant
        assert ("html { font-synthesis: none; }" in css) == (WORLD_EMPHASIS[lang] == "underline")  # nor a bold face


#: Appended to a copy of a web page: writes the computed style of the cover line and of the first <em> on <body>.
PROBE = ('<script>const s = (e) => getComputedStyle(e); document.body.dataset.style = s(document.getElementById("cover-b1"))'
         '.fontStyle + "/" + s(document.querySelector("em")).fontStyle + "/" + s(document.querySelector("em")).fontWeight;'
         '</script></body>')


@pytest.mark.engines
@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium is not installed")
def test_browser_shows_the_cover_line_upright_and_emphasis_bold_as_the_pdf_does(world_all):
    """Chromium's computed style (the oracle) for Hindi: no faked slant on the cover line, <em> bold."""
    page = world_all / "world-hi" / "index.html"
    probe = page.with_name("probe.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE), encoding="utf-8")
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                          "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=60, check=True).stdout
    probe.unlink()
    assert 'data-style="normal/normal/700"' in dom
