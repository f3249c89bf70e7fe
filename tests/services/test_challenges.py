"""Challenges as a log: due dates over bank holidays, answers on time or late, outcomes, overdue escalation,
the reminders due each day, and the figures for the committee report's "Independent challenge" section."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import clock
from app.domain.challenges import Outcome
from app.extensions import db
from app.models import AuditEvent, Challenge, Notification, Proposal, User
from app.policy import PermissionDenied
from app.services import challenges, proposals, reminders
from app.services.errors import ValidationFailed
from app.services.proposals import EvidenceInput, ProposalInput

CSV = EvidenceInput(filename="posts.csv", data=b"post,filled\nTeam manager,yes\n", note="All posts filled")
WHY = {"status": "The evidence shows the key targets are met"}
QUESTION = "Which posts are still covered by agency staff?"


def user(key: str, demo: dict[str, Any]) -> User:
    return db.session.get(User, demo["users"][key])


def submitted(demo: dict[str, Any], ref: str = "3.3", who: str = "sm2") -> Proposal:
    data = ProposalInput(values={"status": "COMPLETED", "progress": "All posts filled."}, reasons=WHY, evidence=CSV)
    return proposals.create(user(who, demo), "action", demo["actions"][ref], data, submit=True)


def challenged(demo: dict[str, Any], ref: str = "3.3", who: str = "sm2", **kwargs: Any) -> Proposal:
    p = submitted(demo, ref, who)
    return proposals.challenge(user("pm", demo), p.id, p.version, QUESTION, **kwargs)


def answer(demo: dict[str, Any], p: Proposal, who: str = "sm2") -> Proposal:
    return proposals.respond(user(who, demo), p.id, p.version, "Two posts, both advertised.", EvidenceInput())


def log(p: Proposal) -> Challenge:
    return db.session.scalars(select(Challenge).where(Challenge.proposal_id == p.id)).one()


@pytest.fixture
def ctx(app: Flask, demo: dict[str, Any]) -> Any:
    with app.test_request_context():
        yield
        db.session.remove()


def test_a_challenge_raised_before_christmas_2026_is_due_after_the_bank_holidays(
    ctx: Any, demo: dict[str, Any]
) -> None:
    with clock.travel_to(datetime(2026, 12, 18, 10, 0)):  # a Friday
        p = challenged(demo)
        assert log(p).due_on == date(2027, 1, 6), "25 and 28 December and 1 January are not working days"
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "proposal.challenged")).one()
        assert event.after["due_on"] == "2027-01-06"
        assert event.reason == QUESTION
        told = db.session.scalars(select(Notification).where(Notification.user_id == demo["users"]["sm2"])).all()
        assert told[-1].message.endswith("please answer by 6 January 2027")


def test_a_challenge_raised_before_easter_2027_skips_good_friday_and_easter_monday(
    ctx: Any, demo: dict[str, Any]
) -> None:
    with clock.travel_to(datetime(2027, 3, 18, 10, 0)):
        assert log(challenged(demo)).due_on == date(2027, 4, 5)


def test_the_project_manager_may_set_another_due_date_but_not_one_in_the_past(ctx: Any, demo: dict[str, Any]) -> None:
    p = submitted(demo)
    pm = user("pm", demo)
    yesterday = date.fromordinal(clock.today().toordinal() - 1)
    with pytest.raises(ValidationFailed) as refused:
        proposals.challenge(pm, p.id, p.version, QUESTION, due_on=yesterday)
    assert refused.value.errors == {"due_on": "The response due date must be today or in the future"}
    db.session.rollback()
    assert db.session.get(Proposal, p.id).state == "submitted", "nothing half-saved"
    assert db.session.query(Challenge).count() == 0
    chosen = date.fromordinal(clock.today().toordinal() + 3)
    p = proposals.challenge(pm, p.id, p.version, QUESTION, due_on=chosen)
    assert log(p).due_on == chosen


def test_only_a_reviewer_may_challenge_even_with_a_bad_date(ctx: Any, demo: dict[str, Any]) -> None:
    p = submitted(demo)
    with pytest.raises(PermissionDenied):
        proposals.challenge(user("smt", demo), p.id, p.version, QUESTION, due_on=date(2000, 1, 1))


def test_an_answer_on_the_due_date_is_on_time_and_the_day_after_is_late(ctx: Any, demo: dict[str, Any]) -> None:
    with clock.travel_to(datetime(2026, 12, 18, 10, 0)):
        on_time = challenged(demo, "3.3")
        late = challenged(demo, "1.3", "sm1")
    with clock.travel_to(datetime(2027, 1, 6, 16, 0)):
        answer(demo, on_time)
    with clock.travel_to(datetime(2027, 1, 7, 9, 0)):
        answer(demo, late, "sm1")
        assert [line.standing.label for line in challenges.log_for(on_time)] == ["Answered on time"]
        assert [line.standing.label for line in challenges.log_for(late)] == ["Answered late"]
    assert log(on_time).answer is not None and log(on_time).answer.body == "Two posts, both advertised."


@pytest.mark.parametrize("decision", ["approved", "rejected", "withdrawn"])
def test_the_outcome_is_recorded_when_the_proposal_is_decided(ctx: Any, demo: dict[str, Any], decision: str) -> None:
    p = challenged(demo)
    if decision == "withdrawn":
        proposals.withdraw(user("sm2", demo), p.id, p.version)
    else:
        p = answer(demo, p)
        if decision == "approved":
            proposals.approve(user("pm", demo), p.id, p.version, note="The tracker shows it.")
        else:
            proposals.reject(user("pm", demo), p.id, p.version, "Agency staff still cover two posts.")
    line = challenges.log_for(p)[0]
    assert line.outcome is Outcome(decision)
    assert line.standing.label == ("Not answered" if decision == "withdrawn" else "Answered on time")


def test_a_proposal_challenged_twice_has_two_entries_in_its_log(ctx: Any, demo: dict[str, Any]) -> None:
    p = answer(demo, challenged(demo))
    p = proposals.challenge(user("pm", demo), p.id, p.version, "And the third post?")
    assert [line.question for line in challenges.log_for(p)] == [QUESTION, "And the third post?"]
    assert [line.standing.label for line in challenges.log_for(p)] == ["Answered on time", "Awaiting an answer"]


def test_an_overdue_challenge_is_listed_and_escalated_to_the_senior_managers_once(
    ctx: Any, demo: dict[str, Any]
) -> None:
    with clock.travel_to(datetime(2026, 12, 18, 10, 0)):
        p = challenged(demo)  # due 6 January 2027
    smt = demo["users"]["smt"]
    with clock.travel_to(datetime(2027, 1, 6, 12, 0)):
        assert challenges.overdue(user("pm", demo)) == [], "due today is not overdue"
        assert challenges.escalate_overdue() == 0
    with clock.travel_to(datetime(2027, 1, 7, 9, 0)):
        [row] = challenges.overdue(user("pm", demo))
        assert (row.proposal_id, row.days_overdue, row.author) == (p.id, 1, "Tom Adeyemi")
        assert [r.proposal_id for r in challenges.overdue(user("smt", demo))] == [p.id]
        assert [r.proposal_id for r in challenges.overdue(user("sm2", demo))] == [p.id], "the author sees it"
        assert challenges.overdue(user("sm1", demo)) == [], "not in a work stream sm1 runs"
        assert challenges.overdue(user("committee", demo)) == []
        assert challenges.overdue(user("admin", demo)) == []
        assert challenges.overdue(user("pm", demo), plan_id=demo["plan_id"] + 1000) == []

        assert challenges.escalate_overdue() == 1
        told = db.session.scalars(select(Notification).where(Notification.message.contains("no answer"))).all()
        assert [(n.user_id, n.link) for n in told] == [(smt, f"/proposals/{p.id}")]
        assert "due on 6 January 2027" in told[0].message
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "challenge.escalated")).one()
        assert event.after["told"] == [smt] and event.object_id == p.id
        assert challenges.escalate_overdue() == 0, "escalated once"
    answer(demo, p)
    with clock.travel_to(datetime(2027, 1, 8, 9, 0)):
        assert challenges.overdue(user("pm", demo)) == [], "answered, even late, is no longer overdue"


def test_many_overdue_challenges_are_counted_and_only_the_longest_overdue_named(
    ctx: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    """The dashboard's panel names the longest overdue and counts the rest, in the same queries however many."""
    refs = [ref for ref in demo["actions"] if ref.split(".")[0] in ("3", "4")][: challenges.OVERDUE_SHOWN + 2]
    assert len(refs) == challenges.OVERDUE_SHOWN + 2
    for day, ref in enumerate(refs, start=1):
        with clock.travel_to(datetime(2026, 11, day, 10, 0)):
            challenged(demo, ref)
    with clock.travel_to(datetime(2027, 3, 1, 9, 0)):
        with count_queries() as queries:
            panel = challenges.overdue_list(user("pm", demo), demo["plan_id"])
        assert panel.total == len(refs) and len(panel.shown) == challenges.OVERDUE_SHOWN
        days = [row.days_overdue for row in panel.shown]
        assert days == sorted(days, reverse=True), "the longest overdue first"
        assert [row.target_label for row in panel.shown][0].endswith(refs[0])
        assert len(challenges.overdue(user("pm", demo))) == len(refs), "the whole list is still there"
        assert challenges.overdue_list(user("sm1", demo)).total == 0, "not in a work stream sm1 runs"
        few = queries.count
        with count_queries() as queries:
            assert challenges.overdue_list(user("pm", demo), demo["plan_id"], limit=1).total == len(refs)
        assert queries.count <= few, "no more queries for fewer shown: none per challenge"


