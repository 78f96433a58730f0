"""Output formats at the edge of the pipeline; each turns one language's rendering into files.

The contract (WeasyPrint's ``VARIANTS``, mdBook's ``Renderer``): a format is an
object with a ``name``, an output ``suffix`` and a
``write(job, products) -> list[Output]`` method, registered once in
:data:`FORMAT_CLASSES`. ``products`` is what the formats of one language share:
its WeasyPrint typesetting, made on first use and at most once (the screen,
print and booklet PDFs and the EPUB's cover image all come from it), and the
files written so far in this run. Nothing bypasses :data:`FORMATS`.
"""
from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

from ..outputs import LanguageJob, Output

if TYPE_CHECKING:
    from .pdf import Layout


class Format(Protocol):
    """What the pipeline needs of an output format."""

    name: ClassVar[str]
    suffix: ClassVar[str]

    def write(self, job: LanguageJob, products: Products) -> list[Output]:
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
#: ``--pdf-variant`` choices (WeasyPrint's names): PDF/UA-1 for reading, the default; PDF/A-3u for archiving.
PDF_VARIANTS = ("pdf/ua-1", "pdf/a-3u")
#: Formats that are pages of the typeset document; the EPUB only takes its cover image from it.
PAGED_FORMATS = ("pdf", "print", "booklet")


@dataclass
class Products:
    """What the formats of one language share: one typesetting, and the files written so far."""

    job: LanguageJob
    #: The formats requested in this run, in build order.
    names: tuple[str, ...]
    variant: str = PDF_VARIANTS[0]
    #: Files written by the formats before this one, in this run.
    written: list[Output] = field(default_factory=list)

    @functools.cached_property
    def layout(self) -> Layout:
        """Typeset the whole document once."""
        from .pdf import lay_out

        return lay_out(self.job, self.variant)

    @functools.cached_property
    def cover_png(self) -> bytes | None:
        """Return the cover page as a PNG: page 1 of the shared layout, or the cover typeset alone for an EPUB-only run."""
        from .pdf import cover_layout, page_png

        if not any(s.kind == "cover" for s in self.job.view.sections):
            return None
        if any(name in PAGED_FORMATS for name in self.names) or "layout" in self.__dict__:
            return page_png(self.layout.screen)
        return page_png(cover_layout(self.job).screen)


class _Registry(Mapping[str, Format]):
    """The formats by name, each imported and created when first looked up."""

    def __init__(self):
        self._loaded: dict[str, Format] = {}

    def __getitem__(self, name: str) -> Format:
        if name not in self._loaded:
            module, cls = FORMAT_CLASSES[name]
            self._loaded[name] = getattr(importlib.import_module(module), cls)()
        return self._loaded[name]

    def __contains__(self, name: object) -> bool:
        return name in FORMAT_CLASSES            # without importing the format (Mapping's own would)

    def __iter__(self) -> Iterator[str]:
        return iter(FORMAT_CLASSES)

    def __len__(self) -> int:
        return len(FORMAT_CLASSES)


FORMATS: Mapping[str, Format] = _Registry()


def write_formats(job: LanguageJob, names: Sequence[str], pdf_variant: str = PDF_VARIANTS[0],
                  stage: Callable[[str], None] = lambda name: None) -> list[Output]:
    """Write the named formats for one language, in registry order, all from one shared typesetting."""
    products = Products(job, tuple(names), pdf_variant)
    for name in names:
        stage(name)
        products.written.extend(FORMATS[name].write(job, products))
    return list(products.written)
