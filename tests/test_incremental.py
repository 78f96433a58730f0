"""Incremental builds, sharding and merging: only what changed is rebuilt, shards merge into one dist/."""
from __future__ import annotations

import json
import os

import pytest

from booklet import pipeline, shards
from booklet.i18n import catalog_path
from booklet.pipeline import BuildOptions

pytestmark = pytest.mark.engines   # every test here builds with WeasyPrint or EbookLib


def mtimes(folder):
    """Return the modification time of every file under ``folder``."""
    return {p: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def test_nothing_changed_writes_nothing_and_one_catalog_rebuilds_one_language(project, tmp_path):
    root, out = project("multilingual"), tmp_path / "out"
    first = pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1)).results
    before = mtimes(out)
    again = pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1)).results
    assert mtimes(out) == before
    assert [o.sha256 for r in again for o in r.outputs] == [o.sha256 for r in first for o in r.outputs]
    po = catalog_path(root, "ru")
    po.write_text(po.read_text().replace('msgstr "Жертвы"', 'msgstr "Погибшие"'))
    built = []
    pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1), progress=lambda result: built.append(result.lang))
    assert built == ["ru"]
    after = mtimes(out)
    assert after[out / "multi-en.epub"] == before[out / "multi-en.epub"]
    assert after[out / "multi-ru.epub"] != before[out / "multi-ru.epub"]


def test_content_change_rebuilds_every_language_and_force_rebuilds_anyway(project, tmp_path):
    root, out = project("multilingual"), tmp_path / "out"
    pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1))
    built = []
    pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1, force=True), progress=lambda r: built.append(r.lang))
    assert built == ["en", "ru", "ar"]
    built.clear()
    section = root / "content/sections/toll.yaml"
    section.write_text(section.read_text().replace("A short quotation.", "A short quotation, changed."))
    pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1), progress=lambda r: built.append(r.lang))
    assert built == ["en", "ru", "ar"]


def test_deleted_output_is_rebuilt(project, tmp_path):
    root, out = project("multilingual"), tmp_path / "out"
    pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1))
    os.remove(out / "multi-ar.epub")
    built = []
    pipeline.build(root, out, BuildOptions(formats=["epub"], jobs=1), progress=lambda r: built.append(r.lang))
    assert built == ["ar"] and (out / "multi-ar.epub").is_file()


def test_shards_split_languages_and_merge_into_one_output(project, tmp_path):
    root = project("multilingual")
    first = pipeline.build(root, tmp_path / "s1", BuildOptions(formats=["epub"], jobs=1, shard="1/2")).results
    second = pipeline.build(root, tmp_path / "s2", BuildOptions(formats=["epub"], jobs=1, shard="2/2")).results
    assert [r.lang for r in first] == ["en", "ar"] and [r.lang for r in second] == ["ru"]
    manifest = shards.merge(root, tmp_path / "dist", [tmp_path / "s1", tmp_path / "s2"])
    assert sorted(e.path for e in manifest.entries) == ["multi-ar.epub", "multi-en.epub", "multi-ru.epub"]
    manifest = json.loads((tmp_path / "dist/manifest.json").read_text())
    assert {e["lang"] for e in manifest["outputs"]} == {"en", "ru", "ar"}
    page = (tmp_path / "dist/index.html").read_text()
    assert all(f'href="multi-{lang}.epub"' in page for lang in ("en", "ru", "ar"))


def test_three_shards_merged_are_byte_identical_to_one_build(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root = project("multilingual")
    pipeline.build(root, tmp_path / "whole", BuildOptions(jobs=1))
    for k in (1, 2, 3):
        pipeline.build(root, tmp_path / f"s{k}", BuildOptions(jobs=1, shard=f"{k}/3"))
    shards.merge(root, tmp_path / "dist", [tmp_path / f"s{k}" for k in (1, 2, 3)])

    def files(folder):
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}

    whole, merged = files(tmp_path / "whole"), files(tmp_path / "dist")
    assert {"manifest.json", ".booklet-state.json", "index.html", "multi-ru-booklet.pdf"} <= set(whole)
    assert merged.keys() == whole.keys()
    assert [name for name in whole if merged[name] != whole[name]] == []


def test_the_epub_cover_is_the_first_page_of_the_pdf_layout(project, tmp_path):
    import zipfile

    from booklet.formats.pdf import page_png

    root, out = project("minimal"), tmp_path / "out"
    pipeline.build(root, out, BuildOptions(formats=["pdf", "epub"], jobs=1))
    with zipfile.ZipFile(out / "minimal-en.epub") as book:
        cover = book.read("EPUB/images/cover.png")
    assert cover == page_png((out / "minimal-en.pdf").read_bytes())
