"""Links between entries: [[Title]] and [text](Note.md) lead to entries; others are text."""

from __future__ import annotations

import json

from reflectjournal.services.links import link_key, targets_in, wikilinks
from reflectjournal.services.rendering import render_markdown


def rendered(workspace, entry_id):
    body = workspace.journal.entry(entry_id).body
    return render_markdown(body, workspace.links.context(entry_id, body))


def test_wikilinks_are_read_with_anchor_alias_and_embed_outside_code():
    text = (
        "See [[Help and support#Contact Obsidian support]] and [[Ward 7|the ward]].\n"
        "![[board.png]] [[#Report violations]] `[[not a link]]`\n"
        "```\n[[nor this]]\n```\n| [[Table note\\|alias]] |"
    )
    found = [(w.target, w.anchor, w.alias, w.embed) for w in wikilinks(text)]
    assert found == [
        ("Help and support", "Contact Obsidian support", None, False),
        ("Ward 7", "", "the ward", False),
        ("board.png", "", None, True),
        ("", "Report violations", None, False),
        ("Table note", "", "alias", False),
    ]
    assert targets_in(text) == ["help and support", "ward 7", "board.png", "table note"]
    assert link_key("  Ward   7.md ") == "ward 7"


def test_a_link_by_title_leads_to_the_entry_and_shows_the_alias(workspace):
    handover = workspace.journal.add("We agreed the route.", title="Handover meeting")
    note = workspace.journal.add(
        "After [[handover MEETING|the handover]] and [[Handover meeting#Actions]]; "
        "[[Nobody wrote this]] and [[#Local heading]]."
    )
    html = rendered(workspace, note)
    assert f'<a href="rj-entry:{handover}" rel="noopener noreferrer">the handover</a>' in html
    assert (
        f'<a href="rj-entry:{handover}" rel="noopener noreferrer">Handover meeting › Actions</a>'
        in html
    )
    assert "Nobody wrote this" in html and "Local heading" in html
    assert html.count("<a ") == 2
    assert "[[" not in html and "|" not in html


def test_linked_from_lists_the_entries_that_link_here(workspace):
    target = workspace.journal.add("x", title="Rota review")
    first = workspace.journal.add("See [[Rota review]].", title="Monday")
    workspace.journal.add("Nothing here.", title="Tuesday")
    assert [e.id for e in workspace.links.linked_from(target)] == [first]
    assert [e.id for e in workspace.links.links_to(first)] == [target]
    workspace.journal.edit(first, body="No more link.")
    assert workspace.links.linked_from(target) == []


def test_a_resolved_link_keeps_its_entry_when_the_target_is_renamed(workspace):
    target = workspace.journal.add("x", title="Rota review")
    note = workspace.journal.add("See [[Rota review]].")
    workspace.journal.edit(target, title="Rota review (March)")
    workspace.journal.edit(note, body="See [[Rota review]] again.")
    assert f'href="rj-entry:{target}"' in rendered(workspace, note)


def test_deleting_the_target_makes_the_link_plain_text(workspace):
    target = workspace.journal.add("x", title="Rota review")
    note = workspace.journal.add("See [[Rota review]].")
    workspace.journal.delete(target)
    assert workspace.db.scalar("SELECT count(*) FROM entry_link") == 0
    assert "rj-entry" not in rendered(workspace, note)


def test_titles_for_completion_start_with_what_was_typed_first(workspace):
    workspace.journal.add("x", title="Ward rounds")
    workspace.journal.add("x", title="Sepsis: ward learning")
    workspace.journal.add("x", title="Budget")
    assert workspace.links.titles("war") == ["Ward rounds", "Sepsis: ward learning"]
    assert workspace.links.titles("100%_") == []


def test_cli_links_and_show_html(cli):
    assert cli("init", "--name", "Ana")[0] == 0
    cli("add", "x", "--title", "Rota review")
    cli("add", "See [[Rota review|the review]].", "--title", "Monday")
    code, out, _ = cli("links", "2", "--json")
    assert code == 0
    data = json.loads(out)
    assert [e["id"] for e in data["links_to"]] == [1] and data["linked_from"] == []
    assert [e["id"] for e in json.loads(cli("links", "1", "--json")[1])["linked_from"]] == [2]
    code, out, _ = cli("show", "2", "--html")
    assert 'href="rj-entry:1"' in out and "the review" in out


def test_callouts_render_as_labelled_blocks(workspace):
    html = render_markdown(
        "> [!warning] Staffing\n> Three vacancies.\n\n> [!tip]\n> Ask.\n\n"
        "> [!faq]- Folded\n> Why?\n\n> [!custom-thing] Mine\n> text\n\n> plain quote"
    )
    assert (
        '<blockquote class="callout callout-warning">\n<p><strong>Warning:</strong> Staffing</p>'
        in html
    )
    assert '<blockquote class="callout callout-tip">\n<p><strong>Tip</strong></p>' in html
    assert "<p><strong>Question:</strong> Folded</p>" in html
    assert "<p><strong>Custom thing:</strong> Mine</p>" in html
    assert "<blockquote>\n<p>plain quote</p>" in html
    assert "[!" not in html


def test_callouts_are_sanitised_like_everything_else():
    html = render_markdown(
        '> [!warning] <script>alert(1)</script><img src=x onerror=y>\n> <a href="javascript:x">b</a>'
    )
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html
    assert 'class="callout callout-warning"' in html
    # a class the extension did not make is removed
    assert 'class="evil"' not in render_markdown('<blockquote class="evil">x</blockquote>')


def test_an_entry_written_after_the_link_to_it_is_linked_from_at_once(workspace):
    early = workspace.journal.add("Plan: [[Rota review|the review]] next week.", title="Monday")
    assert "rj-entry" not in rendered(workspace, early)
    target = workspace.journal.add("We reviewed the rota.", title="Rota review")
    assert [e.id for e in workspace.links.linked_from(target)] == [early]
    assert f'href="rj-entry:{target}"' in rendered(workspace, early)
    # Renaming an entry to a title someone linked to adopts those links as well.
    other = workspace.journal.add("[[Budget day]]", title="Tuesday")
    budget = workspace.journal.add("x", title="Budget draft")
    workspace.journal.edit(budget, title="Budget day")
    assert [e.id for e in workspace.links.linked_from(budget)] == [other]
