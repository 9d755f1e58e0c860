"""Where file dialogs start: the folder last used for the same purpose, else Documents (or
home) — never the process's working folder, which was wherever the app was launched from.
Names for new files carry the date ("journal-backup-2026-11-30.rj")."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QStandardPaths


def documents() -> Path:
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def start_in(purpose: str, fallback: Path | None = None) -> Path:
    """The folder to open a dialog in for ``purpose`` (import, export, backup, …)."""
    from reflectjournal.gui.main_window import gui_settings

    remembered = gui_settings().value(f"folders/{purpose}")
    if remembered and Path(str(remembered)).is_dir():
        return Path(str(remembered))
    if fallback is not None and fallback.is_dir():
        return fallback
    return documents()


def remember(purpose: str, chosen: str | Path) -> None:
    """Note the folder of what was chosen, for the next dialog of the same purpose."""
    from reflectjournal.gui.main_window import gui_settings

    path = Path(chosen)
    folder = path if path.is_dir() else path.parent
    settings = gui_settings()
    settings.setValue(f"folders/{purpose}", str(folder))
    settings.sync()


def dated_name(stem: str, suffix: str, today: date | None = None) -> str:
    """ "journal-backup-2026-11-30.rj": sorts by date in any file manager."""
    return f"{stem}-{(today or date.today()).isoformat()}{suffix}"
