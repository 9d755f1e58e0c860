"""Other people's text is plain text everywhere: one walk over every page of the app.

A contact's name, a tag name, a title, a comment, a coachee and a session all carry markup. On
every page of both people's windows, every visible label, button, text view, item and tooltip
that shows the probe word must show the markup verbatim: if Qt had interpreted it, the word
would appear without its tags (and the image would have been loaded).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QModelIndex, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QToolTip,
    QWidget,
)

from reflectjournal.gui.plain_text import shown_text
from reflectjournal.services.sharing.share import ShareRequest
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
PROBE = "PROBE"
MARK = f'<b>{PROBE}</b><img src="file:///etc/hostname">'


def _tip_format() -> Qt.TextFormat:
    """The format Qt's tooltip label really uses in this app (shown once to find out)."""
    QToolTip.showText(QPoint(0, 0), "<b>tip</b>")
    tips = [w for w in QApplication.topLevelWidgets() if w.metaObject().className() == "QTipLabel"]
    assert tips, "no tooltip label appeared"
    fmt = tips[0].textFormat()
    QToolTip.hideText()
    return fmt


def _columns(model, parent) -> int:
    try:
        return model.columnCount(parent)
    except TypeError:  # list models keep columnCount private
        return 1


def _model_texts(view: QAbstractItemView):
    model = view.model()
    if model is None:
        return
    stack = [QModelIndex()]
    seen = 0
    while stack and seen < 2000:
        parent = stack.pop()
        for row in range(min(model.rowCount(parent), 200)):
            for col in range(_columns(model, parent)):
                index = model.index(row, col, parent)
                seen += 1
                for role, kind in (
                    (Qt.ItemDataRole.DisplayRole, "item"),
                    (Qt.ItemDataRole.ToolTipRole, "item tooltip"),
                ):
                    value = model.data(index, role)
                    if isinstance(value, str):
                        yield kind, value
                if col == 0 and model.rowCount(index) > 0:
                    stack.append(index)


def shown(root: QWidget, tip_format: Qt.TextFormat) -> list[tuple[str, str, str]]:
    """(kind, widget, what a reader sees) for every visible text under ``root``."""
    out = []
    for w in [root, *root.findChildren(QWidget)]:
        if not w.isVisible():
            continue
        name = f"{type(w).__name__}#{w.objectName()}"
        if isinstance(w, QLabel):
            out.append(("label", name, shown_text(w.text(), w.textFormat())))
        elif isinstance(w, (QTextEdit, QPlainTextEdit)):
            out.append(("document", name, w.toPlainText()))
        elif isinstance(w, QAbstractButton):
            out.append(("button", name, w.text()))
        if isinstance(w, QAbstractItemView):
            for kind, text in _model_texts(w):
                fmt = tip_format if kind == "item tooltip" else Qt.TextFormat.PlainText
                out.append((kind, name, shown_text(text, fmt)))
        if w.toolTip():
            out.append(("tooltip", name, shown_text(w.toolTip(), tip_format)))
        if w.isWindow():
            out.append(("window title", name, w.windowTitle()))
    return out


def interpreted(texts) -> list[tuple[str, str, str]]:
    return [t for t in texts if PROBE in t[2] and MARK not in t[2]]


@pytest.fixture
def marked(tmp_path):
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner=f"Leader {MARK}")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner=f"Mentor {MARK}")
    leader.sharing.contacts.import_card(mentor.sharing.identity.contact_card("mentor"))
    mentor.sharing.contacts.import_card(leader.sharing.identity.contact_card())
    entry = leader.journal.add(
        "Body of the week (Markdown, sanitised by design).",
        title=f"Title {MARK}",
        tags=[f"Tag {MARK}"],
        visibility="mentor",
    )
    leader.people.add(f"Coachee {MARK}", "coachee")
    leader.coaching.add_session(
        f"Coachee {MARK}", notes="notes", title=f"Session {MARK}", actions=[f"Action {MARK}"]
    )
    packet = tmp_path / "share.rjp"
    leader.sharing.export_share(ShareRequest(to=f"Mentor {MARK}"), packet, allow_identifiers=True)
    mentor.sharing.import_share(packet)
    shared_id = mentor.db.scalar("SELECT id FROM entry WHERE kind = 'shared'")
    mentor.sharing.comment(shared_id, f"Comment {MARK}")
    mentor.sharing.export_feedback(f"Leader {MARK}", tmp_path / "fb.rjp")
    leader.sharing.import_feedback(tmp_path / "fb.rjp")
    yield leader, mentor, entry, shared_id
    leader.close()
    mentor.close()


