"""Plural forms in running text: paragraphs, list items, captions and notes agree with a fact's number.

The source gives the English forms (``{one: …, other: …, count: fact}``); extraction writes
msgid/msgid_plural (ours, Babel's ``pybabel extract`` and the catalogs ``init`` makes), translators
give every CLDR form of their language, and each build picks the form by the number.
"""
from __future__ import annotations

import gettext
import io
import re
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po, write_po

from booklet.cli import main

from .conftest import write_project

FACTS = {"one": 1, "two": 2, "five": 5, "twentyone": 21}
SECTION = """title: Counts
blocks:
{blocks}
  - list:
      - {{one: "{{one}} list river", other: "{{one}} list rivers", count: one}}
      - A plain item.
  - note: {{one: "{{two}} note river", other: "{{two}} note rivers", count: two}}
  - image:
      file: images/dot.svg
      alt: A dot.
      caption: {{one: "{{five}} caption river", other: "{{five}} caption rivers", count: five}}
"""
PARAGRAPH = '  - paragraph:\n      one: "{{{fact}}} river"\n      other: "{{{fact}}} rivers"\n      count: {fact}\n      note: A count of rivers.\n'
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle cx="5" cy="5" r="4"/></svg>\n'
#: Every CLDR form of each language, for "N river(s)": the form's category name makes the choice visible.
LANGUAGES = ("ru", "ar", "he")
EXPECTED = {
    # CLDR: ru 1 one, 2 few, 5 many, 21 one; ar 1 one, 2 two, 5 few, 21 many; he 1 one, 2 two, 5 other, 21 other.
    "ru": {"1": "one", "2": "few", "5": "many", "21": "one"},
    "ar": {"1": "one", "2": "two", "5": "few", "21": "many"},
    "he": {"1": "one", "2": "two", "5": "other", "21": "other"},
}


def _booklet(make_project) -> Path:
    """Write a booklet with one counted paragraph per fact, a counted list item, note and caption."""
    facts = "".join(f"  {name}: {value}\n" for name, value in FACTS.items())
    yaml = (f"slug: counts\ntitle: Counts\nsource_language: en\nlanguages: [en, {', '.join(LANGUAGES)}]\n"
            "edition: 2024-03-08\npublisher: Test publisher\nlicense: CC0\nfonts:\n"
            "  - family: Noto Serif\n    package: fontpkg-noto-serif\n"
            "  - family: Amiri\n    package: fontpkg-amiri\n    languages: [ar]\n"
            "  - family: Noto Sans Hebrew\n    files: [fonts/NotoSansHebrew-subset.ttf]\n    languages: [he]\n"
            f"facts:\n{facts}sections: [counts]\n")
    blocks = "".join(PARAGRAPH.format(fact=name) for name in FACTS)
    root = make_project({"content/booklet.yaml": yaml, "content/sections/counts.yaml": SECTION.format(blocks=blocks),
                         "content/sections/first.yaml": None, "content/sections/cover.yaml": None, "images/dot.svg": SVG})
    fonts = root / "fonts"
    fonts.mkdir(exist_ok=True)
    world = Path(__file__).parent / "fixtures" / "projects" / "world" / "fonts" / "NotoSansHebrew-subset.ttf"
    (fonts / world.name).write_bytes(world.read_bytes())
    return root


def _run(root: Path, *args: str) -> tuple[int, str]:
    """Run a CLI command on the booklet; return its status and stderr."""
    err = io.StringIO()
    status = main(["--source", str(root), *args], stdout=io.StringIO(), stderr=err)
    return status, err.getvalue()


def _translate(root: Path, lang: str) -> list[str]:
    """Fill a language's catalog, each plural form ending in its CLDR category; return the categories in form order."""
    path = root / "locales" / lang / "LC_MESSAGES" / "booklet.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    categories = _categories(catalog.plural_expr, lang, catalog.num_plurals)
    for message in catalog:
        if isinstance(message.id, tuple):
            message.string = tuple(f"{message.id[0]}-{category}" for category in categories)
        elif message.id:
            message.string = message.id
            message.flags.add("ignore-same")   # kept in English on purpose (check warns about copied text otherwise)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=76)
    return categories


def _categories(expression: str, lang: str, forms: int) -> list[str]:
    """Name each gettext form of a catalog by the CLDR category of the numbers it is chosen for."""
    choose, rule = gettext.c2py(expression), Locale.parse(lang).plural_form
    names = [sorted({rule(n) for n in range(1000) if choose(n) == index}) for index in range(forms)]
    assert all(len(found) == 1 for found in names), names  # each form serves exactly one CLDR category
    return [found[0] for found in names]


