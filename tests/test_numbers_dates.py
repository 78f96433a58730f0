"""Numbers, facts and dates as each language writes them: locale settings, CLDR numbering systems, fact kinds, precision.

Babel is the oracle for the words (month names, separators); the digits are checked
against Unicode's digit values, so a test fails if a figure keeps Latin digits.
"""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from babel.dates import format_date

from booklet.cli import main
from booklet.formatting import NUMBERING_SYSTEMS, formatter_for
from booklet.model import Date, LanguageSettings

WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
SPACES = str.maketrans({"\xa0": " ", "\u202f": " ", "\u2009": " "})


def spaced(text: str) -> str:
    """Show CLDR's no-break and thin spaces as plain spaces, so expectations read plainly."""
    return text.translate(SPACES)


def test_every_numbering_system_has_the_ten_unicode_digits_in_order():
    for name, digits in NUMBERING_SYSTEMS.items():
        assert [unicodedata.digit(d) for d in digits] == list(range(10)), name


def test_locale_setting_gives_british_dates_for_en():
    assert formatter_for("en").date(Date(1992, 2, 25)) == "February 25, 1992"
    assert formatter_for("en", LanguageSettings(locale="en_GB")).date(Date(1992, 2, 25)) == "25 February 1992"
    assert formatter_for("en", LanguageSettings(locale="en_GB")).date(Date(1992, 2, 25)) == format_date(
        Date(1992, 2, 25).first_day(), "long", locale="en_GB")


def test_persian_figures_use_persian_digits_by_cldr_default():
    fa = formatter_for("fa")
    assert fa.numbering == "arabext"
    assert fa.number(12480) == "۱۲٬۴۸۰"
    assert fa.year(1976) == "۱۹۷۶"
    assert fa.percent(62.5) == "۶۲٫۵٪"
    assert fa.date(Date(1976, 5, 16)) == "۱۶ مه ۱۹۷۶"
    assert not re.search("[0-9]", fa.date_range(Date(1989, 3, 1), Date(1990, 6, 30)))


def test_numbering_setting_overrides_the_default():
    assert formatter_for("fa", LanguageSettings(numbering="latn")).number(12480) == "12,480"          # latn digits and latn separators (CLDR fa)
    assert formatter_for("ar").number(1275) == "1,275"                         # CLDR 47: ar defaults to latn
    assert formatter_for("ar", LanguageSettings(numbering="arab")).number(1275) == "١٬٢٧٥"
    assert formatter_for("hi", LanguageSettings(numbering="native")).number(12) == "१२"
    assert formatter_for("ar", LanguageSettings(locale="ar_EG")).numbering == "arab"


@pytest.mark.parametrize(("lang", "quantity"), [("en", "1,976"), ("de", "1.976"), ("pt_BR", "1.976"), ("el", "1.976")])
def test_a_year_fact_is_never_grouped(lang, quantity):
    f = formatter_for(lang)
    assert f.fact(1976, "number") == quantity
    assert f.fact(1976, "year") == "1976"


@pytest.mark.parametrize(("lang", "expected"), [("en", "62.5%"), ("de", "62,5 %"), ("fr", "62,5 %"), ("en", "62.5%")])
def test_percent_facts_follow_the_locale(lang, expected):
    assert spaced(formatter_for(lang).fact(62.5, "percent")) == expected


def test_dates_print_at_their_precision():
    gb = formatter_for("en", LanguageSettings(locale="en_GB"))
    assert gb.date(Date(1991, 10)) == "October 1991"
    assert gb.date(Date(1992)) == "1992"
    assert formatter_for("ja").date(Date(1991, 10)) == "1991年10月"
    assert spaced(formatter_for("ru").date(Date(1991, 10))) == "октябрь 1991 г."


