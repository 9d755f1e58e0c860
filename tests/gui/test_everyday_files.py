"""Issue 18: file dialogs start in a sensible folder, backup names carry the date, Restore
starts where the automatic backups are kept."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

from reflectjournal.services.backup import default_folder


def _capture(monkeypatch, method: str) -> list:
    seen: list = []

    def fake(*args, **kwargs):
        seen.append(args)
        return "", ""

    monkeypatch.setattr(QFileDialog, method, staticmethod(fake))
    return seen


def test_backup_is_offered_a_dated_name_outside_the_working_folder(window, monkeypatch):
    seen = _capture(monkeypatch, "getSaveFileName")
    window.file_actions.backup_dialog()
    offered = Path(seen[0][2])
    assert offered.name == f"journal-backup-{date.today().isoformat()}.rj"
    assert offered.is_absolute() and offered.parent != Path(os.getcwd())


def test_restore_starts_where_the_automatic_backups_are(window, monkeypatch):
    automatic = default_folder(window.workspace.path)
    window.workspace.backups.rotate(automatic, keep=3)
    seen = _capture(monkeypatch, "getOpenFileName")
    window.file_actions.restore_dialog()
    assert Path(seen[0][2]) == automatic


def test_import_remembers_its_folder(window, monkeypatch, tmp_path):
    from reflectjournal.gui.folders import remember, start_in

    assert start_in("import") != Path(os.getcwd())
    remember("import", tmp_path / "export.json")
    assert start_in("import") == tmp_path
