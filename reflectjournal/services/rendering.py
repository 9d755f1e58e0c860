"""Markdown to HTML that is safe to show, print or export.

Everything rendered passes through nh3 (the Ammonia sanitiser) with an allow-list: no scripts,
styles, event handlers, forms, frames or images (a remote image would tell its owner when a note
was opened), and links only to http, https and mailto. Text written by other people (comments)
is never interpreted as markup at all: see ``render_plain``.
"""

from __future__ import annotations

import html
import logging
import re
from urllib.parse import urlparse

import markdown
import nh3

log = logging.getLogger(__name__)

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "del",
    "s",
    "sup",
    "sub",
    "dl",
    "dt",
    "dd",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
SAFE_SCHEMES = {"http", "https", "mailto"}
MAX_QUOTE_DEPTH = 16
MAX_INDENT = 48
_EXTENSIONS = ["extra", "sane_lists"]
_DEEP_QUOTE = re.compile(rf"^((?:\s*>){{{MAX_QUOTE_DEPTH + 1},}})")


def _flatten_nesting(text: str) -> str:
    """Cap quote depth and indentation: python-markdown recurses once per level."""
    lines = []
    for line in text.splitlines():
        match = _DEEP_QUOTE.match(line)
        if match:
            line = "> " * MAX_QUOTE_DEPTH + line[match.end() :].lstrip()
        stripped = line.lstrip(" \t")
        indent = len(line) - len(stripped)
        if indent > MAX_INDENT:
            line = " " * MAX_INDENT + stripped
        lines.append(line)
    return "\n".join(lines)


def sanitise(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=SAFE_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """Sanitised HTML for a Markdown body; never raises on odd input."""
    source = _flatten_nesting(text or "")
    try:
        raw = markdown.markdown(source, extensions=_EXTENSIONS, output_format="html")
    except (RecursionError, ValueError, IndexError):  # pathological input: show it as text
        log.warning("markdown rendering failed; showing the text as plain text")
        return render_plain(text)
    return sanitise(raw)


def render_plain(text: str) -> str:
    """Someone else's text as HTML that shows exactly the characters they typed."""
    escaped = html.escape(text or "", quote=True)
    paragraphs = [p.replace("\n", "<br>") for p in re.split(r"\n{2,}", escaped.strip())]
    return "".join(f"<p>{p}</p>" for p in paragraphs if p)


def is_safe_link(url: str) -> bool:
    """True only for http(s) and mailto links; the app still asks before opening one."""
    cleaned = re.sub(r"[\x00-\x20]", "", html.unescape(url or ""))
    try:
        parsed = urlparse(cleaned)
    except ValueError:
        return False
    if parsed.scheme.lower() not in SAFE_SCHEMES:
        return False
    return parsed.scheme.lower() == "mailto" or bool(parsed.netloc)


_PAGE_CSS = """
body { font-family: 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; line-height: 1.5;
       max-width: 46em; margin: 2em auto; padding: 0 1em; color: #1d232a; }
h1, h2, h3 { line-height: 1.25; color: #123b5c; }
h1 { font-size: 1.7em; border-bottom: 2px solid #d5dde5; padding-bottom: .2em; }
blockquote { border-left: 3px solid #c3ced8; margin-left: 0; padding-left: 1em; color: #45525e; }
code, pre { font-family: 'DejaVu Sans Mono', Consolas, monospace; background: #f2f4f6; }
pre { padding: .6em; overflow-x: auto; }
table { border-collapse: collapse; } th, td { border: 1px solid #c3ced8; padding: .3em .6em; }
.meta { color: #5b6773; font-size: .9em; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def html_document(body_html: str, title: str) -> str:
    """A complete, self-contained page (no external resources) around sanitised HTML."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_PAGE_CSS}</style></head>"
        f"<body>{body_html}</body></html>\n"
    )
