"""The rest of the three-person loop on the exchange: programme copies, session summaries
with the coachee's actions, "what I want to bring", and the reflective discussion confirmed.

Real journals meet through a shared folder (and, once, a real WebDAV server).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from exchange_servers import DAV_PASSWORD, DAV_USER, webdav_server  # noqa: F401 - fixture

from reflectjournal.errors import NotFound, PrivacyCheckFailed, UsageError
from reflectjournal.services.coaching_exchange import CoachingExchange
from reflectjournal.services.exchange import messages
from reflectjournal.services.exchange.places import PlaceSpec
from reflectjournal.services.exchange.store import MARKER_NAME
from reflectjournal.services.revalidation import RevalidationService
from reflectjournal.services.revalidation_exchange import RevalidationExchange
from reflectjournal.services.workspace import Workspace

PASS = "correct horse battery staple"
SECRET = "COACH-PRIVATE-NOTES-4471"


def _pair_up(a: Workspace, b: Workspace, b_role: str, a_role: str = "coachee") -> None:
    a.sharing.contacts.import_card(b.sharing.identity.contact_card(), role=b_role)
    b.sharing.contacts.import_card(a.sharing.identity.contact_card(), role=a_role)


@pytest.fixture
def trio(tmp_path):
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Ana Leader")
    mentor = Workspace.create(tmp_path / "mentor.rj", PASS, owner="Tom Mentor")
    coach = Workspace.create(tmp_path / "coach.rj", PASS, owner="Cat Coach")
    _pair_up(leader, mentor, "mentor")
    _pair_up(leader, coach, "coach")
    folder = tmp_path / "OneDrive" / "Coaching"
    folder.mkdir(parents=True)
    for ws in (leader, mentor, coach):
        ws.sharing.exchange.set_place(PlaceSpec("folder", str(folder)))
    yield leader, mentor, coach, folder
    for ws in (leader, mentor, coach):
        ws.close()


def _cx(ws: Workspace) -> CoachingExchange:
    return CoachingExchange(ws.db, ws.sharing)


def _only_ciphertext(folder, *secrets: str) -> None:
    for path in folder.iterdir():
        raw = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in raw, path.name


def test_the_programme_copy_reaches_the_leader_and_follows_changes(trio):
    leader, _, coach, folder = trio
    coach.programmes.set_agreement("Ana Leader", sessions=6, sponsor="Dr Lee", start="2026-01-05")
    goal = coach.programmes.add_goal("Ana Leader", "Delegate the rota")
    coach.programmes.rate_goal(goal.id, 3, day="2026-01-10")
    coach.programmes.add_goal("Ana Leader", SECRET, shared=False)
    # Nothing goes until the coach chooses to send it.
    coach.sharing.exchange.sync()
    leader.sharing.exchange.sync()
    assert leader.programmes.agreement("Cat Coach") is None

    delivery = _cx(coach).send_programme("Ana Leader")
    assert (delivery.version, delivery.received) == (0, None)
    out = coach.sharing.exchange.sync()
    assert (out.sent, out.errors) == (1, ())
    _only_ciphertext(folder, SECRET, "Delegate the rota", "Dr Lee", "Ana")
    got = leader.sharing.exchange.sync()
    assert (got.received, got.errors) == (1, ())
    copy = leader.programmes.agreement("Cat Coach")
    assert (copy.sessions, copy.sponsor, copy.origin) == (6, "Dr Lee", "received")
    (g,) = leader.programmes.goals("Cat Coach")
    assert (g.text, g.origin, [r.value for r in g.ratings]) == (
        "Delegate the rota",
        "received",
        [3],
    )

    # A later rating and a changed agreement follow at the next sync; nothing else is resent.
    coach.programmes.rate_goal(goal.id, 7, day="2026-02-10")
    coach.programmes.set_agreement("Ana Leader", sessions=8)
    assert coach.sharing.exchange.sync().sent >= 1  # the new version (and the receipt)
    leader.sharing.exchange.sync()
    assert leader.programmes.agreement("Cat Coach").sessions == 8
    assert [r.value for r in leader.programmes.goals("Cat Coach")[0].ratings] == [3, 7]
    coach.sharing.exchange.sync()  # reads the leader's receipt
    assert _cx(coach).programme_delivery("Ana Leader").received is not None
    assert coach.db.scalar("SELECT version FROM exchange_item WHERE kind = 'programme'") == 2
    assert coach.sharing.exchange.sync().sent == 0  # nothing changed: nothing travels


def test_sending_a_programme_with_nothing_to_send_is_refused(trio):
    _, _, coach, _ = trio
    with pytest.raises(UsageError, match="no agreement or shared goal"):
        _cx(coach).send_programme("Ana Leader")
    assert coach.db.scalar("SELECT count(*) FROM exchange_item") == 0


def _session_with_actions(coach: Workspace, due: date) -> int:
    return coach.coaching.add_session(
        "Ana Leader",
        notes=f"{SECRET}: she seemed tired; explore boundaries next time.",
        actions=[f"Ask HR about the rota policy by {due.strftime('%-d %B %Y')}", "Book a 1:1"],
    )


def test_a_session_summary_and_the_coachees_actions_arrive_with_due_dates(trio):
    leader, _, coach, folder = trio
    due = date.today() - timedelta(days=1)  # overdue on arrival: the reminder must say so
    session = _session_with_actions(coach, due)
    (first, second) = coach.coaching.list_actions(session_id=session)
    coach.coaching.edit_action(first.id, due=due.isoformat())
    coach.coaching.add_action("Coach's own homework", session_id=session)  # owned by the coach
    sent = _cx(coach).send_summary(session, "We looked at the rota and at saying no.")
    assert [a.text for a in sent.actions] == [first.text, second.text]
    coach.sharing.exchange.sync()
    _only_ciphertext(folder, SECRET, "rota", "saying no")
    leader.sharing.exchange.sync()

    (summary,) = _cx(leader).summaries("Cat Coach")
    assert (summary.origin, summary.summary) == (
        "received",
        "We looked at the rota and at saying no.",
    )
    assert SECRET not in str(leader.db.query("SELECT * FROM session_note"))
    mine = leader.coaching.list_actions(open_only=True)
    assert sorted(a.text for a in mine) == sorted([first.text, second.text])
    assert all(a.owner is None for a in mine)  # the coachee's own actions
    reminders = leader.coaching.reminders()
    assert [a.text for a in reminders.actions] == [first.text]
    assert leader.coaching.list_actions(person="Cat Coach")  # listed with the coach too

    # The coachee ticks one off; the coach corrects the other's date and drops the first.
    ticked = next(a for a in mine if a.text == second.text)
    leader.coaching.set_status(ticked.id, "done")
    coach.coaching.edit_action(second.id, due="2030-01-31")
    coach.coaching.set_status(first.id, "dropped")
    coach.sharing.exchange.sync()
    leader.sharing.exchange.sync()
    (only,) = leader.coaching.list_actions()
    assert (only.text, only.due, only.status) == (second.text, date(2030, 1, 31), "done")
    from reflectjournal.services import subject_access

    (held,) = subject_access.gather(leader, "Cat Coach").summaries
    assert (held["direction"], held["actions"][0]["status"]) == ("received", "done")


def test_what_i_want_to_bring_shows_in_the_prep_brief_counted_by_arrival(trio):
    leader, _, coach, _ = trio
    from reflectjournal.services import prep

    coach.coaching.add_session(
        "Ana Leader", notes="First session", when=datetime.now().astimezone() - timedelta(days=3)
    )
    # Written before that session, shared after it: it counts as new (it arrived after).
    old = leader.journal.add(
        "I keep saying yes to everything.",
        title="Saying yes",
        when=datetime.now().astimezone() - timedelta(days=10),
    )
    leader.sharing.exchange.share(old, ["Cat Coach"])
    item = _cx(leader).bring("Cat Coach", "How to say no to the rota manager")
    assert item.origin == "mine"
    gone = _cx(leader).bring("Cat Coach", "Something I changed my mind about")
    leader.sharing.exchange.sync()
    coach.sharing.exchange.sync()
    assert sorted(b.text for b in _cx(coach).bring_items("Ana Leader")) == [
        "How to say no to the rota manager",
        "Something I changed my mind about",
    ]
    _cx(leader).remove_bring(gone.id)
    leader.sharing.exchange.sync()
    coach.sharing.exchange.sync()

    brief = prep.build_brief(coach, "Ana Leader")
    assert [b.text for b in brief.bring] == ["How to say no to the rota manager"]
    assert [s["title"] for s in brief.shared] == ["Saying yes"]
    text = prep.to_markdown(brief)
    assert "How to say no to the rota manager" in text
    assert "Something I changed my mind about" not in text
    leader.sharing.exchange.sync()  # the coach's receipts arrive
    assert _cx(leader).bring_items("Cat Coach")[0].received is not None

    # A subject access export of either side holds what travelled.
    from reflectjournal.services import subject_access

    theirs = subject_access.gather(coach, "Ana Leader")
    assert [b["text"] for b in theirs.brought] == ["How to say no to the rota manager"]
    assert "How to say no" in subject_access.to_markdown(theirs)
    assert subject_access.gather(leader, "Cat Coach").brought[0]["direction"] == "sent"

    # After the next session, what was brought is no longer new.
    coach.coaching.add_session("Ana Leader", notes="Second session")
    assert prep.build_brief(coach, "Ana Leader").bring == ()


def test_bad_bring_and_summary_input_is_refused_with_one_sentence(trio):
    leader, _, coach, _ = trio
    cases = [
        (lambda: _cx(leader).bring("Cat Coach", "   "), UsageError),
        (lambda: _cx(leader).bring("Nobody Here", "x"), NotFound),
        (lambda: _cx(leader).bring("Cat Coach", "x" * 6000), UsageError),
        (lambda: _cx(coach).send_summary(999, "text"), NotFound),
        (lambda: _cx(coach).send_summary("abc", "text"), NotFound),
    ]
    session = coach.coaching.add_session("Ana Leader", notes="n")
    cases += [
        (lambda: _cx(coach).send_summary(session, ""), UsageError),
        (
            lambda: _cx(coach).send_summary(session, "Bed 4, NHS number 943 476 5919."),
            PrivacyCheckFailed,
        ),
    ]
    for call, error in cases:
        with pytest.raises(error) as caught:
            call()
        sentence = str(caught.value)
        assert sentence.endswith(".") and "\n" not in sentence
    for ws in (leader, coach):
        assert ws.db.scalar("SELECT count(*) FROM exchange_item") == 0
        assert ws.db.scalar("SELECT count(*) FROM bring_item") == 0


def test_the_mentor_confirms_the_reflective_discussion_through_the_exchange(trio):
    leader, mentor, _, folder = trio
    rv = RevalidationService(leader.db)
    entry = leader.journal.add("What I learnt from the audit.", title="Audit account")
    rv.set_account(entry, "cpd")
    uid = rv.add_discussion("Tom Mentor", "2026-11-02", colleague_pin="12A3456E", entry_ids=[entry])
    asked = RevalidationExchange(leader.db, leader.sharing).ask_to_confirm(uid[:8], "Tom Mentor")
    assert (asked.person, asked.confirmed_at) == ("Tom Mentor", None)
    leader.sharing.exchange.sync()
    _only_ciphertext(folder, "12A3456E", "Audit account")
    mentor.sharing.exchange.sync()

    mx = RevalidationExchange(mentor.db, mentor.sharing)
    (request,) = mx.requests()
    assert (request.registrant, request.colleague_pin, request.accounts) == (
        "Ana Leader",
        "12A3456E",
        ("Audit account",),
    )
    assert "What I learnt" not in str(mentor.db.query("SELECT * FROM revalidation_record"))
    # The mentor's own tracker is not changed by someone else's record.
    assert RevalidationService(mentor.db).tracker().discussions == ()
    assert mx.confirm(request.uid).confirmed_at
    mentor.sharing.exchange.sync()
    leader.sharing.exchange.sync()

    (discussion,) = rv.tracker(renewal="2027-03-31").discussions
    assert discussion.confirmed
    assert discussion.confirmed_by == mentor.sharing.identity.get().fingerprint
    assert RevalidationExchange(leader.db, leader.sharing).asked(uid).confirmed_at


def test_a_confirmation_of_another_version_or_by_someone_else_is_not_recorded(trio):
    leader, mentor, coach, _ = trio
    rv = RevalidationService(leader.db)
    uid = rv.add_discussion("Tom Mentor", "2026-11-02")
    RevalidationExchange(leader.db, leader.sharing).ask_to_confirm(uid, "Tom Mentor")
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    mx = RevalidationExchange(mentor.db, mentor.sharing)
    mx.confirm(uid)
    # The leader changes the record before the confirmation arrives.
    leader.db.execute("UPDATE revalidation_record SET date = '2026-11-03' WHERE uid = ?", (uid,))
    mentor.sharing.exchange.sync()
    leader.sharing.exchange.sync()
    assert not rv.tracker(renewal="2027-03-31").discussions[0].confirmed
    # The changed record goes again, is confirmed again, and this time it holds.
    leader.sharing.exchange.sync()
    mentor.sharing.exchange.sync()
    assert mx.requests()[0].date == "2026-11-03" and mx.requests()[0].confirmed_at is None
    mx.confirm(uid)
    mentor.sharing.exchange.sync()
    leader.sharing.exchange.sync()
    assert rv.tracker(renewal="2027-03-31").discussions[0].confirmed
    # Nobody can ask the coach to confirm a record already with the mentor.
    with pytest.raises(UsageError, match="someone else"):
        RevalidationExchange(leader.db, leader.sharing).ask_to_confirm(uid, "Cat Coach")


def test_summary_travels_through_a_real_webdav_server(tmp_path, webdav_server):  # noqa: F811
    leader = Workspace.create(tmp_path / "leader.rj", PASS, owner="Ana Leader")
    coach = Workspace.create(tmp_path / "coach.rj", PASS, owner="Cat Coach")
    try:
        _pair_up(leader, coach, "coach")
        spec = PlaceSpec(
            "webdav", webdav_server.url + "exchange/", user=DAV_USER, secret=DAV_PASSWORD
        )
        coach.sharing.exchange.set_place(spec)
        leader.sharing.exchange.set_place(spec)
        session = coach.coaching.add_session(
            "Ana Leader", notes=SECRET, actions=["Ring HR by 12/12"]
        )
        _cx(coach).send_summary(session, "Summary over WebDAV.")
        coach.programmes.set_agreement("Ana Leader", sessions=4)
        _cx(coach).send_programme("Ana Leader")
        _cx(leader).bring("Cat Coach", "The rota again")
        assert coach.sharing.exchange.sync().errors == ()
        assert leader.sharing.exchange.sync().received == 2
        assert coach.sharing.exchange.sync().received == 1
        assert [s.summary for s in _cx(leader).summaries()] == ["Summary over WebDAV."]
        assert [a.text for a in leader.coaching.list_actions()] == ["Ring HR by 12/12"]
        assert leader.programmes.agreement("Cat Coach").sessions == 4
        assert [b.text for b in _cx(coach).bring_items()] == ["The rota again"]
        for path in (webdav_server.root / "exchange").iterdir():
            assert path.name == MARKER_NAME or messages.split_name(path.name)
            assert SECRET.encode() not in path.read_bytes()
    finally:
        leader.close()
        coach.close()
