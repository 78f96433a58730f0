"""The web editions and the download page, built for real from the multilingual fixture and opened in headless Chromium."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from babel import Locale
from babel.messages.pofile import read_po

from booklet import pipeline
from booklet.download import coverage_of
from booklet.fsutil import atomic_write
from booklet.pipeline import BuildOptions
from booklet.pofile import write_catalog

from .conftest import FIXTURES

LANGS = ("en", "ru", "ar")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


class _Page(HTMLParser):
    """Collect a page's links, ids, lang/dir attributes and elements of interest."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.html_attrs: dict[str, str] = {}
        self.alternates: list[dict[str, str]] = []
        self.languages: list[dict[str, str]] = []
        self.tags: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self._in: str | None = None
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        if tag == "html":
            self.html_attrs = attrs
        if "id" in attrs:
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if name in attrs:
                self.links.append(attrs[name])
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append(attrs)
        if tag == "li" and "language" in attrs.get("class", "").split():
            self.languages.append(attrs)
        if tag in ("script", "style"):
            self._in = tag
            if tag == "script" and "src" in attrs:
                self.scripts.append(attrs["src"])

    def handle_endtag(self, tag):
        if tag == self._in:
            self._in = None

    def handle_data(self, data):
        if self._in == "style":
            self.styles.append(data)
        elif self._in is None:
            self.text.append(data)


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def is_local(link: str) -> bool:
    return not re.match(r"^[a-z][a-z0-9+.-]*:", link, re.I)


def assert_local_links_resolve(page_path: Path) -> int:
    """Every local href/src (and CSS url()) resolves to an existing file, and every #fragment to an id."""
    page = parse(page_path)
    checked = 0
    links = list(page.links)
    for css_link in [link for link in page.links if link.endswith(".css")]:
        css = (page_path.parent / css_link).resolve()
        links += [str(Path(css_link).parent / u) for u in re.findall(r"url\(\"?([^\")]+)\"?\)", css.read_text(encoding="utf-8"))]
    for link in links:
        if not is_local(link):
            continue
        parts = urlsplit(link)
        target = (page_path.parent / unquote(parts.path)).resolve() if parts.path else page_path
        assert target.is_file(), f"{page_path}: link {link!r} points to a missing file"
        if parts.fragment and target.suffix == ".html":
            assert parts.fragment in parse(target).ids, f"{page_path}: link {link!r} points to a missing id"
        checked += 1
    return checked


def drop_translation(root: Path, lang: str, msgid: str) -> None:
    """Remove one translation from a booklet's catalog, so its coverage is below 100 %."""
    path = root / "locales" / lang / "LC_MESSAGES" / "booklet.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain="booklet")
    catalog.get(msgid).string = ""
    atomic_write(path, write_catalog(catalog))


@pytest.fixture(scope="module")
def web_build(tmp_path_factory):
    """Build the multilingual fixture (en, ru, ar) in every format, one Russian string untranslated."""
    root = tmp_path_factory.mktemp("web") / "multilingual"
    shutil.copytree(FIXTURES / "multilingual", root)
    drop_translation(root, "ru", "A witness")
    out = root / "dist"
    results = pipeline.build(root, out, BuildOptions(jobs=2)).results
    return root, out, results


@pytest.mark.engines
def test_every_language_has_a_web_edition_with_css_and_fonts(web_build):
    _root, out, results = web_build
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    for lang in LANGS:
        folder = out / f"multi-{lang}"
        assert (folder / "index.html").is_file() and (folder / "style.css").is_file()
        fonts = sorted(p.name for p in (folder / "fonts").iterdir())
        assert any(name.startswith("NotoSerif") for name in fonts)
        assert any(name.startswith("Amiri") for name in fonts) == (lang == "ar")
        css = (folder / "style.css").read_text()
        assert "@font-face" in css and "file:" not in css, "fonts must be referenced relative to the edition"
        listed = {e["path"] for e in manifest if e["lang"] == lang and e["format"] == "html"}
        on_disk = {p.relative_to(out).as_posix() for p in folder.rglob("*") if p.is_file()}
        assert listed == on_disk
    assert all(any(o.format == "html" for o in r.outputs) for r in results)


