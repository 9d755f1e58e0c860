"""Property: random edits on two or three journals, random sync points and failures, end
with identical journals and no lost edit.

A write is *lost* if, at the end, its text is neither the entry's text, nor one side of a
conflict waiting for the person, nor merged into the text line by line — unless a later
write (or a delete) was made on a device that had already received it. The default run is
small; ``RJ_SYNC_SOAK=1`` runs a long soak (README, "Device sync").
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reflectjournal.services.devsync.service import DeviceSync
from reflectjournal.services.exchange.folder import FolderStore
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.exchange.store import PlaceUnreachable
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
SOAK = os.environ.get("RJ_SYNC_SOAK") == "1"


class FlakyStore(FolderStore):
    """A folder that fails when told to: before the listing, or on every upload."""

    fail: str | None = None

    def list(self):
        if self.fail == "list":
            raise PlaceUnreachable("the place is away")
        return super().list()

    def put_if_absent(self, name, data):
        if self.fail == "put":
            raise PlaceUnreachable("the place is away")
        return super().put_if_absent(name, data)


lines = st.lists(
    st.sampled_from(["alpha", "beta", "gamma", "delta", "eps"]), min_size=1, max_size=4
)
edit = st.tuples(st.just("edit"), st.integers(0, 2), st.integers(0, 2), lines)
step = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 2)),
    edit,
    edit,
    st.tuples(
        st.just("tag"),
        st.integers(0, 2),
        st.integers(0, 5),
        st.sampled_from(["burnout", "resilience", "change-fatigue"]),
    ),
    st.tuples(st.just("delete"), st.integers(0, 2), st.integers(0, 9)),
    st.tuples(st.just("sync"), st.integers(0, 2), st.sampled_from([None, None, "list", "put"])),
)


def _body(ws: Workspace, uid: str) -> str | None:
    return ws.db.scalar("SELECT body FROM entry WHERE uid = ?", (uid,))


def _state(ws: Workspace) -> dict:
    out = {}
    for eid, uid, body in ws.db.query("SELECT id, uid, body FROM entry"):
        tags = tuple(
            sorted(
                r[0]
                for r in ws.db.query(
                    "SELECT t.slug FROM entry_tag et JOIN tag t ON t.id = et.tag_id WHERE entry_id = ?",
                    (eid,),
                )
            )
        )
        out[uid] = (body, tags)
    return out


@settings(
    max_examples=200 if SOAK else int(os.environ.get("RJ_SYNC_EXAMPLES", "8")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(devices=st.integers(2, 3), steps=st.lists(step, min_size=8, max_size=60 if SOAK else 25))
def test_random_edits_converge_and_lose_nothing(devices, steps):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        place = root / "place"
        place.mkdir()
        spec = PlaceSpec("folder", str(place))
        store = FlakyStore(place)
        journals = [Workspace.create(root / f"d{i}.rj", PASS) for i in range(devices)]
        try:
            first = journals[0].journal.add("start", title="first")
            DeviceSync(journals[0].db).set_place(spec, PASS, name="d0", store=store)
            for i in range(1, devices):
                DeviceSync(journals[i].db).join(spec, PASS, name=f"d{i}", store=store)
            uids = [journals[0].db.scalar("SELECT uid FROM entry WHERE id = ?", (first,))]
            # The model: each write, and when its device next uploaded / others downloaded.
            writes: list[dict] = [  # {"uid", "text", "device", "step", "uploaded"}
                {"uid": uids[0], "text": "start", "device": 0, "step": -1, "uploaded": -1}
            ]
            last_sync_ok: dict[int, list[float]] = {i: [-0.5] for i in range(devices)}
            deletes: list[tuple[str, int, int]] = []
            for n, action in enumerate(steps):
                kind, d = action[0], action[1] % devices
                ws = journals[d]
                if kind == "add":
                    eid = ws.journal.add(f"start {n}", title=f"e{n}")
                    uid = ws.db.scalar("SELECT uid FROM entry WHERE id = ?", (eid,))
                    uids.append(uid)
                    writes.append(
                        {"uid": uid, "text": f"start {n}", "device": d, "step": n, "uploaded": None}
                    )
                elif kind in ("edit", "tag", "delete") and uids:
                    uid = uids[action[2] % len(uids)]
                    eid = ws.db.scalar("SELECT id FROM entry WHERE uid = ?", (uid,))
                    if eid is None:
                        continue
                    if kind == "edit":
                        text = "\n".join([*action[3], f"w{n}"])
                        ws.journal.edit(eid, body=text)
                        writes.append(
                            {"uid": uid, "text": text, "device": d, "step": n, "uploaded": None}
                        )
                    elif kind == "tag":
                        ws.journal.edit(eid, add_tags=[action[3]])
                    else:
                        ws.journal.delete(eid)
                        deletes.append((uid, d, n))
                else:
                    store.fail = action[2] if kind == "sync" else None
                    result = DeviceSync(ws.db).sync(store=store)
                    store.fail = None
                    if not result.errors:
                        for w in writes:
                            if w["device"] == d and w["uploaded"] is None:
                                w["uploaded"] = n
                    if action[2] != "list":  # a failed upload still received everything
                        last_sync_ok[d].append(n)
            # Everyone syncs until nothing moves (twice round is enough).
            for _ in range(2):
                for ws in journals:
                    assert DeviceSync(ws.db).sync(store=store).errors == []
            final = [_state(ws) for ws in journals]
            assert all(f == final[0] for f in final[1:])
            conflicts = {
                c.id: {str(v.value) for f in c.fields for v in f.values}
                for c in DeviceSync(journals[0].db).conflicts()
            }

            def seen_by(w: dict, device: int, at: int) -> bool:
                if device == w["device"]:
                    return at > w["step"]
                up = w["uploaded"]
                return up is not None and any(up < s < at for s in last_sync_ok[device])

            for w in writes:
                uid = w["uid"]
                superseded = any(
                    o["uid"] == uid and o["step"] > w["step"] and seen_by(w, o["device"], o["step"])
                    for o in writes
                ) or any(u == uid and seen_by(w, dd, s) for u, dd, s in deletes)
                if superseded:
                    continue
                body = _body(journals[0], uid)
                kept = (
                    body == w["text"]
                    or w["text"] in conflicts.get(f"entry:{uid}", set())
                    or (body is not None and set(w["text"].splitlines()) <= set(body.splitlines()))
                )
                assert kept, (w, body, conflicts.get(f"entry:{uid}"))
        finally:
            for ws in journals:
                ws.close()
