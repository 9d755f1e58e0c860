"""The paged entry model, background tasks, and the Frameworks page."""

from __future__ import annotations

import threading

from reflectjournal.gui.entry_model import PAGE_SIZE, EntryIdRole, EntryListModel
from reflectjournal.gui.tasks import run_task
from reflectjournal.services.entries import EntryFilter


def test_model_passes_qtmodeltester(qtmodeltester, workspace):
    for n in range(12):
        workspace.journal.add(f"note {n}", tags=["burnout"] if n % 2 else [], mood=1 + n % 5)
    model = EntryListModel(workspace.journal)
    qtmodeltester.check(model)
    model.set_search("note", EntryFilter(tags=["burnout"]))
    assert model.rowCount() == 6
    qtmodeltester.check(model)


def test_fetch_more_pages_through_thousands_of_entries(qtbot, workspace, bulk_entries):
    bulk_entries(workspace, 3000)
    model = EntryListModel(workspace.journal)
    assert model.rowCount() == PAGE_SIZE and model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 3000
    created = [model.index(r).data(EntryIdRole) for r in range(model.rowCount())]
    assert len(set(created)) == 3000  # no row loaded twice across page edges
    dates = [model._rows[r]["created"] for r in range(model.rowCount())]
    assert dates == sorted(dates, reverse=True)

    model.set_search("handover", EntryFilter())
    assert model.rowCount() == PAGE_SIZE
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 300


def test_an_edit_updates_one_row_without_a_reset(qtbot, workspace):
    ids = [workspace.journal.add(f"entry {n}") for n in range(5)]
    model = EntryListModel(workspace.journal)
    resets = []
    model.modelReset.connect(lambda: resets.append(1))
    workspace.journal.edit(ids[2], title="Renamed entry")
    with qtbot.waitSignal(model.dataChanged) as changed:
        model.entry_changed(ids[2])
    row = model.row_of(ids[2])
    assert changed.args[0].row() == row and model.index(row).data() == "Renamed entry"
    new_id = workspace.journal.add("brand new")
    model.entry_changed(new_id)
    assert model.index(0).data(EntryIdRole) == new_id and model.rowCount() == 6
    model.entry_removed(ids[0])
    assert model.rowCount() == 5 and model.row_of(ids[0]) == -1
    assert resets == []


def test_background_task_reports_progress_result_failure_and_cancel(qtbot, workspace):
    def count(ctx):
        for step in range(3):
            ctx.report(step + 1, 3)
        return workspace.journal.count()  # the same Database, from a worker thread

    workspace.journal.add("one")
    task = run_task(count)
    progress = []
    task.progress.connect(lambda done, total: progress.append((done, total)))
    with qtbot.waitSignal(task.finished, timeout=5000) as result:
        pass
    assert result.args == [1]
    qtbot.waitUntil(lambda: len(progress) == 3)

    def refuse(ctx):
        workspace.journal.entry(999)

    failing = run_task(refuse)
    with qtbot.waitSignal(failing.failed, timeout=5000) as failure:
        pass
    assert failure.args[0].startswith("There is no entry 999")

    gate = threading.Event()

    def long_job(ctx):
        gate.wait(5)
        ctx.check()
        return "finished anyway"

    slow = run_task(long_job)
    slow.cancel()
    gate.set()
    with qtbot.waitSignal(slow.cancelled, timeout=5000):
        pass


def test_frameworks_page_browses_adds_and_rates(qtbot, window, tmp_path):
    page = window.go("frameworks")
    names = [page.tree.topLevelItem(i).text(0) for i in range(page.tree.topLevelItemCount())]
    assert "Healthcare leadership" in names
    top = page.tree.topLevelItem(names.index("Healthcare leadership"))
    capabilities = next(
        top.child(i) for i in range(top.childCount()) if top.child(i).text(0) == "Capabilities"
    )
    resilience = next(
        capabilities.child(i)
        for i in range(capabilities.childCount())
        if capabilities.child(i).text(0) == "Resilience"
    )
    page.tree.setCurrentItem(resilience)
    assert "Resilience" in page.details.toPlainText() and page.rate_box.isEnabled()
    page.rating.setValue(3)
    page.note.setText("Better at saying no")
    page.record_rating()
    assert [(r.value, r.note) for r in window.workspace.journal.ratings("resilience")] == [
        (3, "Better at saying no")
    ]
    assert page.history.rowCount() == 1

    messages = []
    page.status.connect(messages.append)
    broken = tmp_path / "broken.toml"
    broken.write_text("[framework\nname = 'x'", encoding="utf-8")
    assert page.add_file(broken) is False
    assert "not valid TOML" in messages[-1]
    assert page.tree.topLevelItemCount() == len(names)
    good = tmp_path / "mine.toml"
    good.write_text(
        '[framework]\nname = "Ward values"\n\n[[items]]\nname = "Kindness"\n'
        'description = "Noticing people."\n',
        encoding="utf-8",
    )
    assert page.add_file(good) is True
    assert page.tree.topLevelItemCount() == len(names) + 1
