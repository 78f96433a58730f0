"""Publishing is atomic and interruptions are clean: a killed or interrupted build leaves the old set or the new set."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from booklet.cli import main
from booklet.publish import JOURNAL, recover

pytestmark = pytest.mark.engines
PROJECT_ROOT = Path(__file__).parent.parent


def run(*args: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return exit status, stdout and stderr."""
    import io

    out, err = io.StringIO(), io.StringIO()
    return main(list(args), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def snapshot(folder: Path) -> dict[str, str]:
    """Return every file under ``folder`` (relative path → sha256), journal and staging included."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def run_with_patch(patch: str, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI in a child process after executing ``patch`` (which plants a real signal at some step)."""
    code = f"import sys\n{patch}\nfrom booklet.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "CI": "1"}
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT, timeout=300)


def _change(root: Path) -> None:
    """Change the content, so every language is rebuilt with different bytes."""
    section = root / "content/sections/toll.yaml"
    section.write_text(section.read_text().replace("A short quotation.", "A short quotation, changed."))


#: Where the folder swap is unavailable (no renameat2), staging is inside the output folder and files are
#: moved under a journal; after the second file is moved, the process kills itself (SIGKILL: no cleanup runs).
KILL_WHILE_MOVING = """
import os, signal
import booklet.publish as publish
publish._renameat2 = lambda: None
real = publish._move_all
def move_all(staging, out_dir, files):
    real(staging, out_dir, files[:2])
    os.kill(os.getpid(), signal.SIGKILL)
publish._move_all = move_all
"""
#: The process kills itself just before, or just after, the atomic swap of the staging and output folders.
KILL_BEFORE_SWAP = """
import os, signal
import booklet.publish as publish
def swap(first, second):
    os.kill(os.getpid(), signal.SIGKILL)
publish.swap = swap
"""
KILL_AFTER_SWAP = """
import os, signal
import booklet.publish as publish
real = publish.swap
def swap(first, second):
    real(first, second)
    os.kill(os.getpid(), signal.SIGKILL)
publish.swap = swap
"""
BUILD = ("build", "--format", "epub,html", "--jobs", "1")


def _killed_build(project, tmp_path, patch: str):
    """Build, change the content, run a build killed by ``patch``; return (root, out, old set, reference new set)."""
    root, out = project("multilingual"), tmp_path / "dist"
    assert run("--source", str(root), *BUILD, "--out", str(out))[0] == 0
    old = snapshot(out)
    _change(root)
    killed = run_with_patch(patch, "--source", str(root), *BUILD, "--out", str(out))
    assert killed.returncode == -9, killed.stderr
    reference = tmp_path / "reference"
    assert run("--source", str(root), *BUILD, "--out", str(reference))[0] == 0
    return root, out, old, snapshot(reference)


def _next_build_publishes_the_new_set(root: Path, out: Path, new: dict[str, str]) -> None:
    """The next build leaves exactly the new set and no staging folder, beside or inside the output folder."""
    assert run("--source", str(root), *BUILD, "--out", str(out))[0] == 0
    assert snapshot(out) == new
    assert not [p for p in out.parent.iterdir() if ".staging-" in p.name] and not list(out.glob(".staging-*"))


