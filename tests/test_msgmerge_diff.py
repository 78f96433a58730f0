"""Differential suite: ``booklet update``'s merge against GNU ``msgmerge --previous`` on generated edit sequences (issue 11).

Each sequence starts from an empty catalog in one language (ru, ar, fr: 3, 6 and 2
plural forms) and runs seeded random steps on a template: add, remove, edit a little
(fuzzy match), edit a changed text again, rewrite, restore a removed text, revert an
edit, change the context, turn a string into a plural and back, add a short string
(the last test checks that every kind occurs in every language). After each step both merges run on the
same inputs; the results must be equal entry by entry (msgctxt, msgid, msgid_plural,
msgstr, fuzzy, previous text, obsolete) and byte for byte. Then a simulated
translator translates some new entries and reviews some fuzzy ones, and the next
step starts from that file.

A last test merges an edited copy of the sample's template into its seven real catalogs
(long paragraphs, six Arabic plural forms, msgcat's layout) through both.

Flags: ``msgmerge --previous`` with its default fuzzy matching, because ``update``
gives translators the closest earlier translation (fuzzy, with ``#|``) when a text
changes; ``--no-fuzzy-matching`` would send every edited string to obsolete.
Known differences (none generated here): msgmerge guesses a missing Language field
from Language-Team through its own language table (we write it empty), and checks
c-format and the other format flags besides python-format when a template newly
marks a string as a format string.
"""
from __future__ import annotations

import random
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from booklet.pofile import Entry, PoFile, dump, read_po_file
from booklet.pomerge import merge

from .conftest import early_result

LANGUAGES = {
    "ru": "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);",
    "ar": "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5);",
    "fr": "nplurals=2; plural=(n > 1);",
}
WORDS = ("memory", "village", "night", "winter", "family", "survivors", "justice", "names", "river", "school", "light",
         "road", "children", "garden", "voices", "letters", "morning", "bridge", "stone", "history", "witness", "home")
SEQUENCES = 54
STEPS = 7


def sentence(rng: random.Random) -> str:
    """Return a random sentence of 3–14 words."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 14))]
    return " ".join(words).capitalize() + rng.choice((".", "", ":", "?"))


def small_edit(rng: random.Random, text: str) -> str:
    """Change one word (or drop one): a text msgmerge finds similar."""
    words = text.split(" ")
    position = rng.randrange(len(words))
    if len(words) > 3 and rng.random() < 0.3:
        del words[position]
    else:
        words[position] = rng.choice(WORDS)
    return " ".join(words)


class Template:
    """The template's entries as (msgctxt, msgid, msgid_plural), edited step by step."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.items: list[tuple[str | None, str, str | None]] = [(None, sentence(rng), None) for _ in range(rng.randint(3, 8))]
        self.removed: list[tuple[str | None, str, str | None]] = []
        self.history: list[tuple[str | None, str, str | None]] = []
        self.edited: set[tuple[str | None, str, str | None]] = set()

    def step(self) -> str:
        """Apply one random edit; return its name (``edit again``: a text changed a second time)."""
        rng = self.rng
        operation = rng.choice(("add", "remove", "edit", "edit", "rewrite", "again", "restore", "context", "plural", "short",
                                "revert"))
        if not self.items or operation == "restore" and not self.removed or operation == "revert" and not self.history:
            operation = "add"   # every step changes the template, and its name says how
        index = rng.randrange(len(self.items)) if self.items else 0
        if operation == "again":   # change a changed text once more (its translation may still be fuzzy)
            again = [n for n, item in enumerate(self.items) if item in self.edited]
            operation, index = "edit", rng.choice(again) if again else index
        if operation == "add":
            self.items.insert(rng.randint(0, len(self.items)), (rng.choice((None, None, "title")), sentence(rng), None))
        elif operation == "remove":
            self.removed.append(self.items.pop(index))
        elif operation in ("edit", "rewrite"):
            context, text, plural = self.items[index]
            self.history.append(self.items[index])
            changed = small_edit(rng, text) if operation == "edit" else sentence(rng)
            operation += " again" if self.items[index] in self.edited else ""
            self.items[index] = (context, changed, plural)
            self.edited.add(self.items[index])
        elif operation == "restore":
            self.items.insert(rng.randint(0, len(self.items)), self.removed.pop(rng.randrange(len(self.removed))))
        elif operation == "revert":
            self.items[index] = self.history.pop()
        elif operation == "context":
            context, text, plural = self.items[index]
            self.items[index] = ({None: "menu", "menu": "title", "title": None}[context], text, plural)
        elif operation == "plural":
            context, text, plural = self.items[index]
            self.items[index] = (context, text, None if plural else text + " (many)")
        elif operation == "short":
            self.items.insert(rng.randint(0, len(self.items)), (None, rng.choice(("OK", "No", "Yes", "Map", "Go", "Back", "Bac")), None))
        self.items = list(dict.fromkeys(self.items))
        keys = set()
        self.items = [i for i in self.items if (i[0], i[1]) not in keys and not keys.add((i[0], i[1]))]
        return operation

    def pot(self, step: int) -> bytes:
        """Return the template file, as extract writes one."""
        header = Entry(msgid="", msgstr=[
            "Project-Id-Version: test 1\nReport-Msgid-Bugs-To: \n"
            f"POT-Creation-Date: 2026-01-{step + 1:02d} 00:00+0000\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\n"], flags=["fuzzy"])
        entries = [Entry(msgid=text, msgctxt=context, msgid_plural=plural, msgstr=["", ""] if plural else [""],
                         references=[f"content/sections/s{n}.yaml:{n + 1}"], extracted=[f" note {n}"] if n % 3 == 0 else [])
                   for n, (context, text, plural) in enumerate(self.items)]
        return dump(PoFile([header, *entries]))


