"""Every broken booklet in fixtures/invalid gives exactly its expected messages, exit 1, and no output."""
import io
import re
import shutil
from pathlib import Path

import pytest

from booklet.cli import main

INVALID = Path(__file__).parent / "fixtures" / "invalid"
#: Progress lines ("ru: render…", "en: built in 2.1 s: …") share stderr with the problems.
PROGRESS = re.compile(r"^[\w-]+: (\w+…|built in .*)$")
CASES = [
    # A case with an ``xfail`` file documents a known builder bug: expected.txt holds what should be printed.
    pytest.param(p.name, marks=pytest.mark.xfail(strict=True, reason="known builder bug")) if (p / "xfail").is_file() else p.name
    for p in sorted(INVALID.iterdir()) if (p / "expected.txt").is_file()
]


def overlay(case: str, tmp_path: Path) -> Path:
    """Copy the case's base booklet (minimal unless a 'base' file names another) and lay the case's files over it."""
    base_file = INVALID / case / "base"
    base = base_file.read_text().strip() if base_file.is_file() else "minimal"
    root = tmp_path / case
    shutil.copytree(INVALID.parent / base, root)
    for path in (INVALID / case).rglob("*"):
        if path.is_file() and path.name not in ("expected.txt", "base", "args", "env", "xfail"):
            target = root / path.relative_to(INVALID / case)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    return root


def tree(root: Path) -> dict[str, bytes]:
    """Return every file of a booklet folder (its output folder aside) with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.is_relative_to(root / "dist")}


@pytest.mark.parametrize("case", CASES)
def test_invalid_booklet_reports_exact_problems(case, tmp_path, monkeypatch):
    root = overlay(case, tmp_path)
    env_file = INVALID / case / "env"      # NAME=value lines: the environment the command runs in
    for name, _, value in (line.partition("=") for line in (env_file.read_text().splitlines() if env_file.is_file() else [])):
        monkeypatch.setenv(name, value)
    args_file = INVALID / case / "args"
    extra = args_file.read_text().split() if args_file.is_file() else ["build"]
    before = tree(root)
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(["--source", str(root), *extra, "--out", str(root / "dist")] if extra[0] == "build" else ["--source", str(root), *extra],
                  stdout=stdout, stderr=stderr)
    expected = (INVALID / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    problems = [line for line in stderr.getvalue().splitlines() if not PROGRESS.match(line)]
    assert problems == expected
    assert status == 1
    assert "Traceback" not in stderr.getvalue()
    dist = root / "dist"
    assert not dist.exists() or not any(p.is_file() for p in dist.rglob("*")), "a failed build left files behind"
    assert tree(root) == before, "a failed command changed the booklet folder"