@pytest.fixture(scope="module")
def counted_once(tmp_path_factory):
    """A booklet with counted texts, extracted and translated into ru, ar and he, made once for the module."""
    root = _booklet(partial(write_project, tmp_path_factory.mktemp("counted") / "booklet"))
    assert _run(root, "extract")[0] == 0
    for lang in LANGUAGES:
        assert _run(root, "init", lang)[0] == 0
        # Every CLDR category a whole number can take has its own form in the catalog init made.
        assert sorted(_translate(root, lang)) == sorted({Locale.parse(lang).plural_form(n) for n in range(1000)})
    return root


@pytest.fixture
def counted(counted_once, tmp_path):
    """The counted booklet: a copy of its own for each test (they build into it)."""
    return shutil.copytree(counted_once, tmp_path / "booklet")


def test_extraction_writes_msgid_plural_with_location_and_note(counted):
    with (counted / "locales" / "booklet.pot").open("rb") as handle:
        pot = read_po(handle)
    plural = {m.id: m for m in pot if isinstance(m.id, tuple) and "river" in m.id[0]}
    assert set(plural) == {("{one} river", "{one} rivers"), ("{two} river", "{two} rivers"), ("{five} river", "{five} rivers"),
                           ("{twentyone} river", "{twentyone} rivers"), ("{one} list river", "{one} list rivers"),
                           ("{two} note river", "{two} note rivers"), ("{five} caption river", "{five} caption rivers")}
    assert plural[("{one} river", "{one} rivers")].locations == [("content/sections/counts.yaml", 4)]
    assert plural[("{one} river", "{one} rivers")].auto_comments == ["A count of rivers."]


def test_pybabel_extract_with_the_entry_point_gives_the_same_plural_messages(counted, tmp_path):
    cfg = tmp_path / "babel.cfg"
    cfg.write_text("[booklet_yaml: content/**.yaml]\n")
    out = tmp_path / "pybabel.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", str(cfg), "-o", str(out), "."],
                   cwd=counted, check=True, capture_output=True)
    with out.open("rb") as handle:
        theirs = {m.id: m.locations for m in read_po(handle) if isinstance(m.id, tuple) and "river" in m.id[0]}
    with (counted / "locales" / "booklet.pot").open("rb") as handle:
        ours = {m.id: m.locations for m in read_po(handle) if isinstance(m.id, tuple) and "river" in m.id[0]}
    assert theirs == ours


def test_msgfmt_accepts_every_translated_catalog(counted):
    for lang in LANGUAGES:
        path = counted / "locales" / lang / "LC_MESSAGES" / "booklet.po"
        result = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr


def test_check_is_clean_on_the_translated_catalogs(counted):
    assert _run(counted, "check") == (0, "")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_running_text_takes_the_form_the_number_asks_for(counted, lang):
    status, err = _run(counted, "build", "--format", "html", "--lang", lang, "--out", str(counted / "dist"))
    assert status == 0, err
    html = (counted / "dist" / f"counts-{lang}" / "index.html").read_text(encoding="utf-8")
    paragraphs = dict(re.findall(r"<p[^>]*>(\d+) river-(\w+)</p>", html))
    assert paragraphs == EXPECTED[lang]
    assert f"<li>1 list river-{EXPECTED[lang]['1']}</li>" in html
    assert f"<p>2 note river-{EXPECTED[lang]['2']}</p>" in html
    assert f"<figcaption>5 caption river-{EXPECTED[lang]['5']}</figcaption>" in html


def test_the_source_language_takes_one_or_other(counted):
    status, err = _run(counted, "build", "--format", "html", "--lang", "en", "--out", str(counted / "dist"))
    assert status == 0, err
    html = (counted / "dist" / "counts-en" / "index.html").read_text(encoding="utf-8")
    assert re.findall(r"<p[^>]*>(\d+ rivers?)</p>", html) == ["1 river", "2 rivers", "5 rivers", "21 rivers"]


WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
#: The world fixture's counted paragraph with rivers = 12: the form each language's rule picks (number left out,
#: since each language writes it in its own digits).
WORLD_FORMS = {
    "en": "We crossed # rivers on foot.", "hi": "हमने पैदल # नदियाँ पार कीं।", "th": "เราเดินข้ามแม่น้ำ # สาย",
    "he": "חצינו ברגל # נהרות.", "fa": "پیاده از # رود گذشتیم.", "ja": "私たちは歩いて#本の川を見ました。",
    "pt-BR": "Atravessamos # rios a pé.",
}


def test_world_fixture_counted_paragraph_in_every_language(tmp_path):
    root = tmp_path / "world"
    shutil.copytree(WORLD, root)
    status, err = _run(root, "build", "--format", "html", "--out", str(root / "dist"))
    assert status == 0, err
    for tag, form in WORLD_FORMS.items():
        html = (root / "dist" / f"world-{tag}" / "index.html").read_text(encoding="utf-8")
        pattern = re.escape(form).replace("\\#", r"([^\s<]+?)").replace("\\ ", " ")
        found = re.search(f"<p[^>]*>{pattern}</p>", html)
        assert found, (tag, form)
        assert found.group(1) in ("12", "१२", "๑๒", "۱۲"), (tag, found.group(1))
