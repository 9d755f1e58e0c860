"""python-markdown extensions for what Obsidian vaults (and this journal) write beyond Markdown.

* ``[[Note]]``, ``[[Note#Heading]]``, ``[[Note|alias]]``: a link to the entry the note became
  (``rj-entry:ID``) showing the alias (or "Note › Heading"); plain text when the note is not
  in the journal. ``[[#Heading]]`` in the same note is plain text.
* ``![[photo.png]]`` and ``![alt](photo.png)``: the entry's attachment of that name, shown from
  the journal (``rj-attachment:ID``: never a file or network address); a PDF becomes a link to
  it; anything else its alt text, as before. ``![[Other note]]`` becomes a link to that entry.
* ``[text](Other%20note.md)``: a link to that note's entry, or plain text.
* ``> [!warning] Title`` callouts: a quotation marked ``class="callout callout-warning"``
  whose first line says what it is ("Warning: Title"), so it reads as labelled in any viewer.

Why our own and not a package: python-markdown's bundled ``wikilinks`` takes ``[\\w -]``
names only, with no alias, heading or embed, and builds file URLs; ``mdx-wikilink-plus``
(last release 2022) also builds URLs from names. ``markdown-callouts`` (maintained, widely
used) reads GitHub's five ``[!NOTE]`` kinds without titles, and ``markdown-obsidian-callouts``
does not parse the callout's body as Markdown. Both of ours are built, as those are, on
python-markdown's own ``InlineProcessor`` and ``BlockQuoteProcessor`` (the callout one follows
markdown-callouts' ``github_callouts``). Every element they make still goes through the nh3
allow-list in ``rendering.py``; the addresses they make are allowed only in the exact forms
``rj-entry:<digits>`` and ``rj-attachment:<digits>``, and only on elements they made.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

import markdown
from markdown import util
from markdown.blockprocessors import BlockQuoteProcessor
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from reflectjournal.services.links import AttachmentRef, LinkContext, WikiLink, note_href

ENTRY_SCHEME = "rj-entry"
ATTACHMENT_SCHEME = "rj-attachment"
INTERNAL_LINK = re.compile(r"rj-(?:entry|attachment):[0-9]{1,12}")
_MARK = "data-rj"  # set on elements we made; removed before the sanitiser sees them
PREVIEW_IMAGE_WIDTH = 560  # widest an image is shown (pixels); narrower ones keep their size

# Obsidian's callout types and their aliases -> the label shown.
CALLOUT_LABELS = {
    "note": "Note", "abstract": "Abstract", "summary": "Summary", "tldr": "Summary",
    "info": "Info", "todo": "To do", "tip": "Tip", "hint": "Tip", "important": "Important",
    "success": "Success", "check": "Success", "done": "Done", "question": "Question",
    "help": "Question", "faq": "Question", "warning": "Warning", "caution": "Caution",
    "attention": "Warning", "failure": "Failure", "fail": "Failure", "missing": "Missing",
    "danger": "Danger", "error": "Error", "bug": "Bug", "example": "Example", "quote": "Quote",
    "cite": "Quote",
}  # fmt: skip
# The families callouts are coloured by (the class the sanitiser allows).
CALLOUT_FAMILY = {
    "note": "note", "info": "note", "todo": "note", "abstract": "tip", "summary": "tip",
    "tldr": "tip", "tip": "tip", "hint": "tip", "important": "tip", "success": "success",
    "check": "success", "done": "success", "question": "question", "help": "question",
    "faq": "question", "warning": "warning", "caution": "warning", "attention": "warning",
    "failure": "danger", "fail": "danger", "missing": "danger", "danger": "danger",
    "error": "danger", "bug": "danger", "example": "example", "quote": "quote", "cite": "quote",
}  # fmt: skip
CALLOUT_CLASSES = frozenset(f"callout callout-{f}" for f in set(CALLOUT_FAMILY.values()))


def _context(md: markdown.Markdown) -> LinkContext:
    return getattr(md, "rj_links", None) or LinkContext()


def _entry_link(entry_id: int, label: str) -> etree.Element:
    element = etree.Element("a", {"href": f"{ENTRY_SCHEME}:{entry_id}", _MARK: "1"})
    element.text = label
    return element


def _attachment_element(ref: AttachmentRef, alt: str) -> etree.Element:
    if ref.is_image:
        attrs = {"src": f"{ATTACHMENT_SCHEME}:{ref.id}", "alt": alt or ref.name, _MARK: "1"}
        if ref.width and ref.height:
            width = min(ref.width, PREVIEW_IMAGE_WIDTH)
            attrs["width"] = str(width)
            attrs["height"] = str(max(1, round(ref.height * width / ref.width)))
        return etree.Element("img", attrs)
    element = etree.Element("a", {"href": f"{ATTACHMENT_SCHEME}:{ref.id}", _MARK: "1"})
    element.text = f"{alt or ref.name} (PDF)"
    return element


class WikiLinkProcessor(InlineProcessor):  # type: ignore[misc]  # markdown is untyped
    """``[[…]]`` and ``![[…]]``; see the module notes."""

    PATTERN = r"(!?)\[\[([^\[\]\n|#^]*?)((?:#\^?[^\[\]\n|]*)?)(?:\\?\|([^\[\]\n]*))?\]\]"

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element | str, int, int]:
        link = WikiLink(
            m.group(2), m.group(3)[1:] if m.group(3) else "", m.group(4), bool(m.group(1))
        )
        context = _context(self.md)
        target = link.target.strip()
        if target:
            ref = context.attachment(target)
            if ref is not None:
                alt = link.alias.strip() if link.alias and not link.alias.strip().isdigit() else ""
                return _attachment_element(ref, alt or ref.name), m.start(0), m.end(0)
            entry_id = context.entry(target)
            if entry_id is not None:
                return _entry_link(entry_id, link.label), m.start(0), m.end(0)
        return link.label, m.start(0), m.end(0)


class CalloutProcessor(BlockQuoteProcessor):  # type: ignore[misc]
    """``> [!kind]± Title`` then ``> body``: a labelled quotation (nesting allowed)."""

    REGEX = re.compile(
        r"((?:^|\n) *(?:[^>].*)?(?:^|\n)) {0,3}> *\[!([A-Za-z][\w-]{0,30})\]([+-]?)[ \t]*([^\n]*)"
    )

    def test(self, parent: etree.Element, block: str) -> bool:
        return bool(self.REGEX.search(block)) and not util.nearing_recursion_limit()

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        m = self.REGEX.search(block)
        if m is None:  # test() said it would match
            return
        before = block[: m.end(1)]
        rest = block[m.end() :].lstrip("\n")
        self.parser.parseBlocks(parent, [before])
        kind = m.group(2).lower()
        label = CALLOUT_LABELS.get(kind, kind.replace("-", " ").capitalize())
        family = CALLOUT_FAMILY.get(kind, "note")
        # A <div> while parsing (so a quotation after a blank line is not merged into it, as
        # python-markdown merges adjacent quotations); a <blockquote> once the tree is built.
        quote = etree.SubElement(parent, "div", {"class": f"callout callout-{family}", _MARK: "1"})
        heading = etree.SubElement(quote, "p")
        strong = etree.SubElement(heading, "strong")
        title = m.group(4).strip()
        if title and title.casefold() != label.casefold():
            strong.text = f"{label}:"
            strong.tail = f" {title}"
        else:
            strong.text = label
        if rest.strip():
            body = "\n".join(self.clean(line) for line in rest.split("\n"))
            self.parser.state.set("blockquote")
            self.parser.parseChunk(quote, body)
            self.parser.state.reset()


class ResolveLinksAndImages(Treeprocessor):  # type: ignore[misc]
    """After the inline pass: note links become entry links (or text), images become the
    entry's attachments (or their alt text); links we did not make may not use our schemes."""

    def run(self, root: etree.Element) -> None:
        context = _context(self.md)
        for element in list(root.iter()):
            if element.tag == "img":
                self._image(element, context)
            elif element.tag == "a":
                self._link(element, context)
        for element in root.iter():
            if element.tag == "div" and element.get(_MARK):
                element.tag = "blockquote"
            element.attrib.pop(_MARK, None)

    @staticmethod
    def _image(element: etree.Element, context: LinkContext) -> None:
        if element.get(_MARK):
            return
        alt = " ".join((element.get("alt") or "").split())
        source = note_href(element.get("src") or "")
        ref = context.attachment(source) if source else None
        tail = element.tail
        if ref is not None:
            made = _attachment_element(ref, alt)
            element.tag, element.text = made.tag, made.text
            element.attrib.clear()
            element.attrib.update(made.attrib)
            element.attrib.pop(_MARK, None)
        else:
            element.tag = "span"
            element.attrib.clear()
            element.text = f"[image: {alt}]" if alt else "[image]"
        element.tail = tail

    @staticmethod
    def _link(element: etree.Element, context: LinkContext) -> None:
        if element.get(_MARK):
            return
        href = element.get("href") or ""
        if util.AMP_SUBSTITUTE in href or util.STX in href:
            return  # python-markdown's obfuscated mail address: not a note
        if href.strip().lower().startswith("rj-"):
            element.attrib.clear()  # typed by hand (or by someone else): not ours; text only
            return
        path = note_href(href)
        if path is None:
            return  # a web, mail or in-page link: the sanitiser decides
        entry_id = context.entry(path)
        ref = context.attachment(path) if entry_id is None else None
        element.attrib.clear()
        if entry_id is not None:
            element.set("href", f"{ENTRY_SCHEME}:{entry_id}")
        elif ref is not None:
            element.set("href", f"{ATTACHMENT_SCHEME}:{ref.id}")
        # else: a note that is not in the journal reads as plain text (an <a> with no href)


def install(md: markdown.Markdown) -> None:
    """Add the vault syntax to ``md`` (``md.rj_links`` carries the entry's LinkContext)."""
    md.inlinePatterns.register(WikiLinkProcessor(WikiLinkProcessor.PATTERN, md), "rj_wikilink", 185)
    md.parser.blockprocessors.register(CalloutProcessor(md.parser), "rj_callout", 21.1)
    md.treeprocessors.register(ResolveLinksAndImages(md), "rj_links_images", 5)
