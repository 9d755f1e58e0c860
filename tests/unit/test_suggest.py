"""Tag suggestions: framework keywords plus naive Bayes over the leader's own tagging."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from pathlib import Path

from reflectjournal.services.suggest import (
    TagSuggester,
    precision_at_k,
    precision_on_sample,
    stem,
)

SAMPLE = Path(__file__).parent / "data" / "suggest_sample.toml"


def test_keywords_of_framework_items(workspace):
    found = TagSuggester(workspace.db).suggest("Another week of rota gaps and agency staff.")
    slug, score, reason = found[0]
    assert slug == "workforce-pressures"
    # Two keyword hits, no history: half of (1.0 + 0) / 2, plus half its closeness to the
    # item's description (between 0 and 1).
    assert 0.25 < score <= 0.75
    assert "“agency staff”" in reason and "“rota”" in reason


def test_empty_or_unrelated_text_gives_nothing(workspace):
    s = TagSuggester(workspace.db)
    assert s.suggest("") == [] and s.suggest("   ") == []
    assert s.suggest("Blue sky over the car park.") == []
    assert s.suggest("rota", top=0) == []


def test_learns_the_leaders_own_vocabulary(workspace):
    j = workspace.journal
    for text in ("Bluebell ward wobbling again", "Bluebell felt heavy today", "Bluebell night"):
        j.add(text, tags=["my-ward"])
    for text in ("Budget papers for the board", "Board budget slipped", "Papers late"):
        j.add(text, tags=["board-work"])
    s = TagSuggester(workspace.db)
    slug, score, reason = s.suggest("Bluebell is struggling")[0]
    assert slug == "my-ward" and score >= 0.25  # the whole of the history signal
    assert "3 of your entries tagged My ward" in reason
    assert s.suggest("The board budget")[0][0] == "board-work"
    # Tags already on the entry are not offered again.
    assert "my-ward" not in [x[0] for x in s.suggest("Bluebell", exclude=["my-ward"])]


def test_held_out_entries_are_not_learned(workspace):
    j = workspace.journal
    ids = [j.add("Bluebell again", tags=["my-ward"]) for _ in range(3)]
    j.add("Other ward", tags=["elsewhere"])
    j.add("Other place", tags=["elsewhere"])
    held = TagSuggester(workspace.db, hold_out=ids).suggest("Bluebell")
    assert "my-ward" not in [x[0] for x in held]


def test_unused_frameworks_stay_quiet(workspace):
    text = "We need to hold people to account for performance."
    before = [x[0] for x in TagSuggester(workspace.db).suggest(text, top=10)]
    assert not any(slug.startswith("nhs-") for slug in before)
    workspace.journal.add("Appraisals", tags=["nhs-holding-to-account"])
    after = [x[0] for x in TagSuggester(workspace.db).suggest(text, top=10)]
    assert "nhs-holding-to-account" in after


def _sample(name: str) -> list[dict]:
    with SAMPLE.open("rb") as f:
        return tomllib.load(f)[name]


def test_stemming_joins_word_forms_only():
    assert stem("referrals") == stem("referral") and stem("rotas") == stem("rota")
    assert stem("running") == "run" and stem("boxes") == "box" and stem("bodies") == "body"
    assert stem("classes") == stem("class") == "class" and stem("census") == "census"
    assert stem("rates") != stem("raters")  # "infection rates" is not about raters
    assert stem("ics") == "ics" and stem("bed") == "bed"  # short words stay whole


def test_word_forms_and_punctuation_still_match_keywords(workspace):
    s = TagSuggester(workspace.db)
    # "referrals" and "waiting list" are keywords; the text has other forms of them.
    assert s.suggest("Referral numbers doubled and the waiting lists grow.")[0][0] == (
        "demand-management"
    )
    # "c diff" and "hand hygiene": the full stop in "C. diff" must not hide the keyword.
    slug, score, reason = s.suggest("Two C. diff cases; hand-hygiene audit on Monday.")[0]
    assert slug == "infection-rates" and "“c diff”" in reason


def test_keywords_shared_by_items_count_for_less(workspace):
    db = workspace.db
    for slug, keywords in (
        ("whiteboard-a", ["whiteboard", "bleep"]),
        ("whiteboard-b", ["whiteboard"]),
    ):
        db.execute(
            "INSERT INTO tag (slug, name, category, description, keywords, questions, calls_for, "
            "position, private) VALUES (?, ?, 'free', '', ?, '[]', '[]', 0, 0)",
            (slug, slug, json.dumps(keywords)),
        )
    s = TagSuggester(db)
    found = {slug: score for slug, score, _ in s.suggest("whiteboard, bleep")}
    assert found["whiteboard-a"] > found["whiteboard-b"]
    ids = dict(db.query("SELECT slug, id FROM tag WHERE slug LIKE 'whiteboard-%'"))
    keyword, _ = s._keyword_scores(["whiteboard", "bleep"])
    # a: half of the shared word plus the whole of its own = 1.5 of the 2 that saturate.
    assert keyword[ids["whiteboard-a"]] == 0.75 and keyword[ids["whiteboard-b"]] == 0.25


def test_scope_items_rank_below_themes(workspace):
    # Two hits each: "my team" and "huddle" (a level item), "rota" and "locum" (a challenge).
    found = TagSuggester(workspace.db).suggest("My team huddle sorted the rota and a locum.")
    assert [slug for slug, _, _ in found[:2]] == ["workforce-pressures", "team-leadership"]
    assert found[1][1] < found[0][1] * 0.6  # the scope item's keywords count for half


def test_bad_input_gives_nothing_and_keeps_working(workspace):
    s = TagSuggester(workspace.db)
    for text in ("!!!", "12 34", "\x00\u202e", "a" * 20000):
        assert s.suggest(text) == []
    assert s.suggest("agency staff")[0][0] == "workforce-pressures"


def test_held_out_sample_without_history(workspace):
    """Keywords alone, on a new journal: labelled texts the suggester never saw."""
    tuned = precision_on_sample(workspace.db, _sample("sample"))
    untuned = precision_on_sample(workspace.db, _sample("untuned"))
    print("keywords only:", "sample", tuned, "untuned", untuned)
    assert tuned["texts"] >= 40 and untuned["texts"] >= 20
    # Floors below today's figures (0.413 / 1.0 and 0.194 / 0.583): before this work the
    # suggester scored 0.175 / 0.524 and 0.153 / 0.458 here.
    assert tuned["precision"] >= 0.35 and tuned["hit_rate"] >= 0.9
    assert untuned["precision"] >= 0.17 and untuned["hit_rate"] >= 0.5


def _heldout() -> list[dict]:
    path = Path(__file__).parent / "data" / "suggest_heldout.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))["heldout"]


def test_held_out_sample_of_111_never_used_for_tuning(workspace, tmp_path):
    """The figure in README: 111 snippets labelled before any change was tried on them."""
    from reflectjournal.services import demo

    sample = _heldout()
    assert len(sample) >= 100
    fresh = precision_on_sample(workspace.db, sample)
    ws = demo.generate(tmp_path / "demo.rj", today=date(2026, 11, 26))
    try:
        with_history = precision_on_sample(ws.db, sample)
    finally:
        ws.close()
    print("held out, new journal:", fresh, "with the demo as history:", with_history)
    # Measured 0.901 / 0.345 (new journal) and 0.901 / 0.342 (demo history); before this
    # change the same sample gave 0.829 / 0.300 with the demo history.
    assert fresh["hit_rate"] >= 0.85 and with_history["hit_rate"] >= 0.85
    assert fresh["precision"] >= 0.3 and with_history["precision"] >= 0.3


def test_precision_on_the_demo_journal(tmp_path):
    """Reported in the issue note. Leave-one-text-out, so the model never saw the text."""
    from reflectjournal.services import demo

    ws = demo.generate(tmp_path / "demo.rj", today=date(2026, 11, 26))
    try:
        result = precision_at_k(ws.db, 3)
        tuned = precision_on_sample(ws.db, _sample("sample"))
        untuned = precision_on_sample(ws.db, _sample("untuned"))
    finally:
        ws.close()
    print("precision@3 on the demo journal:", result)
    print("with the demo as history:", "sample", tuned, "untuned", untuned)
    assert result["texts"] >= 15
    # Chance is ~0.03 (3 right tags among ~90 items). Floors a little under today's figures
    # (demo 0.345 / 0.857, sample 0.429 / 1.0, untuned 0.236 / 0.667); before: 0.226 / 0.571.
    assert result["precision"] >= 0.3 and result["hit_rate"] >= 0.75
    assert tuned["precision"] >= 0.37 and tuned["hit_rate"] >= 0.9
    assert untuned["precision"] >= 0.2 and untuned["hit_rate"] >= 0.6


def test_cli_suggest(cli):
    cli("init", "--name", "T")
    code, out, err = cli("suggest", "rota gaps and sickness absence", "--json")
    assert code == 0, err
    found = json.loads(out)
    assert found[0]["slug"] == "workforce-pressures" and set(found[0]) == {
        "slug",
        "score",
        "reason",
    }
    code, out, _ = cli("suggest", "zzz")
    assert code == 0 and out.strip() == "No suggestions for this text."
