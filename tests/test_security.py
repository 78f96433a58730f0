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
    assert not (tmp_path / "out").exists() or SECRET not in _everything_text(tmp_path / "out")


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
    assert not (tmp_path / "out").exists() or SECRET not in _everything_text(tmp_path / "out")


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
    assert not (tmp_path / "out").exists() or SECRET not in _everything_text(tmp_path / "out")


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


@pytest.mark.engines
@pytest.mark.parametrize(("edition", "stamp"), [("1979-12-31", (1980, 1, 1, 0, 0, 0)), ("2108-01-01", (2107, 12, 31, 23, 59, 58))])
def test_an_edition_outside_zip_dates_builds_an_epub_with_clamped_times(project, tmp_path, monkeypatch, edition, stamp):
    import io

    from booklet.cli import main

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = project("minimal")
    meta = root / "content" / "booklet.yaml"
    meta.write_text(meta.read_text().replace("edition: 2024-03-08", f"edition: {edition}"))
    err = io.StringIO()
    assert main(["--source", str(root), "build", "--format", "epub", "--out", str(tmp_path / "out")], io.StringIO(), err) == 0, err.getvalue()
    (epub_file,) = (tmp_path / "out").rglob("*.epub")
    with zipfile.ZipFile(epub_file) as book:
        assert {info.date_time for info in book.infolist()} == {stamp}
        assert f"<dc:date>{edition}" in book.read("EPUB/content.opf").decode()


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
    assert not (tmp_path / "out").exists() or SECRET not in _everything_text(tmp_path / "out")


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


# --- One test per sandbox rule: a secret planted beside the booklet never reaches any output, and a hostile
# --- build changes nothing anywhere (booklet, output folder, the folders around them).

def _pdf_text(path) -> str:
    """Return a PDF's text as pdftotext (poppler, an outside oracle) extracts it."""
    import subprocess

    return subprocess.run(["pdftotext", "-q", str(path), "-"], capture_output=True, text=True, check=True).stdout


def _everything_text(folder) -> str:
    """Return the text of every file under ``folder``: raw bytes, EPUB members, and PDF text via pdftotext."""
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
            if path.suffix == ".epub":
                with zipfile.ZipFile(path) as book:
                    parts += [book.read(name).decode("utf-8", "replace") for name in book.namelist()]
            elif path.suffix == ".pdf":
                parts.append(_pdf_text(path))
    return "\n".join(parts)


def _tree(folder) -> dict[str, str]:
    """Return every entry under ``folder``: file contents' sha256, a link's target, or 'dir'."""
    import hashlib
    import os

    entries = {}
    for path in sorted(folder.rglob("*")):
        key = path.relative_to(folder).as_posix()
        entries[key] = (f"-> {os.readlink(path)}" if path.is_symlink() else "dir" if path.is_dir()
                        else hashlib.sha256(path.read_bytes()).hexdigest())
    return entries


def _png_with(text: str) -> bytes:
    """Return a valid 4 x 4 PNG that carries ``text`` in a tEXt chunk (published raw if the image were copied)."""
    import io

    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def _image_block(root, name: str) -> None:
    """Put an image block showing images/``name`` at the start of the toll section."""
    section = root / "content" / "sections" / "toll.yaml"
    section.write_text(section.read_text().replace("blocks:\n", f"blocks:\n  - image:\n      file: images/{name}\n      alt: A map.\n", 1))


def _template_reaches_python(root, private):
    (root / "templates" / "pdf").mkdir(parents=True)
    (root / "templates" / "pdf" / "document.html").write_text(
        "<html><body>{{ lipsum.__globals__.__builtins__.open('%s').read() }}</body></html>\n" % (private / "secret.txt"))
    return ["--format", "pdf"], "templates/pdf/document.html:1: error: template error: not allowed in a booklet's template: access to attribute '__globals__' of 'function' object is unsafe."


def _template_symlinked(root, private):
    (root / "templates" / "html").mkdir(parents=True)
    (root / "templates" / "html" / "edition.html").symlink_to(private / "secret.html")
    return ["--format", "html"], "templates/html/edition.html: error: template error: not allowed in a booklet's template: html/edition.html is a link to a file outside the template folders"


def _templates_folder_symlinked(root, private):
    (root / "templates").symlink_to(private / "templates")
    return ["--format", "html"], "templates: error: is a link to a folder outside the booklet folder"


def _template_includes_outside(root, private):
    (root / "templates" / "epub").mkdir(parents=True)
    (root / "templates" / "epub" / "chapter.xhtml").write_text('{%% include "%s" %%}\n' % (private / "secret.txt"))
    return ["--format", "epub"], f"templates/epub/chapter.xhtml:1: error: template not found: {private / 'secret.txt'}"


def _section_symlinked(root, private):
    (root / "content" / "sections" / "toll.yaml").unlink()
    (root / "content" / "sections" / "toll.yaml").symlink_to(private / "section.yaml")
    return [], "content/booklet.yaml:19:29: error: section file content/sections/toll.yaml is a link to a file outside the booklet folder"


def _catalog_symlinked(root, private):
    catalog = catalog_path(root, "ru")
    catalog.unlink()
    catalog.symlink_to(private / "booklet.po")
    return [], "locales/ru/LC_MESSAGES/booklet.po: error: is a link to a file outside the booklet folder"


