"""The print-shop file and the office booklet, on the sample (A5) and the world fixture (A4), one language each."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject

from booklet import pipeline
from booklet.formats.pdf import BLEED_MM
from booklet.formats.prepress import MARK_LENGTH_MM, SHEET_MARGIN_MM
from booklet.imposition import page_sequence
from booklet.pipeline import BuildOptions

SAMPLE = Path(__file__).parent.parent
WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
PT_PER_MM = 72 / 25.4
#: booklet → (slug, title, publisher, edition)
BOOKLETS = {
    "sample": ("khojaly-1992", "Khojaly, 26 February 1992", "Khojaly Remembrance Booklet volunteers", "2026-02-26"),
    "world": ("world", None, None, None),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the English screen, print and booklet PDFs of the sample and of the world fixture."""
    folders = {}
    for name in BOOKLETS:
        root = SAMPLE if name == "sample" else shutil.copytree(WORLD, tmp_path_factory.mktemp("world") / "world")
        out = tmp_path_factory.mktemp(name)
        langs = ["en", "ar"] if name == "sample" else ["en"]    # ar: slug lines set right to left, more than ten of them
        pipeline.build(root, out, BuildOptions(langs=langs, formats=["pdf", "print", "booklet"], jobs=1, force=True))
        folders[name] = out
    return folders


def _pdf(built, name: str, suffix: str) -> Path:
    return built[name] / f"{BOOKLETS[name][0]}-en{suffix}.pdf"


def _marks(page) -> list[tuple[float, float, float, float]]:
    """Return the crop-mark segments (x0, y0, x1, y1) drawn by the page's last content stream."""
    contents = page["/Contents"]
    last = contents[-1].get_object().get_data().decode("ascii")
    assert last.startswith("Q\n/Artifact BMC") and "/BkRegistration CS 1 SCN" in last
    return [tuple(map(float, m.groups())) for m in re.finditer(r"(-?[\d.]+) (-?[\d.]+) m (-?[\d.]+) (-?[\d.]+) l", last)]


@pytest.mark.engines
@pytest.mark.parametrize("name", list(BOOKLETS))
def test_print_pdf_is_a_pdf_x4_with_a_cmyk_output_intent(built, name):
    path = _pdf(built, name, "-print")
    assert path.read_bytes().startswith(b"%PDF-1.6")
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    reader = PdfReader(path)
    catalog = reader.trailer["/Root"]
    (intent,) = [i.get_object() for i in catalog["/OutputIntents"]]
    assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "CGATS TR 001"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 4 and profile.get_data()[12:20] == b"prtrCMYK"      # an output profile, CMYK
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp and "pdfaid" not in xmp
    assert re.search(r"<xmpMM:DocumentID>uuid:[0-9a-f-]{36}</xmpMM:DocumentID>", xmp)
    assert reader.metadata["/Trapped"] == "/False"
    spaces = reader.pages[0]["/Resources"]["/ColorSpace"]
    assert spaces["/DefaultRGB"][0] == "/ICCBased"                            # RGB colours are calibrated (sRGB)
    registration = spaces["/BkRegistration"]
    assert isinstance(registration, ArrayObject) and list(registration[:3]) == ["/Separation", "/All", "/DeviceCMYK"]
    assert list(registration[3].get_object()["/C1"]) == [1, 1, 1, 1]          # all four separations


@pytest.mark.engines
@pytest.mark.parametrize("name", list(BOOKLETS))
def test_crop_marks_lie_outside_the_bleed_on_the_sheet_on_the_trim_lines(built, name):
    for page in PdfReader(_pdf(built, name, "-print")).pages:
        bleed, sheet, trim = page.bleedbox, page.mediabox, page.trimbox
        assert float(sheet.width) - float(bleed.width) >= 2 * (SHEET_MARGIN_MM - BLEED_MM) * PT_PER_MM - 0.01
        marks = _marks(page)
        assert len(marks) == 8
        for x0, y0, x1, y1 in marks:
            for x, y in ((x0, y0), (x1, y1)):
                outside = not (float(bleed.left) <= x <= float(bleed.right) and float(bleed.bottom) <= y <= float(bleed.top))
                assert outside and float(sheet.left) < x < float(sheet.right) and float(sheet.bottom) < y < float(sheet.top)
            assert {x0, y0} & {round(float(v), 3) for v in trim}                   # on the line of a trim edge
            assert abs(abs(x1 - x0) + abs(y1 - y0) - MARK_LENGTH_MM * PT_PER_MM) < 0.01


@pytest.mark.engines
def test_slug_line_names_title_language_edition_and_page_below_the_bleed(built):
    _slug, title, _publisher, edition = BOOKLETS["sample"]
    pages = PdfReader(_pdf(built, "sample", "-print")).pages
    for number, page in enumerate(pages, 1):
        assert page.extract_text().strip().endswith(f"{title} · en · {edition} · {number}/{len(pages)}")
        last = page["/Contents"][-1].get_object().get_data().decode("ascii")
        dy = float(re.search(r"q 1 0 0 1 -?[\d.]+ (-?[\d.]+) cm /BkSlug", last).group(1))
        form = page["/Resources"]["/XObject"][f"/BkSlug{number}"]
        assert dy + float(form["/BBox"][3]) < float(page.bleedbox.bottom)        # the whole slug is below the bleed


