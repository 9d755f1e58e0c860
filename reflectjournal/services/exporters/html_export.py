"""One self-contained, printable HTML file (and the PDF made from it).

Entry bodies go through the rendering service (Markdown → sanitised HTML); comments, being
other people's words, are rendered as plain text. Everything else in the page is our own
constant markup with escaped values, so nothing in an entry can add script, styles or
remote content to the file.
"""

from __future__ import annotations

import base64
import re
from html import escape
from typing import TYPE_CHECKING

from reflectjournal.services.display import compact_datetime

if TYPE_CHECKING:
    from collections.abc import Iterable

    from reflectjournal.services.entry_records import EntryRecord
    from reflectjournal.services.links import LinkContext

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
blockquote.callout p, blockquote.callout li { font-style: normal; }
blockquote.callout { font-style: normal; margin-left: 0; padding: 0.3em 0.8em;
                     border-left: 4px solid #8aa4b8; background-color: #eef3f7; }
blockquote.callout-tip, blockquote.callout-success { border-left-color: #2f8f6f;
                     background-color: #e6f4ee; }
blockquote.callout-warning, blockquote.callout-question { border-left-color: #c77c12;
                     background-color: #fdf0dc; }
blockquote.callout-danger { border-left-color: #b3261e; background-color: #fbe4e2; }
blockquote.callout-example { border-left-color: #6b4fa0; background-color: #efe9f8; }
img { max-width: 100%; height: auto; }
.attachments { color: #555555; font-size: 9pt; }
@media print { body { margin: 0; max-width: none; } .entry { page-break-inside: avoid; } }
"""


def render_markdown(text: str, links: LinkContext | None = None) -> str:
    """Sanitised HTML for ``text``: the rendering service's, or our strict local one.

    The local path exists because exports must stay safe even in a build where the shared
    rendering module is missing; it allows less than the service does, never more.
    """
    try:
        from reflectjournal.services.rendering import render_markdown as render
    except ImportError:
        return _strict_render(text)
    return render(text, links)


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


def _meta(entry: EntryRecord) -> str:
    parts = [escape(entry.created[:16].replace("T", " "))]
    if entry.tags:
        parts.append(escape(" ".join("#" + t for t in entry.tags)))
    if entry.mood is not None:
        parts.append(f"mood {int(entry.mood)}/5")
    if entry.energy is not None:
        parts.append(f"energy {int(entry.energy)}/5")
    if entry.sender:
        parts.append("from " + escape(entry.sender))
    if entry.starred:
        parts.append("starred")
    return " · ".join(parts)


def _comments(entry: EntryRecord) -> str:
    if not entry.comments:
        return ""
    items = "".join(
        f"<p><b>{escape(c.author)}</b>, {escape(compact_datetime(c.created))}:<br>"
        f'<span class="comment-text">{escape(c.text)}</span></p>'
        for c in entry.comments
    )
    return f'<div class="comments"><h4>Comments</h4>{items}</div>'


_INTERNAL = re.compile(r'(src|href)="rj-(entry|attachment):([0-9]{1,12})"')
_IMAGE_TAG = re.compile(r'<img alt="([^"]*)"[^>]*? src="rj-attachment:([0-9]{1,12})"[^>]*>')
EXPORT_IMAGE_WIDTH = 440  # pixels: fits an A4 page's text column with room to spare


def _resolve_internal(html: str, entry: EntryRecord, exported: set[int]) -> str:
    """Our rj-entry:/rj-attachment: addresses made readable in a file that stands alone:
    images embedded as data, links to an entry in this document as in-page links, anything
    else (an entry not exported, a PDF) as its plain text."""
    files = {a.id: a for a in entry.attachments}

    def image(m: re.Match[str]) -> str:
        found = files.get(int(m.group(2)))
        if not found or not found.is_image:
            return escape(f"[image: {m.group(1)}]", quote=False)
        data = base64.b64encode(found.data).decode("ascii")
        size = ""
        if found.width and found.height:
            width = min(found.width, EXPORT_IMAGE_WIDTH)
            height = max(1, round(found.height * width / found.width))
            size = f' width="{width}" height="{height}"'
        return f'<img alt="{m.group(1)}" src="data:{found.mime};base64,{data}"{size}>'

    html = _IMAGE_TAG.sub(image, html)

    def swap(m: re.Match[str]) -> str:
        attribute, kind, number = m.group(1), m.group(2), int(m.group(3))
        if kind == "entry":
            return f'href="#entry-{number}"' if number in exported else 'data-gone=""'
        found = files.get(number)
        if attribute == "src" and found and found.is_image:
            data = base64.b64encode(found.data).decode("ascii")
            return f'src="data:{found.mime};base64,{data}"'
        return 'data-gone=""'

    return _INTERNAL.sub(swap, html).replace(' data-gone=""', "")


def _attachment_list(entry: EntryRecord) -> str:
    # Those the text does not show (an image it embeds is on the page already).
    files = [a for a in entry.attachments if a.name not in entry.body]
    if not files:
        return ""
    names = ", ".join(f"{escape(a.name)} ({_size(a.size)})" for a in files)
    return (
        f'<p class="attachments">Attachments kept in the journal (and in its backups and JSON '
        f"exports): {names}</p>"
    )


def _size(size: int) -> str:
    from reflectjournal.services.attachments import size_text

    return size_text(size)


_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")


def demote_headings(html: str) -> str:
    """An entry's own headings one level below its title (h2), so a Gibbs reflection's
    "Description" is not as big as the entry it belongs to (the PDF looked flat)."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, int(m.group(2)) + 1)}", html)


def entry_html(entry: EntryRecord, exported: set[int] | None = None) -> str:
    body = demote_headings(render_markdown(entry.body, entry.link_context))
    if "rj-" in body:
        body = _resolve_internal(body, entry, exported or set())
    return (
        f'<div class="entry" id="entry-{entry.id}"><h2>{escape(entry.title)}</h2>'
        f'<p class="meta">{_meta(entry)}</p>'
        f"{body}{_attachment_list(entry)}{_comments(entry)}</div>\n"
    )


def build_html(
    entries: Iterable[EntryRecord],
    title: str,
    subtitle: str = "",
    exported: set[int] | None = None,
) -> tuple[str, int]:
    parts = [f"<h1>{escape(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="meta">{escape(subtitle)}</p>')
    count = 0
    for entry in entries:
        parts.append(entry_html(entry, exported))
        count += 1
    if not count:
        parts.append("<p>No entries matched.</p>")
    return document(title, "\n".join(parts)), count
