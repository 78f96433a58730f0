"""Hostile input: translations cannot inject markup, and a failed build leaves the previous outputs intact."""
from __future__ import annotations

import json
import zipfile

import pytest

from booklet import pipeline
from booklet.pipeline import BuildOptions
from booklet.errors import BookletError
from booklet.i18n import catalog_path
from booklet.pofile import read_catalog, write_catalog

HOSTILE = "<img src=\"file:///etc/passwd\"><script>alert(1)</script> **Жертвы**"


def set_translation(root, lang, msgid, text):
    """Replace one translation in a booklet's catalog."""
    with catalog_path(root, lang).open("rb") as handle:
        catalog = read_catalog(handle)
    catalog.get(msgid).string = text
    catalog_path(root, lang).write_bytes(write_catalog(catalog))


def test_markup_in_a_translation_is_shown_as_text_never_run_or_fetched(project, tmp_path):
    root = project("multilingual")
    set_translation(root, "ru", "The toll", HOSTILE)
    out = tmp_path / "out"
    pipeline.build(root, out, BuildOptions(langs=["ru"], formats=["epub", "html"], jobs=1))
    with zipfile.ZipFile(out / "multi-ru.epub") as book:
        chapter = book.read("EPUB/toll.xhtml").decode()
    web = (out / "multi-ru" / "index.html").read_text()
    for page in (chapter, web):
        assert "<script>" not in page and "<img src=\"file:" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "<strong>Жертвы</strong>" in page      # the allowed inline markup still works


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
