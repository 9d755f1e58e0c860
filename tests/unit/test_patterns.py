"""Patterns on small hand-built journals whose right answers are worked out by hand."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from reflectjournal.cli.patterns_cmds import patterns_json
from reflectjournal.errors import UsageError
from reflectjournal.services.patterns import PatternOptions, trend
from reflectjournal.services.patterns.result import ActionCounts
from reflectjournal.services.patterns.rules import period_index, streaks, with_rolling

DEFAULT_CAPABILITIES = {
    "clinical-credibility",
    "systems-thinking",
    "quality-improvement",
    "compassionate-leadership",
    "collaborative-leadership",
    "resilience",
    "change-leadership",
    "financial-acumen",
    "regulatory-navigation",
    "ethical-reasoning",
}


def add(ws, day: str, *tags: str, mood=None, energy=None, text="A note.", hour=9, tz=UTC, **kw):
    y, m, d = map(int, day.split("-"))
    return ws.journal.add(
        text, tags=list(tags), when=datetime(y, m, d, hour, 0, tzinfo=tz), mood=mood,
        energy=energy, **kw,
    )  # fmt: skip


def action(ws, text, status="open", due=None, entry_id=None):
    with ws.db.transaction():
        ws.db.execute(
            "INSERT INTO action(uid, text, status, due, created, entry_id) VALUES (?,?,?,?,?,?)",
            (uuid.uuid4().hex, text, status, due, "2026-11-01T09:00:00+00:00", entry_id),
        )


def compute(ws, asof="2026-11-30", **kw):
    """The result as ``patterns --json`` shows it (built in cli/ from the typed result)."""
    return patterns_json(ws.patterns.compute(PatternOptions(asof=date.fromisoformat(asof), **kw)))


# ---- the trend rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "recent, previous, expected",
    [
        (0, 0, "steady"),
        (2, 0, "steady"),  # below the minimum count: too few to call
        (3, 0, "rising"),  # at the minimum, clear jump
        (0, 3, "falling"),
        (3, 2, "steady"),  # a one-entry wobble
        (3, 1, "rising"),  # difference 2 meets the floor of 2 (sqrt 4 = 2)
        (10, 6, "rising"),  # 4 >= sqrt(16)
        (10, 7, "steady"),  # 3 < sqrt(17)
        (6, 10, "falling"),
        (100, 80, "rising"),  # 20 >= sqrt(180) = 13.4
        (100, 90, "steady"),  # 10 < sqrt(190) = 13.8
    ],
)
def test_trend_rule_edges(recent, previous, expected):
    assert trend(recent, previous) == expected


def test_trend_minimum_count_is_adjustable():
    assert trend(2, 0, min_count=2) == "rising"
    assert trend(3, 0, min_count=4) == "steady"


def test_streaks_count_back_from_today_or_yesterday():
    days = ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06"]
    assert streaks(days, date(2026, 11, 6)) == {
        "current": 2, "longest": 3, "days_written": 5, "days_this_month": 5,
        "last_day": "2026-11-06",
    }  # fmt: skip
    # Days written this month count only the reference day's month, up to that day.
    assert streaks(["2026-10-31", *days], date(2026, 11, 3))["days_this_month"] == 3
    # Today not written yet: the run up to yesterday still stands.
    assert streaks(days, date(2026, 11, 7))["current"] == 2
    # Two days without: the streak is broken.
    assert streaks(days, date(2026, 11, 8))["current"] == 0
    assert streaks([], date(2026, 11, 8)) == {"days_this_month": 0} | {
        "current": 0, "longest": 0, "days_written": 0, "last_day": None,
    }  # fmt: skip


def test_rolling_mean_uses_calendar_periods_and_weights_by_count():
    rows = [
        {"period": "2026-W40", "sum": 4, "n": 1},
        {"period": "2026-W44", "sum": 2, "n": 1},  # W40 is 4 weeks back: outside a span of 4
        {"period": "2026-W45", "sum": 16, "n": 5},
    ]
    result = with_rolling(rows, span=4)
    assert [r["rolling"] for r in result] == [4.0, 2.0, 3.0]  # (2 + 16) / 6
    assert [r["mean"] for r in result] == [4.0, 2.0, 3.2]
    assert period_index("2026-01") - period_index("2025-12") == 1
    assert period_index("2026-W01") - period_index("2025-W52") == 1


# ---- empty and tiny journals -------------------------------------------------------------------


def test_empty_journal(workspace):
    d = compute(workspace)
    assert d["total_entries"] == 0 and d["first"] is None and d["last"] is None
    assert d["tags"] == d["timeline"] == d["cooccurrence"] == d["mood"] == d["calendar"] == []
    assert d["streaks"]["current"] == 0 and d["streaks"]["longest"] == 0
    assert d["neglected"] == []  # no journal yet, so nothing can have been neglected
    assert "written for 12 weeks" in d["neglect_note"]
    assert d["actions"] == {"open": 0, "done": 0, "overdue": 0, "dropped": 0}
    assert d["reflection_loop"]["plans"] == 0 and d["reflection_loop"]["share_acted_on"] is None
    json.dumps(d)  # the CLI prints it as it is


def test_single_entry(workspace):
    add(workspace, "2026-11-30", "resilience", mood=4)
    d = compute(workspace)
    assert (d["total_entries"], d["first"], d["last"]) == (1, "2026-11-30", "2026-11-30")
    assert d["tags"][0] | {} == {
        "slug": "resilience", "name": "Resilience", "category": "capability",
        "framework": "healthcare-leadership", "count": 1, "recent": 1, "previous": 0,
        "trend": "steady",
    }  # fmt: skip
    assert d["streaks"]["current"] == 1 and d["streaks"]["longest"] == 1
    assert d["mood"] == [{"period": "2026-11", "mean": 4.0, "n": 1, "rolling": 4.0}]
    assert d["neglected"] == []  # a journal one day old says nothing about neglect
    assert d["neglect_note"] == (
        "Your journal began on 30 November 2026; capabilities you have not reflected on "
        "are listed from 22 February 2027, when there is enough history to tell."
    )
    assert d["mood_by_tag"] == []  # one entry cannot be compared with anything


# ---- counts, trends, co-occurrence, gaps ----------------------------------------------------


@pytest.fixture
def busy(workspace):
    """Workforce pressures 5 times in November (4 in the last 28 days to 30 Nov), never with
    resilience; resilience twice in October with change fatigue once."""
    ws = workspace
    add(ws, "2026-10-05", "resilience", "change-fatigue", mood=4, energy=4)
    add(ws, "2026-10-20", "resilience", mood=5, energy=4)
    add(ws, "2026-11-01", "workforce-pressures", "burnout", mood=2, energy=2)
    add(ws, "2026-11-03", "workforce-pressures", "burnout", mood=1, energy=2)
    add(ws, "2026-11-04", "workforce-pressures", mood=2, energy=3)
    add(ws, "2026-11-16", "workforce-pressures", "compassionate-leadership", mood=3)
    add(ws, "2026-11-30", "workforce-pressures", mood=3)
    return ws


def test_tag_counts_windows_and_trend(busy):
    d = compute(busy)  # recent = 3-30 Nov, previous = 6 Oct - 2 Nov
    tags = {t["slug"]: t for t in d["tags"]}
    wp = tags["workforce-pressures"]
    assert (wp["count"], wp["recent"], wp["previous"], wp["trend"]) == (5, 4, 1, "rising")
    res = tags["resilience"]
    assert (res["count"], res["recent"], res["previous"], res["trend"]) == (2, 0, 1, "steady")
    assert tags["burnout"]["category"] == "outcome"
    assert d["tags"][0]["slug"] == "workforce-pressures"  # busiest first


def test_timeline_by_month_and_iso_week(busy):
    d = compute(busy)
    months = {(t["period"], t["slug"]): t["count"] for t in d["timeline"]}
    assert months[("2026-11", "workforce-pressures")] == 5
    assert months[("2026-10", "resilience")] == 2
    weeks = {(t["period"], t["slug"]): t["count"] for t in d["timeline_weeks"]}
    # 1 Nov 2026 is a Sunday (week 44); 3 and 4 Nov are in week 45.
    assert weeks[("2026-W44", "workforce-pressures")] == 1
    assert weeks[("2026-W45", "workforce-pressures")] == 2
    assert weeks[("2026-W47", "workforce-pressures")] == 1
    assert weeks[("2026-W49", "workforce-pressures")] == 1


def test_cooccurrence_counts_and_no_gap_from_chance(busy):
    d = compute(busy)
    pairs = {(c["a"], c["b"]): c["count"] for c in d["cooccurrence"]}
    assert pairs == {
        ("burnout", "workforce-pressures"): 2,
        ("change-fatigue", "resilience"): 1,
        ("compassionate-leadership", "workforce-pressures"): 1,
    }
    # Workforce pressures (5 of 7 entries) never with resilience (2): 5 * 2 / 7 = 1.4 expected,
    # and resilience is "related", not "called for"; nothing here is more than chance.
    assert d["gaps"] == []


@pytest.fixture
def demand(workspace):
    """20 entries: demand management in 10, systems thinking in 8 others, ethical reasoning in
    one of the systems-thinking entries, the rest untagged."""
    for i in range(10):
        add(workspace, f"2026-11-{i + 1:02d}", "demand-management", "workforce-pressures")
    for i in range(8):
        extra = ("ethical-reasoning",) if i == 0 else ()
        add(workspace, f"2026-11-{i + 11:02d}", "systems-thinking", "resilience", *extra)
    add(workspace, "2026-11-21")
    add(workspace, "2026-11-22")
    return workspace


def test_gap_only_when_chance_would_put_them_together(demand):
    d = compute(demand)
    gaps = {(g["tag"], g["calls_for"]): g for g in d["gaps"]}
    # Demand management calls for systems thinking: 10 * 8 / 20 = 4 together expected if
    # unrelated; P(0 together) = C(10, 8) / C(20, 8) = 45 / 125970 = 0.00036.
    g = gaps.pop(("demand-management", "systems-thinking"))
    assert (g["count"], g["calls_for_count"], g["together"], g["expected"]) == (10, 8, 0, 4.0)
    assert g["kind"] == "calls-for" and g["p_value"] == pytest.approx(45 / 125970, abs=1e-4)
    assert g["message"] == (
        "Demand management calls for systems thinking. You wrote about Demand management "
        "10 times and about Systems thinking 8 times: together 0 times; about 4 expected if "
        "they were unrelated."
    )
    # Ethical reasoning (1 entry): 10 * 1 / 20 = 0.5 expected, so "never together" is chance.
    # Workforce pressures and resilience never meet either, but resilience is only "related"
    # to it: no deficit message about resilience, whatever the numbers.
    assert gaps == {}
    ranged = demand.patterns.compute(
        PatternOptions(since="2026-10-01T00:00:00+00:00", asof=date(2026, 11, 30))
    )
    assert "in this range: together 0 times" in ranged.gaps[0].message


def test_gap_evidence_edges():
    from reflectjournal.services.patterns.evidence import cooccurrence, hypergeometric_cdf

    # 12 entries, 6 and 6: 3 expected. Once together: P = (1 + 6 * 6) / C(12, 6) = 37 / 924.
    assert hypergeometric_cdf(1, 12, 6, 6) == pytest.approx(37 / 924)
    assert cooccurrence(6, 6, 1, 12).is_gap
    # Twice together: P = (37 + 15 * 15) / 924 = 0.28: could easily be chance.
    assert not cooccurrence(6, 6, 2, 12).is_gap
    # The demo journal's old claim: 8 finance entries, 1 ethics, of 53: 0.15 expected.
    assert cooccurrence(8, 1, 0, 53).expected == pytest.approx(0.151, abs=0.001)
    assert not cooccurrence(8, 1, 0, 53).is_gap
    assert not cooccurrence(3, 3, 0, 0).is_gap  # an empty range claims nothing


def test_hypergeometric_sum_is_the_textbook_one_to_the_last_bit():
    """The p-value's terms are written out with the constant lgammas worked out once; the
    floats must be exactly those of the textbook sum, so every gap and p-value stays the same."""
    import math

    from reflectjournal.services.patterns.evidence import _log_comb, hypergeometric_cdf

    def textbook(k, total, a, b):
        low = max(0, a + b - total)
        denominator = _log_comb(total, b)
        terms = (
            math.exp(_log_comb(a, i) + _log_comb(total - a, b - i) - denominator)
            for i in range(low, k + 1)
        )
        return min(1.0, sum(terms))

    cases = [(1, 12, 6, 6), (0, 53, 8, 1), (3, 40, 20, 25), (1010, 100000, 31213, 4101),
             (240, 100000, 10125, 3149), (17, 5000, 400, 300), (0, 90, 30, 30)]  # fmt: skip
    for k, total, a, b in cases:
        assert hypergeometric_cdf(k, total, a, b) == textbook(k, total, a, b), (k, total, a, b)


def test_may_be_gap_rules_out_only_what_cannot_be_a_gap():
    """``_gaps`` skips the p-value when ``may_be_gap`` says no: that must never drop a gap."""
    from reflectjournal.services.patterns.evidence import cooccurrence, may_be_gap

    checked = gaps = 0
    for total in (0, 1, 12, 30, 50):
        for a in range(total + 1):
            for b in range(a, total + 1):
                for both in range(min(a, b) + 1):
                    test = cooccurrence(a, b, both, total)
                    if test.is_gap:
                        gaps += 1
                        assert may_be_gap(a, b, both, total), (a, b, both, total)
                    checked += 1
    assert gaps > 100 and checked > 10_000  # the grid holds real gaps as well as non-gaps
    assert may_be_gap(6, 6, 1, 12) and not may_be_gap(6, 6, 3, 12)  # 3 expected, 3 together
    assert not may_be_gap(8, 1, 0, 53)  # 0.15 expected: too few to say


def test_mood_energy_by_period_and_by_tag(busy):
    d = compute(busy)
    assert d["mood"] == [
        {"period": "2026-10", "mean": 4.5, "n": 2, "rolling": 4.5},
        {"period": "2026-11", "mean": 2.2, "n": 5, "rolling": 2.86},  # (9 + 11) / 7
    ]
    assert [(e["period"], e["n"]) for e in d["energy"]] == [("2026-10", 2), ("2026-11", 3)]
    # With workforce pressures: 2,1,2,3,3 (mean 2.2); without: 4,5 — only 2, too few.
    assert d["mood_by_tag"] == []
    add(busy, "2026-09-01", mood=4)  # a third mood without the tag
    by_tag = {m["slug"]: m for m in compute(busy)["mood_by_tag"]}
    wp = by_tag["workforce-pressures"]
    # With: mean 2.2, variance (27 - 11**2 / 5) / 4 = 0.7; without 4, 5, 4: mean 4.33,
    # variance 1/3. SE = sqrt(0.7 / 5 + (1/3) / 3) = 0.501; Welch df = 5.7, t = 2.48;
    # interval -2.13 +/- 1.24. Shrunk towards 0 by 5 / (5 + 5).
    assert (wp["mean_with"], wp["n_with"], wp["mean_without"], wp["n_without"]) == (
        2.2, 5, 4.33, 3,
    )  # fmt: skip
    assert wp["difference"] == -2.13 and wp["shrunk_difference"] == pytest.approx(-1.07)
    assert wp["interval"][0] == pytest.approx(-3.37, abs=0.03)
    assert wp["interval"][1] == pytest.approx(-0.89, abs=0.03)
    assert wp["clear"] is True
    assert "does not say one causes the other" in wp["message"]
    assert "n=5" in wp["message"] and "n=3" in wp["message"]


def test_mood_by_tag_is_ordered_by_evidence_not_by_size():
    from reflectjournal.services.patterns.evidence import Sample, association

    wild_values, steady_values = [1, 1, 4], [2] * 10 + [3] * 2
    everything = Sample.of([3] * 30 + wild_values + steady_values)
    wild = association("wild", "Wild", Sample.of(wild_values), everything)
    steady = association("steady", "Steady", Sample.of(steady_values), everything)
    assert wild is not None and steady is not None
    # Wild: mean 2.0 against 2.88 (-0.88) on three ratings spread from 1 to 4; steady: 2.17
    # against 2.94 (-0.77) on twelve close ratings. The bigger raw difference is the weaker
    # evidence: its interval takes in zero.
    assert abs(wild.difference) > abs(steady.difference)
    assert not wild.clear and steady.clear
    assert steady.strength > wild.strength
    assert "could be chance" in wild.sentence("mood")
    assert abs(wild.shrunk) < abs(wild.difference)  # three entries pull hard towards 0


def test_mean_change_needs_enough_ratings_and_a_real_difference():
    from reflectjournal.services.patterns.evidence import Sample, mean_change

    assert mean_change(Sample.of([4]), Sample.of([3, 3, 3])) == "too few"
    assert mean_change(Sample.of([3, 3, 4]), Sample.of([3, 3, 3])) == "level"  # 0.33 < 0.5
    assert mean_change(Sample.of([4, 4, 4, 5]), Sample.of([2, 2, 3, 2])) == "up"
    assert mean_change(Sample.of([1, 5, 1, 5]), Sample.of([3, 3, 3, 3])) == "level"
    assert mean_change(Sample.of([2, 2, 3, 2]), Sample.of([4, 4, 4, 5])) == "down"


def test_calendar_and_streaks(busy):
    d = compute(busy)
    assert [c["day"] for c in d["calendar"]][:3] == ["2026-10-05", "2026-10-20", "2026-11-01"]
    assert all(c["count"] == 1 for c in d["calendar"])
    assert d["streaks"] == {
        "current": 1, "longest": 2, "days_written": 7, "days_this_month": 5,
        "last_day": "2026-11-30",
    }  # fmt: skip
    add(busy, "2026-11-02")
    add(busy, "2026-11-02", hour=20)  # the same day twice is still one day
    d = compute(busy)
    assert d["streaks"]["longest"] == 4  # 1, 2, 3 and 4 November (3 and 4 alone made 2)
    assert {c["day"]: c["count"] for c in d["calendar"]}["2026-11-02"] == 2


def test_date_range_limits_every_count(busy):
    from reflectjournal.services.timeutil import range_end, range_start

    d = busy.patterns.compute(
        PatternOptions(since=range_start("2026-11-01"), until=range_end("2026-11-04"))
    )
    assert d.total_entries == 3 and (d.first, d.last) == ("2026-11-01", "2026-11-04")
    assert d.settings.asof == "2026-11-04"
    assert {t.slug: t.count for t in d.tags} == {"workforce-pressures": 3, "burnout": 2}


def test_framework_filter(busy):
    d = compute(busy, framework="healthcare-leadership")
    assert "burnout" in {t["slug"] for t in d["tags"]}  # an outcome of that framework
    add(busy, "2026-11-29", "my-own-tag")
    d = compute(busy, framework="healthcare-leadership")
    assert "my-own-tag" not in {t["slug"] for t in d["tags"]}
    assert "my-own-tag" in {t["slug"] for t in compute(busy)["tags"]}
    with pytest.raises(UsageError, match="no framework 'nope'"):
        compute(busy, framework="nope")


# ---- neglect, ratings, actions, the reflection loop ----------------------------------------


def test_neglected_after_six_weeks(workspace):
    add(workspace, "2026-08-01")  # 121 days before 30 Nov: old enough (14 weeks = 98 days)
    add(workspace, "2026-10-20", "resilience")  # 41 days before 30 Nov: 5 weeks
    add(workspace, "2026-10-10", "systems-thinking")  # 51 days: 7 weeks
    add(workspace, "2026-10-19", "ethical-reasoning")  # 42 days: exactly 6 weeks: neglected
    d = compute(workspace)
    detail = {n["slug"]: n for n in d["neglected_detail"]}
    assert "resilience" not in detail
    assert detail["systems-thinking"]["last"] == "2026-10-10"
    assert detail["systems-thinking"]["weeks_since"] == 7
    assert detail["ethical-reasoning"]["weeks_since"] == 6
    assert detail["financial-acumen"]["last"] is None
    assert d["neglected"][-2:] == ["systems-thinking", "ethical-reasoning"]  # longest silence last
    assert len(d["neglected"]) == 9 and d["neglect_note"] is None
    # A shorter threshold frees ethical reasoning and systems thinking does not change.
    d = compute(workspace, neglect_weeks=7)
    assert "ethical-reasoning" not in d["neglected"] and "systems-thinking" in d["neglected"]


def test_rated_capability_from_another_framework_counts_for_neglect(workspace):
    add(workspace, "2026-06-01")
    workspace.journal.rate("nhs-engaging-the-team", 3, "2026-11-01")
    assert "nhs-engaging-the-team" in compute(workspace)["neglected"]


def test_ratings_over_time(workspace):
    j = workspace.journal
    j.rate("resilience", 2, "2026-09-01")
    j.rate("resilience", 4, "2026-11-01")
    j.rate("systems-thinking", 3, "2026-10-01")
    d = compute(workspace)
    series = {s["slug"]: s for s in d["ratings"]}
    assert series["resilience"]["points"] == [
        {"date": "2026-09-01", "value": 2},
        {"date": "2026-11-01", "value": 4},
    ]
    assert series["resilience"]["change"] == 2 and series["systems-thinking"]["change"] == 0
    from reflectjournal.services.timeutil import range_start

    limited = workspace.patterns.compute(
        PatternOptions(since=range_start("2026-10-01"), asof=date(2026, 11, 30))
    )
    assert [p.value for p in {s.slug: s for s in limited.ratings}["resilience"].points] == [4]


def test_actions_counts(workspace):
    action(workspace, "call the matron", due="2026-11-20")  # overdue on 30 Nov
    action(workspace, "book a 1:1", due="2026-12-05")
    action(workspace, "no date")
    action(workspace, "done one", status="done", due="2026-11-01")
    action(workspace, "dropped one", status="dropped")
    assert compute(workspace)["actions"] == {"open": 3, "done": 1, "overdue": 1, "dropped": 1}
    counts = workspace.patterns.action_counts(date(2026, 11, 30))
    assert counts == ActionCounts(open=3, done=1, overdue=1, dropped=1)
    assert workspace.patterns.action_counts(date(2026, 12, 6)).overdue == 2  # both dated ones


def test_reflection_loop(workspace):
    plan = {"what": "A hard whiteboard.", "so-what": "It matters.", "now-what": "Talk to the team."}
    first = add(workspace, "2026-11-02", model="what-so-what-now-what", sections=plan)
    second = add(workspace, "2026-11-03", model="what-so-what-now-what", sections=plan)
    add(workspace, "2026-11-04", model="what-so-what-now-what", sections={"what": "No plan."})
    add(workspace, "2026-11-05", model="gibbs", sections={"action-plan": "Ask for help."})
    action(workspace, "talk to the team", status="done", entry_id=first)
    action(workspace, "write it up", entry_id=first)
    action(workspace, "follow up", status="done", entry_id=second)
    loop = compute(workspace)["reflection_loop"]
    assert loop == {
        "plans": 3, "acted_on": 2, "share_acted_on": 0.67, "actions": 3, "done": 2,
        "share_done": 0.67,
    }  # fmt: skip


# ---- words nobody tagged ---------------------------------------------------------------------


def test_recurring_words_in_untagged_entries(workspace):
    add(workspace, "2026-11-01", text="The whiteboard ran late again; bed meeting was tense.")
    add(workspace, "2026-11-02", text="Another whiteboard where the bed meeting overran.")
    add(workspace, "2026-11-03", text="Quiet whiteboard today. Bed meeting cancelled.")
    add(workspace, "2026-11-04", "resilience", text="Handover whiteboard whiteboard.")  # tagged
    add(workspace, "2026-11-05", text="Staffing and rota again, and the rota again.")
    add(workspace, "2026-11-06", text="Rota.")
    add(workspace, "2026-11-07", text="Rota and staffing.")
    terms = {t["term"]: t for t in compute(workspace)["untagged_terms"]}
    assert terms["whiteboard"]["entries"] == 3  # the tagged entry does not count
    assert terms["bed meeting"]["entries"] == 3
    assert "bed" not in terms and "meeting" not in terms  # only ever inside the phrase
    assert "rota" not in terms and "staffing" not in terms  # framework keywords already
    assert "again" not in terms


# ---- time zones and daylight saving --------------------------------------------------------


def test_local_day_across_clock_change_and_zones(workspace):
    london, new_york = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
    # 00:30 BST on 25 Oct 2026, the night the clocks go back, is 23:30 UTC on the 24th.
    e1 = add(workspace, "2026-10-25", "resilience", hour=0, tz=london)
    # 23:30 EST on Sunday 1 Nov 2026 (just after the US change) is 04:30 UTC on Monday.
    e2 = workspace.journal.add(
        "late", tags=["resilience"], when=datetime(2026, 11, 1, 23, 30, tzinfo=new_york)
    )
    d = compute(workspace)
    assert [c["day"] for c in d["calendar"]] == ["2026-10-25", "2026-11-01"]
    weeks = {t["period"] for t in d["timeline_weeks"]}
    assert weeks == {"2026-W43", "2026-W44"}  # both Sundays: the weeks they end, not the next
    assert workspace.patterns.entry_ids(day="2026-10-25") == [e1]
    assert workspace.patterns.entry_ids(period="2026-W44") == [e2]
    assert workspace.patterns.entry_ids(period="2026-10") == [e1]


def test_streak_spans_time_zones(workspace):
    tokyo = ZoneInfo("Asia/Tokyo")
    add(workspace, "2026-11-28", hour=23, tz=UTC)
    add(workspace, "2026-11-29", hour=7, tz=tokyo)  # 28 Nov 22:00 UTC, but the 29th in Tokyo
    add(workspace, "2026-11-30", hour=12, tz=UTC)
    assert compute(workspace)["streaks"]["current"] == 3


# ---- drill-down ------------------------------------------------------------------------------


def test_drill_down_returns_the_entries_behind_each_number(busy):
    p = busy.patterns
    wp_nov = p.entry_ids(tag="workforce-pressures", period="2026-11")
    assert len(wp_nov) == 5
    assert p.entry_ids(tag="workforce-pressures", period="2026-W45") == wp_nov[-3:-1]
    pair = p.entry_ids(tag="burnout", with_tag="workforce-pressures")
    assert len(pair) == 2 and set(pair) <= set(wp_nov)
    d = compute(busy)
    counts = {(t["period"], t["slug"]): t["count"] for t in d["timeline"]}
    for (period, slug), n in counts.items():
        assert len(p.entry_ids(tag=slug, period=period)) == n


def test_shared_entries_from_others_are_not_patterns(workspace):
    add(workspace, "2026-11-10", "burnout")
    add(workspace, "2026-11-11", "burnout", kind="shared")
    d = compute(workspace)
    assert d["total_entries"] == 1 and d["tags"][0]["count"] == 1


def test_bad_settings_are_refused(workspace):
    with pytest.raises(UsageError):
        workspace.patterns.compute(PatternOptions(window_days=0))


# ---- command line ----------------------------------------------------------------------------


def test_cli_patterns_json_has_the_contract_shape(cli):
    assert cli("init", "--name", "T")[0] == 0
    assert cli("add", "Rota gaps", "--tag", "workforce-pressures", "--mood", "2")[0] == 0
    code, out, err = cli("patterns", "--json")
    assert code == 0, err
    d = json.loads(out)
    for key in ("total_entries", "first", "last", "tags", "timeline", "cooccurrence",
                "streaks", "mood", "neglected", "actions"):  # fmt: skip
        assert key in d
    assert d["total_entries"] == 1
    assert d["tags"][0]["slug"] == "workforce-pressures"
    assert set(d["tags"][0]) >= {"slug", "count", "recent", "previous", "trend"}
    assert set(d["actions"]) >= {"open", "done", "overdue"}
    code, out, _ = cli("patterns")
    assert code == 0 and "1 entry from" in out


def test_cli_patterns_json_is_compact_unless_full(cli):
    assert cli("init", "--name", "T")[0] == 0
    assert cli("add", "Rota gaps", "--tag", "workforce-pressures", "--mood", "2")[0] == 0
    code, out, err = cli("patterns", "--json")
    assert code == 0, err
    compact = json.loads(out)
    for key in ("timeline_weeks", "mood_weeks", "energy_weeks", "calendar"):
        assert key not in compact
    assert compact["timeline"] and compact["mood"]  # the monthly series stay
    code, out, err = cli("patterns", "--json", "--full")
    assert code == 0, err
    full = json.loads(out)
    assert full["timeline_weeks"] and full["calendar"][0]["count"] == 1
    assert {k: v for k, v in full.items() if k in compact} == compact


def test_cli_patterns_bad_input_is_one_sentence(cli):
    cli("init", "--name", "T")
    code, out, err = cli("patterns", "--since", "last tuesday", "--json")
    assert code == 2 and out == "" and err.count("\n") == 1 and "not a date" in err
    code, _, err = cli("patterns", "--framework", "nope")
    assert code == 2 and "no framework 'nope'" in err
    code, _, err = cli("patterns", "--window", "0")
    assert code == 2 and err.count("\n") == 1


def test_compute_returns_a_typed_result_and_the_json_is_built_in_cli(workspace):
    """Issue 19: a frozen dataclass, not a dict; ``patterns --json`` is made from it in cli/."""
    import dataclasses

    from reflectjournal.services.patterns import Patterns

    workspace.journal.add("Rota", tags=["workforce-pressures"], mood=2)
    found = workspace.patterns.compute(PatternOptions(asof=date(2026, 11, 30)))
    assert isinstance(found, Patterns) and not isinstance(found, dict)
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.total_entries = 5  # type: ignore[misc]
    assert found.total_entries == 1 and found.tags[0].slug == "workforce-pressures"
    data = patterns_json(found)
    assert data["tags"][0] == {
        "slug": "workforce-pressures", "name": found.tags[0].name, "category": "challenge",
        "framework": found.tags[0].framework, "count": 1, "recent": found.tags[0].recent,
        "previous": 0, "trend": found.tags[0].trend,
    }  # fmt: skip
    assert list(data)[:4] == ["total_entries", "first", "last", "tags"]
    assert data["settings"]["asof"] == "2026-11-30"


def test_streaks_from_day_numbers_agree_with_streaks_from_dates():
    from reflectjournal.services.patterns.rules import streaks_of_days

    cases = [
        ["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-05", "2026-11-06"],
        ["2026-10-31", "2026-11-01", "2026-11-02", "2026-11-03"],
        ["1926-02-28", "1926-03-01", "2026-11-06"],
        [],
    ]
    for days in cases:
        numbers = [date.fromisoformat(d).toordinal() - 1 for d in days]
        for today in ("2026-11-03", "2026-11-06", "2026-11-07", "2026-11-08"):
            assert streaks_of_days(numbers, date.fromisoformat(today)) == streaks(
                days, date.fromisoformat(today)
            ), (days, today)


def test_series_cover_ten_years_and_counts_the_whole_range(workspace):
    """Issue 17: a journal spanning decades costs what a decade costs. The monthly and weekly
    series and the calendar reach ten years back from the last day written; counts, first day
    and the longest streak still cover everything; series_years=None gives every period."""
    for day in ("1996-03-01", "1996-03-02", "1996-03-03"):
        add(workspace, day, "burnout", mood=1)
    add(workspace, "2016-11-01", "burnout", mood=5)  # just over ten years before the last
    add(workspace, "2026-10-30", "burnout", mood=4)
    add(workspace, "2026-11-02", "burnout", mood=4)
    bounded = compute(workspace)
    assert bounded["total_entries"] == 6 and bounded["first"] == "1996-03-01"
    assert next(t for t in bounded["tags"] if t["slug"] == "burnout")["count"] == 6
    assert bounded["streaks"]["longest"] == 3  # in 1996, outside the series
    assert [c["day"] for c in bounded["calendar"]] == ["2026-10-30", "2026-11-02"]
    assert [t["period"] for t in bounded["timeline"]] == ["2026-10", "2026-11"]
    assert [m["period"] for m in bounded["mood"]] == ["2026-10", "2026-11"]
    assert [w["period"] for w in bounded["timeline_weeks"]] == ["2026-W44", "2026-W45"]
    everything = compute(workspace, series_years=None)
    assert [c["day"] for c in everything["calendar"]] == [
        "1996-03-01", "1996-03-02", "1996-03-03", "2016-11-01", "2026-10-30", "2026-11-02",
    ]  # fmt: skip
    assert [m["period"] for m in everything["mood"]] == ["1996-03", "2016-11", "2026-10", "2026-11"]
    whole_range = ("tags", "streaks", "first", "last", "total_entries", "mood_by_tag",
                   "energy_by_tag", "cooccurrence", "untagged_terms")  # fmt: skip
    assert {k: everything[k] for k in whole_range} == {k: bounded[k] for k in whole_range}


def test_long_spans_weigh_moods_against_every_entry_and_find_old_untagged_words(workspace):
    """The rows per day are read only for the shown years; what covers the whole range (the
    mood baseline of the associations, the untagged words, the trend windows) must not shrink
    to them."""
    for n in range(4):  # decades before the shown years: low moods, no tag
        add(
            workspace,
            f"1990-01-0{n + 1}",
            mood=1,
            text="Escalation huddle again, escalation huddle.",
        )
    for n in range(4):
        add(workspace, f"2026-11-0{n + 1}", "burnout", mood=5)
    for n in range(3):
        add(workspace, f"2026-11-1{n + 1}", "rota", mood=4)
    bounded = compute(workspace, asof="2026-11-20")
    burnout = next(a for a in bounded["mood_by_tag"] if a["slug"] == "burnout")
    assert burnout["n_with"] == 4 and burnout["n_without"] == 7  # 3 rota + 4 from 1990
    assert burnout["mean_without"] == round((3 * 4 + 4 * 1) / 7, 2)
    assert "escalation huddle" in [t["term"] for t in bounded["untagged_terms"]]
    assert next(t for t in bounded["tags"] if t["slug"] == "burnout")["recent"] == 4
    everything = compute(workspace, asof="2026-11-20", series_years=None)
    series = ("timeline", "timeline_weeks", "calendar", "mood", "mood_weeks", "energy",
              "energy_weeks")  # fmt: skip
    assert {k: v for k, v in bounded.items() if k not in series} == {
        k: v for k, v in everything.items() if k not in series
    }


def test_series_read_in_part_agree_with_the_whole_series(workspace):
    """The page reads the last weeks or months of a series (``span`` and ``since``), which
    counts only those periods; the rows must be the whole series' rows from that period on,
    with a framework filter (days whose tags are all outside it have no row), untagged entries
    and years without entries."""
    from reflectjournal.services.patterns.result import PeriodCount

    add(workspace, "2017-01-02", "my-own-tag")  # outside the framework chosen below
    add(workspace, "2017-03-06", "burnout", "resilience", mood=2)
    add(workspace, "2017-03-07", text="Untagged.")
    add(workspace, "2024-06-03", "burnout", "workforce-pressures")
    add(workspace, "2026-11-02", "resilience")
    add(workspace, "2026-11-03")
    add(workspace, "2026-11-09", "my-own-tag", "burnout")
    add(workspace, "2026-11-16", "my-own-tag")  # last tagged day: outside the framework
    add(workspace, "2026-11-17", text="Untagged, last of all.")
    for framework in (None, "healthcare-leadership"):
        found = workspace.patterns.compute(
            PatternOptions(asof=date(2026, 11, 30), framework=framework)
        )
        for series in (found.timeline, found.timeline_weeks):
            # Read in part first (nothing counted yet), then whole.
            span = series.span()
            parts = {p: series.since(p) for p in ("2017-01", "2017-W10", "2024-06", "2026-W46")}
            rows = tuple(series)
            assert rows and all(isinstance(r, PeriodCount) for r in rows)
            assert span == (rows[0].period, rows[-1].period)
            for period, part in parts.items():
                assert part == tuple(r for r in rows if r.period >= period), period
            # Once made, the rows answer the same.
            assert series.span() == span
            assert {p: series.since(p) for p in parts} == parts
            assert series == rows and len(series) == len(rows) and series[0] == rows[0]
        if framework is None:
            assert found.timeline.span() == ("2017-01", "2026-11")
            assert found.timeline_weeks.span() == ("2017-W01", "2026-W47")
        else:  # my-own-tag is not the framework's: its days have no row
            assert found.timeline.span() == ("2017-03", "2026-11")
            assert found.timeline_weeks.span() == ("2017-W10", "2026-W46")
            assert all(r.slug != "my-own-tag" for r in found.timeline_weeks)
    weeks = {(r.period, r.slug): r.count for r in found.timeline_weeks.since("2026-W45")}
    assert weeks == {("2026-W45", "resilience"): 1, ("2026-W46", "burnout"): 1}


def test_a_journal_without_tags_has_empty_series(workspace):
    add(workspace, "2026-11-02", text="Untagged.")
    add(workspace, "2026-11-02", text="Untagged too.")  # a day of two untagged entries
    found = workspace.patterns.compute(PatternOptions(asof=date(2026, 11, 30)))
    for series in (found.timeline, found.timeline_weeks):
        assert series.span() is None and series.since("2026-W01") == () and len(series) == 0


def test_day_labels_share_iso_weeks_by_day_number():
    """A day's ISO week comes from ``number // 7`` (day 0, 1 January of year 1, is a Monday),
    made once per week: it must be the calendar's ISO week at year ends and decades apart."""
    from datetime import timedelta

    from reflectjournal.services.patterns.scan import day_number, labels

    weeks: dict[int, str] = {}
    starts = (date(1, 1, 1), date(1926, 12, 25), date(2018, 12, 28), date(2020, 12, 26))
    for start in starts:
        for offset in range(0, 400):
            day = start + timedelta(days=offset)
            year, week, _ = day.isocalendar()
            expected = (day.isoformat(), day.isoformat()[:7], f"{year:04d}-W{week:02d}")
            assert labels(day_number(day), weeks) == expected, day
    assert labels(day_number(date(2021, 1, 3)), {})[2] == "2020-W53"
    assert labels(day_number(date(2018, 12, 31)), {})[2] == "2019-W01"
