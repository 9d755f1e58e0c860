"""One self-contained, printable HTML file (and the PDF made from it).

Entry bodies go through the rendering service (Markdown → sanitised HTML); comments, being
other people's words, are rendered as plain text. Everything else in the page is our own
constant markup with escaped values, so nothing in an entry can add script, styles or
remote content to the file.
"""

from __future__ import annotations

import re
from html import escape

from reflectjournal.services.display import compact_datetime

STYLE = """
body { font-family: 'DejaVu Sans', Arial, sans-serif; font-size: 10.5pt; color: #1a1a1a;
       max-width: 46em; margin: 2em auto; line-height: 1.45; }
h1 { font-size: 18pt; color: #0b4f6c; margin-bottom: 0.2em; }
h2 { font-size: 13pt; color: #0b4f6c; margin-top: 1.6em; margin-bottom: 0.2em; }
h3 { font-size: 11.5pt; color: #1a1a1a; margin-top: 1em; margin-bottom: 0.2em; }
h4, h5, h6 { font-size: 10.5pt; margin-bottom: 0.2em; }
.meta { color: #555555; font-size: 9pt; margin-top: 0; }
.entry { page-break-inside: avoid; border-top: 1px solid #9fb8c4; padding-top: 0.4em; }
.comments { margin-left: 1.2em; color: #333333; }
.comment-text { white-space: pre-wrap; }
blockquote { color: #333333; margin-left: 1.2em; font-style: italic; }
@media print { body { margin: 0; max-width: none; } .entry { page-break-inside: avoid; } }
"""


def render_markdown(text: str) -> str:
    """Sanitised HTML for ``text``: the rendering service's, or our strict local one.

    The local path exists because exports must stay safe even in a build where the shared
    rendering module is missing; it allows less than the service does, never more.
    """
    try:
        from reflectjournal.services.rendering import render_markdown as render
    except ImportError:
        return _strict_render(text)
    return render(text)


_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


def _strict_render(text: str) -> str:
    import markdown
    import nh3

    raw = markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"])
    return nh3.clean(
        raw,
        tags=_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


def document(title: str, body_html: str) -> str:
    """A whole HTML page: our head and style around an already-safe body."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body_html}\n</body>\n</html>\n"
    )


def _meta(entry: dict) -> str:
    parts = [escape(entry["created"][:16].replace("T", " "))]
    if entry["tags"]:
        parts.append(escape(" ".join("#" + t for t in entry["tags"])))
    if entry.get("mood") is not None:
        parts.append(f"mood {int(entry['mood'])}/5")
    if entry.get("energy") is not None:
        parts.append(f"energy {int(entry['energy'])}/5")
    if entry.get("from"):
        parts.append("from " + escape(entry["from"]))
    if entry.get("starred"):
        parts.append("starred")
    return " · ".join(parts)


def _comments(entry: dict) -> str:
    if not entry.get("comments"):
        return ""
    items = "".join(
        f"<p><b>{escape(c['author'])}</b>, {escape(compact_datetime(c['created']))}:<br>"
        f'<span class="comment-text">{escape(c["text"])}</span></p>'
        for c in entry["comments"]
    )
    return f'<div class="comments"><h4>Comments</h4>{items}</div>'


_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def demote_headings(html: str) -> str:
    """An entry's own headings one level below its title (h2), so a Gibbs reflection's
    "Description" is not as big as the entry it belongs to (the PDF looked flat)."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}", html)


def entry_html(entry: dict) -> str:
    return (
        f'<div class="entry"><h2>{escape(entry["title"])}</h2>'
        f'<p class="meta">{_meta(entry)}</p>'
        f"{demote_headings(render_markdown(entry['body']))}{_comments(entry)}</div>\n"
    )


def build_html(entries, title: str, subtitle: str = "") -> tuple[str, int]:
    parts = [f"<h1>{escape(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="meta">{escape(subtitle)}</p>')
    count = 0
    for entry in entries:
        parts.append(entry_html(entry))
        count += 1
    if not count:
        parts.append("<p>No entries matched.</p>")
    return document(title, "\n".join(parts)), count
