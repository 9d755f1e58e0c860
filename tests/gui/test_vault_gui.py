"""The app side of links and attachments: clicking a link opens the entry, images come from
the journal only, [[ offers titles, files attach from a button or a drop."""

from __future__ import annotations

import io

from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage, QTextDocument

from reflectjournal.gui.preview import PreviewBrowser


def png_bytes(width=300, height=150) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "orange").save(buffer, "PNG")
    return buffer.getvalue()


def editor_of(window):
    return window.go("journal").editor


def test_clicking_a_link_between_entries_opens_that_entry(window, workspace, qtbot):
    target = workspace.journal.add("The route we agreed.", title="Handover meeting")
    note = workspace.journal.add("See [[Handover meeting|the meeting]].", title="Night shift")
    window.open_entry(note)
    editor = editor_of(window)
    assert 'href="rj-entry:' in editor.preview.toHtml()
    editor.preview.anchorClicked.emit(QUrl(f"rj-entry:{target}"))
    qtbot.waitUntil(lambda: editor.entry_id == target)
    assert editor.title.text() == "Handover meeting"
    # The target shows where it is linked from, and that link leads back.
    assert editor.linked_from.isVisible() and "Night shift" in editor.linked_from.text()
    editor.linked_from.linkActivated.emit(f"rj-entry:{note}")
    qtbot.waitUntil(lambda: editor.entry_id == note)


def test_the_preview_loads_only_the_entrys_own_attachments_from_the_journal(workspace, qtbot):
    first = workspace.journal.add("![[a.png]]")
    other = workspace.journal.add("x")
    mine = workspace.attachments.add(first, "a.png", png_bytes())
    theirs = workspace.attachments.add(other, "b.png", png_bytes(20, 20))
    preview = PreviewBrowser()
    qtbot.addWidget(preview)
    preview.attachment_reader = workspace.attachments.data
    preview.attachment_ids = frozenset({mine.id})
    kind = QTextDocument.ResourceType.ImageResource
    image = preview.loadResource(kind, QUrl(f"rj-attachment:{mine.id}"))
    assert isinstance(image, QImage) and image.width() == 300
    assert preview.loadResource(kind, QUrl(f"rj-attachment:{theirs.id}")) is None
    assert preview.loadResource(kind, QUrl("file:///etc/hostname")) is None
    assert preview.loadResource(kind, QUrl("https://tracker.example/p.gif")) is None


def test_an_attached_image_shows_in_the_preview_fitted_to_its_width(window, workspace, qtbot):
    note = workspace.journal.add("Board:\n\n![[board.png]]", title="Huddle")
    workspace.attachments.add(note, "board.png", png_bytes(1200, 600))
    window.resize(1024, 640)
    window.open_entry(note)
    preview = editor_of(window).preview
    qtbot.waitUntil(lambda: "rj-attachment:" in preview.toHtml())
    widths = []
    block = preview.document().begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                widths.append(fmt.toImageFormat().width())
            it += 1
        block = block.next()
    assert widths and 0 < widths[0] <= preview.viewport().width()


def test_typing_two_brackets_offers_entries_by_title(window, workspace, qtbot):
    workspace.journal.add("x", title="Ward rounds")
    workspace.journal.add("x", title="Budget meeting")
    editor = editor_of(window)
    editor.new_entry()
    body = editor.body
    body.setFocus()
    qtbot.waitUntil(body.hasFocus)
    qtbot.keyClicks(body, "Met the team, see [[war")
    completer = body.link_completer
    qtbot.waitUntil(lambda: completer.popup().isVisible())
    assert (
        completer.completionModel().data(completer.completionModel().index(0, 0)) == "Ward rounds"
    )
    completer.insert("Ward rounds")
    assert body.toPlainText() == "Met the team, see [[Ward rounds]]"
    assert not completer.popup().isVisible()


def test_attach_button_stores_the_file_and_writes_the_embed(window, workspace, qtbot, tmp_path):
    editor = editor_of(window)
    editor.new_entry()
    editor.body.setPlainText("Whiteboard after the huddle.\n")
    picture = tmp_path / "board.png"
    picture.write_bytes(png_bytes())
    editor.attachments.file_chooser = lambda: [str(picture)]
    editor.attachments.attach_button.click()
    assert editor.entry_id is not None
    [info] = workspace.attachments.for_entry(editor.entry_id)
    assert info.name == "board.png"
    assert "![[board.png]]" in editor.body.toPlainText()
    qtbot.waitUntil(lambda: f"rj-attachment:{info.id}" in editor.preview.toHtml())
    assert editor.attachments.items.count() == 1


def test_a_dropped_fake_image_is_refused_with_one_sentence(window, workspace, qtbot, tmp_path):
    editor = editor_of(window)
    note = workspace.journal.add("x", title="Drop here")
    window.open_entry(note)
    fake = tmp_path / "photo.png"
    fake.write_bytes(b"this is not an image")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(fake))])
    event = QDropEvent(
        QPoint(5, 5), Qt.DropAction.CopyAction, data, Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    editor.attachments.dropEvent(event)
    assert "photo.png is not a PNG image" in editor.state_label.text()
    assert workspace.attachments.for_entry(note) == []


def test_the_pdf_export_draws_attached_images(workspace, tmp_path):
    """The PDF is made from the HTML export, whose images are embedded data."""
    from reflectjournal.adapters import qt_pdf

    qt_pdf.install(workspace)
    note = workspace.journal.add("![[board.png]]\n\n> [!tip]\n> Keep it.", title="With image")
    plain = workspace.journal.add("No image here.", title="Without")
    workspace.attachments.add(note, "board.png", png_bytes(400, 200))
    with_image, without = tmp_path / "a.pdf", tmp_path / "b.pdf"
    from reflectjournal.services.entries import EntryFilter

    workspace.db.execute("UPDATE entry SET starred = 1 WHERE id = ?", (note,))
    workspace.exports.run("pdf", with_image, EntryFilter(starred=True))
    workspace.db.execute("UPDATE entry SET starred = 0 WHERE id = ?", (note,))
    workspace.db.execute("UPDATE entry SET starred = 1 WHERE id = ?", (plain,))
    workspace.exports.run("pdf", without, EntryFilter(starred=True))
    assert b"/Subtype /Image" in with_image.read_bytes()
    assert b"/Subtype /Image" not in without.read_bytes()
