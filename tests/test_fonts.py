"""Fonts: collections with a face index, sound files, one message for a missing font, coverage in ``check``, missing faces."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection, TTFont

from booklet.cli import main
from booklet.fonts import codepoints, collection_families, describe

WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
HEBREW = WORLD / "fonts" / "NotoSansHebrew-subset.ttf"
JAPANESE = WORLD / "fonts" / "NotoSansJP-subset.otf"
BOOKLET = """slug: fonts
title: Fonts
source_language: en
languages: [en, {lang}]
edition: 2024-03-08
publisher: Test publisher
license: CC0
fonts:
  - family: Noto Serif
    package: fontpkg-noto-serif
{extra}facts:
  people: 1275
sections: [cover, first]
"""


EMPTY_JA = ('msgid ""\nmsgstr ""\n"Language: ja\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
            '"Plural-Forms: nplurals=1; plural=0;\\n"\n')


def _run(root: Path, *args: str) -> tuple[int, str]:
    """Run the CLI on a booklet; return the exit status and stderr."""
    err = io.StringIO()
    status = main(["--source", str(root), *args], stdout=io.StringIO(), stderr=err)
    return status, err.getvalue()


def _problems(err: str) -> list[str]:
    """Return the problem lines of stderr (no progress lines, no totals)."""
    return [line for line in err.splitlines() if ": error: " in line or ": warning: " in line]


def _booklet(make_project, lang: str, extra: str = "", files: dict | None = None) -> Path:
    """Write a booklet in English and ``lang`` with extra font declarations."""
    return make_project({"content/booklet.yaml": BOOKLET.format(lang=lang, extra=extra), **(files or {})})


def _collection(target: Path) -> Path:
    """Write a two-face collection: #0 Noto Sans Hebrew (TrueType), #1 Noto Sans CJK JP (CFF)."""
    collection = TTCollection()
    collection.fonts = [TTFont(HEBREW), TTFont(JAPANESE)]
    target.parent.mkdir(parents=True, exist_ok=True)
    collection.save(target)
    return target


def test_collection_face_by_family_and_by_index(make_project, tmp_path):
    extra = ("  - family: Noto Sans CJK JP\n    files: [fonts/two.ttc]\n    languages: [ja]\n"
             "  - family: Hebrew from the collection\n    files: ['fonts/two.ttc#0']\n    languages: [he]\n")
    root = _booklet(make_project, "ja", extra)
    _collection(root / "fonts" / "two.ttc")
    assert [names[0] for names in collection_families(root / "fonts" / "two.ttc")] == ["Noto Sans Hebrew Thin", "Noto Sans CJK JP"]
    from booklet.content import load_booklet

    booklet = load_booklet(root)
    ja, he = booklet.fonts[1].files, booklet.fonts[2].files
    assert len(ja) == 1 and ja[0].suffix == ".otf" and codepoints(ja[0]) == codepoints(JAPANESE)
    assert len(he) == 1 and he[0].suffix == ".ttf" and codepoints(he[0]) == codepoints(HEBREW)
    assert describe(ja[0]).weight == describe(JAPANESE).weight


@pytest.mark.engines
def test_a_booklet_with_a_collection_builds_its_pdf_and_epub(make_project):
    extra = "  - family: Noto Sans CJK JP\n    files: ['fonts/two.ttc#1']\n    languages: [ja]\n"
    root = _booklet(make_project, "ja", extra, {"content/sections/first.yaml": "title: 日本語\nblocks:\n  - paragraph: 私たちは歩いて川を見ました。\n",
                                               "locales/ja/LC_MESSAGES/booklet.po": EMPTY_JA})
    _collection(root / "fonts" / "two.ttc")
    status, err = _run(root, "build", "--lang", "ja", "--format", "pdf,epub", "--out", str(root / "dist"))
    assert status == 0, err
    with zipfile.ZipFile(root / "dist" / "fonts-ja.epub") as book:
        assert any(name.endswith((".otf", ".ttf", ".woff", ".woff2")) for name in book.namelist())


def test_collection_mistakes_are_located_messages(make_project):
    extra = ("  - family: Nowhere\n    files: [fonts/two.ttc]\n"
             "  - family: Out of range\n    files: ['fonts/two.ttc#7']\n"
             "  - family: Not a collection\n    files: ['fonts/he.ttf#1']\n")
    root = _booklet(make_project, "ja", extra)
    _collection(root / "fonts" / "two.ttc")
    shutil.copyfile(HEBREW, root / "fonts" / "he.ttf")
    status, err = _run(root, "check")
    assert status == 1
    assert _problems(err) == [
        "content/booklet.yaml:12:12: error: font collection 'fonts/two.ttc' has no face of the family 'Nowhere' "
        "(faces: #0 Noto Sans Hebrew Thin, #1 Noto Sans CJK JP); name one as fonts/two.ttc#N",
        "content/booklet.yaml:14:12: error: font collection 'fonts/two.ttc' has 2 faces (#0 to #1), not #7",
        "content/booklet.yaml:16:12: error: font file 'fonts/he.ttf' is not a collection, so it takes no face index (#1)",
    ]


