"""Agreements and goals as they travel to the other party (a copy for the coachee or mentee).

The body below is what an exchange message carries (type ``programme``); the exchange seals,
signs and delivers it, this module only builds and applies it. Only goals marked shared go,
with their ratings; the agreement goes whole (it is the contract both signed up to).

Applying is idempotent and order-free: an agreement or goal is identified by its ``uid`` and
replaced only by a copy with a newer ``updated`` time (one side writes a relationship's
agreement, so its clock orders its own edits); ratings are a set by ``uid``. What arrives is
stored against the sender (the coach or mentor, from the receiver's side) with origin
``received``, so the receiver's Coaching page shows it on that person's page, marked as a copy.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from reflectjournal.errors import PacketRejected
from reflectjournal.storage.database import Database

if TYPE_CHECKING:
    from reflectjournal.services.programmes import ProgrammeService

TYPE = "programme"
MAX_GOALS = 200
MAX_RATINGS = 2000
MAX_TEXT = 20000
_UID = re.compile(r"\A[0-9a-f]{32}\Z")
_REFUSED = "This programme message is not in the expected layout, so it was refused."
_AGREEMENT_TEXT: tuple[str, ...] = ("kind", "frequency", "confidentiality", "limits", "sponsor")
_AGREEMENT_TEXT += ("no_fault", "end_review")
_AGREEMENT_DATES = ("start", "review", "until", "ended")


def programme_body(programmes: ProgrammeService, person: str | int) -> dict[str, Any]:
    """The message body for the relationship with ``person`` (the agreement and shared goals)."""
    db = programmes.db
    agreement = programmes.agreement(person)
    body: dict[str, Any] = {"type": TYPE, "agreement": None, "goals": []}
    if agreement is not None and agreement.origin == "mine":
        body["agreement"] = {
            "uid": agreement.uid,
            "updated": agreement.updated,
            "sessions": agreement.sessions,
            "sponsor_consent": agreement.sponsor_consent,
            **{k: getattr(agreement, k) for k in _AGREEMENT_TEXT},
            **{k: getattr(agreement, k) for k in _AGREEMENT_DATES},
        }
    for goal in programmes.goals(person):
        if not goal.shared or goal.origin != "mine":
            continue
        ratings = db.query(
            "SELECT uid, value, date, note FROM goal_rating WHERE goal_id = ? ORDER BY date, id",
            (goal.id,),
        )
        updated = db.scalar("SELECT updated FROM goal WHERE id = ?", (goal.id,))
        body["goals"].append(
            {
                "uid": goal.uid,
                "updated": updated,
                "text": goal.text,
                "status": goal.status,
                "created": goal.created,
                "closed": goal.closed,
                "ratings": [dict(zip(r.keys(), tuple(r), strict=True)) for r in ratings],
            }
        )
    return body


def _text(value: Any, limit: int = MAX_TEXT, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        raise PacketRejected(_REFUSED)
    return value


def _day(value: Any) -> str | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(_text(value, 10)).isoformat()  # type: ignore[arg-type]
    except ValueError:
        raise PacketRejected(_REFUSED) from None


def _uid(value: Any) -> str:
    if not isinstance(value, str) or not _UID.match(value):
        raise PacketRejected(_REFUSED)
    return value


def validate(body: Any) -> dict[str, Any]:
    """The body checked field by field; ``PacketRejected`` (one sentence) otherwise."""
    if not isinstance(body, dict) or body.get("type") != TYPE:
        raise PacketRejected(_REFUSED)
    goals = body.get("goals")
    if not isinstance(goals, list) or len(goals) > MAX_GOALS:
        raise PacketRejected(_REFUSED)
    agreement = body.get("agreement")
    clean: dict[str, Any] = {"type": TYPE, "agreement": None, "goals": []}
    if agreement is not None:
        if not isinstance(agreement, dict):
            raise PacketRejected(_REFUSED)
        sessions = agreement.get("sessions")
        if sessions is not None and (not isinstance(sessions, int) or not 1 <= sessions <= 200):
            raise PacketRejected(_REFUSED)
        if agreement.get("kind") not in ("coaching", "mentoring"):
            raise PacketRejected(_REFUSED)
        clean["agreement"] = {
            "uid": _uid(agreement.get("uid")),
            "updated": _text(agreement.get("updated"), 40),
            "sessions": sessions,
            "sponsor_consent": bool(agreement.get("sponsor_consent")),
            **{k: _text(agreement.get(k, "")) for k in _AGREEMENT_TEXT},
            **{k: _day(agreement.get(k)) for k in _AGREEMENT_DATES},
        }
    for goal in goals:
        if not isinstance(goal, dict) or goal.get("status") not in (
            "active",
            "achieved",
            "dropped",
        ):
            raise PacketRejected(_REFUSED)
        ratings = goal.get("ratings")
        if not isinstance(ratings, list) or len(ratings) > MAX_RATINGS:
            raise PacketRejected(_REFUSED)
        clean_ratings = []
        for r in ratings:
            value = r.get("value") if isinstance(r, dict) else None
            if not isinstance(value, int) or not 0 <= value <= 10:
                raise PacketRejected(_REFUSED)
            clean_ratings.append(
                {
                    "uid": _uid(r.get("uid")),
                    "value": value,
                    "date": _day(r.get("date")),
                    "note": _text(r.get("note", ""), 2000),
                }
            )
        text = _text(goal.get("text"), 2000)
        if not text or not text.strip():
            raise PacketRejected(_REFUSED)
        clean["goals"].append(
            {
                "uid": _uid(goal.get("uid")),
                "updated": _text(goal.get("updated"), 40),
                "text": text,
                "status": goal["status"],
                "created": _text(goal.get("created"), 40),
                "closed": _text(goal.get("closed"), 40, optional=True),
                "ratings": clean_ratings,
            }
        )
    return clean


def apply_programme(
    db: Database, sender_id: int, body: Any, *, snapshot: bool = False
) -> dict[str, int]:
    """Apply a programme message from the person ``sender_id``; counts of what changed.

    With ``snapshot`` the body is the sender's newest version as the exchange ordered it (by
    the sender's own counter): it replaces what is held even within the same second, and goals
    it no longer carries (unshared or deleted there) are removed here.
    """
    clean = validate(body)
    changed = {"agreement": 0, "goals": 0, "ratings": 0}
    with db.transaction():
        a = clean["agreement"]
        if a is not None:
            held = db.query_one(
                "SELECT id, uid, updated FROM agreement WHERE person_id = ?", (sender_id,)
            )
            taken = db.scalar(
                "SELECT count(*) FROM agreement WHERE uid = ? AND person_id != ?",
                (a["uid"], sender_id),
            )
            if taken:  # a uid of another relationship is never taken over
                a = None
        if a is not None:
            fields = {k: v for k, v in a.items() if k not in ("uid",)}
            fields["sponsor_consent"] = int(fields["sponsor_consent"])
            if held is None:
                columns = ["uid", "person_id", "origin", "created", *fields]
                values = [a["uid"], sender_id, "received", a["updated"], *fields.values()]
                db.execute(
                    f"INSERT INTO agreement({', '.join(columns)}) "
                    f"VALUES ({', '.join('?' * len(values))})",
                    values,
                )
                changed["agreement"] = 1
            elif snapshot or a["updated"] > held["updated"]:
                sets = ", ".join(f"{k} = ?" for k in fields)
                db.execute(
                    f"UPDATE agreement SET {sets}, uid = ?, origin = 'received' WHERE id = ?",
                    (*fields.values(), a["uid"], held["id"]),
                )
                changed["agreement"] = 1
        for g in clean["goals"]:
            held = db.query_one(
                "SELECT id, updated, person_id FROM goal WHERE uid = ?", (g["uid"],)
            )
            if held is not None and held["person_id"] != sender_id:
                continue  # a uid that belongs to another relationship is never taken over
            if held is None:
                goal_id = db.execute(
                    "INSERT INTO goal(uid, person_id, text, status, shared, origin, created, "
                    "updated, closed) VALUES (?, ?, ?, ?, 1, 'received', ?, ?, ?)",
                    (g["uid"], sender_id, g["text"], g["status"], g["created"], g["updated"],
                     g["closed"]),
                ).lastrowid  # fmt: skip
                changed["goals"] += 1
            else:
                goal_id = held["id"]
                if snapshot or g["updated"] > held["updated"]:
                    db.execute(
                        "UPDATE goal SET text = ?, status = ?, updated = ?, closed = ? WHERE id = ?",
                        (g["text"], g["status"], g["updated"], g["closed"], goal_id),
                    )
                    changed["goals"] += 1
            for r in g["ratings"]:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO goal_rating(uid, goal_id, value, date, note) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (r["uid"], goal_id, r["value"], r["date"], r["note"]),
                )
                changed["ratings"] += cursor.rowcount
        if snapshot:
            kept = [g["uid"] for g in clean["goals"]]
            marks = ",".join("?" * len(kept))
            gone = db.execute(
                f"DELETE FROM goal WHERE person_id = ? AND origin = 'received' "
                f"AND uid NOT IN ({marks})",
                (sender_id, *kept),
            )
            changed["goals"] += gone.rowcount
    return changed
