"""The format contract: every format registered once, reached through the registry, sharing one typesetting."""
from __future__ import annotations

import importlib
import zipfile

import pytest
from pypdf import PdfReader

from booklet import pipeline
from booklet.formats import FORMAT_CLASSES, FORMATS, PAGED_FORMATS, Products
from booklet.pipeline import BuildOptions


def test_every_format_is_registered_once_under_its_own_name():
    assert list(FORMATS) == ["pdf", "epub", "print", "booklet", "html"]
    for name, (module, cls) in FORMAT_CLASSES.items():
        fmt = getattr(importlib.import_module(module), cls)
        assert fmt.name == name and FORMATS[name].name == name
    assert set(PAGED_FORMATS) < set(FORMATS)
    formats = importlib.import_module("booklet.formats")
    for gone in ("SHARED_LAYOUT", "PDF_FORMATS", "write_pdfs"):
        assert not hasattr(formats, gone) and not hasattr(importlib.import_module("booklet.formats.printed"), gone)


@pytest.mark.engines
def test_the_booklet_alone_is_imposed_from_a_layout_without_bleed(project, tmp_path):
    root, out = project("minimal"), tmp_path / "out"
    outputs = pipeline.build(root, out, BuildOptions(formats=["booklet"], jobs=1)).results[0].outputs
    assert [o.path.name for o in outputs] == ["minimal-en-booklet.pdf"]
    sheet = PdfReader(out / "minimal-en-booklet.pdf").pages[0]
    assert round(float(sheet.mediabox.width)) == round(2 * 148 * 72 / 25.4)   # two A5 pages side by side, no bleed


@pytest.mark.engines
def test_an_epub_alone_still_gets_its_cover_from_a_typeset_cover_page(project, tmp_path):
    root, out = project("minimal"), tmp_path / "out"
    pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1))
    with zipfile.ZipFile(out / "minimal-en.epub") as book:
        assert book.read("EPUB/images/cover.png").startswith(b"\x89PNG")


@pytest.mark.engines
def test_products_typeset_once_for_every_paged_format(project, tmp_path):
    from booklet.content import load_booklet
    from booklet.formats import write_formats
    from booklet.outputs import LanguageJob
    from booklet.render import make_environment, render_view, template_dirs
    from booklet.translation import Translator

    root = project("minimal")
    booklet = load_booklet(root)
    translator = Translator("en", None, root)
    dirs = template_dirs(root)
    env = make_environment(dirs)
    env.install_gettext_translations(translator, newstyle=True)
    job = LanguageJob.of(booklet, render_view(booklet, translator), env, translator, tmp_path, pipeline.build_timestamp(booklet), dirs)
    stages = []
    outputs = write_formats(job, ["pdf", "print", "booklet"], stage=stages.append)
    assert stages == ["pdf", "print", "booklet"] and len(outputs) == 3
    products = Products(job, ("pdf", "print"))
    first = products.layout
    assert products.layout is first and first.screen.startswith(b"%PDF")
    assert FORMATS["pdf"].write(job, products)[0].pages == outputs[0].pages == first.pages


def test_asking_whether_a_format_exists_loads_no_engine():
    """``--format pdf`` is checked against the registry on every build, a no-op rebuild too: no WeasyPrint import."""
    import subprocess
    import sys

    code = ("import sys; from booklet.formats import FORMATS; from booklet.pipeline import select_formats; "
            "assert select_formats(['pdf', 'booklet']) == ['pdf', 'booklet'] and 'x' not in FORMATS; "
            "print(sorted(m for m in ('weasyprint', 'ebooklib', 'pikepdf') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
