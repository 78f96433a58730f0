"""The shipped Khojaly booklet and the multi-script world fixture: every language builds, shows its locale's
formats, embeds its fonts and passes EPUBCheck (the world's EPUBCheck run is in tests/test_epub.py)."""
from __future__ import annotations

import zipfile

import pytest
from babel.messages.pofile import read_po

from booklet.content import load_booklet
from booklet.i18n import catalog_path

from .conftest import FIXTURES, PROJECT_ROOT
from .pdfcheck import epubcheck, on_one_line, pdf_fonts, pdf_lines

LANGUAGES = ["en", "az", "tr", "ru", "fr", "de", "es", "ar"]
WORLD_LANGUAGES = ["en", "hi", "th", "he", "fa", "ja", "pt-BR"]
ROOTS = {"sample": PROJECT_ROOT, "world": FIXTURES / "projects" / "world"}
STEMS = {"sample": "khojaly-1992", "world": "world"}
PAGES = {"sample": (16, 28), "world": (4, 8)}
#: A long date each booklet prints (the sample's timeline, the world's edition date; en is en_GB there) and a
#: quantity grouped as the locale groups it (the sample's hostages: 1275; the world's residents: 124800).
LONG_DATE = {"en": "26 February 1992", "az": "26 fevral 1992", "tr": "26 Şubat 1992", "ru": "26 февраля 1992 г.",
             "fr": "26 février 1992", "de": "26. Februar 1992", "es": "26 de febrero de 1992", "ar": "26 فبراير 1992"}
HOSTAGES = {"en": "1,275", "az": "1.275", "tr": "1.275", "ru": "1 275", "fr": "1 275", "de": "1.275", "es": "1.275", "ar": "1,275"}
WORLD_LONG_DATE = {"en": "1 March 2026", "hi": "1 मार्च 2026", "th": "1 มีนาคม ค.ศ. 2026", "he": "1 במרץ 2026",
                   "fa": "۱ مارس ۲۰۲۶", "ja": "2026年3月1日", "pt-BR": "1 de março de 2026"}
RESIDENTS = {"en": "124,800", "hi": "1,24,800", "th": "124,800", "he": "124,800", "fa": "۱۲۴٬۸۰۰", "ja": "124,800",
             "pt-BR": "124.800"}
PRINTED = {"sample": (LONG_DATE, HOSTAGES), "world": (WORLD_LONG_DATE, RESIDENTS)}
CASES = [("sample", lang) for lang in LANGUAGES] + [("world", lang) for lang in WORLD_LANGUAGES]


@pytest.fixture
def built(request, booklet):
    """The session's one build of the booklet under test (tests/conftest.py): (root, out, results by language)."""
    return request.getfixturevalue(f"{booklet}_build")


@pytest.mark.parametrize(("booklet", "languages"), [("sample", LANGUAGES), ("world", WORLD_LANGUAGES)])
def test_booklet_declares_its_languages(booklet, languages):
    assert [tag.replace("_", "-") for tag in load_booklet(ROOTS[booklet]).languages] == languages


@pytest.mark.parametrize(("booklet", "lang"), [case for case in CASES if case[1] != "en"])
def test_catalog_is_complete_and_not_fuzzy(booklet, lang):
    with catalog_path(ROOTS[booklet], lang.replace("-", "_")).open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert untranslated == []
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


@pytest.mark.engines
@pytest.mark.parametrize(("booklet", "lang"), CASES)
def test_pdf_shows_long_date_and_locale_numbers(built, booklet, lang):
    _root, out, results = built
    lines = pdf_lines(out / f"{STEMS[booklet]}-{lang}.pdf")
    long_date, quantity = (table[lang] for table in PRINTED[booklet])
    assert on_one_line(lines, long_date), long_date
    assert any(quantity in line for line in lines), quantity
    result = results[lang.replace("-", "_")]
    assert result.counts.get("missing", 0) == 0
    low, high = PAGES[booklet]
    assert low <= result.outputs[0].pages <= high


@pytest.mark.engines
@pytest.mark.parametrize(("booklet", "lang"), CASES)
def test_every_pdf_font_is_embedded(built, booklet, lang):
    fonts = pdf_fonts(built[1] / f"{STEMS[booklet]}-{lang}.pdf")
    assert fonts and all(fonts.values()), fonts


@pytest.mark.engines
@pytest.mark.parametrize(("booklet", "lang", "word"), [("sample", "ar", "خوجالي"), ("world", "fa", "رودها")])
def test_arabic_script_pdf_is_set_in_amiri_and_contains_its_text(built, booklet, lang, word):
    pdf = built[1] / f"{STEMS[booklet]}-{lang}.pdf"
    assert any("Amiri" in name for name in pdf_fonts(pdf))
    assert any(word in line for line in pdf_lines(pdf))


#: The files of each booklet's image blocks (the sample's candle is drawn as SVG; the world has an SVG and a PNG).
IMAGES = {"sample": ["content/images/candle.svg"], "world": ["images/map.svg", "images/river.png"]}


@pytest.mark.engines
@pytest.mark.parametrize(("booklet", "lang"), CASES)
def test_image_blocks_are_in_the_epub_and_the_web_edition(built, booklet, lang):
    out = built[1]
    with zipfile.ZipFile(out / f"{STEMS[booklet]}-{lang}.epub") as book:
        names = set(book.namelist())
        chapters = "".join(book.read(name).decode() for name in names if name.endswith(".xhtml"))
    web = (out / f"{STEMS[booklet]}-{lang}" / "index.html").read_text(encoding="utf-8")
    for image in IMAGES[booklet]:
        assert f"EPUB/{image}" in names and f'src="{image}"' in chapters
        assert (out / f"{STEMS[booklet]}-{lang}" / image).is_file() and f'src="{image}"' in web


@pytest.mark.engines
@pytest.mark.parametrize("lang", LANGUAGES)
def test_epubcheck_is_clean(sample_build, lang):
    _root, out, _results = sample_build
    messages = epubcheck(out / f"khojaly-1992-{lang}.epub")
    assert [(m["severity"], m["ID"], m["message"]) for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []


#: The sample's remembrance paragraph: a year fact ({missing_as_of}: 2025, never grouped) and plural forms chosen by
#: {missing} (150: Russian's third form, Arabic's 'many' form), as the web edition prints them.
MISSING_SENTENCE = {
    "en": "In 2025, the fate of 150 people from Khojaly", "az": "2025-ci ildə Xocalıdan olan 150 nəfərin",
    "tr": "2025’te Hocalı’dan 150 kişinin", "ru": "В 2025 году, согласно", "fr": "En 2025, le sort de 150 habitants",
    "de": "2025 war das Schicksal von 150 Menschen", "es": "En 2025, la suerte de 150 personas",
    "ar": "ففي عام 2025، كان مصير 150 شخصًا"}


@pytest.mark.engines
@pytest.mark.parametrize("lang", LANGUAGES)
def test_sample_prints_a_year_fact_and_a_plural_paragraph(sample_build, lang):
    page = (sample_build[1] / f"khojaly-1992-{lang}" / "index.html").read_text(encoding="utf-8")
    assert MISSING_SENTENCE[lang] in page
    assert "2,025" not in page and "2.025" not in page
    if lang == "ru":
        assert "судьба 150 жителей Ходжалы" in page
