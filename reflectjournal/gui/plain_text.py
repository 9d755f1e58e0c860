"""Other people's text is plain text: one rule for every label, message box and tooltip.

Qt guesses whether a label's text is rich text (``Qt::AutoText``): a contact's name, a tag, a
title or a comment that looks like HTML would be rendered, so a card named with markup could
paint a fake fingerprint or a "verified" badge, or load a local image. Instead of trusting every
call site to remember, the application style turns every label that was left on ``AutoText``
into ``PlainText`` when Qt polishes it. That covers labels inside ``QMessageBox`` and the
tooltip label too. Our own markup must opt in with :func:`rich` (and escape what it quotes).
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QProxyStyle, QStyle, QStyleFactory, QWidget

# WCAG 2.2 AA 2.5.8 (target size): a control a pointer clicks is at least 24 px high.
# Fusion draws push buttons 22 px high at the default font, combo boxes and tool buttons less.
MIN_TARGET = 24
_TARGETS = (
    QStyle.ContentsType.CT_PushButton,
    QStyle.ContentsType.CT_ToolButton,
    QStyle.ContentsType.CT_ComboBox,
)


class PlainTextStyle(QProxyStyle):
    """The app's style, with every ``AutoText`` label made ``PlainText`` when polished and
    every button and combo box at least ``MIN_TARGET`` px high."""

    def polish(self, target):
        if isinstance(target, QLabel):
            make_plain(target)
        return super().polish(target)

    def sizeFromContents(self, kind, option, size, widget=None):
        result = super().sizeFromContents(kind, option, size, widget)
        if kind in _TARGETS and result.height() < MIN_TARGET:
            result.setHeight(MIN_TARGET)
        return result


def make_plain(label: QLabel) -> None:
    if label.textFormat() == Qt.TextFormat.AutoText:
        label.setTextFormat(Qt.TextFormat.PlainText)


def install(app: QApplication, base: str = "Fusion") -> None:
    """Make ``base`` the application style, wrapped so labels default to plain text."""
    current = app.style()
    if isinstance(current, PlainTextStyle):
        return
    style: QStyle | None = QStyleFactory.create(base)
    app.setStyle(PlainTextStyle(style))


def rich(label: QLabel, markup: str) -> QLabel:
    """Show our own ``markup`` in ``label``; anything quoted in it must go through ``esc``."""
    label.setTextFormat(Qt.TextFormat.RichText)
    label.setText(markup)
    return label


def plain(label: QLabel, text: str) -> QLabel:
    """Show ``text`` as typed, also in a label that showed our markup before."""
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def rich_label(markup: str, parent: QWidget | None = None) -> QLabel:
    return rich(QLabel(parent), markup)


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def shown_text(text: str, text_format: Qt.TextFormat) -> str:
    """What a label with ``text`` in ``text_format`` shows a reader (for tests and checks)."""
    is_rich = text_format == Qt.TextFormat.RichText or (
        text_format == Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if not is_rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()
