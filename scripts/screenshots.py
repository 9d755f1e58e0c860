"""Drive the real app offscreen and save the README screenshots into resources/screenshots/.

    .venv/bin/python scripts/screenshots.py [OUT_DIR]

Uses a generated demo journal in a temporary folder, so no personal data is ever captured.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("REFLECTJOURNAL_NO_KEYRING", "1")

ROOT = Path(__file__).resolve().parent.parent
SIZE = (1280, 800)


def settle(app, rounds: int = 5) -> None:
    for _ in range(rounds):
        app.processEvents()


def main(out: Path) -> int:
    temp = tempfile.TemporaryDirectory(prefix="rj-shots-")
    # Keep the window layout (QSettings) of the person running this out of the pictures.
    for name in ("DATA", "STATE", "CONFIG"):
        os.environ[f"REFLECTJOURNAL_{name}_DIR"] = str(Path(temp.name) / name.lower())
    from reflectjournal.gui.app import make_app
    from reflectjournal.gui.dialogs import WelcomeDialog
    from reflectjournal.gui.entry_model import EntryRole
    from reflectjournal.gui.main_window import MainWindow
    from reflectjournal.gui.theme import apply_theme
    from reflectjournal.services import demo

    out.mkdir(parents=True, exist_ok=True)
    app = make_app(["screenshots"])
    apply_theme(app, "light")
    workspace = demo.generate(Path(temp.name) / "demo.rj", today=date(2026, 11, 26))
    window = MainWindow(workspace)
    # Reminders read "today" from the same fixed day as the demo, so the pictures stay stable.
    window.reminders.clock = lambda: datetime(2026, 11, 26, 9, 0)
    window.resize(*SIZE)
    window.show()
    view = window.journal_view
    gibbs = next(
        row
        for row in range(view.model.rowCount())
        if view.model.index(row).data(EntryRole)["model"] == "gibbs"
    )
    view.list.setCurrentIndex(view.model.index(gibbs))
    settle(app)
    window.grab().save(str(out / "journal.png"))  # with the start-of-day reminder banner
    window.banner.hide()
    window.statusBar().clearMessage()

    view.editor.tags.open_list()
    view.editor.tags.filter.setText("pressure")
    settle(app)
    window.grab().save(str(out / "editor.png"))
    view.editor.tags.filter.clear()
    view.editor.tags.toggle.setChecked(False)

    apply_theme(app, "dark")
    view.search.setText("discharge")
    view.apply_search()
    view.list.setCurrentIndex(view.model.index(0))
    settle(app)
    window.grab().save(str(out / "dark.png"))
    apply_theme(app, "light")
    view.search.clear()
    view.apply_search()

    # A 1024x640 screen: search results with the words found, and a British spelling slip.
    window.resize(1024, 640)
    view.search.setText("rota")
    view.apply_search()
    view.list.setCurrentIndex(view.model.index(0))
    body = view.editor.writing_boxes()[0]
    body.appendPlainText("\nThe new rota was recieved late; the color coding helped.")
    view.editor.discard_changes()
    view.editor.state_label.clear()
    view.editor.update_preview()  # the preview's own timer would show the text before the slip
    settle(app, 20)
    window.grab().save(str(out / "search.png"))
    view.editor.load_entry(view.editor.entry_id)  # the slip was never saved
    view.search.clear()
    view.apply_search()
    from reflectjournal.gui.calendar_nav import CalendarDialog

    calendar = CalendarDialog(workspace.journal, window, today=date(2026, 11, 26))
    marked = sorted(calendar.counts)[-1]  # the latest day with entries this month
    calendar.calendar.setSelectedDate(
        calendar.calendar.selectedDate().addDays((marked - date(2026, 11, 26)).days)
    )
    calendar.show()
    settle(app)
    calendar.grab().save(str(out / "calendar.png"))
    calendar.close()
    window.resize(*SIZE)

    frameworks = window.go("frameworks")
    tree = frameworks.tree
    top = tree.topLevelItem(0)
    top.setExpanded(True)
    capabilities = top.child(1)
    capabilities.setExpanded(True)
    resilience = next(
        capabilities.child(i)
        for i in range(capabilities.childCount())
        if capabilities.child(i).text(0) == "Resilience"
    )
    tree.setCurrentItem(resilience)
    settle(app)
    window.grab().save(str(out / "frameworks.png"))

    window.resize(1500, 1250)  # tall enough to show every chart of the dashboard at once
    patterns = window.go("patterns")
    done = []
    patterns.computed.connect(done.append)
    patterns.refresh()
    while not done:  # computed off the UI thread; its result arrives through the event loop
        app.processEvents()
    settle(app)
    patterns.drill("Entries tagged workforce-pressures", tag="workforce-pressures")
    settle(app)
    window.grab().save(str(out / "patterns.png"))
    window.finish()
    window.close()
    workspace.close()

    coach_shots(app, out, Path(temp.name))

    welcome = WelcomeDialog(Path(temp.name) / "new.rj")
    welcome.name.setText("Alex Morgan")
    welcome.passphrase.setText("lantern orchard velvet compass")
    welcome.repeat.setText("lantern orchard velvet compass")
    welcome.show()
    settle(app)
    welcome.grab().save(str(out / "welcome.png"))
    welcome.close()
    temp.cleanup()
    print(f"screenshots written to {out}")
    return 0


def coach_journal(folder: Path):
    """A coach's journal: coachees with an agreement, rated goals, sessions, a 360."""
    from reflectjournal.services.workspace import Workspace

    def at(text: str) -> datetime:
        return datetime.fromisoformat(text).astimezone()

    ws = Workspace.create(folder / "coach.rj", "lantern orchard velvet compass", owner="Chris")
    for name, role in (("Sam Patel", "coachee"), ("Priya Shah", "mentee"), ("Jo Kay", "coachee")):
        ws.people.add(name, role)
    sam = ws.people.get("Sam Patel").id
    ws.programmes.set_agreement(
        "Sam Patel", sessions=6, start="2026-08-01", review="2026-12-15", until="2027-03-01",
        sponsor="Dr Lee", sponsor_consent=True, frequency="every three weeks",
    )  # fmt: skip
    for day in ("2026-08-10", "2026-09-01", "2026-09-22", "2026-10-20"):
        ws.coaching.add_session(
            "Sam Patel", when=at(f"{day}T10:00"), tags=["workforce-pressures"],
            notes="Explored what only Sam can decide; rehearsed saying no to the extra shift.",
        )  # fmt: skip
    ws.coaching.add_session("Sam Patel", when=at("2026-12-08T10:00"))
    for text, ratings in (
        (
            "Delegate rota decisions to the band 6s",
            ((8, 10, 2), (9, 1, 3), (9, 22, 5), (10, 20, 6)),
        ),
        ("Speak up at the divisional board", ((8, 10, 4), (9, 22, 4), (10, 20, 5))),
    ):
        goal = ws.programmes.add_goal("Sam Patel", text)
        for month, day, value in ratings:
            ws.programmes.rate_goal(goal.id, value, day=date(2026, month, day))
    for day, mood, tags in (
        ("2026-11-02", 2, ["burnout"]),
        ("2026-11-10", 2, ["workforce-pressures", "burnout"]),
        ("2026-11-20", 1, ["workforce-pressures", "burnout"]),
    ):
        ws.journal.add(
            "Three gaps on nights again; I covered one myself and slept badly.",
            title="Another short week", when=at(f"{day}T20:00"), mood=mood, energy=2,
            kind="shared", sender_id=sam, visibility="coach", tags=tags,
        )  # fmt: skip
    ws.coaching.add_action("Send the rota proposal to HR", owner="Sam Patel", due="2026-11-01")
    return ws


def coach_shots(app, out: Path, folder: Path) -> None:
    from reflectjournal.gui.coaching_dialogs import BriefDialog
    from reflectjournal.gui.main_window import MainWindow

    ws = coach_journal(folder)
    window = MainWindow(ws)
    window.reminders.clock = lambda: datetime(2026, 11, 26, 9, 0)
    window.resize(1024, 640)
    window.show()
    window.banner.hide()
    page = window.go("coaching")
    page.refresh(select=ws.people.get("Sam Patel").id)
    page.person_tabs.setCurrentWidget(page.goals)
    settle(app)
    window.grab().save(str(out / "coaching.png"))
    brief = BriefDialog(ws, "Sam Patel")
    brief.resize(760, 600)
    brief.show()
    settle(app)
    brief.grab().save(str(out / "prep-brief.png"))
    brief.close()
    window.finish()
    window.close()
    ws.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "resources" / "screenshots"
    raise SystemExit(main(target))
