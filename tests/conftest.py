"""Shared fixtures: copies of the fixture booklets, ad-hoc booklets, and built outputs."""
from __future__ import annotations

import gc
import multiprocessing
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
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


def write_project(root: Path, files: dict[str, str | None], base: str = "minimal") -> Path:
    """Write a booklet at ``root`` from {relative path: text, or None to delete the file}, on top of a fixture booklet."""
    shutil.copytree(FIXTURES / base, root)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if text is None:
            path.unlink()
        else:
            path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path):
    """Return a function that writes a booklet from {relative path: text}, on top of the minimal fixture."""

    def make(files: dict[str, str | None], base: str = "minimal") -> Path:
        return write_project(tmp_path / "booklet", files, base)

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


def pytest_configure(config: pytest.Config) -> None:
    """Run msgmerge with one OpenMP thread (same output, no idle threads spinning on the shared cores); no cyclic
    garbage collection while the test modules are imported and collected (see :func:`pytest_collection_finish`)."""
    patch = pytest.MonkeyPatch()
    config.add_cleanup(patch.undo)
    patch.setenv("OMP_NUM_THREADS", "1")
    gc.disable()
    config.add_cleanup(gc.enable)


def _freeze_what_collection_made() -> None:
    """Keep the objects of the imports and of collection (WeasyPrint, fontTools, Babel, Hypothesis, a thousand test
    items: ~120,000) out of the cyclic garbage collector: each of its ~30 full collections in a run walked them all."""
    gc.collect()
    gc.freeze()
    gc.enable()


#: The work of the early fixtures, started when collection ends: {(module name, fixture name): Future}.
STARTED = pytest.StashKey[dict]()


def pytest_collection_finish(session: pytest.Session) -> None:
    """Freeze what collection made; start the work of each early fixture a collected test uses, in a process beside the tests.

    A test module makes a fixture early by defining ``early_<fixture name>(folder, env)``, which returns what the
    fixture returns (the fixture calls :func:`early_result`). Such work runs reference tools (msgmerge, pip, node)
    on the core that the tests, one Python thread, leave idle; ``env`` is the environment at the start (tests change
    os.environ meanwhile). The process is forked from this one, so the work sees the modules as collected.
    """
    _freeze_what_collection_made()
    jobs = {}
    for item in session.items:
        module = getattr(item, "module", None)
        for name in getattr(item, "fixturenames", ()):
            work = getattr(module, f"early_{name}", None)
            if work is not None:
                jobs.setdefault((module.__name__, name), work)
    if not jobs or session.config.option.collectonly:
        return
    folder = Path(tempfile.mkdtemp(prefix="booklet-early-"))
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    session.config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))
    session.config.add_cleanup(lambda: pool.shutdown(cancel_futures=True))   # runs first: the work ends, then its files go
    env = dict(os.environ)
    session.config.stash[STARTED] = {(module, name): pool.submit(_early_work, work, folder / f"{module}.{name}", env)
                                     for (module, name), work in jobs.items()}


def _early_work(work, folder: Path, env: dict[str, str]) -> tuple[bool, object]:
    """Run early work: (False, its result), or (True, the message) when it skips (pytest's Skipped does not pickle)."""
    try:
        return False, work(folder, env)
    except pytest.skip.Exception as skipped:
        return True, str(skipped)


def early_result(request: pytest.FixtureRequest, folder: Path):
    """Return the result of the requesting fixture's early work: started when collection ended, or done now."""
    module, name = request.module, request.fixturename
    started = request.config.stash.get(STARTED, {}).get((module.__name__, name))
    skipped, result = started.result() if started else _early_work(getattr(module, f"early_{name}"), folder, dict(os.environ))
    if skipped:
        pytest.skip(result)
    return result
