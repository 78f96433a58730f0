"""The world fixture: seven languages in six scripts, A4, images and every block type."""
from __future__ import annotations

import html
import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest

from .pdfcheck import normalise, on_one_line, pdf_lines

pytestmark = pytest.mark.engines

WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
TAGS = ["en", "hi", "th", "he", "fa", "ja", "pt-BR"]


@pytest.fixture
def world_epubs(world_build):
    """The output folder of the session's one world build (tests/conftest.py)."""
    return world_build[1]


@pytest.mark.parametrize("tag", TAGS)
def test_epub_packages_the_image_blocks_images(world_epubs, tag):
    """Both images of the image blocks are in every EPUB (EPUBCheck runs on the same files in tests/test_epub.py)."""
    names = zipfile.ZipFile(world_epubs / f"world-{tag}.epub").namelist()
    assert {"EPUB/images/map.svg", "EPUB/images/river.png"} <= set(names)


#: What each language prints for the year fact (founded: 1976), the month-precision and year-precision timeline
#: dates (2023-10, 2022) and the plural paragraph counting one spring: the singular form where the language has one.
#: Oracles: CLDR's yMMMM and y patterns (Babel), the catalogs' msgstr[0] for n = 1.
PRINTED = {
    "en": ["The walks began in 1976; 62.5% of the villages lie on a river.", "October 2023", "2022",
           "We found 1 spring that never runs dry."],
    "hi": ["यात्राएँ 1976 में शुरू हुईं; 62.5% गाँव", "अक्टूबर 2023", "2022", "हमें 1 झरना मिला जो कभी नहीं सूखता।"],
    "th": ["การเดินเริ่มขึ้นในปี 1976 หมู่บ้าน 62.5%", "ตุลาคม 2023", "2022", "เราพบน้ำพุ 1 แห่งที่ไม่เคยแห้งเหือด"],
    "he": ["ההליכות החלו ב־1976; 62.5% מהכפרים", "אוקטובר 2023", "2022", "מצאנו מעיין 1 שאינו מתייבש לעולם."],
    "fa": ["پیاده‌روی‌ها در ۱۹۷۶ آغاز شد؛ ۶۲٫۵٪ روستاها", "اکتبر ۲۰۲۳", "۲۰۲۲", "۱ چشمه یافتیم که هرگز خشک نمی‌شود."],
    "ja": ["最初の歩みは1976年でした。村の62.5%は川沿いにあります。", "2023年10月", "2022年", "水の出る所を1か所見ました。"],
    "pt-BR": ["As caminhadas começaram em 1976; 62,5% das aldeias", "outubro de 2023", "2022",
              "Encontramos 1 nascente que nunca seca."],
}
def _markup_text(markup: str) -> str:
    """Return the visible text of an HTML or XHTML page, entities resolved, spaces normalised."""
    return normalise(html.unescape(re.sub(r"<[^>]+>", "", markup.split("<body", 1)[1])))


@pytest.mark.parametrize("tag", TAGS)
def test_year_fact_partial_dates_and_plural_paragraph_print_in_every_format(world_epubs, tag):
    """The year is never grouped, dates keep their precision, the plural paragraph agrees with one: web, EPUB, PDF."""
    web = _markup_text((world_epubs / f"world-{tag}" / "index.html").read_text(encoding="utf-8"))
    with zipfile.ZipFile(world_epubs / f"world-{tag}.epub") as book:
        epub = _markup_text(book.read("EPUB/rivers.xhtml").decode())
    pdf = pdf_lines(world_epubs / f"world-{tag}.pdf")
    for phrase in PRINTED[tag]:
        assert phrase in web and phrase in epub, phrase
        assert on_one_line(pdf, phrase), phrase
    assert not re.search(r"1[,.]976", web + epub + "".join(pdf))


def _word_boxes(pdf: Path, values: set[str]) -> list[tuple[str, float, float]]:
    """Return (value, yMin, xMax) of each poppler word that is one of ``values`` in any digits (۴۸۰ is 480)."""
    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', text)
    found = [("".join(str(unicodedata.digit(c)) for c in word if c.isdigit()), float(y), float(x)) for y, x, word in words]
    return [box for box in found if box[0] in values]


@pytest.mark.parametrize("tag", TAGS)
def test_chart_figures_are_aligned_on_the_units_digit(world_epubs, tag):
    """The chart's 12 and 480, one row apart, end at the same x in every script and direction (as the sample's chart)."""
    boxes = _word_boxes(world_epubs / f"world-{tag}.pdf", {"12", "480"})
    rows = [(a, b) for a in boxes if a[0] == "12" for b in boxes if b[0] == "480" and 0 < b[1] - a[1] < 30]
    assert rows and all(abs(a[2] - b[2]) < 0.5 for a, b in rows), rows


@pytest.mark.parametrize("lang", [tag.replace("-", "_") for tag in TAGS[1:]])   # gettext: bash scripts/install.sh --test
def test_world_catalogs_pass_msgfmt_check(lang):
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(WORLD / "locales" / lang / "LC_MESSAGES" / "booklet.po")],
                   check=True, capture_output=True)


def test_world_template_is_current():
    """locales/booklet.pot holds what extract writes from the world's content and the templates (as for the sample)."""
    from babel.messages.pofile import read_po

    from booklet.content import load_booklet
    from booklet.i18n import extract_messages, template_path
    from booklet.render import template_dirs

    current = extract_messages(load_booklet(WORLD), template_dirs(WORLD))
    with template_path(WORLD).open("rb") as handle:
        shipped = read_po(handle)
    key = lambda catalog: {(m.id, m.context, tuple(sorted(m.locations)), tuple(m.auto_comments)) for m in catalog if m.id}  # noqa: E731
    assert key(current) == key(shipped)


def test_plural_forms_where_one_text_belongs_are_one_plain_message_each(make_project):
    """A section title or quote with plural forms says which blocks can have them (no 'did you mean' hint)."""
    import io

    from booklet.cli import main

    rivers = (WORLD / "content/sections/rivers.yaml").read_text(encoding="utf-8")
    rivers = rivers.replace("title: The rivers\n", "title: {one: a river, other: rivers, count: rivers}\n")
    rivers = rivers.replace("      text: The river remembers.\n", "      text: {one: a, other: b, count: rivers}\n")
    rivers = rivers.replace("  - heading: The map\n", "  - heading: {one: a map, other: maps, count: rivers}\n")
    root = make_project({"content/sections/rivers.yaml": rivers}, base="projects/world")
    err = io.StringIO()
    assert main(["--source", str(root), "check"], stdout=io.StringIO(), stderr=err) == 1
    assert err.getvalue().splitlines() == [
        "content/sections/rivers.yaml:1:8: error: the section title cannot have plural forms; paragraphs, list items, "
        "notes and captions can",
        "content/sections/rivers.yaml:16:14: error: a heading cannot have plural forms; paragraphs, list items, notes "
        "and captions can",
        "content/sections/rivers.yaml:28:13: error: the quote text cannot have plural forms; paragraphs, list items, "
        "notes and captions can"]
