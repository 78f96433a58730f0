"""The build pipeline: load, validate, render each language once, write every format, then publish.

``build()`` reads like the pipeline; the stages live beside it: ``workers`` runs
languages in processes, ``state`` holds the fingerprints of incremental builds,
``manifest`` describes the outputs, ``publish`` moves them into place, and
``shards`` splits and merges CI builds. Release policy and translation warnings
are the functions below :func:`build`.
"""
from __future__ import annotations

import datetime as dt
import errno
import logging
import os
import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path

from babel.messages.catalog import Catalog

from . import state
from .content import load_booklet
from .errors import BookletError, Location, Problem
from .formats import FORMATS, PDF_VARIANTS, write_formats
from .i18n import catalog_path, load_catalog
from .imposition import page_count_warnings
from .languages import bcp47, parse_language
from .manifest import Manifest, entry_for, load_published, write_manifest
from .model import Booklet
from .outputs import LanguageJob, LanguageResult, Output
from .publish import check_out_dir, disk_problem, make_staging, publish, recover
from .render import make_environment, render_view, template_dirs
from .shards import shard_languages
from .translation import (
    Key,
    Scope,
    Translator,
    booklet_strings,
    catalog_problems,
    coverage_percent,
    language_counts,
    unusable_keys,
)

log = logging.getLogger(__name__)
#: Write failures in the output folder that are the user's to fix, reported as one located line.
DISK_ERRORS = (errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES)
__all__ = ["BuildOptions", "BuildReport", "LanguageResult", "Output", "build"]


@dataclass(frozen=True)
class BuildOptions:
    """What to build: the command line's build options."""

    #: Languages (BCP 47 or CLDR codes); None means every language of the booklet.
    langs: Sequence[str] | None = None
    #: Format names; None means every format.
    formats: Sequence[str] | None = None
    #: Languages built in parallel processes; None means one per core.
    jobs: int | None = None
    #: Use fuzzy translations and mark fuzzy and untranslated text in place.
    draft: bool = False
    #: Rebuild even languages whose inputs did not change.
    force: bool = False
    #: PDF standard of the screen and print PDFs.
    pdf_variant: str = PDF_VARIANTS[0]
    #: Build only share K of N of the languages ("K/N").
    shard: str | None = None
    #: Treat warnings as errors: nothing is published when there are any.
    strict: bool = False


@dataclass(frozen=True)
class BuildReport:
    """What a build did: every requested language's result, the languages rebuilt, and the warnings."""

    out_dir: Path
    #: One result per requested language, in booklet order (rebuilt or reused).
    results: tuple[LanguageResult, ...]
    rebuilt: tuple[str, ...]
    warnings: tuple[Problem, ...]
    #: The booklet's page size (the CLI's note on printing the office booklet), so nobody loads the booklet again.
    page_size: str = "A5"

    @property
    def files(self) -> int:
        """Return how many files the requested languages have."""
        return sum(len(result.outputs) for result in self.results)


@dataclass(frozen=True)
class LanguageTask:
    """Everything a worker process needs to build one language."""

    booklet: Booklet
    lang: str
    catalog: Catalog | None
    formats: tuple[str, ...]
    out_dir: Path
    timestamp: dt.datetime
    draft: bool
    pdf_variant: str
    #: This language's files listed in the published manifest.
    published: tuple[str, ...] = ()
    #: The language's strings by state (translation.language_counts), the same whatever formats are built.
    counts: Mapping[str, int] = field(default_factory=dict)
    #: Catalog entries with defects, never shown (translation.unusable_keys).
    unusable: frozenset[Key] = frozenset()


