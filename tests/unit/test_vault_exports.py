"""Attachments and links in every export: JSON carries the files (and imports them back),
HTML embeds images and turns links into in-page links, a Markdown folder is a vault again."""

from __future__ import annotations

import base64
import io
import json

from PIL import Image

from reflectjournal.services.workspace import Workspace


def png(colour="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 32), colour).save(buffer, "PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def journal_with_files(ws):
    target = ws.journal.add("The agreed route.", title="Handover meeting")
    note = ws.journal.add(
        "See [[Handover meeting|the meeting]] and [[Elsewhere]].\n\n![[board.png]]\n\n"
        "> [!warning] Staffing\n> Three vacancies.",
        title="Night shift",
    )
    image = png()
    ws.attachments.add(note, "board.png", image)
    ws.attachments.add(note, "feedback.pdf", PDF)
    return target, note, image


def test_json_export_carries_attachments_and_imports_them_back(workspace, tmp_path, passphrase):
    _, note, image = journal_with_files(workspace)
    out = tmp_path / "all.json"
    workspace.exports.run("json", out)
    data = json.loads(out.read_text("utf-8"))
    record = next(e for e in data["entries"] if e["title"] == "Night shift")
    assert [(a["name"], a["mime"]) for a in record["attachments"]] == [
        ("board.png", "image/png"), ("feedback.pdf", "application/pdf"),
    ]  # fmt: skip
    assert base64.b64decode(record["attachments"][0]["data"]) == image
    other = Workspace.create(tmp_path / "other.rj", passphrase, owner="B")
    try:
        report = other.imports.run("json", out)
        assert report.entries == 2 and report.attachments == 2
        new_note = other.db.scalar("SELECT id FROM entry WHERE title = 'Night shift'")
        files = other.attachments.for_entry(new_note)
        assert [f.name for f in files] == ["board.png", "feedback.pdf"]
        assert other.attachments.data(files[0].id) == image
        # Links typed in the app are found again by title after the import.
        target = other.db.scalar("SELECT id FROM entry WHERE title = 'Handover meeting'")
        assert [e.title for e in other.links.linked_from(target)] == ["Night shift"]
    finally:
        other.close()


def test_a_json_export_with_a_disguised_attachment_is_refused(workspace, tmp_path):
    fake = {
        "format": "reflectjournal-export", "version": 1,
        "entries": [{
            "uid": "u1", "kind": "reflection", "title": "t", "body": "b",
            "created": "2026-01-01T09:00:00+00:00",
            "attachments": [{"name": "x.png", "data": base64.b64encode(b"<svg/>").decode()}],
        }],
    }  # fmt: skip
    path = tmp_path / "fake.json"
    path.write_text(json.dumps(fake), "utf-8")
    try:
        workspace.imports.run("json", path)
    except Exception as exc:
        message = str(exc)
    assert "entry 1 'attachments[1]' x.png is not a PNG image" in message
    assert workspace.db.scalar("SELECT count(*) FROM entry") == 0


def test_html_export_embeds_images_and_links_within_the_document(workspace, tmp_path):
    target, note, image = journal_with_files(workspace)
    out = tmp_path / "all.html"
    workspace.exports.run("html", out)
    html = out.read_text("utf-8")
    assert f'id="entry-{target}"' in html
    assert f'<a href="#entry-{target}" rel="noopener noreferrer">the meeting</a>' in html
    assert "data:image/png;base64," + base64.b64encode(image).decode() in html
    assert "rj-entry" not in html and "rj-attachment" not in html and "file:" not in html
    assert "Elsewhere" in html
    assert "Attachments kept in the journal" in html and "feedback.pdf (45 bytes)" in html
    assert "board.png (" not in html  # shown in the text, so not listed again
    assert '<blockquote class="callout callout-warning">' in html and "Warning:" in html


def test_html_export_of_one_entry_leaves_links_to_others_as_text(workspace, tmp_path):
    target, note, _ = journal_with_files(workspace)
    out = tmp_path / "one.html"
    from reflectjournal.services.entries import EntryFilter

    workspace.db.execute("UPDATE entry SET starred = 1 WHERE id = ?", (note,))
    workspace.exports.run("html", out, EntryFilter(starred=True))
    html = out.read_text("utf-8")
    assert "the meeting" in html and "#entry-" not in html and "rj-entry" not in html


def test_markdown_folder_export_writes_attachments_beside_the_notes(workspace, tmp_path):
    _, note, image = journal_with_files(workspace)
    out = tmp_path / "vault"
    workspace.exports.run("markdown", out)
    [board] = list(out.glob("attachments/*/board.png"))
    assert board.read_bytes() == image
    text = next(p for p in out.glob("*.md") if "night-shift" in p.name).read_text("utf-8")
    assert f"![[{board.parent.relative_to(out).as_posix()}/board.png]]" in text
    single = tmp_path / "all.md"
    workspace.exports.run("markdown", single)
    assert (
        "*Attachments (kept in the journal, its backups and JSON exports): board.png, feedback.pdf*"
        in single.read_text("utf-8")
    )


def test_markdown_folder_export_imports_back_with_its_attachments(workspace, tmp_path, passphrase):
    _, _, image = journal_with_files(workspace)
    out = tmp_path / "vault"
    workspace.exports.run("markdown", out)
    other = Workspace.create(tmp_path / "o.rj", passphrase, owner="B")
    try:
        report = other.imports.run("markdown", out)
        # The notes are named by date, so [[Handover meeting]] is found by its title.
        assert (report.entries, report.attachments) == (2, 2)
        assert (report.links_resolved, report.links_unresolved) == (1, 1)
        note = other.db.scalar("SELECT id FROM entry WHERE title = 'Night shift'")
        [png_file] = [a for a in other.attachments.for_entry(note) if a.mime == "image/png"]
        assert other.attachments.data(png_file.id) == image
    finally:
        other.close()
