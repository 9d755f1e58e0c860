"""One sync round with the place: list, fetch what is new, merge, write back, send.

What the place holds (every name opaque, every body sealed; see README "Device sync"):

- ``reflectjournal-place``: the exchange's marker (a random id), refused if missing or other;
- ``rj-pw-<epoch>-<gen>``: the sync keys wrapped by the passphrase (a new device joins with it);
- ``rj-dw-<epoch>-<device>``: the sync keys wrapped to one device (after a key rotation);
- ``rj-dv-<device>-<gen>``: a device's record (its name, public key, last sync);
- ``rj-cs-<device>-<seq>``: a device's change sets, appended, never rewritten;
- ``rj-sm-<stamp>-<device>`` and ``rj-sn-<stamp>-<device>-<part>``: a snapshot (manifest
  written last) of every record's heads, which lets a new device start without replaying
  years and lets compaction delete the change sets it covers.

A round: one listing; nothing new means nothing else is read. New objects are fetched and
opened first (network, outside any transaction); then one transaction captures local
changes, merges what arrived, writes the merged records into the tables and seals this
device's new change sets into the outbox; after the commit the outbox is stored in the
place. A crash anywhere leaves the journal before or after the transaction, and an object
that was written but not yet recorded as sent is written again under the same name (a
put-if-absent that finds it there is success).
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from reflectjournal.services.exchange.store import Store
from reflectjournal.services.timeutil import now_utc
from reflectjournal.storage.changes import Catalogue
from reflectjournal.storage.database import Database

from . import crypto, records
from .crypto import Unreadable

log = logging.getLogger(__name__)

CHANGESET_RE = re.compile(r"\Arj-cs-([0-9a-f]{16})-(\d{10})\Z")
MANIFEST_RE = re.compile(r"\Arj-sm-(\d{16})-([0-9a-f]{16})\Z")
PART_RE = re.compile(r"\Arj-sn-(\d{16})-([0-9a-f]{16})-(\d{4})\Z")
DEVICE_RE = re.compile(r"\Arj-dv-([0-9a-f]{16})-(\d{10})\Z")
PASS_RE = re.compile(r"\Arj-pw-(\d{6})-(\d{13})\Z")
WRAP_RE = re.compile(r"\Arj-dw-(\d{6})-([0-9a-f]{16})\Z")
REMOVED_RE = re.compile(r"\Arj-rm-(\d{6})\Z")
CHUNK_RECORDS = 2000  # records per change set or snapshot part, at most
CHUNK_BYTES = 16 * 1024 * 1024  # and about this much JSON (attachments are large records)
COMPACT_AFTER = 200  # change sets in the place before a snapshot replaces them


def chunks(records: Iterable[Any]) -> Iterator[list[Any]]:
    """Records in groups small enough for one object (by count and by size), as they come."""
    current: list[Any] = []
    size = 0
    for record in records:
        weight = len(json.dumps(record, separators=(",", ":")))
        if current and (len(current) >= CHUNK_RECORDS or size + weight > CHUNK_BYTES):
            yield current
            current, size = [], 0
        current.append(record)
        size += weight
    if current:
        yield current


def changeset_name(device: str, seq: int) -> str:
    return f"rj-cs-{device}-{seq:010d}"


@dataclass
class Round:
    sent: int = 0  # change sets stored in the place
    received: int = 0  # change sets and snapshot parts merged here
    changed: int = 0  # records changed here by what arrived
    conflicts: int = 0
    unapplied: int = 0
    errors: list[str] = field(default_factory=list)

    def plus(self, later: Round) -> Round:
        """Two rounds as one (conflicts as the later one counted them)."""
        return Round(
            self.sent + later.sent,
            self.received + later.received,
            self.changed + later.changed,
            later.conflicts,
            later.unapplied,
            self.errors + later.errors,
        )


def state(db: Database) -> Any:
    return db.query_one("SELECT * FROM sync_state WHERE id = 1")


def sync_keys(db: Database) -> dict[int, bytes]:
    return {int(r[0]): bytes(r[1]) for r in db.query("SELECT epoch, key FROM sync_key")}


def _applied(db: Database) -> set[str]:
    return {r[0] for r in db.query("SELECT name FROM sync_applied")}


def _open_json(keys: dict[int, bytes], name: str, data: bytes | None) -> Any:
    if data is None:
        return None
    try:
        return json.loads(crypto.unseal(keys, name, data))
    except (Unreadable, ValueError):
        log.info("an object in the place did not open; left alone")
        return None


def learn_keys(db: Database, store: Store, names: list[str]) -> dict[int, bytes]:
    """Pick up sync keys wrapped to this device (a rotation elsewhere)."""
    st = state(db)
    keys = sync_keys(db)
    mine = [n for n in names if (m := WRAP_RE.match(n)) and m.group(2) == st["device_id"]]
    for name in mine:
        epoch = int(WRAP_RE.match(name).group(1))  # type: ignore[union-attr]
        if epoch in keys:
            continue
        data = store.get(name)
        if data is None:
            continue
        try:
            found = crypto.unwrap_for_device(data, bytes(st["device_private"]), name)
        except (Unreadable, ValueError):
            continue
        with db.transaction():
            for e, k in found.items():
                db.execute("INSERT OR IGNORE INTO sync_key(epoch, key) VALUES (?, ?)", (e, k))
            newest = max(found)
            db.execute("UPDATE sync_state SET epoch = max(epoch, ?) WHERE id = 1", (newest,))
        keys = sync_keys(db)
    return keys


def _snapshot_needed(names: set[str], applied: set[str], frontier: dict[str, int]) -> bool:
    """Whether a snapshot covers a change set this journal never merged and cannot fetch."""
    for device, upto in frontier.items():
        for seq in range(1, int(upto) + 1):
            name = changeset_name(device, seq)
            if name not in applied and name not in names:
                return True
    return False


@dataclass
class SnapshotPlan:
    """A snapshot to start from: its parts are fetched and merged one at a time."""

    manifest: str
    parts: list[str]
    covered: list[str]  # change sets (and the manifest) the snapshot stands for


def plan_snapshot(
    db: Database, store: Store, names: list[str], keys: dict[int, bytes]
) -> tuple[SnapshotPlan | None, list[str]]:
    """The newest snapshot when it covers something this journal cannot fetch otherwise
    (a new device, or one offline past a compaction); else the names it lets us skip."""
    applied = _applied(db)
    manifests = sorted(n for n in names if MANIFEST_RE.match(n))
    if manifests and manifests[-1] not in applied:
        removed = removed_devices(store, names, keys)
        # A removed device may still write with the old key; its snapshots are never read.
        manifests = [m for m in manifests if m[23:39] not in removed]
    if not manifests or manifests[-1] in applied:
        return None, []
    newest = manifests[-1]
    manifest = _open_json(keys, newest, store.get(newest))
    if not isinstance(manifest, dict):
        return None, []
    frontier = {str(k): int(v) for k, v in manifest.get("frontier", {}).items()}
    if not _snapshot_needed(set(names), applied, frontier):
        return None, [newest]
    covered = [newest] + [
        changeset_name(device, s) for device, upto in frontier.items() for s in range(1, upto + 1)
    ]
    parts = [str(p) for p in manifest.get("parts", [])]
    return SnapshotPlan(newest, parts, covered), []


def merge_part(
    db: Database, store: Store, keys: dict[int, bytes], part: str, outcome: records.Outcome
) -> bool:
    """Fetch, open and merge one snapshot part in its own transaction (False: not whole).

    Parts are merged one by one, so a device joining a large journal holds one part in
    memory at a time, and a join cut short resumes at the first part not yet merged.
    """
    body = _open_json(keys, part, store.get(part))
    if not isinstance(body, dict):
        return False  # a part missing or damaged: wait for a whole snapshot
    st = state(db)
    with db.transaction():
        clock = records.Counter(st["device_id"], st["counter"], st["clock"])
        records.merge(db, Catalogue(db), clock, body.get("records", []), outcome)
        db.execute(
            "INSERT OR IGNORE INTO sync_applied(name, applied) VALUES (?, ?)",
            (part, now_utc().isoformat()),
        )
        db.execute("UPDATE sync_state SET clock = max(clock, ?) WHERE id = 1", (clock.clock,))
    return True


def fetch(
    db: Database,
    store: Store,
    names: list[str],
    keys: dict[int, bytes],
    skipped: list[str] | None = None,
) -> list[tuple[str, list[list[Any]]]]:
    """New change sets, opened: [(name, records)] (``skipped``: what a snapshot covered)."""
    st = state(db)
    applied = _applied(db)
    skip = set(skipped or [])
    new = [
        n
        for n in sorted(n for n in names if CHANGESET_RE.match(n))
        if n not in applied and n not in skip and not n.startswith(f"rj-cs-{st['device_id']}-")
    ]
    batches: list[tuple[str, list[list[Any]]]] = []
    removed = removed_devices(store, names, keys) if new else {}
    for name in new:
        match = CHANGESET_RE.match(name)
        assert match is not None
        device, seq = match.group(1), int(match.group(2))
        if device in removed and seq > removed[device]:
            continue  # written by a removed device after it was removed: never applied
        body = _open_json(keys, name, store.get(name))
        if not isinstance(body, dict):
            continue  # half-written or not ours: ignored, tried again next time
        batches.append((name, body.get("records", [])))
    return batches


def apply_round(
    db: Database,
    batches: list[tuple[str, list[list[Any]]]],
    skipped: list[str],
    *,
    resolve: set[str] | None = None,
) -> tuple[records.Outcome, int]:
    """The transaction of a round: capture, merge, write through, seal new change sets."""
    st = state(db)
    cat = Catalogue(db)
    cat.install_triggers()
    clock = records.Counter(st["device_id"], st["counter"], st["clock"])
    outcome = records.Outcome()
    now = now_utc().isoformat()
    local = records.capture(db, cat, clock, resolve=resolve)
    records.merge(db, cat, clock, [r for _name, recs in batches for r in recs], outcome)
    for name, _recs in batches:
        db.execute("INSERT OR IGNORE INTO sync_applied(name, applied) VALUES (?, ?)", (name, now))
    for name in skipped:
        db.execute("INSERT OR IGNORE INTO sync_applied(name, applied) VALUES (?, ?)", (name, now))
    # Writing merged records into the tables marked them; only real differences (a cascade,
    # a record that could not be written as it is) become versions.
    local += records.capture(db, cat, clock)
    seq = st["seq"]
    keys = sync_keys(db)
    epoch = st["epoch"]
    sealed = 0
    for chunk in chunks(local):
        seq += 1
        name = changeset_name(st["device_id"], seq)
        body = json.dumps(
            {"device": st["device_id"], "seq": seq, "records": chunk}, separators=(",", ":")
        ).encode()
        db.execute(
            "INSERT INTO sync_outbox(name, data, created) VALUES (?, ?, ?)",
            (name, crypto.seal(keys[epoch], epoch, name, body), now),
        )
        db.execute("INSERT OR IGNORE INTO sync_applied(name, applied) VALUES (?, ?)", (name, now))
        sealed += 1
    db.execute(
        "UPDATE sync_state SET counter = ?, clock = ?, seq = ? WHERE id = 1",
        (clock.counter, clock.clock, seq),
    )
    return outcome, sealed


def send_outbox(db: Database, store: Store) -> int:
    """Store the outbox in the place, oldest first; stops at the first failure (raised)."""
    sent = 0
    for name, data in db.query("SELECT name, data FROM sync_outbox ORDER BY name"):
        store.put_if_absent(name, bytes(data))  # False: stored before a crash; same bytes
        db.execute("DELETE FROM sync_outbox WHERE name = ?", (name,))
        if CHANGESET_RE.match(name):
            sent += 1
        elif PASS_RE.match(name):
            _prune_wraps(store, name)
    return sent


def removed_devices(store: Store, names: list[str], keys: dict[int, bytes]) -> dict[str, int]:
    """Removed devices and the last change set of each written before it was removed."""
    found = sorted(n for n in names if REMOVED_RE.match(n) and int(n[6:12]) in keys)
    if not found:
        return {}
    doc = _open_json(keys, found[-1], store.get(found[-1]))
    if not isinstance(doc, dict):
        return {}
    return {str(k): int(v) for k, v in doc.get("removed", {}).items()}


def _prune_wraps(store: Store, newest: str) -> None:
    match = PASS_RE.match(newest)
    assert match is not None
    for name in store.list():
        other = PASS_RE.match(name)
        if other and other.group(1) == match.group(1) and name < newest:
            store.delete(name)


def next_pass_name(names: list[str], epoch: int) -> str:
    """A newer passphrase wrapping than any listed (by time, so one made offline sorts last).

    Milliseconds, not seconds: a passphrase change made in the same second as the wrapping
    before it (set up, then changed at once) must not reuse its name, which the place keeps.
    """
    gens = [int(m.group(2)) for n in names if (m := PASS_RE.match(n)) and int(m.group(1)) == epoch]
    gen = max([time.time_ns() // 1_000_000, *(g + 1 for g in gens)])
    return f"rj-pw-{epoch:06d}-{gen:013d}"


def newest_pass(names: list[str]) -> str | None:
    found = sorted(n for n in names if PASS_RE.match(n))
    return found[-1] if found else None


# ---- device records ----------------------------------------------------------------------


def publish_device(db: Database, store: Store, names: list[str]) -> None:
    st = state(db)
    gens = [
        int(m.group(2))
        for n in names
        if (m := DEVICE_RE.match(n)) and m.group(1) == st["device_id"]
    ]
    gen = (max(gens) + 1) if gens else 1
    name = f"rj-dv-{st['device_id']}-{gen:010d}"
    body = json.dumps(
        {
            "device": st["device_id"],
            "name": st["device_name"],
            "public": crypto.device_public(bytes(st["device_private"])).hex(),
            "joined": st["created"],
            "last_sync": now_utc().isoformat(),
        }
    ).encode()
    keys = sync_keys(db)
    store.put_if_absent(name, crypto.seal(keys[st["epoch"]], st["epoch"], name, body))
    for other in names:
        m = DEVICE_RE.match(other)
        if m and m.group(1) == st["device_id"] and other != name:
            store.delete(other)


def read_devices(db: Database, store: Store, names: list[str], keys: dict[int, bytes]) -> None:
    """Remember the devices the place describes (newest record of each)."""
    newest: dict[str, str] = {}
    for name in sorted(n for n in names if DEVICE_RE.match(n)):
        newest[DEVICE_RE.match(name).group(1)] = name  # type: ignore[union-attr]
    known = {r[0]: r[1] for r in db.query("SELECT device_id, last_sync FROM sync_device")}
    for device, name in newest.items():
        if device in known and db.scalar("SELECT 1 FROM sync_applied WHERE name = ?", (name,)):
            continue
        doc = _open_json(keys, name, store.get(name))
        if not isinstance(doc, dict):
            continue
        with db.transaction():
            db.execute(
                "INSERT INTO sync_device(device_id, name, public, joined, last_sync, removed) "
                "VALUES (?, ?, ?, ?, ?, 0) ON CONFLICT(device_id) DO UPDATE SET "
                "name = excluded.name, last_sync = excluded.last_sync",
                (
                    device,
                    str(doc.get("name", "")),
                    bytes.fromhex(str(doc.get("public", ""))),
                    str(doc.get("joined", "")),
                    doc.get("last_sync"),
                ),
            )
            db.execute(
                "INSERT OR IGNORE INTO sync_applied(name, applied) VALUES (?, ?)",
                (name, now_utc().isoformat()),
            )


# ---- snapshots and compaction ------------------------------------------------------------


def write_snapshot(db: Database, store: Store, names: list[str]) -> int:
    """Every record's heads, in parts, then the manifest; returns the parts written."""
    st = state(db)
    keys = sync_keys(db)
    epoch = st["epoch"]
    clock = records.Counter(st["device_id"], st["counter"], st["clock"])
    clock.next_dot()
    stamp = f"{clock.clock % 10**16:016d}"
    frontier: dict[str, int] = {}
    applied = _applied(db)
    for name in applied:
        m = CHANGESET_RE.match(name)
        if m:
            frontier[m.group(1)] = max(frontier.get(m.group(1), 0), int(m.group(2)))
    # Only a contiguous run from 1 is covered: a gap is a change set not merged here.
    for device, upto in list(frontier.items()):
        n = 0
        while n < upto and changeset_name(device, n + 1) in applied:
            n += 1
        frontier[device] = n
    parts: list[str] = []
    # Parents before children, so a device can write each part as it arrives; read with a
    # cursor and sealed a part at a time, so a large journal is never all in memory.
    order = Catalogue(db).order
    rank = " ".join(f"WHEN '{t}' THEN {i}" for i, t in enumerate(order))
    cursor = db.execute(
        f"SELECT key, tbl, heads FROM sync_doc ORDER BY CASE tbl {rank} ELSE {len(order)} END, "
        "tbl, key"
    )
    docs = ([r[0], r[1], json.loads(r[2])] for r in cursor)
    for index, chunk in enumerate(chunks(docs)):
        part = f"rj-sn-{stamp}-{st['device_id']}-{index:04d}"
        body = json.dumps({"records": chunk}, separators=(",", ":")).encode()
        store.put_if_absent(part, crypto.seal(keys[epoch], epoch, part, body))
        parts.append(part)
    if not parts:
        part = f"rj-sn-{stamp}-{st['device_id']}-0000"
        body = json.dumps({"records": []}).encode()
        store.put_if_absent(part, crypto.seal(keys[epoch], epoch, part, body))
        parts.append(part)
    manifest = f"rj-sm-{stamp}-{st['device_id']}"
    body = json.dumps({"frontier": frontier, "parts": parts}).encode()
    store.put_if_absent(manifest, crypto.seal(keys[epoch], epoch, manifest, body))
    with db.transaction():
        db.execute(
            "INSERT OR IGNORE INTO sync_applied(name, applied) VALUES (?, ?)",
            (manifest, now_utc().isoformat()),
        )
    # Compaction: change sets the snapshot covers, and older snapshots, go.
    for name in names:
        m = CHANGESET_RE.match(name)
        if m and int(m.group(2)) <= frontier.get(m.group(1), 0):
            store.delete(name)
        elif (MANIFEST_RE.match(name) or PART_RE.match(name)) and name[6:22] < stamp:
            store.delete(name)
    return len(parts)
