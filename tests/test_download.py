"""The download pages: one per language, translated through the catalogs, with covers, share previews and fonts.

Most tests write the pages from a manifest made in memory (no typesetting), so they are
fast; the engine tests build the multilingual fixture for real and check the cover
thumbnail the web edition writes from the EPUB's cover image.
"""
from __future__ import annotations

import io
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from booklet import pipeline
from booklet.content import load_booklet
from booklet.download import og_locale, write_download_page
from booklet.inline import markup_signature, plain_text, render_inline
from booklet.manifest import Entry, Manifest
from booklet.pipeline import BuildOptions

from .conftest import FIXTURES

LANGS = ("en", "ru", "ar")


class _Page(HTMLParser):
    """Collect meta properties, alternates, chooser links, entries, images and headings of a download page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.html: dict[str, str] = {}
        self.meta: list[tuple[str, str]] = []
        self.alternates: dict[str, str] = {}
        self.chooser: list[dict[str, str]] = []
        self.images: list[dict[str, str]] = []
        self.events: list[tuple[str, str]] = []   # (tag or "text", class or text) in document order
        self._nav = False

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.html = attrs
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.append((attrs.get("property") or attrs["name"], attrs.get("content", "")))
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates[attrs["hreflang"]] = attrs["href"]
        if tag == "nav" and "chooser" in attrs.get("class", ""):
            self._nav = True
        if tag == "a" and self._nav:
            self.chooser.append(attrs)
        if tag == "img":
            self.images.append(attrs)
        self.events.append((tag, attrs.get("class", "")))

    def handle_endtag(self, tag):
        if tag == "nav":
            self._nav = False

    def handle_data(self, data):
        if data.strip():
            self.events.append(("text", data.strip()))


def parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def fake_manifest(slug: str, langs, covers: bool = True) -> Manifest:
    """Return a manifest listing every format of each language (booklet PDF of 12 sides), as a build would."""
    entries = []
    for tag in langs:
        stem = f"{slug}-{tag}"
        entries += [Entry(tag, "pdf", f"{stem}.pdf", 123_000, "0", 23), Entry(tag, "epub", f"{stem}.epub", 250_000, "0"),
                    Entry(tag, "print", f"{stem}-print.pdf", 130_000, "0", 23),
                    Entry(tag, "booklet", f"{stem}-booklet.pdf", 131_000, "0", 12),
                    Entry(tag, "html", f"{stem}/index.html", 40_000, "0"), Entry(tag, "html", f"{stem}/style.css", 5_000, "0")]
        if covers:
            entries.append(Entry(tag, "html", f"{stem}/cover.jpg", 15_000, "0"))
    return Manifest(tuple(entries))


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Write the multilingual fixture's download pages from an in-memory manifest, once; return (root, out) (only read)."""
    folder = tmp_path_factory.mktemp("pages")
    root = shutil.copytree(FIXTURES / "multilingual", folder / "multilingual")
    for lang in ("ru", "ar"):   # interface text not yet translated: it falls back to English
        po = root / "locales" / lang / "LC_MESSAGES" / "booklet.po"
        po.write_text(re.sub(r'(msgid "For printing"\nmsgstr )".*"', r'\1""', po.read_text(encoding="utf-8")), encoding="utf-8")
    out = folder / "out"
    out.mkdir()
    booklet = load_booklet(root)
    write_download_page(out, booklet, {lang: {"translated": 9, "missing": 1} for lang in ("ru", "ar")} | {"en": {"source": 10}},
                        fake_manifest(booklet.slug, LANGS))
    return root, out


def test_one_page_per_language_and_index_html_which_opens_the_browsers_language(pages):
    _root, out = pages
    assert sorted(p.name for p in out.glob("*.html")) == ["index.ar.html", "index.en.html", "index.html", "index.ru.html"]
    index, english = (out / "index.html").read_text(), (out / "index.en.html").read_text()
    assert "<script>" in index and "location.replace(found)" in index and "<script" not in english
    assert '"ru": "index.ru.html"' in index
    own_address = re.compile(r'<(link rel="canonical"|meta property="og:url")[^>]*>\n')
    assert own_address.sub("", re.sub(r"<script>.*?</script>\n", "", index, flags=re.S)) == own_address.sub("", english), \
        "index.html is the source page plus the script"


