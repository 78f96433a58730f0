"""Accessibility measured by an engine: axe-core (WCAG 2.2 AA) in Debian's headless Chromium, at 360 and 1280 px.

Every download page and every language's web edition of the shipped booklet and of the
multi-script fixture (tests/fixtures/projects/world) must have 0 violations, no line
that starts with «·», no horizontal scrolling, and Tab must reach every link with a
visible focus ring. With the browser language set to each booklet language in turn,
``index.html`` shows that language's interface. The pages are opened by
tests/axe_pages.js with puppeteer-core and axe-core from ``.tools/``
(``bash scripts/install.sh --test``); without Chromium, Node.js or axe-core the tests skip.

All pages are measured in one browser run per module (each page loaded once, then measured at
each width); the browser language is set per visit through Accept-Language and
``navigator.languages``, and once through Chromium's own ``--lang``. Set ``A11Y_SHOTS`` to a
folder to keep full-page screenshots of every page at every width.
"""
from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from booklet.content import load_booklet
from booklet.fonts import fonts_for
from booklet.i18n import catalog_path
from booklet.languages import bcp47, direction

from .conftest import PROJECT_ROOT

TOOLS = PROJECT_ROOT / ".tools" / "node_modules"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NODE = shutil.which("node")
RUNNER = Path(__file__).with_name("axe_pages.js")
WIDTHS = (360, 1280)
#: The rule sets axe-core checks: WCAG 2.0, 2.1 and 2.2, levels A and AA (also named in tests/axe_pages.js and the README).
TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
missing = [name for name, found in (("chromium", CHROMIUM), ("node", NODE), ("axe-core", (TOOLS / "axe-core" / "axe.min.js").is_file()),
                                    ("puppeteer-core", (TOOLS / "puppeteer-core").is_dir())) if not found]
pytestmark = [pytest.mark.engines,
              pytest.mark.skipif(bool(missing), reason=f"needs {', '.join(missing)} (bash scripts/install.sh --test)")]
BOOKLETS = ("sample", "world")
#: A regional tag finds its language's page.
REGIONAL = {"de": "de-AT", "fa": "fa-IR", "he": "he-IL"}
#: A page that breaks the rules: no lang, an image without alt, faint text, a link Tab skips, a link without a focus ring.
BAD_PAGE = ('<!DOCTYPE html><html><head><title>x</title></head><body><img src="x.png">'
            '<p style="color:#ccc;background:#fff">faint</p><a href="#a">first</a> <a href="#b" tabindex="-1">skipped</a> '
            '<a href="#c" style="outline:none">ringless</a></body></html>')


