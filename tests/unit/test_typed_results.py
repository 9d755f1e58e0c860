"""Services hand front ends frozen dataclasses, never the CLI's JSON dicts (issue 15 item 1).

Each test builds a journal whose right answer is known and checks the typed result field by
field; the CLI tests prove the JSON shapes built from them in ``cli/shapes.py``.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

from reflectjournal.services.entry_records import CapabilityRating, ReflectionRef


def test_ratings_are_typed_oldest_first_and_filtered_by_capability(workspace):
    later = workspace.journal.rate("resilience", 4, "2026-03-02", note="steadier")
    earlier = workspace.journal.rate("resilience", 2, "2026-01-05")
    other = workspace.journal.rate("burnout", 3, "2026-02-01")

    got = workspace.journal.ratings("resilience")

    assert got == [
        CapabilityRating(earlier, "resilience", "Resilience", 2, "2026-01-05", ""),
        CapabilityRating(later, "resilience", "Resilience", 4, "2026-03-02", "steadier"),
    ]
    assert [r.id for r in workspace.journal.ratings()] == [earlier, other, later]
    with pytest.raises(dataclasses.FrozenInstanceError):
        got[0].value = 5  # type: ignore[misc]


def test_written_with_models_names_reflections_newest_first_in_the_writers_offset(workspace):
    plus_two = timezone(timedelta(hours=2))
    gibbs = workspace.journal.add(
        "What happened.",
        title="Handover",
        model="gibbs",
        sections={"description": "What happened."},
        when=datetime(2026, 4, 1, 9, 30, tzinfo=plus_two),
    )
    workspace.journal.add("No model here.", title="Plain", when=datetime(2026, 4, 2, 9, 0))

    assert workspace.journal.written_with_models(["gibbs", "driscoll"]) == [
        ReflectionRef(gibbs, "Handover", "2026-04-01T09:30:00+02:00")
    ]
    assert workspace.journal.written_with_models([]) == []
