"""Issue 17: a list page reads only the start of each body, and hashes only the entries that
have comments, from their whole text, so a comment on the current version is never shown as
one on an earlier version because the list row was cut short."""

from __future__ import annotations

import uuid

from reflectjournal.services import entries as E
from reflectjournal.services.entries import EntryFilter


def _comment(workspace, entry_id: int, text: str, version_hash: str) -> None:
    with workspace.db.transaction():
        workspace.db.execute(
            "INSERT INTO comment(uid, entry_id, author, author_id, text, created, entry_hash, "
            "outgoing, sent) VALUES (?, ?, 'Bob Mentor', NULL, ?, '2026-11-30T10:00:00+00:00', "
            "?, 0, 0)",
            (uuid.uuid4().hex, entry_id, text, version_hash),
        )


def test_comments_on_listed_rows_keep_their_version_when_bodies_are_cut(workspace):
    journal = workspace.journal
    body = "Rota gaps again on the night shift. " * 40  # far longer than a list row keeps
    current = journal.add(body, title="Long")
    edited = journal.add("First words.", title="Edited")
    plain = journal.add("No comments here.", title="Plain")
    stored = journal.entry(current).body
    _comment(workspace, current, "On this version.", E.content_hash("Long", stored))
    _comment(workspace, edited, "On the first version.", E.content_hash("Edited", "First words."))
    journal.edit(edited, body="Second words.")

    for rows in (
        journal.entries(EntryFilter(), body_chars=100),
        journal.found("rota", EntryFilter(), body_chars=100),
        journal.entries(EntryFilter()),
    ):
        by_id = {r.id: r for r in rows}
        assert [(c.text, c.earlier_version) for c in by_id[current].comments] == [
            ("On this version.", False)
        ]
    for rows in (journal.entries(EntryFilter(), body_chars=5), journal.entries(EntryFilter())):
        by_id = {r.id: r for r in rows}
        assert [(c.text, c.earlier_version) for c in by_id[edited].comments] == [
            ("On the first version.", True)
        ]
        assert by_id[plain].comments == ()
    assert len(journal.entries(EntryFilter(), body_chars=100)[-1].body) <= 100