@pytest.mark.parametrize(("lang", "direction", "heading", "skip"), [
    ("en", "ltr", "Choose your language", "Skip to the languages"),
    ("ru", "ltr", "Выберите язык", "Перейти к списку языков"),
    ("ar", "rtl", "اختر لغتك", None),
])
def test_each_page_has_its_languages_interface_and_its_own_entry_first(pages, lang, direction, heading, skip):
    root, out = pages
    page = parse(out / f"index.{lang}.html")
    html = (out / f"index.{lang}.html").read_text()
    assert page.html == {"lang": lang, "dir": direction}
    assert f'<h2 id="languages-title" tabindex="-1">{heading}</h2>' in html
    if skip:
        assert f'href="#languages-title">{skip}</a>' in html
    entries = [cls for tag, cls in page.events if tag == "li" and cls == "language"]
    assert len(entries) == 3
    first = re.search(r'<li class="language" id="lang-([\w-]+)"', html).group(1)
    assert first == lang, "the page's own language comes first"


def test_untranslated_interface_text_falls_back_to_english_marked_with_its_language(pages):
    _root, out = pages
    html = (out / "index.ru.html").read_text()
    assert '<h4 class="printing-title"><span lang="en" dir="ltr">For printing</span></h4>' in html
    assert "For printing</h4>" in (out / "index.en.html").read_text()
    english = (out / "index.en.html").read_text()
    assert '<span lang="en"' not in english[:english.index('<li class="language" id="lang-ru"')], "English text is not marked on its page"
    ar = (out / "index.ar.html").read_text()
    assert '<span lang="en" dir="ltr">For printing</span>' in ar, "English inside a right-to-left page gets its direction"
    assert 'content="<span' not in ar and "&lt;span" not in ar, "attributes carry plain text"


def test_every_page_links_every_language_in_its_own_name_and_declares_alternates(pages):
    _root, out = pages
    for lang in LANGS:
        page = parse(out / f"index.{lang}.html")
        assert [(a["href"], a["lang"], a["hreflang"]) for a in page.chooser] == [(f"index.{t}.html", t, t) for t in LANGS]
        assert [a["lang"] for a in page.chooser if a.get("aria-current") == "page"] == [lang]
        texts = [text for tag, text in page.events if tag == "text"]
        assert {"English", "Русский", "العربية"} <= set(texts)
        assert page.alternates == {**{t: f"https://example.org/multi/index.{t}.html" for t in LANGS},
                                   "x-default": "https://example.org/multi/index.html"}


def test_readers_three_links_come_first_then_the_printing_files_under_their_own_heading(pages):
    _root, out = pages
    html = (out / "index.en.html").read_text()
    entry = re.search(r'<li class="language" id="lang-en".*?\n</li>', html, re.S).group(0)
    order = re.findall(r'<li class="file file-(\w+)">', entry)
    assert order == ["web", "pdf", "epub", "print", "booklet"]
    assert entry.index("file-epub") < entry.index('<h4 class="printing-title">For printing</h4>') < entry.index("file-print")
    assert "for a print shop, with bleed and crop marks" in entry and "to print on both sides, fold and staple" in entry
    assert "6 sheets, 12 sides" in entry, "the fold PDF's 12 pages are sheet sides"
    assert "23 pages" in entry and "12 pages" not in entry


def test_no_separator_can_start_a_line(pages):
    _root, out = pages
    for path in out.glob("*.html"):
        text = path.read_text()
        body = text[text.index("<body>"):]
        assert body.count("·") > 5
        assert re.findall(r"[^\xa0]·", body.replace("&nbsp;·", "\xa0·")) == [], f"{path.name}: «·» after a breakable space"


