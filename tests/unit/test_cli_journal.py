"""Round trips of every journal command through the real CLI entry point."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def journal(cli):
    code, out, err = cli("init", "--name", "Ana Leader")
    assert code == 0, err
    return cli


def test_init_refuses_to_overwrite(journal):
    before = journal.journal.read_bytes()
    code, _, err = journal("init")
    assert code != 0
    assert "already exists" in err and err.count("\n") == 1
    assert journal.journal.read_bytes() == before


def test_issue_example_add_then_list_by_tag(journal):
    code, out, _ = journal("add", "Short-staffed again on nights.", "--tag", "burnout")
    assert code == 0 and out.strip().isdigit()
    code, out, _ = journal("list", "--tag", "burnout", "--json")
    entries = json.loads(out)
    assert [e["body"] for e in entries] == ["Short-staffed again on nights."]
    entry = entries[0]
    assert set(entry) >= {
        "id",
        "kind",
        "title",
        "body",
        "created",
        "updated",
        "tags",
        "mood",
        "energy",
        "visibility",
        "model",
        "comments",
    }
    assert entry["tags"] == ["burnout"] and entry["kind"] == "reflection"
    assert entry["visibility"] == "private" and entry["mood"] is None


def test_tag_spellings_mean_the_same_slug(journal):
    for spelling in ("@Burnout", "#burnout", "Burnout"):
        journal("add", f"note {spelling}", "--tag", spelling)
    code, out, _ = journal("list", "--tag", "burnout", "--json")
    assert len(json.loads(out)) == 3
    code, out, _ = journal("tags", "--json")
    tags = {t["slug"]: t for t in json.loads(out)}
    assert tags["burnout"]["count"] == 3
    assert tags["burnout"]["framework"] == "healthcare-leadership"


def test_unknown_slug_becomes_free_tag(journal):
    journal("add", "Ward 7 huddle went well", "--tag", "Night Huddles")
    tags = {t["slug"]: t for t in json.loads(journal("tags", "--json")[1])}
    assert tags["night-huddles"] == {
        "slug": "night-huddles",
        "name": "Night Huddles",
        "category": "free",
        "framework": None,
        "count": 1,
    }


def test_add_all_options_and_show(journal):
    code, out, _ = journal(
        "add",
        "Difficult conversation with the board.",
        "--title",
        "Board",
        "--tag",
        "external-pressures",
        "--date",
        "2026-03-01T09:30:00+00:00",
        "--mood",
        "2",
        "--energy",
        "4",
        "--visibility",
        "mentor",
        "--json",
    )
    entry = json.loads(out)
    assert entry["title"] == "Board" and entry["mood"] == 2 and entry["energy"] == 4
    assert entry["visibility"] == "mentor" and entry["created"] == "2026-03-01T09:30:00+00:00"
    code, out, _ = journal("show", entry["id"], "--json")
    assert json.loads(out)["body"] == "Difficult conversation with the board."
    code, out, _ = journal("show", entry["id"])
    assert "Board" in out and "@external-pressures" in out


def test_stdin_body(journal, monkeypatch):
    import io
    import sys

    fake = io.TextIOWrapper(io.BytesIO("From stdin — ünïcødé 🙂\nline two".encode()))
    monkeypatch.setattr(sys, "stdin", fake)
    code, out, _ = journal("add", "-", "--json")
    assert json.loads(out)["body"] == "From stdin — ünïcødé 🙂\nline two"


def test_model_sections_are_stored(journal):
    body = "## Description\nThe handover ran late.\n\n## Action plan\n- Start at 19:45\n"
    code, out, _ = journal("add", body, "--model", "gibbs", "--json")
    entry = json.loads(journal("show", json.loads(out)["id"], "--json")[1])
    assert entry["model"] == "gibbs"
    assert entry["sections"] == {
        "description": "The handover ran late.",
        "action-plan": "- Start at 19:45",
    }
    assert entry["title"] == "The handover ran late."


def test_edit_and_delete(journal):
    entry_id = journal("add", "first draft", "--tag", "burnout")[1].strip()
    code, _, err = journal("edit", entry_id, "second draft", "--tag", "resilience", "--mood", "4")
    assert code == 0, err
    entry = json.loads(journal("show", entry_id, "--json")[1])
    assert entry["body"] == "second draft" and entry["tags"] == ["resilience"]
    assert entry["mood"] == 4
    journal("edit", entry_id, "--add-tag", "burnout", "--remove-tag", "resilience")
    assert json.loads(journal("show", entry_id, "--json")[1])["tags"] == ["burnout"]
    assert journal("delete", entry_id)[0] == 0
    code, _, err = journal("show", entry_id)
    assert code == 1 and f"no entry {entry_id}" in err


def test_list_filters(journal):
    journal("add", "old", "--date", "2025-01-10", "--tag", "burnout")
    journal("add", "mid", "--date", "2025-06-10", "--tag", "burnout", "--tag", "resilience")
    journal("add", "new", "--date", "2026-01-10", "--tag", "resilience")

    def bodies(*args):
        return [e["body"] for e in json.loads(journal("list", *args, "--json")[1])]

    assert bodies() == ["new", "mid", "old"]
    assert bodies("--tag", "burnout", "--tag", "resilience") == ["mid"]
    assert bodies("--since", "2025-06-10") == ["new", "mid"]
    assert bodies("--until", "2025-06-10") == ["mid", "old"]
    assert bodies("--limit", "1") == ["new"]
    assert bodies("--kind", "session") == []
    assert bodies("--tag", "no-such-tag") == []


def test_search_best_match_first_and_odd_text(journal):
    journal("add", "Budget meeting, then a long walk.")
    journal("add", "Budget budget budget: the financial plan dominated.", "--title", "Budget")
    code, out, _ = journal("search", "budget", "--json")
    assert [e["title"] for e in json.loads(out)][0] == "Budget"
    for odd in [
        '"',
        "NEAR(",
        "title:",
        "*",
        "a OR",
        "-",
        "()",
        "😀",
        "\\",
        "'; DROP TABLE entry;--",
    ]:
        code, out, err = journal("search", odd, "--json")
        assert code == 0, (odd, err)
        assert isinstance(json.loads(out), list)


def test_rate_and_frameworks(journal):
    code, out, _ = journal(
        "rate", "resilience", "3", "--date", "2026-01-01", "--note", "ok", "--json"
    )
    rated = json.loads(out)
    assert isinstance(rated.pop("id"), int)
    assert rated == {
        "slug": "resilience",
        "name": "Resilience",
        "value": 3,
        "date": "2026-01-01",
        "note": "ok",
    }
    code, _, err = journal("rate", "no-such-capability", "3")
    assert code == 1 and "no capability" in err
    code, _, err = journal("rate", "resilience", "9")
    assert code == 2
    frameworks = json.loads(journal("frameworks", "--json")[1])
    slugs = {f["slug"]: f for f in frameworks}
    assert {"healthcare-leadership", "nhs-healthcare-leadership-model", "leads"} <= set(slugs)
    assert len(slugs["nhs-healthcare-leadership-model"]["items"]) == 9


def test_frameworks_add_user_file(journal, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        '[framework]\nslug = "my-values"\nname = "My values"\n'
        '[[categories]]\nslug = "value"\nname = "Values"\n'
        '[[items]]\nslug = "candour"\nname = "Candour"\ncategory = "value"\n',
        encoding="utf-8",
    )
    code, out, err = journal("frameworks", "add", str(path))
    assert code == 0, err
    journal("add", "Told the truth", "--tag", "candour")
    tags = {t["slug"]: t for t in json.loads(journal("tags", "--json")[1])}
    assert tags["candour"]["framework"] == "my-values" and tags["candour"]["count"] == 1
    bad = tmp_path / "bad.toml"
    bad.write_text("[framework\n", encoding="utf-8")
    code, _, err = journal("frameworks", "add", str(bad))
    assert code == 2 and "not valid TOML" in err


@pytest.mark.parametrize(
    "args, message",
    [
        (("add", "x", "--mood", "9"), "from 1 to 5"),
        (("add", "x", "--date", "yesterdayish"), "not a date"),
        (("list", "--since", "31/31/2025"), "not a date"),
        (("show", "abc"), "not an entry id"),
        (("add", "x", "--model", "nope"), "no reflection model"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(journal, args, message):
    before = json.loads(journal("list", "--json")[1])
    code, out, err = journal(*args)
    assert code != 0
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert json.loads(journal("list", "--json")[1]) == before


def test_wrong_passphrase_leaves_file_identical(journal, tmp_path):
    journal("add", "something")
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase", encoding="utf-8")
    wrong.chmod(0o600)
    snapshot = {p.name: p.read_bytes() for p in tmp_path.glob("journal.rj*")}
    code, out, err = journal("list", passphrase=wrong)
    assert code == 1 and out == ""
    assert "passphrase" in err and err.count("\n") == 1
    assert {p.name: p.read_bytes() for p in tmp_path.glob("journal.rj*")} == snapshot


def test_missing_journal(cli, tmp_path):
    code, _, err = cli("list", journal_path=tmp_path / "nope.rj")
    assert code == 1 and "No journal at" in err


def test_not_a_journal(cli, tmp_path):
    text = tmp_path / "notes.rj"
    text.write_text("just some text, long enough to have a salt-sized head", encoding="utf-8")
    before = text.read_bytes()
    code, _, err = cli("list", journal_path=text)
    assert code == 1 and "not a ReflectJournal journal" in err
    assert text.read_bytes() == before


def test_passphrase_change(journal, tmp_path, monkeypatch):
    entry_id = journal("add", "keep me")[1].strip()
    new = tmp_path / "new.txt"
    new.write_text("a brand new passphrase", encoding="utf-8")
    new.chmod(0o600)
    code, out, err = journal("passphrase", "change", "--new-passphrase-file", str(new))
    assert code == 0, err
    assert journal("show", entry_id)[0] == 1  # old passphrase no longer opens it
    code, out, _ = journal("show", entry_id, "--json", passphrase=new)
    assert json.loads(out)["body"] == "keep me"


def test_unencrypted_journal(cli, tmp_path):
    path = tmp_path / "plain.rj"
    assert cli("init", "--unencrypted", journal_path=path)[0] == 0
    assert path.read_bytes()[:16] == b"SQLite format 3\x00"
    code, _, err = cli("add", "plain text", journal_path=path)
    assert code == 1 and "--unencrypted" in err  # never opened silently
    from reflectjournal.cli.main import main

    assert main(["--journal", str(path), "--unencrypted", "add", "plain text"]) == 0
    assert main(["--journal", str(path), "--unencrypted", "list", "--json"]) == 0


def test_show_html_is_sanitised(journal):
    entry_id = journal("add", "**bold** <script>alert(1)</script> [x](javascript:alert(1))")[1]
    code, out, _ = journal("show", entry_id.strip(), "--html")
    assert "<strong>bold</strong>" in out
    assert "<script" not in out and "javascript:" not in out


def test_locked_without_any_key(cli, tmp_path, monkeypatch):
    from reflectjournal.cli.main import main

    cli("init")
    code = main(["--journal", str(cli.journal), "list"])
    assert code == 1
