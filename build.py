"""Build every language of the booklet in this folder: ``python build.py --help``."""
from booklet.cli import main

raise SystemExit(main())