def test_share_previews_name_the_cover_title_and_locales(pages):
    _root, out = pages
    meta = dict(parse(out / "index.ru.html").meta)
    listed = parse(out / "index.ru.html").meta
    assert meta["og:title"] == meta["twitter:title"] == "Память"
    assert meta["og:image"] == meta["twitter:image"] == "https://example.org/multi/multi-ru/cover.jpg"
    assert meta["og:image:alt"].startswith("Обложка") or meta["og:image:alt"].startswith("Cover of the booklet")
    assert meta["og:url"] == "https://example.org/multi/index.ru.html"
    assert meta["og:locale"] == "ru_RU"
    assert [v for k, v in listed if k == "og:locale:alternate"] == ["en_US", "ar_EG"]
    assert meta["twitter:card"] == "summary" and meta["og:description"]


def test_every_entry_shows_its_cover_with_alternative_text_in_its_language(pages):
    _root, out = pages
    html = (out / "index.en.html").read_text()
    for lang, title in (("en", "Remembrance"), ("ru", "Память"), ("ar", None)):
        entry = re.search(rf'<li class="language" id="lang-{lang}".*?\n</li>', html, re.S).group(0)
        image = re.search(r'<img class="cover" src="([^"]+)" alt="([^"]+)"', entry)
        assert image.group(1) == f"multi-{lang}/cover.jpg"
        if title:
            assert title in image.group(2)


def test_a_language_without_a_cover_thumbnail_shows_no_image_and_no_og_image(project, tmp_path):
    root = project("multilingual")
    booklet = load_booklet(root)
    write_download_page(tmp_path, booklet, {}, fake_manifest(booklet.slug, LANGS, covers=False))
    html = (tmp_path / "index.ru.html").read_text()
    assert "<img" not in html and "og:image" not in html


def test_footer_date_follows_the_page_language(pages):
    _root, out = pages
    assert '<time datetime="2025-02-26" class="nowrap">26 февраля 2025\u202fг.</time>' in (out / "index.ru.html").read_text()
    assert '<time datetime="2025-02-26" class="nowrap">February 26, 2025</time>' in (out / "index.en.html").read_text()


def test_a_language_built_with_another_locale_dates_and_shares_in_its_conventions(tmp_path):
    from .conftest import FIXTURES

    booklet = load_booklet(FIXTURES / "projects" / "world")      # en: {locale: en_GB}
    write_download_page(tmp_path, booklet, {}, fake_manifest(booklet.slug, ["en", "he", "pt-BR"]))
    html = (tmp_path / "index.en.html").read_text()
    assert '<time datetime="2026-03-01" class="nowrap">1 March 2026</time>' in html
    assert '<meta property="og:locale" content="en_GB">' in html
    assert '<meta property="og:locale:alternate" content="pt_BR">' in html and 'content="he_IL"' in html


def test_a_language_with_its_own_digits_counts_sizes_and_dates_in_them(tmp_path):
    from .conftest import FIXTURES

    booklet = load_booklet(FIXTURES / "projects" / "world")      # fa: CLDR's default numbering, Persian digits
    write_download_page(tmp_path, booklet, {"fa": {"translated": 9, "missing": 1}}, fake_manifest(booklet.slug, ["en", "fa"]))
    html = (tmp_path / "index.fa.html").read_text()
    entry = re.search(r'<li class="language" id="lang-fa".*?\n</li>', html, re.S).group(0)
    text = re.sub(r"<[^>]+>", "", entry)
    assert "۲۳ صفحه&nbsp;· ۱۲۳ kB" in text and "۶ برگ، ۱۲ صفحه" in text and "ترجمه‌شده: ۹۰٪" in text
    assert re.findall(r"[0-9]", text) == [], "no Latin digit in the Persian entry"
    assert "به ۲ زبان" in html and '<time datetime="2026-03-01" class="nowrap">۱ مارس ۲۰۲۶</time>' in html
    english = (tmp_path / "index.en.html").read_text()
    assert "23 pages&nbsp;· 123 kB" in re.sub(r"<[^>]+>", "", english) and "in 2 languages" in english


