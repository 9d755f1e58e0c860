"""Issue 14 item 2: verified contacts, look-alike names, and strangers named by their key."""

from __future__ import annotations

import pytest

from reflectjournal.errors import PacketRejected
from reflectjournal.services.sharing.share import ShareRequest
from reflectjournal.services.sharing.verification import (
    is_verified,
    mark_verified,
    name_warnings,
    needs_confirmation,
    verified_on,
)
from reflectjournal.services.timeutil import now_utc
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"


@pytest.mark.parametrize(
    "name",
    [
        "\u0410na Ruiz",  # Cyrillic capital A
        "Bob Ment\u043er",  # Cyrillic o
        "\uff22ob Mentor",  # full-width B
        "Dr \U0001d400lice",  # mathematical bold A
        "Mentor\u2126",  # Ohm sign, NFKC-folds to Greek omega
    ],
)
def test_look_alike_names_are_flagged(name):
    assert name_warnings(name)


@pytest.mark.parametrize(
    "name",
    [
        "Ana Ruiz",
        "Zo\u00eb M\u00fcller",
        "Siobh\u00e1n O'Neill",
        "\u0395\u03c5\u03ac\u03b3\u03b3\u03b5\u03bb\u03bf\u03c2 \u03a0\u03b1\u03c0\u03b1\u03b4\u03cc\u03c0\u03bf\u03c5\u03bb\u03bf\u03c2",
        "\u674e\u534e",
        "Dr Adaeze Okafor-Smith",
    ],
)
def test_ordinary_names_in_any_one_script_are_not_flagged(name):
    assert name_warnings(name) == []


@pytest.fixture
def pair(tmp_path):
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Alice Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Bob Mentor")
    yield leader, mentor
    leader.close()
    mentor.close()


def test_verification_is_recorded_with_its_date_and_bound_to_the_key(pair):
    leader, mentor = pair
    result = leader.sharing.contacts.import_card(mentor.sharing.identity.contact_card("mentor"))
    fp = result.contact.fingerprint
    assert needs_confirmation(leader.db, fp) and not is_verified(leader.db, fp)
    assert mark_verified(leader.db, fp) == now_utc().date().isoformat()
    assert verified_on(leader.db, fp) == now_utc().date().isoformat()
    assert not needs_confirmation(leader.db, fp)
    assert not is_verified(leader.db, "AAAA " * 7 + "AAAA")  # another key is not verified


def test_a_strangers_packet_names_the_key_never_the_claimed_name(pair, tmp_path):
    leader, mentor = pair
    stranger = Workspace.create(tmp_path / "s.rj", PASS, owner="Dr Trusted Colleague")
    stranger.sharing.contacts.import_card(leader.sharing.identity.contact_card("coach"))
    stranger.journal.add("Looks friendly", visibility="coach")
    packet = tmp_path / "p.rjp"
    stranger.sharing.export_share(ShareRequest(to="Alice Leader"), packet)
    stranger_fp = stranger.sharing.identity.get().fingerprint
    stranger.close()
    with pytest.raises(PacketRejected) as caught:
        leader.sharing.import_share(packet)
    text = str(caught.value)
    assert f"an unknown key (fingerprint {stranger_fp})" in text
    assert "Trusted" not in text and "Colleague" not in text
    assert leader.db.scalar("SELECT count(*) FROM entry WHERE kind = 'shared'") == 0
