"""Live preview: serve the web edition on localhost and rebuild it whenever a source file changes.

A translator saves a ``.po`` file and sees it in context about a second later:
the watcher rebuilds only that language's web edition (in draft mode, so fuzzy
and untranslated text is marked), and the page reloads itself. Problems are
shown in a banner on the page and printed in the terminal.
"""
from __future__ import annotations

import functools
import json
import threading
import time
from collections.abc import Callable, Sequence
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TextIO

from . import pipeline
from .errors import BookletError
from .languages import parse_language
from .pipeline import BuildOptions

#: Injected before </body> of every served page: polls the build version and reloads on change.
RELOAD_SCRIPT = b"""<script>
(function () {
  var seen = null;
  function poll() {
    fetch("/__booklet/version").then(function (r) { return r.json(); }).then(function (state) {
      if (seen !== null && state.version !== seen) { location.reload(); return; }
      seen = state.version;
      var banner = document.getElementById("booklet-problems");
      if (state.problems.length) {
        if (!banner) { banner = document.createElement("pre"); banner.id = "booklet-problems";
          banner.style.cssText = "position:fixed;bottom:0;left:0;right:0;margin:0;max-height:40vh;overflow:auto;background:#fff3f3;color:#900;border-top:2px solid #900;padding:0.5em;font-size:13px;z-index:9999;white-space:pre-wrap";
          document.body.appendChild(banner); }
        banner.textContent = state.problems.join("\\n");
      } else if (banner) { banner.remove(); }
    }).catch(function () {}).then(function () { setTimeout(poll, 400); });
  }
  poll();
})();
</script>
"""


class Preview:
    """The preview's state: the output folder, the build version and the last problems."""

    def __init__(self, root: Path, out_dir: Path, langs: Sequence[str] | None, log: TextIO):
        self.root, self.out_dir, self.langs, self.log = root, out_dir, list(langs or []), log
        self.version = 0
        self.problems: list[str] = []
        self.lock = threading.Lock()

    def rebuild(self, langs: Sequence[str] | None = None) -> None:
        """Rebuild the web edition of ``langs`` (default: the preview's languages) and bump the version."""
        started = time.monotonic()
        try:
            options = BuildOptions(langs=langs or self.langs or None, formats=["html"], jobs=1, draft=True)
            results = pipeline.build(self.root, self.out_dir, options).results
            problems = []
            self.log.write(f"rebuilt {', '.join(r.lang for r in results)} in {time.monotonic() - started:.1f} s\n")
        except BookletError as error:
            problems = [str(p.location.relative_to(self.root)) + f": {p.severity}: {p.message}" for p in error.problems]
            self.log.write("\n".join(problems) + "\n")
        self.log.flush()
        with self.lock:
            self.problems = problems
            self.version += 1


def changed_languages(root: Path, paths: Sequence[Path]) -> list[str] | None:
    """Return the languages a change affects: one catalog → that language; anything else → all (None)."""
    langs = set()
    for path in paths:
        parts = path.relative_to(root).parts
        if len(parts) == 4 and parts[0] == "locales" and parts[2] == "LC_MESSAGES" and parse_language(parts[1]):
            langs.add(parse_language(parts[1]))
        else:
            return None
    return sorted(langs)


def snapshot(root: Path) -> dict[Path, float]:
    """Return the modification time of every watched file."""
    files = {}
    for folder in ("content", "templates", "locales"):
        for path in (root / folder).rglob("*"):
            if path.is_file():
                try:
                    files[path] = path.stat().st_mtime_ns
                except OSError:
                    continue
    return files


def watch(root: Path, on_change: Callable[[list[Path]], None], interval: float = 0.2, stop: threading.Event | None = None,
          before: dict[Path, float] | None = None) -> None:
    """Poll the booklet's folders and call ``on_change`` with the files changed since ``before`` (default: now)."""
    stop = stop or threading.Event()
    before = snapshot(root) if before is None else before
    while not stop.wait(interval):
        after = snapshot(root)
        changed = [p for p in set(before) | set(after) if before.get(p) != after.get(p)]
        before = after
        if changed:
            on_change(changed)


class _Handler(SimpleHTTPRequestHandler):
    """Serve the preview folder, the version endpoint, and HTML pages with the reload script."""

    preview: Preview

    def log_message(self, format, *args):
        """Keep the terminal for build messages."""

    def do_GET(self):
        """Answer the version endpoint, inject the reload script into HTML, or serve a file."""
        if self.path.startswith("/__booklet/version"):
            with self.preview.lock:
                body = json.dumps({"version": self.preview.version, "problems": self.preview.problems}).encode()
            return self._send(body, "application/json")
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix == ".html" and path.is_file():
            html = path.read_bytes()
            return self._send(html.replace(b"</body>", RELOAD_SCRIPT + b"</body>", 1), "text/html; charset=utf-8")
        return super().do_GET()

    def _send(self, body: bytes, content_type: str):
        """Send a complete response that is never cached."""
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def serve(root: Path, out_dir: Path, langs: Sequence[str] | None, port: int, log: TextIO,
          ready: Callable[[ThreadingHTTPServer], None] = lambda server: None, stop: threading.Event | None = None) -> None:
    """Build the preview, serve it on 127.0.0.1:``port`` and rebuild on every change until ``stop`` is set."""
    stop = stop or threading.Event()
    preview = Preview(root, out_dir, langs, log)
    baseline = snapshot(root)  # taken before the first build, so a save made during it is rebuilt too
    preview.rebuild()
    handler = type("Handler", (_Handler,), {"preview": preview})
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(handler, directory=str(out_dir)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log.write(f"serving http://127.0.0.1:{server.server_address[1]}/ — edit content/, templates/ or a .po file; Ctrl-C stops\n")
    log.flush()
    ready(server)
    try:
        watch(root, lambda paths: preview.rebuild(changed_languages(root, paths)), stop=stop, before=baseline)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
