"""A generated large booklet: the sample's chapters repeated and varied, with translations derived from the sample's.

``generate(sample, folder, sections, parts)`` writes about 200 A5 pages (47 chapters of two
sample chapters each) in the sample's languages. Translations are the sample's own where the
string is the same, derived from them where a paragraph's sentences were rotated or a title
numbered, and a pseudo-translation otherwise; the template is extracted by the builder itself.
"""
from __future__ import annotations

import copy
import re
import shutil
import time
from pathlib import Path

import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from booklet.catalogs import extract
from booklet.pofile import write_catalog

SENTENCE_END = re.compile(r"(?<=[.!?؟。])\s+(?=\S)")


class _Dumper(yaml.SafeDumper):
    """A SafeDumper without aliases."""

    def ignore_aliases(self, data):
        """Never write an alias: every block is written out."""
        return True


def _balanced(piece: str) -> bool:
    """Whether a sentence keeps its inline markup whole (so moving it cannot break a link or an emphasis)."""
    return (piece.count("*") % 2 == 0 and piece.count("[") == piece.count("]") and piece.count("(") == piece.count(")")
            and piece.count("{") == piece.count("}"))


def rotate_sentences(text: str, shift: int) -> str:
    """Rotate a text's sentences by ``shift``: same words, placeholders and markup, a different string."""
    pieces = SENTENCE_END.split(text.strip())
    if len(pieces) < 2 or not all(_balanced(p) for p in pieces):
        return text
    shift %= len(pieces)
    return " ".join(pieces[shift:] + pieces[:shift])


