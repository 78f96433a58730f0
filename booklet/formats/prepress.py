"""The print-shop PDF: PDF/X-4 with a CMYK output intent, crop marks outside the bleed, a slug line, whole sheets.

WeasyPrint lays the pages out with a 3 mm bleed (``pdf.BLEED_MM``) and no marks.
:func:`prepare_for_press` takes that PDF and

- pads it with blank pages to a multiple of four, placed before the back cover;
- puts every page on a sheet :data:`SHEET_MARGIN_MM` larger than the trim on each
  side (MediaBox = CropBox), with the BleedBox exactly the trim plus the bleed and
  the TrimBox the trim, and clips the page's painting to the BleedBox;
- draws crop marks outside the bleed, in registration colour (``/Separation /All``:
  every separation of the press), and a slug line (title, language, edition, page
  and page count) below the bleed, both as artifacts, so the tags stay as they are;
- makes it a PDF/X-4: an output intent with an embedded CMYK profile (SWOP,
  ``templates/print/swop-cmyk.icc``), the RGB colours calibrated as sRGB
  (``/DefaultRGB``), ``GTS_PDFXVersion`` in the XMP metadata, ``/Trapped /False``,
  PDF 1.6.
"""
from __future__ import annotations

import hashlib
import io
import re
from importlib.resources import files
from pathlib import Path

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    RectangleObject,
    TextStringObject,
)

from ..imposition import page_sequence

PT_PER_MM = 72 / 25.4
#: The sheet is the trim plus this much on every side: room for the bleed, the crop marks and the slug line.
SHEET_MARGIN_MM = 13
#: Crop marks start this far from the trim (just outside the 3 mm bleed) and are this long.
MARK_OFFSET_MM = 3.5
MARK_LENGTH_MM = 5
MARK_WIDTH_PT = 0.3
#: The slug line's box: its top edge this far below the trim, its height, its inset from the trim's sides.
SLUG_TOP_MM = 9
SLUG_HEIGHT_MM = 3.5
SLUG_INSET_MM = 10
#: The output intent: a registered printing condition and the profile that describes it.
OUTPUT_CONDITION = "CGATS TR 001"
OUTPUT_CONDITION_INFO = "SWOP (CGATS TR 001), Artifex CMYK SWOP Profile"
REGISTRY = "http://www.color.org"
PROFILE = Path(__file__).parent.parent / "templates" / "print" / "swop-cmyk.icc"
PDFX_VERSION = "PDF/X-4"


class _StableWriter(PdfWriter):
    """A PdfWriter that keeps the document's identifier (pypdf draws a random second one)."""

    def generate_file_identifiers(self) -> None:
        """Keep both identifiers equal to the first: the same input gives the same bytes."""
        if self._ID:
            self._ID = ArrayObject((self._ID[0], self._ID[0]))
        else:
            super().generate_file_identifiers()


def slug_texts(title: str, tag: str, edition: str, pages: int) -> list[str]:
    """Return the slug line of every page: title, language, edition, page and page count."""
    return [f"{title} · {tag} · {edition} · {page}/{pages}" for page in range(1, pages + 1)]


def prepare_for_press(data: bytes, slugs: bytes, back_cover: bool, modified: str) -> bytes:
    """Return the print-shop PDF made from WeasyPrint's bled pages ``data`` and the slug lines' pages ``slugs``."""
    reader = PdfReader(io.BytesIO(data))
    writer = _StableWriter(clone_from=reader)
    writer.pdf_header = b"%PDF-1.6"
    originals = list(writer.pages)
    trim = RectangleObject(originals[0].trimbox)
    for index, number in enumerate(page_sequence(len(originals), back_cover)):
        if number is None:
            writer.insert_blank_page(float(trim.width), float(trim.height), index)
    slug_pages = list(PdfReader(io.BytesIO(slugs)).pages)
    if len(slug_pages) != len(writer.pages):
        raise ValueError(f"{len(slug_pages)} slug lines for {len(writer.pages)} pages")
    resources = originals[0]["/Resources"].get_object()
    _add_colour_spaces(writer, resources)
    for index, page in enumerate(writer.pages):
        _place_on_sheet(writer, page, RectangleObject(page.trimbox if "/TrimBox" in page else trim), resources,
                        slug_pages[index], index + 1)
    _add_output_intent(writer)
    _mark_pdfx(writer, modified)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def _mm(value: float) -> float:
    """Return millimetres in PDF points."""
    return value * PT_PER_MM


