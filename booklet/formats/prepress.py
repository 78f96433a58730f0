"""The print-shop PDF: PDF/X-4 with a CMYK output intent, crop marks outside the bleed, a slug line, whole sheets.

WeasyPrint lays the pages out with a 3 mm bleed (``pdf.BLEED_MM``) and no marks;
the screen PDF keeps that painting and only sets the page boxes to the trim.
:func:`prepare_for_press` takes the screen PDF and, with pikepdf (qpdf), which
reads and writes a 200-page PDF in a few hundredths of a second,

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

import pikepdf
from pikepdf import Array, Dictionary, Name

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
#: A trim box as (left, bottom, right, top) in points.
Box = tuple[float, float, float, float]


def slug_texts(title: str, tag: str, edition: str, pages: int) -> list[str]:
    """Return the slug line of every page: title, language, edition, page and page count."""
    return [f"{title} · {tag} · {edition} · {page}/{pages}" for page in range(1, pages + 1)]


def prepare_for_press(screen: bytes, slug_lines: bytes, back_cover: bool, modified: str, bleed_mm: float) -> bytes:
    """Return the print-shop PDF made from the screen PDF ``screen`` (painted with bleed) and the typeset slug lines."""
    from .slugs import line_forms

    with pikepdf.open(io.BytesIO(screen)) as pdf, pikepdf.open(io.BytesIO(slug_lines)) as typeset:
        trim = _box(pdf.pages[0].obj.TrimBox)
        _pad_to_sheets(pdf, trim, back_cover)
        slugs = line_forms(typeset, SLUG_HEIGHT_MM)
        if len(slugs) != len(pdf.pages):
            raise ValueError(f"{len(slugs)} slug lines for {len(pdf.pages)} pages")
        resources = _shared_resources(pdf)
        _add_colour_spaces(pdf, resources)
        for index, page in enumerate(pdf.pages):
            _place_on_sheet(pdf, page.obj, trim, bleed_mm, resources, pdf.copy_foreign(slugs[index]), index + 1)
        _add_output_intent(pdf)
        _mark_pdfx(pdf, modified)
        return save(pdf, "1.6")


def save(pdf: pikepdf.Pdf, version: str) -> bytes:
    """Write ``pdf`` with object streams, its streams as they are, and an identifier drawn from its content."""
    output = io.BytesIO()
    pdf.save(output, force_version=version, object_stream_mode=pikepdf.ObjectStreamMode.generate,
             stream_decode_level=pikepdf.StreamDecodeLevel.none, deterministic_id=True, fix_metadata_version=False)
    return output.getvalue()


def _box(array: pikepdf.Array) -> Box:
    """Return a PDF rectangle as four floats."""
    left, bottom, right, top = (float(v) for v in array)
    return left, bottom, right, top


def _grown(box: Box, mm: float) -> Array:
    """Return ``box`` grown by ``mm`` on every side, as a PDF rectangle."""
    d = mm * PT_PER_MM
    return Array([box[0] - d, box[1] - d, box[2] + d, box[3] + d])


def _pad_to_sheets(pdf: pikepdf.Pdf, trim: Box, back_cover: bool) -> None:
    """Insert blank pages where :func:`booklet.imposition.page_sequence` puts them (before the back cover)."""
    for index, number in enumerate(page_sequence(len(pdf.pages), back_cover)):
        if number is None:
            blank = Dictionary(Type=Name.Page, MediaBox=Array(trim), TrimBox=Array(trim), Resources=Dictionary())
            pdf.pages.insert(index, pikepdf.Page(pdf.make_indirect(blank)))


def _shared_resources(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    """Return the first page's resources as an indirect object, for every page to share (WeasyPrint shares them)."""
    resources = pdf.pages[0].obj.Resources
    return resources if resources.is_indirect else pdf.make_indirect(resources)


def _add_colour_spaces(pdf: pikepdf.Pdf, resources: pikepdf.Dictionary) -> None:
    """Add the registration colour (/Separation /All, 100 % of C, M, Y and K) and /DefaultRGB = sRGB."""
    if "/ColorSpace" not in resources:
        resources.ColorSpace = Dictionary()
    tint = Dictionary(FunctionType=2, Domain=Array([0, 1]), C0=Array([0] * 4), C1=Array([1] * 4), N=1)
    resources.ColorSpace.BkRegistration = Array([Name.Separation, Name.All, Name.DeviceCMYK, pdf.make_indirect(tint)])
    srgb = _icc_stream(pdf, files("weasyprint.pdf").joinpath("sRGB2014.icc").read_bytes(), 3)
    resources.ColorSpace.DefaultRGB = Array([Name.ICCBased, srgb])


def _icc_stream(pdf: pikepdf.Pdf, profile: bytes, components: int) -> pikepdf.Stream:
    """Return an ICC profile as a PDF stream (compressed when saved)."""
    return pdf.make_stream(profile, N=components)