def build(root: Path, out_dir: Path, options: BuildOptions = BuildOptions(), *,
          progress: Callable[[LanguageResult], None] = lambda result: None,
          on_stage: Callable[[str, str], None] = lambda lang, stage: None) -> BuildReport:
    """Build the requested formats of the requested languages into ``out_dir`` and report what happened."""
    booklet = load_booklet(root)                                  # raises with every content problem
    check_out_dir(out_dir, root)
    langs = shard_languages(select_languages(booklet, options.langs), options.shard)
    formats = select_formats(options.formats)
    check_pdf_variant(options.pdf_variant)
    if out_dir.is_dir():
        recover(out_dir)                                          # finish an interrupted publication first
    timestamp = build_timestamp(booklet)
    fingerprints = state.fingerprints(booklet, langs, formats, options.draft, timestamp, options.pdf_variant,
                                      template_dirs(booklet.root))
    recorded = state.load_state(out_dir)
    reused = {} if options.force else state.up_to_date(out_dir, recorded, fingerprints)
    unchanged = _unchanged(booklet, out_dir, langs, reused, options)
    if unchanged is not None:                                     # a no-op rebuild reads no catalog
        return unchanged
    catalogs = load_catalogs(booklet, langs)                      # every .po problem, before any work
    strings = booklet_strings(booklet)                            # content and template strings
    unusable = check_translations(booklet, catalogs, strings)      # every translation defect check calls an error
    counts = {lang: language_counts(strings, catalogs[lang], unusable[lang]) for lang in langs}
    warnings: list[Problem] = []
    langs = release_languages(booklet, langs, counts, options.draft, warnings)
    fingerprints = {lang: fingerprints[lang] for lang in langs}    # languages held back are neither built nor kept
    reused = {lang: result for lang, result in reused.items() if lang in langs}
    published = load_published(out_dir)
    stale = [lang for lang in langs if lang not in reused]
    if not stale:                                                 # nothing changed: write nothing
        results = [reused[lang] for lang in langs]
        return _report(booklet, out_dir, results, (), warnings, published, options.strict)
    _instance_fonts(booklet)
    tasks = [LanguageTask(booklet, lang, catalogs[lang], tuple(formats), Path(), timestamp, options.draft,
                          options.pdf_variant, published.paths(bcp47(lang)), counts[lang], unusable[lang]) for lang in stale]
    try:
        return _build_and_publish(booklet, out_dir, tasks, options, reused, recorded, published, fingerprints,
                                  warnings, progress, on_stage)
    except OSError as error:
        if error.errno in DISK_ERRORS:
            raise disk_problem(error, out_dir) from None
        raise


def _instance_fonts(booklet: Booklet) -> None:
    """Make the static instances of variable fonts once, before the workers fork (HarfBuzz is imported only to build)."""
    from .fontcache import static_fonts

    static_fonts(booklet.fonts)


def _build_and_publish(booklet, out_dir, tasks, options, reused, recorded, published, fingerprints, warnings,
                       progress, on_stage) -> BuildReport:
    """Build the stale languages into a staging folder, then publish it with the manifest, page and record."""
    from . import workers  # a no-op rebuild loads neither the workers nor the download page
    from .download import write_download_page

    # Everything this build changes is staged first, so a failed or interrupted build leaves the
    # previous outputs untouched, and publishing is one journalled set of renames (publish.py).
    staging = make_staging(out_dir)
    try:
        tasks = [replace(task, out_dir=staging) for task in tasks]
        built = {r.lang: r for r in workers.run(build_language, tasks, options.jobs, attrgetter("lang"), on_stage, progress)}
        langs = [lang for lang in booklet.languages if lang in reused or lang in built]
        manifest = published.merged(entry_for(staging, o) for r in built.values() for o in r.outputs)
        results = [reused.get(lang) or _moved(built[lang], staging, out_dir) for lang in langs]
        report = _report(booklet, out_dir, results, tuple(built), warnings, manifest, options.strict)
        record = state.updated(recorded, staging, list(built.values()), fingerprints)
        write_manifest(staging, manifest)                         # describes finished files
        write_download_page(staging, booklet, {lang: entry["counts"] for lang, entry in record.items()}, manifest)
        state.write_state(staging, record)
        publish(staging, out_dir)
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _unchanged(booklet: Booklet, out_dir: Path, langs: Sequence[str], reused: Mapping[str, LanguageResult],
               options: BuildOptions) -> BuildReport | None:
    """Report a build with nothing to do, or None: every language recorded with the same inputs and intact files.

    The inputs include each catalog's bytes and the builder's code, so the catalogs' checks and
    counts are those recorded by the build that wrote the files; the release policy is applied
    to the recorded counts, and any language it would now hold back takes the full path.
    """
    if set(reused) != set(langs) or not all(result.counts for result in reused.values()):
        return None
    warnings: list[Problem] = []
    if release_languages(booklet, langs, {lang: reused[lang].counts for lang in langs}, options.draft, warnings) != list(langs):
        return None
    return _report(booklet, out_dir, [reused[lang] for lang in langs], (), warnings, load_published(out_dir), options.strict)