def test_reminders_due_tomorrow_and_overdue_go_to_the_author_and_senior_managers_are_told_once_by_escalation(
    ctx: Any, demo: dict[str, Any]
) -> None:
    with clock.travel_to(datetime(2026, 12, 18, 10, 0)):
        p = challenged(demo)  # due Wed 6 January 2027
    sm2, smt = demo["users"]["sm2"], demo["users"]["smt"]
    assert list(challenges.challenge_reminders(date(2027, 1, 4))) == []
    [due] = [r for r in reminders.due(date(2027, 1, 5)) if r.key.startswith("challenge:")]
    assert (due.user_id, due.reason, due.kind, due.link) == (sm2, "due-tomorrow", "challenge_due", f"/proposals/{p.id}")
    assert "6 January 2027" in due.subject
    assert list(challenges.challenge_reminders(date(2027, 1, 6))) == [], "due today: the day before said so"
    overdue = list(challenges.challenge_reminders(date(2027, 1, 7)))
    assert {(r.user_id, r.reason, r.kind) for r in overdue} == {(sm2, "overdue", "challenge_overdue")}
    assert smt not in {r.user_id for r in overdue}, "senior managers hear once, from the escalation, not twice"
    assert {r.key for r in overdue} == {f"challenge:{log(p).id}"}, "one item, so sending is once per person"
    assert all(QUESTION not in r.text for r in overdue), "titles and references only"


