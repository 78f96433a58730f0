"""Separators the templates write between an attribution and its source, and after a source's title, follow the language."""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

from booklet.cli import main

WORLD = Path(__file__).parent / "fixtures" / "projects" / "world"
#: (quote caption, start of the source entry) per language: the catalogs' own comma (ja 、, fa ،), else CLDR's list
#: comma (th: a space); the full stop by script (ja 。, th a space).
EXPECTED = {
    "en": ("— A fisher, <cite>A conversation</cite>", '<span class="source-title">A river survey</span>. A water office, June 2023.'),
    "ja": ("— ある漁師、<cite>ある会話</cite>", '<span class="source-title">河川調査</span>。水道局、2023年6月。'),
    "fa": ("— یک ماهیگیر، <cite>یک گفت\u200cوگو</cite>", '<span class="source-title">بررسی رودها</span>. اداره\u200cی آب، ژوئن ۲۰۲۳.'),
    "th": ("— ชาวประมงคนหนึ่ง <cite>บทสนทนาครั้งหนึ่ง</cite>", '<span class="source-title">การสำรวจแม่น้ำ</span> สำนักงานน้ำ'),
}


def test_world_separators_in_each_language(tmp_path):
    root = tmp_path / "world"
    shutil.copytree(WORLD, root)
    err = io.StringIO()
    assert main(["--source", str(root), "build", "--format", "html", "--lang", ",".join(EXPECTED), "--out", str(root / "dist")],
                stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    for lang, (quote, source) in EXPECTED.items():
        html = (root / "dist" / f"world-{lang}" / "index.html").read_text(encoding="utf-8")
        assert re.search(r"<figcaption>(— [^\n]*?</cite>)</figcaption>", html).group(1) == quote
        assert source in html, lang
