"""The package as organizers install it: a real wheel with its templates, `booklet new`, a one-language booklet."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from booklet.cli import main

from .conftest import early_result

PROJECT_ROOT = Path(__file__).parent.parent


def run(*argv: str) -> tuple[int, str, str]:
    """Run the command line in-process; return (status, stdout, stderr)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def early_wheel(folder: Path, env: dict[str, str]) -> Path:
    """Build the project's wheel offline (no build isolation: setuptools comes from the lock)."""
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(folder),
                    str(PROJECT_ROOT)], check=True, capture_output=True, env=env)
    return next(folder.glob("booklet_builder-*.whl"))


@pytest.fixture(scope="module")
def wheel(request, tmp_path_factory) -> Path:
    """The project's wheel, built beside the tests from the end of collection (see conftest)."""
    return early_result(request, tmp_path_factory.mktemp("wheel"))


def test_wheel_ships_templates_styles_and_the_starter_booklet(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {path.relative_to(PROJECT_ROOT).as_posix() for folder in ("booklet/templates", "booklet/starter")
                for path in (PROJECT_ROOT / folder).rglob("*") if path.is_file() and "__pycache__" not in path.parts}
    assert expected and expected <= names, sorted(expected - names)


@pytest.mark.engines
def test_installed_wheel_builds_a_new_booklet_from_another_folder(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    # -P: no current folder on sys.path; the repository's booklet/ must not be the one imported.
    command = [sys.executable, "-P", "-c", "import sys; sys.path.insert(0, sys.argv.pop(1)); import booklet.cli as c; "
               "assert c.__file__.startswith(sys.argv[1]), c.__file__; sys.argv.pop(1); raise SystemExit(c.main())", str(site), str(site)]
    created = subprocess.run([*command, "new", "my-booklet"], cwd=elsewhere, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    built = subprocess.run([*command, "--source", "my-booklet", "--format", "pdf,epub", "--jobs", "1"], cwd=elsewhere,
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    assert {p.name for p in (elsewhere / "my-booklet" / "dist").iterdir()} >= {"my-booklet-en.pdf", "my-booklet-en.epub"}


def test_new_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "notes.txt").write_text("mine")
    status, _out, err = run("new", str(tmp_path / "taken"))
    assert (status, err.strip()) == (1, f"{tmp_path / 'taken'}: error: exists and is not an empty folder; choose a new folder name")
    assert (tmp_path / "taken" / "notes.txt").read_text() == "mine"


def test_new_booklet_without_locales_passes_check_and_status_then_takes_a_language(tmp_path):
    root = tmp_path / "b"
    assert run("new", str(root))[0] == 0
    assert (root / "locales" / "booklet.pot").is_file()
    (root / "locales" / "booklet.pot").unlink()                 # a one-language booklet needs no locales/
    assert run("--source", str(root), "check")[:2] == (0, "0 errors, 0 warnings\n")
    status, out, _err = run("--source", str(root), "status")
    assert status == 0 and "100.0 %" in out
    settings = (root / "content" / "booklet.yaml").read_text()
    assert run("--source", str(root), "init", "pt-BR")[0] == 0
    assert run("--source", str(root), "update", "--lang", "pt-BR")[0] == 0   # pt-BR and pt_BR are the same
    edited = (root / "content" / "booklet.yaml").read_text()
    assert "languages: [en, pt_BR]" in edited and edited.replace(", pt_BR]", "]", 1) == settings  # comments kept


@pytest.mark.parametrize("listing, expected", [
    ("languages: [en, ru]  # built\n", "languages: [en, ru, fr]  # built\n"),
    ("languages: [en,\n  ru]\n", "languages: [en,\n  ru, fr]\n"),
    ("languages:\n  - en   # source\n  - ru\n", "languages:\n  - en   # source\n  - ru\n  - fr\n"),
])
def test_init_adds_the_language_keeping_comments_and_layout(listing, expected):
    from booklet.catalogs import with_language

    assert with_language(listing + "slug: x\n", "fr", Path("content/booklet.yaml")) == expected + "slug: x\n"