def _report(booklet: Booklet, out_dir: Path, results: Sequence[LanguageResult], rebuilt: Sequence[str],
            warnings: list[Problem], manifest: Manifest, strict: bool) -> BuildReport:
    """Collect every warning of the build; with ``strict``, raise them as errors instead."""
    # A format's own warnings (an image printed below 150 dpi) are the same in every language: listed once.
    written = dict.fromkeys(w for result in results for output in result.outputs for w in output.warnings)
    found = [*warnings, *translation_warnings(booklet, results), *page_count_warnings(booklet, results, manifest), *written]
    if strict and found:
        raise BookletError([*found, Problem(Location(Path("--strict")), f"{len(found)} warnings and --strict is set; nothing was published")])
    return BuildReport(out_dir, tuple(results), tuple(rebuilt), tuple(found), booklet.page_size)


def _moved(result: LanguageResult, staging: Path, out_dir: Path) -> LanguageResult:
    """Return a result with its files' paths where publishing puts them."""
    outputs = tuple(replace(o, path=out_dir / o.path.relative_to(staging)) for o in result.outputs)
    return replace(result, outputs=outputs)


def build_language(task: LanguageTask, on_stage: Callable[[str], None] = lambda stage: None) -> LanguageResult:
    """Render one language once and write each requested format from that rendering."""
    log.info("Rendering %s", task.lang)
    on_stage("render")
    job = language_job(task)
    outputs = write_formats(job, task.formats, task.pdf_variant, on_stage)   # one typesetting for every format
    return LanguageResult(task.lang, tuple(outputs), dict(task.counts))


def language_job(task: LanguageTask) -> LanguageJob:
    """Render one language: its view, its own template environment, and what the formats read."""
    from .download import MarkedTranslator

    translator = Translator(task.lang, task.catalog, task.booklet.root, use_fuzzy=task.draft, unusable=task.unusable)
    view = render_view(task.booklet, translator, draft=task.draft)
    dirs = template_dirs(task.booklet.root)
    env = make_environment(dirs)                    # this language's own environment: gettext installed once
    # Template strings shown in the source language carry its lang and dir, as on the download page.
    env.install_gettext_translations(MarkedTranslator(task.lang, task.catalog, task.booklet.root, task.booklet.source_language,
                                                      use_fuzzy=task.draft, unusable=task.unusable), newstyle=True)
    return LanguageJob.of(task.booklet, view, env, translator, task.out_dir, task.timestamp, dirs, task.published)


def select_languages(booklet: Booklet, requested: Sequence[str] | None) -> list[str]:
    """Return the canonical codes of the requested languages, in booklet order."""
    if not requested:
        return list(booklet.languages)
    problems, chosen = [], []
    for code in requested:
        lang = parse_language(code)
        if lang is None or lang not in booklet.languages:
            problems.append(Problem(booklet.source or Location(Path("content/booklet.yaml")),
                                    f"--lang {code!r} is not one of the booklet's languages ({', '.join(booklet.languages)})"))
        else:
            chosen.append(lang)
    if problems:
        raise BookletError(problems)
    return [lang for lang in booklet.languages if lang in chosen]


