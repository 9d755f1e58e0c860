"""When shared entries arrived here: the prep brief counts them by arrival, not by writing.

An entry written before the last session but shared after it is new to the coach; counted by
its writing date it would fall in a period already discussed and never show as new.
"""

from __future__ import annotations

from reflectjournal.storage.database import Database


def arrived_at(db: Database, entry_ids: list[int]) -> dict[int, str]:
    """Entry id -> when it first arrived (ISO UTC, ``+00:00``), for shared entries we know."""
    found: dict[int, str] = {}
    for start in range(0, len(entry_ids), 900):
        chunk = entry_ids[start : start + 900]
        marks = ",".join("?" * len(chunk))
        for row in db.query(
            "SELECT e.id, r.arrived FROM entry e JOIN received_share r "
            "ON r.person_id = e.sender_id AND 'share:' || r.ref = e.import_key "
            f"WHERE e.kind = 'shared' AND e.id IN ({marks})",
            chunk,
        ):
            found[row["id"]] = row["arrived"].replace("Z", "+00:00")
    return found
