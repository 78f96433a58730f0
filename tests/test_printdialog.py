"""The office booklet opens the print dialog preset: duplex flipped on the short edge, no scaling."""
from __future__ import annotations

import pytest
from pypdf import PdfReader

from booklet import pipeline
from booklet.pipeline import BuildOptions

pytestmark = pytest.mark.engines


def test_booklet_pdf_presets_duplex_short_edge_and_no_scaling(project, tmp_path):
    root, out = project("minimal"), tmp_path / "out"
    pipeline.build(root, out, BuildOptions(formats=["booklet"], jobs=1))
    preferences = PdfReader(out / "minimal-en-booklet.pdf").trailer["/Root"]["/ViewerPreferences"]
    assert preferences == {"/Duplex": "/DuplexFlipShortEdge", "/PrintScaling": "/None"}
