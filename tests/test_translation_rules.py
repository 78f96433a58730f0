"""One definition of a translation: pure lookups, counts independent of formats, one message per defect in check and build."""
import copy
import gettext
import io
import re
from pathlib import Path

import pytest

from booklet import pipeline, review
from booklet.cli import main
from booklet.content import load_booklet
from booklet.i18n import catalog_path, load_catalog
from booklet.pipeline import BuildOptions
from booklet.plurals import PluralError, compare_with_cldr, parse_expression, parse_plural_forms
from booklet.render import render_view
from booklet.translation import Scope, Translator, booklet_strings, catalog_problems, coverage_percent, language_counts

from .test_invalid import INVALID, PROGRESS, overlay

#: Invalid cases whose mistakes are in a catalog (every case with a locales/ folder): check must report exactly what build refuses.
CATALOG_CASES = sorted(p.name for p in INVALID.iterdir() if (p / "locales").is_dir())


def run(*argv: str) -> tuple[int, str]:
    """Run the command line; return its status and its problem lines."""
    stderr = io.StringIO()
    status = main(list(argv), stdout=io.StringIO(), stderr=stderr)
    return status, "\n".join(line for line in stderr.getvalue().splitlines() if not PROGRESS.match(line))


@pytest.mark.parametrize("case", CATALOG_CASES)
def test_check_reports_every_error_build_refuses_in_the_same_words(case, tmp_path):
    root = overlay(case, tmp_path)
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    build_args = (INVALID / case / "args").read_text().split() if (INVALID / case / "args").is_file() else ["build"]
    status, built = run("--source", str(root), *build_args, "--out", str(tmp_path / "dist"))
    assert (status, built.splitlines()) == (1, expected)
    status, checked = run("--source", str(root), "check")
    assert status == 1
    assert [line for line in checked.splitlines() if ": error: " in line] == expected


def test_catalog_corpus_covers_each_class_of_issue_17():
    assert {"catalog-blank-title", "catalog-control-characters", "catalog-plural-expression-syntax",
            "catalog-plural-form-missing", "catalog-added-msgctxt", "catalog-two-bad-links",
            "catalog-link-to-another-site", "catalog-template-placeholder"} <= set(CATALOG_CASES)


def test_translator_is_a_pure_lookup(project):
    root = project("multilingual")
    booklet, catalog = load_booklet(root), load_catalog(root, "ru")
    translator = Translator("ru", catalog, root)
    before = copy.deepcopy({name: value for name, value in vars(translator).items() if name != "catalog"})
    first = render_view(booklet, translator)
    assert render_view(booklet, translator) == first
    assert {name: value for name, value in vars(translator).items() if name != "catalog"} == before
    assert not hasattr(translator, "counts") and not hasattr(translator, "statuses")


def test_counts_come_from_the_catalog_and_the_booklet(project):
    root = project("multilingual")
    booklet = load_booklet(root)
    strings = booklet_strings(booklet)
    catalog = load_catalog(root, "ru")
    catalog.get("In memory.").flags.add("fuzzy")
    catalog.get("A witness").string = ""
    counts = language_counts(strings, catalog)
    total = len([m for m in strings if m.id])
    assert counts["fuzzy"] == 1 and counts["missing"] >= 1 and sum(counts.values()) == total
    assert coverage_percent(counts) == pytest.approx(100 * counts["translated"] / total)
    assert language_counts(strings, None) == {"source": total}
    figures = {c.lang: c for c in review.status(root)}
    assert figures["ru"].total == total   # status counts the same strings


@pytest.mark.engines
@pytest.mark.parametrize("fixture", ["multilingual", "projects/world"])
def test_counts_and_download_percentages_do_not_depend_on_the_formats_built(project, tmp_path, fixture):
    root = project(fixture)
    pdf = pipeline.build(root, tmp_path / "pdf", BuildOptions(formats=["pdf"], jobs=1))
    html = pipeline.build(root, tmp_path / "html", BuildOptions(formats=["html"], jobs=1))
    assert {r.lang: r.counts for r in pdf.results} == {r.lang: r.counts for r in html.results}
    coverage = re.compile(r'data-coverage="([^"]*)"')
    pages = [(tmp_path / out / "index.html").read_text(encoding="utf-8") for out in ("pdf", "html")]
    assert coverage.findall(pages[0]) == coverage.findall(pages[1])
    assert len(coverage.findall(pages[0])) == len(pdf.results)   # every language shows its figure
    strings = booklet_strings(load_booklet(root))
    for result in pdf.results:
        catalog = None if result.lang == "en" else load_catalog(root, result.lang)
        assert result.counts == language_counts(strings, catalog)


