"""Issue 18 in the services: task boxes render, free tags keep their spelling, plural nouns."""

from __future__ import annotations

from reflectjournal.services.rendering import render_markdown
from reflectjournal.services.tags import name_as_written


def test_task_list_items_render_as_boxes_not_brackets():
    html = render_markdown("- [ ] ring HR\n- [x] book the room\n- plain item")
    assert "☐ ring HR" in html and "☑ book the room" in html
    assert "[ ]" not in html and "[x]" not in html
    assert "<li>plain item</li>" in html


def test_a_free_tag_keeps_its_spelling(workspace):
    assert name_as_written("#e-rostering ") == "e-rostering"
    assert workspace.journal.add_free_tags(["#e-rostering"]) == ["e-rostering"]
    entry = workspace.journal.add("Rota software again.", tags=["e-rostering", "my-ward"])
    names = {row.slug: row.name for row in workspace.journal.tag_counts()}
    assert names["e-rostering"] == "e-rostering"  # as typed in the app
    assert names["my-ward"] == "My ward"  # a slug given on the command line reads as words
    assert set(workspace.journal.entry(entry).tags) == {"e-rostering", "my-ward"}


def test_tag_rows_carry_their_keywords(workspace):
    rows = {row.slug: row for row in workspace.journal.tag_counts()}
    assert any("staff" in word for word in rows["workforce-pressures"].keywords)


def test_an_entrys_own_headings_sit_below_its_title_in_exports():
    from reflectjournal.domain.enums import Kind, Visibility
    from reflectjournal.services.entry_records import EntryRecord
    from reflectjournal.services.exporters.html_export import entry_html

    html = entry_html(
        EntryRecord(
            id=1,
            uid="u1",
            kind=Kind.REFLECTION,
            title="Gibbs",
            body="## Description\n\nText\n\n# Big",
            created="2026-11-30T09:00:00+00:00",
            updated="2026-11-30T09:00:00+00:00",
            tags=(),
            mood=None,
            energy=None,
            visibility=Visibility.PRIVATE,
            model="gibbs",
            starred=False,
        )
    )
    assert "<h2>Gibbs</h2>" in html and "<h3>Description</h3>" in html and "<h2>Big</h2>" in html