@pytest.mark.engines
def test_each_print_page_carries_its_own_slug_line_only_right_to_left_too(built):
    """The slug lines are typeset ten to a page and cut into one form per line: no page shows another's."""
    path = built["sample"] / "khojaly-1992-ar-print.pdf"
    texts = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = texts.split("\f")[:-1]
    assert len(pages) > 20
    for number, text in enumerate(pages, 1):
        assert re.findall(rf"\d+/{len(pages)}\b", text) == [f"{number}/{len(pages)}"], (number, text[-200:])
        assert "ar · 2026-02-26" in text


@pytest.mark.engines
@pytest.mark.parametrize("name", list(BOOKLETS))
def test_print_pdf_is_whole_sheets_with_the_blank_pages_before_the_back_cover(built, name):
    screen = [" ".join(p.extract_text().split()) for p in PdfReader(_pdf(built, name, "")).pages]
    press = PdfReader(_pdf(built, name, "-print")).pages
    assert len(press) % 4 == 0 and len(press) == len(page_sequence(len(screen), back_cover=True))
    blanks = [i for i, n in enumerate(page_sequence(len(screen), back_cover=True)) if n is None]
    assert blanks == list(range(len(screen) - 1, len(press) - 1))              # right before the last page
    for index in blanks:
        assert re.fullmatch(r".* · en · \S+ · \d+/\d+", " ".join(press[index].extract_text().split()))  # only the slug
    back = screen[-1]
    assert not re.search(r"(^| )\d+$", back), "the back cover has no folio"
    if name == "sample":
        assert back.startswith(BOOKLETS["sample"][1]) and back.endswith(BOOKLETS["sample"][2])
        assert "in memory of the civilian victims" in back                        # the booklet's line of remembrance
    else:
        assert "https://example.org/world/" in back                               # url: is set: address and QR code


def _head(page) -> str:
    """Return the text set in the top margin (above 15 mm from the top edge): the running head."""
    top = float(page.mediabox.top) - 15 * PT_PER_MM
    found: list[str] = []

    def visit(text, cm, tm, font, size):
        if text.strip() and cm[3] * tm[5] + cm[5] > top:
            found.append(text.strip())

    page.extract_text(visitor_text=visit)
    return " ".join(found)


@pytest.mark.engines
@pytest.mark.parametrize("name", list(BOOKLETS))
def test_no_running_head_on_a_chapter_opening_page(built, name):
    reader = PdfReader(_pdf(built, name, ""))
    starts = {reader.get_destination_page_number(item): item.title for item in reader.outline if not isinstance(item, list)}
    heads = {number: _head(page) for number, page in enumerate(reader.pages)}
    assert all(heads[number] == "" for number in starts), {n + 1: heads[n] for n in starts if heads[n]}
    following = [number + 1 for number in starts if number + 1 < len(reader.pages) and number + 1 not in starts]
    if name == "sample":                              # the world fixture's chapters are one page each
        assert any(heads[number] for number in following), "the chapters' other pages do have a running head"


# --- typography helpers, without typesetting ----------------------------------------------------

def test_german_patterns_replace_pyphens_two_level_dictionary_while_typesetting():
    import pyphen

    from booklet.formats.hyphenation import german_patterns

    before = pyphen.Pyphen(lang="de").inserted("geschah")
    with german_patterns():
        words = [pyphen.Pyphen(lang=lang).inserted(w) for lang, w in
                 (("de", "geschah"), ("de_DE", "dauerhaften"), ("de", "Zeugenaussagen"))]
    assert words == ["ge-schah", "dau-er-haf-ten", "Zeu-gen-aus-sa-gen"]
    assert before == pyphen.Pyphen(lang="de").inserted("geschah") == "ge-sch-ah"   # Pyphen's own, put back


def test_addresses_e_mails_and_hashtags_are_marked_unhyphenated_in_text_only():
    from booklet.formats.hyphenation import protect_unbreakable_words

    html = ('<head><style>#x { color: red }</style></head><p>See www.justiceforkhojaly.org, write to a.b@example.org '
            '(#JusticeForKhojaly). &#x2066;<a href="https://x.org/a">https://x.org/a</a>&#x2069;</p>')
    assert protect_unbreakable_words(html) == (
        '<head><style>#x { color: red }</style></head><p>See <span class="nohyphen">www.justiceforkhojaly.org</span>, '
        'write to <span class="nohyphen">a.b@example.org</span> (<span class="nohyphen">#JusticeForKhojaly</span>). '
        '&#x2066;<a href="https://x.org/a"><span class="nohyphen">https://x.org/a</span></a>&#x2069;</p>')


def test_cover_title_breaks_are_balanced_after_punctuation_and_never_after_a_number():
    from booklet.formats.balance import line_breaks

    def breaks(title: str, available: float) -> list[str]:
        words = title.split(" ")
        cuts = line_breaks(words, [10.0 * len(w) for w in words], 10.0, available)
        return [" ".join(words[a:b]) for a, b in zip((0, *cuts), (*cuts, len(words)), strict=True)]

    assert breaks("Ходжалы, 26 февраля 1992 года", 250) == ["Ходжалы,", "26 февраля 1992 года"]
    assert breaks("Chodschali, 26. Februar 1992", 200) == ["Chodschali,", "26. Februar 1992"]
    assert breaks("Khojaly, 26 February 1992", 300) == ["Khojaly, 26 February 1992"]          # fits: one line
    assert breaks("one two three four five six", 160) == ["one two three", "four five six"]   # balanced
