"""Markdown to HTML that is safe to show in a QTextBrowser, print or export.

Pipeline for :func:`render_markdown`::

    text ─► clean characters, cap nesting ─► split very long text into chunks
         ─► per chunk: python-markdown (raw HTML reduced to allow-listed, attribute-free
            tags) ─► nh3 (Ammonia) allow-list      [or: escaped plain text, see below]
         ─► encode dangerous scheme names ─► HTML

What comes out:

* only the tags in :data:`ALLOWED_TAGS`; attributes only ``a[href,title]``, ``abbr[title]``,
  ``ol[start]``, ``th/td[align]`` and the footnote ids (``li``/``sup``); links get
  ``rel="noopener noreferrer"``; ``href`` survives only for http, https, mailto (see
  :func:`is_safe_link`) or an in-page ``#fragment`` (footnotes);
* no images from anywhere but the journal — a remote image would tell its owner when the
  note was opened. An image that names one of the entry's attachments (``![[photo.png]]``) is
  shown as ``<img src="rj-attachment:ID">``, which the preview, exports and PDF resolve from
  the journal itself; every other image becomes the text ``[image: alt]``;
* links between entries (``[[Title]]``, ``[text](Note.md)``) become ``rj-entry:ID`` links
  and callouts labelled quotations: see ``markdown_vault.py``. Those two schemes are allowed
  only in exactly that form and only on elements the extensions made;
* no scripts, styles, comments, frames, forms, SVG/MathML, event handlers; the content of
  ``<script>…</script>`` and ``<style>…</style>`` pairs is dropped, other removed tags leave
  their text behind as plain text;
* the strings ``javascript:``, ``vbscript:``, ``data:`` and ``file:`` never appear literally
  (the colon is written as ``&#58;``, which displays the same) and no ``=`` appears in a link
  title, so even a naive text search of the output finds nothing active.

Pathological input is bounded rather than trusted to behave (python-markdown is recursive and
has quadratic corners, e.g. thousands of unmatched ``[``):

* container nesting (``>`` and list markers at the start of a line) is capped at
  :data:`MAX_NESTING` levels and leading indentation at :data:`MAX_INDENT_COLUMNS`;
* raw HTML tags are capped at :data:`MAX_RAW_TAGS` per chunk and :data:`MAX_RAW_DEPTH` open
  at once (so nesting them cannot make the HTML parser slow) and lose their attributes (so formatting elements stay identical and
  the HTML5 "Noah's Ark" rule bounds their reconstruction);
* HTML block parsing by python-markdown is switched off (its stdlib ``html.parser`` is
  quadratic on unclosed tags); inline HTML still works, line by line;
* text longer than :data:`CHUNK_CHARS` is rendered in chunks split at blank lines (reference
  link definitions are shared between chunks; footnotes work within a chunk);
* a chunk whose estimated parsing cost is excessive (``_too_costly``), a single block longer
  than :data:`MAX_CHUNK_CHARS`, or a chunk that still overflows the recursion limit is shown
  as plain text (every character kept, nothing interpreted; escaped text needs no sanitiser);
* once :data:`RENDER_TIME_BUDGET_S` has been spent, the remaining chunks are shown as plain
  text with a one-line note. Measured on this project's 2-core box: 1 MB of prose ≈ 0.5 s,
  1 MB of dense Markdown ≈ 1.3 s, every pathological case tried ≤ 2 s.

Raw HTML in a paragraph is the user's choice of allow-listed tags (``<del>``, ``<sup>``…);
HTML *blocks* are not special (a block of HTML is a paragraph with inline tags in it).

Text written by other people (comments) is never interpreted at all: see :func:`render_plain`.
"""

from __future__ import annotations

import html
import logging
import re
import time
from typing import Any
from urllib.parse import urlsplit
from xml.etree.ElementTree import Element

import markdown
import nh3
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from reflectjournal.services import markdown_vault
from reflectjournal.services.links import LinkContext

log = logging.getLogger(__name__)

