"""The monthly update round at the service layer: opening, checklists, "no change", progress, closing, reminders."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.clock import today
from app.domain.status import Status
from app.extensions import db
from app.models import Action, AuditEvent, Notification, PerformanceMeasure, Plan, RoundItem, UpdateRound, User
from app.policy import PermissionDenied
from app.services import proposals, reminders, rounds
from app.services.errors import Conflict, ValidationFailed
from app.services.proposals import ProposalInput
from tests.conftest import Clock


@pytest.fixture
def ctx(app: Flask, demo: dict[str, Any]) -> Any:
    with app.test_request_context():
        yield
        db.session.remove()


def user(demo: dict[str, Any], who: str) -> User:
    found = db.session.get(User, demo["users"][who])
    assert found is not None
    return found


def open_round(demo: dict[str, Any], *, due_in: int = 14) -> UpdateRound:
    return rounds.open_for_month(
        user(demo, "pm"), demo["plan_id"], today().replace(day=1), today() + timedelta(days=due_in)
    )


def unfinished(demo: dict[str, Any]) -> tuple[set[str], set[str]]:
    plan = db.session.get(Plan, demo["plan_id"])
    assert plan is not None
    actions = {
        a.reference
        for a in db.session.scalars(select(Action))
        if a.status != Status.COMPLETED.value and a.retired_on is None
    }
    measures = {
        m.reference
        for m in db.session.scalars(select(PerformanceMeasure))
        if m.status != Status.COMPLETED.value and m.checkpoint == plan.reporting_checkpoint
    }
    return actions, measures


def test_opening_a_round_puts_every_unfinished_item_on_its_managers_checklist(ctx: Any, demo: dict[str, Any]) -> None:
    round_ = open_round(demo)
    actions, measures = unfinished(demo)
    items = list(db.session.scalars(select(RoundItem).where(RoundItem.round_id == round_.id)))
    assert {i.reference for i in items if i.target_type == "action"} == actions
    assert {i.reference for i in items if i.target_type == "measure"} == measures
    assert len(actions) == 27 and len(measures) == 23, "the demo's IN PROGRESS actions and 6-month measures"

    sarah = user(demo, "sm1")
    mine = rounds.checklist(sarah, round_.id)
    assert mine.items and {s.item.work_stream.number for s in mine.items} <= {1, 2}
    assert mine.headline == (
        f"Your update for {round_.month:%B}: 0 of {len(mine.items)} done, "
        f"due {round_.due_date.day} {round_.due_date:%B}"
    )
    told = db.session.scalars(select(Notification).where(Notification.user_id == sarah.id)).all()
    assert any(
        n.message.startswith(f"Your update for {round_.month:%B %Y}") and n.link == f"/rounds/{round_.id}/checklist"
        for n in told
    )
    opened = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "round.opened"))
    assert opened is not None and opened.after["items"]["Sarah Whitfield"]


def test_a_round_opened_twice_for_a_month_is_refused(ctx: Any, demo: dict[str, Any]) -> None:
    first = open_round(demo)
    rounds.close(user(demo, "pm"), first.id, first.version)
    with pytest.raises(ValidationFailed) as refused:
        open_round(demo)
    assert "A round for" in refused.value.errors["month"] and "Choose another month" in refused.value.errors["month"]
    assert db.session.scalar(select(func.count(UpdateRound.id))) == 1


def test_a_second_round_waits_for_the_open_one_to_close(ctx: Any, demo: dict[str, Any]) -> None:
    open_round(demo)
    next_month = (today().replace(day=1) + timedelta(days=32)).replace(day=1)
    with pytest.raises(ValidationFailed) as refused:
        rounds.open_for_month(user(demo, "pm"), demo["plan_id"], next_month, next_month + timedelta(days=14))
    assert "still open" in refused.value.errors["month"]


def test_a_due_date_in_the_past_is_refused(ctx: Any, demo: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        rounds.open_for_month(user(demo, "pm"), demo["plan_id"], today(), today() - timedelta(days=1))
    assert refused.value.errors == {"due_date": "The due date must be today or in the future"}


@pytest.mark.parametrize("who", ["sm1", "smt", "committee", "admin"])
def test_only_the_project_manager_opens_a_round(ctx: Any, demo: dict[str, Any], who: str) -> None:
    with pytest.raises(PermissionDenied):
        rounds.open_for_month(user(demo, who), demo["plan_id"], today(), today() + timedelta(days=7))
    db.session.rollback()
    assert db.session.scalar(select(func.count(UpdateRound.id))) == 0


def test_no_change_without_a_note_is_refused(ctx: Any, demo: dict[str, Any]) -> None:
    round_ = open_round(demo)
    item = rounds.checklist(user(demo, "sm1"), round_.id).items[0].item
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    with pytest.raises(ValidationFailed) as refused:
        rounds.record_no_change(user(demo, "sm1"), item.id, "   ")
    assert refused.value.errors == {"note": "Enter a short note saying why nothing changed this month"}
    db.session.rollback()
    assert db.session.get(RoundItem, item.id).no_change_at is None  # type: ignore[union-attr]
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events


@pytest.mark.parametrize("who", ["sm2", "pm", "smt", "committee"])
def test_only_the_items_manager_records_no_change(ctx: Any, demo: dict[str, Any], who: str) -> None:
    round_ = open_round(demo)
    item = rounds.checklist(user(demo, "sm1"), round_.id).items[0].item
    with pytest.raises(PermissionDenied):
        rounds.record_no_change(user(demo, who), item.id, "Nothing moved")
    db.session.rollback()
    assert db.session.get(RoundItem, item.id).no_change_at is None  # type: ignore[union-attr]


def test_a_rounds_progress_and_closing(ctx: Any, demo: dict[str, Any], clock: Clock) -> None:
    pm, sarah = user(demo, "pm"), user(demo, "sm1")
    round_ = open_round(demo, due_in=5)
    items = [s.item for s in rounds.checklist(sarah, round_.id).items]
    by_proposal = next(i for i in items if i.target_type == "action")
    on_time, late = [i for i in items if i is not by_proposal][:2]

    # Before the round, a draft is not an update; submitting it during the round is.
    draft = proposals.create(sarah, "action", by_proposal.action_id, ProposalInput(values={"progress": "Audit done."}))
    assert rounds.checklist(sarah, round_.id).done == 0
    proposals.submit(sarah, draft.id, draft.version)
    rounds.record_no_change(sarah, on_time.id, "Waiting for the new case management system")
    with pytest.raises(Conflict):
        rounds.record_no_change(sarah, on_time.id, "Twice")
    clock.advance(days=7)  # past the due date
    rounds.record_no_change(sarah, late.id, "Recruitment paused until April")

    mine = rounds.checklist(sarah, round_.id)
    assert mine.done == 3
    assert {s.item.id: s.outcome for s in mine.items if s.done} == {
        by_proposal.id: "on_time",
        on_time.id: "on_time",
        late.id: "late",
    }
    progress = rounds.progress(round_.id)
    line = next(t for t in progress.by_manager if t.label == "Sarah Whitfield")
    assert (line.done, line.total, line.late) == (3, len(items), 1)
    ws1 = next(t for t in progress.by_work_stream if t.label.startswith("Work stream i:"))
    assert ws1.total == sum(1 for i in items if i.work_stream.number == 1)

    with pytest.raises(Conflict):
        rounds.close(pm, round_.id, round_.version + 5)
    rounds.close(pm, round_.id, round_.version)
    with pytest.raises(Conflict):
        rounds.close(pm, round_.id, round_.version)
    closed = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "round.closed"))
    assert closed is not None and closed.actor_name == "Helen Marsh"
    assert len(closed.after["not_updated"]["Sarah Whitfield"]) == len(items) - 3
    assert {"Tom Adeyemi", "Rachel Dunmore"} <= set(closed.after["not_updated"])

    summary = rounds.round_summary(round_.id)
    sarah_line = next(m for m in summary.lines if m.manager == "Sarah Whitfield")
    assert (sarah_line.on_time, sarah_line.late, sarah_line.not_updated) == (2, 1, len(items) - 3)
    assert summary.closed and summary.on_time == 2 and summary.late == 1
    assert summary.not_updated == len(progress.items) - 3
    # A proposal submitted after the close does not change what the close recorded.
    other = next(s.item for s in rounds.checklist(sarah, round_.id).items if not s.done and s.item.action_id)
    proposals.create(sarah, "action", other.action_id, ProposalInput(values={"progress": "Late words."}), submit=True)
    assert rounds.round_summary(round_.id) == summary
    with pytest.raises(Exception, match="closed"):
        rounds.record_no_change(sarah, other.id, "Too late")


def test_only_the_project_manager_closes_a_round(ctx: Any, demo: dict[str, Any]) -> None:
    round_ = open_round(demo)
    for who in ("sm1", "smt", "committee"):
        with pytest.raises(PermissionDenied):
            rounds.close(user(demo, who), round_.id, round_.version)
        db.session.rollback()
    assert db.session.get(UpdateRound, round_.id).is_open  # type: ignore[union-attr]


def test_rounds_for_a_meeting_are_those_due_since_the_last_one(ctx: Any, demo: dict[str, Any]) -> None:
    round_ = open_round(demo, due_in=3)
    assert [s.round_id for s in rounds.rounds_for_meeting(demo["plan_id"], None, today() + timedelta(days=3))] == [
        round_.id
    ]
    assert rounds.rounds_for_meeting(demo["plan_id"], today() + timedelta(days=3), today() + timedelta(days=30)) == []
    assert rounds.rounds_for_meeting(demo["plan_id"], None, today()) == []


def test_reminders_due_in_three_days_and_overdue(ctx: Any, demo: dict[str, Any]) -> None:
    round_ = open_round(demo, due_in=10)
    sarah = user(demo, "sm1")
    assert rounds.round_reminders in reminders.SOURCES
    assert rounds.round_reminders(round_.due_date - timedelta(days=4)) == []
    soon = rounds.round_reminders(round_.due_date - timedelta(days=3))
    mine = [r for r in soon if r.user_id == sarah.id]
    assert len(mine) == 1 and mine[0].kind == "round_due_soon" and mine[0].key == f"round:{round_.id}"
    assert mine[0].link == f"/rounds/{round_.id}/checklist"
    assert rounds.round_reminders(round_.due_date) == []
    late = rounds.round_reminders(round_.due_date + timedelta(days=1))
    assert {r.kind for r in late} == {"round_overdue"} and sarah.id in {r.user_id for r in late}

    for state in rounds.checklist(sarah, round_.id).items:  # Sarah does hers: nothing more for her
        rounds.record_no_change(sarah, state.item.id, "No change")
    assert sarah.id not in {r.user_id for r in rounds.round_reminders(round_.due_date + timedelta(days=1))}
    assert set(rounds.KINDS) == {"round_opened", "round_due_soon", "round_overdue"}


def test_month_words() -> None:
    assert rounds.month_words(date(2016, 3, 1)) == "March 2016"


def test_two_closing_the_round_at_once_exactly_one_closes_it(app: Flask, demo: dict[str, Any]) -> None:
    with app.test_request_context():
        round_ = open_round(demo)
        round_id, version = round_.id, round_.version
        db.session.remove()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def close_it() -> None:
        with app.test_request_context():
            pm = db.session.get(User, demo["users"]["pm"])
            db.session.commit()
            barrier.wait()
            try:
                rounds.close(pm, round_id, version)  # type: ignore[arg-type]
                outcomes.append("closed")
            except Conflict as conflict:
                outcomes.append(conflict.message)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=close_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(o == "closed" for o in outcomes) == [False, True], outcomes
    assert any("already closed" in o for o in outcomes)
    with app.app_context():
        assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.kind == "round.closed")) == 1
        db.session.remove()
