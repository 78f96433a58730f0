"""Print production: page order of the imposition, and the screen, print and booklet PDFs built from one layout."""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from booklet import cli, pipeline
from booklet.content import load_booklet
from booklet.errors import BookletError
from booklet.formats.pdf import BLEED_MM, PAGE_SIZES_MM
from booklet.formats.prepress import SHEET_MARGIN_MM
from booklet.imposition import (
    blank_page_count,
    describe_page_count,
    office_sheet,
    office_sheet_note,
    padded_page_count,
    page_count_warnings,
    page_sequence,
    saddle_stitch,
    sheet_count,
)
from booklet.manifest import Entry, Manifest
from booklet.outputs import Output
from booklet.pipeline import BuildOptions

from .conftest import FIXTURES

PT_PER_MM = 72 / 25.4
PDF_FORMATS = ["pdf", "print", "booklet"]
EXTRA_CHAPTERS = 6


# --- the imposition, without PDFs -------------------------------------------------------------

@pytest.mark.parametrize(("pages", "padded", "blanks", "sheets", "described"), [
    (1, 4, 3, 1, "1 (+3 blank)"), (4, 4, 0, 1, "4"), (5, 8, 3, 2, "5 (+3 blank)"),
    (23, 24, 1, 6, "23 (+1 blank)"), (24, 24, 0, 6, "24"), (25, 28, 3, 7, "25 (+3 blank)"),
])
def test_page_counts_are_padded_to_whole_sheets(pages, padded, blanks, sheets, described):
    assert padded_page_count(pages) == padded
    assert blank_page_count(pages) == blanks
    assert sheet_count(pages) == sheets
    assert describe_page_count(pages) == described


