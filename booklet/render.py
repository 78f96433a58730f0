"""Render stage: translate the model for one language into a view, then into HTML.

``render_view`` turns the Booklet into a :class:`BookView`: every text translated,
inline markup rendered to safe HTML, numbers and dates formatted by Babel. The
templates then turn that one view into the PDF document, the EPUB chapters and
the web edition, so every format shows the same rendering.
"""
from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from babel import Locale
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from . import model
from .emphasis import script_of
from .errors import BookletError, Location, Problem
from .formatting import Formatter, formatter_for
from .inline import InlineError, inline_problems, plain_text, render_inline
from .languages import bcp47, direction, native_name
from .reader import parse_date
from .translation import Translated, Translator

#: The builder's own templates; a booklet's templates/ folder overrides them file by file.
DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class SectionView:
    """One section, translated and rendered."""

    id: str
    kind: str
    title: Markup
    title_text: str
    blocks: list[dict[str, Any]]


@dataclass(frozen=True)
class BookView:
    """Everything the templates need for one language; all text already translated."""

    slug: str
    lang: str          # canonical CLDR code, e.g. pt_BR
    tag: str           # BCP 47 tag for lang attributes, e.g. pt-BR
    dir: str           # ltr or rtl
    language_name: str
    title: Markup
    title_text: str
    subtitle: Markup | None
    subtitle_text: str
    publisher: str
    license: str
    description: str
    authors: list[str]
    keywords: list[str]
    edition_date: str  # long date in the language
    edition_iso: str
    page_size: str
    sections: list[SectionView]
    draft: bool = False
    #: Public address of the download page, if the booklet has one.
    download_url: str | None = None
    #: Where chapters start in the PDFs: "page" or "recto".
    chapter_start: str = "page"
    #: The ten digits of the language's numbering system (page numbers use them: formatting.counter_style_css).
    digits: str = "0123456789"
    #: The CLDR locale whose conventions format numbers and dates (``en_GB`` for a booklet's ``en``).
    locale: str = ""

    @property
    def chapters(self) -> list[SectionView]:
        """Return the sections that appear in tables of contents."""
        return [s for s in self.sections if s.kind in ("chapter", "back")]


