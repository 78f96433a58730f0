"""The manifest module: one reader and one writer of manifest.json, with located errors and confined paths."""
from __future__ import annotations

import json

import pytest

from booklet.errors import BookletError
from booklet.manifest import Entry, Manifest, load_published, read_manifest, write_manifest


def entry(path: str, lang: str = "en", fmt: str = "pdf", pages: int | None = 12) -> Entry:
    return Entry(lang, fmt, path, 10, "a" * 64, pages)


def problems(folder) -> list[str]:
    with pytest.raises(BookletError) as error:
        read_manifest(folder)
    return [str(p) for p in error.value.problems]


def test_written_manifest_reads_back_the_same_sorted_by_language_format_and_path(tmp_path):
    manifest = Manifest().merged([entry("x-ru.pdf", "ru"), entry("x-en/index.html", "en", "html", None), entry("x-en.pdf")])
    write_manifest(tmp_path, manifest)
    assert read_manifest(tmp_path) == manifest
    assert [e.path for e in manifest.entries] == ["x-en/index.html", "x-en.pdf", "x-ru.pdf"]
    assert json.loads((tmp_path / "manifest.json").read_text())["outputs"][0] == {
        "lang": "en", "format": "html", "path": "x-en/index.html", "bytes": 10, "sha256": "a" * 64}


def test_merged_replaces_entries_of_the_same_path_and_pages_come_from_pdf_or_print():
    manifest = Manifest((entry("x-en.pdf", pages=12),)).merged([entry("x-en.pdf", pages=14), entry("x-en.epub", fmt="epub", pages=None)])
    assert len(manifest.entries) == 2 and manifest.pages("en") == 14 and manifest.pages("ru") is None
    assert manifest.paths("en") == ("x-en.epub", "x-en.pdf")


def test_missing_invalid_and_malformed_manifests_are_located(tmp_path):
    assert problems(tmp_path) == [f"{tmp_path}/manifest.json: error: no manifest.json: is this the output folder of a build?"]
    (tmp_path / "manifest.json").write_text('{"outputs": [1,\n 2,,]}')
    assert problems(tmp_path) == [f"{tmp_path}/manifest.json:2:4: error: manifest is not valid JSON: Expecting value"]
    (tmp_path / "manifest.json").write_text('{"files": []}')
    assert problems(tmp_path) == [f"{tmp_path}/manifest.json: error: manifest must be an object with a list 'outputs'"]


@pytest.mark.parametrize(("item", "message"), [
    ("x", "outputs[0] must be an object"),
    ({"lang": "en", "format": "pdf", "path": "a.pdf", "bytes": "10", "sha256": "a"}, "outputs[0]: 'bytes' must be a whole number"),
    ({"lang": "en", "format": "pdf", "path": "a.pdf", "bytes": True, "sha256": "a"}, "outputs[0]: 'bytes' must be a whole number"),
    ({"lang": "en", "format": "pdf", "bytes": 1, "sha256": "a"}, "outputs[0]: 'path' must be a string"),
    ({"lang": "en", "format": "pdf", "path": "a.pdf", "bytes": 1, "sha256": "a", "pages": 1.5}, "outputs[0]: 'pages' must be a whole number"),
    ({"lang": "en", "format": "pdf", "path": "../a.pdf", "bytes": 1, "sha256": "a"}, "outputs[0]: path '../a.pdf' leads outside the folder"),
    ({"lang": "en", "format": "pdf", "path": "/etc/passwd", "bytes": 1, "sha256": "a"}, "outputs[0]: path '/etc/passwd' leads outside the folder"),
    ({"lang": "en", "format": "pdf", "path": "x/../../a", "bytes": 1, "sha256": "a"}, "outputs[0]: path 'x/../../a' leads outside the folder"),
])
def test_every_malformed_entry_is_an_error(tmp_path, item, message):
    (tmp_path / "manifest.json").write_text(json.dumps({"outputs": [item]}))
    assert problems(tmp_path) == [f"{tmp_path}/manifest.json: error: {message}"]


def test_a_symlink_leading_out_of_the_folder_is_refused(tmp_path):
    folder, outside = tmp_path / "shard", tmp_path / "secret.txt"
    folder.mkdir()
    outside.write_text("secret")
    (folder / "link.txt").symlink_to(outside)
    (folder / "manifest.json").write_text(json.dumps({"outputs": [{"lang": "en", "format": "pdf", "path": "link.txt", "bytes": 6, "sha256": "a"}]}))
    assert problems(folder) == [f"{folder}/manifest.json: error: outputs[0]: path 'link.txt' leads outside the folder"]


def test_published_manifest_keeps_existing_files_and_an_unreadable_one_is_empty(tmp_path):
    (tmp_path / "x-en.pdf").write_bytes(b"pdf")
    write_manifest(tmp_path, Manifest((entry("x-en.pdf"), entry("x-ru.pdf", "ru"))))
    assert [e.path for e in load_published(tmp_path).entries] == ["x-en.pdf"]
    (tmp_path / "manifest.json").write_text("{")
    assert load_published(tmp_path) == Manifest()
