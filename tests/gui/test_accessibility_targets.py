"""WCAG 2.2 AA 2.5.8 (target size, minimum): every button and combo box a pointer can click,
on every page and dialog, is at least 24 px high (Fusion drew push buttons 22 px high)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QDialog, QRadioButton

from reflectjournal.gui.plain_text import MIN_TARGET
from tests.gui.a11y_gallery import TARGETS, demo_window


@pytest.fixture(scope="module")
def demo(qapp, tmp_path_factory):
    window = demo_window(tmp_path_factory.mktemp("targets"))
    yield window
    window.autolock_timer.stop()
    window.finish()
    window.close()
    window.workspace.close()


def small_targets(root) -> list[str]:
    found = []
    for widget in root.findChildren(QAbstractButton) + root.findChildren(QComboBox):
        if isinstance(widget, (QCheckBox, QRadioButton)):
            continue  # the label is part of the target; the row is what is clicked
        if not widget.isVisibleTo(root) or not widget.isEnabled():
            continue
        if widget.objectName() == "qt_tableview_cornerbutton":
            continue  # part of the table's header row, which sets its height
        if widget.height() < MIN_TARGET:
            name = widget.accessibleName() or getattr(widget, "text", lambda: "")()
            found.append(
                f"{type(widget).__name__} {widget.objectName()!r} {name!r}: "
                f"{widget.width()}x{widget.height()}"
            )
    return found


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_button_is_at_least_24_px_high(demo, target):
    shown = TARGETS[target](demo)
    try:
        assert small_targets(shown) == [], target
    finally:
        if isinstance(shown, QDialog):
            shown.close()
            shown.deleteLater()