def _image_symlinked(root, private):
    (root / "images").mkdir()
    (root / "images" / "map.png").symlink_to(private / "secret.png")
    _image_block(root, "map.png")
    return [], "content/sections/toll.yaml:4:13: error: image 'images/map.png' is outside the booklet folder"


def _svg_reads_a_file(root, private):
    (root / "images").mkdir()
    (root / "images" / "map.svg").write_text(
        f'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><image href="file://{private / "secret.png"}"/></svg>')
    _image_block(root, "map.svg")
    return [], (f"content/sections/toll.yaml:4:13: error: image 'images/map.svg' refers to an external resource "
                f"('file://{private / 'secret.png'}'); only #fragment references are allowed")


def _font_symlinked(root, private):
    (root / "fonts").mkdir()
    (root / "fonts" / "Evil.ttf").symlink_to(private / "Evil.ttf")
    meta = root / "content" / "booklet.yaml"
    meta.write_text(meta.read_text().replace("fonts:\n", "fonts:\n  - family: Evil\n    files: [fonts/Evil.ttf]\n", 1))
    return [], "content/booklet.yaml:11:12: error: font file 'fonts/Evil.ttf' is outside the booklet folder"


HOSTILE_BOOKLETS = [_template_reaches_python, _template_symlinked, _templates_folder_symlinked, _template_includes_outside, _section_symlinked,
                    _catalog_symlinked, _image_symlinked, _svg_reads_a_file, _font_symlinked]


def _plant_secrets(private, root) -> None:
    """Write the files a hostile booklet reaches for, each carrying SECRET in a form the builder would publish."""
    import shutil

    from booklet.fonts import resolve_font_files

    private.mkdir()
    (private / "secret.txt").write_text(SECRET + "\n")
    (private / "secret.html").write_text(f"<html><body><p>{SECRET}</p></body></html>\n")
    (private / "templates" / "html").mkdir(parents=True)
    (private / "templates" / "html" / "edition.html").write_text(f"<html><body><p>{SECRET}</p></body></html>\n")
    (private / "section.yaml").write_text(f"title: {SECRET}\nblocks:\n  - paragraph: {SECRET}\n")
    (private / "secret.png").write_bytes(_png_with(SECRET))
    shutil.copyfile(resolve_font_files(package="fontpkg-noto-serif")[0][0], private / "Evil.ttf")
    catalog = catalog_path(root, "ru").read_text(encoding="utf-8")
    (private / "booklet.po").write_text(catalog.replace('msgstr "Жертвы"', f'msgstr "{SECRET}"'), encoding="utf-8")


@pytest.mark.engines
@pytest.mark.parametrize("hostile", HOSTILE_BOOKLETS, ids=lambda f: f.__name__.strip("_"))
def test_a_secret_beside_the_booklet_never_reaches_any_output_and_nothing_changes(hostile, multilingual_build, tmp_path):
    import io
    import shutil

    from booklet.cli import main

    built_root, built_out, _results = multilingual_build
    root, site, private = tmp_path / "booklet", tmp_path / "site", tmp_path / "private"
    shutil.copytree(built_root, root, ignore=shutil.ignore_patterns("dist"))
    shutil.copytree(built_out, site / "dist", symlinks=True)
    _plant_secrets(private, root)
    options, message = hostile(root, private)
    before = _tree(tmp_path)
    err = io.StringIO()
    status = main(["--source", str(root), "build", *options, "--out", str(site / "dist"), "--jobs", "1"], io.StringIO(), err)
    assert (status, err.getvalue().splitlines()[-1:]) == (1, [message])
    assert _tree(tmp_path) == before, "a refused build changed a file: in the booklet, the output folder or beside them"
    assert SECRET not in _everything_text(site) + err.getvalue()


@pytest.mark.engines
def test_merge_of_a_hostile_shard_copies_no_secret_and_writes_nothing(multilingual_build, tmp_path):
    import io
    import shutil

    from booklet.cli import main

    built_root, built_out, _results = multilingual_build
    shard, site, private = tmp_path / "shard", tmp_path / "site", tmp_path / "private"
    shutil.copytree(built_out, shard)
    shutil.copytree(built_out, site / "dist")
    private.mkdir()
    (private / "secret.txt").write_text(SECRET)
    manifest = json.loads((shard / "manifest.json").read_text())
    manifest["outputs"].insert(0, {"lang": "ru", "format": "html", "path": "../private/secret.txt", "bytes": len(SECRET),
                                   "sha256": "0" * 64})
    (shard / "manifest.json").write_text(json.dumps(manifest))
    before = _tree(tmp_path)
    err = io.StringIO()
    status = main(["--source", str(built_root), "merge", str(shard), "--out", str(site / "dist")], io.StringIO(), err)
    assert (status, err.getvalue()) == (1, f"{shard}/manifest.json: error: outputs[0]: path '../private/secret.txt' leads outside the folder\n")
    assert _tree(tmp_path) == before
    assert SECRET not in _everything_text(site)


@pytest.mark.engines
def test_a_successful_build_writes_nothing_outside_its_output_folder(multilingual_build):
    from pathlib import Path

    root, out, _results = multilingual_build
    fixture = Path(__file__).parent / "fixtures" / "multilingual"
    booklet = {key: digest for key, digest in _tree(root).items() if not (root / key).is_relative_to(out)}
    assert booklet == _tree(fixture) and out.parent == root, "the booklet folder is exactly the fixture, besides dist/"
    assert [p.name for p in root.parent.iterdir()] == [root.name], "nothing beside the booklet (no staging left)"
