"""Newest work wins (issue 17): a string that changes and returns to an earlier text keeps the translator's newest translation.

The rule (booklet/pomerge.py, as msgmerge): an entry takes only the translation of
exactly its text, or else the closest translation, obsolete entries included.
So when a text changes, the translation moves with it (fuzzy) and is reviewed
there; when the text returns to an earlier version, the reviewed translation
moves back (fuzzy, ``#|`` naming the text it was made for) and no older
obsolete copy comes back over it. Nothing translated is ever dropped.
"""
from __future__ import annotations

import subprocess

from booklet import catalogs
from booklet.i18n import catalog_path
from booklet.pofile import dump, read_po_file
from booklet.pomerge import merge

from .test_translation_workflow import TOLL

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n'
POT = 'msgid ""\nmsgstr ""\n"POT-Creation-Date: 2026-03-0{n} 00:00+0000\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
A = "The families of the missing still wait for news."
A2 = "The families of the missing are still waiting for news."
OTHER = "Sources."


def step(tmp_path, catalog: bytes, texts: list[str], n: int) -> bytes:
    """Merge a template of these texts with our merge, check it equals msgmerge --previous, return it."""
    pot = POT.format(n=n) + "".join(f'\nmsgid "{t}"\nmsgstr ""\n' for t in texts)
    (tmp_path / "def.po").write_bytes(catalog)
    (tmp_path / "ref.pot").write_text(pot)
    expected = subprocess.run(["msgmerge", "-q", "--previous", "-o", "-", str(tmp_path / "def.po"), str(tmp_path / "ref.pot")],
                              capture_output=True, check=True).stdout
    ours = dump(merge(read_po_file(catalog), read_po_file(pot.encode())))
    assert ours == expected
    return ours


def review(catalog: bytes, msgid: str, translation: str) -> bytes:
    """Translate an entry and clear its fuzzy flag, as a translator in Poedit does."""
    po = read_po_file(catalog)
    entry = next(e for e in po.entries if e.msgid == msgid and not e.obsolete)
    entry.msgstr, entry.previous = [translation], None
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    return dump(po)


def active(catalog: bytes) -> dict[str, tuple[str, bool, object]]:
    """The active entries: msgid → (msgstr, fuzzy, previous msgid)."""
    return {e.msgid: (e.msgstr[0], e.fuzzy, e.previous and e.previous[1]) for e in read_po_file(catalog).entries
            if not e.obsolete and not e.is_header}


def test_removed_then_reworded_then_returning_text_keeps_the_newest_translation(tmp_path):
    catalog = step(tmp_path, HEADER.encode(), [A, OTHER], 1)
    catalog = review(review(catalog, A, "Les familles des disparus attendent encore."), OTHER, "Sources.")
    catalog = step(tmp_path, catalog, [OTHER], 2)                 # removed: A is obsolete
    catalog = step(tmp_path, catalog, [A2, OTHER], 3)             # reworded text: the obsolete translation moves to it, fuzzy
    assert active(catalog)[A2] == ("Les familles des disparus attendent encore.", True, A)
    catalog = review(catalog, A2, "Les familles des disparus attendent toujours des nouvelles.")
    catalog = step(tmp_path, catalog, [A, OTHER], 4)              # the earlier text returns
    assert active(catalog)[A] == ("Les familles des disparus attendent toujours des nouvelles.", True, A2)
    assert b"attendent encore" not in catalog


def test_edited_and_reverted_text_offers_the_reviewed_translation(tmp_path):
    catalog = review(step(tmp_path, HEADER.encode(), [A], 1), A, "v1")
    catalog = review(step(tmp_path, catalog, [A2], 2), A2, "v2")
    catalog = step(tmp_path, catalog, [A], 3)
    assert active(catalog) == {A: ("v2", True, A2)}


def test_each_language_keeps_its_own_newest_translation_through_update(project):
    root = project("multilingual")
    toll = root / TOLL
    old = "{hostages} people were taken hostage on the night of the assault."
    new = "{hostages} people were taken hostage during the night of the assault."
    reviewed = {"ru": "Ночью {hostages} человек взяли в заложники.", "ar": "أُخذ {hostages} شخصًا رهائن في الليل."}
    toll.write_text(toll.read_text().replace(old, new))
    catalogs.extract(root)
    catalogs.update(root)
    for lang, text in reviewed.items():
        path = catalog_path(root, lang)
        path.write_bytes(review(path.read_bytes(), new, text))
    toll.write_text(toll.read_text().replace(new, old))
    catalogs.extract(root)
    catalogs.update(root)
    for lang, text in reviewed.items():
        assert active(catalog_path(root, lang).read_bytes())[old] == (text, True, new), lang
