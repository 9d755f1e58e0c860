"""How concurrent versions of one record merge (pure functions, no journal)."""

from __future__ import annotations

from reflectjournal.services.devsync import versions as v


def _start() -> list[dict]:
    base = v.edit([], {"title": "T", "body": "a\nb\nc", "updated": "2026-01-01"}, "x", 1, 10)
    assert base is not None
    return [base]


def test_metadata_only_differences_never_conflict():
    heads = _start()
    one = v.edit(heads, {"title": "T1", "body": "a\nb\nc", "updated": "2026-02-01"}, "x", 2, 20)
    two = v.edit(
        heads, {"title": "T", "body": "a\nb\nc", "updated": "2026-02-02", "mood": 3}, "y", 1, 15
    )
    merged = v.view(v.join(heads, [one], [two]))
    assert merged.conflicts == []
    assert merged.fields == {"title": "T1", "body": "a\nb\nc", "updated": "2026-02-02", "mood": 3}


def test_join_is_order_independent_and_idempotent():
    base = v.edit([], {"title": "T", "body": "a\nb\nc\nd\ne", "updated": "u0"}, "x", 1, 10)
    heads = [base]
    one = v.edit(heads, {"title": "T", "body": "A\nb\nc\nd\ne", "updated": "u1"}, "x", 2, 20)
    two = v.edit(heads, {"title": "T", "body": "a\nb\nc\nd\nE", "updated": "u2"}, "y", 1, 30)
    three = v.edit(heads, {"title": "T", "body": "a\nb\nC\nd\ne", "updated": "u3"}, "z", 1, 25)
    orders = [
        v.join(v.join(heads, [one]), [two], [three]),
        v.join(v.join(heads, [three], [two]), [one], [one]),
        v.join([two], [three], heads, [one]),
    ]
    views = [v.view(o) for o in orders]
    assert all(x.fields == views[0].fields for x in views)
    assert views[0].fields["body"] == "A\nb\nC\nd\nE" and views[0].conflicts == []
    assert views[0].fields["updated"] == "u3"


def test_a_later_version_that_saw_both_sides_settles_a_conflict():
    heads = _start()
    one = v.edit(heads, {"title": "T", "body": "mine", "updated": "u1"}, "x", 2, 20)
    two = v.edit(heads, {"title": "T", "body": "theirs", "updated": "u2"}, "y", 1, 30)
    both = v.join(heads, [one], [two])
    shown = v.view(both)
    assert [c.field for c in shown.conflicts] == ["body"]
    assert shown.fields["body"] == "theirs"  # the newer clock is shown first, nothing dropped
    # An edit elsewhere keeps the conflict; choosing settles it.
    other = v.edit(both, {**shown.fields, "mood": 2}, "x", 3, 40)
    assert [c.field for c in v.view(v.join(both, [other])).conflicts] == ["body"]
    chosen = v.edit(both, {**shown.fields, "body": "mine"}, "x", 4, 50, resolve=True)
    assert v.view(v.join(both, [chosen])).conflicts == []
