"""The render stage and the pages each format renders from it, as small HTML goldens (multilingual fixture: en, ru, ar).

No typesetting and no packaging: the view, the blocks, the web edition's page, an EPUB
chapter and the PDF's document HTML. After an intended change, refresh the goldens and
review their diff:

    BOOKLET_REFRESH_GOLDENS=1 .venv/bin/python -m pytest -q tests/test_render.py
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from booklet.content import load_booklet
from booklet.formats import PDF_VARIANTS, Products
from booklet.formats.html import HtmlFormat
from booklet.i18n import load_catalog
from booklet.outputs import LanguageJob
from booklet.pipeline import LanguageTask, build_timestamp, language_job

GOLDEN = Path(__file__).parent / "golden"
REFRESH = os.environ.get("BOOKLET_REFRESH_GOLDENS") == "1"
#: One section's blocks as every format shows them (templates/blocks.html).
SECTIONS = ('{% from "blocks.html" import render_blocks %}{% for s in book.sections %}'
            '<section id="{{ s.id }}" class="{{ s.kind }}"><h1>{{ s.title }}</h1>\n{{ render_blocks(s.blocks, book.dir == "rtl") }}</section>\n'
            '{% endfor %}')


def job_for(root: Path, lang: str, out: Path) -> LanguageJob:
    """Render one language of a booklet folder as the pipeline does, writing nothing."""
    booklet = load_booklet(root)
    catalog = None if lang == booklet.source_language else load_catalog(root, lang)
    return language_job(LanguageTask(booklet, lang, catalog, (), out, build_timestamp(booklet), False, PDF_VARIANTS[0]))


def matches_golden(name: str, text: str) -> bool:
    """Compare ``text`` with tests/golden/NAME (rewriting it first when BOOKLET_REFRESH_GOLDENS=1)."""
    path = GOLDEN / name
    if REFRESH:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden {name}: run with BOOKLET_REFRESH_GOLDENS=1 and review it"
    return text == path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def jobs(tmp_path_factory):
    """The multilingual fixture rendered in each of its languages."""
    root = Path(__file__).parent / "fixtures" / "multilingual"
    out = tmp_path_factory.mktemp("render")
    return {lang: job_for(root, lang, out) for lang in ("en", "ru", "ar")}


@pytest.mark.parametrize("lang", ["en", "ru", "ar"])
def test_rendered_sections_match_the_golden(jobs, lang):
    job = jobs[lang]
    assert matches_golden(f"render/multilingual-{lang}.html", job.env.from_string(SECTIONS).render(book=job.view))


def test_rendering_is_a_pure_function_of_the_inputs(jobs, tmp_path):
    again = job_for(Path(__file__).parent / "fixtures" / "multilingual", "ar", tmp_path)
    assert again.view == jobs["ar"].view and again.charset == jobs["ar"].charset


def test_web_edition_page_matches_the_golden(jobs):
    job = jobs["ar"]
    outputs = HtmlFormat().write(job, Products(job, ("html",)))
    assert matches_golden("formats/html-multilingual-ar.html", outputs[0].path.read_text(encoding="utf-8"))


def test_epub_chapter_matches_the_golden(jobs):
    job = jobs["ru"]
    section = next(s for s in job.view.sections if s.kind == "chapter")
    assert matches_golden("formats/epub-multilingual-ru-chapter.xhtml", job.render("epub/chapter.xhtml", book=job.view, section=section))


def test_pdf_document_html_matches_the_golden(jobs):
    from booklet.formats.pdf import render_document_html

    assert matches_golden("formats/pdf-multilingual-ar.html", render_document_html(jobs["ar"]))


@pytest.mark.skipif(REFRESH, reason="refreshing the goldens")
def test_a_changed_rendering_does_not_match(jobs):
    job = jobs["en"]
    changed = job.env.from_string(SECTIONS).render(book=job.view).replace("</h1>", "</h1> ", 1)
    assert not matches_golden("render/multilingual-en.html", changed)
