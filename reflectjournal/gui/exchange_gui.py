"""The exchange in the app: "Share with…" on an entry, and sync that happens by itself.

Sync runs off the UI thread (``tasks.run_task``): when the window opens, every few minutes,
and shortly after a watched shared folder changes. The status bar carries the outbox in one
sentence ("Tom's folder has been unreachable since 10:02; 2 items waiting").
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QFileSystemWatcher, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
)

from reflectjournal.errors import ReflectJournalError
from reflectjournal.services.workspace import Workspace

log = logging.getLogger(__name__)
SYNC_INTERVAL_MS = 5 * 60_000
WATCH_DELAY_MS = 3_000
PERSON_ROLE = Qt.ItemDataRole.UserRole


def _day(iso: str | None) -> str:
    if not iso:
        return ""
    when = datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone()
    return f"{when.day} {when.strftime('%b')}"


def recipient_text(r) -> str:
    """One recipient as a person reads it: "Tom Reid, sent 3 Dec, received 4 Dec"."""
    if r.held:
        return f"{r.name}: held back — {r.held}"
    if not r.active:
        state = "withdrawn"
        if r.received:
            state += f", {_day(r.received)}"
        return f"{r.name}, {state}"
    if r.received:
        return f"{r.name}, sent {_day(r.sent or r.queued)}, received {_day(r.received)}"
    if r.sent:
        return f"{r.name}, sent {_day(r.sent)}, not received yet"
    return f"{r.name}, waiting for the next sync"


class ShareWithDialog(QDialog):
    """Tick the people an entry is shared with; unticking withdraws it from them."""

    def __init__(self, workspace: Workspace, entry_id: int, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Share with…")
        self.setMinimumWidth(480)
        self.workspace = workspace
        self.entry_id = entry_id
        self.exchange = workspace.sharing.exchange
        self.list = QListWidget()
        self.list.setAccessibleName("People to share this entry with")
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.apply)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Tick everyone who may read this entry. It travels at the next sync, signed and "
            "encrypted for each of them; the privacy check runs first."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self._fill()

    def _fill(self) -> None:
        current = {r.person_id: r for r in self.exchange.recipients(self.entry_id)}
        contacts = self.workspace.sharing.contacts.list()
        for person in contacts:
            r = current.get(person.id)
            label = recipient_text(r) if r else f"{person.name} ({person.role})"
            item = QListWidgetItem(label)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if r and r.active else Qt.CheckState.Unchecked)
            item.setData(PERSON_ROLE, (person.name, bool(r and r.active)))
            self.list.addItem(item)
        if not contacts:
            self.note.setText(
                "You have no contacts yet: add someone's contact card on the Shared with me "
                "page, compare fingerprints, then share."
            )
        elif not self.exchange.places.all():
            self.note.setText(
                "No place to meet is set up yet, so shared entries wait here until one is "
                "(or send them as a file from Shared with me)."
            )

    def choices(self) -> tuple[list[str], list[str]]:
        """(people to add, people to stop sharing with)."""
        add, remove = [], []
        for row in range(self.list.count()):
            item = self.list.item(row)
            name, was = item.data(PERSON_ROLE)
            now = item.checkState() == Qt.CheckState.Checked
            if now and not was:
                add.append(name)
            elif was and not now:
                remove.append(name)
        return add, remove

    def apply(self, confirm=None) -> bool:
        add, remove = self.choices()
        if remove:
            ask = confirm or self._confirm_stop
            if not ask(remove):
                return False
        try:
            if add:
                self.exchange.share(self.entry_id, add)
            for name in remove:
                self.exchange.unshare(self.entry_id, name)
        except ReflectJournalError as exc:
            self.note.setText(str(exc))
            return False
        self.accept()
        return True

    def _confirm_stop(self, names: list[str]) -> bool:
        who = " and ".join(names)
        answer = QMessageBox.question(
            self,
            "Stop sharing",
            f"Stop sharing this entry with {who}? Their copy is removed at their next sync, "
            "but what they have already read cannot be unread.",
        )
        return answer == QMessageBox.StandardButton.Yes


class ExchangeSync(QObject):
    """Runs the exchange in the background and reports in one sentence."""

    status = Signal(str)
    received = Signal(int)  # how many new shares or comments arrived

    def __init__(self, workspace: Workspace, parent=None, interval_ms: int = SYNC_INTERVAL_MS):
        super().__init__(parent)
        self.workspace = workspace
        self.exchange = workspace.sharing.exchange
        self.task: Any = None
        self._idle = threading.Event()  # set while no sync runs in the background
        self._idle.set()
        self._again = False
        self.timer = QTimer(self, interval=interval_ms)
        self.timer.timeout.connect(self.sync_now)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._folder_changed)
        self.debounce = QTimer(self, singleShot=True, interval=WATCH_DELAY_MS)
        self.debounce.timeout.connect(self.sync_now)
        # Owned timers only: nothing fires into this object after it is gone.
        self.first = QTimer(self, singleShot=True, interval=0)
        self.first.timeout.connect(self.sync_now)

    def start(self) -> None:
        self.watch_folders()
        self.timer.start()
        self.first.start()

    def stop(self, wait_seconds: float = 30.0) -> None:
        """Stop syncing; a sync under way is waited for (it must not outlive the journal)."""
        for timer in (self.timer, self.debounce, self.first):
            timer.stop()
        # Stop watching too: a watcher left on a folder keeps its notifier live after the
        # journal closes.
        watched = self.watcher.directories()
        if watched:
            self.watcher.removePaths(watched)
        if self.task is not None:
            self.task.cancel()
        if not self._idle.wait(wait_seconds):
            log.warning("a background sync was still running when the journal closed")

    def watch_folders(self) -> None:
        folders = [p.spec.location for p in self.exchange.places.all() if p.spec.kind == "folder"]
        watched = set(self.watcher.directories())
        for folder in folders:
            if folder not in watched and Path(folder).is_dir():
                self.watcher.addPath(folder)

    def _folder_changed(self, _path: str) -> None:
        self.debounce.start()

    @property
    def running(self) -> bool:
        return self.task is not None

    def sync_now(self) -> None:
        if not self.exchange.places.all():
            self.status.emit(self.exchange.status())
            return
        if self.task is not None:
            self._again = True  # one more pass when this one ends
            return
        from reflectjournal.gui.tasks import run_task

        self._idle.clear()
        self.task = run_task(
            self._run,
            on_finished=self._done,
            on_failed=self._failed,
            on_cancelled=self._cancelled,
        )

    def _run(self, _ctx):
        try:
            return self.exchange.sync()
        finally:
            self._idle.set()

    def _cancelled(self) -> None:
        self._idle.set()  # cancelled before it ran
        self.task = None

    def _done(self, result) -> None:
        self.task = None
        if result.received:
            self.received.emit(result.received)
        self.status.emit(self.exchange.status())
        self.watch_folders()
        if self._again:
            self._again = False
            self.sync_now()

    def _failed(self, sentence: str) -> None:
        self.task = None
        log.info("a background sync failed")
        self.status.emit(sentence)
