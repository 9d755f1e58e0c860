"""Device sync: one journal on several devices through a place the person already has."""

from __future__ import annotations

import json
import logging
import platform
import secrets
from dataclasses import dataclass
from typing import Any

from reflectjournal.errors import UsageError
from reflectjournal.services.exchange.places import PlaceSpec, check_spec, open_store
from reflectjournal.services.exchange.store import (
    MARKER_NAME,
    PlaceError,
    PlaceRefused,
    Store,
    check_marker,
    read_marker,
    setup_place,
)
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.changes import Catalogue
from reflectjournal.storage.database import Database
from reflectjournal.storage.keys import derive_key

from . import crypto, engine, records, versions
from .engine import Round

log = logging.getLogger(__name__)
_VERIFIED: set[tuple[Any, ...]] = set()  # places whose marker this process has read


class NotSyncing(UsageError):
    pass


@dataclass(frozen=True)
class Device:
    device_id: str
    name: str
    joined: str
    last_sync: str | None
    this: bool


@dataclass(frozen=True)
class ConflictValue:
    """One device's side of a conflict."""

    value: Any  # a field's value; for a delete against an edit, "kept" or "deleted"
    device: str  # the device's name (its id when the journal does not know its name)
    t: int  # the writing device's change counter, not a clock


@dataclass(frozen=True)
class ConflictField:
    field: str | None  # None: deleted on one device while edited on another
    values: tuple[ConflictValue, ...]  # the value the journal shows first


@dataclass(frozen=True)
class ConflictInfo:
    id: str  # the record's key
    kind: str  # the table: entry, action, person…
    title: str
    fields: tuple[ConflictField, ...]