@pytest.mark.engines
@pytest.mark.parametrize("lang", LANGS)
def test_edition_language_direction_contents_chart_and_downloads(web_build, lang):
    _root, out, _results = web_build
    path = out / f"multi-{lang}" / "index.html"
    page = parse(path)
    assert page.html_attrs == {"lang": lang, "dir": "rtl" if lang == "ar" else "ltr"}
    html = path.read_text()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert re.search(r'<nav class="contents[^"]*" id="contents"', html)
    assert '<a href="#toll">' in html and '<a href="#sources">' in html
    assert html.count('class="chart-bar"') == 2
    assert f'href="../multi-{lang}.pdf"' in html and f'href="../multi-{lang}.epub"' in html
    assert page.tags.count("h1") == 1 and "h2" in page.tags
    text = " ".join(page.text)
    assert {"en": "people were taken hostage", "ru": "человек были взяты в заложники", "ar": "رهائن"}[lang] in text
    assert not page.scripts, "the edition loads no scripts"


@pytest.mark.engines
@pytest.mark.parametrize("lang", LANGS)
def test_every_local_link_of_an_edition_resolves(web_build, lang):
    _root, out, _results = web_build
    assert assert_local_links_resolve(out / f"multi-{lang}" / "index.html") >= 8


@pytest.mark.engines
def test_download_page_lists_every_language_in_its_own_name_with_files_and_coverage(web_build):
    _root, out, results = web_build
    path = out / "index.html"
    page = parse(path)
    html = path.read_text()
    assert page.html_attrs == {"lang": "en", "dir": "ltr"}
    assert [(e["lang"], e["dir"]) for e in page.languages] == [("en", "ltr"), ("ru", "ltr"), ("ar", "rtl")]
    assert {a["hreflang"]: a["href"] for a in page.alternates} == {    # the download page in each language (test_download.py)
        **{lang: f"https://example.org/multi/index.{lang}.html" for lang in LANGS}, "x-default": "https://example.org/multi/index.html"}
    assert "<title>Remembrance</title>" in html and "<h1>Remembrance</h1>" in html
    for name in ("English", "Русский", "العربية"):
        assert f'<h3 class="language-name">{name}</h3>' in html
    for landmark in ("<header", "<main", "<footer"):
        assert landmark in html
    manifest = {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["outputs"]}
    for lang in LANGS:
        for name in (f"multi-{lang}.pdf", f"multi-{lang}.epub", f"multi-{lang}/index.html"):
            assert f'href="{name}"' in html
    entry = lambda lang: re.search(rf'<li class="language" id="lang-{lang}".*?\n</li>', html, re.S).group(0)
    pages = manifest["multi-ru.pdf"]["pages"]
    russian = {"one": "страница", "few": "страницы", "many": "страниц"}[Locale("ru").plural_form(pages)]
    assert pages >= 4 and f"{pages} {russian}" in entry("ru") and f"{pages} pages" in entry("en")   # each entry in its own language
    assert "Читать онлайн" in entry("ru") and "اقرأ على الإنترنت" in entry("ar")
    assert "кБ" in entry("ru")                                  # sizes in the language's units
    assert "Original text" in entry("en") and "Переведено:" in entry("ru")
    by_lang = {r.lang: r for r in results}
    ru = coverage_of(by_lang["ru"].counts)
    assert 0 < ru < 100
    assert f'data-coverage="{ru:.1f}"' in entry("ru")
    assert not page.scripts and all("http" not in s for s in page.styles), "no external resources"


@pytest.mark.engines
def test_every_local_link_of_the_download_page_resolves(web_build):
    _root, out, _results = web_build
    assert assert_local_links_resolve(out / "index.html") >= 3 * 3 + 3   # 3 files per language, 3 alternates


def test_coverage_counts_translated_and_source_strings_only():
    assert coverage_of({"translated": 3, "missing": 1}) == 75.0
    assert coverage_of({"source": 5}) == 100.0
    assert coverage_of({"translated": 1, "fuzzy": 1}) == 50.0