def open_pages(visits: list[dict], lang: str | None = None, shots: str | None = None) -> dict:
    """Open the pages of ``visits`` in one headless Chromium (launched with ``--lang``) and return tests/axe_pages.js's report."""
    job = {"tools": str(TOOLS), "chromium": CHROMIUM, "lang": lang, "tabs": 2, "shots": shots, "visits": visits}
    done = subprocess.run([NODE, str(RUNNER)], input=json.dumps(job), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


def web_pages(out: Path) -> list[Path]:
    """Return every download page and every web edition of an output folder."""
    return sorted(out.glob("index*.html")) + sorted(out.glob("*/index.html"))


@pytest.fixture(scope="module")
def browsed(sample_build, world_build, tmp_path_factory):
    """Measure every page of both session builds, each language's ``index.html`` and a bad page, in one browser run.

    Returns, per booklet: its root, built languages, pages, the axe results of its pages and the
    language visits' results; and the bad page's results.
    """
    bad = tmp_path_factory.mktemp("a11y") / "bad.html"
    bad.write_text(BAD_PAGE, encoding="utf-8")
    booklets, visits = {}, []
    for name, (root, out, results) in (("sample", sample_build), ("world", world_build)):
        pages = web_pages(out)
        langs = list(results)   # languages below min_coverage are not built
        booklets[name] = {"root": root, "langs": langs, "pages": pages}
        visits += [{"page": str(p), "lang": "en", "widths": list(WIDTHS), "axe": True, "keys": True, "booklet": name} for p in pages]
        visits += [{"page": str(out / "index.html"), "lang": REGIONAL.get(bcp47(lang), bcp47(lang)), "widths": [360],
                    "booklet": name + "-langs"} for lang in langs]
    visits.append({"page": str(world_build[1] / "index.html"), "lang": "sv-SE", "widths": [360], "booklet": "unbuilt"})
    visits.append({"page": str(world_build[1] / "index.html"), "lang": "fa-IR", "widths": [360], "script": False, "booklet": "no-script"})
    visits.append({"page": str(bad), "widths": [360], "axe": True, "keys": True, "booklet": "bad"})
    report = open_pages(visits, shots=os.environ.get("A11Y_SHOTS"))
    results = iter(report["results"])   # in the order of the visits, one per width
    for visit in visits:
        found = [next(results) for _width in visit["widths"]]
        assert {r["page"] for r in found} == {visit["page"]}
        booklets.setdefault(visit["booklet"], {}).setdefault("results", []).extend(found)
    assert next(results, None) is None
    return report["axe"], booklets


@pytest.mark.parametrize("name", BOOKLETS)
def test_axe_core_finds_no_wcag_22_aa_violation_on_any_page_at_360_and_1280_px(browsed, name):
    version, booklets = browsed
    pages, results = booklets[name]["pages"], booklets[name]["results"]
    assert version.startswith("4.")
    assert len(booklets[name]["langs"]) >= 7
    assert len(pages) == 2 * len(booklets[name]["langs"]) + 1, "index.html, a download page and a web edition per language"
    assert [(r["page"], r["width"]) for r in results] == [(str(p), w) for p in pages for w in WIDTHS]
    assert [(r["url"], r["width"], v["id"], v["nodes"]) for r in results for v in r["violations"]] == []
    assert [(r["url"], r["width"], r["dotStarts"]) for r in results if r["dotStarts"]] == [], "a line starts with «·»"
    assert [(r["url"], r["width"]) for r in results if r["scroll"]] == [], "the page scrolls sideways"


@pytest.mark.parametrize("name", BOOKLETS)
def test_tab_reaches_every_link_first_the_skip_link_each_with_a_visible_focus_ring(browsed, name):
    _version, booklets = browsed
    for result in (r for r in booklets[name]["results"] if r["keys"]):
        keys = result["keys"]
        assert keys["links"] > 10 and keys["unreached"] == [] and keys["noRing"] == [], (result["url"], keys)
        assert keys["first"].startswith('<a class="skip-link"'), (result["url"], keys["first"])


def test_numbered_lists_count_in_the_languages_digits(browsed):
    _version, booklets = browsed
    editions = {Path(r["page"]).parent.name: r["list"] for r in booklets["world"]["results"] if "/world-" in r["page"]}
    assert editions["world-fa"] == editions["world-en"] == "booklet-digits"
    css = (booklets["world"]["root"] / "dist" / "world-fa" / "style.css").read_text(encoding="utf-8")
    assert '@counter-style booklet-digits { system: numeric; symbols: "۰" "۱" "۲"' in css


@pytest.mark.parametrize("name", BOOKLETS)
def test_long_web_editions_have_skip_links_to_the_text_and_the_contents(browsed, name):
    _version, booklets = browsed
    for page in sorted((booklets[name]["root"] / "dist").glob("*/index.html")):
        html = page.read_text(encoding="utf-8")
        targets = re.findall(r'<a class="skip-link" href="#([\w-]+)">', html)
        assert targets[0] == "main" and len(targets) == 2, page
        assert f'id="{targets[1]}"' in html and "<nav" in html.split(f'id="{targets[1]}"')[0].rsplit("\n", 1)[-1], page


def test_axe_core_and_the_keyboard_check_can_fail(browsed):
    _version, booklets = browsed
    [result] = booklets["bad"]["results"]
    assert {v["id"] for v in result["violations"]} >= {"html-has-lang", "image-alt", "color-contrast"}
    keys = result["keys"]
    assert (keys["links"], keys["reached"]) == (3, 2)
    assert keys["unreached"] == ['<a href="#b" tabindex="-1">skipped</a>']
    assert keys["noRing"] == ['<a href="#c" style="outline:none">ringless</a>']


@functools.lru_cache(maxsize=None)
def translations(root: Path, lang: str) -> dict[str, str]:
    """Return a language's translated, not fuzzy, template strings read with Babel (none for the source language)."""
    if lang == load_booklet(root).source_language:
        return {}
    with catalog_path(root, lang).open("rb") as handle:
        return {m.id: m.string for m in read_po(handle, locale=lang) if isinstance(m.id, str) and m.string and not m.fuzzy}


def interface_string(root: Path, lang: str, msgid: str) -> str:
    """Return the catalog's translation of a template string (the source text for the source language)."""
    return translations(root, lang).get(msgid, msgid)


@pytest.mark.parametrize("name", BOOKLETS)
def test_the_browser_language_opens_its_own_page_in_that_language(browsed, name):
    _version, booklets = browsed
    root, langs = booklets[name]["root"], booklets[name]["langs"]
    booklet = load_booklet(root)
    results = booklets[name + "-langs"]["results"]
    assert [r["asked"] for r in results] == [REGIONAL.get(bcp47(lang), bcp47(lang)) for lang in langs]
    for lang, result in zip(langs, results):
        tag = bcp47(lang)
        wanted = "index.html" if lang == booklet.source_language else f"index.{tag}.html"
        assert result["url"].endswith("/" + wanted), (result["asked"], result["url"])
        assert (result["lang"], result["dir"]) == (tag, direction(lang))
        assert result["h2"] == interface_string(root, lang, "Choose your language")
        if name == "sample":       # the shipped catalogs translate the download page: its interface is never English
            assert lang == "en" or result["h2"] != "Choose your language"
        check_download_page(name, booklet, lang, langs, result["download"])


#: The footer date of the booklets' English (built as en_GB) and Persian (its own digits) pages.
DATES = {("sample", "en"): "26 February 2026", ("world", "en"): "1 March 2026", ("world", "fa"): "۱ مارس ۲۰۲۶"}


def check_download_page(name: str, booklet, lang: str, langs: list[str], page: dict) -> None:
    """Check what the browser shows on a language's download page: entries, covers, links, fonts, date, share data."""
    tag, root = bcp47(lang), booklet.root
    entries = page["entries"]
    assert [e["lang"] for e in entries] == [tag] + [bcp47(other) for other in langs if other != lang], "its own entry first"
    for entry in entries:
        assert entry["cover"]["src"] == f"{booklet.slug}-{entry['lang']}/cover.jpg" and entry["title"] in entry["cover"]["alt"], entry
        assert (entry["readers"], entry["printing"]) == (["web", "pdf", "epub"], ["print", "booklet"]), entry
    own = entries[0]
    assert own["cover"]["alt"] == interface_string(root, lang, "Cover of the booklet “%(title)s”") % {"title": own["title"]}
    assert own["heading"] == interface_string(root, lang, "For printing")
    if lang == "en":
        sheets, sides = map(int, re.fullmatch(r"(\d+) sheets, (\d+) sides", own["fold"]).groups())
        assert sheets == -(-sides // 2), "the fold PDF's pages are sheet sides, two to a sheet"
    assert fonts_for(booklet.fonts, lang)[0].family in page["fonts"], "the language's own font is embedded and in use"
    assert page["date"] == DATES.get((name, tag), page["date"]) and page["date"]
    meta = page["meta"]
    image = dict(meta)["og:image"]
    assert image == (booklet.url.rstrip("/") + "/" if booklet.url else "") + own["cover"]["src"] == dict(meta)["twitter:image"]
    assert dict(meta)["og:title"] == own["title"] and dict(meta)["og:locale"].split("_")[0] == tag.split("-")[0]
    assert len([value for key, value in meta if key == "og:locale:alternate"]) == len(langs) - 1


def test_a_browser_language_that_was_not_built_stays_on_the_source_page(browsed):
    _version, booklets = browsed
    [result] = booklets["unbuilt"]["results"]
    assert result["asked"] == "sv-SE" and result["url"].endswith("/index.html") and result["lang"] == "en"


def test_without_javascript_index_html_stays_and_its_chooser_reaches_every_language(browsed):
    _version, booklets = browsed
    [result] = booklets["no-script"]["results"]
    out = booklets["world"]["root"] / "dist"
    tags = [bcp47(lang) for lang in booklets["world"]["langs"]]
    assert (result["asked"], result["url"].rsplit("/", 1)[1], result["lang"]) == ("fa-IR", "index.html", "en")
    assert result["chooser"] == [f"index.{tag}.html" for tag in tags] and result["entries"] == len(tags)
    assert all((out / page).is_file() for page in result["chooser"])


def test_chromiums_own_language_setting_opens_its_page_as_the_per_visit_setting_does(browsed):
    _version, booklets = browsed
    root = booklets["world"]["root"]
    [result] = open_pages([{"page": str(root / "dist" / "index.html"), "widths": [360]}], lang="he-IL")["results"]
    assert (result["asked"], result["lang"], result["dir"]) == ("he-IL", "he", "rtl")
    assert result["url"].endswith("/index.he.html") and result["h2"] == interface_string(root, "he", "Choose your language")