def make_environment(template_dirs: list[Path]) -> jinja2.Environment:
    """Create the sandboxed Jinja environment: autoescaped, strict, with gettext for template strings.

    A booklet's templates are untrusted: the sandbox keeps them away from Python's internals
    (``lipsum.__globals__``, ``str.format`` tricks), and the loader refuses files that resolve
    outside their template folder (symlinks included).
    """
    env = BookletSandbox(
        loader=ConfinedLoader([str(d) for d in template_dirs]),
        bytecode_cache=compiled_templates(),
        autoescape=True,  # select_autoescape() would miss .xhtml (engine notes, pitfall 36)
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.policies["ext.i18n.trimmed"] = True
    env.filters["qr_code"] = qr_code
    return env


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per process and shared by its environments, which are all configured alike.

    Every language has an environment of its own (its gettext installed once); without this each
    compiled the same templates again. Jinja keys a template by its name and file and checks the
    source's checksum, so an edited template (``serve``) is compiled again.
    """

    def __init__(self):
        self.codes: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Give the bucket the code compiled before, if any."""
        if bucket.key in self.codes:
            bucket.bytecode_from_string(self.codes[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        """Remember the code just compiled."""
        self.codes[bucket.key] = bucket.bytecode_to_string()


@functools.cache
def compiled_templates() -> CompiledTemplates:
    """Return this process's cache of compiled templates."""
    return CompiledTemplates()


class BookletSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with ``*`` and ``**`` bounded: ``'x' * 10**10`` or ``10**10**8`` would exhaust the machine."""

    intercepted_binops = frozenset({"*", "**"})
    #: Longest text or list, and largest exponent, a template may compute.
    MAX_LENGTH, MAX_EXPONENT = 1_000_000, 1000

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any, right: Any) -> Any:
        """Compute ``left operator right``, refusing results too large for a booklet."""
        if operator == "**" and isinstance(right, int | float) and abs(right) > self.MAX_EXPONENT:
            raise jinja2.exceptions.SecurityError(f"an exponent above {self.MAX_EXPONENT} ({right})")
        if operator == "*":
            sized = [(s, n) for s, n in ((left, right), (right, left)) if isinstance(s, str | list | tuple) and isinstance(n, int)]
            if sized and len(sized[0][0]) * sized[0][1] > self.MAX_LENGTH:
                raise jinja2.exceptions.SecurityError(f"a repeated text or list longer than {self.MAX_LENGTH:,} items")
        return super().call_binop(context, operator, left, right)


class ConfinedLoader(jinja2.FileSystemLoader):
    """A file-system loader that refuses templates resolving outside their search folder."""

    def get_source(self, environment: jinja2.Environment, template: str):
        """Load like FileSystemLoader, then check where the file really is."""
        source, filename, uptodate = super().get_source(environment, template)
        real = Path(filename).resolve()
        if not any(real.is_relative_to(Path(folder).resolve()) for folder in self.searchpath):
            raise jinja2.exceptions.SecurityError(f"{template} is a link to a file outside the template folders")
        return source, filename, uptodate


def qr_code(url: str, title: str) -> Markup:
    """Return an inline SVG QR code for ``url`` (error correction M), titled for screen readers."""
    import segno

    return Markup(segno.make(url, error="m", micro=False).svg_inline(scale=1, border=0, omitsize=True, title=title))


def template_dirs(root: Path) -> list[Path]:
    """Return the template search path: the booklet's own folder first, then the defaults."""
    own = root / "templates"
    if own.is_dir() and not own.resolve().is_relative_to(root.resolve()):   # templates -> /somewhere/else
        raise BookletError([Problem(Location(Path("templates")), "is a link to a folder outside the booklet folder")])
    found: list[Path] = []
    for folder in (own, DEFAULT_TEMPLATES):
        if folder.is_dir() and folder.resolve() not in found:
            found.append(folder.resolve())
    return found


class _Context:
    """What rendering one language needs: translator, number format and problem list."""

    def __init__(self, booklet: model.Booklet, translator: Translator, draft: bool):
        self.booklet = booklet
        self.translator = translator
        self.lang = translator.lang
        self.draft = draft
        self.section_ids = {section.id for section in booklet.sections}
        #: Problems found while rendering (the translator only looks translations up).
        self.problems: list[Problem] = []
        self.format: Formatter = formatter_for(self.lang, booklet.language_settings.get(self.lang))
        #: Every fact as the language writes it, by its kind (1,976 as a number, 1976 as a year).
        self.facts = {name: self.fact(name) for name in booklet.facts}

    def fact(self, name: str) -> str:
        """Format a fact by its kind for the language."""
        return self.format.fact(self.booklet.facts[name], self.booklet.fact_kinds.get(name, "number"))

    def markup(self, text: model.Text | model.Plural | None) -> Markup | None:
        """Translate a Text (or a Plural, in the form its count fact's number asks for) and render its inline markup."""
        if text is None:
            return None
        if isinstance(text, model.Plural):
            return self.plural(text, self.count(text))
        translated = self.translator.text(text)
        return self._inline(translated, text.location)

    def plain(self, text: model.Text | None) -> str:
        """Translate a Text and strip its markup, for metadata."""
        if text is None:
            return ""
        return plain_text(self.translator.text(text).text).replace("{{", "{").replace("}}", "}")

    def count(self, plural: model.Plural) -> int:
        """Return the number that chooses a running-text Plural's form: its count fact's value."""
        value = self.booklet.facts[plural.count or ""]
        return value if isinstance(value, int) else int(getattr(value, "value", value))

    def plural(self, plural: model.Plural, n: int) -> Markup:
        """Translate a Plural for ``n`` and render its inline markup."""
        return self._inline(self.translator.plural(plural, n), plural.location)

    def _inline(self, translated: Translated, location: Location) -> Markup:
        """Render inline markup, recording a located problem when it is unsafe."""
        where = location if translated.line is None else Location(self.translator.shown, translated.line)
        try:
            html = render_inline(translated.text, self.facts, str)
        except InlineError as error:
            self.problems.append(Problem(where, str(error)))
            return Markup("")
        if translated.line is not None:
            problems = inline_problems(translated.text, self.booklet.facts, self.section_ids)
            self.problems.extend(Problem(where, message) for message in problems)
        source = self.booklet.source_language
        if translated.line is None and self.lang != source:   # the source text shown: read it in the source's voice
            html = Markup('<span lang="{}" dir="{}">{}</span>').format(bcp47(source), direction(source), html)
        if self.draft and translated.status in ("fuzzy", "missing", "broken"):
            return Markup('<span class="draft-{}">{}</span>').format(translated.status, html)
        return html

    def date(self, value: dt.date | model.Date) -> str:
        """Format a date in the language's long format, at its precision."""
        return self.format.date(value)


def render_view(booklet: model.Booklet, translator: Translator, draft: bool = False) -> BookView:
    """Translate and render the booklet for the translator's language."""
    ctx = _Context(booklet, translator, draft)
    lang = translator.lang
    view = BookView(
        slug=booklet.slug, lang=lang, tag=bcp47(lang), dir=direction(lang), language_name=native_name(lang),
        title=ctx.markup(booklet.title), title_text=ctx.plain(booklet.title),
        subtitle=ctx.markup(booklet.subtitle), subtitle_text=ctx.plain(booklet.subtitle),
        publisher=ctx.plain(booklet.publisher), license=ctx.plain(booklet.license),
        description=ctx.plain(booklet.description), authors=[ctx.plain(a) for a in booklet.authors],
        keywords=[ctx.plain(k) for k in booklet.keywords], edition_date=ctx.date(booklet.edition),
        edition_iso=booklet.edition.isoformat(), page_size=booklet.page_size,
        sections=[_section_view(ctx, s) for s in booklet.sections], draft=draft, download_url=booklet.url,
        chapter_start=booklet.chapter_start, digits=ctx.format.digits, locale=ctx.format.locale,
    )
    if ctx.problems:
        raise BookletError(ctx.problems)
    return view


def _section_view(ctx: _Context, section: model.Section) -> SectionView:
    """Render one section's title and blocks."""
    return SectionView(section.id, section.kind, ctx.markup(section.title), ctx.plain(section.title),
                       [_block_view(ctx, block, f"{section.id}-b{n}") for n, block in enumerate(section.blocks, start=1)])


def _block_view(ctx: _Context, block: model.Block, block_id: str) -> dict[str, Any]:
    """Render one block into the dict its template macro reads; ``id`` anchors it (EPUB page list, sub-headings)."""
    render = _BLOCK_VIEWS[type(block)]
    return {"type": _BLOCK_NAMES[type(block)], "id": block_id, **render(ctx, block)}


def _figures_view(ctx: _Context, block: model.Figures) -> dict[str, Any]:
    """Render a figures block: labels, formatted numbers and bar lengths (0–100)."""
    largest = max(item.value for item in block.items) or 1
    items = [{"value": ctx.fact(item.fact), "label": ctx.plural(item.label, item.value),
              "percent": round(100 * item.value / largest, 2)} for item in block.items]
    return {"title": ctx.markup(block.title), "caption": ctx.markup(block.caption), "items": items}


def _timeline_view(ctx: _Context, block: model.Timeline) -> dict[str, Any]:
    """Render a timeline: each entry with its localized date or date range."""
    entries = []
    for entry in block.entries:
        when = ctx.format.date_range(entry.date, entry.until) if entry.until else ctx.date(entry.date)
        entries.append({"date": when, "iso": entry.date.isoformat(), "text": ctx.markup(entry.text)})
    return {"entries": entries}


def _source_date(ctx: _Context, value: str) -> str:
    """Format a source date written YYYY, YYYY-MM or YYYY-MM-DD."""
    date = parse_date(value)
    return ctx.date(date) if date else value


def _sources_view(ctx: _Context, block: model.Sources) -> dict[str, Any]:
    """Render the cited sources, with the language's full stop after each title and entry."""
    return {"stop": full_stop(ctx.lang),
            "entries": [{"title": ctx.markup(e.title), "publisher": ctx.markup(e.publisher), "date": _source_date(ctx, e.date),
                         "url": e.url, "note": ctx.markup(e.note)} for e in block.entries]}


#: The mark that ends a title or an entry in a list of sources, by script (CLDR has none); others write ". ".
FULL_STOPS = {"Jpan": "。", "Hans": "。", "Hant": "。", "Thai": " ", "Laoo": " ", "Khmr": "។ ", "Mymr": "။ ", "Ethi": "። "}
#: The template string whose translation gives the language's comma between two items (``%(publisher)s、%(date)s``).
SOURCE_DETAILS = "%(publisher)s, %(date)s"


def full_stop(lang: str) -> str:
    """Return the full stop (with its space) that ends a title before the rest of a source entry."""
    return FULL_STOPS.get(script_of(lang), ". ")


def item_separator(ctx: _Context) -> str:
    """Return the language's comma between two items: the translators' own, from the sources' details string.

    Untranslated, it is CLDR's list comma (``, ``, ``、``, ``،``), never a bare English one.
    """
    translated = ctx.translator.gettext(SOURCE_DETAILS)
    if translated != SOURCE_DETAILS and "%(publisher)s" in translated and "%(date)s" in translated:
        between = translated.split("%(publisher)s", 1)[1].split("%(date)s", 1)[0]
        if between and "%" not in between and len(between) <= 3:
            return between
    pattern = Locale.parse(ctx.lang).list_patterns["standard"]["start"]
    between = pattern.split("{0}", 1)[1].split("{1}", 1)[0]
    return between if between.strip() in (",", "،", "、", "，", "") else ", "


def _quote_view(ctx: _Context, block: model.Quote) -> dict[str, Any]:
    """Render a quote: its text, attribution and source, joined with the language's comma."""
    return {"html": ctx.markup(block.text), "attribution": ctx.markup(block.attribution), "source": ctx.markup(block.source),
            "separator": item_separator(ctx)}


_BLOCK_VIEWS = {
    model.Heading: lambda ctx, b: {"html": ctx.markup(b.text), "text": ctx.plain(b.text)},
    model.Paragraph: lambda ctx, b: {"html": ctx.markup(b.text)},
    model.Note: lambda ctx, b: {"html": ctx.markup(b.text)},
    model.Quote: _quote_view,
    model.ListBlock: lambda ctx, b: {"items": [ctx.markup(t) for t in b.items]},
    model.Figures: _figures_view,
    model.Timeline: _timeline_view,
    model.Image: lambda ctx, b: {"file": b.file.as_posix(), "alt": ctx.plain(b.alt), "caption": ctx.markup(b.caption),
                                 "location": b.location},
    model.Sources: _sources_view,
    model.Colophon: lambda ctx, b: {k: ctx.markup(getattr(b, k)) for k in ("edition", "translations", "license", "contact")},
}
_BLOCK_NAMES = {model.Heading: "heading", model.Paragraph: "paragraph", model.Note: "note", model.Quote: "quote",
                model.ListBlock: "list", model.Figures: "figures", model.Timeline: "timeline", model.Image: "image",
                model.Sources: "sources", model.Colophon: "colophon"}


def render_installed(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render a template on an environment whose gettext is already installed (one language's own environment)."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise BookletError([Problem(Location(Path(error.filename or name), error.lineno), f"template syntax error: {error.message}")]) from None
    except jinja2.UndefinedError as error:
        raise BookletError([Problem(_template_location(error, name), f"template error: {error.message}")]) from None
    except jinja2.TemplateNotFound as error:
        raise BookletError([Problem(_template_location(error, name), f"template not found: {error.name}")]) from None
    except jinja2.exceptions.SecurityError as error:
        raise BookletError([Problem(_template_location(error, name), f"template error: not allowed in a booklet's template: {error}")]) from None
    except (jinja2.TemplateError, ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as error:
        raise BookletError([Problem(_template_location(error, name), f"template error: {error}")]) from None
    except RecursionError as error:       # a template that includes itself, or a macro that calls itself, without end
        where = _template_location(error, name, outermost=True)      # where the endless chain starts
        raise BookletError([Problem(where, "template error: includes or calls itself without end")]) from None
    except MemoryError as error:
        raise BookletError([Problem(_template_location(error, name), "template error: needs more memory than the machine has")]) from None


def _template_location(error: BaseException, name: str, outermost: bool = False) -> Location:
    """Find the template file and line of a render error from the traceback Jinja rewrote (innermost, or outermost)."""
    tb = error.__traceback__
    found = Location(Path("templates") / name)
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".html", ".xhtml", ".css", ".svg")):
            found = Location(Path(filename), tb.tb_lineno)
            if outermost:
                break
        tb = tb.tb_next
    return found
