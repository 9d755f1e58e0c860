"""Desktop loose ends: the list repaint crash, background-task start-up, editor privacy hints,
comments from others, turning an action plan into actions, the preview's link rules."""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QListView

from reflectjournal.gui.entry_model import EntryDelegate, EntryIdRole, EntryListModel
from reflectjournal.services.entries import EntryFilter


def _none_refs_lost_by_void_calls(calls: int = 2000) -> int:
    """How many references to None a run of void Qt calls loses (0 for a sound binding)."""
    font = QFont()
    gc.collect()
    before = sys.getrefcount(None)
    for _ in range(calls):
        font.setBold(True)
    gc.collect()
    return before - sys.getrefcount(None)


def test_qt_binding_does_not_leak_references_to_none():
    # PySide6 6.12.0 on Python 3.11 loses one reference to None per void call, and the
    # process aborts with "none_dealloc" in whatever paints next (pyproject pins it out).
    lost = _none_refs_lost_by_void_calls()
    assert lost < 50, (
        f"This PySide6 ({__import__('PySide6').__version__}) loses a reference to None on "
        f"every void call ({lost} in 2000); install PySide6 < 6.12 on Python 3.11."
    )


def test_search_and_repaint_loop_keeps_the_process_alive(qtbot, workspace, bulk_entries):
    """The benchmark's crash: set_search + grab, hundreds of times, over thousands of rows."""
    if _none_refs_lost_by_void_calls(200) >= 50:
        pytest.fail("the Qt binding leaks references to None; this loop would abort the process")
    bulk_entries(workspace, 2000)
    tag = workspace.journal.add("Tagged handover", tags=["burnout", "resilience"], mood=2)
    view = QListView()
    qtbot.addWidget(view)
    view.resize(500, 900)
    view.setItemDelegate(EntryDelegate(view))
    model = EntryListModel(workspace.journal, {"burnout": "Burnout"}, parent=view)
    view.setModel(model)
    view.show()
    words = ["ro", "rot", "rota", "ha", "hand", "handover", "entry", "body", "tagged", ""]
    refs_after_round = []
    for step in range(240):
        model.set_search(words[step % len(words)], EntryFilter())
        view.selectionModel().setCurrentIndex(
            model.index(step % 5), QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        assert not view.grab().isNull()
        if step % len(words) == len(words) - 1:  # same search, same rows held: same count
            gc.collect()
            refs_after_round.append(sys.getrefcount(None))
    # A leaking binding loses thousands per round (one per void call while painting).
    assert refs_after_round[-1] >= refs_after_round[0] - 50, refs_after_round
    # Every tenth entry says "handover", plus the tagged one: 201 rows, first page of 200.
    model.set_search("handover", EntryFilter())
    assert model.rowCount() == 200 and model.canFetchMore()
    model.set_search("tagged", EntryFilter())
    assert [model.index(r).data(EntryIdRole) for r in range(model.rowCount())] == [tag]


# ---- background tasks start only after the caller has connected ------------------------------


def test_run_task_starts_on_the_next_loop_turn_so_a_quick_result_is_not_lost(qtbot):
    import threading

    from reflectjournal.gui.tasks import run_task

    ran = threading.Event()

    def instant(ctx):
        ran.set()
        return 42

    task = run_task(instant)
    # Not started yet: the worker waits for the event loop, whatever the thread pool does.
    assert not ran.is_set()
    with qtbot.waitSignal(task.finished, timeout=5000) as result:
        pass  # connected after run_task returned, and still in time
    assert result.args == [42] and ran.is_set()

    got: list = []
    with qtbot.waitSignal(run_task(lambda ctx: "quick", on_finished=got.append).done, timeout=5000):
        pass
    assert got == ["quick"]

    refused: list = []
    failing = run_task(
        lambda ctx: (_ for _ in ()).throw(RuntimeError("boom")), on_failed=refused.append
    )
    with qtbot.waitSignal(failing.done, timeout=5000):
        pass
    assert refused == ["Something went wrong in the background (RuntimeError)."]


def test_a_task_cancelled_before_it_starts_never_runs(qtbot):
    import threading

    from reflectjournal.gui.tasks import run_task

    ran = threading.Event()
    cancelled: list = []
    task = run_task(lambda ctx: ran.set(), on_cancelled=lambda: cancelled.append(True))
    task.cancel()
    with qtbot.waitSignal(task.done, timeout=5000):
        pass
    assert cancelled == [True] and not ran.is_set() and not task.running


# ---- the editor: privacy hint, comments from others, action plan -> actions --------------------


def test_privacy_hint_text_counts_each_kind_in_plain_words():
    from reflectjournal.gui.entry_aside import privacy_hint_text

    assert privacy_hint_text({}) == ""
    assert privacy_hint_text({"email": 1, "date-of-birth": 2, "nhs-number": 1}) == (
        "Possible patient identifiers: 1 NHS number, 2 dates of birth, 1 email address"
    )


def _type_body(editor, text: str) -> None:
    editor.body.setPlainText(text)  # textChanged -> the editor's _changed, like typing


def test_editor_warns_quietly_about_patient_identifiers_when_an_entry_may_be_shared(qtbot, window):
    editor = window.journal_view.editor
    hint = editor.privacy_hint
    _type_body(editor, "Bed 4: patient NHS 943 476 5919, daughter rang from 020 7946 0958.")
    editor.privacy_hint.check_now()
    assert hint.isHidden()  # private entries never leave the machine: no nagging
    editor.visibility.setCurrentIndex(editor.visibility.findData("mentor"))
    qtbot.waitUntil(hint.isVisible, timeout=5000)  # debounced, then shown
    assert hint.text() == "Possible patient identifiers: 1 NHS number, 1 phone number"
    _type_body(editor, "Bed 4: ref 943 476 5918, daughter rang.")  # bad check digit, no cue
    qtbot.waitUntil(hint.isHidden, timeout=5000)
    assert hint.text() == ""
    # Saved and reopened: the hint is worked out again at once.
    _type_body(editor, "Met jo.bloggs@example.org about the audit.")
    entry_id = editor.save()
    editor.new_entry()
    assert hint.isHidden()
    editor.load_entry(entry_id)
    assert hint.isVisible() and hint.text() == "Possible patient identifiers: 1 email address"


def test_editor_hint_also_covers_private_cpd_accounts(qtbot, window):
    editor = window.journal_view.editor
    hint = editor.privacy_hint
    assert editor.visibility.currentData() == "private"
    editor.model_box.setCurrentIndex(editor.model_box.findData("cpd"))
    editor._sections["what-happened"].setPlainText("Mrs Doreen Whitcombe waited nine hours.")
    qtbot.waitUntil(hint.isVisible, timeout=5000)  # a CPD account is written for a regulator
    assert hint.text() == "Possible patient identifiers: 1 patient's or relative's name"
    editor.model_box.setCurrentIndex(editor.model_box.findData(None))
    qtbot.waitUntil(lambda: editor.body is not None)
    _type_body(editor, "Mrs Doreen Whitcombe waited nine hours for a bed.")
    qtbot.waitUntil(hint.isHidden, timeout=5000)  # a private free entry: no nagging


def test_comments_from_others_show_as_plain_text_and_say_when_the_entry_changed(qtbot, window):
    from reflectjournal.services.entries import content_hash

    journal = window.workspace.journal
    entry_id = journal.add("Handover went badly today.", title="Handover", visibility="mentor")
    current = content_hash("Handover", "Handover went badly today.")
    with window.workspace.db.transaction():
        window.workspace.db.executemany(
            "INSERT INTO comment(uid, entry_id, author, text, created, entry_hash, outgoing, "
            "sent) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
            [
                (
                    "c1",
                    entry_id,
                    "Dr <i>Mentor</i>",
                    "Earlier: <b>try</b> & <script>x</script>",
                    "2026-11-01T10:00:00+00:00",
                    "0" * 64,
                ),
                (
                    "c2",
                    entry_id,
                    "Dr Mentor",
                    "What did the team need?\nAsk them.",
                    "2026-11-02T10:00:00+00:00",
                    current,
                ),
            ],
        )
    other = journal.add("No comments here.")
    view = window.journal_view
    view.apply_search()
    view.select_entry(entry_id)
    box = view.editor.comments
    assert box.isVisible() and box.heading.text() == "<b>2 comments from others</b>"
    shown = box.view.toPlainText()
    assert "Earlier: <b>try</b> & <script>x</script>" in shown  # typed characters, not markup
    assert "Dr <i>Mentor</i>" in shown
    assert shown.count("on an earlier version") == 1
    assert "1 Nov 2026 · on an earlier version" in shown and "2 Nov 2026" in shown
    assert shown.index("on an earlier version") < shown.index("What did the team need?")
    assert "<script>" not in box.view.toHtml()  # escaped in the HTML the widget holds
    view.select_entry(other)
    assert box.isHidden() and box.view.toPlainText() == ""


def test_action_plan_becomes_actions_in_one_step(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    editor = window.journal_view.editor
    assert editor.plan_button.isHidden()  # free writing has no action plan
    editor.model_box.setCurrentIndex(editor.model_box.findData("gibbs"))
    assert editor.plan_button.isVisible()
    editor.title.setText("Night shift")
    editor._sections["description"].setPlainText("Two staff off sick.")
    editor._sections["action-plan"].setPlainText(
        "- Book a debrief with the team\n- Ask for protected time"
    )
    editor.plan_button.click()  # saves first, then turns the plan into actions
    assert editor.entry_id is not None and not editor.dirty
    actions = window.workspace.coaching.list_actions()
    assert sorted(a.text for a in actions) == [
        "Ask for protected time",
        "Book a debrief with the team",
    ]
    assert told == ["2 actions added from the action plan."]
    editor.plan_button.click()
    assert len(window.workspace.coaching.list_actions()) == 2
    assert told[-1] == "Every item of that action plan is already an action."
    editor.model_box.setCurrentIndex(0)
    assert editor.plan_button.isHidden()


# ---- the preview uses the rendering service's rules directly -----------------------------------


def test_preview_renders_through_the_service_and_asks_before_links(qtbot, monkeypatch):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QMessageBox

    from reflectjournal.gui import preview
    from reflectjournal.services import rendering

    assert preview.render is rendering.render_markdown
    assert preview.is_safe_link is rendering.is_safe_link
    html = preview.render("**bold** <script>alert(1)</script>")
    assert "<strong>bold</strong>" in html and "<script" not in html

    browser = preview.PreviewBrowser()
    qtbot.addWidget(browser)
    asked, refused, opened = [], [], []
    monkeypatch.setattr(
        QMessageBox, "question", lambda *a, **k: asked.append(a[2]) or QMessageBox.StandardButton.No
    )
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: refused.append(a[2]))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    assert not browser.confirm_link(QUrl("javascript:alert(1)"))
    assert asked == [] and len(refused) == 1
    assert not browser.confirm_link(QUrl("https://example.org/page"))
    assert asked == ["Open this link in your browser?\n\nhttps://example.org/page"]
    assert opened == []
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert browser.confirm_link(QUrl("https://example.org/page"))
    assert [u.toString() for u in opened] == ["https://example.org/page"]


def test_render_on_request_is_not_undone_by_a_pending_live_preview_tick(qtbot, window):
    editor = window.journal_view.editor
    editor.body.setPlainText("The winter plan, again and again. " * 4000)  # over the live limit
    assert editor._preview_timer.isActive()  # the keystroke's live-preview tick is pending
    editor.render_button.click()
    qtbot.waitUntil(editor.render_button.isEnabled, timeout=20000)
    qtbot.waitUntil(lambda: not editor._preview_timer.isActive(), timeout=5000)
    assert "winter plan" in editor.preview.toPlainText()


def test_list_snippet_skips_section_headings():
    from reflectjournal.domain.enums import Kind, Visibility
    from reflectjournal.gui.entry_model import _summary
    from reflectjournal.services.entries import Entry

    row = _summary(
        Entry(
            id=7,
            kind=Kind.REFLECTION,
            title="Restructure",
            body="## Description\n\nA new **matron** structure.\n\n## Feelings\n- Weary",
            created="2026-09-17T13:39:00+00:00",
            updated="2026-09-17T13:39:00+00:00",
            tags=(),
            mood=None,
            energy=None,
            visibility=Visibility.PRIVATE,
            model="gibbs",
            starred=False,
        )
    )
    assert row["snippet"] == "A new matron structure. Weary"
