"""Images fit the text column in every format, and a raster printed below 150 dpi is a located warning.

Oracles: poppler's ``pdfimages -list`` (pixel size and the resolution each image is
printed at, so its size on the page), the EPUB's own stylesheet, and Chromium's layout
of the web edition at a phone's width.
"""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from booklet.cli import main

pytestmark = pytest.mark.engines

#: The minimal fixture is A5 (148 x 210 mm) with 12/11 + 14 mm side margins: a 123 mm column.
COLUMN_MM = 148 - 25
PAGE_HEIGHT_MM = 210
IMAGES = {"wide.png": (1600, 400), "tall.png": (800, 3000), "small.png": (300, 200)}
BLOCKS = "".join(f"  - image:\n      file: images/{name}\n      alt: A {name.split('.')[0]} band.\n" for name in IMAGES)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build the minimal fixture with a wide, a tall and a small PNG in every format; return (root, stderr)."""
    root = tmp_path_factory.mktemp("images") / "booklet"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", root)
    (root / "images").mkdir()
    for name, size in IMAGES.items():
        Image.new("RGB", size, (30, 90, 160)).save(root / "images" / name)
    section = root / "content" / "sections" / "first.yaml"
    section.write_text(section.read_text(encoding="utf-8") + BLOCKS, encoding="utf-8")
    err = io.StringIO()
    status = main(["--source", str(root), "build", "--format", "pdf,epub,html", "--out", str(root / "dist")],
                  stdout=io.StringIO(), stderr=err)
    assert status == 0, err.getvalue()
    return root, err.getvalue()


def _printed_sizes(pdf: Path) -> list[tuple[int, int, float, float]]:
    """Return (pixel width, pixel height, printed width mm, printed height mm) of every image, from pdfimages."""
    listing = subprocess.run(["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True).stdout
    sizes = []
    for line in listing.splitlines()[2:]:
        cols = line.split()
        width, height, xppi, yppi = int(cols[3]), int(cols[4]), float(cols[12]), float(cols[13])
        sizes.append((width, height, width / xppi * 25.4, height / yppi * 25.4))
    return sizes


def test_pdf_images_fit_the_column_and_the_page(built):
    root, _err = built
    sizes = {(w, h): (mm_w, mm_h) for w, h, mm_w, mm_h in _printed_sizes(root / "dist" / "minimal-en.pdf")}
    assert set(sizes) == set(IMAGES.values())
    wide_w, wide_h = sizes[IMAGES["wide.png"]]
    assert COLUMN_MM - 1 < wide_w <= COLUMN_MM + 0.5      # 1600 px at 96 dpi would be 423 mm: scaled to the column
    assert wide_h == pytest.approx(wide_w / 4, rel=0.01)  # proportions kept
    tall_w, tall_h = sizes[IMAGES["tall.png"]]
    assert tall_h <= 0.67 * PAGE_HEIGHT_MM and tall_w == pytest.approx(tall_h * 800 / 3000, rel=0.01)
    small_w, _ = sizes[IMAGES["small.png"]]
    assert small_w == pytest.approx(300 / 96 * 25.4, rel=0.01)  # smaller than the column: its own size, not enlarged


def test_a_raster_printed_below_150_dpi_is_one_warning_at_its_block(built):
    _root, err = built
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    assert warnings == ["content/sections/first.yaml:14:13: warning: image 'images/small.png' prints 79 mm wide at 96 dpi, "
                        "below 150; give it at least 469 pixels across (300 dpi: 938)"]


def test_epub_stylesheet_keeps_images_in_the_column(built):
    root, _err = built
    with zipfile.ZipFile(root / "dist" / "minimal-en.epub") as book:
        css = book.read("EPUB/style/book.css").decode()
        assert {"EPUB/images/wide.png", "EPUB/images/tall.png", "EPUB/images/small.png"} <= set(book.namelist())
    rule = re.search(r"figure\.image img \{([^}]*)\}", css).group(1)
    assert "max-width: 100%" in rule and "height: auto" in rule


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_web_images_fit_a_360_px_phone(built, tmp_path):
    root, _err = built
    page = root / "dist" / "minimal-en" / "index.html"
    probe = page.with_name("_probe.html")
    script = ("<script>window.addEventListener('load', function () { var r = [];"
              "document.querySelectorAll('figure.image img').forEach(function (i) {"
              "r.push([i.naturalWidth, i.getBoundingClientRect().width, i.parentElement.getBoundingClientRect().width]); });"
              "var p = document.createElement('pre'); p.id = 'result'; p.textContent = JSON.stringify(r);"
              "document.body.appendChild(p); });</script>")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", script + "</body>"), encoding="utf-8")
    dom = subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                          f"--user-data-dir={tmp_path / 'profile'}", "--window-size=360,800", "--virtual-time-budget=5000",
                          "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120).stdout
    found = json.loads(re.search(r'<pre id="result">(.*?)</pre>', dom, re.S).group(1))
    assert [natural for natural, _, _ in found] == [1600, 800, 300]
    assert all(0 < shown <= column + 0.5 for _, shown, column in found), found
