"""File menu: Import…, Export…, Back up now…, Restore…, each running off the UI thread.

``install_file_menu(window, workspace)`` is the only entry point the main window calls. The
work itself is the services' (ImportService, ExportService, BackupService, restore); this
module only asks what to do, shows a progress bar with Cancel, and reports the outcome.
A cancelled import or export writes nothing: the services roll back or discard their temp file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QEventLoop, QObject, Qt, QThreadPool
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QInputDialog,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressDialog,
)

from reflectjournal.gui.folders import dated_name, remember, start_in
from reflectjournal.gui.operations import Changes, events_of, perform_in_background
from reflectjournal.gui.tasks import Cancelled, Task, run_task
from reflectjournal.services import formats
from reflectjournal.services.display import plural
from reflectjournal.services.workspace import Workspace

if TYPE_CHECKING:
    from reflectjournal.gui.main_window import MainWindow

log = logging.getLogger(__name__)

# (format, label, pick a folder) and (format, label, suffix): services/formats.py, shared with the CLI
IMPORT_CHOICES = [(c.format, c.label, c.folder) for c in formats.IMPORT_CHOICES]
EXPORT_CHOICES = [(c.format, c.label, c.suffix) for c in formats.EXPORT_CHOICES]


def install_file_menu(window: MainWindow, workspace: Workspace) -> QMenu:
    """Add the File menu (first in the bar) and the automatic backup on close."""
    controller = FileActions(window, workspace)
    bar = window.menuBar()
    menu = QMenu("&File", window)
    first = bar.actions()[0] if bar.actions() else None
    if first is not None:
        bar.insertMenu(first, menu)
    else:
        bar.addMenu(menu)
    menu.addAction("&Import…", controller.import_dialog)
    menu.addAction("&Export…", controller.export_dialog)
    menu.addSeparator()
    menu.addAction("&Back up now…", controller.backup_dialog)
    menu.addAction("&Restore…", controller.restore_dialog)
    window.installEventFilter(controller)
    window.file_actions = controller  # kept alive with the window; tests drive it directly
    return menu


class FileActions(QObject):
    def __init__(self, window: QMainWindow, workspace: Workspace, pool: QThreadPool | None = None):
        super().__init__(window)
        self.window = window
        self.workspace = workspace
        self.pool = pool
        self.last_message = ""
        self.task: Task | None = None
        self.closing = False

    # ---- running a task with a progress bar ----------------------------------------------

    def _progress(self, label: str, button: str, task: Task, after_ms: int) -> QProgressDialog:
        """A progress bar for ``task`` that only appears if it runs longer than ``after_ms`` (quick
        jobs finish before any dialog flashes up); its button cancels, and it goes when the
        task is done."""
        progress = QProgressDialog(label, button, 0, 0, self.window)
        progress.setWindowTitle("ReflectJournal")
        progress.setMinimumDuration(after_ms)
        progress.setAutoClose(False)
        progress.setAutoReset(False)
        progress.canceled.connect(task.cancel)
        task.progress.connect(lambda done, total: _show_progress(progress, done, total))
        task.done.connect(progress.close)
        task.done.connect(progress.deleteLater)
        return progress

    def _run(self, label: str, fn, on_done, changes: Changes | None = None) -> Task:
        """Run ``fn`` off the UI thread; a write says what it ``changes`` so every page hears
        of it (before the user is told it is done)."""
        if changes is None:
            task = run_task(fn, self, self.pool)
        else:
            task = perform_in_background(
                events_of(self.window), fn, changes, parent=self, pool=self.pool
            )
        self.task = task
        self._progress(label, "Cancel", task, after_ms=300)
        task.finished.connect(lambda result: self._tell_if(on_done(result)))
        task.failed.connect(lambda text: self._tell(text, error=True))
        task.cancelled.connect(
            lambda: self._tell(f"{label.rstrip('…')} cancelled; nothing was written.")
        )
        return task

    def _tell_if(self, text: str | None) -> None:
        if text is not None:  # None: the outcome was shown another way (the findings dialog)
            self._tell(text)

    def _tell(self, text: str, *, error: bool = False) -> None:
        self.last_message = text
        self.window.statusBar().showMessage(text, 10_000)
        box = QMessageBox(
            QMessageBox.Icon.Warning if error else QMessageBox.Icon.Information,
            "ReflectJournal",
            text,
            QMessageBox.StandardButton.Ok,
            self.window,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()  # not exec(): never block the event loop

    # ---- import --------------------------------------------------------------------------

    def start_import(
        self,
        kind: str,
        path: Path,
        *,
        password: str | None = None,
        date_format: str | None = None,
    ) -> Task:
        workspace = self.workspace

        def work(ctx):
            from reflectjournal.services.importers.service import ImportCancelled

            # Its own connection: the import's one long transaction never makes the window
            # wait (the window keeps reading the journal as it was until the commit).
            with workspace.for_worker() as worker:
                try:
                    return worker.imports.run(
                        kind,
                        path,
                        password=password or None,
                        date_format=date_format or None,
                        progress=ctx.report,
                        cancelled=lambda: ctx.cancelled,
                    )
                except ImportCancelled:
                    raise Cancelled() from None

        def done(report) -> str:
            return report.summary()

        # Imported entries, their tags, and (from our JSON) people and received entries.
        changes = Changes(entries=True, tags=True, people=True, shared=True)
        return self._run("Importing…", work, done, changes)

    def import_form(self) -> tuple[QDialog, QComboBox, QLineEdit, QLineEdit]:
        """The import dialog: what to import from and, for jrnl, its password and date format
        (both optional: the password only opens an encrypted journal, in memory)."""
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Import entries")
        form = QFormLayout(dialog)
        kinds = QComboBox()
        for key, label, folder in IMPORT_CHOICES:
            kinds.addItem(label, key + ("/folder" if folder else ""))
        form.addRow("From", kinds)
        password = QLineEdit()
        password.setEchoMode(QLineEdit.EchoMode.Password)
        password.setPlaceholderText("only for an encrypted jrnl journal")
        form.addRow("jrnl password", password)
        date_format = QLineEdit()
        date_format.setPlaceholderText("found in your jrnl settings, or detected")
        date_format.setToolTip(
            "How the journal writes its dates, as jrnl's timeformat, e.g. %d.%m.%Y %H:%M"
        )
        form.addRow("jrnl date format", date_format)

        def jrnl_only() -> None:
            is_jrnl = kinds.currentData().startswith("jrnl")
            if not is_jrnl:
                password.clear()  # a password is never kept for a format that has none
            for widget in (password, date_format):
                widget.setEnabled(is_jrnl)
                form.labelForField(widget).setEnabled(is_jrnl)

        kinds.currentIndexChanged.connect(jrnl_only)
        jrnl_only()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        return dialog, kinds, password, date_format

    def import_dialog(self) -> None:
        dialog, kinds, password, date_format = self.import_form()
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kind, _, folder = kinds.currentData().partition("/")
        start = str(start_in("import"))
        if folder:
            chosen = QFileDialog.getExistingDirectory(self.window, kinds.currentText(), start)
        else:
            chosen, _ = QFileDialog.getOpenFileName(self.window, "File to import", start)
        if chosen:
            remember("import", chosen)
        secret = password.text() if kind == "jrnl" else ""
        password.clear()  # the widget is gone with the dialog; keep no copy beyond the task
        if chosen:
            self.start_import(
                kind,
                Path(chosen),
                password=secret,
                date_format=date_format.text().strip() if kind == "jrnl" else "",
            )

    # ---- export --------------------------------------------------------------------------

    def current_filter(self):
        from reflectjournal.services.entries import EntryFilter

        page = getattr(self.window, "pages", {}).get("journal")
        return getattr(page, "filter", None) or EntryFilter()

    def start_export(
        self,
        kind: str,
        out: Path,
        f=None,
        *,
        overwrite: bool = False,
        allow_identifiers: bool = False,
        regulator: str | None = None,
        only: list[int] | None = None,
    ) -> Task:
        from reflectjournal.adapters import qt_pdf
        from reflectjournal.errors import PrivacyCheckFailed
        from reflectjournal.services.exporters import ExportCancelled

        qt_pdf.install(self.workspace)
        service = self.workspace.exports

        def work(ctx):
            try:
                return service.run(
                    kind, out, f, overwrite=overwrite, progress=ctx.report,
                    cancelled=lambda: ctx.cancelled, allow_identifiers=allow_identifiers,
                    regulator=regulator, only=only,
                )  # fmt: skip
            except ExportCancelled:
                raise Cancelled() from None
            except PrivacyCheckFailed as exc:  # nothing written: ask, then try again
                return exc

        def done(result) -> str | None:
            if isinstance(result, PrivacyCheckFailed):
                what = "CPD accounts" if kind == "cpd" else f"{kind.upper()} export"
                again = lambda allow: self.start_export(  # noqa: E731
                    kind, out, f, overwrite=overwrite, allow_identifiers=allow,
                    regulator=regulator, only=only,
                )  # fmt: skip
                self.ask_about_findings(result.findings, what, again)
                return None
            text = f"Exported {plural(result.entries, 'entry')} to {result.path}."
            if result.redacted:
                text += f" {result.redacted} identifiers were redacted as you chose."
            if result.findings:
                text += f" It carries {result.findings} likely patient identifiers."
            return text

        return self._run("Exporting…", work, done)

    def ask_about_findings(self, findings, what: str, again) -> None:
        """The findings dialog; Redact, Edit entry or Write anyway (after a second yes)."""
        from reflectjournal.gui.privacy_dialog import FindingsDialog, remember_choices

        dialog = FindingsDialog(findings, what, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.findings_dialog = dialog

        def decided() -> None:
            if dialog.decision == "redact":
                remember_choices(self.workspace.privacy, dialog)
                again(False)
            elif dialog.decision == "anyway":
                again(True)
            elif dialog.decision == "edit":
                entry_id = dialog.selected_entry()
                if entry_id is not None:
                    events_of(self.window).open_entry(entry_id)  # navigation is an event

        dialog.accepted.connect(decided)
        dialog.rejected.connect(lambda: self._tell(f"The {what} was not written."))
        dialog.open()  # not exec(): never block the event loop

    def export_dialog(self) -> None:
        dialog = QDialog(self.window)
        dialog.setWindowTitle("Export entries")
        form = QFormLayout(dialog)
        kinds = QComboBox()
        for key, label, _suffix in EXPORT_CHOICES:
            kinds.addItem(label, key)
        form.addRow("As", kinds)
        # CPD accounts can follow one regulator's form (NMC, GMC, HCPC), with the cycle's record.
        regulator = QComboBox()
        regulator.setAccessibleName("Regulator's layout")
        layouts: list[tuple[str | None, str]] = [
            (None, "General layout"),
            ("nmc", "NMC (nurses and midwives)"),
            ("gmc", "GMC (doctors)"),
            ("hcpc", "HCPC (health and care professions)"),
        ]
        for layout_key, label in layouts:
            regulator.addItem(label, layout_key)
        form.addRow("Layout", regulator)
        kinds.currentIndexChanged.connect(
            lambda _: regulator.setEnabled(kinds.currentData() == "cpd")
        )
        regulator.setEnabled(kinds.currentData() == "cpd")
        filtered = QCheckBox("Only the entries the journal list shows now (its filters)")
        form.addRow(filtered)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        kind = kinds.currentData()
        suffix = next(s for k, _, s in EXPORT_CHOICES if k == kind)
        # The save dialog asks before replacing a file, so the service may then overwrite.
        start = start_in("export") / dated_name("reflectjournal", suffix)
        chosen, _ = QFileDialog.getSaveFileName(self.window, "Export to", str(start))
        if chosen:
            remember("export", chosen)
            f = self.current_filter() if filtered.isChecked() else None
            layout = regulator.currentData() if kind == "cpd" else None
            self.start_export(kind, Path(chosen), f, overwrite=True, regulator=layout)

    # ---- backup and restore --------------------------------------------------------------

    def start_backup(self, out: Path) -> Task:
        service = self.workspace.backups
        return self._run(
            "Backing up…",
            lambda ctx: service.backup(out, progress=ctx.step),
            lambda r: f"Backed up {plural(r.entries, 'entry')} to {r.path} (verified).",
        )

    def backup_dialog(self) -> None:
        stem = f"{self.workspace.path.stem}-backup"
        start = start_in("backup") / dated_name(stem, ".rj")
        chosen, _ = QFileDialog.getSaveFileName(
            self.window,
            "Back up to",
            str(start),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if chosen:
            remember("backup", chosen)
            self.start_backup(Path(chosen))

    def start_restore(self, source: Path, target: Path, passphrase: str) -> Task:
        from reflectjournal.services.backup import restore
        from reflectjournal.services.unlocking import ENV_PASSPHRASE, KeySources

        sources = KeySources(environ={ENV_PASSPHRASE: passphrase})
        return self._run(
            "Restoring…",
            lambda ctx: restore(source, target, sources),
            lambda r: (
                f"Restored {plural(r.entries, 'entry')} into {r.path}. Open it with "
                "File → Open journal… (Ctrl+O)."
            ),
        )

    def restore_dialog(self) -> None:
        from reflectjournal.services.backup import default_folder

        # Where the automatic backups are kept (made each time the app closes).
        automatic = default_folder(self.workspace.path)
        source, _ = QFileDialog.getOpenFileName(
            self.window,
            "Backup to restore",
            str(automatic if automatic.is_dir() else start_in("backup")),
            "Backups (*.rj.bak *.rj);;All files (*)",
        )
        if not source:
            return
        start = self.workspace.path.parent / dated_name("restored", ".rj")
        target, _ = QFileDialog.getSaveFileName(
            self.window, "Restore into a new journal file", str(start),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )  # fmt: skip
        if not target:
            return
        passphrase, ok = QInputDialog.getText(
            self.window, "Restore", "Passphrase of the backup:", QLineEdit.EchoMode.Password
        )
        if ok and passphrase:
            self.start_restore(Path(source), Path(target), passphrase)

    # ---- automatic backup on close -------------------------------------------------------

    def eventFilter(self, watched, event) -> bool:
        if watched is self.window and event.type() == QEvent.Type.Close:
            if self.closing:
                return True  # a second close while the first one's backup runs
            self.backup_on_close()
        return False

    def backup_on_close(self) -> Path | None:
        """Rotate the automatic backups as the window closes; never stands in its way.

        The open entry is saved first (``finish``), so the backup holds the last words typed.
        The copy runs off the UI thread while a local event loop keeps the window painted and
        shows a progress bar after half a second (a large journal takes seconds) with Skip;
        the close itself still completes only after the backup, so every caller of ``close``
        (the window's button, the tray's Quit) gets the same order. A failure is logged.
        """
        finish = getattr(self.window, "finish", None)
        if finish is not None:
            finish()  # stops the auto-lock and reminder timers too: nothing fires meanwhile
        self.closing = True
        outcome: dict = {}
        service = self.workspace.backups
        task = run_task(lambda ctx: service.on_close(progress=ctx.step), self, self.pool)
        label = "Backing up your journal before closing…"
        progress = self._progress(label, "Skip", task, after_ms=500)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        task.finished.connect(lambda path: outcome.setdefault("path", path))
        # The sentence may quote a path or name: the log only records that it happened.
        task.failed.connect(lambda _text: log.error("automatic backup on close failed"))
        task.cancelled.connect(lambda: log.info("automatic backup on close skipped"))
        loop = QEventLoop()
        task.done.connect(loop.quit)
        loop.exec()
        self.closing = False
        return outcome.get("path")


def _show_progress(progress: QProgressDialog, done: int, total: int) -> None:
    progress.setMaximum(max(total, 1))
    progress.setValue(min(done, max(total, 1)))