def test_fuzzy_entry_with_a_defect_is_a_warning_and_never_shown_in_a_draft(project):
    root = project("multilingual")
    path = catalog_path(root, "ru")
    text = path.read_text(encoding="utf-8")
    text = text.replace('msgid "See the [sources](#sources)."\nmsgstr "См. [источники](#sources)."',
                        '#, fuzzy\nmsgid "See the [sources](#sources)."\nmsgstr "См. [источники](javascript:x)."')
    path.write_text(text, encoding="utf-8")
    status, checked = run("--source", str(root), "check")
    assert "locales/ru/LC_MESSAGES/booklet.po:93: warning: link target 'javascript:x' is not allowed " \
           "(use https://, http://, mailto: or #section-id)" in checked.splitlines()
    assert ": error: " not in checked
    booklet = load_booklet(root)
    scope = Scope.of(booklet, "ru", load_catalog(root, "ru"), booklet_strings(booklet))
    unusable = pipeline.check_translations(booklet, {"ru": scope.catalog}, scope.strings)["ru"]
    draft = Translator("ru", scope.catalog, root, use_fuzzy=True, unusable=unusable)
    assert draft.status("See the [sources](#sources).") == "broken"
    note = render_view(booklet, draft, draft=True).sections[2].blocks[-1]
    assert "javascript" not in str(note) and "draft-broken" in str(note)


def test_header_with_the_wrong_nplurals_is_one_message(project):
    # The file-format layer (pofile.syntax_problems) leaves a consistent file to this layer, which knows the
    # language and names the header once (tests/test_check_rules.py checks it from the file, through check).
    root = project("multilingual")
    booklet = load_booklet(root)
    catalog = load_catalog(root, "ru")
    catalog.mime_headers = [(k, "nplurals=2; plural=(n != 1);" if k == "Plural-Forms" else v) for k, v in catalog.mime_headers]
    problems = catalog_problems(Scope.of(booklet, "ru", catalog, booklet_strings(booklet)))
    assert [str(p) for p in problems] == [
        "locales/ru/LC_MESSAGES/booklet.po:15: error: Plural-Forms declares nplurals=2, but every plural entry has 3 "
        "forms; use nplurals=3; plural=n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && "
        "(n % 100 < 12 || n % 100 > 14) ? 1 : 2;"]


# --- plural expressions -----------------------------------------------------------------------------

#: Formulas as GNU gettext, Weblate, CLDR (through Babel) and older catalogs write them.
FORMULAS = [
    "0", "n != 1", "(n != 1)", "n > 1", "(n > 1)", "n==1 ? 0 : 1",
    "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2)",
    "n % 10 == 1 && n % 100 != 11 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2",
    "n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5",
    "(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2",
    "(n==1) ? 0 : (n>=2 && n<=4) ? 1 : 2",
    "(n==0) ? 0 : (n==1) ? 1 : (n==2) ? 2 : (n==3) ? 3 :(n==6) ? 4 : 5",
    "n==1 ? 0 : n==2 ? 1 : (n>2 && n<7) ? 2 :(n>6 && n<11) ? 3 : 4",
    "(n == 1) ? 0 : ((n == 2) ? 1 : ((n > 10 && n % 10 == 0) ? 2 : 3))",
    "n%100==1 ? 0 : n%100==2 ? 1 : n%100==3 || n%100==4 ? 2 : 3",
    "!(n == 1) + 0 * n / 7",
]


@pytest.mark.parametrize("formula", FORMULAS)
def test_plural_parser_agrees_with_python_gettext(formula):
    ours, reference = parse_expression(formula), gettext.c2py(formula)
    assert [ours(n) for n in range(1001)] == [reference(n) for n in range(1001)]


