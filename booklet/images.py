"""Image checks: a booklet's images are untrusted, so each is opened and vetted before any engine sees it."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from .errors import Location, Problem

#: Largest image side and area we typeset (a 20000 x 20000 PNG would need gigabytes of memory).
MAX_SIDE = 10000
MAX_PIXELS = 40_000_000
#: SVG elements that run code or embed other documents.
SVG_FORBIDDEN = {"script", "foreignObject", "iframe", "embed", "object", "handler", "listener"}
HREF_ATTRIBUTES = {"href", "{http://www.w3.org/1999/xlink}href"}
#: SVG animation elements: animating a link or an event handler runs script without either being written out.
SVG_ANIMATIONS = {"animate", "set", "animateMotion", "animateTransform", "animateColor"}
#: A CSS url(…) in a style sheet, a style attribute or a presentation attribute (fill="url(…)"), and its target.
CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*([^'\")\s]*)")
#: A processing instruction other than the XML declaration (<?xml-stylesheet href=…?> loads a style sheet).
PROCESSING_INSTRUCTION = re.compile(rb"<\?(?!xml[\s?])([\w.:-]*)")


def image_problem(path: Path) -> str | None:
    """Return why an image file cannot be published, or None when it is sound."""
    if path.suffix.lower() == ".svg":
        return svg_problem(path.read_bytes())
    try:
        with Image.open(path) as image:
            width, height = image.size
            if max(width, height) > MAX_SIDE or width * height > MAX_PIXELS:
                return f"is {width} x {height} pixels; at most {MAX_SIDE} pixels a side and {MAX_PIXELS // 1_000_000} megapixels"
            image.verify()
        with Image.open(path) as image:
            image.load()
    except Image.DecompressionBombError:
        return f"is too large to decode safely (over {MAX_PIXELS // 1_000_000} megapixels)"
    except UnidentifiedImageError:
        return "cannot be decoded (its data is not a recognisable image)"
    except (OSError, SyntaxError, ValueError) as exc:
        return f"cannot be decoded ({exc or type(exc).__name__})"
    return None


def svg_problem(data: bytes) -> str | None:
    """Return why an SVG is unsafe (script, event handler, external reference, entities), or None."""
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        return "declares a DOCTYPE or entities, which SVG images must not"
    if instruction := PROCESSING_INSTRUCTION.search(data):
        return f"contains a processing instruction (<?{instruction[1].decode('ascii', 'replace')}?>), which SVG images must not"
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"is not well-formed XML ({exc})"
    except (ValueError, LookupError) as exc:           # an encoding the XML parser cannot read (UTF-7, UTF-16 declared)
        return f"cannot be read as XML ({exc})"
    for element in root.iter():
        if problem := _svg_element_problem(element):
            return problem
    return None


def _svg_element_problem(element: ET.Element) -> str | None:
    """Return why one SVG element is unsafe: a forbidden element, a handler, an external reference, or None."""
    tag = element.tag.rsplit("}", 1)[-1] if isinstance(element.tag, str) else ""
    if tag in SVG_FORBIDDEN:
        return f"contains a <{tag}> element, which SVG images must not"
    for name, value in element.attrib.items():
        local = name.rsplit("}", 1)[-1]
        if local.lower().startswith("on"):
            return f"has an event handler ({local}=), which SVG images must not"
        if name in HREF_ATTRIBUTES and not value.strip().startswith("#"):
            return f"refers to an external resource ({value!r}); only #fragment references are allowed"
        for target in CSS_URL.findall(value):
            if not target.startswith("#"):
                return f"refers to an external resource ({target!r}); only #fragment references are allowed"
    animated = element.get("attributeName", "").rsplit(":", 1)[-1].strip()
    if tag in SVG_ANIMATIONS and (animated.lower() == "href" or animated.lower().startswith("on")):
        return f"animates {animated}= with <{tag}>, which SVG images must not"
    if tag == "style" and re.search(r"url\s*\(\s*['\"]?(?!#)|@import", element.text or ""):
        return "has a stylesheet that loads an external resource"
    return None


#: Print shops ask for 300 dpi; below this a raster image looks soft on paper.
MIN_PRINT_DPI = 150
#: CSS pixels per inch: the unit WeasyPrint lays out in.
CSS_PX_PER_INCH = 96


def resolution_warnings(root: Path, images: list[dict], placements: tuple[tuple[str, float], ...]) -> list[Problem]:
    """Warn, at each image block's file line, about raster images printed below MIN_PRINT_DPI.

    ``images`` are the view's image blocks; ``placements`` what the layout printed
    (src and width in CSS px). An image placed more than once is judged at its widest.
    """
    widest: dict[str, float] = {}
    for src, width in placements:
        widest[src] = max(width, widest.get(src, 0.0))
    problems = []
    for block in images:
        path = root / block["file"]
        if block["file"] not in widest or path.suffix.lower() == ".svg":
            continue
        with Image.open(path) as image:
            pixels = image.size[0]
        inches = widest[block["file"]] / CSS_PX_PER_INCH
        dpi = pixels / inches
        if dpi < MIN_PRINT_DPI:
            problems.append(Problem(block["location"] or Location(Path(block["file"])), (
                f"image {block['file']!r} prints {inches * 25.4:.0f} mm wide at {dpi:.0f} dpi, below {MIN_PRINT_DPI}; "
                f"give it at least {round(inches * MIN_PRINT_DPI)} pixels across (300 dpi: {round(inches * 300)})"), "warning"))
    return problems
