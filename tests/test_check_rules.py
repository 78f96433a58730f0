"""check catches what translators get wrong (issue 11, item 7), each at the line of the entry's msgstr, in exact words."""
import re
import subprocess
from pathlib import Path

import pytest

from booklet import review
from booklet.i18n import catalog_path
from booklet.plurals import compare_with_cldr, parse_plural_forms
from booklet.pofile import read_po_file
from booklet.review import form_warnings

RU = "locales/ru/LC_MESSAGES/booklet.po"
PT = "locales/pt_BR/LC_MESSAGES/booklet.po"
HEADER = re.compile(r'"Plural-Forms: [^\n]*?(\n"[^\n]*?)*?\\n"\n')


def edit(root: Path, lang: str, old: str, new: str) -> None:
    """Replace one piece of a catalog's text, which must occur once."""
    path = catalog_path(root, lang)
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(root: Path, lang: str, msgid: str, keyword: str = "msgstr") -> int:
    """Return the line of ``keyword`` in the entry of ``msgid`` (searching from the msgid line)."""
    lines = catalog_path(root, lang).read_text(encoding="utf-8").split("\n")
    start = lines.index(f'msgid "{msgid}"')
    return next(n for n in range(start, len(lines)) if lines[n].startswith(keyword + " ")) + 1


def problems_at(root: Path, path: str, lines: set[int]) -> list[str]:
    """Return check's problems at the given lines of one catalog, as printed."""
    return [f"{p.location.line}: {p.severity}: {p.message}" for p in sorted(review.check(root), key=lambda p: (p.location.line or 0, p.message))
            if str(p.location.path) == path and p.location.line in lines]


def test_html_tags_in_a_translation_are_an_error(project):
    root = project("multilingual")
    edit(root, "ru", 'msgstr "В память."', 'msgstr "<b>В память.</b>"')
    edit(root, "ru", 'msgstr "Издание"', 'msgstr "<i>Издание</i>"')
    memory, edition = line_of(root, "ru", "In memory."), line_of(root, "ru", "Edition")
    assert problems_at(root, RU, {memory, edition}) == [
        f"{memory}: error: HTML is shown as text, not as markup (unexpected </b>, <b>); use *emphasis* or **strong** instead",
        f"{edition}: error: HTML is shown as text, not as markup (unexpected </i>, <i>); remove it"]


def test_numbers_and_web_addresses_that_differ_are_warnings(project):
    root = project("multilingual")
    source = "A statement of 26 February 1992, https://example.org/statement"
    sources = root / "content/sections/sources.yaml"
    sources.write_text(sources.read_text().replace("title: A statement", f"title: {source}"))
    edit(root, "ru", 'msgid "A statement"\nmsgstr "Заявление"',
         f'msgid "{source}"\nmsgstr "Заявление от 26 февраля 1993 г., https://example.org/zayavlenie"')
    edit(root, "ru", 'msgstr "CC BY 4.0"', 'msgstr "CC BY 4.1"')
    statement, license_ = line_of(root, "ru", source), line_of(root, "ru", "CC BY 4.0")
    assert problems_at(root, RU, {statement, license_}) == [
        f"{license_}: warning: numbers differ from the source (missing 4.0; unexpected 4.1); check every figure and year",
        f"{statement}: warning: numbers differ from the source (missing 1992; unexpected 1993); check every figure and year",
        f"{statement}: warning: web addresses differ from the source (missing https://example.org/statement; unexpected "
        f"https://example.org/zayavlenie); keep them unless the page has a version in your language"]


@pytest.mark.parametrize(("source", "translation", "expected"), [
    ("1,275 people in 1992", "1 275 человек в 1992 году", []),                       # separators differ by language
    ("1,275 people", "١٬٢٧٥ شخصًا", []),                                            # Arabic-Indic digits
    ("the 39th session, in the 1990s", "на тридцать девятой сессии, в девяностые", []),   # ordinals, decades as words
    ("in February 2025", "2025-ci ilin fevralında", []),                             # a suffix joined to the year
    ("on 26 February 1992", "26 февраля", [("numbers", "numbers differ from the source (missing 1992); check every figure and year")]),
    ("see www.example.org.", "см. www.example.org’da.", []),                         # punctuation after the address
])
def test_numbers_and_addresses_are_compared_as_translators_write_them(source, translation, expected):
    assert form_warnings(source, translation, {"content"}) == expected


def test_english_copied_unchanged_is_a_warning_unless_flagged(project):
    root = project("multilingual")
    msgid = "{hostages} people were taken hostage on the night of the assault."
    edit(root, "ru", 'msgstr "В ночь штурма {hostages} человек были взяты в заложники."', f'msgstr "{msgid}"')
    edit(root, "ru", 'msgstr "Представительство"', 'msgstr "A mission"')   # a short name may stay as it is
    line = line_of(root, "ru", msgid)
    assert problems_at(root, RU, {line, line_of(root, "ru", "A mission")}) == [
        f"{line}: warning: the translation is the same as the source text; translate it, or add the flag "
        "'#, ignore-same' if it stays the same in ru"]
    edit(root, "ru", "#, python-brace-format\nmsgid \"{hostages}", "#, python-brace-format, ignore-same\nmsgid \"{hostages}")
    assert problems_at(root, RU, {line}) == []


