"""The benchmark runs (its quick mode, as CI runs it) and its arithmetic is right; no timing is asserted."""
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

from goals import differing  # noqa: E402
from measure import Run  # noqa: E402
from report import Goal, ratio, slope  # noqa: E402


def test_slope_fits_a_line_exactly():
    assert slope([(1, 5.0), (2, 7.0), (4, 11.0)]) == pytest.approx((3.0, 2.0))
    assert slope([(8, 1.0), (8, 2.0)]) is None


def test_goal_lines_say_met_or_not():
    assert Goal("cold / warm", 1.1, 1.15).line() == "cold / warm: 1.10x (target <= 1.15x: met)"
    assert Goal("no-op rebuild", 0.42, 0.3, " s").line() == "no-op rebuild: 0.42 s (target <= 0.3 s: NOT met)"
    assert Goal("x", None, 1).line().startswith("x: not measured")


def test_ratio_of_a_failed_run_is_not_a_figure():
    assert ratio(Run("a", wall=2.0), Run("b", wall=4.0)) == 0.5
    assert ratio(Run("a", wall=2.0, ok=False), Run("b", wall=4.0)) is None


#: The start of every goal line of issue 16 that the report ends with.
GOALS = ("cold / warm full build, wall", "cold / warm full build, CPU", "warm full build / per-language loop, wall",
         "warm full build / layout floor (loop CPU / 2 cores), wall", "one language: five formats / screen PDF alone, CPU",
         "no-op rebuild, wall", "generated booklet (7 pages x 1 languages), warm full build, wall",
         "generated booklet, peak RSS of the largest process (one worker)", "fitted slope, languages: CPU = ",
         "sample: PDFs/EPUBs differing between two clean builds (of 4): 0 files",
         "variable-font fixture: PDFs/EPUBs differing between two clean builds (of 4): 0 files")


def test_differing_names_changed_and_missing_pdfs_and_epubs(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for folder, data in ((first, b"1"), (second, b"2")):
        folder.mkdir()
        (folder / "same.pdf").write_bytes(b"x")
        (folder / "changed.epub").write_bytes(data)
        (folder / "index.html").write_bytes(data)                # not compared: only PDFs and EPUBs
    (first / "only-here.pdf").write_bytes(b"x")
    assert differing(first, second) == (2, 3, ["changed.epub", "only-here.pdf"])
    assert Goal("x", 0, 0, " files").line() == "x: 0 files (target <= 0 files: met)"


@pytest.mark.engines
def test_quick_benchmark_prints_every_goal(tmp_path):
    done = subprocess.run([sys.executable, str(BENCH / "run.py"), "--quick", "--keep", str(tmp_path / "work")],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    goals = done.stdout.split("goals (issue 16", 1)[1].splitlines()
    for goal in GOALS:
        assert any(line.strip().startswith(goal) for line in goals), goal
    assert "not measured" not in done.stdout and "FAILED" not in done.stdout
