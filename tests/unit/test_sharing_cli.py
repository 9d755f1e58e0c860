"""The Sharing verbs of docs/CLI.md, end to end with two journals (leader and mentor)."""

from __future__ import annotations

import json

import pytest

SECRET = "NOT-FOR-MENTOR-9931"


@pytest.fixture
def two(cli, tmp_path):
    leader, mentor = tmp_path / "leader.rj", tmp_path / "mentor.rj"

    def as_leader(*args):
        return cli(*args, journal_path=leader)

    def as_mentor(*args):
        return cli(*args, journal_path=mentor)

    assert as_leader("init", "--name", "Alice Leader", "--no-keyring")[0] == 0
    assert as_mentor("init", "--name", "Bob Mentor", "--no-keyring")[0] == 0
    return as_leader, as_mentor


def test_full_round_trip(two, tmp_path):
    leader, mentor = two
    code, out, _ = leader("identity", "--json")
    alice_fp = json.loads(out)["fingerprint"]
    assert code == 0 and len(alice_fp) == 39
    assert json.loads(out) == {"name": "Alice Leader", "fingerprint": alice_fp}

    assert leader("contact", "export", str(tmp_path / "alice.card"))[0] == 0
    assert mentor("contact", "export", str(tmp_path / "bob.card"), "--role", "mentor")[0] == 0
    code, out, _ = leader("contact", "import", str(tmp_path / "bob.card"), "--json")
    bob = json.loads(out)
    assert (code, bob["name"], bob["role"], bob["status"]) == (0, "Bob Mentor", "mentor", "added")
    assert list(bob) == ["id", "name", "role", "fingerprint", "status", "verified", "warnings"]
    assert isinstance(bob["id"], int) and bob["warnings"] == []
    code, out, _ = mentor("contact", "import", str(tmp_path / "alice.card"))
    assert code == 0 and alice_fp in out  # printed so the two can compare by phone
    assert "contact verify" in out and bob["verified"] is None

    _, out, _ = leader("add", "Handover went badly.", "--visibility", "mentor", "--tag", "burnout")
    shared_id = out.strip()
    leader("add", f"Only mine {SECRET}", "--title", f"Mine {SECRET}")

    code, out, _ = leader("share", "preview", "--to", "Bob Mentor", "--json")
    preview = json.loads(out)
    assert code == 0 and [e["title"] for e in preview["payload"]["entries"]] == [
        "Handover went badly."
    ]
    assert SECRET not in out

    packet = tmp_path / "share.rjp"
    # The first share to a contact whose fingerprint was never confirmed is refused (no
    # terminal to ask on) until they are verified.
    code, out, err = leader("share", "export", "--to", "Bob Mentor", "--out", str(packet))
    assert code == 2 and "not confirmed" in err and "contact verify" in err
    assert not packet.exists()
    code, out, err = leader("contact", "verify", "Bob Mentor", bob["fingerprint"].lower())
    assert code == 0 and "verified" in out
    code, out, _ = leader("contact", "verify", "Bob Mentor", bob["fingerprint"], "--json")
    verified = json.loads(out)
    assert verified == {
        "name": "Bob Mentor",
        "fingerprint": bob["fingerprint"],
        "verified": verified["verified"],
    }
    assert verified["verified"][:2] == "20"
    code, out, _ = leader("contact", "list", "--json")
    (listed,) = json.loads(out)
    assert listed == {
        "id": bob["id"],
        "name": "Bob Mentor",
        "role": "mentor",
        "fingerprint": bob["fingerprint"],
        "verified": listed["verified"],
    }
    assert listed["verified"] and listed["verified"][:2] == "20"
    code, out, err = leader("share", "export", "--to", "Bob Mentor", "--out", str(packet), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "written": True,
        "to": "Bob Mentor",
        "fingerprint": bob["fingerprint"],
        "out": str(packet),
        "entries": 1,
        "messages": 1,
        "findings": [],
    }
    assert SECRET.encode() not in packet.read_bytes()

    # The JSON of docs/CLI.md, key for key and in this order (built in cli/shapes.py).
    code, out, _ = mentor("share", "import", str(packet), "--json")
    got = json.loads(out)
    assert code == 0 and list(got) == [
        "from", "fingerprint", "messages", "entries", "added", "updated", "unchanged",
        "withdrawn", "comments", "attached", "unmatched", "receipts", "other", "already_imported",
    ]  # fmt: skip
    assert got == {
        **dict.fromkeys(got, 0),
        "from": "Alice Leader",
        "fingerprint": alice_fp,
        "messages": 1,
        "entries": 1,
        "added": 1,
        "already_imported": False,
    }
    code, out, _ = mentor("share", "import", str(packet), "--json")
    again = json.loads(out)
    assert again == {**got, "added": 0, "unchanged": 1, "already_imported": True}
    _, out, _ = mentor("list", "--json")
    received = json.loads(out)
    assert len(received) == 1 and received[0]["kind"] == "shared"
    assert received[0]["from"] == "Alice Leader" and SECRET not in out

    code, _, err = mentor("edit", received[0]["id"], "--title", "mine now")
    assert code != 0 and "read-only" in err
    assert mentor("comment", received[0]["id"], "Who did you talk to afterwards?")[0] == 0
    _, out, _ = mentor("show", received[0]["id"])  # the text face: who sent it, the comment
    lines = out.splitlines()
    assert lines[1].split(" · ")[1:] == ["shared", "private", "from Alice Leader"]
    assert lines[-3:] == ["", lines[-2], "Who did you talk to afterwards?"]
    assert lines[-2].startswith("— ") and lines[-2].endswith(":")
    feedback = tmp_path / "feedback.rjp"
    code, out, _ = mentor(
        "feedback", "export", "--to", "Alice Leader", "--out", str(feedback), "--json"
    )
    # One comment, and the receipt for the entry that arrived.
    assert (code, json.loads(out)) == (
        0,
        {"to": "Alice Leader", "comments": 1, "entries": 0, "receipts": 1, "messages": 2},
    )

    code, out, _ = leader("feedback", "import", str(feedback), "--json")
    assert (code, json.loads(out)) == (
        0,
        {
            "from": "Bob Mentor",
            "fingerprint": bob["fingerprint"],
            "messages": 2,
            "entries": 0,
            "added": 0,
            "updated": 0,
            "unchanged": 0,
            "withdrawn": 0,
            "comments": 1,
            "attached": 1,
            "unmatched": 0,
            "receipts": 1,
            "other": 0,
            "already_imported": False,
        },
    )
    _, out, _ = leader("show", shared_id, "--json")
    comments = json.loads(out)["comments"]
    assert [(c["author"], c["text"], c["earlier_version"]) for c in comments] == [
        ("Bob Mentor", "Who did you talk to afterwards?", False)
    ]
    code, out, err = leader("feedback", "import", str(feedback))
    assert (code, err) == (0, "") and "already imported; nothing changed" in out


