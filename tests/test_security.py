"""Hostile input: translations cannot inject markup, and a failed build leaves the previous outputs intact."""
from __future__ import annotations

import json
import zipfile

import pytest

from booklet import pipeline
from booklet.errors import BookletError
from booklet.i18n import catalog_path
from booklet.pipeline import BuildOptions
from booklet.pofile import read_catalog, write_catalog

HOSTILE = "<img src=\"file:///etc/passwd\"><script>alert(1)</script> **Жертвы**"


def set_translation(root, lang, msgid, text):
    """Replace one translation in a booklet's catalog."""
    with catalog_path(root, lang).open("rb") as handle:
        catalog = read_catalog(handle)
    catalog.get(msgid).string = text
    catalog_path(root, lang).write_bytes(write_catalog(catalog))


def test_html_in_a_translation_is_refused_by_build(project, tmp_path):
    root = project("multilingual")
    set_translation(root, "ru", "The toll", HOSTILE)
    out = tmp_path / "out"
    with pytest.raises(BookletError) as caught:
        pipeline.build(root, out, BuildOptions(langs=["ru"], formats=["epub", "html"], jobs=1))
    assert "booklet.po:53: error: HTML is shown as text, not as markup" in str(caught.value)
    assert not out.exists() or not any(out.rglob("*.*"))


@pytest.mark.engines
def test_markup_characters_in_a_translation_are_shown_as_text(project, tmp_path):
    root = project("multilingual")
    set_translation(root, "ru", "The toll", "5 < 7 & 9 > 8 **Жертвы**")
    out = tmp_path / "out"
    pipeline.build(root, out, BuildOptions(langs=["ru"], formats=["epub", "html"], jobs=1))
    with zipfile.ZipFile(out / "multi-ru.epub") as book:
        chapter = book.read("EPUB/toll.xhtml").decode()
    web = (out / "multi-ru" / "index.html").read_text()
    for page in (chapter, web):
        assert "5 &lt; 7 &amp; 9 &gt; 8" in page
        assert "<strong>Жертвы</strong>" in page      # the allowed inline markup still works


@pytest.mark.engines
def test_failed_build_leaves_previous_outputs_and_manifest_untouched(project, tmp_path):
    root = project("multilingual")
    out = tmp_path / "out"
    pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1))
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    set_translation(root, "ru", "The toll", "Жертвы ܐ")           # Syriac: no declared font covers it
    set_translation(root, "ar", "The toll", "الضحايا الجدد")
    with pytest.raises(BookletError) as caught:
        pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=2))
    assert "no declared font covers 'ܐ'" in str(caught.value)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before, "the Arabic rebuild succeeded but must not replace anything when Russian failed"
    assert not [p for p in out.iterdir() if p.name.startswith(".staging")]
    assert json.loads((out / "manifest.json").read_text()) == json.loads(before["manifest.json"])


SECRET = "TOP-SECRET-7d1f0c"


