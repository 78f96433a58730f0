"""The README's module map lists every module of the package, and nothing that is not one."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def map_modules(readme: str) -> set[str]:
    """Return the module names in the README's table that starts with ``| module | stage |``."""
    table = readme.split("| module | stage |", 1)[1].split("\n\n", 1)[0]
    return {name for row in table.splitlines() for name in re.findall(r"`([\w/]+\.py)`", row.split("|")[1] if "|" in row else "")}


def package_modules() -> set[str]:
    """Return every module of the package, ``formats/`` ones with their folder."""
    package = ROOT / "booklet"
    return {p.relative_to(package).as_posix() for p in [*package.glob("*.py"), *package.glob("formats/*.py")]}


def test_readme_module_map_matches_the_package():
    listed = map_modules((ROOT / "README.md").read_text(encoding="utf-8"))
    assert sorted(package_modules() - listed) == []       # a module the map does not describe
    assert sorted(listed - package_modules()) == []       # a row for a module that is gone


def test_map_modules_reads_only_the_first_column():
    readme = "x\n| module | stage |\n|---|---|\n| `a.py`, `formats/b.py` | uses `c.py` |\n\nafter `d.py`\n"
    assert map_modules(readme) == {"a.py", "formats/b.py"}
