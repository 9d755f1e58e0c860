"""Markdown preview: sanitised HTML in a QTextBrowser that never follows a link by itself."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QTextBrowser

from reflectjournal.services.rendering import is_safe_link, render_markdown

# The rendering service owns the rules (allow-listed tags, safe schemes); this module only
# shows its output and asks before a link leaves the app.
render = render_markdown
__all__ = ["PreviewBrowser", "is_safe_link", "render"]


class PreviewBrowser(QTextBrowser):
    """Links ask first and open only if they are http(s)/mailto; no resources are loaded."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setAccessibleName("Preview")
        self.anchorClicked.connect(self.confirm_link)

    def loadResource(self, kind, url):
        return None

    def confirm_link(self, url: QUrl) -> bool:
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