@pytest.mark.parametrize("command", [["check"], ["build", "--format", "epub"], ["build", "--format", "pdf"]])
def test_truncated_font_is_one_located_error_in_check_and_build(make_project, command):
    extra = "  - family: Noto Sans JP\n    files: [fonts/cut.otf]\n    languages: [ja]\n"
    root = _booklet(make_project, "ja", extra)
    (root / "fonts").mkdir()
    data = JAPANESE.read_bytes()
    (root / "fonts" / "cut.otf").write_bytes(data[: len(data) // 2])
    args = [*command, "--out", str(root / "dist")] if command[0] == "build" else command
    status, err = _run(root, *args)
    assert status == 1 and "Traceback" not in err
    problems = _problems(err)
    assert len(problems) == 1 and problems[0].startswith(
        "content/booklet.yaml:12:12: error: font file 'fonts/cut.otf' is truncated or damaged: its 'CFF' table ends at byte ")
    assert not (root / "dist").exists() or not any(p.is_file() for p in (root / "dist").rglob("*"))


def _world_without_japanese_font(tmp_path: Path) -> Path:
    """Copy the world fixture and drop its Japanese font."""
    root = tmp_path / "world"
    shutil.copytree(WORLD, root)
    yaml = root / "content" / "booklet.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace(
        "  - family: Noto Sans JP\n    files: [fonts/NotoSansJP-subset.otf]\n    languages: [ja]\n", ""), encoding="utf-8")
    return root


def test_check_reports_a_missing_font_once_naming_language_and_font(tmp_path):
    root = _world_without_japanese_font(tmp_path)
    status, err = _run(root, "check")
    assert status == 1
    errors = [line for line in _problems(err) if ": error: " in line]
    assert len(errors) == 1
    assert errors[0].startswith("content/booklet.yaml:11:5: error: ja: the fonts for ja (Noto Serif) do not cover ")
    assert errors[0].endswith("declare a font that covers ja in booklet.yaml, with languages: [ja]")


def test_build_reports_a_missing_font_once(tmp_path):
    root = _world_without_japanese_font(tmp_path)
    status, err = _run(root, "build", "--lang", "ja", "--format", "html", "--out", str(root / "dist"))
    assert status == 1 and "Traceback" not in err
    errors = _problems(err)
    assert len(errors) == 1 and errors[0].startswith("content/booklet.yaml:11:5: error: ja: the fonts for ja (Noto Serif) do not cover ")


def test_check_covers_what_babel_adds_to_dates(make_project):
    """An untranslated Japanese edition is English text, but Babel writes its dates 2024年3月8日 and its name 日本語."""
    root = _booklet(make_project, "ja", files={"locales/ja/LC_MESSAGES/booklet.po": EMPTY_JA})
    status, err = _run(root, "check")
    errors = [line for line in _problems(err) if ": error: " in line]
    assert errors == ["content/booklet.yaml:9:5: error: ja: the fonts for ja (Noto Serif) do not cover 5 characters of its text "
                      "(年 月 日 本 語 …, from U+5E74); declare a font that covers ja in booklet.yaml, with languages: [ja]"]
    assert status == 1


def test_check_warns_when_a_language_font_has_no_bold(tmp_path):
    root = tmp_path / "world"
    shutil.copytree(WORLD, root)
    _status, err = _run(root, "check")
    warnings = [line for line in _problems(err) if "face" in line]
    assert warnings == ["content/booklet.yaml:25:5: warning: ja: the font 'Noto Sans JP' has no bold face, which headings and "
                        "**strong** text use; declare a bold file for it (or a font family with one) for ja"]


def test_woff_subsets_are_kept_in_the_font_cache_and_made_again_when_spoilt(tmp_path, monkeypatch):
    import fontpkg_amiri

    from booklet import fontcache
    from booklet.fonts import subset_font

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    amiri = next(Path(fontpkg_amiri.__file__).parent.glob("**/Amiri-Regular.ttf"))
    first = subset_font(amiri, "كتيب", "woff")
    assert first[:4] == b"wOFF" and TTFont(io.BytesIO(first)).flavor == "woff"
    (kept,) = (tmp_path / "booklet" / "fonts").glob("*.woff")
    assert kept.read_bytes() == first
    monkeypatch.setattr(fontcache, "flavored", lambda data, flavor: pytest.fail("made again"))
    assert subset_font(amiri, "كتيب", "woff") == first                 # read from the cache
    kept.write_bytes(b"")
    monkeypatch.undo()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert subset_font(amiri, "كتيب", "woff") == first and kept.read_bytes() == first   # an empty entry is remade