def test_spaces_at_the_ends_and_double_spaces_are_warnings(project):
    root = project("multilingual")
    edit(root, "ru", 'msgstr "Штурм."', 'msgstr " Штурм."')
    edit(root, "ru", 'msgstr "Свидетель"', 'msgstr "Свидетель "')
    edit(root, "ru", 'msgstr "В цифрах"', 'msgstr "В  цифрах"')
    assault, witness, figures = (line_of(root, "ru", m) for m in ("The assault.", "A witness", "In figures"))
    assert problems_at(root, RU, {assault, witness, figures}) == [
        f"{figures}: warning: the translation has a double space; use one",
        f"{assault}: warning: the translation starts with a space and the source does not; make them alike",
        f"{witness}: warning: the translation ends with a space and the source does not; make them alike"]


def test_an_edited_msgid_is_named_at_its_entry_with_the_text_it_was(project):
    root = project("multilingual")
    edit(root, "ru", 'msgid "A mission"', 'msgid "A misson"')
    line = line_of(root, "ru", "A misson", "msgid")
    assert [str(p) for p in review.check(root) if str(p.location.path) == RU] == [
        f"{RU}:{line}: warning: this msgid is not in the booklet, so its translation is never used (the closest booklet "
        "text is 'A mission'); if you edited the msgid, change it back, and if the booklet changed, run: python build.py update"]


def _pt_br_header(root: Path, value: str, forms: int) -> None:
    """Give the world fixture's pt_BR catalog another Plural-Forms, keeping ``forms`` forms in every entry."""
    path = catalog_path(root, "pt_BR")
    text = HEADER.sub(lambda _m: f'"Plural-Forms: {value}\\n"\n', path.read_text(encoding="utf-8"), count=1)
    for index in range(forms, 6):
        text = re.sub(rf'msgstr\[{index}\] ".*"\n(".*"\n)*', "", text)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("header", ["nplurals=2; plural=n > 1;", "nplurals=2; plural=(n > 1);"])
def test_weblate_and_gnu_two_form_rule_for_pt_br_passes(project, header):
    root = project("projects/world")
    _pt_br_header(root, header, 2)
    assert [str(p) for p in review.check(root) if "Plural" in p.message or p.severity == "error"] == []


def test_a_rule_that_disagrees_with_cldr_is_an_error_at_the_header(project):
    root = project("projects/world")
    _pt_br_header(root, "nplurals=2; plural=(n != 1);", 2)
    assert [str(p) for p in review.check(root) if p.severity == "error"] == [
        f"{PT}:18: error: Plural-Forms gives a different form than CLDR's rule for pt_BR for 1 of the numbers 0–1000 "
        "(for 0: msgstr[1], CLDR: msgstr[0]); use nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 "
        "? 1 : 2; and order the forms to match"]


def test_a_count_that_is_not_cldrs_is_one_warning_at_the_header(project):
    root = project("projects/world")
    _pt_br_header(root, "nplurals=1; plural=0;", 1)
    assert [str(p) for p in review.check(root) if "Plural" in p.message or p.severity == "error"] == [
        f"{PT}:18: warning: Plural-Forms declares 1 form; pt_BR has 3 or 2 in CLDR (nplurals=3; plural=(n == 0 || n == 1) "
        "? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;)"]


def test_a_header_with_the_wrong_nplurals_is_one_error_at_the_header_line(project):
    root = project("multilingual")
    edit(root, "ru", '"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "\n'
                     '"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"', '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"')
    assert [str(p) for p in review.check(root) if p.severity == "error"] == [
        f"{RU}:15: error: Plural-Forms declares nplurals=2, but every plural entry has 3 forms; use nplurals=3; "
        "plural=n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2;"]


@pytest.mark.parametrize("lang", ["es", "fr", "it", "pt", "pt_BR", "ru", "tr", "de", "ja"])   # msginit has no rule for ar
def test_the_rules_gnu_msginit_writes_are_accepted(lang, tmp_path):
    (tmp_path / "t.pot").write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n')
    written = subprocess.run(["msginit", "--no-translator", "-l", f"{lang}.UTF-8", "-i", str(tmp_path / "t.pot"), "-o", "-"],
                             capture_output=True, check=True).stdout
    header = read_po_file(written).header_field("Plural-Forms")
    assert compare_with_cldr(lang, parse_plural_forms(header)) is None, header


@pytest.mark.parametrize(("lang", "header"), [("es", "nplurals=2; plural=n != 1;"), ("fr", "nplurals=2; plural=n > 1;"),
                                              ("it", "nplurals=2; plural=n != 1;"), ("pt_BR", "nplurals=2; plural=n > 1;")])
def test_the_rules_weblate_writes_are_accepted(lang, header):
    assert compare_with_cldr(lang, parse_plural_forms(header)) is None


def test_a_deliberately_wrong_russian_rule_is_an_error():
    assert compare_with_cldr("ru", parse_plural_forms("nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 ? 1 : 2);")) == (
        "error", "Plural-Forms gives a different form than CLDR's rule for ru for 119 of the numbers 0–1000 (for 12: "
        "msgstr[1], CLDR: msgstr[2]); use nplurals=3; plural=n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 "
        "<= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2; and order the forms to match")


@pytest.mark.parametrize("fixture", ["multilingual", "projects/world", None])
def test_shipped_catalogs_have_no_errors(project, fixture):
    root = project(fixture) if fixture else Path(__file__).parent.parent
    assert [str(p) for p in review.check(root) if p.severity == "error"] == []


def test_a_count_no_region_of_the_language_has_names_each_count_once():
    assert compare_with_cldr("pt", parse_plural_forms("nplurals=1; plural=0;")) == (
        "warning", "Plural-Forms declares 1 form; pt has 3 or 2 in CLDR (nplurals=3; plural=(n == 0 || n == 1) ? 0 : "
                   "n != 0 && n % 1000000 == 0 ? 1 : 2;)")