def _grown(box: RectangleObject, mm: float) -> RectangleObject:
    """Return ``box`` grown by ``mm`` on every side."""
    d = _mm(mm)
    return RectangleObject((float(box.left) - d, float(box.bottom) - d, float(box.right) + d, float(box.top) + d))


def _add_colour_spaces(writer: PdfWriter, resources: DictionaryObject) -> None:
    """Add the registration colour (/Separation /All, 100 % of C, M, Y and K) and /DefaultRGB = sRGB."""
    spaces = resources.get("/ColorSpace")
    spaces = spaces.get_object() if spaces is not None else DictionaryObject()
    tint = DictionaryObject({
        NameObject("/FunctionType"): NumberObject(2), NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
        NameObject("/C0"): ArrayObject([NumberObject(0)] * 4), NameObject("/C1"): ArrayObject([NumberObject(1)] * 4),
        NameObject("/N"): NumberObject(1),
    })
    spaces[NameObject("/BkRegistration")] = ArrayObject([NameObject("/Separation"), NameObject("/All"),
                                                         NameObject("/DeviceCMYK"), writer._add_object(tint)])
    srgb = _icc_stream(files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes(), 3)
    spaces[NameObject("/DefaultRGB")] = ArrayObject([NameObject("/ICCBased"), writer._add_object(srgb)])
    if "/ColorSpace" not in resources:
        resources[NameObject("/ColorSpace")] = spaces


def _icc_stream(profile: bytes, components: int) -> DecodedStreamObject:
    """Return an ICC profile as a PDF stream."""
    stream = DecodedStreamObject()
    stream.set_data(profile)
    stream[NameObject("/N")] = NumberObject(components)
    return stream.flate_encode()


def _place_on_sheet(writer: PdfWriter, page: PageObject, trim: RectangleObject, resources: DictionaryObject,
                    slug: PageObject, number: int) -> None:
    """Set the page's boxes, clip its painting to the bleed, and draw the crop marks and its slug line."""
    from .sheets import page_as_form

    bleed, sheet = _grown(trim, 3), _grown(trim, SHEET_MARGIN_MM)
    page[NameObject("/MediaBox")] = sheet
    page[NameObject("/CropBox")] = RectangleObject(sheet)
    page[NameObject("/BleedBox")] = bleed
    page[NameObject("/TrimBox")] = RectangleObject(trim)
    page[NameObject("/Resources")] = resources.indirect_reference or resources
    name = f"/BkSlug{number}"
    xobjects = resources.get("/XObject")
    if xobjects is None:
        xobjects = DictionaryObject()
        resources[NameObject("/XObject")] = xobjects
    xobjects.get_object()[NameObject(name)] = page_as_form(slug, writer)
    before = f"q {float(bleed.left):.3f} {float(bleed.bottom):.3f} {float(bleed.width):.3f} {float(bleed.height):.3f} re W n\n"
    after = "Q\n/Artifact BMC\nq\n" + _crop_marks(trim) + _slug_placement(trim, slug, name) + "Q\nEMC\n"
    contents = page.get("/Contents")
    parts = [] if contents is None else (list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject)
                                         else [contents])
    page[NameObject("/Contents")] = ArrayObject([_stream(writer, before), *parts, _stream(writer, after)])


def _stream(writer: PdfWriter, text: str):
    """Add a content stream and return its reference."""
    stream = DecodedStreamObject()
    stream.set_data(text.encode("ascii"))
    return writer._add_object(stream)