def new_catalog(lang: str) -> bytes:
    """Return an empty catalog for a language, as init writes one."""
    header = Entry(msgid="", msgstr=[
        "Project-Id-Version: test 1\nReport-Msgid-Bugs-To: \nPOT-Creation-Date: 2026-01-01 00:00+0000\n"
        "PO-Revision-Date: 2026-01-01 00:00+0000\nLast-Translator: T <t@example.org>\n"
        f"Language-Team: {lang} <LL@li.org>\nLanguage: {lang}\nMIME-Version: 1.0\n"
        f"Content-Type: text/plain; charset=UTF-8\nContent-Transfer-Encoding: 8bit\nPlural-Forms: {LANGUAGES[lang]}\n"
        "X-Generator: Poedit 3.4\n"], comments=[" Test catalog.", ""])
    return dump(PoFile([header]))


def translate(rng: random.Random, catalog: bytes, lang: str) -> bytes:
    """Translate some untranslated entries and review some fuzzy ones, as a translator would."""
    po = read_po_file(catalog)
    for entry in po.entries:
        if entry.obsolete or entry.is_header:
            continue
        if not entry.msgstr[0] and rng.random() < 0.7:
            entry.msgstr = [f"[{lang}{k}] {entry.msgid}" for k in range(len(entry.msgstr))]
        elif entry.fuzzy and rng.random() < 0.5:
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            entry.previous = None
            entry.msgstr = [f"[{lang}{k}] {entry.msgid}" for k in range(len(entry.msgstr))]
    return dump(po)


