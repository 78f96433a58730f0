"""Output formats at the edge of the pipeline; each turns one language's rendering into files.

A format is an object with a ``name``, an output ``suffix`` and a
``write(job) -> list[Output]`` method; :data:`FORMATS` maps names to formats,
in the order they are built.
"""
from __future__ import annotations

from typing import ClassVar, Protocol

from ..outputs import LanguageJob, Output


class Format(Protocol):
    """What the pipeline needs of an output format."""

    name: ClassVar[str]
    suffix: ClassVar[str]

    def write(self, job: LanguageJob) -> list[Output]:
        """Write this format's files for one language and describe them."""


def _registry() -> dict[str, Format]:
    """Build the format registry (imports are local so importing this package stays cheap)."""
    from .epub import EpubFormat
    from .html import HtmlFormat
    from .pdf import PdfFormat

    # The web edition comes last: it links to the files the other formats wrote.
    return {f.name: f for f in (PdfFormat(), EpubFormat(), HtmlFormat())}


FORMATS: dict[str, Format] = _registry()
