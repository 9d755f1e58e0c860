"""The exchange's bookkeeping travels between a leader's devices (issue 21 item 2).

A laptop and a desktop hold one journal (device sync through one folder); the leader's
mentor has their own journal (the exchange through another folder). What the laptop shares
shows as shared on the desktop, a comment the desktop received shows on the laptop, and a
message is never stored twice because both devices hold the outbox.
"""

from __future__ import annotations

import os

import pytest

from reflectjournal.services.exchange import messages
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"


@pytest.fixture
def three(tmp_path):
    exchange = tmp_path / "OneDrive" / "Mentoring"
    devices = tmp_path / "Dropbox" / "journal"
    exchange.mkdir(parents=True)
    devices.mkdir(parents=True)
    laptop = Workspace.create(tmp_path / "laptop.rj", PASS, owner="Ana Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Tom Mentor")
    laptop.sharing.contacts.import_card(mentor.sharing.identity.contact_card(), role="mentor")
    mentor.sharing.contacts.import_card(laptop.sharing.identity.contact_card(), role="coachee")
    for ws in (laptop, mentor):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(exchange)))
    laptop.devices.set_place(PlaceSpec("folder", str(devices)), PASS, name="laptop")
    desktop = Workspace.create(tmp_path / "desktop.rj", PASS)
    desktop.devices.join(PlaceSpec("folder", str(devices)), PASS, name="desktop")
    yield laptop, desktop, mentor, exchange
    for ws in (laptop, desktop, mentor):
        ws.close()


def _uid(ws: Workspace, title: str) -> int:
    return int(ws.db.scalar("SELECT id FROM entry WHERE title = ?", (title,)))


def _leader_objects(exchange, laptop: Workspace, mentor: Workspace) -> list[str]:
    """Names in the exchange's place written by the leader (to the mentor)."""
    me = laptop.sharing.identity.get()
    tom = laptop.sharing.contacts.get(
        laptop.db.scalar("SELECT id FROM person WHERE name = 'Tom Mentor'")
    )
    box = messages.mailbox(me, tom.keys.enc, tom.fingerprint)
    return sorted(n for n in os.listdir(exchange) if n.startswith(box))


def test_shared_on_the_laptop_is_shared_on_the_desktop_and_comments_travel_back(three):
    laptop, desktop, mentor, exchange = three
    entry = laptop.journal.add("Handover ran late; I stayed calm.", title="Night shift")
    laptop.sharing.exchange.share(entry, ["Tom Mentor"])
    assert laptop.sharing.exchange.sync().sent == 1
    laptop.devices.sync()
    desktop.devices.sync()

    on_desktop = _uid(desktop, "Night shift")
    recipients = desktop.sharing.exchange.recipients(on_desktop)
    assert [(r.name, r.sent is not None) for r in recipients] == [("Tom Mentor", True)]
    # The desktop holds the outbox too, and sends nothing again.
    assert desktop.sharing.exchange.sync().sent == 0
    assert len(_leader_objects(exchange, laptop, mentor)) == 1

    got = mentor.sharing.exchange.sync()
    assert got.received == 1
    shared = mentor.db.scalar("SELECT id FROM entry WHERE kind = 'shared'")
    mentor.sharing.feedback.comment(shared, "Staying calm there was hard won.")
    assert mentor.sharing.exchange.sync().sent == 1

    # The desktop receives the comment and the mentor's receipt for the laptop's message.
    back = desktop.sharing.exchange.sync()
    assert (back.received, back.sent, back.pending) == (1, 0, 0)
    comments = "SELECT author, text FROM comment WHERE entry_id = ?"
    assert [tuple(r) for r in desktop.db.query(comments, (on_desktop,))] == [
        ("Tom Mentor", "Staying calm there was hard won.")
    ]
    desktop.devices.sync()
    laptop.devices.sync()
    assert [tuple(r) for r in laptop.db.query(comments, (entry,))] == [
        ("Tom Mentor", "Staying calm there was hard won.")
    ]
    # The laptop knows it arrived (the receipt was read on the desktop) and has nothing to
    # send or apply again.
    (tom,) = laptop.sharing.exchange.recipients(entry)
    assert tom.received is not None
    again = laptop.sharing.exchange.sync()
    assert (again.sent, again.received, again.pending, again.errors) == (0, 0, 0, ())
    assert laptop.db.scalar("SELECT count(*) FROM comment WHERE entry_id = ?", (entry,)) == 1
    assert mentor.db.scalar("SELECT count(*) FROM inbox WHERE kind = 'entry'") == 1


