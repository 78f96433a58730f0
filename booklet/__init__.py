"""booklet: build multilingual PDF and EPUB booklets from YAML content and gettext catalogs.

The public API is what this module exports:

- :func:`build` builds a booklet folder into an output folder (see :class:`BuildOptions`);
- :func:`load_booklet` reads and validates a booklet's content into the data model;
- :class:`BookletError` carries every user-facing problem, each with a file and a line.

The command line (``python build.py``, the ``booklet`` script) is :func:`booklet.cli.main`.
"""
from .content import load_booklet
from .errors import BookletError, Location, Problem
from .pipeline import BuildOptions, build

__version__ = "0.1.0"
__all__ = ["BookletError", "BuildOptions", "Location", "Problem", "build", "load_booklet", "__version__"]