def test_a_build_killed_before_the_swap_leaves_exactly_the_old_set(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root, out, old, new = _killed_build(project, tmp_path, KILL_BEFORE_SWAP)
    assert snapshot(out) == old != new
    _next_build_publishes_the_new_set(root, out, new)


def test_a_build_killed_after_the_swap_leaves_exactly_the_new_set(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root, out, old, new = _killed_build(project, tmp_path, KILL_AFTER_SWAP)
    assert snapshot(out) == new != old
    assert [p for p in out.parent.iterdir() if ".staging-" in p.name], "the old set waits beside the folder for cleanup"
    _next_build_publishes_the_new_set(root, out, new)


def test_without_the_swap_a_build_killed_while_moving_is_completed_by_the_next_command(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root, out, old, new = _killed_build(project, tmp_path, KILL_WHILE_MOVING)
    assert (out / JOURNAL).is_file() and any(out.glob(".staging-*"))
    mixture = snapshot(out)
    assert mixture != old and mixture != new, "between the kill and the next command, readers see a mixture (documented)"
    recover(out)                                  # what the next build or merge does first
    assert snapshot(out) == new, "the journal alone completes the killed build's publication"
    _next_build_publishes_the_new_set(root, out, new)


def test_publishing_keeps_the_folders_permissions_and_files_it_did_not_write(project, tmp_path):
    root, out = project("minimal"), tmp_path / "dist"
    out.mkdir(mode=0o750)
    out.chmod(0o750)
    (out / "NOTES.txt").write_text("the organizers' own file")
    assert run("--source", str(root), "build", "--format", "html", "--out", str(out), "--jobs", "1")[0] == 0
    assert (out.stat().st_mode & 0o777) == 0o750
    assert (out / "NOTES.txt").read_text() == "the organizers' own file"
    fresh = tmp_path / "fresh"
    assert run("--source", str(root), "build", "--format", "html", "--out", str(fresh), "--jobs", "1")[0] == 0
    umask = os.umask(0)
    os.umask(umask)
    assert (fresh.stat().st_mode & 0o777) == 0o777 & ~umask


def test_stale_staging_folders_are_removed_by_the_next_build(project, tmp_path):
    root, out = project("minimal"), tmp_path / "dist"
    (out / ".staging-leftover/minimal-en").mkdir(parents=True)
    (out / ".staging-leftover/minimal-en/index.html").write_text("half")
    assert run("--source", str(root), "build", "--format", "html", "--out", str(out), "--jobs", "1")[0] == 0
    assert not list(out.glob(".staging-*")) and not (out / JOURNAL).exists()


#: The first worker to render sends Ctrl-C to the main process, as a terminal does.
INTERRUPT_WHILE_BUILDING = """
import os, signal
import booklet.pipeline as pipeline
real = pipeline.render_view
def render_view(*args, **kwargs):
    try:                                              # once: the first worker only, as one Ctrl-C
        os.close(os.open(os.environ["SIGINT_SENT_FLAG"], os.O_CREAT | os.O_EXCL))
        os.kill(os.getppid(), signal.SIGINT)
    except FileExistsError:
        pass
    return real(*args, **kwargs)
pipeline.render_view = render_view
"""


def test_ctrl_c_stops_the_workers_removes_staging_and_exits_130(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setenv("SIGINT_SENT_FLAG", str(tmp_path / "sigint-sent"))
    root, out = project("multilingual"), tmp_path / "dist"
    assert run("--source", str(root), "build", "--format", "html", "--out", str(out), "--jobs", "1")[0] == 0
    old = snapshot(out)
    _change(root)
    interrupted = run_with_patch(INTERRUPT_WHILE_BUILDING, "--source", str(root), "build", "--format", "html", "--out", str(out), "--jobs", "2")
    assert interrupted.returncode == 130
    assert interrupted.stderr.splitlines()[-1] == "interrupted: the output folder was not changed"
    assert "Traceback" not in interrupted.stderr
    assert snapshot(out) == old


#: Ctrl-C arrives in the middle of publishing: just before the swap, or (without the swap) after the first move.
INTERRUPT_WHILE_SWAPPING = """
import os, signal
import booklet.publish as publish
real = publish.swap
def swap(first, second):
    os.kill(os.getpid(), signal.SIGINT)
    return real(first, second)
publish.swap = swap
"""
INTERRUPT_WHILE_MOVING = """
import os, signal
import booklet.publish as publish
publish._renameat2 = lambda: None
real = publish._move_all
def move_all(staging, out_dir, files):
    real(staging, out_dir, files[:1])
    os.kill(os.getpid(), signal.SIGINT)
    real(staging, out_dir, files)
publish._move_all = move_all
"""


def test_ctrl_c_while_publishing_is_held_until_the_new_set_is_in_place(project, tmp_path, monkeypatch):
    import shutil

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root, reference, web = project("minimal"), tmp_path / "reference", ("build", "--format", "html", "--jobs", "1")
    assert run("--source", str(root), *web, "--out", str(tmp_path / "swap"))[0] == 0
    shutil.copytree(tmp_path / "swap", tmp_path / "journal")
    old = snapshot(tmp_path / "swap")
    section = root / "content/sections/first.yaml"
    section.write_text(section.read_text().replace("A dated entry.", "A dated entry, changed."))
    assert run("--source", str(root), *web, "--out", str(reference))[0] == 0
    new = snapshot(reference)
    for patch, out in ((INTERRUPT_WHILE_SWAPPING, tmp_path / "swap"), (INTERRUPT_WHILE_MOVING, tmp_path / "journal")):
        interrupted = run_with_patch(patch, "--source", str(root), *web, "--out", str(out))
        assert interrupted.returncode == 130 and "Traceback" not in interrupted.stderr
        assert interrupted.stderr.splitlines()[-1] == "interrupted: the new outputs were published"
        assert snapshot(out) == new != old
    assert not [p for p in tmp_path.iterdir() if ".staging-" in p.name]
    assert not list((tmp_path / "swap").glob(".staging-*")) and not list((tmp_path / "journal").glob(".staging-*"))


def test_out_naming_a_file_or_a_folder_inside_content_is_refused(project, tmp_path):
    root = project("minimal")
    existing = tmp_path / "file.txt"
    existing.write_text("mine")
    status, _out, err = run("--source", str(root), "build", "--out", str(existing))
    assert (status, err) == (1, f"--out: error: {existing} is a file, not a folder\n") and existing.read_text() == "mine"
    inside = root / "content" / "dist"
    status, _out, err = run("--source", str(root), "build", "--out", str(inside))
    assert (status, err) == (1, f"--out: error: {inside} is inside content/: every build would change its own inputs\n")
    assert not inside.exists()
    for holder in (root, root.parent):                # the booklet itself, or a folder around it, would be swapped
        before = snapshot(holder)
        status, _out, err = run("--source", str(root), "build", "--out", str(holder))
        assert (status, err) == (1, f"--out: error: {holder} is the booklet folder or contains it: publishing would replace its own inputs\n")
        assert snapshot(holder) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write to read-only folders")
def test_read_only_output_folder_is_one_located_line(project, tmp_path):
    root, out = project("minimal"), tmp_path / "dist"
    out.mkdir()
    out.chmod(0o500)
    try:
        status, _out, err = run("--source", str(root), "build", "--format", "html", "--out", str(out))
    finally:
        out.chmod(0o700)
    assert (status, err) == (1, f"--out: error: {out} is not writable\n") and not any(out.iterdir())


def _shard(project, tmp_path) -> tuple[Path, Path]:
    """Build one shard of the minimal booklet (the web edition); return the booklet and the shard folder."""
    root, shard = project("minimal"), tmp_path / "shard-1"
    assert run("--source", str(root), "build", "--format", "html", "--out", str(shard), "--jobs", "1")[0] == 0
    return root, shard


def test_merge_refuses_a_path_that_leads_out_of_the_shard_and_copies_nothing(project, tmp_path):
    root, shard = _shard(project, tmp_path)
    secret = tmp_path / "private" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("secret")
    manifest = json.loads((shard / "manifest.json").read_text())
    manifest["outputs"].append({"lang": "en", "format": "html", "path": "../private/secret.txt", "bytes": 6, "sha256": "0" * 64})
    (shard / "manifest.json").write_text(json.dumps(manifest))
    dist = tmp_path / "dist"
    status, _out, err = run("--source", str(root), "merge", str(shard), "--out", str(dist))
    index = len(manifest["outputs"]) - 1
    assert (status, err) == (1, f"{shard}/manifest.json: error: outputs[{index}]: path '../private/secret.txt' leads outside the folder\n")
    assert not dist.exists()


def test_merge_checks_every_listed_file_before_copying_anything(project, tmp_path):
    root, shard = _shard(project, tmp_path)
    dist = tmp_path / "dist"
    assert run("--source", str(root), "merge", str(shard), "--out", str(dist))[0] == 0
    before = snapshot(dist)
    (shard / "minimal-en/style.css").unlink()
    status, _out, err = run("--source", str(root), "merge", str(shard), "--out", str(dist))
    assert (status, err) == (1, f"{shard}/manifest.json: error: 'minimal-en/style.css' is listed but missing\n")
    assert snapshot(dist) == before


def test_merge_locates_a_malformed_shard_manifest(project, tmp_path):
    root, shard = _shard(project, tmp_path)
    (shard / "manifest.json").write_text('{"outputs": [\n  {"lang": "en",}\n]}\n')
    status, _out, err = run("--source", str(root), "merge", str(shard), "--out", str(tmp_path / "dist"))
    assert (status, err) == (1, f"{shard}/manifest.json:2:17: error: manifest is not valid JSON: Expecting property name enclosed in double quotes\n")


@pytest.fixture
def small_disk(tmp_path):
    """Mount a 2 MB tmpfs (needs root; skipped otherwise) and unmount it afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True).returncode:
        pytest.skip("mounting a small file system needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_located_line_and_changes_nothing(project, small_disk, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    root, out = project("minimal"), small_disk / "dist"
    assert run("--source", str(root), "build", "--format", "html", "--out", str(out), "--jobs", "1")[0] == 0
    old = snapshot(out)
    free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
    (small_disk / "filler").write_bytes(b"\0" * (free - 8192))
    section = next((root / "content/sections").glob("*.yaml"))
    section.write_text(section.read_text() + "\n# changed\n")
    status, _out, err = run("--source", str(root), "build", "--format", "html", "--out", str(out), "--jobs", "1")
    assert (status, err.splitlines()[-1]) == (1, f"--out: error: cannot write to {out}: the disk is full; nothing was changed")
    assert "Traceback" not in err and snapshot(out) == old


def test_a_read_only_file_system_is_one_located_line(project, small_disk):
    root, out = project("minimal"), small_disk / "dist"
    out.mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    status, _out, err = run("--source", str(root), "build", "--format", "html", "--out", str(out))
    assert (status, err) == (1, f"--out: error: {out} is not writable\n")
