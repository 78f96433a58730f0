"""Stylesheets and font checks shared by the formats."""
from __future__ import annotations

from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from pathlib import Path

from ..emphasis import emphasis_css
from ..errors import BookletError, Location
from ..fonts import coverage_problems, font_face_css, font_stack
from ..formatting import counter_style_css
from ..model import FontSpec
from ..outputs import LanguageJob


def template_text(job: LanguageJob, name: str) -> str:
    """Return a template file's text, honouring the booklet's overrides."""
    source, _filename, _uptodate = job.env.loader.get_source(job.env, name)
    return source


def stylesheet(job: LanguageJob, fonts: Sequence[FontSpec], name: str,
               url_for: Callable[[Path], str] = lambda path: path.as_uri()) -> str:
    """Return the full CSS for a format: @font-face rules, the font stack, common and format CSS."""
    return "\n".join([
        font_face_css(fonts, url_for),
        counter_style_css(job.view.digits),
        f"html {{ font-family: {font_stack(job.fonts, job.view.lang)}; }}",
        template_text(job, "style/common.css"),
        emphasis_css(job.view.lang, job.fonts),
        template_text(job, name),
    ])


class _TextCollector(HTMLParser):
    """Collect the text nodes of an HTML document, skipping head elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        """Enter elements whose text is not shown."""
        if tag in ("style", "script", "title", "head"):
            self._skip += 1
        for name, value in attrs:
            if name in ("alt", "title", "aria-label") and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        """Leave elements whose text is not shown."""
        if tag in ("style", "script", "title", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        """Keep visible text."""
        if not self._skip and data.strip():
            self.texts.append(data)


def check_coverage(job: LanguageJob, html: str) -> None:
    """Fail when the language's text has characters that none of its declared fonts covers."""
    collector = _TextCollector()
    collector.feed(html)
    texts = [*collector.texts, job.view.digits]                      # page numbers are drawn in the language's digits
    problems = coverage_problems(job.view.lang, texts, job.fonts, lambda char: _locate(job, char), Location(Path("templates")))
    if problems:
        raise BookletError(problems)


def _locate(job: LanguageJob, char: str) -> Location:
    """Find the catalog entry or content text where a character first appears (else: the templates)."""
    return next((where for text, where in job.origins if char in text), Location(Path("templates")))