def _crop_marks(trim: RectangleObject) -> str:
    """Return the drawing of the eight crop marks, each on the line of a trim edge and outside the bleed."""
    start, end = _mm(MARK_OFFSET_MM), _mm(MARK_OFFSET_MM + MARK_LENGTH_MM)
    lines = []
    for x, sx in ((float(trim.left), -1), (float(trim.right), 1)):
        for y, sy in ((float(trim.bottom), -1), (float(trim.top), 1)):
            lines.append(f"{x + sx * start:.3f} {y:.3f} m {x + sx * end:.3f} {y:.3f} l")
            lines.append(f"{x:.3f} {y + sy * start:.3f} m {x:.3f} {y + sy * end:.3f} l")
    return f"/BkRegistration CS 1 SCN {MARK_WIDTH_PT} w 0 J\n" + "\n".join(lines) + "\nS\n"


def _slug_placement(trim: RectangleObject, slug: PageObject, name: str) -> str:
    """Return the drawing of the slug line below the bleed, starting inside the trim's left edge."""
    box = slug.trimbox
    dx = float(trim.left) + _mm(SLUG_INSET_MM) - float(box.left)
    dy = float(trim.bottom) - _mm(SLUG_TOP_MM) - float(box.top)
    return f"q 1 0 0 1 {dx:.3f} {dy:.3f} cm {name} Do Q\n"


def _add_output_intent(writer: PdfWriter) -> None:
    """Declare the printing condition (/OutputIntents /GTS_PDFX) with the CMYK profile embedded."""
    intent = DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFX"),
        NameObject("/OutputConditionIdentifier"): TextStringObject(OUTPUT_CONDITION),
        NameObject("/OutputCondition"): TextStringObject(OUTPUT_CONDITION_INFO),
        NameObject("/Info"): TextStringObject(OUTPUT_CONDITION_INFO),
        NameObject("/RegistryName"): TextStringObject(REGISTRY),
        NameObject("/DestOutputProfile"): writer._add_object(_icc_stream(PROFILE.read_bytes(), 4)),
    })
    writer.root_object[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(intent)])


def _mark_pdfx(writer: PdfWriter, modified: str) -> None:
    """Identify the file as PDF/X-4: XMP (GTS_PDFXVersion, document and version ids), /Trapped /False."""
    info = writer._info.get_object() if writer._info is not None else None
    if info is not None:
        info[NameObject("/Trapped")] = NameObject("/False")
    metadata = writer.root_object.get("/Metadata")
    xmp = metadata.get_object().get_data().decode("utf-8") if metadata is not None else ""
    document_id = hashlib.sha256(bytes(writer._ID[0]) if writer._ID else xmp.encode()).hexdigest()[:32]
    description = (
        '<rdf:Description rdf:about="" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" '
        'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f"<pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion><pdf:Trapped>False</pdf:Trapped>"
        f"<xmpMM:DocumentID>uuid:{_uuid(document_id)}</xmpMM:DocumentID><xmpMM:VersionID>1</xmpMM:VersionID>"
        f"<xmpMM:RenditionClass>default</xmpMM:RenditionClass><xmp:MetadataDate>{modified}</xmp:MetadataDate>"
        "</rdf:Description>")
    xmp = re.sub(r'\s*pdfaid:(part|conformance|rev)="[^"]*"', "", xmp)   # a PDF/A claim cannot hold with a CMYK intent
    xmp = re.sub(r"<pdfaid:(part|conformance|rev)>[^<]*</pdfaid:\1>", "", xmp)
    if "</rdf:RDF>" in xmp:
        xmp = re.sub(r"(<rdf:RDF[^>]*>)", lambda m: m.group(1) + description, xmp, count=1)
    else:
        rdf = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' + description + "</rdf:RDF>"
        xmp = f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">{rdf}</x:xmpmeta><?xpacket end="r"?>'
    stream = DecodedStreamObject()
    stream.set_data(xmp.encode("utf-8"))
    stream.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)


def _uuid(hexdigits: str) -> str:
    """Format 32 hex digits as a UUID."""
    h = hexdigits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"

