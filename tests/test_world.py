"""The world fixture: seven languages in six scripts, A4, images and every block type."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from booklet import pipeline
from booklet.pipeline import BuildOptions

from .pdfcheck import epubcheck

pytestmark = pytest.mark.engines

WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
TAGS = ["en", "hi", "th", "he", "fa", "ja", "pt-BR"]


@pytest.fixture(scope="module")
def world_epubs(tmp_path_factory):
    """Build the world fixture's EPUBs once."""
    root = tmp_path_factory.mktemp("world") / "world"
    shutil.copytree(WORLD, root)
    out = root / "dist"
    pipeline.build(root, out, BuildOptions(jobs=2, formats=("epub",)))
    return out


@pytest.mark.parametrize("tag", TAGS)
def test_epub_packages_the_image_blocks_images_and_epubcheck_is_clean(world_epubs, tag):
    path = world_epubs / f"world-{tag}.epub"
    names = zipfile.ZipFile(path).namelist()
    assert {"EPUB/images/map.svg", "EPUB/images/river.png"} <= set(names)
    messages = epubcheck(path)
    assert [(m["severity"], m.get("ID"), m.get("message")) for m in messages
            if m["severity"] in ("FATAL", "ERROR", "WARNING")] == []
