"""Lossless catalogs (issue 11, items 5–6): reading and writing a catalog with no change gives the same bytes.

Catalogs come from the reference tools themselves: GNU msgcat/msginit/msgmerge
(the oracle of the layout), a Poedit-style file with every kind of comment, flag,
escape and header field, translate-toolkit (the library Weblate writes .po files
with), and an ISO-8859-1 catalog.
"""
from __future__ import annotations

import subprocess

import pytest
from translate.storage import po as ttk

from booklet import catalogs
from booklet.i18n import catalog_path, load_catalog, template_path
from booklet.pofile import Entry, PoFile, dump, read_po_file, to_catalog
from booklet.pomerge import merge

from .conftest import PROJECT_ROOT

RICH = r'''# Translators' header comment.
#
#   indented line, and an empty line above
# FIRST AUTHOR <EMAIL@ADDRESS>, 2026.
#
msgid ""
msgstr ""
"Project-Id-Version: booklet 2026\n"
"Report-Msgid-Bugs-To: \n"
"POT-Creation-Date: 2026-02-01 00:00+0000\n"
"PO-Revision-Date: 2026-02-03 10:11:12+02:00\n"
"Last-Translator: Ana <ana@example.org>\n"
"Language-Team: French <fr@li.org>\n"
"Language: fr\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\n"
"X-Generator: Poedit 3.4.2\n"
"X-Poedit-SourceCharset: UTF-8\n"
"X-Custom-Field: kept as written\n"

# A translator's note.
#
#    with indentation
#. Extracted comment for translators.
#: content/sections/intro.yaml:3 content/sections/intro.yaml:9
#: templates/html/download.html:12
#, python-format
msgid "%(count)s survivors"
msgstr "%(count)s survivants"

#, c-format, no-wrap
msgid "A tab\there, a quote \" and a backslash \\ and a return\r and a bell\a in a very long line that no-wrap keeps on one line"
msgstr "Une tabulation\tici, un guillemet \" et une barre \\ et un retour\r et une sonnerie\a sur une très longue ligne"

#, range: 1..12
msgid "%d month"
msgid_plural "%d months"
msgstr[0] "%d mois"
msgstr[1] "%d mois"

msgid "Octal \101 and hex \x42 escapes as written"
msgstr "Échappements \101 et \x42 tels quels"

#, fuzzy
#| msgctxt "menu"
#| msgid "Old text"
msgctxt "heading"
msgid "New text"
msgstr "Ancien texte"

msgid ""
"A long paragraph that Poedit wrapped at its own width, which is not where "
"GNU would break it"
msgstr ""
"Un long paragraphe que Poedit a coupé à sa propre largeur, qui n'est pas "
"là où GNU le couperait"

# obsolete, with its comment
#, fuzzy, python-format
#~| msgid "Gone %(x)s"
#~ msgid "Removed %(x)s"
#~ msgstr "Supprimé %(x)s"
'''

VARIANTS = ["2026-02-03 10:11+0200", "2026-02-03 10:11:12+0200", "2026-02-03 10:11+02:00", "2026-02-03", "2026-02-03 10:11 GMT",
            "YEAR-MO-DA HO:MI+ZONE"]


def test_rich_catalog_round_trips_byte_for_byte():
    raw = RICH.encode()
    po = read_po_file(raw)
    assert dump(po) == raw
    fields = [name for name, _ in po.header_fields()]
    assert fields[-3:] == ["X-Generator", "X-Poedit-SourceCharset", "X-Custom-Field"]
    obsolete = po.entries[-1]
    assert obsolete.obsolete and obsolete.flags == ["fuzzy", "python-format"] and obsolete.previous == (None, "Gone %(x)s", None)
    assert po.entries[2].msgstr[0].startswith("Une tabulation\tici, un guillemet \" et une barre \\ et un retour\r")
    assert po.entries[4].msgid == "Octal A and hex B escapes as written"


def test_an_edited_entry_keeps_the_other_parts_as_written():
    po = read_po_file(RICH.encode())
    entry = next(e for e in po.entries if e.msgid == "%(count)s survivors")
    entry.msgstr = ["%(count)s rescapés"]
    text = dump(po).decode()
    assert text == RICH.replace('msgstr "%(count)s survivants"', 'msgstr "%(count)s rescapés"')


@pytest.mark.parametrize("tool", ["msgcat", "msgmerge", "msginit"])
def test_catalogs_written_by_gnu_tools_round_trip(tool, tmp_path):
    source = tmp_path / "in.po"
    source.write_text(RICH)
    out = tmp_path / "out.po"
    if tool == "msgcat":
        subprocess.run(["msgcat", "-o", str(out), str(source)], check=True)
    elif tool == "msgmerge":
        subprocess.run(["msgmerge", "-q", "--previous", "-o", str(out), str(source), str(source)], check=True)
    else:
        subprocess.run(["msginit", "--no-translator", "-l", "ru_RU.UTF-8", "-i", str(source), "-o", str(out)],
                       check=True, capture_output=True)
    raw = out.read_bytes()
    assert dump(read_po_file(raw)) == raw


