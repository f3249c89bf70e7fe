"""The read paths the dashboard, a work stream page and `flask risks refresh` take: a fixed number of
queries however large the plan, and the trend's figures what the audit trail says."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, time
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.clock import today, utcnow
from app.domain.changes import month_ends
from app.extensions import db
from app.models import Action, AuditEvent, Baseline, Plan, WorkStream
from app.services import demo_scale, meetings, risks
from tests.conftest import PASSWORD


def _recomputed_trend(plan: Plan) -> tuple[list[tuple[str, dict[str, int]]], list[dict[str, int]]]:
    """The month-end counts replayed forwards from each action's first recorded status, the baselines'
    counts read from their whole snapshots: a second way to the same figures, through the ORM."""
    actions = db.session.scalars(
        select(Action).join(WorkStream, WorkStream.id == Action.work_stream_id).where(WorkStream.plan_id == plan.id)
    ).all()
    changes: dict[int, list[AuditEvent]] = {}
    added: dict[int, datetime] = {}
    for e in db.session.scalars(select(AuditEvent).where(AuditEvent.plan_id == plan.id).order_by(AuditEvent.id)):
        if e.action_id is None:
            continue
        if e.kind == "action.created":
            added[e.action_id] = e.occurred_at
        if e.kind == "action.changed" and e.before and e.after and "status" in e.before and "status" in e.after:
            changes.setdefault(e.action_id, []).append(e)
    start = datetime.combine(plan.start_date, time.min)
    monthly = []
    for end in month_ends(plan.start_date, today()):
        moment = min(datetime.combine(end, time.max), utcnow())
        counts: Counter[str] = Counter()
        for action in actions:
            if (action.created_at if action.id in added else start) > moment:
                continue
            history = sorted(changes.get(action.id, []), key=lambda e: e.occurred_at)
            past = [e for e in history if e.occurred_at <= moment]
            if past:
                status = past[-1].after["status"]  # type: ignore[index]
            elif history:
                status = history[0].before["status"]  # type: ignore[index]
            else:
                status = action.status
            counts[status] += 1
        monthly.append((f"{end:%B %Y}", dict(counts)))
    fixed = [
        {k: v for k, v in b.snapshot["summary"]["actions"].items() if k != "total" and v}
        for b in db.session.scalars(select(Baseline).where(Baseline.plan_id == plan.id).order_by(Baseline.presented_at))
    ]
    return monthly, fixed


def _as_dict(counts: Any) -> dict[str, int]:
    return {k: v for k, v in counts.as_dict().items() if k != "total" and v}


def _by_status_word(counts: dict[str, int]) -> dict[str, int]:
    return {k.lower(): v for k, v in counts.items() if v}


def test_the_trend_is_what_the_audit_trail_says(make_app: Callable[..., Flask]) -> None:
    app = _scaled_app(make_app, 2)  # the scaled demo plays out months of approved status changes
    with app.app_context():
        plan = db.session.scalars(select(Plan).where(Plan.is_current.is_(True))).one()
        monthly, at_baselines = meetings.trend(plan)
        expected_monthly, expected_fixed = _recomputed_trend(plan)
        assert [p.label for p in monthly] == [label for label, _ in expected_monthly]
        assert len(monthly) > 3
        got = [(p.label, _as_dict(p.counts)) for p in monthly]
        want = [(label, _by_status_word(c)) for label, c in expected_monthly]
        assert got == want
        assert len({str(c) for _, c in got}) > 1  # the history moves: not the same figures every month
        assert [_as_dict(p.counts) for p in at_baselines] == expected_fixed
        assert at_baselines and all(p.label for p in at_baselines)


def _scaled_app(make_app: Callable[..., Flask], scale: int) -> Flask:
    app = make_app()
    with app.app_context():
        demo_scale.seed_scaled(scale)
    return app


def _queries_per_page(app: Flask, count_queries: Any) -> dict[str, int]:
    client: Any = app.test_client()
    assert client.login("pm@example.org", PASSWORD).status_code == 302
    with app.app_context():
        plan_id = db.session.scalars(select(Plan.id)).one()
        work_stream_id = db.session.scalars(select(WorkStream.id).order_by(WorkStream.number).limit(1)).one()
    pages = {
        "dashboard": ("/", {}),
        "work stream": (f"/work-streams/{work_stream_id}", {}),
        "actions": ("/actions", {}),
        "actions, page 2": ("/actions?page=2", {}),
        "actions, filtered": ("/actions?status=IN_PROGRESS", {}),
        "actions, filtered fragment": ("/actions?status=IN_PROGRESS", {"HX-Request": "true"}),
        "changes since": ("/changes", {}),
        "summary API": ("/api/v1/summary", {}),
        "proposals": ("/proposals", {}),
        "proposals, page 2, filtered": ("/proposals?page=2&state=approved", {}),
    }
    counts = {}
    for name, (url, headers) in pages.items():
        client.get(url, headers=headers)  # warm: the first request of a session loads what later ones reuse
        with count_queries() as counter:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.status_code)
        counts[name] = counter.count
    with app.app_context():
        risks.refresh(plan_id)
    with app.app_context(), count_queries() as counter:
        result = risks.refresh(plan_id)
    assert result.opened == result.updated == result.closed == 0
    counts["flask risks refresh"] = counter.count
    return counts


def test_queries_do_not_grow_with_the_plan(make_app: Callable[..., Flask], count_queries: Any) -> None:
    small = _queries_per_page(_scaled_app(make_app, 2), count_queries)
    large = _queries_per_page(_scaled_app(make_app, 4), count_queries)
    assert large == small
    assert small["flask risks refresh"] < 20