__all__ = [
    "ALLOWED_TAGS",
    "SAFE_SCHEMES",
    "html_document",
    "is_safe_link",
    "render_markdown",
    "render_plain",
]

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
        "strong", "em", "b", "i", "code", "pre", "blockquote", "span",
        "ul", "ol", "li", "dl", "dt", "dd",
        "table", "thead", "tbody", "tr", "th", "td",
        "a", "del", "sup", "sub", "abbr", "img",
    }
)  # fmt: skip

# Attributes nh3 keeps (values are checked again by ``_attribute_filter``).
_NH3_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "li": {"id"},  # footnote targets ("fn:1")
    "sup": {"id"},  # footnote back-link targets ("fnref:1")
    "img": {"src", "alt", "width", "height"},  # only rj-attachment:ID sources survive
}
_NH3_ATTRIBUTE_VALUES = {
    "th": {"align": {"left", "right", "center"}},
    "td": {"align": {"left", "right", "center"}},
    "blockquote": {"class": set(markdown_vault.CALLOUT_CLASSES)},
}
# What raw HTML typed by the user may keep (everything else is dropped before nh3 sees it).
_RAW_ATTRIBUTES = {"a": ("href", "title"), "abbr": ("title",)}

MAX_NESTING = 50  # container markers (">", "-", "1.") at the start of one line
MAX_INDENT_COLUMNS = 4 * MAX_NESTING  # leading whitespace + markers, in columns
MAX_RAW_TAGS = 10_000  # raw HTML tags kept per chunk
MAX_RAW_DEPTH = MAX_NESTING  # raw HTML elements left open at once (approximately) per chunk
CHUNK_CHARS = 64 * 1024  # longer text is rendered in pieces of about this size
MAX_CHUNK_CHARS = 2 * CHUNK_CHARS  # a single block longer than this is shown as plain text
RENDER_TIME_BUDGET_S = 1.0  # after this, the remaining chunks are shown as plain text
# Inline-cost estimates (see _too_costly). Both correspond to roughly 0.3-0.5 s of work.
_BRACKET_SCAN_BUDGET = 1_000_000  # characters python-markdown scans looking for "]" or ")"
_REBUILD_BUDGET = 1_500_000_000  # characters copied as inline matches are replaced
_PEEL_BUDGET = 40_000_000  # characters re-scanned as header-like lines are split off a block

_LONG_TEXT_NOTE = (
    "<p><em>The rest of this text is shown without formatting because it is very long.</em></p>"
)

_EXTENSIONS = ["def_list", "fenced_code", "footnotes", "tables", "sane_lists"]
# Not "extra" as a whole: attr_list would let text set attributes and md_in_html re-enables
# the HTML block parser; abbr builds one regex alternative per definition (slow on hostile
# input). Everything they would add is stripped by the allow-list anyway.


# ---- input preparation ----------------------------------------------------------------------

# C0 controls except tab/newline, DEL, and lone surrogates (which nh3 cannot encode).
# STX/ETX matter: python-markdown uses them for its own placeholders.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_LINE_PREFIX = re.compile(
    r"^[ \t]*(?:(?:>|(?:[-+*]|[0-9]{1,9}[.)])(?=[ \t]|$))[ \t]*)*", re.MULTILINE
)
_PREFIX_TOKEN = re.compile(r"[ \t]+|>|[-+*]|[0-9]{1,9}[.)]")


