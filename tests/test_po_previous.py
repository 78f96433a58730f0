"""Previous text (issue 11, item 4): ``#|`` keeps the text the translation was made for, and a changed context shows."""
from __future__ import annotations

import subprocess

from booklet import catalogs
from booklet.i18n import catalog_path
from booklet.pofile import dump, read_po_file
from booklet.pomerge import merge

from .test_translation_workflow import TOLL

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n'
POT_HEADER = 'msgid ""\nmsgstr ""\n"POT-Creation-Date: 2026-03-01 00:00+0000\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def both(tmp_path, catalog: str, template: str) -> tuple[str, str]:
    """Merge with our merge and with GNU msgmerge --previous; return (ours, msgmerge's)."""
    (tmp_path / "def.po").write_text(catalog)
    (tmp_path / "ref.pot").write_text(template)
    expected = subprocess.run(["msgmerge", "-q", "--previous", "-o", "-", str(tmp_path / "def.po"), str(tmp_path / "ref.pot")],
                              capture_output=True, check=True, text=True).stdout
    ours = dump(merge(read_po_file(catalog.encode()), read_po_file(template.encode()))).decode()
    return ours, expected


def test_second_edit_of_a_fuzzy_string_keeps_the_text_the_translation_was_made_for(tmp_path):
    translated = HEADER + '\nmsgid "The village was destroyed in one night."\nmsgstr "Le village a été détruit en une nuit."\n'
    first = POT_HEADER + '\nmsgid "The village was destroyed in a single night."\nmsgstr ""\n'
    second = POT_HEADER + '\nmsgid "The whole village was destroyed in a single night."\nmsgstr ""\n'
    ours, expected = both(tmp_path, translated, first)
    assert ours == expected
    assert '#| msgid "The village was destroyed in one night."\nmsgid "The village was destroyed in a single night."' in ours
    ours, expected = both(tmp_path, ours, second)
    assert ours == expected
    # Still the text the French was written for, not the intermediate one.
    assert '#, fuzzy\n#| msgid "The village was destroyed in one night."\nmsgid "The whole village' in ours


def test_changed_context_writes_previous_msgctxt(tmp_path):
    translated = HEADER + '\nmsgctxt "menu"\nmsgid "Sources"\nmsgstr "Sources"\n'
    template = POT_HEADER + '\nmsgctxt "heading"\nmsgid "Sources"\nmsgstr ""\n'
    ours, expected = both(tmp_path, translated, template)
    assert ours == expected
    assert '#, fuzzy\n#| msgctxt "menu"\n#| msgid "Sources"\nmsgctxt "heading"\nmsgid "Sources"\nmsgstr "Sources"\n' in ours


def test_update_twice_on_the_fixture_keeps_the_original_previous_text(project):
    root = project("multilingual")
    toll = root / TOLL
    old = "{hostages} people were taken hostage on the night of the assault."
    middle = "{hostages} people were taken hostage on the night of the attack."
    new = "That night {hostages} people were taken hostage in the attack."
    toll.write_text(toll.read_text().replace(old, middle))
    catalogs.extract(root)
    catalogs.update(root)
    toll.write_text(toll.read_text().replace(middle, new))
    catalogs.extract(root)
    catalogs.update(root)
    for lang in ("ru", "ar"):
        entry = next(e for e in read_po_file(catalog_path(root, lang).read_bytes()).entries if e.msgid == new)
        assert entry.fuzzy and entry.previous == (None, old, None), lang
