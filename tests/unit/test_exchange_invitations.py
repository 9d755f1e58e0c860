"""Pairing in two steps: an invitation (card + place, signed), then accepting it."""

from __future__ import annotations

import pytest
from exchange_servers import DAV_PASSWORD, DAV_USER, webdav_server  # noqa: F401

from reflectjournal.errors import PacketRejected, UsageError
from reflectjournal.services.exchange.folder import FolderStore
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.exchange.store import PlaceRefused, setup_place
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"


@pytest.fixture
def two(tmp_path):
    ana = Workspace.create(tmp_path / "ana.rj", PASS, owner="Ana Leader")
    tom = Workspace.create(tmp_path / "tom.rj", PASS, owner="Tom Mentor")
    yield ana, tom
    ana.close()
    tom.close()


def test_invite_accept_then_share_through_the_named_place(two, tmp_path):
    ana, tom = two
    shared = tmp_path / "Ana-OneDrive" / "Mentoring"
    shared.mkdir(parents=True)
    ana.sharing.exchange.set_place(PlaceSpec("folder", str(shared)))
    text = ana.sharing.exchange.invite("leader")
    assert text.startswith("-----BEGIN REFLECTJOURNAL INVITATION-----")
    # On Tom's computer the synced folder lives elsewhere; the place id proves it is the same.
    done = tom.sharing.exchange.accept(
        text, role="coachee", override=PlaceSpec("folder", str(shared))
    )
    assert (done.name, done.status) == ("Ana Leader", "added")
    assert done.fingerprint == ana.sharing.identity.get().fingerprint
    ana.sharing.contacts.import_card(tom.sharing.identity.contact_card(), role="mentor")
    entry = ana.journal.add("Rota again.", title="Rota")
    ana.sharing.exchange.share(entry, ["Tom Mentor"])
    ana.sharing.exchange.sync()
    assert tom.sharing.exchange.sync().received == 1


def test_invitation_to_another_folder_or_tampered_is_refused(two, tmp_path):
    ana, tom = two
    shared, other = tmp_path / "shared", tmp_path / "other"
    shared.mkdir()
    other.mkdir()
    ana.sharing.exchange.set_place(PlaceSpec("folder", str(shared)))
    setup_place(FolderStore(other))  # somebody else's exchange
    text = ana.sharing.exchange.invite()
    with pytest.raises(PlaceRefused, match="belongs to another exchange than the invitation"):
        tom.sharing.exchange.accept(text, override=PlaceSpec("folder", str(other)))
    lines = text.splitlines()
    middle = lines[1]
    lines[1] = middle[:10] + ("A" if middle[10] != "A" else "B") + middle[11:]
    with pytest.raises(PacketRejected, match="not a ReflectJournal invitation"):
        tom.sharing.exchange.accept("\n".join(lines))
    with pytest.raises(UsageError, match="--folder DIR"):
        tom.sharing.exchange.accept(_moved(ana, tmp_path))
    assert tom.sharing.contacts.list() == []  # nothing was added by the refused attempts


def _moved(ana, tmp_path) -> str:
    """An invitation naming a folder path that does not exist on this computer."""
    gone = tmp_path / "gone"
    gone.mkdir()
    ana.sharing.exchange.set_place(PlaceSpec("folder", str(gone)))
    text = ana.sharing.exchange.invite()
    gone.joinpath("reflectjournal-place").unlink()
    gone.rmdir()
    return text


def test_webdav_invitation_carries_no_credentials(two, webdav_server):  # noqa: F811
    ana, tom = two
    url = webdav_server.url + "exchange/"
    ana.sharing.exchange.set_place(PlaceSpec("webdav", url, user=DAV_USER, secret=DAV_PASSWORD))
    text = ana.sharing.exchange.invite()
    import base64

    decoded = base64.b64decode("".join(text.splitlines()[1:-1]))
    assert DAV_PASSWORD.encode() not in decoded and DAV_USER.encode() not in decoded
    done = tom.sharing.exchange.accept(
        text, override=PlaceSpec("webdav", "", user=DAV_USER, secret=DAV_PASSWORD)
    )
    assert done.place == "the WebDAV folder 127.0.0.1/exchange/"


def test_accepting_with_the_fingerprint_read_out_records_the_contact_verified(two, tmp_path):
    from reflectjournal.services.sharing.verification import is_verified

    ana, tom = two
    shared = tmp_path / "Mentoring"
    shared.mkdir()
    ana.sharing.exchange.set_place(PlaceSpec("folder", str(shared)))
    text = ana.sharing.exchange.invite("leader")
    fp = ana.sharing.identity.get().fingerprint
    # A fingerprint that does not match adds nobody and sets nothing up.
    wrong = tom.sharing.identity.get().fingerprint
    with pytest.raises(PacketRejected, match="does not match"):
        tom.sharing.exchange.accept(text, role="coachee", fingerprint=wrong)
    assert tom.sharing.contacts.list() == [] and tom.sharing.exchange.places.all() == []
    # Read out in lower case with odd spacing, as people type it: verified.
    typed = "  " + fp.lower().replace(" ", "  ") + " "
    done = tom.sharing.exchange.accept(text, role="coachee", fingerprint=typed)
    assert done.verified is not None and is_verified(tom.db, fp)
    # Tom's reply names the same place: Ana accepts it without setting anything up again.
    reply = tom.sharing.exchange.invite("mentor")
    back = ana.sharing.exchange.accept(
        reply, role="mentor", fingerprint=tom.sharing.identity.get().fingerprint
    )
    assert back.name == "Tom Mentor" and back.verified is not None
    assert len(ana.sharing.exchange.places.all()) == 1
    entry = ana.journal.add("Rota again.", title="Rota")
    ana.sharing.exchange.share(entry, ["Tom Mentor"])
    ana.sharing.exchange.sync()
    assert tom.sharing.exchange.sync().received == 1


def test_cli_accept_with_fingerprint_marks_verified(cli, tmp_path):
    import json

    ana_path, tom_path = tmp_path / "ana.rj", tmp_path / "tom.rj"
    shared = tmp_path / "Mentoring"
    shared.mkdir()
    assert cli("init", "--name", "Ana Leader", "--no-keyring", journal_path=ana_path)[0] == 0
    assert cli("init", "--name", "Tom Mentor", "--no-keyring", journal_path=tom_path)[0] == 0
    assert cli("exchange", "set", "--folder", str(shared), journal_path=ana_path)[0] == 0
    invite = tmp_path / "ana.rjinvite"
    code, out, _ = cli("exchange", "invite", "--out", str(invite), journal_path=ana_path)
    fp = out.split("Your fingerprint: ")[1].split(" (")[0]
    code, out, err = cli(
        "exchange",
        "accept",
        str(invite),
        "--folder",
        str(shared),
        "--fingerprint",
        "WRONG",
        journal_path=tom_path,
    )
    assert code != 0 and "does not match" in err and err.count("\n") <= 1
    code, out, err = cli(
        "exchange",
        "accept",
        str(invite),
        "--folder",
        str(shared),
        "--fingerprint",
        fp,
        "--json",
        journal_path=tom_path,
    )
    assert code == 0 and json.loads(out)["verified"]
    code, out, _ = cli("contact", "list", "--json", journal_path=tom_path)
    assert json.loads(out)[0]["verified"]
