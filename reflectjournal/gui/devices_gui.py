"""Device sync in the app: by itself on start, every few minutes and when the synced folder
changes, on a worker thread with its own connection (the UI thread never waits for the
network, nor for the merge); the status bar says how it went in one sentence, and a click
on it shows the conflicts waiting, each with both versions, for the person to choose.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from reflectjournal.services.workspace import Workspace

log = logging.getLogger(__name__)
SYNC_INTERVAL_MS = 4 * 60_000
WATCH_DELAY_MS = 3_000


class DeviceSyncRunner(QObject):
    status = Signal(str)
    changed = Signal(int)  # records changed here by what arrived

    def __init__(self, workspace: Workspace, parent=None, interval_ms: int = SYNC_INTERVAL_MS):
        super().__init__(parent)
        self.workspace = workspace
        self.task: Any = None
        self._idle = threading.Event()
        self._idle.set()
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.sync_now)
        self.first = QTimer(self, singleShot=True, interval=0)
        self.first.timeout.connect(self.sync_now)
        self.watcher = QFileSystemWatcher(self)
        self.debounce = QTimer(self, singleShot=True, interval=WATCH_DELAY_MS)
        self.debounce.timeout.connect(self.sync_now)
        self.watcher.directoryChanged.connect(lambda _p: self.debounce.start())

    @property
    def enabled(self) -> bool:
        return bool(self.workspace.devices.enabled)

    def start(self) -> None:
        if not self.enabled:
            return
        spec = self.workspace.devices.spec()
        if spec.kind == "folder" and Path(spec.location).is_dir():
            self.watcher.addPath(spec.location)
        self.status.emit(self.workspace.devices.status())
        self.timer.start()
        self.first.start()

    def follow(self, exchange: Any) -> None:
        """Sync after each exchange sync that wrote something (sent, received, receipted),
        so this journal's other devices hear of it at once, not at the next timer."""
        exchange.status.connect(lambda _text: self._after_exchange())

    def _after_exchange(self) -> None:
        if self.enabled and self.workspace.devices.has_local_changes():
            self.sync_now()

    def stop(self, wait_seconds: float = 30.0) -> None:
        for timer in (self.timer, self.first, self.debounce):
            timer.stop()
        # Stop watching too: a watcher left on a folder keeps its notifier live after the
        # journal closes.
        watched = self.watcher.directories()
        if watched:
            self.watcher.removePaths(watched)
        if self.task is not None:
            self.task.cancel()
        if not self._idle.wait(wait_seconds):
            log.warning("a device sync was still running when the journal closed")

    def sync_now(self) -> None:
        if self.task is not None or not self.enabled:
            return
        from reflectjournal.gui.tasks import run_task

        self._idle.clear()
        self.task = run_task(
            self._run, on_finished=self._done, on_failed=self._failed, on_cancelled=self._gone
        )

    def _run(self, _ctx):
        try:
            # Its own connection: the merge's transaction never holds up the window's reads.
            with self.workspace.for_worker() as worker:
                return worker.devices.sync()
        finally:
            self._idle.set()

    def _gone(self) -> None:
        self._idle.set()
        self.task = None

    def _done(self, result) -> None:
        self.task = None
        if result.changed:
            self.changed.emit(result.changed)
        self.status.emit(self.workspace.devices.status())

    def _failed(self, sentence: str) -> None:
        self.task = None
        self.status.emit(f"Devices: {sentence}")


def _plain(value: Any) -> str:
    return "(none)" if value is None else str(value)


def field_label(name: str | None) -> str:
    """A field as a person calls it ("the text", "section Feelings", "tag burnout")."""
    if name is None:
        return "deleted on one device, kept on another"
    if name == "body":
        return "the text"
    kind, _, rest = name.partition(":")
    if rest and kind == "section":
        return f"section {rest.replace('-', ' ')}"
    if rest and kind == "tag":
        return f"tag {rest.partition(':')[2] or rest}"
    return name.replace("_", " ")


class ConflictsDialog(QDialog):
    """Each conflict with both versions side by side; the person chooses, nothing else does."""

    def __init__(self, workspace: Workspace, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Edits that need you")
        self.resize(760, 460)
        self.workspace = workspace
        self.list = QListWidget()
        self.list.setAccessibleName("Conflicts")
        self.list.setMaximumHeight(110)
        self.shown = QPlainTextEdit(readOnly=True)
        self.other = QPlainTextEdit(readOnly=True)
        self.shown.setAccessibleName("The version the journal shows")
        self.other.setAccessibleName("The other version")
        self.keep_shown = QPushButton("Keep this one")
        self.keep_other = QPushButton("Keep this one")
        self.keep_shown.clicked.connect(lambda: self._resolve("shown"))
        self.keep_other.clicked.connect(lambda: self._resolve("other"))
        left = QVBoxLayout()
        self.shown_label = QLabel("Shown now")
        left.addWidget(self.shown_label)
        left.addWidget(self.shown, 1)
        left.addWidget(self.keep_shown)
        right = QVBoxLayout()
        self.other_label = QLabel("Other version")
        right.addWidget(self.other_label)
        right.addWidget(self.other, 1)
        right.addWidget(self.keep_other)
        for label in (self.shown_label, self.other_label):
            label.setTextFormat(Qt.TextFormat.PlainText)
        sides = QHBoxLayout()
        sides.addLayout(left, 1)
        sides.addLayout(right, 1)
        intro = QLabel(
            "These were changed on two devices in ways that could not be merged. Both versions "
            "are kept until you choose; your choice reaches your other devices at the next sync."
        )
        intro.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addLayout(sides, 3)
        layout.addWidget(buttons)
        self.list.currentRowChanged.connect(self._show)
        self.conflicts: list[Any] = []
        self.resolved = 0
        self.reload()

    def reload(self) -> None:
        self.conflicts = self.workspace.devices.conflicts()
        self.list.clear()
        for c in self.conflicts:
            what = ", ".join(field_label(f.field) for f in c.fields)
            self.list.addItem(f"{c.kind.replace('_', ' ')} “{c.title or 'untitled'}”: {what}")
        if self.conflicts:
            self.list.setCurrentRow(0)
        else:
            self._show(-1)

    def _show(self, row: int) -> None:
        has = 0 <= row < len(self.conflicts)
        self.keep_shown.setEnabled(has)
        self.keep_other.setEnabled(has)
        if not has:
            self.shown.setPlainText("No conflicts are waiting.")
            self.other.setPlainText("")
            return
        shown, other = [], []
        fields = self.conflicts[row].fields
        single = len(fields) == 1 and fields[0].field is not None
        for f in fields:
            head = "" if single else f"{field_label(f.field)}:\n"
            shown.append(head + _plain(f.values[0].value))
            if len(f.values) > 1:
                other.append(head + _plain(f.values[1].value))
        first = fields[0].values
        self.shown_label.setText(f"Shown now — from {first[0].device}")
        self.other_label.setText(
            f"Other version — from {first[1].device}" if len(first) > 1 else "Other version"
        )
        self.shown.setPlainText("\n\n".join(shown))
        self.other.setPlainText("\n\n".join(other))

    def _resolve(self, keep: str) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.conflicts):
            return
        self.workspace.devices.resolve(self.conflicts[row].id, keep, sync=False)
        self.resolved += 1
        self.reload()
