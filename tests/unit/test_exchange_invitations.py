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
