"""Versions of one synced record, and how concurrent versions merge (pure functions).

A version carries a *dot* (``device:n``, unique), a version vector ``vv`` (for each device,
the newest of its versions this one has seen), a clock for display order, a deleted flag,
and every field as ``[value, dot, prev]``: the value, the version that last wrote it, and
the value it replaced (the base of a three-way merge).

A record's state is its set of **heads**: versions no other known version has seen.
``join`` (union, then drop what another head has seen) is commutative, associative and
idempotent, so devices that hold the same versions hold the same heads, in whatever order,
how often and by whatever route (change set or snapshot) the versions arrived. What a
journal shows (``view``) is a deterministic function of the heads, so it converges too —
clocks only choose which side is *shown* first while a conflict waits; they never decide
what is kept, and a skewed clock cannot lose an edit.

Merging heads field by field: a field only one side wrote takes that side; the same value
written on both sides is no conflict; text written on both sides merges three ways when the
changes do not overlap (Breezy's ``merge3``); a tag (``tag:*``) kept on either side stays.
Anything else is a **conflict**: both values are kept (the heads stay) and shown, the newer
first, until the person chooses; an edit elsewhere in the record does not choose for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Version = dict[str, Any]
STAMPS = frozenset({"updated", "arrived", "last_seen"})  # change times: the newest wins
Fields = dict[str, Any]


def dot_parts(dot: str) -> tuple[str, int]:
    device, _, n = dot.rpartition(":")
    return device, int(n)


def covers(vv: dict[str, int], dot: str | None) -> bool:
    if dot is None:
        return True
    device, n = dot_parts(dot)
    return vv.get(device, 0) >= n


def _order(version: Version) -> tuple[int, str]:
    return int(version["t"]), str(version["d"])


def join(*groups: list[Version]) -> list[Version]:
    """The heads of the union of several sets of heads."""
    by_dot: dict[str, Version] = {}
    for group in groups:
        for version in group:
            by_dot.setdefault(version["d"], version)
    versions = list(by_dot.values())
    heads = [
        v
        for v in versions
        if not any(w["d"] != v["d"] and covers(w["vv"], v["d"]) for w in versions)
    ]
    return sorted(heads, key=_order)


@dataclass
class Conflict:
    field: str | None  # None: deleted on one device while edited on another
    values: list[dict[str, Any]]  # {"value", "device", "t"}, shown value first


@dataclass
class View:
    deleted: bool
    fields: Fields = field(default_factory=dict)
    slots: dict[str, list[Any]] = field(default_factory=dict)  # field -> [value, dot|None, prev]
    conflicts: list[Conflict] = field(default_factory=list)
    winner: Version | None = None  # the head whose side a conflict shows


def _text_merge(base: str, ours: str, theirs: str) -> str | None:
    from merge3 import Merge3

    a = base.splitlines(keepends=True)
    b = ours.splitlines(keepends=True)
    c = theirs.splitlines(keepends=True)
    merger = Merge3(a, b, c)
    out: list[str] = []
    for region in merger.merge_regions():
        kind = region[0]
        if kind == "unchanged":
            out.extend(a[region[1] : region[2]])
        elif kind in ("a", "same"):
            out.extend(b[region[1] : region[2]])
        elif kind == "b":
            out.extend(c[region[1] : region[2]])
        else:
            return None
    return "".join(out)


def _merge_field(
    name: str, candidates: list[tuple[list[Any], Version]], auto: bool = False
) -> tuple[Any, bool]:
    """Concurrent writes of one field, oldest first: (value, clean)."""
    values = [c[0][0] for c in candidates]
    if auto:  # bookkeeping: the newest write wins, the person is never asked
        return values[-1], True
    if any(_alternatives(c[0]) for c in candidates):
        return values[-1], False
    if all(v == values[0] for v in values):
        return values[0], True
    if name in STAMPS:
        # When a record was last changed is bookkeeping, not the person's words: the newest
        # wins, and a concurrent edit never becomes a conflict over it.
        return max(str(v) for v in values if v is not None), True
    if name.startswith("tag:"):
        present = [c for c in candidates if c[0][0] is not None]
        return present[-1][0][0], True
    prevs = {repr(c[0][2]) for c in candidates}
    base = candidates[0][0][2]
    if len(prevs) == 1 and all(isinstance(v, str) for v in values) and isinstance(base, str):
        merged = values[0]
        for value in values[1:]:
            step = _text_merge(base, merged, value)
            if step is None:
                break
            merged = step
        else:
            return merged, True
    return values[-1], False


def view(heads: list[Version], auto: bool = False) -> View:
    """What the journal shows for these heads (deterministic in the set of heads).

    ``auto``: the record is bookkeeping (see ``storage.changes.BOOKKEEPING``): the newest
    head decides between a delete and an edit, the newest write decides each field, and
    no conflict is ever shown.
    """
    if not heads:
        return View(deleted=True)
    live = [h for h in heads if not h.get("x")]
    if not live or (auto and heads[-1].get("x")):
        return View(deleted=True, winner=heads[-1])
    if auto:
        heads = live  # a delete older than the newest edit is simply over
    result = View(deleted=False, winner=live[-1])
    if len(heads) == 1 and not any(len(slot) > 3 and slot[3] for slot in live[0]["f"].values()):
        # One head and no conflict carried in it (the common case): it is what is shown.
        result.slots = {name: list(slot) for name, slot in live[0]["f"].items()}
        result.fields = {n: s[0] for n, s in result.slots.items() if s[0] is not None}
        return result
    if len(live) < len(heads):
        dead = [h for h in heads if h.get("x")]
        result.conflicts.append(
            Conflict(
                None,
                [{"value": "kept", "device": dot_parts(h["d"])[0], "t": h["t"]} for h in live]
                + [{"value": "deleted", "device": dot_parts(h["d"])[0], "t": h["t"]} for h in dead],
            )
        )
    names: set[str] = set()
    for head in live:
        names.update(head["f"])
    for name in sorted(names):
        candidates: dict[str, tuple[list[Any], Version]] = {}
        for head in live:
            slot = head["f"].get(name)
            if slot is None:
                continue
            candidates.setdefault(slot[1], (slot, head))
        remaining = [
            (slot, head)
            for dot, (slot, head) in candidates.items()
            if not any(
                other is not head
                and covers(other["vv"], dot)
                and other["f"].get(name, [0, None])[1] != dot
                for other in live
            )
        ]
        remaining.sort(key=lambda c: _order(c[1]))
        if len(remaining) == 1:
            slot = remaining[0][0]
            result.slots[name] = list(slot)
            waiting = _alternatives(slot)
            if waiting:
                head = remaining[0][1]
                result.conflicts.append(
                    Conflict(
                        name,
                        [{"value": slot[0], "device": dot_parts(slot[1])[0], "t": head["t"]}]
                        + waiting,
                    )
                )
        else:
            value, clean = _merge_field(name, remaining, auto)
            result.slots[name] = [value, None, remaining[0][0][2]]
            if not clean:
                shown = sorted(remaining, key=lambda c: _order(c[1]), reverse=True)
                values = [
                    {"value": s[0], "device": dot_parts(h["d"])[0], "t": h["t"]} for s, h in shown
                ]
                for s, _h in shown:
                    values += [a for a in _alternatives(s) if a not in values]
                result.conflicts.append(Conflict(name, values))
        if result.slots[name][0] is not None:
            result.fields[name] = result.slots[name][0]
    return result


def _alternatives(slot: list[Any]) -> list[dict[str, Any]]:
    """The other values of a conflict carried in a field until the person chooses."""
    return list(slot[3]) if len(slot) > 3 and slot[3] else []


def _vv_union(heads: list[Version]) -> dict[str, int]:
    vv: dict[str, int] = {}
    for head in heads:
        for device, n in head["vv"].items():
            vv[device] = max(vv.get(device, 0), int(n))
    return vv


def edit(
    heads: list[Version],
    live: Fields | None,
    device: str,
    counter: int,
    clock: int,
    *,
    resolve: bool = False,
    auto: bool = False,
) -> Version | None:
    """The version recording ``live`` (None: deleted) on top of ``heads``, or None if the
    journal already shows exactly that. ``resolve`` settles every conflict with ``live``."""
    shown = view(heads, auto)
    if not resolve:
        if live is None and shown.deleted:
            return None
        if live is not None and not shown.deleted and _same(live, shown.fields):
            return None
    dot = f"{device}:{counter}"
    vv = _vv_union(heads)
    vv[device] = counter
    if live is None:
        return {"d": dot, "vv": vv, "t": clock, "x": True, "f": {}}
    slots = shown.slots
    # An edit made while a conflict waits does not choose for the person: the other values
    # travel on in the field until it is resolved.
    waiting = {} if resolve else {c.field: c.values[1:] for c in shown.conflicts if c.field}
    fields: dict[str, list[Any]] = {}
    for name in set(live) | set(slots):
        old = slots.get(name)
        value = live.get(name)
        if name in waiting:
            prev = old[2] if old is not None else None
            fields[name] = [value, dot, prev, waiting[name]]
        elif old is not None and old[1] is not None and old[0] == value:
            fields[name] = list(old[:3])
        elif old is not None and old[0] == value and value is None:
            continue
        else:
            fields[name] = [value, dot, old[0] if old is not None else None]
    return {"d": dot, "vv": vv, "t": clock, "x": False, "f": fields}


def _same(live: Fields, shown: Fields) -> bool:
    names = set(live) | set(shown)
    return all(live.get(n) == shown.get(n) for n in names)
