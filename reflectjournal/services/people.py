"""People: the mentors, coaches and coachees a journal knows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reflectjournal.domain.enums import Role
from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.entries import check_text
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.database import Database

ROLES: tuple[str, ...] = tuple(Role)


@dataclass(frozen=True)
class Person:
    """One person the journal knows (the CLI's JSON: ``cli/shapes.person_json``)."""

    id: int
    uid: str
    name: str
    role: Role
    email: str
    fingerprint: str | None  # their key's, once a contact card was exchanged
    created: str  # UTC ISO timestamp


class PeopleService:
    def __init__(self, db: Database):
        self.db = db

    def add(self, name: str, role: str, email: str = "") -> int:
        import uuid  # only when writing: read-only commands skip its imports

        name = " ".join(check_text(name, "The name").split())
        if not name:
            raise UsageError("A person needs a name.")
        if role not in ROLES:
            raise UsageError(f"A role must be one of {', '.join(ROLES)}, not '{role}'.")
        if self.find(name) is not None:
            raise UsageError(f"There is already someone called '{name}'; use another name.")
        with self.db.transaction():
            new_id = self.db.execute(
                "INSERT INTO person(uid, name, role, email, created, notes) "
                "VALUES (?, ?, ?, ?, ?, '')",
                (uuid.uuid4().hex, name, role, email.strip(), now_utc().isoformat()),
            ).lastrowid
        assert new_id is not None
        return int(new_id)

    def find(self, name_or_id: str | int) -> Person | None:
        text = str(name_or_id).strip()
        row = self.db.query_one(
            "SELECT * FROM person WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1", (text,)
        )
        if row is None and text.isdigit():
            row = self.db.query_one("SELECT * FROM person WHERE id = ?", (int(text),))
        return _person(row) if row is not None else None

    def get(self, name_or_id: str | int) -> Person:
        person = self.find(name_or_id)
        if person is None:
            raise NotFound(
                f"There is nobody called '{name_or_id}'; 'reflectjournal person list' shows names."
            )
        return person

    def list(self, role: str | None = None) -> list[Person]:
        where, params = (" WHERE role = ?", (role,)) if role else ("", ())
        rows = self.db.query(f"SELECT * FROM person{where} ORDER BY name COLLATE NOCASE", params)
        return [_person(r) for r in rows]

    def rename(self, person_id: int, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            raise UsageError("A person needs a name.")
        with self.db.transaction():
            self.db.execute("UPDATE person SET name = ? WHERE id = ?", (name, person_id))


def _person(row: Any) -> Person:
    return Person(
        id=int(row["id"]),
        uid=str(row["uid"]),
        name=str(row["name"]),
        role=Role(row["role"]),
        email=str(row["email"] or ""),
        fingerprint=row["fingerprint"],
        created=str(row["created"]),
    )
