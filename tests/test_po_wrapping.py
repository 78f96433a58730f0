"""Wrapping (issue 11, item 9): strings are laid out as msgcat lays them out, on the cases our booklets produce."""
from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from booklet.pofile import Entry, PoFile, dump, read_po_file

CASES = [
    # a link whose URL crosses column 79
    "Read the full statement on the campaign site at https://www.justiceforkhojaly.org/en/statements/2022/khojaly-30th.html today.",
    "See [the report](https://www.hrw.org/reports/1993/azerbaijan/azerbaijan-seven-years-of-conflict-in-nagorno-karabakh) for details.",
    # French spacing: " :", " ;", " ?", " !" never start a line
    "La commémoration a lieu chaque année à Bakou et ailleurs, et la question demeure : qui répondra ? Les familles attendent ; toujours.",
    "Les familles des disparus attendent des nouvelles depuis trente ans et plus ; elles demandent justice et vérité : pourquoi ?",
    "Ils demandent justice pour les victimes et les survivants, les disparus et leurs familles, ce soir ! Et demain ? Toujours.",
    # Japanese: no break before 、 。 ) or after 「
    "この出版物はアクセシビリティの基本要件を満たしています：論理的な読み順の本文、構造的なナビゲーション、目次、テキストで示したグラフ。",
    "「ホジャリ」の悲劇は、一九九二年二月二十六日の夜に起きました。（詳しくは出典を参照してください。）記憶を守ることが大切です。",
    "如果没有指定输出文件，输出文件的名称将会由 --locale 选项或者用户的语系决定。\n",
    "Text with a very long word in it: Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherungsanstalt and more words.",
    "A sentence with an em dash—like this one—and an en dash – and some more words to reach the limit of the line, and then more.",
    "The --flag argument doesn't have the <keyword>:<argnum>:[pass-]<flag> syntax: %s and more words after it here.",
]
#: The Plural-Forms header `init ga` writes (CLDR's Irish rule).
IRISH = "nplurals=5; plural=(n==1 ? 0 : n==2 ? 1 : (n>2 && n<7) ? 2 :(n>6 && n<11) ? 3 : 4);"


@pytest.mark.parametrize("prefix", ["", "x " * 7])
def test_wrapping_equals_msgcat(prefix, tmp_path):
    header = Entry(msgid="", msgstr=[f"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: {IRISH}\n"])
    entries = [Entry(msgid=f"m{n}", msgstr=[prefix + text]) for n, text in enumerate(CASES)]
    ours = dump(PoFile([header, *entries, *(Entry(msgid=prefix + text) for text in CASES)]))
    (tmp_path / "w.po").write_bytes(ours)
    expected = subprocess.run(["msgcat", str(tmp_path / "w.po")], capture_output=True, check=True).stdout
    assert ours.decode() == expected.decode()


#: The catalogs our booklets ship: the sample's, the world fixture's, the multilingual fixture's, and their templates.
SHIPPED = ("locales", "tests/fixtures/projects/world/locales", "tests/fixtures/multilingual/locales")


@pytest.mark.parametrize("folder", SHIPPED)
def test_our_layout_of_the_shipped_catalogs_equals_msgcat(folder):
    root = Path(__file__).parent.parent
    paths = sorted((root / folder).glob("*/LC_MESSAGES/*.po")) + sorted((root / folder).glob("*.pot"))
    assert len(paths) >= 3
    with ThreadPoolExecutor(max_workers=4) as pool:     # msgcat lays out every file while ours are laid out
        relaid = [pool.submit(subprocess.run, ["msgcat", str(path)], capture_output=True, check=True) for path in paths]
    for path, gnu in zip(paths, relaid):
        po = read_po_file(path.read_bytes())
        for entry in po.entries:
            entry.raw = {}     # forget the lines read: every entry laid out by our writer
        expected = gnu.result().stdout
        assert (path.name, dump(po).decode()) == (path.name, expected.decode()), path
        assert path.read_bytes() == expected, f"{path} is not laid out as msgcat lays it out (msgcat -o FILE FILE fixes it)"
