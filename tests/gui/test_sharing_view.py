"""Sharing pages, offscreen: contacts with fingerprint check, share preview, Shared with me."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from reflectjournal.gui.sharing_view import (
    ContactsDialog,
    ShareDialog,
    SharingView,
)
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
HOSTILE = '<a href="http://evil.example">click</a><img src=x>'


@pytest.fixture
def pair(tmp_path):
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Alice Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Bob Mentor")
    yield leader, mentor
    leader.close()
    mentor.close()


def test_cards_share_receive_comment_and_feedback(qtbot, pair, tmp_path):
    leader, mentor = pair
    asked = []

    def confirm(name, fingerprint):
        asked.append((name, fingerprint))
        return True

    lead_contacts = ContactsDialog(leader, confirm=confirm)
    ment_contacts = ContactsDialog(mentor, confirm=confirm)
    qtbot.addWidget(lead_contacts)
    qtbot.addWidget(ment_contacts)
    assert lead_contacts.fingerprint.text() == leader.sharing.identity.get().fingerprint
    assert lead_contacts.export_card(tmp_path / "alice.rjcard")
    # The mentor's card says "mentor", so the leader files them as one.
    (tmp_path / "bob.rjcard").write_bytes(mentor.sharing.identity.contact_card("mentor"))
    assert lead_contacts.import_card(tmp_path / "bob.rjcard").role == "mentor"
    assert ment_contacts.import_card(tmp_path / "alice.rjcard").name == "Alice Leader"
    assert asked[0] == ("Bob Mentor", mentor.sharing.identity.get().fingerprint)
    assert lead_contacts.list.count() == 1 and "Bob Mentor" in lead_contacts.list.item(0).text()

    # A declined fingerprint imports nothing.
    other = Workspace.create(tmp_path / "c.rj", PASS, owner="Carol Coach")
    (tmp_path / "carol.rjcard").write_bytes(other.sharing.identity.contact_card("coach"))
    other.close()
    lead_contacts.confirm = lambda name, fp: False
    assert lead_contacts.import_card(tmp_path / "carol.rjcard") is None
    assert "not confirmed" in lead_contacts.status.text()
    assert [c.name for c in leader.sharing.contacts.list()] == ["Bob Mentor"]

    leader.sharing.add_sensitive_name("Mrs Obi")
    first = leader.journal.add(f"Mrs Obi fell again. {HOSTILE}", visibility="mentor")
    leader.journal.add("My private worry", visibility="private")

    dialog = ShareDialog(leader)
    qtbot.addWidget(dialog)
    shown = dialog.preview.toPlainText()
    assert "Mrs Obi" in shown and "My private worry" not in shown
    hits = [dialog.findings.item(i).text() for i in range(dialog.findings.count())]
    assert len(hits) == 2 and all("[Mrs Obi]" in h for h in hits)  # the title and the body
    assert "(title)" in hits[0] and "(body)" in hits[1]
    assert dialog.send_button.text() == "Send anyway…"
    qtbot.mouseClick(dialog.redact_button, qtbot_button())
    assert dialog.findings.count() == 0 and "Mrs Obi" not in dialog.preview.toPlainText()
    assert "[sensitive name removed]" in dialog.preview.toPlainText()
    packet = tmp_path / "share.rjp"
    assert dialog.save_to(packet) and packet.exists()
    dialog.grab().save(str(tmp_path / "share_dialog.png"))

    view = SharingView(mentor)
    qtbot.addWidget(view)
    view.resize(900, 600)
    received = view.import_packet(packet)
    assert (received.kind, received.changed) == ("share", True)
    assert received.sentence == "From Alice Leader: 1 new."
    top = view.tree.topLevelItem(0)
    assert top.text(0).startswith("Alice Leader")
    assert leader.sharing.identity.get().fingerprint in top.child(0).text(0)
    entry_id = top.child(1).data(0, 256)
    view.select_entry(entry_id)
    assert view.reader.isReadOnly()
    assert HOSTILE in view.reader.toPlainText()  # shown as the characters, not as markup
    view.new_comment.setPlainText("How is the ward coping?")
    assert view.add_comment()
    assert "How is the ward coping?" in view.comments.toPlainText()
    assert "already received" in view.import_packet(packet).sentence
    assert view.current_entry_id() == entry_id and view.add_button.isEnabled()
    assert "already" in view.status.text()
    view.grab().save(str(tmp_path / "shared_view.png"))

    assert view.export_feedback("Alice Leader", tmp_path / "fb.rjfeedback").comments == 1
    # The leader's app receives feedback files too (it used to send them to the CLI).
    leader_view = SharingView(leader)
    qtbot.addWidget(leader_view)
    got = leader_view.import_packet(tmp_path / "fb.rjfeedback")
    assert (got.kind, got.sentence) == (
        "feedback",
        "From Bob Mentor: 1 comment on your entries.",
    )
    assert leader.journal.entry(first).comments[0].text == "How is the ward coping?"

    # A bad file: one sentence on the status line, nothing changed.
    junk = tmp_path / "junk.rjp"
    junk.write_bytes(b"not a packet")
    assert view.import_packet(junk) is None
    assert view.status.text() == "This file is not a ReflectJournal share or feedback packet."
    assert view.tree.topLevelItem(0).childCount() == 2


def test_empty_states(qtbot, workspace):
    view = SharingView(workspace)
    qtbot.addWidget(view)
    assert "Nothing has been shared" in view.reader.toPlainText()
    dialog = ShareDialog(workspace)
    qtbot.addWidget(dialog)
    assert not dialog.send_button.isEnabled()
    assert "no mentor or coach" in dialog.preview.toPlainText()


def qtbot_button():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
