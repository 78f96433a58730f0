"""Build progress for people: a live table (language × stage) on a terminal, plain lines in CI logs."""
from __future__ import annotations

import os
import threading
import time
from typing import TextIO

from .languages import bcp47

STAGES = ("render", "pdf", "print", "booklet", "epub", "html")


class Progress:
    """Show which stage each language is in; redraws in place on a terminal, prints lines elsewhere."""

    def __init__(self, stream: TextIO, live: bool | None = None):
        self.stream = stream
        self.live = _is_terminal(stream) if live is None else live
        self.rows: dict[str, tuple[str, float]] = {}
        self.started: dict[str, float] = {}
        self.drawn = 0
        self.lock = threading.Lock()

    def stage(self, lang: str, stage: str) -> None:
        """Record that ``lang`` entered ``stage``."""
        with self.lock:
            now = time.monotonic()
            self.started.setdefault(lang, now)
            self.rows[lang] = (stage, now)
            self._show(lang, f"{stage}…")

    def done(self, result) -> None:
        """Record that a language finished, with its files."""
        with self.lock:
            elapsed = time.monotonic() - self.started.get(result.lang, time.monotonic())
            self.rows[result.lang] = ("done", elapsed)
            files = ", ".join(o.path.parent.name + "/" if o.format == "html" else o.path.name
                              for o in result.outputs if o.format != "html" or o.path.name == "index.html")
            self._show(result.lang, f"done in {elapsed:.1f} s" if self.live else f"built in {elapsed:.1f} s: {files}")

    def _show(self, lang: str, text: str) -> None:
        """Print one line, or redraw the table on a terminal."""
        if not self.live:
            print(f"{bcp47(lang)}: {text}", file=self.stream, flush=True)
            return
        if self.drawn:
            self.stream.write(f"\x1b[{self.drawn}F")
        for name, (stage, _when) in self.rows.items():
            marks = "  ".join(_mark(s, stage) for s in STAGES)
            status = text if name == lang else ("done" if stage == "done" else f"{stage}…")
            self.stream.write(f"\x1b[2K{bcp47(name):<8}{marks}   {status}\n")
        self.drawn = len(self.rows)
        self.stream.flush()


def _mark(stage: str, current: str) -> str:
    """Show one stage column: finished, running or not yet reached."""
    if current == "done" or STAGES.index(stage) < STAGES.index(current if current in STAGES else "render"):
        return f"✓{stage}"
    return f"▸{stage}" if stage == current else f" {stage}"


def _is_terminal(stream: TextIO) -> bool:
    """Return whether to draw live: a terminal, not CI, not a dumb terminal."""
    return hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
