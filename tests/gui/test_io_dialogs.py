"""File menu: import/export/backup/restore off the UI thread, with progress, cancel and PDF."""

from __future__ import annotations

import shutil
import subprocess
import threading
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QRunnable, QThreadPool, QTimer
from PySide6.QtWidgets import QMainWindow, QProgressDialog, QPushButton

from reflectjournal.gui.io_dialogs import FileActions, install_file_menu

PDFTOTEXT = shutil.which("pdftotext")
JRNL = "[2024-01-05 08:30] Night shift handover.\nShort staffed. @burnout\n\n" + "".join(
    f"[2024-02-{d:02d} 09:00] Day {d}.\nBody {d}.\n\n" for d in range(1, 29)
)


@pytest.fixture
def bare(qtbot, workspace):
    win = QMainWindow()
    win.menuBar().addMenu("&Journal")
    qtbot.addWidget(win)
    install_file_menu(win, workspace)
    return win


def wait(qtbot, task, signal: str = "finished"):
    with qtbot.waitSignal(getattr(task, signal), timeout=30_000) as blocker:
        pass
    return blocker.args


def test_file_menu_comes_first_with_four_actions(bare):
    first = bare.menuBar().actions()[0]
    assert first.text() == "&File"
    texts = [a.text() for a in first.menu().actions() if not a.isSeparator()]
    assert texts == ["&Import…", "&Export…", "&Back up now…", "&Restore…"]


def test_import_runs_in_the_background_and_reports(qtbot, bare, workspace, tmp_path):
    source = tmp_path / "j.txt"
    source.write_text(JRNL, encoding="utf-8")
    actions: FileActions = bare.file_actions
    seen = []
    task = actions.start_import("jrnl", source)
    task.progress.connect(lambda d, t: seen.append((d, t)))
    (report,) = wait(qtbot, task)
    assert report.entries == 29 and workspace.journal.count() == 29
    assert actions.last_message == "Imported 29 entries; 0 skipped."
    assert seen and seen[-1] == (29, 29)


def test_import_dialog_takes_a_jrnl_password_and_reports_in_one_line(
    qtbot, bare, workspace, tmp_path
):
    import base64
    import hashlib

    from cryptography.fernet import Fernet

    from reflectjournal.services.importers.jrnl_crypto import V2_SALT

    key = hashlib.pbkdf2_hmac("sha256", b"s3cret", V2_SALT, 100_000, dklen=32)
    source = tmp_path / "journal.txt"  # a jrnl 2.x encrypted journal
    source.write_bytes(Fernet(base64.urlsafe_b64encode(key)).encrypt(JRNL.encode()))
    actions: FileActions = bare.file_actions
    dialog, kinds, password, date_format = actions.import_form()
    qtbot.addWidget(dialog)
    kinds.setCurrentIndex(kinds.findData("dayone/folder"))
    assert not password.isEnabled()  # only jrnl journals have a password
    kinds.setCurrentIndex(kinds.findData("jrnl"))
    assert password.isEnabled() and date_format.isEnabled()
    assert password.echoMode() == password.EchoMode.Password
    dialog.resize(520, dialog.sizeHint().height())
    dialog.grab().save(str(tmp_path / "import-dialog.png"))

    (text,) = wait(qtbot, actions.start_import("jrnl", source, password="wrong"), "failed")
    assert text.startswith("That password does not open this jrnl journal") and "\n" not in text
    assert workspace.journal.count() == 0
    (report,) = wait(qtbot, actions.start_import("jrnl", source, password="s3cret"))
    assert report.entries == 29 and workspace.journal.count() == 29
    assert actions.last_message == "Imported 29 entries; 0 skipped."
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".txt"] == ["journal.txt"]


def test_cancelled_import_writes_nothing(qtbot, bare, workspace, tmp_path):
    source = tmp_path / "j.txt"
    source.write_text(JRNL, encoding="utf-8")
    # One worker, held busy, so Cancel is pressed before the import has begun.
    pool = QThreadPool()
    pool.setMaxThreadCount(1)
    release = threading.Event()

    class Hold(QRunnable):
        def run(self):
            release.wait(10)

    pool.start(Hold())
    actions: FileActions = bare.file_actions
    actions.pool = pool
    task = actions.start_import("jrnl", source)
    task.cancel()
    release.set()
    wait(qtbot, task, "cancelled")
    assert workspace.journal.count() == 0
    assert actions.last_message == "Importing cancelled; nothing was written."


def _pdf_text(path: Path) -> str:
    out = subprocess.run([PDFTOTEXT, str(path), "-"], capture_output=True, text=True, check=True)
    return unicodedata.normalize("NFKC", out.stdout)  # Qt's fonts set "fl" as a ligature


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed to read the PDF back")
def test_pdf_and_cpd_pdf_exports_read_back(qtbot, bare, workspace, tmp_path):
    workspace.journal.add(
        "The ward ran out of beds.", title="Bed crisis", tags=["demand-management"],
        when=datetime(2024, 3, 1, 3, 15, tzinfo=UTC),
    )  # fmt: skip
    workspace.journal.add(
        model="cpd",
        sections={"what-happened": "A QI workshop.", "what-i-learned": "Run charts."},
        title="QI workshop",
    )
    actions: FileActions = bare.file_actions
    (report,) = wait(qtbot, actions.start_export("pdf", tmp_path / "all.pdf"))
    assert report.entries == 2
    data = (tmp_path / "all.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    text = _pdf_text(tmp_path / "all.pdf")
    assert "Bed crisis" in text and "QI workshop" in text and "ward ran out of beds" in text

    (report,) = wait(qtbot, actions.start_export("cpd", tmp_path / "cpd.pdf"))
    text = _pdf_text(tmp_path / "cpd.pdf")
    assert "Reflective accounts for revalidation" in text
    assert "How my practice changed" in text and "Run charts." in text
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".pdf") == [
        "all.pdf", "cpd.pdf",
    ]  # fmt: skip


