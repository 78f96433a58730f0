"""Command line: ``python build.py [build|extract|update|init|status|check|serve|merge] ...``; parsing and printing only."""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from . import pipeline, shards
from .errors import BookletError, Location, Problem
from .formats import FORMATS, PDF_VARIANTS
from .imposition import describe_page_count, layout_pages, office_sheet_note
from .languages import bcp47, parse_language
from .pipeline import BuildOptions
from .progress import Progress
from .publish import InterruptedAfterPublishing

# The modules of the other commands (catalogs, review, scaffold, serve) are imported by the command that
# uses them: a build, above all a no-op rebuild, does not load them.

COMMANDS = ("build", "new", "extract", "update", "init", "status", "check", "serve", "merge")


def _split(value: str) -> list[str]:
    """Split a comma-separated option value."""
    return [part.strip() for part in value.split(",") if part.strip()]


def _languages(value: str) -> list[str]:
    """Split a comma-separated ``--lang`` value into canonical codes (``pt-BR`` and ``pt_BR`` are the same)."""
    return [parse_language(code) or code for code in _split(value)]


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are problems like any other (exit 1), not argparse's exit 2."""

    def error(self, message: str) -> NoReturn:
        """Raise the mistake as one problem located at the option it names, or at the command."""
        option, _, reason = message.partition(": ") if message.startswith("argument ") else ("", "", message)
        where = option.removeprefix("argument ").split("/")[0] if option else self.prog
        raise BookletError([Problem(Location(Path(where)), f"{reason} (see {self.prog} --help)")])


def make_parser() -> argparse.ArgumentParser:
    """Create the argument parser with one sub-command per action."""
    parser = _Parser(prog="booklet", description="Build multilingual PDF and EPUB booklets from YAML and gettext catalogs.")
    parser.add_argument("--source", type=Path, default=Path("."), help="booklet folder with content/ and locales/ (default: .)")
    commands = parser.add_subparsers(dest="command")
    _add_build_command(commands)
    new = commands.add_parser("new", help="create a new booklet folder that builds at once")
    new.add_argument("folder", type=Path, help="the folder to create (missing or empty)")
    commands.add_parser("extract", help="write locales/booklet.pot from the content and templates")
    update = commands.add_parser("update", help="merge the template into every catalog")
    update.add_argument("--lang", type=_languages, help="comma-separated languages (default: all)")
    init = commands.add_parser("init", help="create the catalog of a new language")
    init.add_argument("language", help="language code, e.g. pt-BR")
    status = commands.add_parser("status", help="print translation coverage per language")
    status.add_argument("--json", action="store_true", help="print the figures as JSON")
    check = commands.add_parser("check", help="validate content and catalogs without building")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    serve = commands.add_parser("serve", help="preview the web edition on localhost, rebuilt on every change")
    serve.add_argument("--lang", type=_languages, help="comma-separated languages (default: all)")
    serve.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default: 8000)")
    serve.add_argument("--out", type=Path, default=None, help="preview folder (default: .preview/ in the booklet folder)")
    merge = commands.add_parser("merge", help="combine the output folders of shard builds into one")
    merge.add_argument("inputs", nargs="+", type=Path, help="output folders of shard builds")
    merge.add_argument("--out", type=Path, default=None, help="combined output folder (default: dist/ in the booklet folder)")
    return parser


def _add_build_command(commands) -> None:
    """Add the build command and its options."""
    build = commands.add_parser("build", help="build every language in every format (default)")
    build.add_argument("--lang", type=_languages, help="comma-separated languages (default: all)")
    build.add_argument("--format", type=_split, help=f"comma-separated formats: {', '.join(FORMATS)} (default: all)")
    build.add_argument("--out", type=Path, default=None, help="output folder (default: dist/ in the booklet folder)")
    build.add_argument("--jobs", default=None, help="languages built in parallel (default: number of cores)")
    build.add_argument("--draft", action="store_true", help="use fuzzy translations and mark fallback text in place")
    build.add_argument("--strict", action="store_true", help="treat warnings (untranslated text) as errors")
    build.add_argument("--force", action="store_true", help="rebuild every language even when its inputs did not change")
    build.add_argument("--shard", help="build only share K of N of the languages (K/N), e.g. for a CI matrix; see merge")
    build.add_argument("--pdf-variant", choices=PDF_VARIANTS, default=PDF_VARIANTS[0],
                       help="PDF standard of the PDFs: pdf/ua-1 (accessible, default) or pdf/a-3u (archival); both are tagged")


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    """Run the command line; return the exit status (1 for user mistakes, listed on stderr)."""
    stdout, stderr = stdout or sys.stdout, stderr or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    if not any(arg in COMMANDS for arg in argv) and "-h" not in argv and "--help" not in argv:
        argv = _insert_default_command(argv)
    try:
        args = make_parser().parse_args(argv)
    except BookletError as error:   # an unknown option or choice: one line, exit 1 like every user mistake
        _print_problems(error.problems, Path.cwd(), stderr)
        return 1
    root = args.source.resolve()
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=stderr)
    try:
        return _dispatch(args, root, stdout, stderr)
    except BrokenPipeError:  # the reader of our output went away (``status | head``)
        return 0
    except BookletError as error:
        _print_problems(error.problems, root, stderr)
        return 1
    except InterruptedAfterPublishing:   # Ctrl-C held while the new set was put in place
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        print("interrupted: the new outputs were published", file=stderr)
        return 130
    except KeyboardInterrupt:   # workers are stopped and staging removed on the way out
        signal.signal(signal.SIGINT, signal.SIG_IGN)     # a second Ctrl-C while exiting changes nothing: still 130
        print("interrupted: the output folder was not changed", file=stderr)
        return 130