@pytest.mark.parametrize(("header", "message"), [
    ("nplurals=2; plural=(n != 1;", "')' expected, found the end of the plural expression"),
    ("nplurals=2; plural=n != 1);", "unexpected ')' at character 7 of the plural expression"),
    ("nplurals=2; plural=__import__('os').system('true');", "unknown character '_' at character 1 of the plural expression"),
    ("nplurals=2; plural=n ? 1;", "':' expected, found the end of the plural expression"),
    ("nplurals=2; plural=;", "the plural expression ends too early"),
    ("nplurals=x; plural=n != 1;", "nplurals=x is not a number of forms from 1 to 10"),
    ("plural=n != 1;", "the header must read nplurals=N; plural=EXPRESSION;"),
])
def test_plural_forms_that_do_not_parse_are_named(header, message):
    with pytest.raises(PluralError) as error:
        parse_plural_forms(header)
    assert str(error.value) == message


#: What Weblate (language-data, languages.csv) and GNU gettext (gettext.csv there) write for these languages:
#: two forms, where CLDR has a third ("many") that only millions take.
GNU_AND_WEBLATE = [
    ("fr", "nplurals=2; plural=n > 1;"), ("fr", "nplurals=2; plural=(n > 1);"),
    ("es", "nplurals=2; plural=n != 1;"), ("es", "nplurals=2; plural=(n != 1);"),
    ("it", "nplurals=2; plural=n != 1;"), ("it", "nplurals=2; plural=(n != 1);"),
    ("pt_BR", "nplurals=2; plural=n > 1;"), ("pt_BR", "nplurals=2; plural=(n > 1);"),
    ("ru", "nplurals=3; plural=n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2;"),
    ("ar", "nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;"),
]


@pytest.mark.parametrize(("lang", "header"), GNU_AND_WEBLATE)
def test_gnu_gettext_and_weblate_plural_forms_are_accepted(lang, header):
    assert compare_with_cldr(lang, parse_plural_forms(header)) is None


@pytest.mark.parametrize("lang", ["fr", "es", "it", "pt_BR", "ru", "ar", "tr", "az", "de", "he", "fa", "hi", "ja", "th"])
def test_cldr_plural_forms_babel_writes_are_accepted(lang):
    from babel.messages.plurals import get_plural

    assert compare_with_cldr(lang, parse_plural_forms(get_plural(lang).plural_forms)) is None


@pytest.mark.parametrize(("lang", "header", "expected"), [
    ("fr", "nplurals=2; plural=(n != 1);",
     ("error", "Plural-Forms gives a different form than CLDR's rule for fr for 1 of the numbers 0–1000 (for 0: msgstr[1], "
               "CLDR: msgstr[0]); use nplurals=3; plural=(n == 0 || n == 1) ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2; "
               "and order the forms to match")),
    ("ar", "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=0 && n%100<=2 ? 4 : 5);",
     ("error", "Plural-Forms gives a different form than CLDR's rule for ar for 918 of the numbers 0–1000 (for 11: msgstr[5], "
               "CLDR: msgstr[4]); use nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 "
               "? 3 : n % 100 >= 11 && n % 100 <= 99 ? 4 : 5); and order the forms to match")),
    ("tr", "nplurals=1; plural=0;",
     ("warning", "Plural-Forms declares 1 form; tr has 2 in CLDR (nplurals=2; plural=(n != 1);)")),
    ("fr", "nplurals=4; plural=n == 1 ? 0 : n == 2 ? 1 : n < 5 ? 2 : 3;",
     ("warning", "Plural-Forms declares 4 forms; fr has 3 or 2 in CLDR (nplurals=3; plural=(n == 0 || n == 1) ? 0 : "
                 "n != 0 && n % 1000000 == 0 ? 1 : 2;)")),
])
def test_real_disagreements_with_cldr_are_flagged(lang, header, expected):
    assert compare_with_cldr(lang, parse_plural_forms(header)) == expected


def test_translator_falls_back_when_the_rule_gives_no_form(project):
    from booklet.model import Plural

    root = project("multilingual")
    catalog = load_catalog(root, "ru")
    catalog.mime_headers = [(k, "nplurals=3; plural=n > 5000 ? 7 : n == 1 ? 0 : 2;" if k == "Plural-Forms" else v)
                            for k, v in catalog.mime_headers]
    translator = Translator("ru", catalog, root)
    label = Plural("family wiped out", "families wiped out", load_booklet(root).source)
    assert translator.plural(label, 1).text == "семья уничтожена"
    assert (translator.plural(label, 6000).text, translator.plural(label, 6000).status) == ("families wiped out", "broken")
    assert Path(translator.shown) == Path("locales/ru/LC_MESSAGES/booklet.po")