def _place_on_sheet(pdf: pikepdf.Pdf, page: pikepdf.Dictionary, trim: Box, bleed_mm: float,
                    resources: pikepdf.Dictionary, slug: pikepdf.Stream, number: int) -> None:
    """Set the page's boxes, clip its painting to the bleed, and draw the crop marks and its slug line."""
    page_trim = _box(page.TrimBox) if "/TrimBox" in page else trim
    bleed, sheet = _grown(page_trim, bleed_mm), _grown(page_trim, SHEET_MARGIN_MM)
    page.MediaBox, page.CropBox, page.BleedBox, page.TrimBox = sheet, Array(sheet), bleed, Array(page_trim)
    page.Resources = resources
    name = f"/BkSlug{number}"
    if "/XObject" not in resources:
        resources.XObject = Dictionary()
    resources.XObject[name] = slug
    left, bottom, right, top = _box(bleed)
    before = f"q {left:.3f} {bottom:.3f} {right - left:.3f} {top - bottom:.3f} re W n\n"
    after = "Q\n/Artifact BMC\nq\n" + _crop_marks(page_trim) + _slug_placement(page_trim, _box(slug.BBox), name) + "Q\nEMC\n"
    contents = page.get("/Contents")
    parts = [] if contents is None else (list(contents) if isinstance(contents, pikepdf.Array) else [contents])
    page.Contents = Array([pdf.make_stream(before.encode("ascii")), *parts, pdf.make_stream(after.encode("ascii"))])


def _crop_marks(trim: Box) -> str:
    """Return the drawing of the eight crop marks, each on the line of a trim edge and outside the bleed."""
    start, end = MARK_OFFSET_MM * PT_PER_MM, (MARK_OFFSET_MM + MARK_LENGTH_MM) * PT_PER_MM
    lines = []
    for x, sx in ((trim[0], -1), (trim[2], 1)):
        for y, sy in ((trim[1], -1), (trim[3], 1)):
            lines.append(f"{x + sx * start:.3f} {y:.3f} m {x + sx * end:.3f} {y:.3f} l")
            lines.append(f"{x:.3f} {y + sy * start:.3f} m {x:.3f} {y + sy * end:.3f} l")
    return f"/BkRegistration CS 1 SCN {MARK_WIDTH_PT} w 0 J\n" + "\n".join(lines) + "\nS\n"


def _slug_placement(trim: Box, slug_box: Box, name: str) -> str:
    """Return the drawing of the slug line below the bleed, starting inside the trim's left edge."""
    dx = trim[0] + SLUG_INSET_MM * PT_PER_MM - slug_box[0]
    dy = trim[1] - SLUG_TOP_MM * PT_PER_MM - slug_box[3]
    return f"q 1 0 0 1 {dx:.3f} {dy:.3f} cm {name} Do Q\n"


def _add_output_intent(pdf: pikepdf.Pdf) -> None:
    """Declare the printing condition (/OutputIntents /GTS_PDFX) with the CMYK profile embedded."""
    intent = Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX,
        OutputConditionIdentifier=pikepdf.String(OUTPUT_CONDITION), OutputCondition=pikepdf.String(OUTPUT_CONDITION_INFO),
        Info=pikepdf.String(OUTPUT_CONDITION_INFO), RegistryName=pikepdf.String(REGISTRY),
        DestOutputProfile=_icc_stream(pdf, PROFILE.read_bytes(), 4))
    pdf.Root.OutputIntents = Array([pdf.make_indirect(intent)])


def _mark_pdfx(pdf: pikepdf.Pdf, modified: str) -> None:
    """Identify the file as PDF/X-4: XMP (GTS_PDFXVersion, document and version ids), /Trapped /False."""
    pdf.docinfo.Trapped = Name("/False")
    xmp = pdf.Root.Metadata.read_bytes().decode("utf-8") if "/Metadata" in pdf.Root else ""
    identifier = bytes(pdf.trailer.ID[0]) if "/ID" in pdf.trailer else xmp.encode()
    description = (
        '<rdf:Description rdf:about="" xmlns:pdfxid="http://www.npes.org/pdfx/ns/id/" '
        'xmlns:xmpMM="http://ns.adobe.com/xap/1.0/mm/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
        'xmlns:pdf="http://ns.adobe.com/pdf/1.3/">'
        f"<pdfxid:GTS_PDFXVersion>{PDFX_VERSION}</pdfxid:GTS_PDFXVersion><pdf:Trapped>False</pdf:Trapped>"
        f"<xmpMM:DocumentID>uuid:{_uuid(hashlib.sha256(identifier).hexdigest()[:32])}</xmpMM:DocumentID>"
        "<xmpMM:VersionID>1</xmpMM:VersionID>"
        f"<xmpMM:RenditionClass>default</xmpMM:RenditionClass><xmp:MetadataDate>{modified}</xmp:MetadataDate>"
        "</rdf:Description>")
    xmp = re.sub(r'\s*pdfaid:(part|conformance|rev)="[^"]*"', "", xmp)   # a PDF/A claim cannot hold with a CMYK intent
    xmp = re.sub(r"<pdfaid:(part|conformance|rev)>[^<]*</pdfaid:\1>", "", xmp)
    if "</rdf:RDF>" in xmp:
        xmp = re.sub(r"(<rdf:RDF[^>]*>)", lambda m: m.group(1) + description, xmp, count=1)
    else:
        rdf = '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' + description + "</rdf:RDF>"
        xmp = f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">{rdf}</x:xmpmeta><?xpacket end="r"?>'
    pdf.Root.Metadata = pdf.make_stream(xmp.encode("utf-8"), Type=Name.Metadata, Subtype=Name.XML)


def _uuid(hexdigits: str) -> str:
    """Format 32 hex digits as a UUID."""
    h = hexdigits
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
