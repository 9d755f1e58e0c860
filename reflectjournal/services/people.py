"""People: the mentors, coaches and coachees a journal knows."""

from __future__ import annotations

from reflectjournal.errors import NotFound, UsageError
from reflectjournal.services.entries import check_text
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.database import Database

ROLES = ("coachee", "mentee", "mentor", "coach")


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
            return self.db.execute(
                "INSERT INTO person(uid, name, role, email, created, notes) "
                "VALUES (?, ?, ?, ?, ?, '')",
                (uuid.uuid4().hex, name, role, email.strip(), now_utc().isoformat()),
            ).lastrowid

    def find(self, name_or_id: str | int) -> dict | None:
        text = str(name_or_id).strip()
        row = self.db.query_one(
            "SELECT * FROM person WHERE name = ? COLLATE NOCASE ORDER BY id LIMIT 1", (text,)
        )
        if row is None and text.isdigit():
            row = self.db.query_one("SELECT * FROM person WHERE id = ?", (int(text),))
        return _person(row) if row is not None else None

    def get(self, name_or_id: str | int) -> dict:
        person = self.find(name_or_id)
        if person is None:
            raise NotFound(
                f"There is nobody called '{name_or_id}'; 'reflectjournal person list' shows names."
            )
        return person

    def list(self, role: str | None = None) -> list[dict]:
        sql, params = "SELECT * FROM person", ()
        if role:
            sql, params = sql + " WHERE role = ?", (role,)
        return [_person(r) for r in self.db.query(sql + " ORDER BY name COLLATE NOCASE", params)]

    def rename(self, person_id: int, name: str) -> None:
        name = " ".join(name.split())
        if not name:
            raise UsageError("A person needs a name.")
        with self.db.transaction():
            self.db.execute("UPDATE person SET name = ? WHERE id = ?", (name, person_id))


def _person(row) -> dict:
    return {
        "id": row["id"],
        "uid": row["uid"],
        "name": row["name"],
        "role": row["role"],
        "email": row["email"],
        "fingerprint": row["fingerprint"],
        "created": row["created"],
    }
