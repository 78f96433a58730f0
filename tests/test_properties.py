"""Property-based tests: the YAML loader, the inline renderer and the .po writer on generated input.

Every property here is a promise the README makes about untrusted input: the loader
only ever fails with located problems, inline markup cannot inject HTML, and catalogs
survive a write/read round trip laid out exactly as GNU gettext lays them out.
"""
from __future__ import annotations

import gc
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from booklet.errors import BookletError
from booklet.inline import InlineError, render_inline
from booklet.pofile import write_catalog
from booklet.yamlsource import MAX_BYTES, MAX_NODES, load_yaml, parse_yaml

FAST = settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------
# (a) The YAML loader
# ---------------------------------------------------------------------------

#: Pieces of YAML syntax, so that generated text often gets past the first character.
YAML_PIECES = [
    "a", "key", "title", ":", ": ", "- ", "\n", "\n  ", "  ", "\t", "#", "'", '"', "[", "]", "{", "}", ",", "?", "? ",
    "&a ", "*a", "<<: ", "!!str ", "!!int ", "!!python/object/apply:os.system ", "!tag ", "|", ">", "---\n", "...\n",
    "%YAML 1.1\n", "yes", "no", "on", "~", "null", "1992-02-26", "12", "1_000", "0x1F", "1.5", ".inf", "=", "\\",
    "\x00", "\x07", "\ufeff", "\u2028", "\x85", "é", "ə", "ع", "𝕏",
]
yaml_like_text = st.lists(st.sampled_from(YAML_PIECES), max_size=40).map("".join)


def _parse_or_booklet_error(text: str) -> None:
    """Parse ``text``; a BookletError with at least one problem is the only allowed failure."""
    try:
        parse_yaml(text, Path("x.yaml"))
    except BookletError as error:
        assert error.problems, "a BookletError must carry its problems"
        for problem in error.problems:
            assert str(problem.location.path) == "x.yaml"


@FAST
@given(st.text(max_size=200))
def test_yaml_loader_raises_only_booklet_errors_on_any_text(text):
    _parse_or_booklet_error(text)


@FAST
@given(yaml_like_text)
def test_yaml_loader_raises_only_booklet_errors_on_yaml_like_text(text):
    _parse_or_booklet_error(text)


# Plain data: nested mappings and lists of strings, with the strings YAML 1.1 would coerce.
# U+0085 (NEL) is left out: PyYAML's own emitter writes it raw into a quoted scalar with
# allow_unicode=True, where YAML folds it to a space, so even yaml.safe_load cannot round-trip it.
yaml_chars = st.characters(codec="utf-8", exclude_characters="\x85")
yaml_strings = st.one_of(
    st.text(yaml_chars, max_size=20),
    st.sampled_from(["yes", "no", "on", "off", "true", "~", "null", "", "1992-02-26", "2024-01-02 10:00:00", "12",
                     "1_000", "0x4FB", "1.5", ".inf", "12:30", "<<", "=", "*a", "&a", "!tag", "- x", "a: b", "#", "'", '"']),
)
yaml_keys = st.one_of(st.text(yaml_chars, max_size=10), st.sampled_from(["<<", "yes", "no", "1", "null", "", "? x"]))
plain_data = st.recursive(
    yaml_strings,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(yaml_keys, children, max_size=4)),
    max_leaves=20,
)


@FAST
@given(st.dictionaries(yaml_keys, plain_data, max_size=5), st.booleans())
def test_yaml_loader_round_trips_plain_data(data, allow_unicode):
    text = yaml.safe_dump(data, allow_unicode=allow_unicode)
    assert parse_yaml(text, Path("x.yaml")).data == data