def check_translations(booklet: Booklet, catalogs: Mapping[str, Catalog | None], strings: Catalog) -> dict[str, frozenset[Key]]:
    """Refuse every translation defect that ``check`` calls an error; return each language's unusable entries."""
    unusable: dict[str, frozenset[Key]] = {}
    errors: list[Problem] = []
    for lang, catalog in catalogs.items():
        if catalog is None:
            unusable[lang] = frozenset()
            continue
        scope = Scope.of(booklet, lang, catalog, strings)
        errors += [problem for problem in catalog_problems(scope) if problem.severity == "error"]
        unusable[lang] = unusable_keys(scope)
    if errors:
        raise BookletError(errors)
    return unusable


def release_languages(booklet: Booklet, langs: Sequence[str], counts: Mapping[str, Mapping[str, int]],
                      draft: bool, warnings: list[Problem]) -> list[str]:
    """Drop languages below the booklet's min_coverage (drafts build them all), with a warning for each."""
    kept = []
    for lang in langs:
        percent = coverage_percent(counts[lang])
        if percent >= booklet.min_coverage or draft:
            kept.append(lang)
            continue
        where = Location(catalog_path(booklet.root, lang).relative_to(booklet.root))
        warnings.append(Problem(where, f"{lang}: {percent:.1f} % translated, below min_coverage {booklet.min_coverage:g} %; "
                                       f"not built (preview it with --draft)", "warning"))
    return kept


def select_formats(requested: Sequence[str] | None) -> list[str]:
    """Return the requested format names, checked against the registry."""
    if not requested:
        return list(FORMATS)
    unknown = [name for name in requested if name not in FORMATS]
    if unknown:
        raise BookletError([Problem(Location(Path("--format")), f"unknown format {name!r} (choose from {', '.join(FORMATS)})") for name in unknown])
    return [name for name in FORMATS if name in requested]


def check_pdf_variant(variant: str) -> None:
    """Fail unless ``variant`` is one of the PDF variants the builder offers."""
    if variant not in PDF_VARIANTS:
        raise BookletError([Problem(Location(Path("--pdf-variant")), f"unknown PDF variant {variant!r} (choose from {', '.join(PDF_VARIANTS)})")])


def load_catalogs(booklet: Booklet, langs: Sequence[str]) -> dict[str, Catalog | None]:
    """Load the catalog of every non-source language, collecting every problem."""
    catalogs: dict[str, Catalog | None] = {}
    problems: list[Problem] = []
    for lang in langs:
        if lang == booklet.source_language:
            catalogs[lang] = None
            continue
        try:
            catalogs[lang] = load_catalog(booklet.root, lang)
        except BookletError as error:
            problems.extend(error.problems)
    if problems:
        raise BookletError(problems)
    return catalogs


def build_timestamp(booklet: Booklet) -> dt.datetime:
    """Return SOURCE_DATE_EPOCH as a UTC time, or midnight UTC of the edition date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.combine(booklet.edition, dt.time(), dt.timezone.utc)
    try:                                   # reproducible-builds.org: a malformed value is an error, not ignored
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise BookletError([Problem(Location(Path("SOURCE_DATE_EPOCH")), "must be a whole number of seconds since"
                                    f" 1970-01-01 up to 253402300799 (9999-12-31), not {epoch!r}")]) from None


def translation_warnings(booklet: Booklet, results: Sequence[LanguageResult]) -> list[Problem]:
    """Return a warning per language whose text fell back to the source language."""
    warnings = []
    for result in results:
        fallback = {k: v for k, v in result.counts.items() if k in ("missing", "fuzzy", "broken") and v}
        if fallback:
            detail = ", ".join(f"{count} {kind}" for kind, count in sorted(fallback.items()))
            where = Location(catalog_path(booklet.root, result.lang).relative_to(booklet.root))
            warnings.append(Problem(where, f"{result.lang}: {detail} strings shown in the source language", "warning"))
    return warnings
