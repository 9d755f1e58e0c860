"""Issue 18 item 6: the core journey by keyboard alone, as someone who cannot use a mouse.

Unlock, new entry, write, tag, save, search, open a result, Patterns and its tables, lock and
unlock again: every step is a key press sent to whichever widget has the focus (no clicks, no
calls into the app), and each step checks what really happened (rows in the journal, the entry
found and opened, the table's numbers).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QTableView

from reflectjournal.gui.app import AppController
from reflectjournal.gui.markdown_edit import MarkdownEdit
from reflectjournal.services.workspace import Workspace

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def tab_until(qtbot, found, limit: int = 40):
    for _ in range(limit):
        if found(QApplication.focusWidget()):
            return QApplication.focusWidget()
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab never reached it; stopped on {QApplication.focusWidget()}")


def answer_unlock(qtbot, controller, passphrase: str) -> QTimer:
    """When the unlock dialog asks, type the passphrase where the focus is and press Enter."""

    def answer() -> None:
        dialog = controller.unlock_dialog
        if dialog is None or not dialog.isVisible() or QApplication.focusWidget() is None:
            return
        if QApplication.focusWidget() is not dialog.passphrase:
            return  # not focused yet: the timer tries again
        poll.stop()
        type_text(qtbot, passphrase)
        press(qtbot, Qt.Key.Key_Return)

    poll = QTimer(interval=20)
    poll.timeout.connect(answer)
    poll.start()
    return poll


def test_the_core_journey_by_keyboard_alone(qtbot, tmp_path, passphrase):
    path = tmp_path / "journal.rj"
    ws = Workspace.create(path, passphrase, owner="Jo Leader")
    ws.journal.add("Budget meeting went well.", title="Budget")
    ws.close()

    # Unlock: the passphrase typed into the field that has the focus, then Enter.
    controller = AppController(path)
    answer_unlock(qtbot, controller, passphrase)
    workspace = controller.first_workspace()
    assert workspace is not None and workspace.journal.count() == 1
    window = controller.show(workspace)  # the controller deletes it when locking
    window.activateWindow()  # what the window manager does for a new window
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    view = window.journal_view
    editor = view.editor

    # New entry (Ctrl+N), a title, Tab into the text, write.
    press(qtbot, Qt.Key.Key_N, CTRL)
    qtbot.waitUntil(lambda: editor.entry_id is None)
    if QApplication.focusWidget() is not editor.title:
        tab_until(qtbot, lambda w: w is editor.title)
    type_text(qtbot, "Night shift handover")
    tab_until(qtbot, lambda w: isinstance(w, MarkdownEdit))
    type_text(qtbot, "The handover ran late again; two gaps on the rota.")

    # Tag it (Ctrl+T, type, Enter ticks the match, Esc closes the list), then save (Ctrl+S).
    press(qtbot, Qt.Key.Key_T, CTRL)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is editor.tags.filter)
    type_text(qtbot, "Burnout")
    press(qtbot, Qt.Key.Key_Return)
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_S, CTRL)
    saved = [e for e in workspace.journal.entries() if e.title == "Night shift handover"]
    assert len(saved) == 1
    assert saved[0].body == "The handover ran late again; two gaps on the rota."
    assert "burnout" in workspace.journal.tags_for(saved[0].id)
    new_id = saved[0].id

    # Search (Ctrl+F), Down into the results, Enter opens the entry with the cursor in its text.
    press(qtbot, Qt.Key.Key_N, CTRL)  # away from it first, so opening it is real
    qtbot.waitUntil(lambda: editor.entry_id is None)
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert QApplication.focusWidget() is view.search
    type_text(qtbot, "handover")
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=5000)
    press(qtbot, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is view.list
    press(qtbot, Qt.Key.Key_Return)
    assert editor.entry_id == new_id
    assert isinstance(QApplication.focusWidget(), MarkdownEdit)
    assert "two gaps" in QApplication.focusWidget().toPlainText()

    # Patterns (Ctrl+4), Show as tables (Alt+T), Tab to the themes table, read a number.
    press(qtbot, Qt.Key.Key_4, CTRL)
    patterns = window.pages["patterns"]
    qtbot.waitUntil(lambda: patterns.data is not None, timeout=20_000)
    press(qtbot, Qt.Key.Key_T, ALT)
    qtbot.waitUntil(patterns.as_tables.isChecked)  # a button's shortcut is an animated click
    table = tab_until(qtbot, lambda w: w is patterns.tables["timeline"])
    assert isinstance(table, QTableView)
    model = table.model()
    column = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    burnout = column.index("Burnout")
    assert sum(int(model.index(r, burnout).data()) for r in range(model.rowCount())) == 1
    # Enter on that number lists the entry in the drill-down; Enter there opens it.
    qtbot.keyClick(table, Qt.Key.Key_End, CTRL)
    while table.currentIndex().column() > burnout:
        press(qtbot, Qt.Key.Key_Left)
    while model.index(table.currentIndex().row(), burnout).data() == "0":
        press(qtbot, Qt.Key.Key_Up)
    press(qtbot, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is patterns.drill_list
    assert patterns.drill_list.currentItem().data(Qt.ItemDataRole.UserRole) == new_id

    # Lock (Ctrl+L) and unlock by keyboard: back on the same page.
    answer_unlock(qtbot, controller, passphrase)
    press(qtbot, Qt.Key.Key_L, CTRL)
    qtbot.waitUntil(lambda: controller.window not in (None, window), timeout=20_000)
    again = controller.window
    assert again.stack.currentWidget() is again.pages["patterns"]
    assert controller.workspace.journal.count() == 2
    again.finish()
    again.close()
    controller.close_workspace()
