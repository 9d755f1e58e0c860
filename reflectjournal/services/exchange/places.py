"""Where this journal meets its contacts: one place per contact, or one for everyone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from reflectjournal.errors import UsageError
from reflectjournal.services.sharing.identity import Contact
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.database import Database

from .store import Store, setup_place

KINDS = ("folder", "webdav", "s3")


@dataclass(frozen=True)
class PlaceSpec:
    """How to reach a place; ``secret`` is the WebDAV password or the S3 secret key."""

    kind: str
    location: str
    bucket: str | None = None
    user: str | None = None
    secret: str | None = None

    def describe(self) -> str:
        """Words for the user: never the user name, password or key."""
        if self.kind == "folder":
            return f"the folder {self.location}"
        host = urlsplit(self.location).hostname or self.location
        if self.kind == "webdav":
            return f"the WebDAV folder {host}{urlsplit(self.location).path or '/'}"
        return f"the S3 bucket {self.bucket} at {host}"


@dataclass(frozen=True)
class Place:
    id: int
    person_id: int | None  # None: everyone without a place of their own
    person_name: str | None
    spec: PlaceSpec
    place_id: str
    last_sync: str | None
    unreachable_since: str | None
    last_error: str | None


def open_store(spec: PlaceSpec) -> Store:
    if spec.kind == "folder":
        from .folder import FolderStore

        return FolderStore(spec.location)
    if spec.kind == "webdav":
        from .webdav import WebDAVStore

        return WebDAVStore(spec.location, spec.user, spec.secret)
    if spec.kind == "s3":
        from .s3 import S3Store

        return S3Store(spec.location, spec.bucket or "", spec.user, spec.secret)
    raise UsageError(f"A place is a folder, WebDAV or S3, not '{spec.kind}'.")


def check_spec(spec: PlaceSpec) -> PlaceSpec:
    if spec.kind not in KINDS:
        raise UsageError(f"A place is a folder, WebDAV or S3, not '{spec.kind}'.")
    if spec.kind == "folder":
        folder = Path(spec.location).expanduser()
        if not folder.is_dir():
            raise UsageError(
                f"There is no folder {folder}; create it (or let your sync app create it) "
                "and try again."
            )
        return PlaceSpec("folder", str(folder.resolve()))
    scheme = urlsplit(spec.location).scheme
    if scheme not in ("http", "https") or not urlsplit(spec.location).hostname:
        raise UsageError(
            f"'{spec.location}' is not a web address; give one starting with https://."
        )
    if spec.kind == "s3" and not spec.bucket:
        raise UsageError("An S3 place needs a bucket; add --bucket NAME.")
    return spec


class Places:
    def __init__(self, db: Database):
        self.db = db

    def _row_to_place(self, row: Any) -> Place:
        spec = PlaceSpec(row["kind"], row["location"], row["bucket"], row["user"], row["secret"])
        return Place(
            id=row["id"],
            person_id=row["person_id"],
            person_name=row["name"],
            spec=spec,
            place_id=row["place_id"],
            last_sync=row["last_sync"],
            unreachable_since=row["unreachable_since"],
            last_error=row["last_error"],
        )

    def all(self) -> list[Place]:
        rows = self.db.query(
            "SELECT x.*, p.name FROM exchange_place x LEFT JOIN person p ON p.id = x.person_id "
            "ORDER BY x.person_id IS NOT NULL, p.name COLLATE NOCASE"
        )
        return [self._row_to_place(r) for r in rows]

    def for_person(self, person_id: int) -> Place | None:
        """The contact's own place, else the place for everyone, else None."""
        chosen = None
        for place in self.all():
            if place.person_id == person_id:
                return place
            if place.person_id is None:
                chosen = place
        return chosen

    def set(
        self,
        spec: PlaceSpec,
        person: Contact | None,
        expected_place_id: str | None = None,
        store: Store | None = None,
    ) -> tuple[Place, bool]:
        """Test the place and remember it; returns it and whether this made a new exchange."""
        spec = check_spec(spec)
        store = store or open_store(spec)
        try:
            check = setup_place(store, expected_place_id)
        finally:
            store.close()
        person_id = person.id if person else None
        with self.db.transaction():
            if person_id is None:
                self.db.execute("DELETE FROM exchange_place WHERE person_id IS NULL")
            else:
                self.db.execute("DELETE FROM exchange_place WHERE person_id = ?", (person_id,))
            self.db.execute(
                "INSERT INTO exchange_place(person_id, kind, location, bucket, user, secret, "
                "place_id, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    person_id,
                    spec.kind,
                    spec.location,
                    spec.bucket,
                    spec.user,
                    spec.secret,
                    check.place_id,
                    now_utc().isoformat(),
                ),
            )
        place = next(p for p in self.all() if p.person_id == person_id)
        return place, check.created

    def record(self, place: Place, error: str | None) -> None:
        """Remember how the last sync with ``place`` went (for the one-sentence status)."""
        now = now_utc().isoformat()
        if error is None:
            self.db.execute(
                "UPDATE exchange_place SET last_sync = ?, unreachable_since = NULL, "
                "last_error = NULL WHERE id = ?",
                (now, place.id),
            )
        else:
            self.db.execute(
                "UPDATE exchange_place SET unreachable_since = coalesce(unreachable_since, ?), "
                "last_error = ? WHERE id = ?",
                (now, error, place.id),
            )