def test_cpd_export_in_a_regulators_layout(qtbot, bare, workspace, tmp_path):
    workspace.journal.add(
        model="cpd", sections={"what-happened": "A QI workshop."}, title="QI workshop",
        when=datetime(2026, 3, 3, 9, 0, tzinfo=UTC),
    )  # fmt: skip
    actions: FileActions = bare.file_actions
    (report,) = wait(qtbot, actions.start_export("cpd", tmp_path / "gmc.html", regulator="gmc"))
    html = (tmp_path / "gmc.html").read_text(encoding="utf-8")
    assert report.entries == 1 and "Reflections for appraisal and GMC revalidation" in html
    assert "not legally privileged" in html and "3 March 2026" in html


def test_backup_now_restore_and_backup_on_close(qtbot, bare, workspace, tmp_path, passphrase):
    workspace.journal.add("Keep me.", title="Precious")
    actions: FileActions = bare.file_actions
    (backup,) = wait(qtbot, actions.start_backup(tmp_path / "b.rj"))
    assert backup.entries == 1 and Path(backup.path).exists()

    failed = actions.start_restore(tmp_path / "b.rj", tmp_path / "new.rj", "wrong passphrase")
    (message,) = wait(qtbot, failed, "failed")
    assert "passphrase is wrong" in message and not (tmp_path / "new.rj").exists()

    (restored,) = wait(
        qtbot, actions.start_restore(tmp_path / "b.rj", tmp_path / "new.rj", passphrase)
    )
    assert restored.entries == 1 and (tmp_path / "new.rj").exists()

    from reflectjournal.services.backup import default_folder

    bare.close()  # the automatic backup is taken as the window closes
    made = list(default_folder(workspace.path).glob("journal-*.rj.bak"))
    assert len(made) == 1 and made[0].parent == workspace.path.parent / "backups" / "journal"


def _backups(workspace) -> list[Path]:
    from reflectjournal.services.backup import default_folder

    folder = default_folder(workspace.path)
    return sorted(folder.iterdir()) if folder.exists() else []


def test_close_backup_holds_the_words_typed_just_before_closing(
    qtbot, window, workspace, passphrase
):
    from reflectjournal.services.workspace import Workspace
    from reflectjournal.storage.unlock import KeySources

    window.new_entry()
    qtbot.keyClicks(window.journal_view.editor.body, "Typed a second before closing.")
    window.close()  # no autosave has run: the close saves first, then backs up
    (backup,) = _backups(workspace)
    copy = Workspace.open(backup, KeySources(environ={"REFLECTJOURNAL_PASSPHRASE": passphrase}))
    try:
        assert [e.body for e in copy.journal.entries()] == ["Typed a second before closing."]
    finally:
        copy.close()


def test_close_backup_shows_progress_and_skip_leaves_no_file(qtbot, bare, workspace, monkeypatch):
    """The copy runs in steps off the UI thread; Skip stops it and removes the partial file."""
    from reflectjournal.gui.tasks import TaskContext
    from reflectjournal.storage import copy

    for i in range(40):
        workspace.journal.add("A longer body to make pages. " * 40, title=f"Entry {i}")
    monkeypatch.setattr(copy, "STEP_PAGES", 4)
    first_step, released = threading.Event(), threading.Event()
    real_step = TaskContext.step

    def held_step(ctx, done, total=0):
        first_step.set()
        released.wait(10)  # the worker waits here until the test has pressed Skip
        real_step(ctx, done, total)

    monkeypatch.setattr(TaskContext, "step", held_step)
    pressed = []

    def press_skip():
        (dialog,) = bare.findChildren(QProgressDialog)
        assert dialog.labelText() == "Backing up your journal before closing…"
        (skip,) = dialog.findChildren(QPushButton)
        assert skip.text() == "Skip"
        skip.click()
        pressed.append(dialog)
        released.set()

    # Runs inside the close's own event loop, once the copy has really started.
    timer = QTimer()
    timer.timeout.connect(lambda: first_step.is_set() and not pressed and press_skip())
    timer.start(10)
    bare.close()
    timer.stop()
    assert pressed, "Skip was never offered"
    assert not bare.isVisible()
    assert _backups(workspace) == []  # no backup, no .partial left behind
    assert workspace.journal.count() == 40


def test_back_up_now_reports_progress_in_pages(qtbot, bare, workspace, tmp_path, monkeypatch):
    from reflectjournal.storage import copy

    for i in range(20):
        workspace.journal.add("Pages and pages. " * 60, title=f"Entry {i}")
    monkeypatch.setattr(copy, "STEP_PAGES", 8)
    task = bare.file_actions.start_backup(tmp_path / "b.rj")
    seen = []
    task.progress.connect(lambda done, total: seen.append((done, total)))
    (report,) = wait(qtbot, task)
    assert report.entries == 20
    total = seen[-1][1]
    assert len(seen) > 2 and seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
