"""Frameworks page: typed relations in an item's details, and adding an optional pack."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt

from reflectjournal.gui.frameworks_view import FrameworksView


def _leaf(view, name):
    found = view.tree.findItems(name, Qt.MatchFlag.MatchRecursive | Qt.MatchFlag.MatchExactly)
    return found[0]


def test_details_name_each_kind_of_link(qtbot, workspace):
    view = FrameworksView(workspace)
    qtbot.addWidget(view)
    view.tree.setCurrentItem(_leaf(view, "Burnout"))
    text = view.details.toPlainText()
    assert "Related:" in text and "Calls for:" not in text  # no deficit framing
    assert "the source rates this evidence as strong" in text
    view.tree.setCurrentItem(_leaf(view, "Demand management"))
    assert "Calls for: Systems thinking" in view.details.toPlainText()


def test_adding_a_pack_from_the_menu(qtbot, workspace):
    view = FrameworksView(workspace)
    qtbot.addWidget(view)
    view._fill_packs()
    names = [a.text() for a in view.pack_menu.actions()]
    assert "Medical Leadership Competency Framework" in names
    action = view.pack_menu.actions()[names.index("Medical Leadership Competency Framework")]
    with qtbot.waitSignal(view.status) as signal:
        action.trigger()
    assert "20 items" in signal.args[0]
    tops = [view.tree.topLevelItem(i).text(0) for i in range(view.tree.topLevelItemCount())]
    assert "Medical Leadership Competency Framework" in tops
    view._fill_packs()
    assert "Medical Leadership Competency Framework" not in [
        a.text() for a in view.pack_menu.actions()
    ]