def test_the_booklet_fonts_are_embedded_subset_to_the_pages_text(pages):
    from fontTools.ttLib import TTFont

    _root, out = pages
    html = (out / "index.ar.html").read_text()
    urls = re.findall(r'src: url\("(download-fonts/[^"]+\.woff)"\)', html)
    assert any("Amiri" in u for u in urls) and any("NotoSerif" in u for u in urls)
    assert ':lang(ar) { font-family: "Amiri", "Noto Serif", serif; }' in html
    for url in urls:
        assert (out / url).is_file()
    amiri = TTFont(io.BytesIO((out / "download-fonts" / "Amiri-Regular.woff").read_bytes()))
    cmap = amiri.getBestCmap()
    assert all(ord(c) in cmap for c in "اختر لغتك العربية")
    assert len(cmap) < 400, "subset to the pages' text"
    features = {r.FeatureTag for r in amiri["GSUB"].table.FeatureList.FeatureRecord}
    assert {"init", "medi", "fina"} <= features, "Arabic letters join"
    assert "system-ui" not in html


def test_open_graph_locale_of_codes():
    assert [og_locale(code) for code in ("en", "ru", "pt_BR", "ar", "ja", "he")] == ["en_US", "ru_RU", "pt_BR", "ar_EG", "ja_JP", "he_IL"]


# Language spans in inline markup.

def test_a_language_span_gives_lang_and_dir():
    html = render_inline("As [The Washington Post]{lang=en} wrote, [خوجالي]{lang=ar} *and* [Xocalı]{lang=az_Latn}", {}, str)
    assert str(html) == ('As <span lang="en" dir="ltr">The Washington Post</span> wrote, <span lang="ar" dir="rtl">خوجالي</span> '
                         '<em>and</em> <span lang="az-Latn" dir="ltr">Xocalı</span>')
    assert plain_text("As [The Washington Post]{lang=en} wrote") == "As The Washington Post wrote"
    assert markup_signature("[The Post]{lang=en} *x*") == markup_signature("*x*"), "a translation may drop the span"
    assert str(render_inline("[<b>]{lang=en} {{lang=en}}", {}, str)) == '<span lang="en" dir="ltr">&lt;b&gt;</span> {lang=en}'


@pytest.mark.engines
def test_language_spans_reach_the_web_edition_and_epub(project):
    import zipfile

    root = project("multilingual")
    toll = root / "content" / "sections" / "toll.yaml"
    toll.write_text(toll.read_text(encoding="utf-8") + "  - paragraph: As [The Washington Post]{lang=en} reported.\n", encoding="utf-8")
    out = root / "dist"
    pipeline.build(root, out, BuildOptions(langs=["ar"], formats=["epub", "html"], jobs=1, draft=True))
    span = '<span lang="en" dir="ltr">The Washington Post</span>'
    assert span in (out / "multi-ar" / "index.html").read_text()
    with zipfile.ZipFile(out / "multi-ar.epub") as book:
        assert any(span in book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))


# A real build: the cover thumbnail comes from the EPUB's cover image, passed forward in memory.

@pytest.mark.engines
def test_the_web_edition_writes_the_epub_cover_as_thumbnail_and_the_page_shows_it(project):
    import zipfile

    from PIL import Image

    from booklet.formats.html import THUMBNAIL_WIDTH, cover_thumbnail

    root = project("multilingual")
    out = root / "dist"
    pipeline.build(root, out, BuildOptions(langs=["ru"], formats=["epub", "html"], jobs=1))
    thumb = out / "multi-ru" / "cover.jpg"
    with zipfile.ZipFile(out / "multi-ru.epub") as book:
        cover = next(book.read(n) for n in book.namelist() if n.endswith("cover.png"))
    assert thumb.read_bytes() == cover_thumbnail(cover)
    image = Image.open(thumb)
    assert image.format == "JPEG" and image.width == THUMBNAIL_WIDTH
    html = (out / "index.ru.html").read_text()
    assert '<img class="cover" src="multi-ru/cover.jpg" alt="' in html
    assert '<meta property="og:image" content="https://example.org/multi/multi-ru/cover.jpg">' in html
    shutil.rmtree(out)
    pipeline.build(root, out, BuildOptions(langs=["ru"], formats=["html"], jobs=1))
    assert not (out / "multi-ru" / "cover.jpg").exists(), "a web-only build (serve) typesets no cover"

