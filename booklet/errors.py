"""User-facing problems: where they are, what they say, and the exception that carries them.

Logging policy: the ``booklet`` logger reports progress at INFO; problems in the
user's input are never logged, they are collected as :class:`Problem` objects and
raised together in a :class:`BookletError`. Anything else that escapes is a bug
and keeps its traceback.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal


@dataclass(frozen=True, order=True)
class Location:
    """A place in a user's file; line and column are 1-based."""

    path: Path
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def relative_to(self, root: Path) -> Location:
        """Return the same location with its path shown relative to ``root`` when inside it."""
        try:
            return Location(self.path.resolve().relative_to(root.resolve()), self.line, self.column)
        except ValueError:
            return self


@dataclass(frozen=True)
class Problem:
    """One mistake in the user's input, with the place it was found."""

    location: Location
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.message}"


class BookletError(Exception):
    """A user-facing failure; the CLI prints its problems and exits 1, without a traceback."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
