"""Text shown in the source language on another language's pages carries the source's lang and dir.

Content text (the booklet's own) and template strings (the templates' gettext calls: "Contents",
"Edition date", the footer) alike, in the web edition, the EPUB and the PDF's HTML.
"""
import re
import shutil
import zipfile
from html.parser import HTMLParser

import pytest

from booklet import pipeline
from booklet.content import load_booklet
from booklet.download import MarkedTranslator
from booklet.formats import pdf
from booklet.i18n import catalog_path, load_catalog
from booklet.pipeline import BuildOptions
from booklet.render import render_view
from booklet.translation import Translator

from .conftest import FIXTURES
from .pdfcheck import epubcheck


def _view(root, lang):
    """Render one language's view of a booklet with its catalog."""
    booklet = load_booklet(root)
    return render_view(booklet, Translator(lang, load_catalog(root, lang), root))


def test_an_untranslated_title_is_marked_english_on_the_arabic_pages(project):
    root = project("multilingual")
    path = catalog_path(root, "ar")
    text = path.read_text(encoding="utf-8")
    start = text.index('msgid "The toll"')
    end = text.index("\n\n", start)
    path.write_text(text[:start] + 'msgid "The toll"\nmsgstr ""' + text[end:], encoding="utf-8")
    toll = next(s for s in _view(root, "ar").sections if s.id == "toll")
    assert str(toll.title) == '<span lang="en" dir="ltr">The toll</span>'
    ru_toll = next(s for s in _view(root, "ru").sections if s.id == "toll")
    assert str(ru_toll.title) == "Жертвы"                     # a translation used carries the page's language


def test_the_source_language_pages_have_no_marks(project):
    root = project("multilingual")
    toll = next(s for s in render_view(load_booklet(root), Translator("en", None, root)).sections if s.id == "toll")
    assert str(toll.title) == "The toll"


# Template strings (the templates' own gettext calls) fall back the same way, in every format.

#: Template strings blanked in the Arabic catalog: one in the colophon facts of every format (blocks.html), one in
#: an attribute of the web edition, the PDF's QR code title and caption, the EPUB's accessibility summary, and the
#: sources' separator, which has no words.
UNTRANSLATED = ("Edition date", "Downloads", "QR code with the address of the download page",
                "Read and download this booklet in other languages:", "%(publisher)s, %(date)s")
SUMMARY = ("This publication meets basic accessibility requirements: text in a logical reading order, structural "
           "navigation, a table of contents, and charts given as text.")
MARK = '<span lang="en" dir="ltr">'


def _untranslate(path, msgids):
    """Empty the msgstr of each msgid (single-line or wrapped) in a catalog."""
    text = path.read_text(encoding="utf-8")
    for msgid in msgids:
        quoted = '"' + msgid + '"' if len(msgid) < 70 else None
        pattern = (rf"(msgid {re.escape(quoted)}\nmsgstr )\"[^\n]*\"(\n\"[^\n]*\")*" if quoted
                   else r'(msgid ""\n"' + re.escape(msgid[:30]) + r'.*?\nmsgstr )""(\n"[^\n]*")*')
        text, count = re.subn(pattern, r'\1""', text, count=1, flags=re.S)
        assert count == 1, msgid
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def fallback_build(tmp_path_factory):
    """Build the multilingual fixture in en and ar, some Arabic template strings untranslated; keep the PDF's HTML."""
    root = tmp_path_factory.mktemp("fallback") / "multilingual"
    shutil.copytree(FIXTURES / "multilingual", root)
    _untranslate(catalog_path(root, "ar"), [*UNTRANSLATED, SUMMARY])
    typeset_html = {}
    original = pdf.render_document_html

    def spy(job):
        typeset_html[job.view.lang] = html = original(job)
        return html

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "render_document_html", spy)
        pipeline.build(root, root / "dist", BuildOptions(langs=["en", "ar"], jobs=1))   # one process: the spy sees the PDF
    return root / "dist", typeset_html


def _epub_pages(path):
    """Return the text of every XHTML document and of the package document of an EPUB."""
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name).decode("utf-8") for name in book.namelist() if name.endswith((".xhtml", ".opf"))}