def test_a_message_the_mentor_already_took_is_not_sent_again_by_the_other_device(three):
    laptop, desktop, mentor, exchange = three
    entry = laptop.journal.add("Rota gaps again.", title="Rota")
    laptop.sharing.exchange.share(entry, ["Tom Mentor"])
    laptop.sharing.exchange.sync()
    laptop.devices.sync()
    desktop.devices.sync()  # the desktop now holds the laptop's outbox row, published
    assert desktop.db.scalar("SELECT count(*) FROM outbox WHERE received IS NULL") == 1

    mentor.sharing.exchange.sync()  # takes it and leaves a receipt
    laptop.sharing.exchange.sync()  # reads the receipt: the message leaves the place
    assert _leader_objects(exchange, laptop, mentor) == []
    # The desktop has not heard yet; the message is gone from the place, but it was the
    # laptop's to store, so the desktop does not store it again.
    assert desktop.sharing.exchange.sync().sent == 0
    assert _leader_objects(exchange, laptop, mentor) == []
    laptop.devices.sync()
    desktop.devices.sync()
    assert desktop.db.scalar("SELECT count(*) FROM outbox") == 0
    (tom,) = desktop.sharing.exchange.recipients(_uid(desktop, "Rota"))
    assert tom.received is not None
    assert mentor.sharing.exchange.sync().received == 0


def test_an_outbox_the_laptop_could_not_send_is_sent_once_from_the_desktop(three, tmp_path):
    laptop, desktop, mentor, exchange = three
    entry = laptop.journal.add("Appraisal prep.", title="Appraisal")
    laptop.sharing.exchange.share(entry, ["Tom Mentor"])
    away = exchange.with_name("away")
    exchange.rename(away)  # the laptop is on a train: the exchange's place is unreachable
    assert laptop.sharing.exchange.sync().errors
    away.rename(exchange)
    laptop.devices.sync()
    desktop.devices.sync()
    assert desktop.sharing.exchange.sync().sent == 1
    desktop.devices.sync()
    laptop.devices.sync()
    assert laptop.sharing.exchange.sync().sent == 0
    assert mentor.sharing.exchange.sync().received == 1
    assert [r[0] for r in mentor.db.query("SELECT title FROM entry WHERE kind = 'shared'")] == [
        "Appraisal"
    ]


def _sync(ws: Workspace):
    """What `sync` does: devices, the exchange, then devices again if the exchange wrote."""
    ws.devices.sync()
    result = ws.sharing.exchange.sync()
    if ws.devices.has_local_changes():
        ws.devices.sync()
    return result


def test_an_edit_synced_in_turn_is_sent_once_whichever_device_syncs(three):
    laptop, desktop, mentor, _exchange = three
    entry = laptop.journal.add("First words.", title="Edited")
    laptop.sharing.exchange.share(entry, ["Tom Mentor"])
    assert _sync(laptop).sent == 1
    assert _sync(desktop).sent == 0
    laptop.journal.edit(entry, body="Second words.")
    assert _sync(laptop).sent == 1
    assert _sync(desktop).sent == 0
    assert mentor.sharing.exchange.sync().received == 2
    assert mentor.db.scalar("SELECT body FROM entry WHERE kind = 'shared'") == "Second words."


def test_bookkeeping_edited_on_both_devices_never_becomes_a_conflict(three):
    laptop, desktop, mentor, _exchange = three
    entry = laptop.journal.add("First words.", title="Both")
    laptop.sharing.exchange.share(entry, ["Tom Mentor"])
    _sync(laptop)
    _sync(desktop)
    laptop.journal.edit(entry, body="Second words.")
    laptop.devices.sync()
    desktop.devices.sync()
    # Both devices look at the edit before hearing of each other: each queues version 2.
    assert laptop.sharing.exchange.sync().sent == 1
    assert desktop.sharing.exchange.sync().sent == 1
    for ws in (laptop, desktop, laptop):
        ws.devices.sync()
    assert laptop.devices.conflicts() == [] and desktop.devices.conflicts() == []
    share = "SELECT version, sent_hash, active FROM entry_share"
    assert [tuple(r) for r in laptop.db.query(share)] == [tuple(r) for r in desktop.db.query(share)]
    assert [tuple(r)[0] for r in laptop.db.query(share)] == [2]
    # The mentor applies version 2 once; the second copy of it changes nothing.
    mentor.sharing.exchange.sync()
    assert mentor.db.scalar("SELECT count(*) FROM entry WHERE kind = 'shared'") == 1
    assert mentor.db.scalar("SELECT body FROM entry WHERE kind = 'shared'") == "Second words."


def test_rows_of_a_table_that_starts_to_travel_are_sent_once(three):
    """A journal that synced before the exchange's tables travelled (or before a migration
    added a table) sends the rows those tables already hold, not only later writes."""
    laptop, desktop, _mentor, _exchange = three
    entry = laptop.journal.add("Shared before the upgrade.", title="Earlier share")
    for event in ("i", "u", "d"):  # as before: entry_share kept on the device
        laptop.db.execute(f"DROP TRIGGER sync_entry_share_{event}")
    laptop.sharing.exchange.share(entry, ["Tom Mentor"])
    assert laptop.db.scalar("SELECT count(*) FROM sync_dirty WHERE tbl = 'entry_share'") == 0
    laptop.devices.sync()
    desktop.devices.sync()
    (tom,) = desktop.sharing.exchange.recipients(_uid(desktop, "Earlier share"))
    assert tom.name == "Tom Mentor"
    # Marked once: the next round has nothing to send.
    assert laptop.devices.sync().sent == 0
