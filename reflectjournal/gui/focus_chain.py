"""Tab follows what the eye sees: the focus order of a page is its layout's reading order.

Qt's default chain is the order widgets were created in. The editor makes its writing boxes
(one per reflection-model section) after everything else, so Tab from the tags went through an
invisible scroll area and the read-only preview before reaching the text, and a paragraph typed
there was lost. ``LayoutFocusChain`` walks the layouts instead, every time, so chips and
suggestion buttons that come and go are always in their place.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QApplication,
    QDateTimeEdit,
    QLayout,
    QScrollArea,
    QSplitter,
    QWidget,
)


def _shown(widget: QWidget, root: QWidget) -> bool:
    """Visible within ``root``, counting a widget just added to a layout (Qt shows it on the
    next turn of the event loop) but not one that was hidden on purpose."""
    current: QWidget | None = widget
    while current is not None and current is not root:
        if current.isHidden() and current.testAttribute(
            Qt.WidgetAttribute.WA_WState_ExplicitShowHide
        ):
            return False
        current = current.parentWidget()
    return True


def _takes_tab(widget: QWidget, root: QWidget) -> bool:
    return bool(
        widget.focusPolicy() & Qt.FocusPolicy.TabFocus
        and _shown(widget, root)
        and widget.isEnabled()
    )


def _walk_layout(layout: QLayout, root: QWidget, out: list[QWidget]) -> None:
    for index in range(layout.count()):
        item = layout.itemAt(index)
        if item is None:
            continue
        child, inner = item.widget(), item.layout()
        if child is not None:
            _walk_widget(child, root, out)
        elif inner is not None:
            _walk_layout(inner, root, out)


def _walk_widget(widget: QWidget | None, root: QWidget, out: list[QWidget]) -> None:
    if widget is None or not _shown(widget, root):
        return
    if isinstance(widget, QScrollArea) and widget.widget() is not None:
        _walk_widget(widget.widget(), root, out)
        return
    if isinstance(widget, QSplitter):
        for index in range(widget.count()):
            _walk_widget(widget.widget(index), root, out)
        return
    if _takes_tab(widget, root) or isinstance(widget, QAbstractScrollArea):
        if _takes_tab(widget, root):
            out.append(widget)
        return
    layout = widget.layout()
    if layout is not None:
        _walk_layout(layout, root, out)


def reading_order(root: QWidget) -> list[QWidget]:
    """The widgets under ``root`` that Tab should visit, in the order they are laid out."""
    found: list[QWidget] = []
    layout = root.layout()
    if layout is not None:
        _walk_layout(layout, root, found)
    return found


def move_focus(root: QWidget, forward: bool) -> bool:
    """Move the focus to the next (previous) widget in ``root``'s reading order; False at the
    ends, so the caller lets Qt leave ``root`` as usual."""
    order = reading_order(root)
    focus = QApplication.focusWidget()
    current = next(
        (
            i
            for i, w in enumerate(order)
            if focus is not None and (w is focus or w.isAncestorOf(focus))
        ),
        None,
    )
    if current is None:
        return False
    target = current + (1 if forward else -1)
    if not 0 <= target < len(order):
        return False
    reason = Qt.FocusReason.TabFocusReason if forward else Qt.FocusReason.BacktabFocusReason
    order[target].setFocus(reason)
    return True


class OneStopDateTimeEdit(QDateTimeEdit):
    """A date field that Tab leaves in one press (it took five, one per part of the date).
    The arrow keys and typing still move between day, month, year and time."""

    def focusNextPrevChild(self, next: bool) -> bool:
        return QWidget.focusNextPrevChild(self, next)