def test_privacy_check_lists_hits_and_writes_nothing(two, tmp_path):
    leader, mentor = two
    mentor("contact", "export", str(tmp_path / "bob.card"), "--role", "mentor")
    _, out, _ = leader("contact", "import", str(tmp_path / "bob.card"), "--json")
    assert leader("contact", "verify", "Bob Mentor", json.loads(out)["fingerprint"])[0] == 0
    assert leader("privacy", "names", "add", "Mr Singh")[0] == 0
    leader("add", "Mr Singh's son phoned 07700 900123.", "--visibility", "mentor")
    packet = tmp_path / "s.rjp"

    code, out, err = leader("share", "export", "--to", "Bob Mentor", "--out", str(packet))
    assert code == 1 and not packet.exists()
    assert "[Mr Singh]" in err and "[07700 900123]" in err and "--allow-identifiers" in err

    code, out, _ = leader("share", "export", "--to", "Bob Mentor", "--out", str(packet), "--json")
    report = json.loads(out)  # still exactly one JSON document
    assert code == 1 and report["written"] is False
    assert {f["kind"] for f in report["findings"]} == {"sensitive-name", "phone"}
    keys = ["entry", "date", "field", "kind", "label", "text", "context"]
    assert all(list(f) == keys for f in report["findings"])
    code, out, _ = leader("share", "preview", "--to", "Bob Mentor", "--json")
    assert json.loads(out)["findings"] == report["findings"]

    code, out, _ = leader(
        "share", "export", "--to", "Bob Mentor", "--out", str(packet), "--allow-identifiers"
    )
    assert code == 0 and packet.exists()

    code, out, _ = leader("privacy", "scan", "DOB 01/02/1950", "--json")
    (found,) = json.loads(out)
    assert list(found) == ["kind", "label", "text", "context", "choice"]
    assert (found["kind"], found["choice"]) == ("date-of-birth", None)
    assert found["text"] in found["context"] and "01/02/1950" in found["text"]


def test_bad_packet_files_get_one_line(two, tmp_path):
    _, mentor = two
    junk = tmp_path / "junk.rjp"
    junk.write_bytes(b"hello")
    for verb in ("share", "feedback"):
        code, out, err = mentor(verb, "import", str(junk))
        assert code == 1 and out == "" and err.count("\n") == 1
        assert "not a ReflectJournal" in err
    code, _, err = mentor("share", "import", str(tmp_path / "missing.rjp"))
    assert code == 2 and "There is no file" in err
    code, _, err = mentor("contact", "import", str(junk))
    assert code == 1 and "not a ReflectJournal contact card" in err
    _, out, _ = mentor("list", "--json")
    assert json.loads(out) == []


def test_share_to_unknown_person_and_existing_out_file(two, tmp_path):
    leader, _ = two
    code, _, err = leader("share", "export", "--to", "Nobody", "--out", str(tmp_path / "x"))
    assert code == 1 and "nobody called 'Nobody'" in err
    existing = tmp_path / "keep.txt"
    existing.write_text("precious")
    code, _, err = leader("share", "export", "--to", "Nobody", "--out", str(existing))
    assert code == 2 and "already exists" in err and existing.read_text() == "precious"
