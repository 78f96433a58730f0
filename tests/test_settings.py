"""booklet.yaml is declared once, as the field table in booklet.settings: docs, defaults and the model agree with it."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from booklet import model
from booklet.content import load_booklet
from booklet.settings import FIELDS, KEYS, markdown_table, numbering_table

SCHEMA = Path(__file__).resolve().parents[1] / "docs" / "schema.md"


def test_schema_doc_carries_the_table_made_from_the_fields():
    text = SCHEMA.read_text(encoding="utf-8")
    assert markdown_table() in text, "docs/schema.md is stale: paste markdown_table() (see the comment above the table)"
    assert numbering_table() in text


def test_every_field_is_documented_once_and_is_a_booklet_attribute():
    names = [spec.name for spec in FIELDS]
    assert len(names) == len(set(names))
    attributes = {f.name for f in dataclasses.fields(model.Booklet)}
    assert set(names) - {"facts"} <= attributes and {"facts", "fact_kinds"} <= attributes
    assert all(spec.doc and spec.type for spec in FIELDS)
    text = SCHEMA.read_text(encoding="utf-8")
    for name in names:
        assert len(re.findall(rf"^\| `{name}` \|", text, flags=re.M)) == 1, name


def test_booklet_attributes_have_no_second_default():
    """Defaults live in the field table only: the model's settings fields have none of their own."""
    defaults = {f.name for f in dataclasses.fields(model.Booklet) if f.default is not dataclasses.MISSING
                or f.default_factory is not dataclasses.MISSING}
    assert defaults == {"source"}


def test_absent_optional_fields_take_the_table_defaults(project):
    booklet = load_booklet(project("minimal"))
    present = set((booklet.root / "content/booklet.yaml").read_text(encoding="utf-8").split())
    for spec in FIELDS:
        if not spec.required and f"{spec.name}:" not in present and spec.name != "facts":
            assert getattr(booklet, spec.name) == spec.default, spec.name
    assert booklet.page_size == "A5" and booklet.chapter_start == "page" and booklet.language_settings == {}


def test_required_keys_are_the_ones_the_table_marks():
    assert [name for name, required in KEYS.items() if required] == [
        "slug", "title", "source_language", "languages", "edition", "publisher", "license", "fonts", "sections"]


def test_fact_kinds_and_language_settings_are_read(make_project):
    root = make_project({})
    yaml = root / "content/booklet.yaml"
    text = yaml.read_text(encoding="utf-8")
    text = re.sub(r"facts:\n", "facts:\n  founded: {year: 1976}\n  share: {percent: 62.5}\n  count: {number: 12}\n", text)
    yaml.write_text(text + "language_settings:\n  en: {locale: en_GB, numbering: latn}\n", encoding="utf-8")
    booklet = load_booklet(root)
    assert (booklet.facts["founded"], booklet.fact_kinds["founded"]) == (1976, "year")
    assert (booklet.facts["share"], booklet.fact_kinds["share"]) == (62.5, "percent")
    assert booklet.fact_kinds["count"] == "number"
    assert booklet.language_settings == {"en": model.LanguageSettings(locale="en_GB", numbering="latn")}