def _outputs_text(out) -> str:
    """Return everything the build wrote, EPUB members and PDF text included, as one string."""
    from pypdf import PdfReader

    parts = []
    for path in out.rglob("*"):
        if path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                parts += [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
        elif path.suffix == ".pdf":
            parts += [page.extract_text() for page in PdfReader(path).pages]
        elif path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


@pytest.mark.engines
def test_a_template_cannot_reach_python_or_read_files(project, tmp_path):
    import io

    from booklet.cli import main

    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    root = project("minimal")
    hostile = "{{ lipsum.__globals__.__builtins__.open('%s').read() }}" % secret
    (root / "templates" / "html").mkdir(parents=True)
    (root / "templates" / "html" / "edition.html").write_text(hostile + "\n")
    err = io.StringIO()
    status = main(["--source", str(root), "--format", "html", "--out", str(tmp_path / "out"), "--jobs", "1"], io.StringIO(), err)
    assert status == 1
    assert "html/edition.html:1: error: template error:" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert not (tmp_path / "out").exists() or SECRET not in _outputs_text(tmp_path / "out")


@pytest.mark.engines
def test_a_template_symlinked_out_of_the_booklet_is_refused(project, tmp_path):
    import io

    from booklet.cli import main

    outside = tmp_path / "outside.html"
    outside.write_text(SECRET + "\n")
    root = project("minimal")
    (root / "templates" / "html").mkdir(parents=True)
    (root / "templates" / "html" / "edition.html").symlink_to(outside)
    err = io.StringIO()
    status = main(["--source", str(root), "--format", "html", "--out", str(tmp_path / "out"), "--jobs", "1"], io.StringIO(), err)
    assert status == 1
    assert "templates/html/edition.html: error: template error: not allowed in a booklet's template: html/edition.html is a link to a file outside the template folders" in err.getvalue()
    assert not (tmp_path / "out").exists() or SECRET not in _outputs_text(tmp_path / "out")


def test_a_font_package_name_never_imports_a_module(project, tmp_path):
    import subprocess
    import sys

    root = project("minimal")
    meta = root / "content" / "booklet.yaml"
    meta.write_text(meta.read_text().replace("package: fontpkg-noto-serif", "package: this"))
    probe = ("import sys; from booklet.cli import main; status = main(['--source', sys.argv[1], 'check']);"
             " print('IMPORTED' if 'this' in sys.modules else 'CLEAN'); sys.exit(status)")
    run = subprocess.run([sys.executable, "-c", probe, str(root)], capture_output=True, text=True)
    assert run.returncode == 1
    assert "CLEAN" in run.stdout and "Beautiful is better than ugly" not in run.stdout + run.stderr
    assert "font package 'this' is not an installed distribution" in run.stderr


def test_a_section_file_symlinked_out_of_the_booklet_is_refused(project, tmp_path):
    import io

    from booklet.cli import main

    outside = tmp_path / "outside.yaml"
    outside.write_text(f"title: {SECRET}\nblocks:\n  - paragraph: {SECRET}\n")
    root = project("minimal")
    (root / "content" / "sections" / "first.yaml").unlink()
    (root / "content" / "sections" / "first.yaml").symlink_to(outside)
    err = io.StringIO()
    status = main(["--source", str(root), "--format", "html", "--out", str(tmp_path / "out")], io.StringIO(), err)
    assert status == 1
    assert "content/booklet.yaml:13:19: error: section file content/sections/first.yaml is a link to a file outside the booklet folder" in err.getvalue()
    assert SECRET not in err.getvalue()
    assert not (tmp_path / "out").exists() or SECRET not in _outputs_text(tmp_path / "out")


def test_an_svg_that_runs_script_is_never_published(project, tmp_path):
    import io

    from booklet.cli import main

    root = project("minimal")
    (root / "images").mkdir()
    (root / "images" / "map.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="5" height="5"/></svg>')
    section = root / "content" / "sections" / "first.yaml"
    section.write_text("title: The first chapter\nblocks:\n  - image:\n      file: images/map.svg\n      alt: A map.\n")
    err = io.StringIO()
    status = main(["--source", str(root), "--format", "html", "--out", str(tmp_path / "out")], io.StringIO(), err)
    assert status == 1
    assert "content/sections/first.yaml:4:13: error: image 'images/map.svg' has an event handler (onload=), which SVG images must not" in err.getvalue()
    assert not any((tmp_path / "out").rglob("*.svg"))


def test_a_catalog_symlinked_out_of_the_booklet_is_refused(project, tmp_path):
    import io

    from booklet.cli import main

    root = project("multilingual")
    catalog = catalog_path(root, "ru")
    outside = tmp_path / "outside.po"
    outside.write_bytes(catalog.read_bytes())
    catalog.unlink()
    catalog.symlink_to(outside)
    err = io.StringIO()
    status = main(["--source", str(root), "check"], io.StringIO(), err)
    assert status == 1
    assert "locales/ru/LC_MESSAGES/booklet.po: error: is a link to a file outside the booklet folder" in err.getvalue().splitlines()


@pytest.mark.engines
def test_source_date_epoch_zero_builds_an_epub_with_zip_times_clamped_to_1980(project, tmp_path, monkeypatch):
    import io

    from booklet.cli import main

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    root = project("minimal")
    status = main(["--source", str(root), "build", "--format", "epub", "--out", str(tmp_path / "out")], io.StringIO(), io.StringIO())
    assert status == 0
    (epub_file,) = (tmp_path / "out").rglob("*.epub")
    assert {info.date_time for info in zipfile.ZipFile(epub_file).infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_an_image_symlinked_out_of_the_booklet_is_refused(project, tmp_path):
    import io

    from booklet.cli import main

    outside = tmp_path / "secret.png"
    outside.write_text(SECRET)
    root = project("minimal")
    (root / "images").mkdir()
    (root / "images" / "map.png").symlink_to(outside)
    (root / "content" / "sections" / "first.yaml").write_text(
        "title: The first chapter\nblocks:\n  - image:\n      file: images/map.png\n      alt: A map.\n")
    for command in (["check"], ["build", "--format", "html", "--out", str(tmp_path / "out")]):
        err = io.StringIO()
        assert main(["--source", str(root), *command], io.StringIO(), err) == 1
        assert err.getvalue().splitlines()[-1] == "content/sections/first.yaml:4:13: error: image 'images/map.png' is outside the booklet folder"
    assert not (tmp_path / "out").exists() or SECRET not in _outputs_text(tmp_path / "out")


def test_a_font_file_symlinked_out_of_the_booklet_is_refused(project, tmp_path):
    import io
    import shutil

    from booklet.cli import main
    from booklet.fonts import resolve_font_files

    root = project("minimal")
    outside = tmp_path / "outside.ttf"
    shutil.copyfile(resolve_font_files(package="fontpkg-noto-serif")[0][0], outside)
    (root / "fonts").mkdir()
    (root / "fonts" / "Evil.ttf").symlink_to(outside)
    meta = root / "content" / "booklet.yaml"
    meta.write_text(meta.read_text().replace("fonts:\n", "fonts:\n  - family: Evil\n    files: [fonts/Evil.ttf]\n"))
    for command in (["check"], ["build", "--format", "html", "--out", str(tmp_path / "out")]):
        err = io.StringIO()
        assert main(["--source", str(root), *command], io.StringIO(), err) == 1
        assert "content/booklet.yaml:10:12: error: font file 'fonts/Evil.ttf' is outside the booklet folder" in err.getvalue().splitlines()
    assert not (tmp_path / "out").exists()
