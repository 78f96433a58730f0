"""Output formats at the edge of the pipeline; each turns one language's rendering into files.

A format is an object with a ``name``, an output ``suffix`` and a
``write(job) -> list[Output]`` method; :data:`FORMATS` maps names to formats,
in the order they are built.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import ClassVar, Protocol

from ..outputs import LanguageJob, Output


class Format(Protocol):
    """What the pipeline needs of an output format."""

    name: ClassVar[str]
    suffix: ClassVar[str]

    def write(self, job: LanguageJob) -> list[Output]:
        """Write this format's files for one language and describe them."""


#: Format name → (module, class), in build order. Modules are imported on first use, so commands
#: that build nothing (a no-op rebuild, ``status``, ``check``) never load WeasyPrint or EbookLib.
#: The web edition comes last: it links to the files the other formats wrote.
FORMAT_CLASSES: dict[str, tuple[str, str]] = {
    "pdf": ("booklet.formats.pdf", "PdfFormat"),
    "epub": ("booklet.formats.epub", "EpubFormat"),
    "print": ("booklet.formats.printed", "PrintFormat"),
    "booklet": ("booklet.formats.printed", "BookletFormat"),
    "html": ("booklet.formats.html", "HtmlFormat"),
}
#: Formats typeset from one WeasyPrint layout per language, so they are written together (formats/printed.py).
SHARED_LAYOUT = ("pdf", "print", "booklet")
#: ``--pdf-variant`` choices (WeasyPrint's names): PDF/UA-1 for reading, the default; PDF/A-3u for archiving.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3u")


class _Registry(Mapping[str, Format]):
    """The formats by name, each imported and created when first looked up."""

    def __init__(self):
        self._loaded: dict[str, Format] = {}

    def __getitem__(self, name: str) -> Format:
        if name not in self._loaded:
            module, cls = FORMAT_CLASSES[name]
            self._loaded[name] = getattr(importlib.import_module(module), cls)()
        return self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        return iter(FORMAT_CLASSES)

    def __len__(self) -> int:
        return len(FORMAT_CLASSES)


FORMATS: Mapping[str, Format] = _Registry()


def write_formats(job: LanguageJob, names: Sequence[str], pdf_variant: str = PDF_VARIANTS[0],
                  stage: Callable[[str], None] = lambda name: None) -> list[Output]:
    """Write the named formats for one language, in order; the PDF formats share one layout."""
    shared: dict[str, list[Output]] = {}
    if any(name in SHARED_LAYOUT for name in names):
        from .printed import write_pdfs

        stage("pdf")
        shared = write_pdfs(job, names, pdf_variant)
    outputs = []
    for name in names:
        if name not in shared:
            stage(name)
        outputs += shared[name] if name in shared else FORMATS[name].write(job)
    return outputs
