"""The findings dialog before an export for other readers: Redact, Edit entry, Write anyway."""

from __future__ import annotations

import os

import pytest
from PySide6.QtWidgets import QMainWindow

from reflectjournal.gui.io_dialogs import install_file_menu
from reflectjournal.gui.privacy_dialog import FindingsDialog

NHS = "943 476 5919"
TEXT = f"Mrs Doreen Whitcombe waited nine hours; Mr Achebe found NHS {NHS} on the board."


@pytest.fixture
def bare(qtbot, workspace):
    win = QMainWindow()
    qtbot.addWidget(win)
    install_file_menu(win, workspace)
    return win


def refused_export(qtbot, bare, out, **kwargs) -> FindingsDialog:
    actions = bare.file_actions
    task = actions.start_export("cpd", out, **kwargs)
    with qtbot.waitSignal(task.done, timeout=30_000):
        pass
    qtbot.waitUntil(lambda: getattr(actions, "findings_dialog", None) is not None)
    dialog = actions.findings_dialog
    qtbot.waitExposed(dialog)
    return dialog


def test_refused_export_shows_the_findings_and_redact_writes_with_choices(
    qtbot, bare, workspace, tmp_path
):
    entry = workspace.journal.add(TEXT, title="Handover", model=None)
    out = tmp_path / "cpd.md"
    dialog = refused_export(qtbot, bare, out)
    assert not out.exists()
    shown = [dialog.table.item(r, 2).text() for r in range(dialog.table.rowCount())]
    assert [dialog.table.item(r, 1).text() for r in range(3)] == [
        "patient's or relative's name", "patient's or relative's name", "NHS number",
    ]  # fmt: skip
    assert "[Mrs Doreen Whitcombe]" in shown[0] and f"[{NHS}]" in shown[2]
    dialog.choice_boxes[1].setCurrentIndex(1)  # Mr Achebe: fine, a colleague
    dialog.redact_button.click()
    qtbot.waitUntil(out.exists, timeout=30_000)
    written = out.read_text(encoding="utf-8")
    assert "Whitcombe" not in written and NHS not in written and "Mr Achebe" in written
    assert "[name removed]" in written and "[NHS number removed]" in written
    decisions = {(c.text, c.decision) for c in workspace.privacy.choices(entry)}
    assert decisions == {("Mrs Doreen Whitcombe", "redact"), ("Mr Achebe", "fine"),
                         (NHS, "redact")}  # fmt: skip
    assert "Whitcombe" in workspace.journal.entry(entry).body  # the entry is untouched


def test_write_anyway_needs_a_second_confirmation(qtbot, bare, workspace, tmp_path):
    workspace.journal.add(TEXT, title="Handover")
    out = tmp_path / "cpd.md"
    dialog = refused_export(qtbot, bare, out)
    dialog.anyway_button.click()
    assert dialog.isVisible() and dialog.pages.currentIndex() == 1  # asked again, not written
    assert not out.exists()
    dialog.back_button.click()
    assert dialog.pages.currentIndex() == 0
    dialog.anyway_button.click()
    dialog.confirm_button.click()
    qtbot.waitUntil(out.exists, timeout=30_000)
    assert NHS in out.read_text(encoding="utf-8")
    assert workspace.privacy.choices(1) == []  # writing anyway remembers nothing


def test_cancel_writes_nothing_and_edit_opens_the_entry(qtbot, window, workspace, tmp_path):
    entry = workspace.journal.add(TEXT, title="Handover")
    window.go("journal").model.reload()
    out = tmp_path / "cpd.md"
    dialog = refused_export(qtbot, window, out)
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: "was not written" in (window.file_actions.last_message or ""))
    assert not out.exists()
    window.file_actions.findings_dialog = None
    dialog = refused_export(qtbot, window, out)
    dialog.edit_button.click()
    qtbot.waitUntil(lambda: window.go("journal").editor.entry_id == entry)
    assert not out.exists()


def test_findings_are_plain_text(qtbot, workspace):
    from reflectjournal.services.privacy.service import EntryFinding

    markup = "<b>Mrs Evans</b><img src=x>"
    finding = EntryFinding(1, markup, "2026-11-30", "body", "patient-name", "name", "x", markup)
    dialog = FindingsDialog([finding], "HTML export")
    qtbot.addWidget(dialog)
    assert dialog.table.item(0, 0).text().startswith(markup)
    assert dialog.table.item(0, 2).text() == markup


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshot_at_1024x640(qtbot, bare, workspace, tmp_path, scheme):
    """Saved for looking at (RJ_SCREENSHOTS=folder); the layout must fit 1024x640."""
    from PySide6.QtWidgets import QApplication

    from reflectjournal.gui.theme import apply_theme

    app = QApplication.instance()
    apply_theme(app, scheme)
    try:
        workspace.journal.add(TEXT, title="Handover at night")
        workspace.journal.add("Baby Amelia, 02/10/2026, went to the unit.", title="NICU")
        bare.resize(1024, 640)
        bare.show()
        dialog = refused_export(qtbot, bare, tmp_path / "cpd.pdf.md")
        dialog.resize(1000, 460)
        assert dialog.table.rowCount() == 5
        assert dialog.sizeHint().width() <= 1024
        folder = os.environ.get("RJ_SCREENSHOTS")
        if folder:
            dialog.grab().save(os.path.join(folder, f"privacy-findings-{scheme}.png"))
            dialog.anyway_button.click()
            dialog.grab().save(os.path.join(folder, f"privacy-confirm-{scheme}.png"))
    finally:
        apply_theme(app, "light")
