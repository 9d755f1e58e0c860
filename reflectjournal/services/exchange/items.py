"""Producing and applying the kinds in ``kinds.py``: only changes travel, newest version wins.

Sending side: an ``exchange_item`` row says one item goes to one person (the user chose it:
"Send a copy", "Send summary", "Bring", "Ask to confirm"). At each sync the item is built
afresh; when its digest differs from what went last, the next version is sealed into the
outbox. Receiving side: ``received_item`` keeps the newest version applied per sender and item,
so an older, duplicated or late copy changes nothing, and applying a version depends only on
that version (and, for actions, the coachee's own ticks, which no message overwrites).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from reflectjournal.services.sharing import crypto
from reflectjournal.services.sharing.crypto import canonical_json, utc_timestamp
from reflectjournal.services.sharing.identity import Contact, PublicKeys
from reflectjournal.storage.database import Database

from . import kinds

log = logging.getLogger(__name__)


def digest(item: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(item)).hexdigest()


# ---- building what goes (the author's side) -------------------------------------------------


def _programme(db: Database, ref: str, person_id: int) -> dict[str, Any] | None:
    from reflectjournal.services.people import PeopleService
    from reflectjournal.services.programme_exchange import programme_body
    from reflectjournal.services.programmes import ProgrammeService

    people = PeopleService(db)
    body = programme_body(ProgrammeService(db, people), person_id)
    return {"agreement": body["agreement"], "goals": body["goals"]}


def _session(db: Database, ref: str, person_id: int) -> dict[str, Any] | None:
    note = db.query_one(
        "SELECT session_id, date, summary FROM session_note WHERE uid = ? AND origin = 'mine'",
        (ref,),
    )
    if note is None:
        return None
    actions = db.query(
        "SELECT uid, text, due FROM action WHERE session_id = ? AND owner_id = ? "
        "AND status != 'dropped' ORDER BY id",
        (note["session_id"], person_id),
    )
    return {
        "date": note["date"],
        "summary": note["summary"],
        "actions": [{"uid": a["uid"], "text": a["text"], "due": a["due"]} for a in actions],
    }


def _bring(db: Database, ref: str, person_id: int) -> dict[str, Any] | None:
    row = db.query_one(
        "SELECT text, written FROM bring_item WHERE uid = ? AND origin = 'mine'", (ref,)
    )
    if row is None:  # removed here: the next version withdraws it there
        return {"text": None, "written": None}
    return {"text": row["text"], "written": row["written"]}


def _discussion(db: Database, ref: str, person_id: int) -> dict[str, Any] | None:
    from reflectjournal.services.revalidation import RevalidationService

    if not db.scalar(
        "SELECT 1 FROM revalidation_record WHERE uid = ? AND kind = 'discussion'", (ref,)
    ):
        return None
    return discussion_item(RevalidationService(db).discussion_payload(ref))


def _confirmation(db: Database, ref: str, person_id: int) -> dict[str, Any] | None:
    text = db.scalar(
        "SELECT confirmation FROM revalidation_record WHERE uid = ? AND kind = ? AND person_id = ?",
        (ref, REQUEST_KIND, person_id),
    )
    return json.loads(text) if text else None


def discussion_item(payload: dict[str, Any]) -> dict[str, Any]:
    """The travelling part of ``RevalidationService.discussion_payload``."""
    return {k: payload[k] for k in ("date", "registrant", "colleague", "accounts")}


BUILDERS: dict[str, Callable[[Database, str, int], dict[str, Any] | None]] = {
    "programme": _programme,
    "session": _session,
    "bring": _bring,
    "discussion": _discussion,
    "confirmation": _confirmation,
}
REQUEST_KIND = "discussion-request"  # revalidation_record.kind of a record to confirm


def choose(db: Database, kind: str, ref: str, person_id: int) -> None:
    """Say that item ``ref`` of ``kind`` goes to ``person_id`` (from the next sync on)."""
    db.execute(
        "INSERT INTO exchange_item(kind, ref, person_id, active, version) VALUES (?, ?, ?, 1, 0) "
        "ON CONFLICT(kind, ref, person_id) DO UPDATE SET active = 1",
        (kind, ref, person_id),
    )


def queue_items(db: Database, identity: Any, sender_name: str) -> int:
    """Seal a new version of every chosen item whose content changed; returns how many."""
    from . import messages

    rows = db.query(
        "SELECT x.kind, x.ref, x.person_id, x.version, x.sent_hash, p.sign_public, p.enc_public "
        "FROM exchange_item x JOIN person p ON p.id = x.person_id "
        "WHERE x.active = 1 AND p.fingerprint IS NOT NULL ORDER BY x.kind, x.ref, x.person_id"
    )
    queued = 0
    for row in rows:
        item = BUILDERS[row["kind"]](db, row["ref"], row["person_id"])
        if item is None:
            continue
        kinds.check_item(row["kind"], item)  # what we would refuse, we never send
        found = digest(item)
        if found == row["sent_hash"]:
            continue
        version = row["version"] + 1
        body = {"type": row["kind"], "ref": row["ref"], "item_version": version, "item": item}
        message_id = messages.new_message_id()
        recipient = PublicKeys(bytes(row["sign_public"]), bytes(row["enc_public"]))
        sealed = messages.seal(body, identity, sender_name, recipient, message_id)
        now = utc_timestamp()
        with db.transaction():
            db.execute(
                "INSERT INTO outbox(message_id, person_id, kind, ref, version, sealed, created) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (message_id, row["person_id"], row["kind"], row["ref"], version, sealed, now),
            )
            db.execute(
                "UPDATE exchange_item SET version = ?, sent_hash = ?, queued = ?, received = NULL "
                "WHERE kind = ? AND ref = ? AND person_id = ?",
                (version, found, now, row["kind"], row["ref"], row["person_id"]),
            )
        queued += 1
    return queued


def mark_received(db: Database, kind: str, ref: str, person_id: int, version: int, at: str) -> None:
    db.execute(
        "UPDATE exchange_item SET received = ? WHERE kind = ? AND ref = ? AND person_id = ? "
        "AND version = ?",
        (at, kind, ref, person_id, version),
    )


# ---- applying what arrived (the receiver's side) --------------------------------------------


def apply(db: Database, body: dict[str, Any], sender: Contact) -> bool:
    """Apply one validated message of a kind here; False when a newer version is held."""
    kind, ref, version = body["type"], body["ref"], body["item_version"]
    held = db.scalar(
        "SELECT version FROM received_item WHERE person_id = ? AND kind = ? AND ref = ?",
        (sender.id, kind, ref),
    )
    if held is not None and held >= version:
        return False
    _APPLY[kind](db, ref, body["item"], sender)
    db.execute(
        "INSERT INTO received_item(person_id, kind, ref, version, arrived) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT(person_id, kind, ref) DO UPDATE SET version = excluded.version, "
        "arrived = excluded.arrived",
        (sender.id, kind, ref, version, utc_timestamp()),
    )
    return True


def _apply_programme(db: Database, ref: str, item: dict[str, Any], sender: Contact) -> None:
    from reflectjournal.services.programme_exchange import TYPE, apply_programme

    apply_programme(db, sender.id, {"type": TYPE, **item}, snapshot=True)


def _apply_session(db: Database, ref: str, item: dict[str, Any], sender: Contact) -> None:
    held = db.query_one("SELECT id, person_id, origin FROM session_note WHERE uid = ?", (ref,))
    if held is not None and (held["person_id"] != sender.id or held["origin"] != "received"):
        return  # a uid of another relationship (or our own) is never taken over
    now = utc_timestamp()
    if held is None:
        db.execute(
            "INSERT INTO session_note(uid, person_id, session_id, date, summary, origin, created, "
            "updated) VALUES (?, ?, NULL, ?, ?, 'received', ?, ?)",
            (ref, sender.id, item["date"], item["summary"], now, now),
        )
    else:
        db.execute(
            "UPDATE session_note SET date = ?, summary = ?, updated = ? WHERE id = ?",
            (item["date"], item["summary"], now, held["id"]),
        )
    keep = []
    for action in item["actions"]:
        row = db.query_one(
            "SELECT id, from_id, note_uid FROM action WHERE uid = ?", (action["uid"],)
        )
        if row is None:
            db.execute(
                "INSERT INTO action(uid, text, owner_id, due, status, created, from_id, "
                "note_uid) VALUES (?, ?, NULL, ?, 'open', ?, ?, ?)",
                (action["uid"], action["text"], action["due"], now, sender.id, ref),
            )
        elif row["from_id"] == sender.id and row["note_uid"] == ref:
            # The coach's words and date; whether it is done is the coachee's own to say.
            db.execute(
                "UPDATE action SET text = ?, due = ? WHERE id = ?",
                (action["text"], action["due"], row["id"]),
            )
        else:
            continue
        keep.append(action["uid"])
    marks = ",".join("?" * len(keep))
    db.execute(
        f"DELETE FROM action WHERE note_uid = ? AND from_id = ? AND uid NOT IN ({marks})",
        (ref, sender.id, *keep),
    )


def _apply_bring(db: Database, ref: str, item: dict[str, Any], sender: Contact) -> None:
    held = db.query_one("SELECT id, person_id, origin FROM bring_item WHERE uid = ?", (ref,))
    if held is not None and (held["person_id"] != sender.id or held["origin"] != "received"):
        return
    if item["text"] is None:
        if held is not None:
            db.execute("DELETE FROM bring_item WHERE id = ?", (held["id"],))
        return
    if held is None:
        db.execute(
            "INSERT INTO bring_item(uid, person_id, text, origin, written, arrived) "
            "VALUES (?, ?, ?, 'received', ?, ?)",
            (ref, sender.id, item["text"], item["written"], utc_timestamp()),
        )
    else:
        db.execute(
            "UPDATE bring_item SET text = ?, written = ?, arrived = ? WHERE id = ?",
            (item["text"], item["written"], utc_timestamp(), held["id"]),
        )


def _apply_discussion(db: Database, ref: str, item: dict[str, Any], sender: Contact) -> None:
    held = db.query_one("SELECT id, kind, person_id FROM revalidation_record WHERE uid = ?", (ref,))
    if held is not None and (held["kind"] != REQUEST_KIND or held["person_id"] != sender.id):
        return
    now = utc_timestamp()
    fields = {
        "date": item["date"],
        "title": item["registrant"],
        "colleague_name": item["colleague"]["name"],
        "colleague_pin": item["colleague"]["pin"],
        "notes": canonical_json(item).decode(),
        # A changed record needs confirming again: a confirmation is of what was seen.
        "confirmed_by": "",
        "confirmed_at": None,
        "confirmation": "",
        "updated": now,
    }
    if held is None:
        blank = {"account_type": "", "themes": "[]", "benefit": "", "participatory": 0}
        blank |= {"method": "", "colleague_email": ""}
        columns = ["uid", "kind", "person_id", "origin", "created", *blank, *fields]
        values = [ref, REQUEST_KIND, sender.id, "received", now, *blank.values()]
        values += list(fields.values())
        db.execute(
            f"INSERT INTO revalidation_record({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(values))})",
            values,
        )
    else:
        sets = ", ".join(f"{k} = ?" for k in fields)
        db.execute(
            f"UPDATE revalidation_record SET {sets} WHERE id = ?", (*fields.values(), held["id"])
        )


def _apply_confirmation(db: Database, ref: str, item: dict[str, Any], sender: Contact) -> None:
    from reflectjournal.services.revalidation import RevalidationService

    row = db.query_one(
        "SELECT id FROM revalidation_record WHERE uid = ? AND kind = 'discussion' "
        "AND person_id = ?",
        (ref, sender.id),
    )
    if row is None:
        return  # not a record we asked this person to confirm
    mine = digest(discussion_item(RevalidationService(db).discussion_payload(ref)))
    signed = crypto.verify(
        sender.keys.sign,
        bytes.fromhex(item["signature"]),
        kinds.confirmation_bytes(ref, item["digest"]),
    )
    if item["digest"] != mine or not signed:
        # Of an earlier version of the record (the newer one goes out again), or not theirs.
        log.info("a confirmation did not match the record held; not recorded")
        return
    db.execute(
        "UPDATE revalidation_record SET confirmed_by = ?, confirmed_at = ?, confirmation = ?, "
        "updated = ? WHERE id = ?",
        (
            sender.fingerprint,
            item["confirmed_at"],
            canonical_json(item).decode(),
            utc_timestamp(),
            row["id"],
        ),
    )


_APPLY: dict[str, Callable[[Database, str, dict[str, Any], Contact], None]] = {
    "programme": _apply_programme,
    "session": _apply_session,
    "bring": _apply_bring,
    "discussion": _apply_discussion,
    "confirmation": _apply_confirmation,
}
