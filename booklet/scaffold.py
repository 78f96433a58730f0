"""``booklet new DIR``: create a small, valid booklet folder that builds at once."""
from __future__ import annotations

import shutil
from pathlib import Path

from .errors import BookletError, Location, Problem

#: The starter booklet shipped inside the package: settings, four sections, a README for translators.
STARTER = Path(__file__).resolve().parent / "starter"


def new_booklet(target: Path) -> list[Path]:
    """Copy the starter booklet into ``target`` (which must be missing or empty) and write its catalog template."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BookletError([Problem(Location(target), "exists and is not an empty folder; choose a new folder name")])
    shutil.copytree(STARTER, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
    from .catalogs import extract

    extract(target)                                    # locales/booklet.pot, so translators can start at once
    return sorted(path for path in target.rglob("*") if path.is_file())