def test_challenge_summary_counts_a_meetings_challenges_per_work_stream(ctx: Any, demo: dict[str, Any]) -> None:
    with clock.travel_to(datetime(2026, 11, 20, 10, 0)):
        before = challenged(demo, "1.5", "sm1")  # raised before the period: not counted
    with clock.travel_to(datetime(2026, 12, 18, 10, 0)):
        on_time = challenged(demo, "3.3")  # due 6 January
        late = challenged(demo, "1.3", "sm1")
        withdrawn = challenged(demo, "3.5")
        unanswered = challenged(demo, "4.2")
    with clock.travel_to(datetime(2027, 1, 5, 10, 0)):
        on_time = answer(demo, on_time)
        proposals.approve(user("pm", demo), on_time.id, on_time.version, note="Checked.")
        proposals.withdraw(user("sm2", demo), withdrawn.id, withdrawn.version)
    with clock.travel_to(datetime(2027, 1, 8, 10, 0)):
        late = answer(demo, late, "sm1")
        proposals.reject(user("pm", demo), late.id, late.version, "Not yet.")
    with clock.travel_to(datetime(2027, 1, 20, 10, 0)):
        answer(demo, unanswered)  # after the period's end: unanswered as the period closed
    del before

    lines = challenges.challenge_summary(demo["plan_id"], date(2026, 12, 1), date(2027, 1, 15))
    figures = {
        line.roman: (line.raised, line.answered_on_time, line.answered_late, line.unanswered, line.undecided)
        for line in lines
    }
    assert figures == {"i": (1, 0, 1, 0, 0), "iii": (2, 1, 0, 1, 0), "iv": (1, 0, 0, 1, 1)}
    outcomes = {line.roman: {o.value: n for o, n in line.outcomes.items() if n} for line in lines}
    assert outcomes == {"i": {"rejected": 1}, "iii": {"approved": 1, "withdrawn": 1}, "iv": {}}
    total = challenges.totals(lines)
    assert (total.raised, total.answered, total.unanswered) == (4, 2, 2)
    assert challenges.challenge_summary(demo["plan_id"], date(2027, 2, 1), date(2027, 2, 28)) == []


def test_flask_challenges_escalate_tells_the_senior_managers_once(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context(), clock.travel_to(datetime(2026, 12, 18, 10, 0)):
        challenged(demo)
        db.session.remove()
    runner = app.test_cli_runner()
    with clock.travel_to(datetime(2027, 1, 7, 9, 0)):
        first = runner.invoke(args=["challenges", "escalate"])
        again = runner.invoke(args=["challenges", "escalate"])
    assert (first.exit_code, first.output) == (0, "Overdue challenges escalated: 1.\n")
    assert again.output == "Overdue challenges escalated: 0.\n"
    with app.app_context():
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "challenge.escalated")).one()
        assert event.actor_name == "System (command line)"


def test_the_plans_overdue_panel_is_kept_until_a_challenge_moves_and_still_filtered_per_person(
    ctx: Any, app: Flask, demo: dict[str, Any], count_queries: Any
) -> None:
    """Asked again for the same plan, the panel is the one already worked out (no query over the challenges);
    what each person may see is still decided for them; an answer takes the challenge off at once."""
    with clock.travel_to(datetime(2026, 12, 18, 10, 0)):
        p = challenged(demo)
    db.session.commit()
    with clock.travel_to(datetime(2027, 1, 7, 9, 0)):
        plan_id = demo["plan_id"]
        assert [r.proposal_id for r in challenges.overdue_list(user("pm", demo), plan_id).shown] == [p.id]
        db.session.commit()  # a new request: the plan's newest audit record is read again, once
        with count_queries() as queries:
            again = challenges.overdue_list(user("pm", demo), plan_id)
        assert [r.proposal_id for r in again.shown] == [p.id]
        assert not [s for s in queries.statements if "challenges" in s], "worked out again"
        assert challenges.overdue_list(user("sm1", demo), plan_id).total == 0, "not in a work stream sm1 runs"
        assert challenges.overdue_list(user("committee", demo), plan_id).total == 0
        answer(demo, p)
        assert challenges.overdue_list(user("pm", demo), plan_id).total == 0, "answered: off the panel that day"
