"""Issue 23: an Obsidian vault comes in as its owner wrote it (tests/fixtures/vault_fixture.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "fixtures"))

from vault_fixture import DAILY_TAGS, EXPECTED, NOT_TAGS, make_vault

from reflectjournal.cli.shapes import import_report_json
from reflectjournal.services.rendering import render_markdown


@pytest.fixture
def imported(workspace, tmp_path):
    vault = make_vault(tmp_path / "vault")
    report = workspace.imports.run("markdown", vault)
    ids = {row[1]: row[0] for row in workspace.db.query("SELECT id, title FROM entry ORDER BY id")}
    return workspace, report, ids


def _html(workspace, entry_id):
    body = workspace.journal.entry(entry_id).body
    return render_markdown(body, workspace.links.context(entry_id, body))


def test_the_report_counts_entries_links_and_attachments(imported):
    _, report, ids = imported
    assert set(ids) == {
        "Monday on the ward",
        "Ward 7 handover",
        "Sam Okafor (mentor)",
        "Rota review",
    }
    got = {key: getattr(report, key) for key in EXPECTED}
    assert got == EXPECTED
    summary = report.summary()
    assert "8 links between notes resolved, 2 to notes not imported" in summary
    assert json.loads(json.dumps(import_report_json(report)))["links_unresolved"] == 2


def test_wikilinks_and_markdown_links_lead_to_the_entries(imported):
    workspace, _, ids = imported
    daily, handover, sam = (
        ids["Monday on the ward"],
        ids["Ward 7 handover"],
        ids["Sam Okafor (mentor)"],
    )
    html = _html(workspace, daily)
    assert f'<a href="rj-entry:{sam}" rel="noopener noreferrer">Sam</a>' in html  # the alias
    assert (
        f'href="rj-entry:{handover}" rel="noopener noreferrer">Ward 7 handover › Actions</a>'
        in html
    )
    assert f'<a href="rj-entry:{handover}" rel="noopener noreferrer">handover notes</a>' in html
    # The embedded note became a link; unresolved links are plain text showing the alias.
    assert html.count(f'href="rj-entry:{handover}"') == 3
    assert "Not in the vault" in html and "an alias" in html and "Nowhere" not in html
    assert "[[" not in html.replace("<code>[[Link in code]]", "")
    # Linked from: the handover is linked from the daily note and the rota review.
    assert {e.title for e in workspace.links.linked_from(handover)} == {
        "Monday on the ward", "Rota review",
    }  # fmt: skip
    assert [e.title for e in workspace.links.linked_from(daily)] == ["Sam Okafor (mentor)"]


def test_embedded_images_are_attachments_and_missing_files_a_short_note(imported):
    workspace, _, ids = imported
    daily, handover, rota = ids["Monday on the ward"], ids["Ward 7 handover"], ids["Rota review"]
    assert [a.name for a in workspace.attachments.for_entry(daily)] == ["whiteboard.png"]
    assert sorted(a.name for a in workspace.attachments.for_entry(handover)) == [
        "feedback.pdf", "flow.png",
    ]  # fmt: skip
    body = workspace.journal.entry(daily).body
    assert "![[whiteboard.png]]" in body and "*(missing file: missing-photo.png)*" in body
    html = _html(workspace, handover)
    flow = next(a for a in workspace.attachments.for_entry(handover) if a.name == "flow.png")
    assert f'src="rj-attachment:{flow.id}"' in html and 'alt="diagram of the flow"' in html
    rota_body = workspace.journal.entry(rota).body
    assert "fake.png is not a PNG image" in rota_body
    assert "claims far more pixels" in rota_body
    assert workspace.attachments.for_entry(rota) == []


def test_tags_come_from_front_matter_and_real_hashtags_only(imported):
    workspace, _, ids = imported
    daily = workspace.journal.entry(ids["Monday on the ward"])
    assert set(daily.tags) == DAILY_TAGS
    every_tag = {r[0] for r in workspace.db.query("SELECT slug FROM tag")}
    assert not (every_tag & NOT_TAGS)
    assert "rota-review" in every_tag or "rota/review" in every_tag


def test_callouts_render_labelled(imported):
    workspace, _, ids = imported
    html = _html(workspace, ids["Monday on the ward"])
    assert (
        '<blockquote class="callout callout-warning">\n<p><strong>Warning:</strong> Staffing'
        in html
    )
    assert '<blockquote class="callout callout-tip">\n<p><strong>Tip</strong></p>' in html
    handover = _html(workspace, ids["Ward 7 handover"])
    assert "<strong>Info:</strong> What we agreed" in handover


def test_importing_again_adds_nothing_and_keeps_the_links(imported, tmp_path):
    workspace, _, ids = imported
    again = workspace.imports.run("markdown", tmp_path / "vault")
    assert again.entries == 0 and again.duplicates == 4
    assert workspace.db.scalar("SELECT count(*) FROM attachment") == 3
    assert len(workspace.links.linked_from(ids["Ward 7 handover"])) == 2


def test_a_link_out_of_the_vault_is_never_followed(workspace, tmp_path):
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"\x89PNG not really")
    vault = tmp_path / "v"
    vault.mkdir()
    (vault / "n.md").write_text("![x](../secret.png) ![[../secret.png]] [a](../../etc/passwd.md)")
    report = workspace.imports.run("markdown", vault)
    assert report.attachments == 0 and report.links_unresolved == 1
    body = workspace.journal.entry(1).body
    assert body.count("*(missing file: secret.png)*") == 2


def test_vault_index_finds_paths_through_names_as_it_did_through_path_maps(tmp_path):
    from reflectjournal.services.importers.vault_links import VaultIndex

    notes = sorted(["x/A.md", "x/a.markdown", "y/Plan.md", "z/plan.md", "Top.md"])
    assets = sorted(["img/Pic.PNG", "x/pic.png", "y/chart.png"])
    index = VaultIndex(tmp_path, notes, assets)
    # A path names one note, ignoring case; of two that differ only by suffix or case, the
    # later in the walk's order wins.
    assert index.note("x/a", "Top.md") == "x/a.markdown"
    assert index.note("Y/PLAN", "Top.md") == "y/Plan.md"
    assert index.note("plan", "z/other.md") == "z/plan.md"  # same folder first
    assert index.note("../y/plan.md", "z/other.md") == "y/Plan.md"  # relative to the note
    assert index.note("missing", "Top.md") is None
    assert index.asset("IMG/pic.png", "Top.md") == tmp_path / "img/Pic.PNG"
    assert index.asset("pic.png", "x/A.md") == tmp_path / "x/pic.png"  # same folder
    assert index.asset("pic.png", "Top.md") == tmp_path / "x/pic.png"  # shortest path
    assert index.asset("chart.png", "Top.md") == tmp_path / "y/chart.png"
    assert index.asset("gone.png", "Top.md") is None
