"""The office booklet presets the print dialog: both sides, flipped on the short edge, at 100 %."""

from __future__ import annotations

import pikepdf
from pikepdf import Dictionary, Name


def preset_print_dialog(pdf: pikepdf.Pdf, rtl: bool = False) -> None:
    """Set /ViewerPreferences /Duplex /DuplexFlipShortEdge and /PrintScaling /None (and /Direction /R2L when rtl)."""
    preferences = Dictionary(Duplex=Name.DuplexFlipShortEdge, PrintScaling=Name("/None"))
    if rtl:
        preferences.Direction = Name.R2L
    pdf.Root.ViewerPreferences = preferences
