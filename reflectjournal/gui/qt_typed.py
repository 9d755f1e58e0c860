"""Qt calls whose stubs say "maybe None" where this app's own code guarantees a value.

PySide6 types most getters as Optional (``QApplication.instance()``, ``tree.topLevelItem(i)``,
``widget.layout()``). Where the caller made the thing itself (the app object, a tree it
filled, a layout it set), these helpers say so once, and fail loudly if that ever stops
being true, instead of each caller repeating ``assert x is not None``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from PySide6.QtCore import QDate, QDateTime, QTime
from PySide6.QtWidgets import QApplication, QTreeWidget, QTreeWidgetItem

T = TypeVar("T")


def present(value: T | None, what: str = "value") -> T:
    """``value``, known not to be None here (a programming error otherwise)."""
    if value is None:
        raise RuntimeError(f"expected a {what}, got None")
    return value


def application() -> QApplication:
    """The running QApplication (the app and the tests always make one first)."""
    instance = QApplication.instance()
    if not isinstance(instance, QApplication):
        raise RuntimeError("no QApplication is running")
    return instance


def top_level_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    return [present(tree.topLevelItem(i), "tree item") for i in range(tree.topLevelItemCount())]


def child_items(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [present(item.child(i), "tree item") for i in range(item.childCount())]


def wall_clock(moment: datetime) -> QDateTime:
    """A QDateTime showing ``moment``'s own date and time of day (its zone, if any, is not
    consulted: convert first), as PySide's implicit conversion does (the stubs lack it)."""
    return QDateTime(
        QDate(moment.year, moment.month, moment.day),
        QTime(moment.hour, moment.minute, moment.second, moment.microsecond // 1000),
    )


def python_datetime(value: QDateTime) -> datetime:
    """``value.toPython()``, which the stubs type as ``object``: a naive local datetime."""
    moment = value.toPython()
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime from Qt, got {type(moment).__name__}")
    return moment
