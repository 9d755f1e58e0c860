"""Pairing in the app (issue 16 item 6): choose the place, invite, accept with fingerprints."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from exchange_servers import DAV_PASSWORD, DAV_USER, webdav_server  # noqa: F401
from PySide6.QtWidgets import QApplication

from reflectjournal.gui.pairing_dialog import PairingDialog
from reflectjournal.services.exchange.store import MARKER_NAME
from reflectjournal.services.sharing.verification import is_verified
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
SHOTS = Path(os.environ["RJ_SHOTS"]) if os.environ.get("RJ_SHOTS") else None


@pytest.fixture
def two(tmp_path):
    ana = Workspace.create(tmp_path / "ana.rj", PASS, owner="Ana Leader")
    tom = Workspace.create(tmp_path / "tom.rj", PASS, owner="Tom Mentor")
    yield ana, tom
    ana.close()
    tom.close()


def _shot(widget, name: str, dark: bool = False) -> None:
    if SHOTS is None:
        return
    from reflectjournal.gui.theme import apply_theme

    app = QApplication.instance()
    SHOTS.mkdir(parents=True, exist_ok=True)
    if dark:
        apply_theme(app, "dark")
    try:
        QApplication.processEvents()
        widget.grab().save(str(SHOTS / name))
    finally:
        if dark:
            apply_theme(app, "light")


def _dialog(qtbot, ws, confirm=lambda name, fp: True) -> PairingDialog:
    dialog = PairingDialog(ws, confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.resize(1024, 640)
    return dialog


def test_choose_a_folder_invite_and_accept_with_fingerprints(qtbot, two, tmp_path):
    ana, tom = two
    shared = tmp_path / "OneDrive" / "Mentoring"
    shared.mkdir(parents=True)

    # Ana: the place first. A missing field and a missing folder are one sentence each.
    dialog = _dialog(qtbot, ana)
    assert dialog.use_place() is False
    assert dialog.place_note.text() == "Choose the shared folder first."
    dialog.place_form.folder.setText(str(tmp_path / "nowhere"))
    dialog.use_place()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)
    assert dialog.place_note.text().startswith("There is no folder")
    assert ana.sharing.exchange.places.all() == []
    dialog.place_form.folder.setText(str(shared))
    assert dialog.use_place()
    qtbot.waitUntil(lambda: dialog.place_note.text().startswith("Ready"), timeout=20_000)
    assert "new exchange" in dialog.place_note.text()
    assert (shared / MARKER_NAME).is_file()
    assert str(shared) in dialog.places_label.text()
    _shot(dialog, "pairing-place.png")

    # Ana invites: a text block, saved as an .rjinvite file.
    dialog.tabs.setCurrentIndex(1)
    text = dialog.create_invitation()
    assert text is not None and text.startswith("-----BEGIN REFLECTJOURNAL INVITATION-----")
    assert ana.sharing.identity.get().fingerprint in dialog.invite_note.text()
    invite = tmp_path / "ana.rjinvite"
    assert dialog.save_invitation(invite) and invite.read_text() == text
    _shot(dialog, "pairing-invite.png")

    # Tom: "It does not match" adds nobody.
    refused = _dialog(qtbot, tom, confirm=lambda name, fp: False)
    assert refused.load_invitation(invite)
    assert refused.accept_form.current_kind() == "folder"
    assert not refused.accept_form.kind.isEnabled()  # the invitation decides the kind
    refused.accept_form.folder.setText(str(shared))
    assert refused.accept_invitation() is False
    assert refused.accept_note.text().startswith("Nothing was added")
    assert tom.sharing.contacts.list() == []

    # Tom again, and the fingerprint matches: Ana is added, verified, and Tom gets a reply.
    seen = []
    accept = _dialog(qtbot, tom, confirm=lambda name, fp: seen.append((name, fp)) or True)
    accept.load_invitation(invite)
    accept.accept_form.folder.setText(str(shared))
    assert "they meet people in the folder" in accept.accept_note.text()
    assert accept.their_role.currentData() == "coachee"  # Ana's card says she is a leader
    _shot(accept, "pairing-accept.png")
    _shot(accept, "pairing-accept-dark.png", dark=True)
    assert accept.accept_invitation()
    qtbot.waitUntil(lambda: accept.accept_note.text().startswith("Added"), timeout=20_000)
    assert seen == [("Ana Leader", ana.sharing.identity.get().fingerprint)]
    assert is_verified(tom.db, ana.sharing.identity.get().fingerprint)
    assert accept.tabs.currentIndex() == 1
    reply = accept.invitation.toPlainText()
    assert reply.startswith("-----BEGIN") and "Your reply for Ana Leader" in (
        accept.invite_note.text()
    )
    _shot(accept, "pairing-accepted.png")
    _shot(accept, "pairing-accepted-dark.png", dark=True)

    # Ana accepts the reply (same place: nothing set up again), and they can share.
    dialog.tabs.setCurrentIndex(2)
    dialog.pasted.setPlainText(reply)
    assert dialog.accept_invitation()
    qtbot.waitUntil(lambda: dialog.accept_note.text().startswith("Added"), timeout=20_000)
    assert is_verified(ana.db, tom.sharing.identity.get().fingerprint)
    assert len(ana.sharing.exchange.places.all()) == 1
    entry = ana.journal.add("Rota again.", title="Rota")
    ana.sharing.exchange.share(entry, ["Tom Mentor"])
    ana.sharing.exchange.sync()
    assert tom.sharing.exchange.sync().received == 1


def test_a_damaged_invitation_is_one_sentence(qtbot, two):
    _, tom = two
    dialog = _dialog(qtbot, tom)
    dialog.pasted.setPlainText("-----BEGIN REFLECTJOURNAL INVITATION-----\nAAAA\n")
    assert dialog.accept_invitation() is False
    assert dialog.accept_note.text().startswith("This is not a ReflectJournal invitation")
    assert tom.sharing.contacts.list() == []


def test_webdav_password_goes_only_into_the_encrypted_journal(qtbot, two, webdav_server):  # noqa: F811
    ana, _ = two
    dialog = _dialog(qtbot, ana)
    form = dialog.place_form
    form.set_kind("webdav")
    assert form.secret.echoMode() == form.secret.EchoMode.Password
    form.url.setText(webdav_server.url + "exchange/")
    form.user.setText(DAV_USER)
    form.secret.setText("wrong password")
    dialog.use_place()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert "password" in dialog.place_note.text().lower()  # one sentence, nothing stored
    assert ana.sharing.exchange.places.all() == []
    form.secret.setText(DAV_PASSWORD)
    dialog.use_place()
    qtbot.waitUntil(lambda: dialog.place_note.text().startswith("Ready"), timeout=30_000)
    assert form.secret.text() == ""  # the form forgets it once the place is set up
    place = ana.sharing.exchange.places.all()[0]
    assert place.spec.secret == DAV_PASSWORD and DAV_PASSWORD not in dialog.places_label.text()
    settings = [tuple(r) for r in ana.db.query("SELECT * FROM setting")]
    assert DAV_PASSWORD not in repr(settings)
    _shot(dialog, "pairing-webdav.png")
    _shot(dialog, "pairing-webdav-dark.png", dark=True)


def test_an_invitation_file_opened_in_the_app_goes_to_pairing(qtbot, two, tmp_path):
    """Double-clicking an .rjinvite (or "Receive a file…") opens the accept tab with it."""
    from reflectjournal.gui.sharing_view import SharingView

    ana, tom = two
    invite = tmp_path / "ana.rjinvite"
    invite.write_text(ana.sharing.exchange.invite("leader"))
    view = SharingView(tom)
    qtbot.addWidget(view)
    assert view.import_packet(invite) is None
    dialog = view.pairing
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.tabs.currentIndex() == 2
    assert dialog.pasted.toPlainText() == invite.read_text()
    assert "From Ana Leader" in dialog.accept_note.text()
    assert tom.sharing.contacts.list() == []  # nothing added before fingerprints are compared
    dialog.close()
