"""Markdown preview: sanitised HTML in a QTextBrowser that never follows a link by itself.

Links between entries (``rj-entry:ID``) open the entry in the app; images are the entry's
attachments (``rj-attachment:ID``), read from the journal when Qt asks for them — nothing is
ever loaded from a file or the network. A PDF attachment's link offers to save a copy.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QPalette, QTextCursor, QTextDocument
from PySide6.QtWidgets import QFileDialog, QMessageBox, QTextBrowser

from reflectjournal.errors import ReflectJournalError
from reflectjournal.services.markdown_vault import ATTACHMENT_SCHEME, ENTRY_SCHEME
from reflectjournal.services.rendering import is_safe_link, render_markdown
from reflectjournal.services.workspace import Workspace

log = logging.getLogger(__name__)

# The rendering service owns the rules (allow-listed tags, safe schemes); this module only
# shows its output and asks before a link leaves the app.
render = render_markdown
__all__ = ["PreviewBrowser", "callout_css", "is_safe_link", "render"]

# Callout families (markdown_vault.CALLOUT_FAMILY) -> (light, dark) background colours.
_CALLOUT_COLOURS = {
    "note": ("#e3eefb", "#1f3147"),
    "tip": ("#e0f4f1", "#183a36"),
    "success": ("#e3f4e3", "#1d3a1f"),
    "question": ("#fbf3dc", "#3d3419"),
    "warning": ("#fdecd9", "#45301a"),
    "danger": ("#fbe2e2", "#4a2124"),
    "example": ("#eee6fa", "#2f2645"),
    "quote": ("#eeeeee", "#333333"),
}


def callout_css(dark: bool) -> str:
    """Qt rich-text CSS colouring callouts by family (a tinted block, readable in both themes)."""
    rules = [
        f"blockquote.callout-{family} {{ background-color: {colours[1 if dark else 0]}; "
        "margin-left: 0; margin-right: 0; padding: 6px; }"
        for family, colours in _CALLOUT_COLOURS.items()
    ]
    return "\n".join(rules)


_CSS_START, _CSS_END = "/* callouts */", "/* end of callouts */"
_NATURAL_WIDTH = 0x100100  # a QTextFormat user property: the image's width in the HTML


class PreviewBrowser(QTextBrowser):
    """Links ask first and open only if they are http(s)/mailto; only the shown entry's
    attachments are loaded, from the journal."""

    entry_link_clicked = Signal(int)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Preview")
        self.anchorClicked.connect(self.confirm_link)
        # Set by the editor for the entry shown: attachment id -> bytes, and the ids allowed.
        self.attachment_reader: Callable[[int], bytes] | None = None
        self.attachment_saver: Callable[[int], object] | None = None  # returns whether it saved
        self.attachment_ids: frozenset[int] = frozenset()
        self._apply_css()

    def _apply_css(self) -> None:
        """Our callout rules after whatever style sheet the owner of this view set."""
        dark = self.palette().color(QPalette.ColorRole.Base).lightness() < 128
        current = self.document().defaultStyleSheet()
        theirs = current.split(_CSS_START)[0].rstrip()
        ours = f"{_CSS_START}\n{callout_css(dark)}\n{_CSS_END}"
        self.document().setDefaultStyleSheet(f"{theirs}\n{ours}" if theirs else ours)

    def changeEvent(self, event):  # the theme can change while the app runs
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self._apply_css()

    def setHtml(self, text: str) -> None:
        self._apply_css()
        super().setHtml(text)
        self._fit_images()

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._fit_images()

    def _fit_images(self) -> None:
        """Images no wider than the preview (their HTML size is kept as the largest)."""
        room = max(80, self.viewport().width() - 2 * int(self.document().documentMargin()) - 8)
        block = self.document().begin()
        while block.isValid():
            it = block.begin()
            while not it.atEnd():
                fragment = it.fragment()
                fmt = fragment.charFormat()
                if fmt.isImageFormat():
                    image = fmt.toImageFormat()
                    natural = image.property(_NATURAL_WIDTH) or image.width()
                    if natural and image.height():
                        ratio = image.height() / (image.width() or natural)
                        width = min(float(natural), float(room))
                        if abs(width - image.width()) > 0.5:
                            image.setProperty(_NATURAL_WIDTH, natural)
                            image.setWidth(width)
                            image.setHeight(width * ratio)
                            cursor = QTextCursor(self.document())
                            cursor.setPosition(fragment.position())
                            cursor.setPosition(
                                fragment.position() + fragment.length(),
                                QTextCursor.MoveMode.KeepAnchor,
                            )
                            cursor.setCharFormat(image)
                it += 1
            block = block.next()

    def loadResource(self, kind, url):
        if kind == QTextDocument.ResourceType.ImageResource and url.scheme() == ATTACHMENT_SCHEME:
            attachment_id = _number(url.path())
            if attachment_id in self.attachment_ids and self.attachment_reader is not None:
                try:
                    image = QImage()
                    if image.loadFromData(self.attachment_reader(attachment_id)):
                        return image
                except ReflectJournalError:
                    log.info("attachment not readable for the preview")
        return None

    def confirm_link(self, url: QUrl) -> bool:
        if url.scheme() == ENTRY_SCHEME:
            entry_id = _number(url.path())
            if entry_id is not None:
                self.entry_link_clicked.emit(entry_id)
            return entry_id is not None
        if url.scheme() == ATTACHMENT_SCHEME:
            attachment_id = _number(url.path())
            if attachment_id in self.attachment_ids and self.attachment_saver is not None:
                self.attachment_saver(attachment_id)
                return True
            return False
        target = url.toString()
        if not is_safe_link(target):
            QMessageBox.information(
                self, "Link not opened", "Only web and email links can be opened from an entry."
            )
            return False
        answer = QMessageBox.question(
            self, "Open link?", f"Open this link in your browser?\n\n{target}"
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return QDesktopServices.openUrl(url)


def save_attachment_copy(parent, workspace: Workspace, attachment_id: int, chooser=None) -> bool:
    """Ask where to save a copy of an attachment (the only way one leaves the journal)."""
    try:
        info = workspace.attachments.get(attachment_id)
    except ReflectJournalError as exc:
        QMessageBox.information(parent, "Attachment", str(exc))
        return False
    choose = chooser or (lambda: QFileDialog.getSaveFileName(parent, "Save a copy", info.name)[0])
    target = choose()
    if not target:
        return False
    try:
        workspace.attachments.save_copy(attachment_id, Path(target), overwrite=True)
    except ReflectJournalError as exc:
        QMessageBox.information(parent, "Attachment not saved", str(exc))
        return False
    return True


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 12 else None
