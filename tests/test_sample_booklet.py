"""The shipped Khojaly booklet: every language builds, shows its locale's formats, and passes EPUBCheck."""
from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from booklet.content import load_booklet
from booklet.i18n import catalog_path

from .conftest import PROJECT_ROOT
from .pdfcheck import epubcheck, has_phrase, pdf_fonts, pdf_text

LANGUAGES = ["en", "az", "tr", "ru", "fr", "de", "es", "ar"]
LONG_DATE = {"en": "26 February 1992", "az": "26 fevral 1992", "tr": "26 Şubat 1992", "ru": "26 февраля 1992 г.",
             "fr": "26 février 1992", "de": "26. Februar 1992", "es": "26 de febrero de 1992", "ar": "26 فبراير 1992"}
HOSTAGES = {"en": "1,275", "az": "1.275", "tr": "1.275", "ru": "1 275", "fr": "1 275", "de": "1.275", "es": "1.275", "ar": "1,275"}


def test_booklet_declares_the_eight_languages():
    assert list(load_booklet(PROJECT_ROOT).languages) == LANGUAGES


@pytest.mark.parametrize("lang", LANGUAGES[1:])
def test_catalog_is_complete_and_not_fuzzy(lang):
    with catalog_path(PROJECT_ROOT, lang).open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert untranslated == []
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


@pytest.mark.engines
@pytest.mark.parametrize("lang", LANGUAGES)
def test_pdf_shows_long_date_and_locale_numbers(sample_build, lang):
    _root, out, results = sample_build
    text = pdf_text(out / f"khojaly-1992-{lang}.pdf")
    assert has_phrase(text, LONG_DATE[lang], rtl=lang == "ar")
    assert HOSTAGES[lang] in text
    assert results[lang].counts.get("missing", 0) == 0
    assert 16 <= results[lang].outputs[0].pages <= 28


@pytest.mark.engines
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_pdf_font_is_embedded(sample_build, lang):
    _root, out, _results = sample_build
    fonts = pdf_fonts(out / f"khojaly-1992-{lang}.pdf")
    assert fonts and all(fonts.values()), fonts


@pytest.mark.engines
def test_arabic_pdf_is_set_in_amiri_and_contains_arabic_text(sample_build):
    _root, out, _results = sample_build
    assert any("Amiri" in name for name in pdf_fonts(out / "khojaly-1992-ar.pdf"))
    assert "خوجالي" in pdf_text(out / "khojaly-1992-ar.pdf")


@pytest.mark.engines
@pytest.mark.parametrize("lang", LANGUAGES)
def test_epubcheck_is_clean(sample_build, lang):
    _root, out, _results = sample_build
    messages = epubcheck(out / f"khojaly-1992-{lang}.epub")
    assert [(m["severity"], m["ID"], m["message"]) for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []
