"""The dashboard's figures, counted by the database (`plan_read.plan_summary`, `meetings.trend`), are what the
audit trail says, on generated histories: each plan written through `audit.record` at the moments its
history happened, then recomputed by replaying its trail forwards, action by action."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app import clock
from app.domain.changes import month_ends
from app.extensions import db
from app.models import Action, AuditEvent, PerformanceMeasure, Plan, WorkStream
from app.policy import SYSTEM
from app.services import audit, meetings, plan_read
from app.services.tx import write_transaction

STATUSES = ["COMPLETED", "IN_PROGRESS", "STATIC"]
plans = itertools.count(1)


@dataclass(frozen=True)
class Story:
    """One action's history: its work stream, whether it came with the plan or was added later (and when,
    in days from the plan's start), the status it started with, and its status changes (day, new status)."""

    work_stream: int
    added_on_day: int | None
    first_status: str
    changes: tuple[tuple[int, str], ...]


@st.composite
def histories(draw: st.DrawFn) -> tuple[int, list[Story], list[tuple[int, str]]]:
    """How many days ago the plan began, its actions' stories and its 6-month measures (work stream, status)."""
    age = draw(st.integers(min_value=0, max_value=400))
    day = st.integers(min_value=0, max_value=age)
    stories = []
    for _ in range(draw(st.integers(min_value=0, max_value=10))):
        added = draw(st.none() | day)
        first = draw(st.sampled_from(STATUSES))
        changes = []
        status, at = first, added or 0
        for _ in range(draw(st.integers(min_value=0, max_value=4))):
            at = draw(st.integers(min_value=at, max_value=age))
            status = draw(st.sampled_from([s for s in STATUSES if s != status]))
            changes.append((at, status))
        stories.append(Story(draw(st.integers(0, 2)), added, first, tuple(changes)))
    measures = draw(st.lists(st.tuples(st.integers(0, 2), st.sampled_from(STATUSES)), max_size=6))
    return age, stories, measures


def _write(age: int, stories: list[Story], measures: list[tuple[int, str]]) -> int:
    """The plan, its actions as they are now, and its trail in time order; returns the plan's id."""
    start = clock.today() - timedelta(days=age)
    latest = clock.utcnow() - timedelta(seconds=2)  # nothing in the trail is later than now

    def when(day: int, at: time, minutes: int = 0) -> datetime:
        return min(datetime.combine(start, at) + timedelta(days=day, minutes=minutes), latest)

    with write_transaction():
        plan = Plan(title=f"Generated plan {next(plans)}", start_date=start, is_current=False)
        streams = [WorkStream(plan=plan, number=n + 1, title=f"Work stream {n + 1}") for n in range(3)]
        db.session.add_all([plan, *streams])
        db.session.flush()
        for n, (ws, status) in enumerate(measures):
            db.session.add(
                PerformanceMeasure(
                    work_stream=streams[ws], reference=f"M{n}", checkpoint=6, description="A measure", status=status
                )
            )
        actions = []
        for n, story in enumerate(stories):
            added = when(story.added_on_day or 0, time(9))
            final = story.changes[-1][1] if story.changes else story.first_status
            action = Action(
                work_stream=streams[story.work_stream],
                reference=f"{story.work_stream + 1}.{n}",
                position=n,
                title=f"Action {n}",
                status=final,
                created_at=added,
            )
            db.session.add(action)
            actions.append(action)
        db.session.flush()
        moments: list[tuple[datetime, int, str, dict[str, str] | None, dict[str, str]]] = []
        for n, (story, action) in enumerate(zip(stories, actions, strict=True)):
            added = when(story.added_on_day or 0, time(9))
            if story.added_on_day is not None:
                moments.append((added, action.id, "action.created", None, {"status": story.first_status}))
            status = story.first_status
            for k, (day, after) in enumerate(story.changes):
                at = when(day, time(10), n * 5 + k)
                moments.append((at, action.id, "action.changed", {"status": status}, {"status": after}))
                status = after
        for at, action_id, kind, before, after in sorted(moments, key=lambda m: m[0]):
            with clock.travel_to(at):
                audit.record(
                    SYSTEM,
                    kind,
                    "A generated change",
                    object_type="action",
                    object_id=action_id,
                    plan_id=plan.id,
                    work_stream_id=db.session.get(Action, action_id).work_stream_id,  # type: ignore[union-attr]
                    action_id=action_id,
                    before=before,
                    after=after,
                )
    return plan.id