def test_our_merge_of_an_up_to_date_msgmerge_catalog_changes_nothing(tmp_path):
    (tmp_path / "in.po").write_text(RICH)
    subprocess.run(["msgmerge", "-q", "--previous", "-o", str(tmp_path / "fr.po"), str(tmp_path / "in.po"), str(tmp_path / "in.po")],
                   check=True)
    subprocess.run(["msgcat", "-o", str(tmp_path / "t.pot"), str(tmp_path / "fr.po")], check=True)
    raw = (tmp_path / "fr.po").read_bytes()
    template = read_po_file((tmp_path / "t.pot").read_bytes())
    assert dump(merge(read_po_file(raw), template)) == raw


def test_translate_toolkit_catalog_round_trips_and_reads_our_output_with_the_same_units(tmp_path):
    store = ttk.pofile.parsestring(RICH.encode())
    written = bytes(store)           # as Weblate saves a catalog
    assert dump(read_po_file(written)) == written
    po = read_po_file(written)
    po.entries[1].msgstr = ["%(count)s rescapés"]
    ours = dump(po)
    again = ttk.pofile.parsestring(ours)
    units = [(u.getcontext(), u.source, u.target, u.isfuzzy(), u.isobsolete()) for u in again.units]
    expected = [(u.getcontext(), u.source, u.target, u.isfuzzy(), u.isobsolete()) for u in store.units]
    changed = [i for i, (a, b) in enumerate(zip(units, expected)) if a != b]
    assert len(units) == len(expected) and changed == [1]
    assert units[1][2] == "%(count)s rescapés"


def test_iso_8859_1_catalog_is_read_and_written_back_in_its_charset(project):
    root = project("multilingual")
    path = catalog_path(root, "fr") if catalog_path(root, "fr").is_file() else catalog_path(root, "ru")
    text = RICH.replace("charset=UTF-8", "charset=ISO-8859-1").replace("Ancien texte", "Ancien texte café")
    text = text.replace("très", "tres")
    raw = text.encode("iso-8859-1")
    po = read_po_file(raw)
    assert po.charset == "ISO-8859-1" and dump(po) == raw
    assert to_catalog(po).get("New text", context="heading").string == "Ancien texte café"
    path.write_bytes(raw)
    lang = path.parts[-3]
    assert load_catalog(root, lang).get("New text", context="heading").string == "Ancien texte café"


@pytest.mark.parametrize("date", VARIANTS)
def test_po_revision_date_variants_that_msgfmt_accepts_are_read(date, project, tmp_path):
    text = RICH.replace("2026-02-03 10:11:12+02:00", date)
    (tmp_path / "x.po").write_text(text)
    subprocess.run(["msgfmt", "-o", "/dev/null", str(tmp_path / "x.po")], check=True)
    root = project("multilingual")
    catalog_path(root, "ru").write_text(text.replace("nplurals=2; plural=(n > 1)", "nplurals=2; plural=(n != 1)"))
    catalog = load_catalog(root, "ru")
    assert catalog.get("%(count)s survivors").string == "%(count)s survivants"


def test_update_after_msgmerge_changes_no_header_line(project):
    root = project("multilingual")
    catalogs.extract(root)
    for lang in ("ru", "ar"):
        path = catalog_path(root, lang)
        merged = subprocess.run(["msgmerge", "-q", "--previous", "-o", "-", str(path), str(template_path(root))],
                                capture_output=True, check=True).stdout
        path.write_bytes(merged)
    catalogs.update(root, ["ru", "ar"])
    for lang in ("ru", "ar"):
        path = catalog_path(root, lang)
        again = subprocess.run(["msgmerge", "-q", "--previous", "-o", "-", str(path), str(template_path(root))],
                               capture_output=True, check=True).stdout
        assert path.read_bytes() == again, lang


def _blocks(data: bytes) -> list[str]:
    """Split a catalog into its entries' text, as written."""
    return data.decode().split("\n\n")