class _Attributes(HTMLParser):
    """Collect every attribute value and the text of SVG titles of a page."""

    def __init__(self):
        super().__init__()
        self.values, self.titles, self._in_title = [], [], False

    def handle_starttag(self, tag, attrs):
        self.values += [value or "" for _name, value in attrs]
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.titles.append(data)


def _attributes(page):
    parser = _Attributes()
    parser.feed(page)
    return parser


@pytest.mark.engines
def test_an_untranslated_template_string_is_marked_english_in_every_format(fallback_build):
    out, typeset_html = fallback_build
    term = f"<dt>{MARK}Edition date</span></dt>"
    web = (out / "multi-ar" / "index.html").read_text(encoding="utf-8")
    epub = _epub_pages(out / "multi-ar.epub")
    assert term in web
    assert term in epub["EPUB/sources.xhtml"]
    assert term in typeset_html["ar"], "the PDF's HTML (its /Lang in the tag tree: tests/test_pdfua.py)"
    assert f"<figcaption>{MARK}Read and download this booklet in other languages:</span>" in typeset_html["ar"]
    assert "<dt>الناشر</dt>" in web, "a translated template string carries the page's language"
    for page in (web, *epub.values(), typeset_html["ar"]):
        assert f"{MARK}%(" not in page and f"{MARK}A mission" not in page, "the separator of the sources has no words"


@pytest.mark.engines
def test_the_source_language_pages_have_no_marks_on_template_strings(fallback_build):
    out, typeset_html = fallback_build
    web = (out / "multi-en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in web, "the page itself is English"
    assert MARK not in web
    assert not any(MARK in page for page in _epub_pages(out / "multi-en.epub").values())
    assert MARK not in typeset_html["en"]


@pytest.mark.engines
def test_a_fallback_string_inside_an_attribute_or_a_title_stays_plain_text(fallback_build):
    out, typeset_html = fallback_build
    pages = {"web": (out / "multi-ar" / "index.html").read_text(encoding="utf-8"), "pdf": typeset_html["ar"],
             **_epub_pages(out / "multi-ar.epub")}
    for name, page in pages.items():
        found = _attributes(page)
        assert not [v for v in found.values if "<" in v or ">" in v], f"{name}: markup inside an attribute"
        assert not [t for t in found.titles if "lang=" in t], f"{name}: markup inside a title"
    assert 'aria-label="Downloads"' in pages["web"]
    assert "<title>QR code with the address of the download page</title>" in pages["pdf"]
    summary = re.search(r'<meta property="schema:accessibilitySummary">(.*?)</meta>', pages["EPUB/content.opf"]).group(1)
    assert summary == SUMMARY


@pytest.mark.engines
def test_epubcheck_is_clean_with_marked_template_strings(fallback_build):
    out, _html = fallback_build
    messages = epubcheck(out / "multi-ar.epub")
    assert [(m["severity"], m.get("ID"), m.get("message")) for m in messages if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []


def test_marked_translator_marks_only_fallback_with_words(project):
    root = project("multilingual")
    _untranslate(catalog_path(root, "ar"), ["Edition date", "%(publisher)s, %(date)s"])
    marked = MarkedTranslator("ar", load_catalog(root, "ar"), root, "en")
    assert marked.gettext("Edition date") == f"{MARK}Edition date</span>"
    assert marked.gettext("%(publisher)s, %(date)s") == "%(publisher)s, %(date)s", "placeholders and a comma: no language"
    assert marked.gettext("Publisher") == "الناشر"
    assert MarkedTranslator("en", None, root, "en").gettext("Edition date") == "Edition date"


def test_a_fuzzy_translation_shown_in_a_draft_is_not_marked(project):
    root = project("multilingual")
    path = catalog_path(root, "ar")
    path.write_text(path.read_text(encoding="utf-8").replace('msgid "Publisher"', '#, fuzzy\nmsgid "Publisher"', 1), encoding="utf-8")
    catalog = load_catalog(root, "ar")
    assert MarkedTranslator("ar", catalog, root, "en", use_fuzzy=True).gettext("Publisher") == "الناشر"
    assert MarkedTranslator("ar", catalog, root, "en").gettext("Publisher") == f"{MARK}Publisher</span>"
