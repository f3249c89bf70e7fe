"""`flask demo seed --scale N`: N times the demo, in proportion, within every constraint and trigger."""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Action,
    AuditEvent,
    Baseline,
    Evidence,
    PerformanceMeasure,
    Plan,
    Proposal,
    RiskEntry,
    WorkStream,
)
from app.services import audit, demo_scale, meetings, proposals, risks
from app.services.errors import ServiceError


def _count(model: type) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("n", [2, 3])
def test_scaled_demo_is_in_proportion(app: Flask, n: int) -> None:
    with app.app_context():
        result = demo_scale.seed_scaled(n)
        assert _count(Plan) == 1
        assert _count(WorkStream) == 7 * n
        assert _count(Action) == 52 * n
        assert _count(PerformanceMeasure) == 114 * n
        # 100 made-up proposals per copy, on top of the demo's own played history (about 30)
        assert 100 * n <= _count(Proposal) <= 100 * n + 40
        assert 115 * n <= _count(Evidence) <= 135 * n + 40
        assert 450 * n <= _count(AuditEvent) <= 550 * n + 400
        assert 5 * n <= _count(RiskEntry) <= 5 * n + 10  # the demo's history opens and closes a few itself
        assert _count(Baseline) == n // 25 + 2
        assert result.counts["work_streams"] == 7 * n
        # the work streams are numbered 1..7N in the one current plan
        numbers = db.session.scalars(select(WorkStream.number).order_by(WorkStream.number)).all()
        assert numbers == list(range(1, 7 * n + 1))
        assert len(proposals.review_queue()) == 4 * n + 1  # the demo's waiting proposal, and 4 per copy


def test_every_copy_ends_as_the_original_and_the_register_follows_its_rules(app: Flask) -> None:
    with app.app_context():
        demo_scale.seed_scaled(3)
        rows = db.session.execute(
            select(WorkStream.number, Action.reference, Action.status, Action.retired_on).join(
                WorkStream, WorkStream.id == Action.work_stream_id
            )
        ).all()
        by_copy: dict[int, Counter[tuple[int, str, str, bool]]] = {}
        for r in rows:
            copy, number = divmod(r.number - 1, 7)
            by_copy.setdefault(copy, Counter())[(number, r.reference, r.status, r.retired_on is None)] += 1
        assert by_copy[1] == by_copy[0] == by_copy[2]
        # nothing to open, update or close: the copies' entries are what the risk rules give
        refreshed = risks.refresh()
        assert (refreshed.opened, refreshed.updated, refreshed.closed) == (0, 0, 0)
        assert len(risks.entries(db.session.scalars(select(Plan.id)).one())) == 2 * 3


def test_the_audit_chain_verifies_and_goes_on_chaining(app: Flask) -> None:
    with app.app_context():
        demo_scale.seed_scaled(2)
        verdict = audit.verify_chain()
        assert verdict.ok, verdict.broken
        assert verdict.count == _count(AuditEvent)
        audit.record_and_commit(None, "auth.login_failed", "Failed sign-in after the scaled seed")
        after = audit.verify_chain()
        assert after.ok and after.count == verdict.count + 1


def test_history_shows_in_the_trend_changes_and_baselines(app: Flask) -> None:
    with app.app_context():
        demo_scale.seed_scaled(2)
        plan = db.session.scalars(select(Plan)).one()
        monthly, at_baselines = meetings.trend(plan)
        assert len(at_baselines) == 2
        completed_now = _count_status("COMPLETED")
        assert monthly[-1].counts.completed == completed_now
        assert monthly[0].counts.completed < completed_now  # the copies' actions were completed in the history
        baseline, changes = meetings.changes_since_last_meeting(plan.id)
        assert baseline is not None and changes  # the last slice of history is after the last meeting
        first, last = meetings.baselines(plan.id)
        assert meetings.compare(first, last)


def _count_status(status: str) -> int:
    return db.session.scalar(select(func.count()).select_from(Action).where(Action.status == status)) or 0


def test_refuses_a_database_that_has_the_demo(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "seed", "--without-history"]).exit_code == 0
    refused = runner.invoke(args=["demo", "seed", "--scale", "2"])
    assert refused.exit_code == 1
    assert "already in this database" in refused.output
    with app.app_context(), pytest.raises(ServiceError):
        demo_scale.seed_scaled(0)


def test_the_command_says_what_it_loaded(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--scale", "2"])
    assert result.exit_code == 0, result.output
    assert "at 2 times its size" in result.output
    assert "14 work streams, 104 actions, 228 performance measures" in result.output
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0 and "Audit trail verified" in verified.output