class Generator:
    """Write a large booklet from the sample's sections, and remember how each new string was derived."""

    def __init__(self, sample: Path):
        self.sample = sample
        #: (msgid, context) of a generated string -> (source msgid, how to derive a translation from the source's).
        self.derived: dict[tuple[str, str | None], tuple[str, object]] = {}
        meta_text = (sample / "content" / "booklet.yaml").read_text(encoding="utf-8")
        self.meta_text = meta_text
        names = yaml.safe_load(meta_text)["sections"]
        self.sections = {name: yaml.safe_load((sample / "content" / "sections" / f"{name}.yaml").read_text(encoding="utf-8"))
                         for name in names}
        self.chapters = [n for n, s in self.sections.items() if s.get("kind", "chapter") == "chapter" and not _has_block(s, "sources")]
        self.front = [n for n, s in self.sections.items() if s.get("kind") in ("cover", "contents")]
        self.back = [n for n, s in self.sections.items() if n not in self.chapters and n not in self.front]

    # Translatable values are a string or a mapping with text (and note, context).

    def _vary(self, value, derive_source, derive_translation):
        """Return ``value`` with its text changed by ``derive_source``; remember how to translate it."""
        if not isinstance(value, str) and "text" not in value:          # plural forms ({one: …, other: …}): kept as they are
            return value
        text, context = (value, None) if isinstance(value, str) else (value["text"], value.get("context"))
        new = derive_source(text)
        if new == text:
            return value
        self.derived.setdefault((new, context), (text, derive_translation))
        return new if isinstance(value, str) else {**value, "text": new}

    def rotated(self, value, shift: int):
        """A paragraph with its sentences rotated; its translation is the sample translation rotated."""
        return self._vary(value, lambda t: rotate_sentences(t, shift), lambda t: rotate_sentences(t, shift))

    def numbered(self, value, number: int):
        """A title with a part number; its translation is the sample translation with the same number."""
        return self._vary(value, lambda t: f"{t} ({number})", lambda t: f"{t} ({number})")

    def vary_blocks(self, blocks: list, variant: int) -> list:
        """Vary a section's blocks for one copy: paragraphs, notes and timeline entries rotate."""
        result = []
        for block in copy.deepcopy(blocks):
            (kind, value), = block.items()
            if variant and kind in ("paragraph", "note"):
                value = self.rotated(value, variant)
            elif variant and kind == "timeline":
                value = [{**item, "text": self.rotated(item["text"], variant)} for item in value]
            result.append({kind: value})
        return result

    def write(self, folder: Path, sections: int, parts: int) -> dict:
        """Write a booklet of ``sections`` chapters, each made of ``parts`` sample chapters."""
        content = folder / "content" / "sections"
        content.mkdir(parents=True, exist_ok=True)
        (folder / "locales").mkdir(exist_ok=True)
        order = list(self.front)
        for index in range(sections):
            blocks = []
            title = None
            for part in range(parts):
                name = self.chapters[(index + part * 3) % len(self.chapters)]
                variant = (index + part) // len(self.chapters)
                source = self.sections[name]
                part_title = self.numbered(source["title"], variant + 1) if variant else source["title"]
                if part == 0:
                    title = part_title
                else:
                    blocks.append({"heading": part_title})
                blocks.extend(self.vary_blocks(source["blocks"], variant))
            file_name = f"part-{index + 1:02d}"
            data = {"id": file_name, "title": title, "blocks": blocks}
            (content / f"{file_name}.yaml").write_text(
                yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
            order.append(file_name)
        for name in self.front + self.back:
            shutil.copyfile(self.sample / "content" / "sections" / f"{name}.yaml", content / f"{name}.yaml")
        for entry in (self.sample / "content").iterdir():        # images and other files the sections refer to
            if entry.is_dir() and entry.name != "sections":
                shutil.copytree(entry, folder / "content" / entry.name, dirs_exist_ok=True)
        order += self.back
        (folder / "content" / "booklet.yaml").write_text(replace_sections(self.meta_text, order), encoding="utf-8")
        return {"sections": len(order), "chapters": sections}

    def write_catalogs(self, folder: Path) -> dict[str, int]:
        """Extract the template with the builder, then write every non-source catalog directly with Babel."""
        with extract(folder).open("rb") as handle:
            template = read_po(handle, domain="booklet")
        meta = yaml.safe_load(self.meta_text)
        counts = {"messages": sum(1 for m in template if m.id), "catalogs": 0, "copied": 0, "derived": 0, "pseudo": 0}
        for lang in meta["languages"]:
            if lang == meta["source_language"]:
                continue
            sample_path = self.sample / "locales" / lang / "LC_MESSAGES" / "booklet.po"
            sample = None
            if sample_path.is_file():
                with sample_path.open("rb") as handle:
                    sample = read_po(handle, locale=lang, domain="booklet")
            catalog = Catalog(locale=lang, domain="booklet", project=template.project, fuzzy=False, charset="utf-8",
                              creation_date=template.creation_date, revision_date=template.creation_date)
            for message in template:
                if not message.id:
                    continue
                string, how = self._translate(message, sample, lang, catalog.num_plurals)
                counts[how] += 1
                catalog.add(message.id, string, locations=message.locations, auto_comments=message.auto_comments,
                            flags=message.flags - {"fuzzy"}, context=message.context)
            counts["catalogs"] += 1
            path = folder / "locales" / lang / "LC_MESSAGES" / "booklet.po"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(write_catalog(catalog))
        return counts

    def _translate(self, message, sample, lang: str, nplurals: int):
        """Return (msgstr, how): the sample's translation, one derived from it, or a pseudo-translation."""
        found = _usable(sample, message.id, message.context, nplurals)
        if found is not None:
            return found, "copied"
        if isinstance(message.id, str) and (message.id, message.context) in self.derived:
            source, derive = self.derived[(message.id, message.context)]
            base = _usable(sample, source, message.context, nplurals)
            if base is not None:
                return derive(base), "derived"
        return pseudo(message.id, lang, nplurals), "pseudo"


def _has_block(section: dict, kind: str) -> bool:
    """Whether a section has a block of the given type."""
    return any(kind in block for block in section.get("blocks") or [])


def _usable(sample, msgid, context, nplurals: int):
    """Return a sample catalog's non-fuzzy, complete translation of a message, or None."""
    if sample is None:
        return None
    found = sample.get(msgid, context=context)
    if found is None or found.fuzzy or not found.string:
        return None
    if isinstance(found.string, tuple):
        return found.string if len(found.string) == nplurals and all(found.string) else None
    return found.string


def pseudo(msgid, lang: str, nplurals: int):
    """A deterministic pseudo-translation: the source with the language code in front (markup untouched)."""
    if isinstance(msgid, (tuple, list)):
        one, other = msgid[0], msgid[1]
        return tuple(f"({lang}) {one if index == 0 else other}" for index in range(nplurals))
    return f"({lang}) {msgid}"


def replace_sections(meta_text: str, names: list[str]) -> str:
    """Replace the ``sections:`` list of booklet.yaml's text, keeping every other line as written."""
    lines = meta_text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if re.match(r"^sections\s*:", line))
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t", "-")):
        end += 1
    block = "sections:\n" + "".join(f"  - {name}\n" for name in names)
    return "".join(lines[:start]) + block + "".join(lines[end:])


def generate(sample: Path, folder: Path, sections: int, parts: int) -> dict:
    """Write a generated booklet and its catalogs from the sample booklet at ``sample``; return what was written."""
    generator = Generator(sample)
    start = time.perf_counter()
    info = generator.write(folder, sections, parts)
    info.update(generator.write_catalogs(folder))
    info["seconds"] = time.perf_counter() - start
    return info
