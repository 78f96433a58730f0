"""The translators' workflow: extract, update (fuzzy with previous text, obsolete and revived), init, status, check, draft."""
from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from booklet import catalogs, pipeline, review
from booklet.cli import main
from booklet.i18n import catalog_path, template_path
from booklet.pipeline import BuildOptions
from booklet.pofile import read_catalog

from .conftest import PROJECT_ROOT

TOLL = "content/sections/toll.yaml"
OLD = "{hostages} people were taken hostage on the night of the assault."
NEW = "{hostages} people were taken hostage during the night of the assault."


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    status = main(list(args), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def ru_catalog(root):
    """Read the Russian catalog of a booklet."""
    with catalog_path(root, "ru").open("rb") as handle:
        return read_catalog(handle)


def test_round_trip_changed_string_becomes_fuzzy_with_previous_text_then_fixed(project):
    root = project("multilingual")
    toll = root / TOLL
    toll.write_text(toll.read_text().replace(OLD, NEW))
    assert run("--source", str(root), "extract")[0] == 0
    assert run("--source", str(root), "update")[0] == 0
    entry = ru_catalog(root).get(NEW)
    assert entry.fuzzy and entry.previous_id == [OLD]
    assert entry.string == "В ночь штурма {hostages} человек были взяты в заложники."
    text = catalog_path(root, "ru").read_text()
    assert '#| msgid "{hostages} people were taken hostage on the night of the assault."' in text
    ru = {c.lang: c for c in review.status(root)}["ru"]
    assert ru.fuzzy == 1
    # The translator reviews the entry and clears the fuzzy flag, as Poedit does.
    catalog = ru_catalog(root)
    catalog.get(NEW).flags.discard("fuzzy")
    from booklet.pofile import write_catalog
    catalog_path(root, "ru").write_bytes(write_catalog(catalog))
    assert run("--source", str(root), "update")[0] == 0
    ru = {c.lang: c for c in review.status(root)}["ru"]
    assert (ru.fuzzy, ru.untranslated, ru.translated, ru.percent) == (0, 0, ru.total, 100.0)


def test_removed_string_becomes_obsolete_and_returns_with_its_translation(project):
    root = project("multilingual")
    toll = root / TOLL
    original = toll.read_text()
    toll.write_text(original.replace("  - quote:\n      text: A short quotation.\n      attribution: A witness\n", ""))
    catalogs.extract(root)
    catalogs.update(root)
    text = catalog_path(root, "ru").read_text()
    assert '#~ msgid "A short quotation."\n#~ msgstr "Короткая цитата."' in text
    toll.write_text(original)
    catalogs.extract(root)
    catalogs.update(root)
    entry = ru_catalog(root).get("A short quotation.")
    assert entry.string == "Короткая цитата." and not entry.fuzzy
    assert "#~ msgid \"A short quotation.\"" not in catalog_path(root, "ru").read_text()


def test_update_is_stable_and_matches_gnu_gettext_layout(project):
    root = project("multilingual")
    catalogs.extract(root)
    catalogs.update(root)
    first = catalog_path(root, "ar").read_bytes()
    catalogs.extract(root)
    catalogs.update(root)
    assert catalog_path(root, "ar").read_bytes() == first
    result = subprocess.run(["msgcat", str(catalog_path(root, "ar"))], capture_output=True, check=True)
    assert result.stdout == first


def test_update_refuses_to_touch_any_catalog_when_one_does_not_parse(project):
    root = project("multilingual")
    broken = catalog_path(root, "ar")
    broken.write_text(broken.read_text() + '\nmsgid "unterminated\nmsgstr ""\n')
    ru_before = catalog_path(root, "ru").read_bytes()
    status, _out, err = run("--source", str(root), "update")
    assert status == 1
    assert err.startswith("locales/ar/LC_MESSAGES/booklet.po:")
    assert catalog_path(root, "ru").read_bytes() == ru_before


def test_init_creates_catalog_with_cldr_plural_forms_and_adds_language(project):
    root = project("multilingual")
    status, out, _err = run("--source", str(root), "init", "pt-BR")
    assert (status, out.strip()) == (0, "locales/pt_BR/LC_MESSAGES/booklet.po")
    from babel.messages.catalog import Catalog

    expected = Catalog(locale="pt_BR").plural_forms            # the installed Babel's CLDR data, whatever its release
    with catalog_path(root, "pt_BR").open("rb") as handle:
        assert read_po(handle).plural_forms == expected
    assert "languages: [en, ru, ar, pt_BR]" in (root / "content/booklet.yaml").read_text()
    assert run("--source", str(root), "init", "pt_BR")[0] == 1


def test_status_json_reports_strings_and_words(project):
    root = project("multilingual")
    status, out, _err = run("--source", str(root), "status", "--json")
    figures = {entry["lang"]: entry for entry in json.loads(out)["languages"]}
    assert status == 0
    assert figures["en"]["percent"] == 100.0
    assert figures["ru"]["untranslated"] == 0 and figures["ru"]["percent"] == 100.0
    edit_ru(root, "A witness", "")
    figures = {entry["lang"]: entry for entry in json.loads(run("--source", str(root), "status", "--json")[1])["languages"]}
    assert figures["ru"]["untranslated"] == 1 and figures["ru"]["words_untranslated"] == 2


def edit_ru(root, msgid, msgstr):
    """Replace one Russian translation in place, keeping the file layout."""
    from booklet.pofile import write_catalog

    catalog = ru_catalog(root)
    catalog.get(msgid).string = msgstr
    catalog_path(root, "ru").write_bytes(write_catalog(catalog))


def test_check_reports_placeholders_links_and_gaps_at_the_po_line(project):
    root = project("multilingual")
    edit_ru(root, OLD, "В ночь штурма {hostage} человек были взяты в заложники.")
    edit_ru(root, "See the [sources](#sources).", "См. [источники](https://example.org).")
    edit_ru(root, "A witness", "")
    status, out, err = run("--source", str(root), "check")
    lines = err.splitlines()
    assert status == 1
    assert lines == [   # at the msgstr lines; the same words as build's (tests/test_translation_rules.py)
        "locales/ru/LC_MESSAGES/booklet.po:58: error: placeholders differ from the source (missing {hostages}; "
        "unexpected {hostage}); copy each one unchanged",
        "locales/ru/LC_MESSAGES/booklet.po:88: warning: untranslated: 'A witness'",
        "locales/ru/LC_MESSAGES/booklet.po:92: error: link targets differ from the source (missing #sources; "
        "unexpected https://example.org); keep each link's target"]
    assert out.strip().startswith("2 errors")


def test_check_strict_fails_on_warnings_only(project):
    root = project("multilingual")
    assert run("--source", str(root), "check", "--strict")[0] == 0
    edit_ru(root, "A witness", "")
    assert run("--source", str(root), "check")[0] == 0
    assert run("--source", str(root), "check", "--strict")[0] == 1


@pytest.mark.engines
def test_wrong_plural_count_is_an_error_at_build_and_check(project):
    root = project("multilingual")
    text = catalog_path(root, "ru").read_text()
    catalog_path(root, "ru").write_text(text.replace('msgstr[2] "семей уничтожено"\n', ""))
    for command in (["check"], ["build", "--lang", "ru", "--format", "pdf"]):
        status, _out, err = run("--source", str(root), *command)
        assert status == 1 and err.endswith("error: plural entry has 2 forms; the Plural-Forms header asks for 3\n"), err


@pytest.mark.engines
def test_draft_marks_fuzzy_and_missing_text_while_release_falls_back(project):
    from booklet.content import load_booklet
    from booklet.i18n import load_catalog
    from booklet.render import render_view
    from booklet.translation import Translator

    root = project("multilingual")
    catalog = load_catalog(root, "ru")
    catalog.get("In memory.").flags.add("fuzzy")
    booklet = load_booklet(root)
    release = render_view(booklet, Translator("ru", catalog, root))
    draft = render_view(booklet, Translator("ru", catalog, root, use_fuzzy=True), draft=True)
    cover = lambda view: str(view.sections[0].blocks[0]["html"])
    assert cover(release) == '<span lang="en" dir="ltr">In memory.</span>'
    assert cover(draft) == '<span class="draft-fuzzy">В память.</span>'


@pytest.mark.engines
def test_language_below_min_coverage_is_skipped_with_a_warning(project, tmp_path):
    root = project("multilingual")
    meta = root / "content/booklet.yaml"
    meta.write_text(meta.read_text() + "min_coverage: 95\n")
    for msgid in ("A witness", "The assault.", "A short quotation."):   # 56 of the booklet's 59 strings translated
        edit_ru(root, msgid, "")
    report = pipeline.build(root, tmp_path / "out", BuildOptions(formats=["epub"], jobs=1))
    assert [r.lang for r in report.results] == ["en", "ar"]
    assert [str(w) for w in report.warnings] == [   # the release policy's warning; ar is complete
        "locales/ru/LC_MESSAGES/booklet.po: warning: ru: 94.9 % translated, below min_coverage 95 %; not built (preview it with --draft)"]
    assert [r.lang for r in pipeline.build(root, tmp_path / "draft", BuildOptions(formats=["epub"], jobs=1, draft=True)).results] == ["en", "ru", "ar"]


@pytest.mark.parametrize("lang", ["az", "tr", "ru", "fr", "de", "es", "ar"])   # gettext: bash scripts/install.sh --test
def test_shipped_catalogs_pass_msgfmt_check(lang):
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(catalog_path(PROJECT_ROOT, lang))], check=True)


