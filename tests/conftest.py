"""Shared fixtures: copies of the fixture booklets, ad-hoc booklets, and built outputs."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from booklet import pipeline
from booklet.pipeline import BuildOptions

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT_ROOT = Path(__file__).parent.parent


@pytest.fixture
def project(tmp_path):
    """Return a function that copies a fixture booklet into a temporary folder."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


@pytest.fixture
def make_project(tmp_path):
    """Return a function that writes a booklet from {relative path: text}, on top of the minimal fixture."""

    def make(files: dict[str, str], base: str = "minimal") -> Path:
        root = tmp_path / "booklet"
        shutil.copytree(FIXTURES / base, root)
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if text is None:
                path.unlink()
            else:
                path.write_text(text, encoding="utf-8")
        return root

    return make


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """Build a copy of the shipped booklet once, in every language and format: (root, out, results by language)."""
    root = tmp_path_factory.mktemp("sample") / "booklet"
    for name in ("content", "locales"):
        shutil.copytree(PROJECT_ROOT / name, root / name)
    results = pipeline.build(root, root / "dist", BuildOptions(jobs=2)).results
    return root, root / "dist", {r.lang: r for r in results}


@pytest.fixture(scope="session")
def world_build(tmp_path_factory):
    """Build a copy of the multi-script fixture (tests/fixtures/projects/world) once, in every language and format."""
    root = tmp_path_factory.mktemp("world") / "world"
    shutil.copytree(FIXTURES / "projects" / "world", root)
    results = pipeline.build(root, root / "dist", BuildOptions(jobs=2)).results
    return root, root / "dist", {r.lang: r for r in results}


@pytest.fixture
def world_all(world_build):
    """The output folder of the session's one world build."""
    return world_build[1]


@pytest.fixture(scope="session")
def multilingual_build(tmp_path_factory):
    """Build the multilingual fixture (en, ru, ar) once, in every format."""
    root = tmp_path_factory.mktemp("multi") / "multilingual"
    shutil.copytree(FIXTURES / "multilingual", root)
    out = root / "dist"
    results = pipeline.build(root, out, BuildOptions(jobs=2)).results
    return root, out, results


@pytest.fixture(scope="session", autouse=True)
def _one_thread_per_gnu_tool():
    """Run msgmerge with one OpenMP thread: same output, and its idle threads no longer spin on the shared cores."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("OMP_NUM_THREADS", "1")
        yield