@pytest.mark.engines
def test_web_only_partial_build_links_only_existing_files_and_keeps_other_languages(project):
    root = project("multilingual")
    out = root / "dist"
    pipeline.build(root, out, BuildOptions(formats=["html"], jobs=1))
    for lang in LANGS:
        html = (out / f"multi-{lang}" / "index.html").read_text()
        assert ".pdf" not in html and ".epub" not in html
        assert_local_links_resolve(out / f"multi-{lang}" / "index.html")
    assert_local_links_resolve(out / "index.html")
    first = (out / "index.html").read_text()
    ru_coverage = re.search(r'data-lang="ru" data-coverage="([0-9.]+)"', first).group(1)

    pipeline.build(root, out, BuildOptions(langs=["ar"], formats=["pdf", "html"], jobs=1))
    html = (out / "index.html").read_text()
    assert 'href="multi-ar.pdf"' in html and 'href="multi-ru.pdf"' not in html
    assert 'href="multi-ru/index.html"' in html, "languages not rebuilt stay on the page"
    assert f'data-lang="ru" data-coverage="{ru_coverage}"' in html, "and keep their coverage"
    assert 'href="../multi-ar.pdf"' in (out / "multi-ar" / "index.html").read_text()
    assert_local_links_resolve(out / "index.html")


@pytest.mark.engines
def test_draft_edition_says_so_and_marks_untranslated_text(project):
    root = project("multilingual")
    po = root / "locales" / "ru" / "LC_MESSAGES" / "booklet.po"
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "Штурм."', 'msgstr ""'), encoding="utf-8")
    pipeline.build(root, root / "dist", BuildOptions(langs=["ru"], formats=["html"], jobs=1, draft=True))
    html = (root / "dist" / "multi-ru" / "index.html").read_text()
    assert '<p class="draft-banner">' in html
    assert '<span class="draft-missing"><span lang="en" dir="ltr">The assault.</span></span>' in html


@pytest.mark.engines
def test_images_are_copied_into_the_edition(project):
    from PIL import Image

    root = project("multilingual")
    (root / "images").mkdir()
    Image.new("RGB", (1600, 400), (140, 28, 19)).save(root / "images" / "band.png")
    toll = root / "content" / "sections" / "toll.yaml"
    toll.write_text(toll.read_text(encoding="utf-8") + "  - image:\n      file: images/band.png\n      alt: A red band.\n", encoding="utf-8")
    out = root / "dist"
    pipeline.build(root, out, BuildOptions(langs=["en"], formats=["html"], jobs=1))
    edition = out / "multi-en"
    assert (edition / "images" / "band.png").read_bytes() == (root / "images" / "band.png").read_bytes()
    html = (edition / "index.html").read_text()
    assert '<img src="images/band.png" alt="A red band."' in html
    assert_local_links_resolve(edition / "index.html")
    manifest = json.loads((out / "manifest.json").read_text())["outputs"]
    assert "multi-en/images/band.png" in {e["path"] for e in manifest}


# Headless Chromium: layout at phone width, fonts, and the browser-language script.

PROBE = """<script>
window.addEventListener("load", function () {
  document.fonts.ready.then(function () {
    var first = document.querySelector("li.language");
    parent.postMessage(JSON.stringify({
      scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth,
      innerWidth: window.innerWidth,
      fonts: Array.from(document.fonts).filter(function (f) { return f.status === "loaded"; }).map(function (f) { return f.family; }),
      first: first ? first.getAttribute("data-lang") : null,
      suggested: Array.from(document.querySelectorAll("li.suggested")).map(function (li) { return li.getAttribute("data-lang"); }),
      note: Array.from(document.querySelectorAll(".suggested-note")).filter(function (n) { return !n.hidden; }).length
    }), "*");
  });
});
</script>"""
FRAME = """<!DOCTYPE html><html><body><pre id="result"></pre>
<iframe src="{probe}" width="{width}" height="800" style="border:0"></iframe>
<script>window.addEventListener("message", function (e) {{ document.getElementById("result").textContent = e.data; }});</script>
</body></html>"""


def chromium(url: str, tmp_path: Path, *args: str) -> str:
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'chromium-profile'}", *args, url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def measure(page: Path, tmp_path: Path, width: int = 360, accept_lang: str = "en") -> dict:
    """Open a copy of ``page`` (beside it, so its relative links work) in an iframe ``width`` px wide; return what it measured."""
    probe = page.with_name("_probe.html")
    frame = page.with_name("_frame.html")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "\n</body>"), encoding="utf-8")
    frame.write_text(FRAME.format(probe=probe.name, width=width), encoding="utf-8")
    try:
        dom = chromium(frame.as_uri(), tmp_path, "--window-size=1280,900", "--virtual-time-budget=10000",
                       f"--accept-lang={accept_lang}", "--dump-dom")
    finally:
        probe.unlink()
        frame.unlink()
    found = re.search(r'<pre id="result">(.*?)</pre>', dom, re.S)
    assert found and found.group(1), f"the probe did not report: {dom[:500]}"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