def _clean_characters(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _BAD_CHARS.sub(lambda m: "" if m.group() < "\ud800" else "\ufffd", text)


def _cap_prefix(match: re.Match[str]) -> str:
    prefix = match.group()
    if len(prefix) <= MAX_NESTING:  # cannot exceed either cap
        return prefix
    kept: list[str] = []
    markers = column = 0
    previous_kept = True
    for token in _PREFIX_TOKEN.findall(prefix):
        if token[0] in " \t":
            width = min(len(token.expandtabs(4)), MAX_INDENT_COLUMNS - column)
            if previous_kept and width > 0:
                kept.append(" " * width)
                column += width
        else:
            previous_kept = markers < MAX_NESTING and column + len(token) < MAX_INDENT_COLUMNS
            if previous_kept:
                kept.append(token)
                markers += 1
                column += len(token)
    result = "".join(kept)
    if result and result[-1] not in " >":
        result += " "  # a list marker needs a space before the content
    return result


def _cap_nesting(text: str) -> str:
    """Cap container depth and indentation per line: python-markdown recurses per level."""
    return _LINE_PREFIX.sub(_cap_prefix, text)


_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def _split_chunks(text: str) -> list[str]:
    """Pieces of about CHUNK_CHARS, cut only at a blank line followed by an unindented line
    outside a fenced code block (a new top-level block in almost every document)."""
    if len(text) <= CHUNK_CHARS:
        return [text]
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    fence: str | None = None
    previous_blank = False
    for line in text.split("\n"):
        if (
            fence is None
            and previous_blank
            and size >= CHUNK_CHARS
            and line[:1] not in ("", " ", "\t")
        ):
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
        opening = _FENCE_OPEN.match(line)
        if fence is None and opening:
            fence = opening.group(1)
        elif fence is not None and line.strip().startswith(fence[0] * len(fence)):
            if line.strip().strip(fence[0]) == "":
                fence = None
        previous_blank = not line.strip()
    chunks.append("\n".join(current))
    return chunks


# Reference definitions, so "[text][ref]" works when the definition is in another chunk.
_REFERENCE_DEF = re.compile(
    r"^[ ]{0,3}\[([^\[\]\n]{1,500})\]:[ \t]*\n?[ \t]*<?([^\s>]{1,2000})>?[ \t]*"
    r"(?:\n?[ \t]*(?:\"([^\"\n]*)\"|'([^'\n]*)'|\(([^()\n]*)\))[ \t]*)?$",
    re.MULTILINE,
)


def _reference_definitions(text: str) -> dict[str, tuple[str, str | None]]:
    refs: dict[str, tuple[str, str | None]] = {}
    for m in _REFERENCE_DEF.finditer(text):
        key = " ".join(m.group(1).lower().split())
        if key.startswith("^"):  # a footnote definition, not a link
            continue
        title = m.group(3) or m.group(4) or m.group(5)
        refs.setdefault(key, (m.group(2), title))
    return refs


# ---- cost estimate for python-markdown's inline parser --------------------------------------

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_BRACKETS = re.compile(r"[\[\]()]")
_INLINE_SPECIALS = "`*_[<&\\"
# Lines that python-markdown splits off the block they sit in, re-scanning the rest each time:
# ATX headings, rules, setext underlines, definition-list definitions.
_PEEL_LINE = re.compile(
    r"^ {0,3}(?:#|([-*_])(?:[ \t]*\1){2,}[ \t]*$|=+[ \t]*$|-+[ \t]*$|:[ \t])", re.MULTILINE
)


def _bracket_scan_cost(block: str) -> int:
    """Characters python-markdown's link parser scans: from each "[" to its "]" (or to the
    end of the block when unmatched), and from each "](" to its ")" (likewise)."""
    if "[" not in block:
        return 0
    cost = 0
    squares: list[int] = []
    rounds: list[tuple[int, bool]] = []
    previous = ""
    for m in _BRACKETS.finditer(block):
        char, pos = m.group(), m.start()
        if char == "[":
            squares.append(pos)
        elif char == "]":
            if squares:
                cost += pos - squares.pop()
        elif char == "(":
            rounds.append((pos, previous == "]" and block[pos - 1] == "]"))
        elif rounds:
            start, is_link = rounds.pop()
            if is_link:
                cost += pos - start
        previous = char
    end = len(block)
    cost += sum(end - pos for pos in squares)
    cost += sum(end - pos for pos, is_link in rounds if is_link)
    return cost


_BULLET_ITEM = re.compile(r"\n(?=[*+-][ \t])")
_NUMBER_ITEM = re.compile(r"\n(?=[0-9]{1,9}[.)][ \t])")
_TABLE_SEPARATOR = re.compile(r"[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-*:?[ \t]*)*\|?[ \t]*")


def _text_runs(block: str) -> list[str]:
    """The pieces of ``block`` that python-markdown's inline pass treats as separate text:
    the rows of a table, the items of a top-level list (same marker family as the first
    item, as with sane_lists), otherwise the whole block."""
    first, _, rest = block.partition("\n")
    if "|" in first and _TABLE_SEPARATOR.fullmatch(rest.partition("\n")[0]):
        return block.split("\n")
    if first[:1] in ("*", "+", "-") and first[1:2] in (" ", "\t"):
        return _BULLET_ITEM.split(block)
    if first[:1].isdigit() and _NUMBER_ITEM.match("\n" + first):
        return _NUMBER_ITEM.split(block)
    return [block]


def _too_costly(chunk: str) -> bool:
    """Whether python-markdown would be unreasonably slow on ``chunk``.

    Three super-linear behaviours are estimated: the link parser's bracket scanning and the
    copy of a whole text run made every time an inline pattern matches (both per text run,
    see ``_text_runs``), and the re-scan of a block every time a heading-like line is split
    off it. The estimates err high; a chunk over budget is shown as plain text.
    """
    scan = rebuild = peel = 0
    for block in _PARAGRAPH_BREAK.split(chunk):
        if block.count("\n") > 2:
            peel += sum(1 for _ in _PEEL_LINE.finditer(block)) * len(block)
        runs = _text_runs(block) if len(block) > 4096 else [block]
        for run in runs:
            specials = sum(run.count(c) for c in _INLINE_SPECIALS)
            if specials:
                rebuild += specials * len(run)
                scan += _bracket_scan_cost(run)
        if scan > _BRACKET_SCAN_BUDGET or rebuild > _REBUILD_BUDGET or peel > _PEEL_BUDGET:
            return True
    return False


# ---- python-markdown set-up -----------------------------------------------------------------

_RAW_TOKEN = re.compile(
    r"<!--.*?(?:-->|\Z)"  # comment (an unterminated one runs to the end)
    r"|<(/?)([A-Za-z][A-Za-z0-9:-]*)([^<>]*)>"  # a tag
    r"|<[!?/][^<>]*>"  # doctype, processing instruction, bogus comment
    r"|<",  # a stray "<": shown as text
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/`]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_PAIRED_CONTENT_TAGS = ("script", "style")  # kept (bare) so their content can be removed


def _image_text(attributes: str) -> str:
    alt = ""
    for m in _ATTRIBUTE.finditer(attributes):
        if m.group(1).lower() == "alt":
            alt = html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
            break
    alt = " ".join(alt.split())
    return html.escape(f"[image: {alt}]" if alt else "[image]", quote=False)


class _RawHtmlFilter(Postprocessor):
    """Reduce each stored raw-HTML fragment to allow-listed tags before it is reinserted.

    Runs before python-markdown's ``raw_html`` postprocessor. Fragments are the user's inline
    HTML and python-markdown's own fenced-code blocks; either way only allow-listed tag names
    survive (without attributes, except a sanitised ``href``/``title``), comments and
    doctype-like tokens disappear, stray ``<`` become text, images become their alt text.
    """

    def __init__(self, md: markdown.Markdown) -> None:
        super().__init__(md)
        self._reset()

    def _reset(self) -> None:
        self.tags_left = MAX_RAW_TAGS
        self.depth = 0
        self.dropped: dict[str, int] = {}

    def run(self, text: str) -> str:
        self._reset()
        stash = self.md.htmlStash
        for index, fragment in enumerate(stash.rawHtmlBlocks):
            if isinstance(fragment, str):
                stash.rawHtmlBlocks[index] = self._filter(fragment)
            else:  # an Element (only md_in_html stores those; not enabled) - be safe anyway
                stash.rawHtmlBlocks[index] = html.escape(str(fragment), quote=False)
        return text

    def _filter(self, fragment: str) -> str:
        out: list[str] = []
        last = 0
        for m in _RAW_TOKEN.finditer(fragment):
            out.append(fragment[last : m.start()])
            last = m.end()
            name = m.group(2)
            if name is None:
                out.append("&lt;" if m.group() == "<" else "")
                continue
            name = name.lower()
            if name == "img":
                out.append(_image_text(m.group(3)))
                continue
            allowed = name in ALLOWED_TAGS or name in _PAIRED_CONTENT_TAGS
            if not allowed or self.tags_left <= 0:
                continue
            self.tags_left -= 1
            if name in ("br", "hr"):
                out.append(f"<{name}>")
            elif m.group(1):  # a closing tag: skip it if its opening tag was dropped
                if self.dropped.get(name):
                    self.dropped[name] -= 1
                    continue
                self.depth = max(self.depth - 1, 0)
                out.append(f"</{name}>")
            elif self.depth >= MAX_RAW_DEPTH:  # too deep: drop the tag, keep its text
                self.dropped[name] = self.dropped.get(name, 0) + 1
            elif name in _RAW_ATTRIBUTES:
                self.depth += 1
                out.append(f"<{name}{self._attributes(name, m.group(3))}>")
            else:
                self.depth += 1
                out.append(f"<{name}>")
        out.append(fragment[last:])
        return "".join(out)

    @staticmethod
    def _attributes(name: str, raw: str) -> str:
        kept = []
        wanted = _RAW_ATTRIBUTES[name]
        seen = set()
        for m in _ATTRIBUTE.finditer(raw):
            attr = m.group(1).lower()
            if attr in wanted and attr not in seen:
                seen.add(attr)
                value = html.unescape(m.group(2) or m.group(3) or m.group(4) or "")
                if value.strip().lower().startswith("rj-"):
                    continue  # links to entries and attachments are made by us, never typed
                kept.append(f' {attr}="{html.escape(value, quote=True)}"')
        return "".join(kept)


class _AlignFromStyle(Treeprocessor):
    """Table alignment as ``align="…"`` (python-markdown writes a ``style`` attribute, and no
    ``style`` attribute is allowed through)."""

    _ALIGN = re.compile(r"text-align:\s*(left|right|center)")

    def run(self, root: Element) -> None:
        for tag in ("th", "td"):
            for element in root.iter(tag):
                style = element.attrib.pop("style", None)
                if style and (m := self._ALIGN.search(style)):
                    element.set("align", m.group(1))


class _TaskBoxes(Treeprocessor):
    """``- [ ] call HR`` / ``- [x] done`` as ☐ / ☑ (they showed as literal brackets)."""

    _BOX = re.compile(r"^\[([ xX])\]\s+")

    def run(self, root: Element) -> None:
        for item in root.iter("li"):
            holder = item
            if not (item.text or "").strip() and len(item) and item[0].tag == "p":
                holder = item[0]  # a loose list wraps the text in a paragraph
            match = self._BOX.match(holder.text or "")
            if match:
                mark = "☐" if match.group(1) == " " else "☑"
                holder.text = f"{mark} {(holder.text or '')[match.end() :]}"


def _new_markdown() -> markdown.Markdown:
    md = markdown.Markdown(extensions=_EXTENSIONS, output_format="html")
    md.preprocessors.deregister("html_block")  # stdlib html.parser: quadratic on "<a<a<a…"
    markdown_vault.install(md)  # wikilinks, embeds, note links, callouts; images to text
    md.treeprocessors.register(_AlignFromStyle(md), "rj_align", 4)
    md.treeprocessors.register(_TaskBoxes(md), "rj_task_boxes", 3)
    md.postprocessors.register(_RawHtmlFilter(md), "rj_raw_html", 35)  # before raw_html (30)
    return md


# ---- sanitising -----------------------------------------------------------------------------

_FRAGMENT = re.compile(r"#[A-Za-z0-9_:.\-]{1,100}")
_FOOTNOTE_ID = re.compile(r"fn(?:ref)?[0-9]{0,4}:[A-Za-z0-9_\-]{1,100}")
_START = re.compile(r"[0-9]{1,9}")


_SIZE = re.compile(r"[0-9]{1,4}")


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "href":
        if is_safe_link(value) or _FRAGMENT.fullmatch(value):
            return value
        return value if markdown_vault.INTERNAL_LINK.fullmatch(value) else None
    if attribute == "src":
        return value if markdown_vault.INTERNAL_LINK.fullmatch(value) and tag == "img" else None
    if attribute in ("width", "height"):
        return value if _SIZE.fullmatch(value) else None
    if attribute == "id":
        return value if _FOOTNOTE_ID.fullmatch(value) else None
    if attribute == "start":
        return value if _START.fullmatch(value.strip()) else None
    return value


def _sanitise(fragment: str) -> str:
    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(attrs) for tag, attrs in _NH3_ATTRIBUTES.items()},
        tag_attribute_values=_NH3_ATTRIBUTE_VALUES,
        attribute_filter=_attribute_filter,
        url_schemes=set(SAFE_SCHEMES)
        | {markdown_vault.ENTRY_SCHEME, markdown_vault.ATTACHMENT_SCHEME},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_DANGEROUS_SCHEME = re.compile(r"(?i)(javascript|vbscript|livescript|data|file)(\s*):")
_TITLE_ATTRIBUTE = re.compile(r' title="([^"]*)"')


def _defuse_text(sanitised: str) -> str:
    """Spell risky scheme names and title "=" as character references (same display)."""
    out = _DANGEROUS_SCHEME.sub(r"\1\2&#58;", sanitised)
    if ' title="' in out:
        out = _TITLE_ATTRIBUTE.sub(
            lambda m: ' title="' + m.group(1).replace("=", "&#61;") + '"', out
        )
    return out


# ---- public API -----------------------------------------------------------------------------


def render_markdown(text: str, links: LinkContext | None = None) -> str:
    """Sanitised HTML for a Markdown body. Never raises on odd input; see the module notes.

    ``links`` (from ``LinkService.context``) says which entries the text's links lead to and
    which attachments its images name; without it links to notes are plain text and images
    their alt text."""
    source = _cap_nesting(_clean_characters(text or ""))
    if not source.strip():
        return ""
    chunks = _split_chunks(source)
    references = _reference_definitions(source) if len(chunks) > 1 else {}
    md = _new_markdown()
    md.rj_links = links  # read by markdown_vault
    started = time.perf_counter()
    parts: list[str] = []
    for index, chunk in enumerate(chunks):
        if index and time.perf_counter() - started > RENDER_TIME_BUDGET_S:
            log.info(
                "rendering budget spent; %d of %d chunks shown as text",
                len(chunks) - index,
                len(chunks),
            )
            parts.append(_LONG_TEXT_NOTE + _plain_html("\n\n".join(chunks[index:])))
            break
        parts.append(_render_chunk(md, chunk, references))
    return _defuse_text("\n".join(parts))


def _render_chunk(md: markdown.Markdown, chunk: str, references: dict[str, Any]) -> str:
    """One chunk as sanitised HTML, or as escaped plain text when parsing it would be slow
    or fails (plain text is safe by construction, so it skips the sanitiser)."""
    if len(chunk) > MAX_CHUNK_CHARS or _too_costly(chunk):
        log.info("markdown chunk of %d characters too costly to parse; shown as text", len(chunk))
        return _plain_html(chunk)
    md.reset()
    md.references.update(references)
    try:
        converted = md.convert(chunk)
    except RecursionError:
        log.info("markdown chunk nested too deeply; shown as text")
        return _plain_html(chunk)
    except Exception:  # a third-party parser on hostile text: never let it break the view
        log.exception("markdown rendering failed; chunk shown as text")
        return _plain_html(chunk)
    return _sanitise(_drop_paired_content(converted))


def _drop_paired_content(fragment: str) -> str:
    """Remove ``<script>…</script>`` and ``<style>…</style>`` with their content; a tag with
    no partner is removed alone (its text stays visible rather than hiding the rest)."""
    if "<script>" not in fragment and "<style>" not in fragment:
        return fragment
    for name in _PAIRED_CONTENT_TAGS:
        opening, closing = f"<{name}>", f"</{name}>"
        out: list[str] = []
        pos = 0
        no_more_closing = False
        while True:
            start = fragment.find(opening, pos)
            if start < 0:
                out.append(fragment[pos:])
                break
            out.append(fragment[pos:start])
            end = -1 if no_more_closing else fragment.find(closing, start)
            if end < 0:
                no_more_closing = True
                pos = start + len(opening)
            else:
                pos = end + len(closing)
        fragment = "".join(out).replace(closing, "")
    return fragment


def _plain_html(text: str) -> str:
    escaped = html.escape(text, quote=True)
    paragraphs = (p.strip("\n") for p in re.split(r"\n[ \t]*\n", escaped))
    return "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs if p)


def render_plain(text: str) -> str:
    """Someone else's text as HTML that shows exactly the characters they typed.

    Nothing is interpreted: every ``<``, ``&`` and quote is escaped; blank lines separate
    paragraphs and single line breaks become ``<br>``.
    """
    return _plain_html(_clean_characters(text or ""))


def is_safe_link(url: str) -> bool:
    """True only for http(s) links with a host and mailto links with an address.

    The GUI still asks before opening one. Control characters anywhere make a link unsafe
    (browsers silently drop some of them, which is how ``java\\tscript:`` tricks work).
    """
    if not isinstance(url, str):
        return False
    candidate = url.strip(" \t\n\r\f\v")
    if not candidate or len(candidate) > 8192:
        return False
    if any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in candidate):
        return False
    try:
        parts = urlsplit(candidate)
        host = parts.hostname
    except ValueError:
        return False
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return False
    if scheme == "mailto":
        return "@" in parts.path
    return bool(host) and candidate[len(scheme) : len(scheme) + 3] == "://"


_PAGE_CSS = """
body { font-family: 'DejaVu Sans', 'Segoe UI', Helvetica, Arial, sans-serif; line-height: 1.5;
       max-width: 46em; margin: 2em auto; padding: 0 1em; color: #1d232a; background: #fff; }
h1, h2, h3 { line-height: 1.25; color: #123b5c; }
h1 { font-size: 1.7em; border-bottom: 2px solid #d5dde5; padding-bottom: .2em; }
blockquote { border-left: 3px solid #c3ced8; margin-left: 0; padding-left: 1em; color: #45525e; }
code, pre { font-family: 'DejaVu Sans Mono', Consolas, monospace; background: #f2f4f6; }
pre { padding: .6em; overflow-x: auto; white-space: pre-wrap; }
table { border-collapse: collapse; } th, td { border: 1px solid #c3ced8; padding: .3em .6em; }
.meta { color: #5b6773; font-size: .9em; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""

# Defence in depth for exported files opened in a browser: nothing may load, nothing may run.
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'; "
    "form-action 'none'; base-uri 'none'"
)


def html_document(body_html: str, title: str) -> str:
    """A complete, self-contained page around already-sanitised HTML.

    ``body_html`` must come from :func:`render_markdown` / :func:`render_plain` (or be built
    from escaped text); the page adds only an escaped title, inline CSS and a
    Content-Security-Policy that forbids every external resource and all scripts.
    """
    clean_title = " ".join(_clean_characters(title or "").split())
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(clean_title, quote=True)}</title>\n"
        f"<style>{_PAGE_CSS}</style>\n</head>\n<body>\n{body_html}\n</body>\n</html>\n"
    )