def _replayed(plan: Plan) -> tuple[list[tuple[str, Counter[str]]], Counter[str], dict[int, Counter[str]]]:
    """From the trail alone: each month end's counts, and today's counts (in all, and by work stream)."""
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.plan_id == plan.id).order_by(AuditEvent.seq)))
    actions = db.session.execute(
        select(Action.id, Action.work_stream_id, Action.status)
        .join(WorkStream, WorkStream.id == Action.work_stream_id)
        .where(WorkStream.plan_id == plan.id)
    ).all()
    born = {e.action_id: e.occurred_at for e in events if e.kind == "action.created"}
    changes = {a.id: [e for e in events if e.action_id == a.id and e.kind == "action.changed"] for a in actions}
    start = datetime.combine(plan.start_date, time.min)

    def status_at(action_id: int, now: str, moment: datetime) -> str:
        past = [e for e in changes[action_id] if e.occurred_at <= moment]
        if past:
            return str(past[-1].after["status"])  # type: ignore[index]
        created = next((e for e in events if e.action_id == action_id and e.kind == "action.created"), None)
        if created is not None:
            return str(created.after["status"])  # type: ignore[index]
        return str(changes[action_id][0].before["status"]) if changes[action_id] else now  # type: ignore[index]

    monthly = []
    for end in month_ends(plan.start_date, clock.today()):
        moment = min(datetime.combine(end, time.max), clock.utcnow())
        monthly.append(
            (
                f"{end:%B %Y}",
                Counter(status_at(a.id, a.status, moment) for a in actions if born.get(a.id, start) <= moment),
            )
        )
    today = clock.utcnow()
    by_ws: dict[int, Counter[str]] = {}
    for a in actions:
        by_ws.setdefault(a.work_stream_id, Counter())[status_at(a.id, a.status, today)] += 1
    return monthly, sum(by_ws.values(), Counter()), by_ws


def _words(counts: Counter[str]) -> dict[str, int]:
    return {status.lower(): n for status, n in counts.items() if n}


def _figures(counts: object) -> dict[str, int]:
    return {k: v for k, v in counts.as_dict().items() if k != "total" and v}  # type: ignore[attr-defined]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(histories())
def test_the_trend_and_summary_are_what_the_trail_says(
    app: Flask, history: tuple[int, list[Story], list[tuple[int, str]]]
) -> None:
    age, stories, measures = history
    with app.app_context():
        plan_id = _write(age, stories, measures)
        db.session.expire_all()
        plan = db.session.get(Plan, plan_id)
        assert plan is not None
        monthly, _ = meetings.trend(plan)
        expected, today, by_ws = _replayed(plan)
        assert [(p.label, _figures(p.counts)) for p in monthly] == [(label, _words(c)) for label, c in expected]

        summary = plan_read.plan_summary(plan, checkpoint=6)
        assert _figures(summary.actions) == _words(today)
        assert {w.work_stream.id: _figures(w.actions) for w in summary.work_streams} == {
            ws.id: _words(by_ws.get(ws.id, Counter())) for ws in plan.work_streams
        }
        assert _figures(summary.measures) == _words(Counter(status for _, status in measures))
        # a page of work streams lists only those, and still gives the whole plan's totals
        page = plan_read.plan_summary(plan, checkpoint=6, first=1, limit=1)
        assert [w.work_stream.number for w in page.work_streams] == [2]
        assert page.actions == summary.actions and page.measures == summary.measures
        assert page.total_work_streams == 3 and page.partial
