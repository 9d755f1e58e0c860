"""WCAG 2.2 AA 4.1.2 (name, role, value): every focusable control on every page and dialog
has an accessible name, read from the tree Qt gives assistive technology.

The AT-SPI walk (test_accessibility_atspi.py) checks the same over D-Bus, as Orca sees it;
this in-process walk is quick enough to cover every dialog and state in tests/gui/a11y_gallery.py.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton

from tests.gui.a11y_gallery import TARGETS, demo_window
from tests.gui.a11y_tree import focusable_names, unnamed_focusable


@pytest.fixture(scope="module")
def demo(qapp, tmp_path_factory, monkeypatch_module):
    window = demo_window(tmp_path_factory.mktemp("a11y"))
    yield window
    window.autolock_timer.stop()
    window.finish()
    window.close()
    window.workspace.close()


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_every_focusable_control_has_a_name(demo, target):
    shown = TARGETS[target](demo)
    try:
        names = focusable_names(shown)
        assert names, f"{target}: the walk found almost nothing: {names}"
        assert unnamed_focusable(shown) == [], target
    finally:
        if isinstance(shown, QDialog):
            shown.close()
            shown.deleteLater()


def test_the_walk_finds_an_unnamed_control(qtbot):
    """The check itself: an icon-only button and a bare line edit are caught, by name."""
    dialog = QDialog()
    qtbot.addWidget(dialog)
    button = QPushButton(dialog)
    field = QLineEdit(dialog)
    named = QPushButton("Save", dialog)
    for i, w in enumerate((button, field, named)):
        w.move(0, 30 * i)
    dialog.show()
    found = unnamed_focusable(dialog)
    assert len(found) == 2 and any("QPushButton" in f for f in found)
    assert any("QLineEdit" in f for f in found)
    button.setAccessibleName("Delete")
    field.setAccessibleName("Title")
    assert unnamed_focusable(dialog) == []
    assert {"Delete", "Title", "Save"} <= set(focusable_names(dialog))
    # A combo box is named on Linux only by a label: its accessible name is dropped.
    kind = QComboBox(dialog)
    kind.addItems(["Coaching", "Mentoring"])
    kind.setAccessibleName("Kind")
    kind.move(0, 100)
    kind.show()
    assert [f for f in unnamed_focusable(dialog) if "QComboBox" in f]
    QLabel("Kind", dialog).setBuddy(kind)
    assert unnamed_focusable(dialog) == []
