"""Device sync in the app: automatic, off the UI thread, status in a sentence, conflicts."""

from __future__ import annotations

import os

from reflectjournal.gui.devices_gui import ConflictsDialog, DeviceSyncRunner
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"


def _pair(tmp_path):
    place = tmp_path / "place"
    place.mkdir()
    spec = PlaceSpec("folder", str(place))
    a = Workspace.create(tmp_path / "a.rj", PASS)
    eid = a.journal.add("Original words", title="Ward round")
    a.devices.set_place(spec, PASS, name="laptop")
    b = Workspace.create(tmp_path / "b.rj", PASS)
    b.devices.join(spec, PASS, name="desktop")
    return a, b, eid


def test_runner_syncs_in_the_background_and_reports(qtbot, tmp_path):
    a, b, _ = _pair(tmp_path)
    a.journal.add("From the laptop", title="Later")
    a.devices.sync()
    runner = DeviceSyncRunner(b)
    statuses, changed = [], []
    runner.status.connect(statuses.append)
    runner.changed.connect(changed.append)
    runner.start()
    qtbot.waitUntil(lambda: bool(changed) and runner.task is None, timeout=20_000)
    runner.stop()
    assert changed == [1]
    assert statuses[-1].startswith("Devices: up to date (last sync ")
    assert b.db.scalar("SELECT count(*) FROM entry WHERE title = 'Later'") == 1
    a.close()
    b.close()


def test_conflicts_dialog_shows_both_and_the_person_chooses(qtbot, tmp_path):
    a, b, eid = _pair(tmp_path)
    bid = b.db.scalar("SELECT id FROM entry WHERE title = 'Ward round'")
    a.journal.edit(eid, body="Laptop words")
    b.journal.edit(bid, body="Desktop words")
    a.devices.sync()
    b.devices.sync()
    assert "1 conflict to resolve" in b.devices.status()
    dialog = ConflictsDialog(b)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = {dialog.shown.toPlainText(), dialog.other.toPlainText()}
    assert texts == {"Laptop words", "Desktop words"}
    assert {dialog.shown_label.text(), dialog.other_label.text()} == {
        "Shown now — from laptop",
        "Other version — from desktop",
    } or {dialog.shown_label.text(), dialog.other_label.text()} == {
        "Shown now — from desktop",
        "Other version — from laptop",
    }
    if os.environ.get("RJ_SCREENSHOTS"):
        dialog.grab().save(os.environ["RJ_SCREENSHOTS"] + "/conflicts.png")
    other = dialog.other.toPlainText()
    dialog.keep_other.click()
    assert dialog.list.count() == 0
    assert b.db.scalar("SELECT body FROM entry WHERE id = ?", (bid,)) == other
    b.devices.sync()
    a.devices.sync()
    assert a.db.scalar("SELECT body FROM entry WHERE id = ?", (eid,)) == other
    a.close()
    b.close()


def test_a_change_set_written_into_the_folder_makes_the_window_sync_and_show_it(
    qtbot, tmp_path, monkeypatch
):
    """Issue 21 item 5: another device writing into the synced folder starts a sync (no timer,
    no fixed sleep), and the new entry appears in the open window's list."""
    from PySide6.QtWidgets import QMessageBox

    from reflectjournal.gui.main_window import MainWindow

    a, b, _ = _pair(tmp_path)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow(b)
    qtbot.addWidget(win)
    runner = win.device_sync
    place = str(tmp_path / "place")
    assert place in runner.watcher.directories()
    runner.timer.setInterval(3_600_000)  # the periodic sync cannot be what syncs here
    runner.debounce.setInterval(50)  # the folder's quiet time before syncing (3 s in use)
    # The sync on start runs on the next turn of the event loop; its status ends it.
    with qtbot.waitSignal(runner.status, timeout=20_000):
        win.show()
    qtbot.waitUntil(lambda: runner.task is None, timeout=20_000)
    assert win.devices_status.text().startswith("Devices: up to date")
    view = win.journal_view

    def titles() -> list[str]:
        return [view.model.index(r).data() for r in range(view.model.rowCount())]

    assert "From the laptop" not in titles()
    changed: list[int] = []
    runner.changed.connect(changed.append)
    a.journal.add("Written at work.", title="From the laptop")
    a.devices.sync()  # the laptop's change set lands in the folder the window watches
    qtbot.waitUntil(lambda: changed == [1], timeout=20_000)
    qtbot.waitUntil(lambda: "From the laptop" in titles(), timeout=20_000)
    qtbot.waitUntil(lambda: runner.task is None, timeout=20_000)
    runner.stop()
    win.sync.stop()
    win.autolock_timer.stop()
    a.close()
    b.close()


def test_an_exchange_sync_that_wrote_something_is_followed_by_a_device_sync(qtbot, tmp_path):
    from PySide6.QtCore import QObject, Signal

    class Exchange(QObject):
        status = Signal(str)

    a, b, eid = _pair(tmp_path)
    exchange = Exchange()
    runner = DeviceSyncRunner(a, interval_ms=3_600_000)
    runner.follow(exchange)
    before = a.db.scalar("SELECT seq FROM sync_state")
    exchange.status.emit("Up to date.")  # nothing written since: no device sync
    assert runner.task is None
    a.journal.edit(eid, body="Marked as sent by the exchange")  # stands for its bookkeeping
    exchange.status.emit("Up to date.")
    assert runner.task is not None
    qtbot.waitUntil(lambda: runner.task is None, timeout=20_000)
    assert a.db.scalar("SELECT seq FROM sync_state") == before + 1
    runner.stop()
    a.close()
    b.close()
