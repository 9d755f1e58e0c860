"""Issue 18, safety nets: Delete moves to the Trash, Undo and the Trash bring it back."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from reflectjournal.gui.trash_dialog import TrashDialog


def test_delete_then_undo_from_the_status_bar(qtbot, window):
    view = window.journal_view
    entry = window.workspace.journal.add("Kept after all.", title="Keep me", tags=["burnout"])
    view.apply_search()
    view.open_entry(entry)
    window.delete_entry()
    assert window.workspace.journal.count() == 0 and view.model.rowCount() == 0
    undo = window.statusBar().findChild(QPushButton, "undoDelete")
    assert undo is not None and undo.isVisible()
    assert window.undo_delete_action.isEnabled()
    undo.click()
    [back] = window.workspace.journal.entries()
    assert back.title == "Keep me" and list(back.tags) == ["burnout"]
    assert view.editor.entry_id == int(back.id) and view.model.rowCount() == 1
    qtbot.waitUntil(lambda: window.statusBar().findChild(QPushButton, "undoDelete") is None)


def test_the_trash_dialog_restores_and_empties(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    journal = window.workspace.journal
    first = journal.add("one", title="First")
    second = journal.add("two", title="Second")
    window.workspace.trash.move(first)
    window.workspace.trash.move(second)
    dialog = TrashDialog(window.workspace, window)
    qtbot.addWidget(dialog)
    titles = [dialog.tree.topLevelItem(i).text(0) for i in range(dialog.tree.topLevelItemCount())]
    assert titles == ["Second", "First"]  # most recently deleted first
    assert dialog.tree.topLevelItem(0).text(3)  # when it goes for good
    dialog.tree.setCurrentItem(dialog.tree.topLevelItem(1))
    [restored] = dialog.restore_selected()
    assert journal.entry(restored).title == "First"
    assert window.journal_view.model.row_of(restored) >= 0  # the list heard of it
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    assert dialog.empty() == 0 and dialog.tree.topLevelItemCount() == 1
    assert dialog.empty(confirm=False) == 1
    assert dialog.empty_note.isVisibleTo(dialog) and not dialog.restore_button.isEnabled()
    assert "empty" in dialog.empty_button.toolTip()


def test_print_and_export_this_entry(qtbot, window, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    editor = window.journal_view.editor
    window.new_entry()
    editor.title.setText("Handover <script>")
    qtbot.keyClicks(editor.body, "The rota **held** tonight.")
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert window.print_entry(printer)  # saves the entry first, then prints it
    assert (tmp_path / "printed.pdf").read_bytes().startswith(b"%PDF-")
    entry_id = editor.entry_id
    window.workspace.journal.add("Another entry that must not be exported.")
    task = window.export_entry((str(tmp_path / "one"), "Markdown (*.md)"))
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    text = (tmp_path / "one.md").read_text(encoding="utf-8")
    assert "The rota **held** tonight." in text and "must not be exported" not in text
    title, html = window.workspace.exports.entry_document(entry_id)
    assert title == "Handover <script>" and "<script>" not in html  # escaped in the page
