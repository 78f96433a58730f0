"""Accessibility measured by an engine: axe-core (WCAG 2.2 AA) in Debian's headless Chromium, at 360 and 1280 px.

Every download page and every language's web edition of the shipped booklet and of the
multi-script fixture (tests/fixtures/projects/world) must have 0 violations, no line
that starts with «·» and no horizontal scrolling. With the browser language set to each
booklet language in turn, ``index.html`` shows that language's interface. The pages are
opened by tests/axe_pages.js with puppeteer-core and axe-core from ``.tools/``
(``bash scripts/install.sh --test``); without Chromium, Node.js or axe-core the tests skip.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from booklet.content import load_booklet
from booklet.i18n import catalog_path
from booklet.languages import bcp47

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


def open_pages(pages: list[Path], lang: str | None = None, widths=WIDTHS, shots: Path | None = None) -> dict:
    """Open ``pages`` in headless Chromium (browser language ``lang``) and return what tests/axe_pages.js reports."""
    job = {"tools": str(TOOLS), "chromium": CHROMIUM, "lang": lang, "widths": list(widths),
           "pages": [str(p) for p in pages], "shots": str(shots) if shots else None}
    done = subprocess.run([NODE, str(RUNNER)], input=json.dumps(job), capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.fixture
def built(sample_build, world_build):
    """The session's builds of the shipped booklet and the multi-script fixture, and the languages each built."""
    folders = {}
    for name, (root, _out, results) in (("sample", sample_build), ("world", world_build)):
        folders[name] = root
        folders[name + "-langs"] = list(results)   # languages below min_coverage are not built
    return folders


def web_pages(out: Path) -> list[Path]:
    """Return every download page and every web edition of an output folder."""
    return sorted(out.glob("index*.html")) + sorted(out.glob("*/index.html"))


@pytest.mark.parametrize("name", BOOKLETS)
def test_axe_core_finds_no_wcag_22_aa_violation_on_any_page_at_360_and_1280_px(built, name, tmp_path):
    out = built[name] / "dist"
    pages = web_pages(out)
    langs = built[name + "-langs"]
    assert len(langs) >= 7
    assert len(pages) == 2 * len(langs) + 1, "index.html, a download page and a web edition per language"
    report = open_pages(pages, "en", shots=tmp_path)
    assert report["axe"].startswith("4.")
    results = report["results"]
    assert len(results) == len(pages) * len(WIDTHS)
    problems = [(r["url"], r["width"], v["id"], v["nodes"]) for r in results for v in r["violations"]]
    assert problems == []
    assert [(r["url"], r["width"], r["dotStarts"]) for r in results if r["dotStarts"]] == [], "a line starts with «·»"
    assert [(r["url"], r["width"]) for r in results if r["scroll"]] == [], "the page scrolls sideways"
    assert len(list(tmp_path.glob("*.png"))) == len(results)


@pytest.mark.parametrize("name", BOOKLETS)
def test_long_web_editions_have_skip_links_to_the_text_and_the_contents(built, name):
    for page in sorted((built[name] / "dist").glob("*/index.html")):
        html = page.read_text(encoding="utf-8")
        targets = re.findall(r'<a class="skip-link" href="#([\w-]+)">', html)
        assert targets[0] == "main" and len(targets) == 2, page
        assert f'id="{targets[1]}"' in html and "<nav" in html.split(f'id="{targets[1]}"')[0].rsplit("\n", 1)[-1], page


def test_axe_core_can_fail(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><img src="x.png">'
                    '<p style="color:#ccc;background:#fff">faint</p></body></html>', encoding="utf-8")
    report = open_pages([page], widths=(360,))
    assert {v["id"] for v in report["results"][0]["violations"]} >= {"html-has-lang", "image-alt", "color-contrast"}


def interface_string(root: Path, lang: str, msgid: str) -> str:
    """Return the catalog's translation of a template string (the source text for the source language)."""
    booklet = load_booklet(root)
    if lang == booklet.source_language:
        return msgid
    with catalog_path(root, lang).open("rb") as handle:
        message = read_po(handle, locale=lang).get(msgid)
    return message.string if message and message.string and not message.fuzzy else msgid


@pytest.mark.parametrize("name", BOOKLETS)
def test_the_browser_language_opens_its_own_page_in_that_language(built, name):
    root = built[name]
    booklet = load_booklet(root)
    for lang in built[name + "-langs"]:
        tag = bcp47(lang)
        asked = {"de": "de-AT", "fa": "fa-IR", "he": "he-IL"}.get(tag, tag)   # a regional tag finds its language
        [result] = open_pages([root / "dist" / "index.html"], asked, widths=(360,))["results"]
        wanted = "index.html" if lang == booklet.source_language else f"index.{tag}.html"
        assert result["url"].endswith("/" + wanted), (asked, result["url"])
        assert (result["lang"], result["dir"]) == (tag, "rtl" if tag in ("ar", "he", "fa") else "ltr")
        assert result["h2"] == interface_string(root, lang, "Choose your language")
        if name == "sample":       # the shipped catalogs translate the download page: its interface is never English
            assert lang == "en" or result["h2"] != "Choose your language"


def test_a_browser_language_that_was_not_built_stays_on_the_source_page(built):
    [result] = open_pages([built["world"] / "dist" / "index.html"], "sv-SE", widths=(360,))["results"]
    assert result["url"].endswith("/index.html") and result["lang"] == "en"