def test_yaml_file_larger_than_the_limit_is_refused(tmp_path):
    path = tmp_path / "big.yaml"
    line = "- " + "x" * 98 + "\n"
    path.write_text(line * (MAX_BYTES // len(line) + 2), encoding="utf-8")
    size = path.stat().st_size
    assert size > 2_000_000
    with pytest.raises(BookletError) as caught:
        load_yaml(path, Path("content/big.yaml"))
    assert [str(p) for p in caught.value.problems] == [
        f"content/big.yaml:1:1: error: file is too large ({size} bytes; the limit is {MAX_BYTES})"
    ]


def test_yaml_with_too_many_values_is_refused(tmp_path):
    path = tmp_path / "many.yaml"
    path.write_text("[" + "0," * (MAX_NODES + 1) + "]\n", encoding="utf-8")
    assert path.stat().st_size < MAX_BYTES
    gc.disable()    # the 200,000 nodes, their marks and locations would make the cyclic collector walk the heap six times
    try:
        with pytest.raises(BookletError) as caught:
            load_yaml(path, Path("many.yaml"))
        messages = [p.message for p in caught.value.problems]
        del caught  # the error's traceback holds this frame, which held the error: freed now, without the collector
    finally:
        gc.enable()
    assert messages == [f"document has more than {MAX_NODES} values"]


# ---------------------------------------------------------------------------
# (b) The inline markup renderer
# ---------------------------------------------------------------------------

INLINE_PIECES = [
    "*", "**", "[", "]", "(", ")", "{", "}", "{{", "}}", "{people}", "{nobody}", "<", ">", "&", '"', "'", "/", "\\",
    "<script>", "</em>", "<a href=x>", "https://example.org", "http://x", "mailto:a@b", "#first", "#First",
    "javascript:alert(1)", "data:text/html,<b>", " onerror=", "\n", " ", "word", "é", "ع",
]
inline_text = st.one_of(st.text(max_size=80), st.lists(st.sampled_from(INLINE_PIECES), max_size=30).map("".join))
ALLOWED_TAG = re.compile(r'</?em>|</?strong>|<a href="[^"<>]*">|</a>')


@FAST
@given(inline_text)
def test_inline_markup_cannot_inject_html(text):
    try:
        html = str(render_inline(text, {"people": 1275}, str))
    except InlineError:
        return
    rest = ALLOWED_TAG.sub("", html)
    assert "<" not in rest and ">" not in rest, f"{text!r} rendered as {html!r}"
    for href in re.findall(r'<a href="([^"]*)">', html):
        assert re.match(r"(https?://|mailto:|#)", href), f"unsafe link {href!r} from {text!r}"


# ---------------------------------------------------------------------------
# (c) Catalogs written as GNU gettext writes them
# ---------------------------------------------------------------------------

PO_ALPHABET = st.sampled_from(
    list("abcxyz ABC019.,;:!?-/()[]{}*%'\"\\\n\t")
    + list("éüöçğışəÇŞİ")          # Latin with diacritics (az, tr, fr, de)
    + list("жизньЖ")                # Cyrillic
    + list("العربيةًّ")              # Arabic letters with harakat (combining marks)
    + ["\u2014", "\u00a0", "\u200f", "漢", "字"]  # dash, no-break space, RLM, wide CJK
)
po_text = st.text(PO_ALPHABET, min_size=1, max_size=120)
po_messages = st.dictionaries(
    po_text,
    st.tuples(po_text, st.one_of(st.none(), st.sampled_from(["heading", "menu"]))),
    min_size=1, max_size=8,
)


def _catalog(messages: dict) -> Catalog:
    """Build a Russian catalog with fixed dates from {msgid: (msgstr, context)}."""
    import datetime as dt

    when = dt.datetime(2025, 2, 26, tzinfo=dt.timezone.utc)
    catalog = Catalog(locale="ru", domain="booklet", project="prop", charset="utf-8", fuzzy=False,
                      creation_date=when, revision_date=when)
    for msgid, (msgstr, context) in messages.items():
        catalog.add(msgid, msgstr, locations=[("content/sections/x.yaml", 3)], context=context)
    return catalog


@FAST
@given(po_messages)
def test_catalog_round_trips_through_write_catalog_and_read_po(messages):
    written = write_catalog(_catalog(messages))
    read = read_po(io.BytesIO(written), locale="ru", domain="booklet")
    assert {(m.id, m.context): m.string for m in read if m.id} == {
        (msgid, context): msgstr for msgid, (msgstr, context) in messages.items()
    }
    assert write_catalog(read) == written, "writing the catalog read back changed its bytes"


MSGCAT = shutil.which("msgcat")


@pytest.mark.skipif(MSGCAT is None, reason="GNU gettext's msgcat is not installed")
@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(po_messages)
def test_msgcat_leaves_written_catalogs_unchanged(tmp_path, messages):
    written = write_catalog(_catalog(messages))
    path = tmp_path / "booklet.po"
    path.write_bytes(written)
    result = subprocess.run([MSGCAT, str(path), "-o", "-"], capture_output=True, check=False)
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    assert result.stdout.decode("utf-8") == written.decode("utf-8")
