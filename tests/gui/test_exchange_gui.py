"""The exchange in the app, offscreen: Share with…, background sync, badge, opening files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from reflectjournal.gui.exchange_gui import ExchangeSync, ShareWithDialog
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
SHOTS = Path(os.environ.get("RJ_SHOTS", "")) if os.environ.get("RJ_SHOTS") else None


@pytest.fixture
def trio(tmp_path):
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Ana Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Tom Mentor")
    coach = Workspace.create(tmp_path / "coach.rj", PASS, owner="Cat Coach")
    for other, role in ((mentor, "mentor"), (coach, "coach")):
        leader.sharing.contacts.import_card(other.sharing.identity.contact_card(), role=role)
        other.sharing.contacts.import_card(leader.sharing.identity.contact_card())
    place = tmp_path / "OneDrive"
    place.mkdir()
    for ws in (leader, mentor, coach):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(place)))
    yield leader, mentor, coach
    for ws in (leader, mentor, coach):
        ws.close()


def _shot(widget, name: str) -> None:
    QApplication.processEvents()  # let a style or text change lay out before the picture
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(SHOTS / name))


def _tick(dialog: ShareWithDialog, name: str, on: bool) -> None:
    for row in range(dialog.list.count()):
        item = dialog.list.item(row)
        if item.text().startswith(name):
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            return
    raise AssertionError(f"{name} is not in the dialog")


def test_share_with_two_people_then_stop_sharing_with_one(qtbot, trio):
    leader, mentor, coach = trio
    entry = leader.journal.add("The huddle went well.", title="Huddle")
    dialog = ShareWithDialog(leader, entry)
    qtbot.addWidget(dialog)
    assert [dialog.list.item(i).text() for i in range(dialog.list.count())] == [
        "Cat Coach (coach)",
        "Tom Mentor (mentor)",
    ]
    _tick(dialog, "Tom Mentor", True)
    _tick(dialog, "Cat Coach", True)
    assert dialog.apply()
    assert {r.name for r in leader.sharing.exchange.recipients(entry) if r.active} == {
        "Cat Coach",
        "Tom Mentor",
    }
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    leader.sharing.exchange.sync()

    again = ShareWithDialog(leader, entry)
    qtbot.addWidget(again)
    texts = [again.list.item(i).text() for i in range(again.list.count())]
    assert texts[0] == "Cat Coach, waiting for the next sync" or texts[0].startswith(
        "Cat Coach, sent"
    )
    assert texts[1].startswith("Tom Mentor, sent ") and ", received " in texts[1]
    _shot(again, "share-with.png")
    asked = []
    _tick(again, "Tom Mentor", False)
    assert not again.apply(confirm=lambda names: asked.append(names) or False)
    assert asked == [["Tom Mentor"]]  # said no: nothing changed
    assert any(
        r.active for r in leader.sharing.exchange.recipients(entry) if r.name == "Tom Mentor"
    )
    assert again.apply(confirm=lambda names: True)
    tom = next(r for r in leader.sharing.exchange.recipients(entry) if r.name == "Tom Mentor")
    assert not tom.active


def test_stop_sharing_question_says_read_cannot_be_unread(qtbot, trio, monkeypatch):
    leader, _, _ = trio
    entry = leader.journal.add("x", title="x")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    asked = []
    monkeypatch.setattr(
        QMessageBox,
        "question",
        lambda _parent, _title, text, *a, **k: asked.append(text) or QMessageBox.StandardButton.No,
    )
    dialog = ShareWithDialog(leader, entry)
    qtbot.addWidget(dialog)
    _tick(dialog, "Tom Mentor", False)
    assert not dialog.apply()
    assert "cannot be unread" in asked[0]


def test_background_sync_reports_and_counts_what_arrived(qtbot, trio):
    leader, mentor, _ = trio
    entry = leader.journal.add("Rota gaps.", title="Rota")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.sync()
    sync = ExchangeSync(mentor)
    statuses, arrived = [], []
    sync.status.connect(statuses.append)
    sync.received.connect(arrived.append)
    sync.sync_now()
    qtbot.waitUntil(lambda: not sync.running and bool(statuses), timeout=20_000)
    sync.stop()
    assert arrived == [1]
    assert statuses[-1].startswith("Up to date (last sync ")
    assert mentor.db.scalar("SELECT count(*) FROM entry WHERE kind = 'shared'") == 1


def test_unreachable_place_status_is_one_sentence(qtbot, trio, tmp_path):
    leader, _, _ = trio
    entry = leader.journal.add("Rota gaps.", title="Rota")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.share(entry, ["Cat Coach"])
    os.rename(tmp_path / "OneDrive", tmp_path / "OneDrive-moved")  # the drive is offline
    sync = ExchangeSync(leader)
    statuses = []
    sync.status.connect(statuses.append)
    sync.sync_now()
    qtbot.waitUntil(lambda: not sync.running and bool(statuses), timeout=20_000)
    sync.stop()
    assert statuses[-1].startswith("The shared folder has been unreachable since ")
    assert statuses[-1].endswith("; 2 items waiting.")


def test_window_badge_status_and_opening_a_feedback_file(qtbot, trio, tmp_path, monkeypatch):
    from reflectjournal.gui.main_window import MainWindow
    from reflectjournal.gui.theme import apply_theme

    leader, mentor, _ = trio
    entry = leader.journal.add("Board meeting.", title="Board")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    leader.sharing.exchange.sync()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    win = MainWindow(mentor)
    qtbot.addWidget(win)
    win.resize(1024, 640)
    win.show()
    qtbot.waitUntil(
        lambda: win.nav.item(win._shared_row()).text() == "Shared with me (1)", timeout=20_000
    )
    qtbot.waitUntil(lambda: win.exchange_status.text().startswith("Up to date"), timeout=20_000)
    _shot(win, "window-badge.png")
    app = QApplication.instance()
    apply_theme(app, "dark")
    try:
        QApplication.processEvents()
        label = win.nav.item(win._shared_row())
        needed = win.nav.fontMetrics().horizontalAdvance(label.text())
        assert needed <= win.nav.viewport().width() - 24  # the badge is not cut off in dark
        _shot(win, "window-badge-dark.png")
    finally:
        apply_theme(app, "light")
    win.nav.setCurrentRow(win._shared_row())
    assert win.nav.item(win._shared_row()).text() == "Shared with me"
    win.sync.stop()
    win.autolock_timer.stop()

    # The leader's app opens a feedback file handed to it (double-click, --open).
    shared_id = mentor.db.scalar("SELECT id FROM entry WHERE kind = 'shared'")
    mentor.sharing.comment(shared_id, "Well chaired.")
    mentor.sharing.export_feedback("Ana Leader", tmp_path / "fb.rjfeedback")
    lead_win = MainWindow(leader)
    qtbot.addWidget(lead_win)
    lead_win.sync.stop()
    lead_win.open_file(tmp_path / "fb.rjfeedback")
    assert [c.text for c in leader.journal.entry(entry).comments] == ["Well chaired."]
    lead_win.autolock_timer.stop()


def test_launcher_opens_packets_in_the_app(tmp_path):
    from reflectjournal.cli.main import build_parser
    from reflectjournal.launcher import _file_argument

    packet = tmp_path / "from-tom.rjfeedback"
    packet.write_bytes(b"RJPACKET")
    parser = build_parser()
    commands = set(parser._subparsers._group_actions[0].choices)
    argv = _file_argument([str(packet)], commands)
    args = parser.parse_args(argv)  # was: "unrecognized arguments: --open"
    assert (args.command, args.open) == ("gui", str(packet))


def test_the_entry_shows_where_it_went_and_when_it_was_received(qtbot, trio):
    """Issue 16 item 3: "Tom, sent 3 Dec, received 4 Dec" beside the entry, without opening
    anything; names from others' cards are never read as markup."""
    from reflectjournal.gui.editor import EntryEditor
    from reflectjournal.gui.tag_picker import TagCatalogue

    leader, mentor, coach = trio
    entry = leader.journal.add("Board meeting.", title="Board")
    leader.sharing.exchange.share(entry, ["Tom Mentor", "Cat Coach"])
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()  # receives and leaves a receipt
    leader.sharing.exchange.sync()  # reads the receipt
    editor = EntryEditor(leader, TagCatalogue(leader.journal, leader.frameworks))
    qtbot.addWidget(editor)
    editor.load_entry(entry)
    assert editor.share_button.text() == "Shared with Cat Coach, Tom Mentor…"
    lines = editor.share_button.accessibleDescription().split("\n")
    assert lines[0] == "Cat Coach, sent " + lines[0].split("sent ")[1]
    assert lines[0].endswith("not received yet")
    assert "Tom Mentor, sent " in lines[1] and ", received " in lines[1]
    assert editor.share_button.toolTip() == editor.share_button.accessibleDescription()


def test_a_change_in_the_watched_folder_starts_a_sync(qtbot, trio, tmp_path):
    """Issue 16 item 5: the app syncs shortly after the shared folder changes (no timer)."""
    leader, mentor, _ = trio
    sync = ExchangeSync(mentor, interval_ms=3_600_000)  # the timer cannot be what syncs
    sync.debounce.setInterval(50)
    sync.watch_folders()
    assert str((tmp_path / "OneDrive").resolve()) in sync.watcher.directories()
    entry = leader.journal.add("Night shift.", title="Nights")
    leader.sharing.exchange.share(entry, ["Tom Mentor"])
    arrived = []
    sync.received.connect(arrived.append)
    leader.sharing.exchange.sync()  # the leader's sync writes into the shared folder
    qtbot.waitUntil(lambda: arrived == [1], timeout=20_000)
    qtbot.waitUntil(lambda: not sync.running, timeout=20_000)
    sync.stop()
    assert sync.watcher.directories() == []  # a closed journal watches nothing
    with qtbot.waitSignal(sync.destroyed, timeout=10_000):
        sync.deleteLater()  # gone now, on this thread, not whenever a collection finds it
    assert mentor.db.scalar("SELECT title FROM entry WHERE kind = 'shared'") == "Nights"