def test_ranges_use_long_month_names_like_single_dates():
    en = formatter_for("en")
    assert spaced(en.date_range(Date(1989, 3, 1), Date(1990, 6, 30))) == "March 1, 1989 – June 30, 1990"
    assert spaced(en.date_range(Date(1989, 3), Date(1989, 6))) == "March – June 1989"
    assert spaced(en.date_range(Date(1988), Date(1994, 5))) == "1988 – May 1994"
    gb = formatter_for("en_GB")
    assert spaced(gb.date_range(Date(1992, 2, 27), Date(1992, 2, 28))) == "27 – 28 February 1992", "CLDR's yMMMd pattern, month widened"
    assert spaced(formatter_for("de").date_range(Date(1992, 2, 27), Date(1992, 2, 28))) == "27.–28. Februar 1992"
    assert formatter_for("ja").date_range(Date(1989, 3, 1), Date(1989, 6, 30)) == "1989年3月1日～6月30日"


def test_partial_dates_order_and_iso_form():
    assert Date(1991, 10) < Date(1991, 10, 5) < Date(1992)
    assert [d.isoformat() for d in (Date(1992), Date(1991, 10), Date(1992, 2, 5))] == ["1992", "1991-10", "1992-02-05"]


@pytest.mark.engines
def test_world_html_prints_year_percent_and_partial_dates_per_language(world_all):
    """The world fixture's year and percent facts and its year- and month-precision dates (session build)."""
    en = spaced((world_all / "world-en/index.html").read_text(encoding="utf-8"))
    assert "began in 1976;" in en and "62.5%" in en and "124,800 people" in en and "<em>480</em> villages" in en
    assert ">October 2023<" in en and ">2022<" in en and "10 January – 20 February 2025" in en
    assert 'datetime="2023-10"' in en
    assert "1 March 2026" in en                                                  # en built with en_GB conventions
    fa = (world_all / "world-fa/index.html").read_text(encoding="utf-8")
    assert "۱۹۷۶" in fa and "۶۲٫۵٪" in fa and "۴۸۰" in fa and "اکتبر ۲۰۲۳" in fa and "۱۲۴٬۸۰۰" in fa
    body = re.sub(r"<[^>]+>|&#?\w+;", " ", fa.split("<body", 1)[1])
    assert "1976" not in body and "480" not in body
    pt = (world_all / "world-pt-BR/index.html").read_text(encoding="utf-8")
    assert "outubro de 2023" in pt and "1.976" not in pt and "124.800" in pt


@pytest.mark.engines
def test_persian_pdf_page_numbers_and_chart_values_use_persian_digits(world_all):
    pdf = world_all / "world-fa.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    footer_digits = [re.findall(f"[{PERSIAN}]+", page.strip().splitlines()[-1]) for page in pages[2:-2] if page.strip()]
    assert footer_digits and all(found for found in footer_digits), "every body page ends with a Persian page number"
    assert "۴۸۰" in text and "۱۲" in text                                        # chart values and facts
    assert not re.search(r"(?<![A-Za-z/.-])480(?![\d])", text)
    assert "۱." in text                                                          # the sources list counts in Persian
    with zipfile.ZipFile(world_all / "world-fa.epub") as book:
        css = book.read("EPUB/style/book.css").decode()
    assert '@counter-style booklet-digits { system: numeric; symbols: "۰" "۱"' in css
    assert "ol { list-style-type: booklet-digits; }" in css


def test_summary_and_status_name_languages_in_bcp47_and_count_files_right(tmp_path):
    from booklet.cli import files_phrase

    root = tmp_path / "world"
    shutil.copytree(WORLD, root)
    out, err = io.StringIO(), io.StringIO()
    assert main(["--source", str(root), "build", "--lang", "pt-BR", "--format", "html", "--out", str(root / "dist")],
                stdout=out, stderr=err) == 0, err.getvalue()
    rows = out.getvalue().splitlines()
    assert any(row.startswith("pt-BR ") for row in rows) and not any("pt_BR" in row for row in rows)
    assert re.search(r"^\d+ files in ", rows[-1] if "files in" in rows[-1] else "\n".join(rows), flags=re.M)
    progress = [line for line in err.getvalue().splitlines() if "…" in line or " built in " in line]
    assert progress and all(line.startswith("pt-BR: ") for line in progress)
    status = io.StringIO()
    assert main(["--source", str(root), "status"], stdout=status, stderr=io.StringIO()) == 0
    assert any(line.startswith("pt-BR ") for line in status.getvalue().splitlines())
    assert (files_phrase(1), files_phrase(2), files_phrase(0)) == ("1 file", "2 files", "0 files")