def test_shipped_template_is_current_and_pybabel_extracts_the_same_strings(tmp_path):
    from booklet.content import load_booklet
    from booklet.i18n import extract_messages
    from booklet.render import template_dirs

    current = extract_messages(load_booklet(PROJECT_ROOT), template_dirs(PROJECT_ROOT))
    with template_path(PROJECT_ROOT).open("rb") as handle:
        shipped = read_po(handle)
    key = lambda catalog: {(m.id, m.context, tuple(sorted(m.locations)), tuple(m.auto_comments)) for m in catalog if m.id}
    assert key(current) == key(shipped)
    pybabel = Path(sys.executable).with_name("pybabel")          # Babel's own command, from the same environment
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-c", "Translators:", "-o", str(tmp_path / "b.pot"), "."],
                   cwd=PROJECT_ROOT, check=True)
    with (tmp_path / "b.pot").open("rb") as handle:
        extracted = read_po(handle)
    for message in extracted:                                       # pybabel names the builder's templates by their path
        message.locations = [(path.replace("booklet/templates/", "templates/", 1), line) for path, line in message.locations]
    assert key(extracted) == key(shipped)


@pytest.mark.engines
def test_draft_pdf_has_a_translated_draft_mark_on_every_page(project, tmp_path):
    from pypdf import PdfReader

    root = project("multilingual")
    pipeline.build(root, tmp_path / "draft", BuildOptions(langs=["ru"], formats=["pdf"], jobs=1, draft=True))
    pages = PdfReader(tmp_path / "draft" / "multi-ru.pdf").pages
    assert all("Черновик: не для публикации" in page.extract_text() for page in pages)
    pipeline.build(root, tmp_path / "release", BuildOptions(langs=["ru"], formats=["pdf"], jobs=1))
    assert not any("Черновик" in page.extract_text() for page in PdfReader(tmp_path / "release" / "multi-ru.pdf").pages)


def test_check_warns_when_plural_forms_disagree_with_cldr(project):
    root = project("multilingual")
    po = catalog_path(root, "ru")
    header = re.compile(r'"Plural-Forms: [^\n]*?(\n"[^\n]*?)*?\\n"\n')   # the field, over as many lines as it takes
    text = header.sub(lambda _m: '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n', po.read_text(), count=1)
    po.write_text(re.sub(r'msgstr\[2\] ".*"\n(".*"\n)*', "", text))   # a consistent catalog with 2 forms
    status, _out, err = run("--source", str(root), "check")
    assert "locales/ru/LC_MESSAGES/booklet.po:15: warning: Plural-Forms declares 2 forms; ru has 3 in CLDR" in err, err
