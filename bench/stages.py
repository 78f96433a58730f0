"""Where one language's build spends its time: a sampling profile weighted by CPU time.

Run as ``python bench/stages.py BOOKLET LANG OUT`` (with the builder importable) it builds one
language with every format and ``--jobs 1`` in-process and prints JSON: the call tree below the
pipeline's ``build_language`` (the builder's own frames expanded, the first library frame as a
leaf) and self time by package. Every few milliseconds the main thread's stack is recorded and
weighted by the process CPU time used since the previous sample, so other load does not count
and, unlike cProfile, Python-heavy libraries are hardly slowed down.
"""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

Stack = tuple[tuple[str, str], ...]
#: Samples below this share of the total are left out of the tree.
SHOWN = 0.02
#: Standard-library frames that only forward a call; the tree shows what they call instead.
TRANSPARENT = (os.sep + "functools.py", os.sep + "contextlib.py")


def sample(run, interval: float = 0.002) -> tuple[object, dict[Stack, float]]:
    """Call ``run()`` while a thread samples the main thread's stack; return its result and CPU seconds per stack."""
    main, samples, stop = threading.main_thread().ident, {}, threading.Event()

    def sampler() -> None:
        """Record the main thread's stack, weighted by the CPU time since the last sample."""
        last = time.process_time()
        while not stop.wait(interval):
            frame, now = sys._current_frames().get(main), time.process_time()
            weight, last = now - last, now
            stack = []
            while frame is not None:
                stack.append((frame.f_code.co_filename, frame.f_code.co_name))
                frame = frame.f_back
            key = tuple(reversed(stack))
            samples[key] = samples.get(key, 0.0) + weight

    thread = threading.Thread(target=sampler, daemon=True)
    thread.start()
    try:
        result = run()
    finally:
        stop.set()
        thread.join()
    return result, samples


def package_of(path: str, package: str) -> str:
    """Name the package a frame's file belongs to."""
    if path.startswith(package + os.sep):
        return "booklet (the builder)"
    if "site-packages" in path:
        return path.split("site-packages" + os.sep, 1)[1].split(os.sep)[0].removesuffix(".py")
    return "imports" if path.startswith("<frozen importlib") else "Python standard library"


def frame_label(path: str, name: str, package: str) -> str:
    """Label a frame as file:function, relative to its package."""
    if path.startswith(package + os.sep):
        return f"{os.path.relpath(path, package)}:{name}"
    if "site-packages" in path:
        return f"{path.split('site-packages' + os.sep, 1)[1]}:{name}"
    return f"{os.path.basename(path)}:{name}"


def call_tree(samples: dict[Stack, float], package: str) -> list[list]:
    """Rows (depth, label, seconds) of the tree below build_language, and the time outside it."""
    tree: dict[tuple[str, ...], float] = {}
    outside = 0.0
    for stack, weight in samples.items():
        start = next((i for i, (path, name) in enumerate(stack) if name == "build_language" and path.startswith(package)), None)
        if start is None:
            outside += weight
            continue
        labels = []
        for path, name in stack[start:]:
            if path.endswith(TRANSPARENT):
                continue                                 # cached_property and the like: look through to the callee
            labels.append(frame_label(path, name, package))
            if not path.startswith(package + os.sep):
                break
        for depth in range(1, len(labels) + 1):
            tree[tuple(labels[:depth])] = tree.get(tuple(labels[:depth]), 0.0) + weight
    total = sum(samples.values()) or 1.0
    rows: list[list] = []

    def walk(prefix: tuple[str, ...]) -> None:
        """Append the children of ``prefix``, largest first, depth first."""
        kids = sorted((k for k in tree if len(k) == len(prefix) + 1 and k[:len(prefix)] == prefix), key=lambda k: -tree[k])
        for key in kids:
            if tree[key] >= SHOWN * total and len(key) <= 8:
                rows.append([len(key) - 1, key[-1], tree[key]])
                walk(key)

    walk(())
    return rows + [[0, "outside build_language (imports, loading, checks, writing the manifest)", outside]]


def profile(booklet: str, lang: str, out: str) -> dict:
    """Build one language in this process under the sampler; return the figures as a dict."""
    cpu0, wall0 = time.process_time(), time.perf_counter()
    from booklet.cli import main

    package = str(Path(sys.modules["booklet"].__file__).parent)
    stderr = io.StringIO()
    rc, samples = sample(lambda: main(["--source", booklet, "build", "--lang", lang, "--jobs", "1", "--out", out],
                                      stdout=io.StringIO(), stderr=stderr))
    packages: dict[str, float] = {}
    for stack, weight in samples.items():
        name = package_of(stack[-1][0], package)
        packages[name] = packages.get(name, 0.0) + weight
    return {"rc": rc, "cpu": time.process_time() - cpu0, "wall": time.perf_counter() - wall0,
            "errors": stderr.getvalue()[-1500:] if rc else "", "total": sum(samples.values()),
            "tree": call_tree(samples, package), "packages": sorted(packages.items(), key=lambda kv: -kv[1])}


def stage_breakdown(tree: Path, booklet: Path, lang: str, cache: Path) -> dict:
    """Profile one language's build in a fresh process running the builder snapshot at ``tree``."""
    out = tempfile.mkdtemp(prefix="stages-", dir=cache)
    done = subprocess.run([sys.executable, __file__, str(booklet), lang, out], cwd=tree, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(tree), "XDG_CACHE_HOME": str(cache)})
    try:
        return json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"error": (done.stderr or done.stdout).strip()[-2000:]}


if __name__ == "__main__":
    sys.path.remove(str(Path(__file__).parent))          # the builder comes from PYTHONPATH, not from bench/
    print(json.dumps(profile(*sys.argv[1:4])))
