"""The world fixture: seven languages in six scripts, A4, images and every block type."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.engines

WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
TAGS = ["en", "hi", "th", "he", "fa", "ja", "pt-BR"]


@pytest.fixture
def world_epubs(world_build):
    """The output folder of the session's one world build (tests/conftest.py)."""
    return world_build[1]


@pytest.mark.parametrize("tag", TAGS)
def test_epub_packages_the_image_blocks_images(world_epubs, tag):
    """Both images of the image blocks are in every EPUB (EPUBCheck runs on the same files in tests/test_epub.py)."""
    names = zipfile.ZipFile(world_epubs / f"world-{tag}.epub").namelist()
    assert {"EPUB/images/map.svg", "EPUB/images/river.png"} <= set(names)