def test_saddle_stitch_order_for_two_sheets():
    # outer sheet front, its back, inner sheet front, its back
    assert saddle_stitch(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    assert saddle_stitch(5) == saddle_stitch(8)          # pages 6, 7 and 8 are blank padding
    assert saddle_stitch(4) == [(4, 1), (2, 3)]
    assert saddle_stitch(0) == []


def test_right_to_left_booklets_mirror_every_sheet_side():
    assert saddle_stitch(8, rtl=True) == [(1, 8), (7, 2), (3, 6), (5, 4)]
    for pages in range(1, 41):
        assert saddle_stitch(pages, rtl=True) == [(right, left) for left, right in saddle_stitch(pages)]


@pytest.mark.parametrize("pages", range(1, 41))
def test_folded_sheets_read_in_order(pages):
    """Every page is printed once; pages p and p + 1 are back to back; rectos on the right, nested sheets."""
    sides = saddle_stitch(pages)
    last = padded_page_count(pages)
    assert sorted(n for side in sides for n in side) == list(range(1, last + 1))
    where = {n: (index, half) for index, side in enumerate(sides) for half, n in enumerate(side)}
    for odd in range(1, last, 2):
        (side, half), (other_side, other_half) = where[odd], where[odd + 1]
        assert side // 2 == other_side // 2 and side != other_side       # one leaf: same sheet, other side
        assert (half, other_half) == (1, 0)                              # recto right of the fold, verso left
        first_half = odd <= last // 2
        assert (side % 2 == 0) == first_half                             # the first half is on the fronts
        assert side // 2 == ((odd - 1) // 2 if first_half else (last - odd - 1) // 2)   # outer sheets first


def test_office_paper_trims_are_imposed_on_the_same_paper_at_reduced_scale():
    assert office_sheet("A5", (148, 210)) == (296, 210, 1.0)
    width, height, scale = office_sheet("A4", (210, 297))
    assert (width, height, round(scale, 4)) == (297, 210, 0.7071)
    assert round(office_sheet("letter", (215.9, 279.4))[2], 3) == 0.647
    assert office_sheet_note("A5") is None and office_sheet_note("half-letter") is None
    assert office_sheet_note("letter") == ("booklet: letter pages are printed two-up on letter sheets at 65 % "
                                           "(office printers cannot print the double-size sheets that 100 % needs)")


def test_blank_pages_go_before_the_back_cover():
    assert page_sequence(5, back_cover=True) == [1, 2, 3, 4, None, None, None, 5]
    assert page_sequence(5) == [1, 2, 3, 4, 5, None, None, None]
    assert page_sequence(8, back_cover=True) == list(range(1, 9))


def _result(lang: str, pages: int) -> pipeline.LanguageResult:
    output = Output(lang, "pdf", Path(f"x-{lang}.pdf"), 1, "0" * 64, pages)
    return pipeline.LanguageResult(lang, (output,), {})


def test_a_language_that_needs_another_sheet_is_warned_about(tmp_path):
    booklet = load_booklet(shutil.copytree(FIXTURES / "multilingual", tmp_path / "multi"))
    warnings = page_count_warnings(booklet, [_result("en", 23), _result("ru", 24), _result("ar", 25)])
    assert [str(w) for w in warnings] == [
        "locales/ar/LC_MESSAGES/booklet.po: warning: ar: 25 pages make a 28-page booklet, 1 sheet(s) more than en "
        "(23 pages, 24 printed); 1 page(s) shorter would fit the same sheets"]


def test_the_source_page_count_comes_from_the_published_manifest_when_not_rebuilt(tmp_path):
    booklet = load_booklet(shutil.copytree(FIXTURES / "multilingual", tmp_path / "multi"))
    published = Manifest((Entry("en", "pdf", "multi-en.pdf", 1, "0" * 64, 20),))
    assert len(page_count_warnings(booklet, [_result("ar", 21)], published)) == 1
    assert page_count_warnings(booklet, [_result("ar", 20)], published) == []
    assert page_count_warnings(booklet, [_result("ar", 21)]) == []     # nothing to compare with


# --- the PDFs -----------------------------------------------------------------------------------

def _longer_multilingual(root: Path) -> Path:
    """Copy the multilingual fixture with metadata and a few more chapters (so the booklet has several sheets)."""
    shutil.copytree(FIXTURES / "multilingual", root)
    config = root / "content" / "booklet.yaml"
    extra = [f"extra-{i}" for i in range(1, EXTRA_CHAPTERS + 1)]
    text = config.read_text(encoding="utf-8").replace("sections: [cover, contents, toll, sources]",
                                                      f"sections: [cover, contents, toll, {', '.join(extra)}, sources]")
    config.write_text(text + "description: A small test booklet.\nkeywords: [remembrance, test]\n", encoding="utf-8")
    for name in extra:
        (root / "content" / "sections" / f"{name}.yaml").write_text(
            f"title: Chapter {name}\nblocks:\n  - paragraph: A chapter that starts a new page.\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """Build the longer multilingual booklet (en, ru, ar) as screen, print and booklet PDFs."""
    root = _longer_multilingual(tmp_path_factory.mktemp("printed") / "multi")
    out = root / "dist"
    results = pipeline.build(root, out, BuildOptions(formats=PDF_FORMATS, jobs=2)).results
    return out, {result.lang: {o.format: o for o in result.outputs} for result in results}


def _box(page, name: str) -> list[float]:
    return [round(float(v), 2) for v in getattr(page, name)]


def _trim_pt(page_size: str = "A5") -> tuple[float, float]:
    width, height = PAGE_SIZES_MM[page_size]
    return width * PT_PER_MM, height * PT_PER_MM


@pytest.mark.engines
def test_three_pdfs_per_language_with_page_counts_in_the_manifest(printed):
    out, outputs = printed
    manifest = {(e["lang"], e["format"]): e for e in json.loads((out / "manifest.json").read_text())["outputs"]}
    for lang in ("en", "ru", "ar"):
        names = [o.path.name for o in outputs[lang].values()]
        assert names == [f"multi-{lang}.pdf", f"multi-{lang}-print.pdf", f"multi-{lang}-booklet.pdf"]
        pages = outputs[lang]["pdf"].pages
        printed = padded_page_count(pages)     # the print PDF is padded to whole sheets
        assert printed == outputs[lang]["print"].pages == len(PdfReader(out / f"multi-{lang}-print.pdf").pages)
        assert pages >= 4 + EXTRA_CHAPTERS
        sides = len(PdfReader(out / f"multi-{lang}-booklet.pdf").pages)
        assert sides == outputs[lang]["booklet"].pages == 2 * sheet_count(pages) and (2 * sides) % 4 == 0
        assert manifest[(lang, "booklet")]["pages"] == sides and manifest[(lang, "print")]["pages"] == printed


def _grown(box: list[float], mm: float) -> list[float]:
    d = mm * PT_PER_MM
    return [box[0] - d, box[1] - d, box[2] + d, box[3] + d]


def _close(box, expected) -> bool:
    """Boxes equal to 0.01 pt."""
    return all(abs(float(a) - b) <= 0.01 for a, b in zip(box, expected, strict=True))


@pytest.mark.engines
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_print_pdf_sheets_are_larger_than_the_bleed_with_exact_trim_and_bleed_boxes(printed, lang):
    out, _outputs = printed
    width, height = _trim_pt()
    trim = [0, 0, width, height]
    for page in PdfReader(out / f"multi-{lang}-print.pdf").pages:
        assert _close(page.trimbox, trim)
        assert _close(page.bleedbox, _grown(trim, BLEED_MM))                 # trim + 3 mm, exactly
        assert _close(page.mediabox, _grown(trim, SHEET_MARGIN_MM))          # the sheet: room for marks and slug
        assert _close(page.cropbox, _grown(trim, SHEET_MARGIN_MM))


@pytest.mark.engines
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_screen_pdf_boxes_are_the_trim_size(printed, lang):
    out, _outputs = printed
    trim = [0, 0, *(round(v, 2) for v in _trim_pt())]
    for page in PdfReader(out / f"multi-{lang}.pdf").pages:
        assert [_box(page, box) for box in ("mediabox", "cropbox", "bleedbox", "trimbox")] == [trim] * 4


@pytest.mark.engines
@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
def test_screen_and_print_pdfs_are_one_layout_tagged_with_outline_and_language(printed, lang):
    out, _outputs = printed
    screen, press = PdfReader(out / f"multi-{lang}.pdf"), PdfReader(out / f"multi-{lang}-print.pdf")
    pages = [p.extract_text() for p in screen.pages]
    sequence = page_sequence(len(pages), back_cover=True)
    assert len(press.pages) == len(sequence)
    for number, page in zip(sequence, press.pages, strict=True):   # each press page: the screen page + its slug line
        text = page.extract_text()
        assert (pages[number - 1] in text) if number else (str(len(sequence)) in text and lang in text)
    for reader in (screen, press):
        catalog = reader.trailer["/Root"]
        assert catalog["/Lang"] == lang
        assert catalog["/MarkInfo"]["/Marked"].value is True
        assert "/StructTreeRoot" in catalog and catalog["/StructTreeRoot"]["/K"]
        assert (catalog["/ViewerPreferences"].get("/Direction") == "/R2L") == (lang == "ar")
    titles = [[item.title for item in reader.outline if not isinstance(item, list)] for reader in (screen, press)]
    assert titles[0] == titles[1] and len(titles[0]) == 2 + EXTRA_CHAPTERS


@pytest.mark.engines
def test_the_pdfs_carry_title_author_subject_keywords_and_language(printed):
    out, _outputs = printed
    for name in ("multi-en.pdf", "multi-en-print.pdf", "multi-en-booklet.pdf"):
        reader = PdfReader(out / name)
        info = reader.metadata
        assert (info.title, info.author, info.subject) == ("Remembrance", "Volunteers", "A small test booklet.")
        assert info["/Keywords"] == "remembrance, test"
        assert reader.trailer["/Root"]["/Lang"] == "en"


def _halves(page) -> dict[int, list[tuple[float, str]]]:
    """Return the texts (with their height on the page) drawn on the left (0) and right (1) half of a sheet side.

    pypdf reports text positions inside a form XObject without the form's placement, so
    the half is taken from the transformation in force when the page's form is drawn.
    """
    width = float(page.mediabox.width)
    halves: dict[int, list[tuple[float, str]]] = {0: [], 1: []}
    current: list[int] = []

    def before(operator, operands, cm, tm):
        if operator == b"Do" and str(operands[0]).startswith("/Page"):
            current[:] = [0 if cm[4] < width / 2 else 1]

    def text(value, cm, tm, font, size):
        if value.strip() and current:
            halves[current[0]].append((cm[1] * tm[4] + cm[3] * tm[5] + cm[5], value.strip()))

    page.extract_text(visitor_operand_before=before, visitor_text=text)
    return halves


def _identify(texts: list[tuple[float, str]], title: str):
    """Name the page a half shows: its page number at the foot, "cover", or None when blank."""
    if not texts:
        return None
    if any(title in value for _y, value in texts):
        return "cover"
    footer = [value for y, value in texts if y < 16 * PT_PER_MM and re.fullmatch(r"\d+", value)]
    return int(footer[0]) if footer else "?"


@pytest.mark.engines
@pytest.mark.parametrize(("lang", "title"), [("en", "Remembrance"), ("ar", "ذكرى")])
def test_booklet_sheets_show_the_pages_in_saddle_stitch_order(printed, lang, title):
    out, outputs = printed
    pages = outputs[lang]["pdf"].pages
    reader = PdfReader(out / f"multi-{lang}-booklet.pdf")
    width, height = _trim_pt()
    seen, expected = [], []
    sequence = page_sequence(pages, back_cover=True)     # blank pages before the back cover
    for page, side in zip(reader.pages, saddle_stitch(pages, rtl=lang == "ar"), strict=True):
        assert [round(float(v), 2) for v in page.mediabox] == [0, 0, round(2 * width, 2), round(height, 2)]
        halves = _halves(page)
        seen.append((_identify(halves[0], title), _identify(halves[1], title)))
        numbers = [sequence[n - 1] for n in side]
        expected.append(tuple("cover" if n in (1, pages) else n for n in numbers))   # front and back cover: the title
    assert seen == expected
    first = seen[0]
    assert first == ("cover", "cover")             # the outer sheet's front: back cover and front cover
    assert sum(half is None for side in seen for half in side) == padded_page_count(pages) - pages


@pytest.mark.engines
@pytest.mark.parametrize("page_size", ["A4", "A6", "letter", "half-letter"])
def test_trim_size_follows_the_page_size(make_project, tmp_path, page_size):
    root = make_project({})
    config = root / "content" / "booklet.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"page_size: {page_size}\n", encoding="utf-8")
    pipeline.build(root, tmp_path / "out", BuildOptions(formats=PDF_FORMATS, jobs=1))
    width, height = _trim_pt(page_size)
    bleed = BLEED_MM * PT_PER_MM
    page = PdfReader(tmp_path / "out" / "minimal-en-print.pdf").pages[0]
    assert [round(float(v), 1) for v in page.trimbox] == [0, 0, round(width, 1), round(height, 1)]
    assert round(float(page.bleedbox.width), 1) == round(width + 2 * bleed, 1)
    assert round(float(page.mediabox.width), 1) == round(width + 2 * SHEET_MARGIN_MM * PT_PER_MM, 1)
    screen = PdfReader(tmp_path / "out" / "minimal-en.pdf").pages[0]
    assert round(float(screen.mediabox.width), 1) == round(width, 1)
    sheet = PdfReader(tmp_path / "out" / "minimal-en-booklet.pdf").pages[0]
    if page_size in ("A4", "letter"):     # office paper: same paper, landscape, pages scaled to half a sheet
        sheet_width, sheet_height = height, width
        scale = min(sheet_width / 2 / width, sheet_height / height)
        assert round(scale, 3) == {"A4": 0.707, "letter": 0.647}[page_size]
        assert f"q {scale:.6f} 0 0 {scale:.6f}" in sheet.get_contents().get_data().decode()
    else:
        sheet_width, sheet_height = 2 * width, height
    assert [round(float(v), 1) for v in sheet.mediabox] == [0, 0, round(sheet_width, 1), round(sheet_height, 1)]


@pytest.mark.engines
def test_the_three_pdfs_are_reproducible(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = project("minimal")
    first = pipeline.build(root, tmp_path / "one", BuildOptions(formats=PDF_FORMATS, jobs=1)).results
    second = pipeline.build(root, tmp_path / "two", BuildOptions(formats=PDF_FORMATS, jobs=1)).results
    assert [o.sha256 for r in first for o in r.outputs] == [o.sha256 for r in second for o in r.outputs]
    assert len({o.sha256 for r in first for o in r.outputs}) == 3


@pytest.mark.engines
def test_pdf_a_3u_variant_for_archiving_stays_tagged(project, tmp_path):
    root = project("minimal")
    pipeline.build(root, tmp_path / "out", BuildOptions(formats=["pdf", "print"], jobs=1, pdf_variant="pdf/a-3u"))
    for name, archive in (("minimal-en.pdf", True), ("minimal-en-print.pdf", False)):   # the print PDF is a PDF/X
        catalog = PdfReader(tmp_path / "out" / name).trailer["/Root"]
        xmp = catalog["/Metadata"].get_object().get_data()
        assert (b"pdfaid:part" in xmp) == archive and b"pdfuaid" not in xmp and (b"GTS_PDFXVersion" in xmp) != archive
        assert "/OutputIntents" in catalog and "/StructTreeRoot" in catalog and catalog["/Lang"] == "en"
    with pytest.raises(BookletError, match="unknown PDF variant 'pdf/x-4'"):
        pipeline.build(root, tmp_path / "bad", BuildOptions(formats=["pdf"], jobs=1, pdf_variant="pdf/x-4"))


@pytest.mark.engines
@pytest.mark.parametrize("lang", ["en", "ar"])
def test_chapter_start_recto_starts_chapters_on_odd_pages(tmp_path, lang):
    """With chapter_start: recto, chapters start on odd pages in both directions; the blank pages are bare."""
    root = _longer_multilingual(tmp_path / "multi")
    meta = root / "content" / "booklet.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "chapter_start: recto\n", encoding="utf-8")
    pipeline.build(root, tmp_path / "out", BuildOptions(langs=[lang], formats=["pdf"], jobs=1))
    reader = PdfReader(tmp_path / "out" / f"multi-{lang}.pdf")
    starts = [reader.get_destination_page_number(item) + 1 for item in reader.outline if not isinstance(item, list)]
    assert len(starts) == 2 + EXTRA_CHAPTERS and all(page % 2 == 1 for page in starts)
    blanks = [number for number, page in enumerate(reader.pages, 1) if not page.extract_text().strip()]
    assert blanks and all(number % 2 == 0 for number in blanks)


@pytest.mark.engines
def test_cli_prints_page_counts_with_padding(project, tmp_path, capsys):
    root = project("minimal")
    status = cli.main(["--source", str(root), "build", "--format", "pdf,booklet", "--out", str(tmp_path / "out"),
                       "--pdf-variant", "pdf/ua-1", "--jobs", "1"])
    assert status == 0
    assert re.search(r"^en\s+3 \(\+1 blank\)\s", capsys.readouterr().out, re.MULTILINE)   # cover, chapter, back cover


@pytest.mark.engines
def test_cli_says_when_the_booklet_is_printed_at_reduced_scale(make_project, tmp_path, capsys):
    root = make_project({})
    config = root / "content" / "booklet.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "page_size: A4\n", encoding="utf-8")
    assert cli.main(["--source", str(root), "build", "--format", "booklet", "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    assert "booklet: A4 pages are printed two-up on A4 sheets at 71 % " in capsys.readouterr().out


# --- the chart ----------------------------------------------------------------------------------

#: The sample chart's figures, digits only: grouping differs by language (1,275; 1.275 in az and tr).
CHART_VALUES = ["613", "106", "63", "70", "487", "1275", "150", "8", "25", "130"]
#: The persons chart has the first seven figures; the families chart the last three.
PERSONS_CHART = 7


def _chart_figures(pdf: Path) -> list[tuple[float, float]]:
    """Return (xMin, xMax) of the sample chart's ten figures, from poppler's word boxes, in order."""
    import subprocess

    text = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', text)
    figures = [(float(x0), float(x1), re.sub(r"\D", "", word)) for x0, x1, word in words if re.sub(r"\D", "", word) in CHART_VALUES]
    for start in range(len(figures) - len(CHART_VALUES) + 1):
        if [word for _x0, _x1, word in figures[start:start + len(CHART_VALUES)]] == CHART_VALUES:
            return [(x0, x1) for x0, x1, _word in figures[start:start + len(CHART_VALUES)]]
    raise AssertionError("the chart's figures were not found")


@pytest.mark.engines
@pytest.mark.parametrize("tag", ["en", "az", "ar"])
def test_chart_figures_are_aligned_on_the_units_digit_in_every_direction(sample_build, tag):
    """Digits run left to right in Arabic too: the figures' right edges line up (az, tr, ar once had them ragged)."""
    rights = [right for _left, right in _chart_figures(sample_build[1] / f"khojaly-1992-{tag}.pdf")]
    persons, families = rights[:PERSONS_CHART], rights[PERSONS_CHART:]   # two charts, each its own figure column
    assert max(persons) - min(persons) < 0.5
    assert max(families) - min(families) < 0.5


# --- runt pages ---------------------------------------------------------------------------------

def _text_lines_per_page(pdf: Path) -> list[int]:
    """Count each page's lines of text inside the page margins (no running head, no folio), from poppler."""
    import subprocess

    layout = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    counts = []
    for page in layout.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        tops = [float(y) for y in re.findall(r'<line xMin="[\d.]+" yMin="([\d.]+)"', page)]
        counts.append(sum(15 * PT_PER_MM - 1 < y < height - 16 * PT_PER_MM for y in tops))
    return counts


@pytest.mark.engines
@pytest.mark.parametrize("tag", ["en", "az", "tr", "ru", "fr", "de", "es", "ar"])
def test_no_page_has_fewer_than_five_lines_but_a_chapters_last_and_that_three(sample_build, tag):
    """Runt pages (2-4 lines, a closing note alone) were the issue; the covers are pictures, not counted."""
    pdf = sample_build[1] / f"khojaly-1992-{tag}.pdf"
    reader = PdfReader(pdf)
    chapter_starts = {reader.get_destination_page_number(entry) + 1 for entry in reader.outline if not isinstance(entry, list)}
    lines = _text_lines_per_page(pdf)
    chapter_ends = {start - 1 for start in chapter_starts} | {len(lines) - 1}
    runts = [number for number, count in enumerate(lines, 1)
             if number not in (1, len(lines)) and count < (3 if number in chapter_ends else 5)]
    assert runts == [], lines
