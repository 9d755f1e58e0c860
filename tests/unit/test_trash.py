"""The Trash: a deleted entry comes back whole within 30 days, then goes for good."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reflectjournal.errors import NotFound
from reflectjournal.services.entries import EntryFilter


def test_deleted_entry_comes_back_with_everything(workspace):
    journal = workspace.journal
    entry = journal.add(
        "",
        title="Gibbs on the night shift",
        model="gibbs",
        sections={"description": "Two off sick.", "action-plan": "- Ring HR by 12 December"},
        tags=["burnout", "e-rostering"],
        mood=2,
        energy=3,
        when=datetime(2026, 11, 3, 21, 15, tzinfo=UTC),
    )
    [action] = workspace.coaching.actions_from_entry(entry)
    before = journal.entry(entry)
    trash_id = workspace.trash.move(entry)
    assert journal.count() == 0
    assert journal.found("night", EntryFilter()) == []  # out of search too
    [kept] = workspace.trash.list()
    assert kept.id == trash_id and kept.title == "Gibbs on the night shift"
    assert workspace.coaching.get_action(action).entry_id is None
    restored = workspace.trash.restore(trash_id)
    after = journal.entry(restored)
    for key in ("title", "body", "sections", "tags", "mood", "energy", "model", "created"):
        assert getattr(after, key) == getattr(before, key), key
    assert workspace.coaching.get_action(action).entry_id == restored
    assert [e.id for e in journal.found("night", EntryFilter())] == [restored]
    assert workspace.trash.list() == []


def test_a_session_note_comes_back_with_its_session(workspace):
    person = workspace.people.add("Sam Patel", "coachee")
    session = workspace.coaching.add_session(person, notes="We talked rotas.", actions=["Ring HR"])
    entry_id = workspace.coaching.get_session(session).entry_id
    trash_id = workspace.trash.move(entry_id)
    assert workspace.coaching.list_sessions() == []
    workspace.trash.restore(trash_id)
    [back] = workspace.coaching.list_sessions()
    assert back.title == "Session with Sam Patel"
    actions = workspace.coaching.list_actions()
    assert [a.text for a in actions] == ["Ring HR"]


def test_after_thirty_days_it_is_gone_for_good(workspace):
    entry = workspace.journal.add("Old news.")
    workspace.trash.move(entry)
    assert workspace.trash.purge(datetime.now(UTC) + timedelta(days=29)) == 0
    assert len(workspace.trash.list()) == 1
    assert workspace.trash.purge(datetime.now(UTC) + timedelta(days=31)) == 1
    assert workspace.trash.list() == []
    # Nothing of it is left in the file's tables either.
    assert workspace.db.scalar("SELECT count(*) FROM trash") == 0


def test_empty_and_bad_ids(workspace):
    for text in ("one", "two"):
        workspace.trash.move(workspace.journal.add(text))
    with pytest.raises(NotFound, match="Trash"):
        workspace.trash.restore(999)
    with pytest.raises(NotFound, match="not a Trash id"):
        workspace.trash.restore("x")
    with pytest.raises(NotFound):
        workspace.trash.move(12345)
    assert workspace.trash.empty() == 2 and workspace.trash.list() == []


def test_cli_delete_goes_to_the_trash_and_comes_back(cli, monkeypatch):
    import json

    from reflectjournal.cli import context

    assert cli("init", "--name", "Jo")[0] == 0
    entry_id = cli("add", "Rota gaps.", "--title", "Rota")[1].strip()
    # On a terminal, delete asks first; "n" keeps the entry.
    monkeypatch.setattr(context, "_tty", lambda: True)
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("n\n"))
    code, out, _ = cli("delete", entry_id)
    assert code == 1 and "Nothing was deleted" in out
    assert cli("show", entry_id)[0] == 0
    code, out, _ = cli("delete", entry_id, "--yes")
    assert code == 0 and "Trash" in out
    assert cli("show", entry_id)[0] == 1
    listed = json.loads(cli("trash", "list", "--json")[1])
    assert [t["title"] for t in listed] == ["Rota"]
    code, out, _ = cli("trash", "restore", str(listed[0]["id"]), "--json")
    assert code == 0
    restored = json.loads(out)["id"]
    assert json.loads(cli("show", str(restored), "--json")[1])["body"] == "Rota gaps."
    code, _, err = cli("trash", "restore", "77")
    assert code == 1 and "nothing numbered 77" in err and "Traceback" not in err


def test_cli_empty_needs_yes_without_a_terminal(cli):
    assert cli("init", "--name", "Jo")[0] == 0
    entry_id = cli("add", "x")[1].strip()
    assert cli("delete", entry_id)[0] == 0  # no terminal: nothing to ask
    code, _, err = cli("trash", "empty")
    assert code != 0 and "--yes" in err
    assert cli("trash", "empty", "--yes")[0] == 0
    assert cli("trash", "list")[1].strip() == "The Trash is empty."


def test_attachments_and_links_come_back_with_the_entry(workspace):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 10), "red").save(buffer, "PNG")
    target = workspace.journal.add("The target.", title="Target")
    entry = workspace.journal.add("See [[Target]] and the board ![[board.png]]", title="Source")
    workspace.attachments.add(entry, "board.png", buffer.getvalue())
    before = [(a.name, a.size) for a in workspace.attachments.for_entry(entry)]
    links_before = workspace.db.query(
        "SELECT target_id FROM entry_link WHERE source_id = ?", (entry,)
    )
    restored = workspace.trash.restore(workspace.trash.move(entry))
    assert [(a.name, a.size) for a in workspace.attachments.for_entry(restored)] == before
    data = workspace.attachments.data(workspace.attachments.for_entry(restored)[0].id)
    assert data == buffer.getvalue()  # the bytes themselves, not a copy of a name
    links_after = workspace.db.query(
        "SELECT target_id FROM entry_link WHERE source_id = ?", (restored,)
    )
    assert [r[0] for r in links_after] == [r[0] for r in links_before] == [
        target
    ] or not links_before