@pytest.mark.engines
@needs_chromium
@pytest.mark.parametrize("page", ["index.html", "multi-en/index.html", "multi-ru/index.html", "multi-ar/index.html"])
def test_no_horizontal_scrolling_on_a_360_px_phone(web_build, tmp_path, page):
    _root, out, _results = web_build
    result = measure(out / page, tmp_path, width=360)
    assert result["innerWidth"] == 360
    assert result["scrollWidth"] <= result["clientWidth"], result


@pytest.mark.engines
@needs_chromium
@pytest.mark.parametrize(("lang", "family"), [("en", "Noto Serif"), ("ar", "Amiri")])
def test_edition_loads_its_own_fonts_from_the_file_system(web_build, tmp_path, lang, family):
    _root, out, _results = web_build
    result = measure(out / f"multi-{lang}" / "index.html", tmp_path, width=1280)
    assert family in result["fonts"], result


@pytest.mark.engines
@needs_chromium
@pytest.mark.parametrize(("accept", "first"), [("ar,en", "ar"), ("ru-RU", "ru"), ("de,fr", "en")])
def test_download_page_opens_the_page_of_the_browser_language(web_build, tmp_path, accept, first):
    _root, out, _results = web_build
    dom = chromium((out / "index.html").as_uri(), tmp_path, "--virtual-time-budget=5000", f"--accept-lang={accept}",
                   f"--lang={accept.split(',')[0]}", "--dump-dom")
    assert f'<html lang="{first}"' in dom
    assert re.search(r'<li class="language" id="lang-([\w-]+)"', dom).group(1) == first, "its own entry first"


def ink_rows(png: Path) -> tuple[int, list[tuple[int, int]]]:
    """Return a screenshot's width and, for each row of the text column, its first and last inked pixel.

    Ink is any pixel far from the page's background; rows that cross a full-width band
    (the header and footer) are left out, so what remains is the content column.
    """
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    background = Counter(pixels[x, y] for x in range(0, width, 7) for y in range(0, height, 7)).most_common(1)[0][0]
    rows = []
    for y in range(height):
        if abs(pixels[1, y] - background) > 8:
            continue
        inked = [x for x in range(width) if abs(pixels[x, y] - background) > 60]
        if inked:
            rows.append((inked[0], inked[-1]))
    return width, rows


@pytest.mark.engines
@needs_chromium
@pytest.mark.parametrize(("page", "direction"), [("index.html", "ltr"), ("multi-en/index.html", "ltr"), ("multi-ar/index.html", "rtl")])
def test_screenshots_show_a_padded_phone_column_and_a_centred_desktop_column_aligned_to_the_reading_side(web_build, tmp_path, page, direction):
    _root, out, _results = web_build
    columns = {}
    for width in (360, 1280):
        png = tmp_path / f"{page.replace('/', '-')}-{width}.png"
        chromium((out / page).as_uri(), tmp_path, f"--window-size={width},1200", "--hide-scrollbars", f"--screenshot={png}")
        shot_width, rows = ink_rows(png)
        assert shot_width == width and len(rows) > 200, "the page shows text in a content column"
        left, right = min(r[0] for r in rows), max(r[1] for r in rows)
        columns[width] = (left, right, rows)
    left, right, _rows = columns[360]
    assert 12 <= left and 360 - right >= 12 and right - left >= 300, "on a phone the column fills the width, inside its padding"
    left, right, rows = columns[1280]
    assert abs(left - (1280 - right)) <= 64, "on a desktop the column is centred"
    if page != "index.html":
        assert right - left <= 720, "the edition's text column keeps a readable measure"
        near_start = sum((right - r[1] if direction == "rtl" else r[0] - left) <= 20 for r in rows)
        near_end = sum((r[0] - left if direction == "rtl" else right - r[1]) <= 20 for r in rows)
        assert near_start >= 3 * near_end, f"lines start on the {'right' if direction == 'rtl' else 'left'}"
