"""The incremental-build record: fingerprints per language, reuse only of intact outputs, and the record's round trip.

Also what a no-op rebuild remembers between runs besides the record: each font file's soundness.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from pathlib import Path

import pytest

from booklet import fonts, state
from booklet.content import load_booklet
from booklet.i18n import catalog_path
from booklet.outputs import LanguageResult, Output
from booklet.render import template_dirs

WHEN = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)


def prints(root, formats=("epub",), draft=False, when=WHEN, variant="pdf/ua-1"):
    booklet = load_booklet(root)
    return state.fingerprints(booklet, booklet.languages, list(formats), draft, when, variant, template_dirs(root))


def test_a_catalog_changes_only_its_language_and_options_change_every_language(project):
    root = project("multilingual")
    before = prints(root)
    po = catalog_path(root, "ru")
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    after = prints(root)
    assert [lang for lang in before if before[lang] != after[lang]] == ["ru"]
    for changed in (prints(root, formats=("pdf",)), prints(root, draft=True), prints(root, when=WHEN + dt.timedelta(days=1)),
                    prints(root, variant="pdf/a-3u")):
        assert all(changed[lang] != after[lang] for lang in after)


def test_content_change_changes_every_language(project):
    root = project("multilingual")
    before = prints(root)
    section = root / "content/sections/toll.yaml"
    section.write_text(section.read_text() + "\n")
    after = prints(root)
    assert all(before[lang] != after[lang] for lang in before)


def _written(out, name: str, data: bytes) -> Output:
    path = out / name
    path.write_bytes(data)
    return Output("en", "epub", path, len(data), hashlib.sha256(data).hexdigest())


def test_recorded_outputs_are_reused_only_while_intact(tmp_path):
    result = LanguageResult("en", (_written(tmp_path, "x-en.epub", b"book"),), {"source": 3})
    record = state.updated({}, tmp_path, [result], {"en": "f1"})
    state.write_state(tmp_path, record)
    assert state.load_state(tmp_path) == record == {"en": {"fingerprint": "f1", "counts": {"source": 3}, "outputs": [
        {"lang": "en", "format": "epub", "path": "x-en.epub", "bytes": 4, "sha256": hashlib.sha256(b"book").hexdigest()}]}}
    assert state.up_to_date(tmp_path, record, {"en": "f1"}) == {"en": result}
    assert state.up_to_date(tmp_path, record, {"en": "f2"}) == {}                    # inputs changed
    (tmp_path / "x-en.epub").write_bytes(b"BOOK")                                    # same size, other bytes
    assert state.up_to_date(tmp_path, record, {"en": "f1"}) == {}


def test_an_unreadable_record_counts_as_empty(tmp_path):
    (tmp_path / state.STATE_FILE).write_text("[1, 2")
    assert state.load_state(tmp_path) == {}
    (tmp_path / state.STATE_FILE).write_text("[1, 2]")
    assert state.load_state(tmp_path) == {}


def test_a_no_op_rebuild_reads_no_catalog_and_reports_what_the_build_did(project, tmp_path, monkeypatch):
    from booklet import pipeline

    root, out = project("multilingual"), tmp_path / "dist"
    po = catalog_path(root, "ru")
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr "В память."', 'msgstr ""'), encoding="utf-8")
    options = pipeline.BuildOptions(formats=["html"], jobs=1)
    first = pipeline.build(root, out, options)
    assert [w.message for w in first.warnings] == ["ru: 1 missing strings shown in the source language"]

    def unread(*args):
        raise AssertionError("a no-op rebuild parsed the catalogs")

    monkeypatch.setattr(pipeline, "load_catalogs", unread)
    again = pipeline.build(root, out, options)
    assert again.rebuilt == () and again.warnings == first.warnings
    assert [(r.lang, r.counts, [o.path for o in r.outputs]) for r in again.results] == \
           [(r.lang, r.counts, [o.path for o in r.outputs]) for r in first.results]
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr ""\n\n', 'msgstr "В память."\n\n', 1), encoding="utf-8")
    with pytest.raises(AssertionError, match="parsed the catalogs"):   # a changed catalog takes the full path
        pipeline.build(root, out, options)


FONT = Path(__file__).parent / "fixtures" / "projects" / "world" / "fonts" / "NotoSansHebrew-subset.ttf"


def _kept(cache: Path) -> list[str]:
    """Return the facts about font files kept on disk under the cache folder ``cache``."""
    return sorted(p.read_text(encoding="utf-8") for p in (cache / "booklet" / "fonts" / "checks").glob("*.txt"))


def _new_process() -> None:
    """Forget what this process remembers about font files, as a new process would."""
    fonts._font_problem.cache_clear()
    fonts._font_digest.cache_clear()


def test_a_font_verdict_is_kept_on_disk_and_a_changed_font_is_checked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(fonts, "_SETTLED_NS", 0)                      # as if the file had been written long ago
    font = tmp_path / "font.ttf"
    shutil.copyfile(FONT, font)
    assert fonts.font_problem(font) is None and _kept(tmp_path / "cache") == ["verdict:sound"]
    _new_process()

    def unparsed(*args):
        raise AssertionError("a kept verdict was checked again")

    with monkeypatch.context() as patched:
        patched.setattr(fonts, "check_font_file", unparsed)
        assert fonts.font_problem(font) is None
    data = FONT.read_bytes()
    font.write_bytes(data[: len(data) // 2])                          # truncated: checked again, and the verdict kept
    assert fonts.font_problem(font).startswith("is truncated or damaged: its ")
    assert len(_kept(tmp_path / "cache")) == 2
    _new_process()
    assert fonts.font_problem(font).startswith("is truncated or damaged: its ")


def test_a_font_changed_just_now_is_checked_but_nothing_about_it_is_kept(tmp_path, monkeypatch):
    """A second change within the file system's clock tick could keep the size and times: only settled files' facts are kept."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    font = tmp_path / "font.ttf"
    font.write_bytes(b"not a font at all")
    assert fonts.font_problem(font) == "is not a valid font"
    assert fonts.font_digest(font) == hashlib.sha256(b"not a font at all").hexdigest()
    assert _kept(tmp_path / "cache") == []


def test_a_changed_font_file_changes_every_language_even_with_its_digest_kept(project, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(fonts, "_SETTLED_NS", 0)
    root = project("projects/world")
    before = prints(root)
    assert any(text.startswith("sha256:") for text in _kept(tmp_path / "cache"))
    _new_process()
    assert prints(root) == before                                     # from the kept digests
    font = root / "fonts" / "NotoSansHebrew-subset.ttf"
    font.write_bytes(font.read_bytes() + b"\0" * 4)                   # still a sound font, other bytes
    _new_process()
    after = prints(root)
    assert all(after[lang] != before[lang] for lang in before)


def test_a_font_rewritten_with_the_same_size_just_after_the_build_changes_every_language(project, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    root = project("projects/world")
    before = prints(root)
    font = root / "fonts" / "NotoSansHebrew-subset.ttf"
    data = font.read_bytes()
    font.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))              # same size, maybe the same clock tick
    _new_process()
    assert all(digest != before[lang] for lang, digest in prints(root).items())