class DeviceSync:
    def __init__(self, db: Database):
        self.db = db

    # ---- state -------------------------------------------------------------------------

    @property
    def enabled(self) -> bool:
        return engine.state(self.db) is not None

    def _state(self) -> Any:
        st = engine.state(self.db)
        if st is None:
            raise NotSyncing(
                "This journal is not synced with other devices; start with "
                "`devices set --folder DIR` (or --webdav / --s3)."
            )
        return st

    def spec(self) -> PlaceSpec:
        st = self._state()
        return PlaceSpec(st["kind"], st["location"], st["bucket"], st["user"], st["secret"])

    def check_passphrase(self, passphrase: str) -> None:
        """Refuse a passphrase that is not this journal's (it would lock other devices out)."""
        key = self.db.key
        if key is None:
            return
        salt = bytes.fromhex(self.db.scalar("PRAGMA cipher_salt") or "")
        if derive_key(passphrase, salt).key != key.key:
            raise UsageError(
                "That is not this journal's passphrase, so nothing was changed; give the "
                "passphrase that unlocks the journal."
            )

    # ---- setting up --------------------------------------------------------------------

    def set_place(
        self, spec: PlaceSpec, passphrase: str, name: str | None = None, store: Store | None = None
    ) -> Round:
        """Start syncing this journal in a new (empty) place, then sync once."""
        if self.enabled:
            raise UsageError("This journal already syncs with other devices; see `devices list`.")
        self.check_passphrase(passphrase)
        spec = check_spec(spec)
        store = store or open_store(spec)
        try:
            check = setup_place(store)
            names = store.list()
            if any(engine.PASS_RE.match(n) for n in names):
                raise PlaceRefused(
                    f"{spec.describe().capitalize()} already holds a synced journal, so nothing "
                    "was changed; to add this device to it, start a new journal with "
                    "`init --join`, or choose an empty place."
                )
            keys = {1: crypto.new_sync_key()}
            self._begin(spec, check.place_id, keys, name)
            wrap = engine.next_pass_name(names, 1)
            with self.db.transaction():
                self.db.execute(
                    "INSERT INTO sync_outbox(name, data, created) VALUES (?, ?, ?)",
                    (wrap, crypto.wrap_with_passphrase(keys, passphrase, wrap), _now()),
                )
                Catalogue(self.db).mark_all()
            return self.sync(store=store)
        finally:
            store.close()

    def join(
        self, spec: PlaceSpec, passphrase: str, name: str | None = None, store: Store | None = None
    ) -> Round:
        """This (new, empty) journal becomes one more device of the journal in the place."""
        spec = check_spec(spec)
        store = store or open_store(spec)
        try:
            place_id = read_marker(store)
            names = store.list()
            wrap = engine.newest_pass(names)
            if place_id is None or wrap is None:
                raise PlaceRefused(
                    f"{spec.describe().capitalize()} holds no synced journal, so there is "
                    "nothing to join; check the address, or start syncing from the device "
                    "that has the journal with `devices set`."
                )
            data = store.get(wrap)
            keys = crypto.unwrap_with_passphrase(data or b"", passphrase, wrap)
            if keys is None:
                raise UsageError(
                    "The passphrase does not open the journal in that place, so nothing was "
                    "joined; give the passphrase of the journal you are joining."
                )
            self._begin(spec, place_id, keys, name)
            return self.sync(store=store)
        finally:
            store.close()

    def _begin(
        self, spec: PlaceSpec, place_id: str, keys: dict[int, bytes], name: str | None
    ) -> None:
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO sync_state(id, device_id, device_name, device_private, kind, "
                "location, bucket, user, secret, place_id, epoch, created) "
                "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    secrets.token_hex(8),
                    name or platform.node() or "this device",
                    crypto.new_device_key(),
                    spec.kind,
                    spec.location,
                    spec.bucket,
                    spec.user,
                    spec.secret,
                    place_id,
                    max(keys),
                    _now(),
                ),
            )
            for epoch, key in keys.items():
                self.db.execute("INSERT INTO sync_key(epoch, key) VALUES (?, ?)", (epoch, key))
            Catalogue(self.db).install_triggers()

    # ---- syncing -----------------------------------------------------------------------

    def sync(self, store: Store | None = None, *, resolve: set[str] | None = None) -> Round:
        """One round; a place that cannot be reached leaves everything in the outbox."""
        st = self._state()
        result = Round()
        own = store is None
        try:
            store = store or open_store(self.spec())
            names = store.list()
            # The marker is read once per place in a process (as the exchange does); after
            # that, its name in the listing suffices, so a sync with nothing new costs one
            # listing and nothing else.
            seen = (st["kind"], st["location"], st["bucket"], st["place_id"])
            if seen not in _VERIFIED or MARKER_NAME not in names:
                check_marker(store, st["place_id"])
                _VERIFIED.add(seen)
            keys = engine.learn_keys(self.db, store, names)
            outcome = records.Outcome()
            plan, skipped = engine.plan_snapshot(self.db, store, names, keys)
            if plan is not None:
                done = _applied_names(self.db)
                for part in plan.parts:
                    if part in done:
                        continue  # merged before a join was cut short
                    if not engine.merge_part(self.db, store, keys, part, outcome):
                        break
                    result.received += 1
                else:
                    skipped = plan.covered
            batches = engine.fetch(self.db, store, names, keys, skipped)
            with self.db.transaction():
                last, _sealed = engine.apply_round(self.db, batches, skipped, resolve=resolve)
            result.received += sum(1 for b in batches if b[1])
            result.changed = outcome.changed + last.changed
            result.unapplied = last.unapplied
            result.sent = engine.send_outbox(self.db, store)
            if result.sent or not self._published(names):
                engine.publish_device(self.db, store, names)
                names = store.list()
            engine.read_devices(self.db, store, names, keys)
            if sum(1 for n in names if engine.CHANGESET_RE.match(n)) > engine.COMPACT_AFTER:
                engine.write_snapshot(self.db, store, names)
            self._record(None)
        except PlaceError as exc:
            self._record(str(exc))
            result.errors.append(str(exc))
            # The place is away: local changes are still sealed into the outbox now.
            with self.db.transaction():
                engine.apply_round(self.db, [], [])
        finally:
            if own and store is not None:
                store.close()
        result.conflicts = self.db.scalar("SELECT count(*) FROM sync_doc WHERE conflict = 1") or 0
        return result

    def has_local_changes(self) -> bool:
        """Whether something was written here since the last round (one indexed read)."""
        return self.enabled and bool(self.db.scalar("SELECT 1 FROM sync_dirty LIMIT 1"))

    def _published(self, names: list[str]) -> bool:
        device = self._state()["device_id"]
        return any((m := engine.DEVICE_RE.match(n)) and m.group(1) == device for n in names)

    def _record(self, error: str | None) -> None:
        now = _now()
        if error is None:
            self.db.execute(
                "UPDATE sync_state SET last_sync = ?, unreachable_since = NULL, "
                "last_error = NULL WHERE id = 1",
                (now,),
            )
        else:
            self.db.execute(
                "UPDATE sync_state SET unreachable_since = coalesce(unreachable_since, ?), "
                "last_error = ? WHERE id = 1",
                (now, error),
            )

    def snapshot(self) -> int:
        st = self._state()
        store = open_store(self.spec())
        try:
            check_marker(store, st["place_id"])
            return engine.write_snapshot(self.db, store, store.list())
        finally:
            store.close()

    # ---- devices -----------------------------------------------------------------------

    def devices(self) -> list[Device]:
        st = self._state()
        rows = self.db.query(
            "SELECT device_id, name, joined, last_sync FROM sync_device WHERE removed = 0 "
            "ORDER BY joined"
        )
        found = [Device(r[0], r[1], r[2], r[3], r[0] == st["device_id"]) for r in rows]
        if not any(d.this for d in found):
            found.insert(
                0, Device(st["device_id"], st["device_name"], st["created"], st["last_sync"], True)
            )
        return found

    def remove(self, name: str, passphrase: str) -> Device:
        """Forget a device and rotate the sync key so it cannot read what comes after."""
        self.check_passphrase(passphrase)
        st = self._state()
        matches = [d for d in self.devices() if d.name == name or d.device_id == name]
        if not matches:
            raise UsageError(f"No device is called '{name}'; see `devices list`.")
        if len(matches) > 1:
            raise UsageError(
                f"Several devices are called '{name}'; give its id from `devices list`."
            )
        gone = matches[0]
        if gone.this:
            raise UsageError(
                "This is the device you are using; remove it from another device instead."
            )
        store = open_store(self.spec())
        try:
            check_marker(store, st["place_id"])
            names = store.list()
            keys = engine.learn_keys(self.db, store, names)
            epoch = max(keys) + 1
            keys[epoch] = crypto.new_sync_key()
            remaining = self.db.query(
                "SELECT device_id, public FROM sync_device WHERE removed = 0 AND device_id != ?",
                (gone.device_id,),
            )
            for device_id, public in remaining:
                if device_id == st["device_id"]:
                    continue
                wrap = f"rj-dw-{epoch:06d}-{device_id}"
                store.put_if_absent(wrap, crypto.wrap_to_device(keys, bytes(public), wrap))
            wrap = engine.next_pass_name(names, epoch)
            store.put_if_absent(wrap, crypto.wrap_with_passphrase(keys, passphrase, wrap))
            # What the removed device wrote before now stays; what it writes after is refused
            # by every device (it still holds the old key, so it could still write).
            removed = engine.removed_devices(store, names, keys)
            seqs = [
                int(m.group(2))
                for (n,) in self.db.query("SELECT name FROM sync_applied")
                if (m := engine.CHANGESET_RE.match(n)) and m.group(1) == gone.device_id
            ]
            removed[gone.device_id] = max(seqs, default=0)
            listing = f"rj-rm-{epoch:06d}"
            body = json.dumps({"removed": removed}).encode()
            store.put_if_absent(listing, crypto.seal(keys[epoch], epoch, listing, body))
            with self.db.transaction():
                self.db.execute(
                    "INSERT INTO sync_key(epoch, key) VALUES (?, ?)", (epoch, keys[epoch])
                )
                self.db.execute("UPDATE sync_state SET epoch = ? WHERE id = 1", (epoch,))
                self.db.execute(
                    "UPDATE sync_device SET removed = 1 WHERE device_id = ?", (gone.device_id,)
                )
            for other in names:
                m = engine.DEVICE_RE.match(other)
                if (m and m.group(1) == gone.device_id) or (
                    (w := engine.WRAP_RE.match(other)) and w.group(2) == gone.device_id
                ):
                    store.delete(other)
            # Older passphrase wraps would let the removed device's passphrase-derived copy
            # be used; only the newest epoch's wrap stays.
            for other in names:
                if engine.PASS_RE.match(other):
                    store.delete(other)
        finally:
            store.close()
        return gone

    def rewrap(self, passphrase: str) -> None:
        """After a passphrase change: the keys wrapped by the new passphrase (sent next sync)."""
        st = engine.state(self.db)
        if st is None:
            return
        keys = engine.sync_keys(self.db)
        name = engine.next_pass_name([], st["epoch"])
        with self.db.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO sync_outbox(name, data, created) VALUES (?, ?, ?)",
                (name, crypto.wrap_with_passphrase(keys, passphrase, name), _now()),
            )

    # ---- status and conflicts ----------------------------------------------------------

    def status(self) -> str:
        """How device sync stands, in one sentence (status bar, `devices list`)."""
        st = engine.state(self.db)
        if st is None:
            return "Not synced with other devices."
        waiting = self.db.scalar("SELECT count(*) FROM sync_outbox") or 0
        waiting += self.db.scalar("SELECT count(*) FROM sync_dirty") or 0
        conflicts = self.db.scalar("SELECT count(*) FROM sync_doc WHERE conflict = 1") or 0
        tail = ""
        if conflicts:
            tail = f"; {conflicts} conflict{'s' if conflicts != 1 else ''} to resolve"
        if st["unreachable_since"]:
            return (
                f"Devices: the place has been unreachable since "
                f"{_local_time(st['unreachable_since'])}; "
                f"{waiting} change{'s' if waiting != 1 else ''} waiting{tail}."
            )
        if st["last_sync"] is None:
            return f"Devices: not synced yet{tail}."
        return f"Devices: up to date (last sync {_local_time(st['last_sync'])}){tail}."

    def conflicts(self) -> list[ConflictInfo]:
        """Every conflict waiting; each value names the device it came from."""
        st = engine.state(self.db)
        names = {r[0]: r[1] for r in self.db.query("SELECT device_id, name FROM sync_device")}
        if st is not None:
            names.setdefault(st["device_id"], st["device_name"])
        found = []
        for key, table, heads in self.db.query(
            "SELECT key, tbl, heads FROM sync_doc WHERE conflict = 1 ORDER BY key"
        ):
            shown = versions.view(json.loads(heads), records.auto(key))
            fields = tuple(
                ConflictField(
                    conflict.field,
                    tuple(
                        ConflictValue(v["value"], names.get(v["device"], v["device"]), int(v["t"]))
                        for v in conflict.values
                    ),
                )
                for conflict in shown.conflicts
            )
            title = str(
                shown.fields.get("title")
                or shown.fields.get("text")
                or shown.fields.get("name")
                or ""
            )
            found.append(ConflictInfo(key, table, title, fields))
        return found

    def resolve(self, key: str, keep: str, text: str | None = None, *, sync: bool = True) -> None:
        """Settle a conflict: ``keep`` is ``shown`` (the version the journal shows), ``other``
        (the other version), or ``text`` (the given text for the conflicting text field)."""
        row = self.db.query_one(
            "SELECT tbl, heads FROM sync_doc WHERE key = ? AND conflict = 1", (key,)
        )
        if row is None:
            raise UsageError(f"There is no conflict '{key}'; see `conflicts list`.")
        if keep not in ("shown", "other", "text"):
            raise UsageError("Choose --keep shown, --keep other, or give --text FILE.")
        table = row[0]
        shown = versions.view(json.loads(row[1]), records.auto(key))
        cat = Catalogue(self.db)
        fields = dict(shown.fields)
        deleted = False
        for conflict in shown.conflicts:
            if conflict.field is None:
                deleted = keep == "other" and conflict.values[1]["value"] == "deleted"
                continue
            choice = conflict.values[1 if keep == "other" else 0]["value"]
            if keep == "text" and isinstance(choice, str):  # other fields keep what is shown
                if text is None:
                    raise UsageError("Give the text to keep with --text FILE.")
                choice = text
            if choice is None:
                fields.pop(conflict.field, None)
            else:
                fields[conflict.field] = choice
        with self.db.transaction():
            rid = cat.rid_of(key)
            cat.write(table, key, None if deleted else fields, forget=False)
            if rid is None:
                rid = cat.rid_of(key)
            if rid is not None:
                self.db.execute(
                    "INSERT OR IGNORE INTO sync_dirty(tbl, rid) VALUES (?, ?)", (table, rid)
                )
            # Recorded (and sealed for the other devices) now, even with the place away.
            engine.apply_round(self.db, [], [], resolve={key})
        if sync:  # the app syncs on its worker instead
            self.sync()

    def stop(self) -> None:
        """Stop syncing this journal (the place and the other devices are left as they are)."""
        with self.db.transaction():
            Catalogue(self.db).drop_triggers()
            for table in (
                "sync_state",
                "sync_key",
                "sync_doc",
                "sync_map",
                "sync_dirty",
                "sync_applied",
                "sync_outbox",
                "sync_device",
                "sync_alias",
            ):
                self.db.execute(f"DELETE FROM {table}")


def _applied_names(db: Database) -> set[str]:
    return {r[0] for r in db.query("SELECT name FROM sync_applied WHERE name LIKE 'rj-sn-%'")}


def _now() -> str:
    return now_utc().isoformat()


def _local_time(iso: str) -> str:
    from datetime import datetime

    when = datetime.fromisoformat(iso).astimezone()
    today = datetime.now().astimezone().date()
    return when.strftime("%H:%M") if when.date() == today else when.strftime("%-d %b %H:%M")


__all__ = ["ConflictInfo", "Device", "DeviceSync", "NotSyncing"]