def msgmerge(folder: Path, catalog: bytes, pot: bytes, env: dict[str, str] | None = None) -> bytes:
    """Return GNU msgmerge --previous's result (``folder`` holds this merge's files only; ``env``: its environment)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "def.po").write_bytes(catalog)
    (folder / "ref.pot").write_bytes(pot)
    subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(folder / "out.po"), str(folder / "def.po"),
                    str(folder / "ref.pot")], check=True, env=env)
    return (folder / "out.po").read_bytes()


def entries(data: bytes) -> list[tuple]:
    """The parsed entries compared between the two merges."""
    return [(e.msgctxt, e.msgid, e.msgid_plural, tuple(e.msgstr), e.fuzzy, e.previous, e.obsolete)
            for e in read_po_file(data).entries]


def sequence(seed: int, folder: Path, env: dict[str, str] | None = None, steps: list | None = None) -> list[tuple]:
    """Run one sequence through both merges; return ``steps`` with (steps done, ours, msgmerge's) appended for each step."""
    steps = [] if steps is None else steps
    rng = random.Random(-1 - seed)     # the translator's choices; the template's edits have their own generator
    lang = tuple(LANGUAGES)[seed % len(LANGUAGES)]
    template = Template(random.Random(seed))
    catalog = new_catalog(lang)
    done = []
    for step in range(STEPS):
        done.append(template.step() if step else "start")
        pot = template.pot(step)
        expected = msgmerge(folder / f"{seed}-{step}", catalog, pot, env)
        ours = dump(merge(read_po_file(catalog), read_po_file(pot)))
        steps.append((list(done), ours, expected))
        catalog = translate(rng, ours, lang)
    return steps


def early_sequences(folder: Path, env: dict[str, str]) -> dict[int, tuple[list[tuple], bool]]:
    """Every sequence's steps, and whether it ended in an error (385 runs of msgmerge, each slow to start: see conftest)."""
    outcomes = {}
    for seed in range(SEQUENCES):
        steps: list[tuple] = []
        try:
            outcomes[seed] = (sequence(seed, folder, env, steps), False)
        except Exception:
            outcomes[seed] = (steps, True)    # its test runs it again, to raise the error with its traceback
    return outcomes


@pytest.fixture(scope="module")
def sequences(request, tmp_path_factory):
    """Every sequence's steps, from the work started when collection ended."""
    return early_result(request, tmp_path_factory.mktemp("msgmerge"))


@pytest.mark.parametrize("seed", range(SEQUENCES))
def test_update_equals_msgmerge_previous(seed, sequences, tmp_path):
    lang = tuple(LANGUAGES)[seed % len(LANGUAGES)]
    steps, failed = sequences[seed]
    for done, ours, expected in steps:   # step by step: a step's catalog is the translated result of ours before
        assert entries(ours) == entries(expected), f"{lang}, steps {done}"
        assert ours.decode() == expected.decode(), f"{lang}, steps {done}: same entries, different bytes"
    if failed:
        sequence(seed, tmp_path)
        pytest.fail("the sequence raised an error when run beside the tests, but not again")


def test_the_sequences_cover_every_kind_of_edit_in_every_language():
    done: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for seed in range(SEQUENCES):
        template = Template(random.Random(seed))
        done[tuple(LANGUAGES)[seed % len(LANGUAGES)]].update(template.step() for _ in range(STEPS - 1))
    wanted = {"add", "edit", "edit again", "rewrite", "remove", "restore", "context", "plural", "revert", "short"}
    assert {lang: wanted - kinds for lang, kinds in done.items()} == dict.fromkeys(LANGUAGES, set())


def test_update_of_the_sample_catalogs_equals_msgmerge_previous(tmp_path):
    root = Path(__file__).parent.parent
    template = read_po_file((root / "locales/booklet.pot").read_bytes())
    plural = next(e for e in template.entries if e.msgid_plural)
    edited, moved, rewritten, removed = [e for e in template.entries if len(e.msgid) > 100 and not e.msgid_plural][:4]
    plural.msgid_plural = plural.msgid_plural + "s"                     # a plural's text changed a little
    edited.msgid = small_edit(random.Random(7), edited.msgid)            # a paragraph edited
    moved.msgctxt = "other"                                              # a context changed
    rewritten.msgid = "Zq xv " * 5                                       # a paragraph rewritten beyond recognition
    template.entries.remove(removed)                                     # a paragraph removed
    pot = dump(template)
    catalogs = {lang: (root / f"locales/{lang}/LC_MESSAGES/booklet.po").read_bytes() for lang in ("ar", "az", "de", "es", "fr", "ru", "tr")}
    with ThreadPoolExecutor(max_workers=4) as gnu:
        expected = {lang: gnu.submit(msgmerge, tmp_path / lang, catalog, pot) for lang, catalog in catalogs.items()}
        for lang, catalog in catalogs.items():
            ours = dump(merge(read_po_file(catalog), read_po_file(pot)))
            assert ours.decode() == expected[lang].result().decode(), lang
            fuzzy = [e.msgid for e in read_po_file(ours).entries if e.fuzzy and e.previous and not e.obsolete]
            assert (lang, len(fuzzy), ours.count(b"\n#~ msgid") - catalog.count(b"\n#~ msgid")) == (lang, 3, 2)