def test_others_text_is_shown_verbatim_on_every_page(qtbot, marked, monkeypatch):
    from reflectjournal.gui import views
    from reflectjournal.gui.app import make_app
    from reflectjournal.gui.main_window import MainWindow

    make_app()  # the production style and theme
    tip_format = _tip_format()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    leader, mentor, entry, shared_id = marked
    found: dict[str, int] = {}
    problems = []
    for workspace in (leader, mentor):
        win = MainWindow(workspace)
        qtbot.addWidget(win)
        win.resize(1200, 800)
        win.show()
        for view in views.VIEWS:
            page = win.go(view.key)
            if view.key == "journal":
                page.select_entry(entry if workspace is leader else shared_id)
            elif view.key == "shared" and workspace is mentor:
                page.select_entry(shared_id)
            qtbot.waitUntil(lambda p=page: p.isVisible())
            QApplication.processEvents()
            texts = shown(win, tip_format)
            problems += [(view.key, *t) for t in interpreted(texts)]
            for kind, _name, text in texts:
                if MARK in text:
                    found[kind] = found.get(kind, 0) + 1
        win.autolock_timer.stop()
        win.close()
    assert problems == []
    # The walk really met the markup as labels, list items and documents.
    assert found.get("label", 0) >= 1 and found.get("item", 0) >= 3
    assert found.get("document", 0) >= 1, found


def test_message_boxes_and_tooltips_are_plain(qtbot):
    from reflectjournal.gui.app import make_app

    make_app()
    assert _tip_format() == Qt.TextFormat.PlainText
    box = QMessageBox(QMessageBox.Icon.Question, "t", f"Remove {MARK}?")
    qtbot.addWidget(box)
    box.show()
    label = box.findChild(QLabel, "qt_msgbox_label")
    assert shown_text(label.text(), label.textFormat()) == f"Remove {MARK}?"


def _spoofing_card(real: Workspace, attacker: Workspace) -> tuple[bytes, str]:
    """The attacker's keys, under a name that paints the real mentor's fingerprint and hides
    the attacker's own behind an unterminated HTML comment."""
    real_fp = real.sharing.identity.get().fingerprint
    attacker.sharing.identity.set_name(
        f"Bob Mentor</b><p>Fingerprint:</p><p><tt>{real_fp}</tt></p><!--"
    )
    return attacker.sharing.identity.contact_card("mentor"), real_fp


def test_a_spoofing_card_cannot_paint_someone_elses_fingerprint(qtbot, tmp_path):
    from reflectjournal.gui.app import make_app
    from reflectjournal.gui.sharing_view import ContactsDialog

    make_app()
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Alice Leader")
    real = Workspace.create(tmp_path / "real.rj", PASS, owner="Bob Mentor")
    attacker = Workspace.create(tmp_path / "evil.rj", PASS, owner="Mallory")
    card, real_fp = _spoofing_card(real, attacker)
    evil_fp = attacker.sharing.identity.get().fingerprint
    (tmp_path / "bob.rjcard").write_bytes(card)
    contacts = ContactsDialog(leader)
    qtbot.addWidget(contacts)
    seen = {}

    def inspect_and_decline():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        texts = [
            shown_text(lb.text(), lb.textFormat())
            for lb in dialog.findChildren(QLabel)
            if lb.isVisible()
        ]
        seen["texts"] = texts
        seen["dialog"] = dialog
        dialog.grab().save(str(tmp_path / "fingerprint.png"))
        dialog.reject()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, inspect_and_decline)
    assert contacts.import_card(tmp_path / "bob.rjcard") is None
    texts = seen["texts"]
    # The attacker's real fingerprint is shown on its own; the real one only inside the name.
    assert evil_fp in texts
    assert not any(real_fp in t and "Bob Mentor</b>" not in t for t in texts)
    assert any(t.startswith("Bob Mentor</b><p>Fingerprint:") for t in texts)
    assert seen["dialog"].fingerprint_label.text() == evil_fp
    assert leader.sharing.contacts.list() == []
    for ws in (leader, real, attacker):
        ws.close()