def test_catalog_saved_by_translate_toolkit_is_updated_with_no_change_beyond_the_merge(tmp_path):
    store = ttk.pofile.parsestring((PROJECT_ROOT / "locales/ar/LC_MESSAGES/booklet.po").read_bytes())
    edited = [u for u in store.units if u.source and u.target and not u.hasplural() and len(u.target) > 150][:6]
    for unit in edited:                               # a translator's review in Weblate, saved by translate-toolkit
        unit.target = unit.target + " (راجعه المترجم : نعم ؛ حسنًا ؟)"
    saved = bytes(store)
    (tmp_path / "ar.po").write_bytes(saved)
    relaid = subprocess.run(["msgcat", str(tmp_path / "ar.po")], capture_output=True, check=True).stdout
    assert relaid != saved, "translate-toolkit lays these strings out as msgcat would not: the test would prove nothing"
    template = read_po_file((PROJECT_ROOT / "locales/booklet.pot").read_bytes())
    removed, changed = edited[0].source, edited[1].source
    template.entries = [e for e in template.entries if e.msgid != removed]
    (entry,) = [e for e in template.entries if e.msgid == changed]
    entry.msgid = changed.replace(" ", "  ", 1).replace("  ", " ").rstrip(".") + ", again."
    (tmp_path / "t.pot").write_bytes(dump(template))
    ours = dump(merge(read_po_file(saved), read_po_file((tmp_path / "t.pot").read_bytes())))
    gnu = subprocess.run(["msgmerge", "-q", "--previous", "-o", "-", str(tmp_path / "ar.po"), str(tmp_path / "t.pot")],
                         capture_output=True, check=True).stdout
    parts = lambda data: [(e.msgctxt, e.msgid, tuple(e.msgstr), e.fuzzy, e.previous, e.obsolete) for e in read_po_file(data).entries]
    assert parts(ours) == parts(gnu)
    new = [read_po_file(block.encode()).entries[0] for block in _blocks(ours) if block not in _blocks(saved)]
    assert [(e.msgid, e.fuzzy, e.obsolete) for e in new] == [(entry.msgid, True, False), (removed, False, True)]
    assert len(_blocks(ours)) == len(_blocks(saved)) and sum(b not in _blocks(ours) for b in _blocks(saved)) == 2


def test_control_escapes_are_written_as_msgcat_writes_them(tmp_path):
    header = Entry(msgid="", msgstr=["Content-Type: text/plain; charset=UTF-8\n"])
    text = "bell\a vtab\v feed\f back\b tab\t return\r"
    written = dump(PoFile([header, Entry(msgid=text, msgstr=[text.upper()])]))
    assert b'msgid "bell\\a vtab\\v feed\\f back\\b tab\\t return\\r"\n' in written
    (tmp_path / "e.po").write_bytes(written)
    assert subprocess.run(["msgcat", str(tmp_path / "e.po")], capture_output=True, check=True).stdout == written
    assert read_po_file(written).entries[1].msgid == text


def test_a_percent_sign_in_content_is_not_a_format_string_so_msgfmt_accepts_the_translation(make_project, tmp_path):
    root = make_project({"content/sections/first.yaml": "title: The first chapter\nblocks:\n"
                                                         "  - paragraph: Turnout was 95% in 1991, 100 % of the town.\n"})
    catalogs.extract(root)
    catalogs.init(root, "fr")
    po = read_po_file(catalog_path(root, "fr").read_bytes())
    (entry,) = [e for e in po.entries if e.msgid.startswith("Turnout")]
    assert entry.flags == ["no-python-format"]
    entry.msgstr = ["La participation était de 95 % en 1991, 100 % de la ville."]
    catalog_path(root, "fr").write_bytes(dump(po))
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(catalog_path(root, "fr"))], check=True)


def test_iso_8859_1_catalog_is_merged_as_msgmerge_merges_it(tmp_path):
    text = RICH.replace("charset=UTF-8", "charset=ISO-8859-1").replace("très", "tres").replace("Ancien texte", "Ancien texte café")
    (tmp_path / "fr.po").write_bytes(text.encode("iso-8859-1"))
    template = read_po_file(RICH.encode())
    template.entries = [e for e in template.entries if not e.obsolete]
    template.entries[1].msgid = "%(count)s survivors in all"
    (tmp_path / "t.pot").write_bytes(dump(template))
    gnu = subprocess.run(["msgmerge", "-q", "--previous", "-o", "-", str(tmp_path / "fr.po"), str(tmp_path / "t.pot")],
                         capture_output=True, check=True).stdout
    ours = dump(merge(read_po_file(text.encode("iso-8859-1")), template))
    assert b"charset=UTF-8" in ours and "café".encode() in ours
    parts = lambda data: [(e.msgctxt, e.msgid, tuple(e.msgstr), e.flags, e.previous, e.obsolete) for e in read_po_file(data).entries]
    assert parts(ours) == parts(gnu)
    # documented difference: unchanged entries keep their lines (escapes \101 \x42, Poedit's wrapping), msgmerge re-writes them
    assert [b for b in ours.split(b"\n\n") if b not in gnu.split(b"\n\n")] == [
        b'msgid "Octal \\101 and hex \\x42 escapes as written"\nmsgstr "\xc3\x89chappements \\101 et \\x42 tels quels"',
        b'msgid ""\n"A long paragraph that Poedit wrapped at its own width, which is not where "\n"GNU would break it"\n'
        b'msgstr ""\n"Un long paragraphe que Poedit a coup\xc3\xa9 \xc3\xa0 sa propre largeur, qui n\'est pas "\n'
        b'"l\xc3\xa0 o\xc3\xb9 GNU le couperait"']
