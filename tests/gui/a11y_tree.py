"""The accessibility tree as Qt hands it to assistive technology, walked in-process.

The same tree Qt's AT-SPI bridge serves on Linux (tests/gui/test_accessibility_atspi.py walks
that one over D-Bus); this in-process walk is quick enough to cover every dialog.
"""

from __future__ import annotations

from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QWidget

# Items inside a list, table or tree are data, not controls: an empty cell is an empty value.
_ITEM_ROLES = {
    QAccessible.Role.Cell,
    QAccessible.Role.ListItem,
    QAccessible.Role.TreeItem,
    QAccessible.Role.Row,
    QAccessible.Role.ColumnHeader,
    QAccessible.Role.RowHeader,
}


def _describe(node: QAccessibleInterface) -> str:
    obj = node.object()
    what = obj.metaObject().className() if obj is not None else "?"
    name = obj.objectName() if obj is not None else ""
    parent = obj.parent() if obj is not None else None
    chain = []
    while parent is not None and len(chain) < 4:
        chain.append(parent.objectName() or parent.metaObject().className())
        parent = parent.parent()
    return f"{node.role().name} {what}{'#' + name if name else ''} in {'/'.join(chain)}"


def walk(root: QWidget):
    """Yield every interface under ``root`` (visible or not), depth first."""
    start = QAccessible.queryAccessibleInterface(root)
    stack = [start] if start is not None else []
    while stack:
        node = stack.pop()
        yield node
        if node.role() in _ITEM_ROLES:
            continue
        for i in range(node.childCount() - 1, -1, -1):
            child = node.child(i)
            if child is not None and child.isValid():
                stack.append(child)


def name_of(node: QAccessibleInterface) -> str:
    """What a screen reader on Linux says the control is. A combo box's Name there is its
    current item (Qt drops setAccessibleName on Unix); its purpose comes from a label."""
    if node.role() == QAccessible.Role.ComboBox:
        labels = [
            other.text(QAccessible.Text.Name)
            for other, _relation in node.relations(QAccessible.RelationFlag.Label)
        ]
        return labels[0] if labels else ""
    return node.text(QAccessible.Text.Name)


def unnamed_focusable(root: QWidget, visible_only: bool = True) -> list[str]:
    """Every focusable control under ``root`` with no accessible name."""
    found = []
    for node in walk(root):
        state = node.state()
        if not state.focusable or node.role() in _ITEM_ROLES:
            continue
        if visible_only and state.invisible:
            continue
        if not name_of(node).strip():
            found.append(_describe(node))
    return found


def focusable_names(root: QWidget) -> list[str]:
    """The names of the visible focusable controls under ``root``."""
    return [
        name_of(node)
        for node in walk(root)
        if node.state().focusable and not node.state().invisible and node.role() not in _ITEM_ROLES
    ]
