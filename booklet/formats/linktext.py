"""Link annotations that say where they go (PDF/UA-1, veraPDF rule 7.18.5-2: a Link annotation has /Contents).

WeasyPrint 70 gives a tagged PDF's internal links the target's id as /Contents ("sources",
"in-memory"), which a screen reader reads out. ``describe_links`` runs in the PDF finisher and
replaces it with the text of the element the link points to, in the booklet's language.
"""

from __future__ import annotations

import pydyf

#: A description longer than this is cut at a word boundary and ends with an ellipsis.
LONGEST = 120
#: A target holding one of these is named by it.
HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def target_texts(document) -> dict[str, str]:
    """Return the text of every element with an id in the laid-out document, by id."""
    texts: dict[str, str] = {}
    for page in document.pages:
        for box in page._page_box.descendants(placeholders=True):
            element = getattr(box, "element", None)
            name = element.get("id") if element is not None else None
            if name and name not in texts:
                texts[name] = describe(element)
    return texts


def describe(element) -> str:
    """Describe a link target: its own heading when it has one (a section), else its text."""
    heading = next((e for e in element.iter() if e.tag in HEADINGS), element)
    return shorten(" ".join("".join(heading.itertext()).split()))


def shorten(text: str) -> str:
    """Cut a description to LONGEST characters at a word boundary."""
    if len(text) <= LONGEST:
        return text
    return text[:LONGEST].rsplit(" ", 1)[0] + "…"


def describe_links(document, pdf: pydyf.PDF) -> int:
    """Give every internal link annotation the text of its target as /Contents; return how many were described."""
    texts = target_texts(document)
    described = 0
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/Link" and "Dest" in obj:
            name = _string(obj["Dest"])
            if texts.get(name):
                obj["Contents"] = pydyf.String(texts[name])
                described += 1
    return described


def _string(value) -> str:
    """Return the Python text of a pydyf string (or of a plain str)."""
    return value.string if isinstance(value, pydyf.String) else str(value)