def _insert_default_command(argv: list[str]) -> list[str]:
    """Place ``build`` after the global options when no command was given."""
    if argv[:1] == ["--source"] and len(argv) >= 2:
        return argv[:2] + ["build"] + argv[2:]
    if argv and argv[0].startswith("--source="):
        return argv[:1] + ["build"] + argv[1:]
    return ["build", *argv]


def _dispatch(args: argparse.Namespace, root: Path, stdout: TextIO, stderr: TextIO) -> int:
    """Run the chosen command."""
    if args.command == "new":
        from .scaffold import new_booklet

        written = new_booklet(args.folder.resolve())
        print(f"{files_phrase(len(written))} in {args.folder}; build it with: booklet --source {args.folder}", file=stdout)
    elif args.command in ("extract", "update", "init"):
        _catalog_command(args, root, stdout)
    elif args.command == "status":
        from . import review

        figures = review.status(root)
        print(json.dumps({"languages": [c.as_dict() for c in figures]}, indent=2) if args.json else format_table(review.status_rows(figures)), file=stdout)
    elif args.command == "check":
        return _check(args, root, stdout, stderr)
    elif args.command == "merge":
        out_dir = (args.out or root / "dist").resolve()
        manifest = shards.merge(root, out_dir, [p.resolve() for p in args.inputs])
        print(f"{files_phrase(len(manifest.entries))} in {out_dir}", file=stdout)
    elif args.command == "serve":
        from .serve import serve

        serve(root, (args.out or root / ".preview").resolve(), args.lang, args.port, stderr)
    else:
        return _build(args, root, stdout, stderr)
    return 0


def _catalog_command(args: argparse.Namespace, root: Path, stdout: TextIO) -> None:
    """Run extract, update or init, printing each written file relative to the booklet."""
    from . import catalogs

    if args.command == "extract":
        print(catalogs.extract(root).relative_to(root), file=stdout)
    elif args.command == "update":
        for path in catalogs.update(root, args.lang):
            print(path.relative_to(root), file=stdout)
    else:
        print(catalogs.init(root, args.language).relative_to(root), file=stdout)


def _check(args: argparse.Namespace, root: Path, stdout: TextIO, stderr: TextIO) -> int:
    """Validate without building; exit 1 on errors (or on warnings with --strict)."""
    from . import review

    problems = review.check(root)
    _print_problems(problems, root, stderr)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    print(f"{_count(errors, 'error')}, {_count(warnings, 'warning')}", file=stdout)
    return 1 if errors or (args.strict and warnings) else 0


def _count(n: int, noun: str) -> str:
    """Return ``1 error`` or ``N errors``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _build(args: argparse.Namespace, root: Path, stdout: TextIO, stderr: TextIO) -> int:
    """Build, then print the warnings and the summary table."""
    if args.jobs is not None and not (args.jobs.isdigit() and int(args.jobs) > 0):
        print(f"--jobs: error: --jobs must be a whole number of at least 1, not {args.jobs!r}", file=stderr)
        return 1
    progress = Progress(stderr)
    options = BuildOptions(langs=args.lang, formats=args.format, jobs=args.jobs and int(args.jobs), draft=args.draft, force=args.force,
                           pdf_variant=args.pdf_variant, shard=args.shard, strict=args.strict)
    report = pipeline.build(root, (args.out or root / "dist").resolve(), options, progress=progress.done, on_stage=progress.stage)
    _print_problems(report.warnings, root, stderr)
    print(summary_table(report), file=stdout)
    if any(o.format == "booklet" for result in report.results for o in result.outputs):
        note = office_sheet_note(report.page_size)   # A4/letter booklets are printed at reduced scale
        if note:
            print(note, file=stdout)
    return 0


def summary_table(report: pipeline.BuildReport) -> str:
    """Format the end-of-build table: language, pages (with the blank pages a printed booklet adds), sizes, translation warnings."""
    rows = [("language", "pages", "pdf", "epub", "web", "untranslated", "fuzzy")]
    for result in report.results:
        by_format = {o.format: o for o in result.outputs}
        web = sum(o.bytes for o in result.outputs if o.format == "html")
        pages = layout_pages(result.outputs)
        rows.append((bcp47(result.lang), describe_page_count(pages) if pages else "-", _size(by_format.get("pdf")),
                     _size(by_format.get("epub")), f"{web / 1024:.0f} kB" if web else "-",
                     str(result.counts.get("missing", 0)), str(result.counts.get("fuzzy", 0))))
    return format_table(rows) + f"\n\n{files_phrase(report.files)} in {report.out_dir}"


def files_phrase(count: int) -> str:
    """Return "1 file" or "N files"."""
    return f"{count} file" if count == 1 else f"{count} files"


def format_table(rows: Sequence[Sequence[str]]) -> str:
    """Lay out rows as a plain-text table; the first row is the header."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def _size(output) -> str:
    """Format a file size in kB."""
    return f"{output.bytes / 1024:.0f} kB" if output else "-"


def _print_problems(problems: Sequence[Problem], root: Path, stream: TextIO) -> None:
    """Print problems as ``path:line:col: severity: message``, paths relative to the booklet."""
    for problem in sorted(problems, key=lambda p: (str(p.location.path), p.location.line or 0, p.location.column or 0)):
        location = problem.location.relative_to(root) if problem.location.path.is_absolute() else problem.location
        print(f"{location}: {problem.severity}: {problem.message}", file=stream)
