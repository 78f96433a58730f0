"""The office booklet presets the print dialog: both sides, flipped on the short edge, at 100 %."""

from __future__ import annotations

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject


def preset_print_dialog(writer: PdfWriter, rtl: bool = False) -> None:
    """Set /ViewerPreferences /Duplex /DuplexFlipShortEdge and /PrintScaling /None (and /Direction /R2L when rtl)."""
    preferences = DictionaryObject({
        NameObject("/Duplex"): NameObject("/DuplexFlipShortEdge"),
        NameObject("/PrintScaling"): NameObject("/None"),
    })
    if rtl:
        preferences[NameObject("/Direction")] = NameObject("/R2L")
    writer.root_object[NameObject("/ViewerPreferences")] = preferences
