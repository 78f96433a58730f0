"""The small inline markup that content and translations may use, rendered to safe HTML.

Only ``*emphasis*``, ``**strong**``, ``[label](url)``, ``[words]{lang=xx}`` (a span
in another language), ``{fact}`` and the escapes ``{{`` ``}}`` are understood;
every other character is escaped, so text can never inject HTML, CSS or script.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping

from markupsafe import Markup, escape

from .languages import bcp47, direction, parse_language

TOKEN = re.compile(
    r"\*\*(?P<strong>.+?)\*\*"
    r"|\*(?P<em>[^*]+?)\*"
    r"|\[(?P<label>[^\]]+)\]\((?P<url>[^)\s]*)\)"
    r"|\[(?P<span>[^\]]+)\]\{lang=(?P<lang>[^{}\s]*)\}"
    r"|(?P<open>\{\{)|(?P<close>\}\})"
    r"|\{(?P<fact>[^{}]*)\}"
)
SAFE_URL = re.compile(r"^(https?://[^\s<>\"']+|mailto:[^\s<>\"']+|#[a-z0-9][a-z0-9-]*)$")


class AnyFacts(dict):
    """A facts mapping that knows every name (as 0): checks that leave placeholders to another check use it."""

    def __contains__(self, name: object) -> bool:
        return True

    def __missing__(self, name: str) -> int:
        return 0


class InlineError(ValueError):
    """A problem in inline markup: an unsafe link or an unknown fact."""


def render_inline(text: str, facts: Mapping[str, int], format_number: Callable[[int], str]) -> Markup:
    """Render inline markup to escaped HTML; raise InlineError on unsafe links or unknown facts."""
    parts: list[str] = []
    position = 0
    for match in TOKEN.finditer(text):
        parts.append(str(escape(text[position:match.start()])))
        parts.append(_render_token(match, facts, format_number))
        position = match.end()
    parts.append(str(escape(text[position:])))
    return Markup("".join(parts))


def _render_token(match: re.Match[str], facts: Mapping[str, int], format_number: Callable[[int], str]) -> str:
    """Render one markup token as HTML."""
    groups = match.groupdict()
    if groups["strong"] is not None:
        return f"<strong>{render_inline(groups['strong'], facts, format_number)}</strong>"
    if groups["em"] is not None:
        return f"<em>{render_inline(groups['em'], facts, format_number)}</em>"
    if groups["label"] is not None:
        url = groups["url"]
        if not SAFE_URL.match(url):
            raise InlineError(f"link target {url!r} is not allowed (use https://, http://, mailto: or #section-id)")
        return f'<a href="{escape(url)}">{render_inline(groups["label"], facts, format_number)}</a>'
    if groups["span"] is not None:
        return _render_span(groups["span"], groups["lang"], facts, format_number)
    if groups["open"]:
        return "{"
    if groups["close"]:
        return "}"
    name = groups["fact"]
    if name not in facts:
        close = difflib.get_close_matches(name, list(facts), n=1)
        hint = f" (did you mean {{{close[0]}}}?)" if close else ""
        raise InlineError(f"placeholder {{{name}}} names no fact in booklet.yaml{hint}")
    return str(escape(format_number(facts[name])))


def _render_span(text: str, code: str, facts: Mapping[str, int], format_number: Callable[[int], str]) -> str:
    """Render ``[words]{lang=xx}`` as a span with ``lang`` and, for the reading direction, ``dir``."""
    lang = parse_language(code)
    if lang is None:
        raise InlineError(f"language {code!r} in [...]{{lang={code}}} is not a BCP 47 or CLDR language code (for example en, pt-BR)")
    inner = render_inline(text, facts, format_number)
    return f'<span lang="{escape(bcp47(lang))}" dir="{direction(lang)}">{inner}</span>'


def markup_signature(text: str) -> list[str]:
    """Return the markup tokens of a text (kinds, link targets, placeholders) for parity checks."""
    signature = []
    for match in TOKEN.finditer(text):
        groups = match.groupdict()
        if groups["span"] is not None:   # a translation may drop or add a language span (a name it writes its own way)
            continue
        kind = next(k for k in ("strong", "em", "label", "open", "close", "fact") if groups[k] is not None)
        detail = {"label": groups["url"], "fact": groups["fact"]}.get(kind)
        signature.append(f"{kind}:{detail}" if detail is not None else kind)
    return sorted(signature)


def plain_text(text: str) -> str:
    """Strip the markup from a text (for metadata, where no HTML is allowed)."""
    return TOKEN.sub(lambda m: m.group("strong") or m.group("em") or m.group("label") or m.group("span")
                     or ("{" if m.group("open") else "}" if m.group("close") else m.group(0)), text)


def inline_problems(text: str, facts: Mapping[str, int], section_ids: set[str] | None = None) -> list[str]:
    """List every problem in a text's markup: unknown facts, unsafe links, links to missing sections."""
    problems = []
    for match in TOKEN.finditer(text):
        try:
            _render_token(match, facts, str)
        except InlineError as error:
            problems.append(str(error))
            continue
        url = match.group("url")
        if url and url.startswith("#") and section_ids is not None and url[1:] not in section_ids:
            problems.append(f"link target {url!r} names no section (sections: {', '.join(sorted(section_ids))})")
    return problems
