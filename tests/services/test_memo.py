"""The trend is worked out once per version of the plan: read again it skips the count over the trail (it reads the
plan's newest audit record, once a transaction, and the baselines' counts), and the next approved change, or the
next day, is in it at once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from app import clock
from app.extensions import db
from app.models import Action, Plan, User
from app.services import meetings, proposals
from app.services.proposals import EvidenceInput, ProposalInput

CSV = EvidenceInput(filename="posts.csv", data=b"post,filled\nTeam manager,yes\n", note="All posts filled")


@pytest.fixture
def ctx(app: Flask, demo: dict[str, Any]) -> Any:
    with app.test_request_context():
        yield
        db.session.remove()


def _now(plan: Plan) -> dict[str, int]:
    monthly, _ = meetings.trend(plan)
    return monthly[-1].counts.as_dict()


def test_the_trend_read_again_is_two_queries_and_an_approval_is_in_it_at_once(
    ctx: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    plan = db.session.get(Plan, demo["plan_id"])
    assert plan is not None
    with count_queries() as first:
        before = _now(plan)
    with count_queries() as again:
        assert _now(plan) == before
    assert again.count < first.count and again.count == 1, "the baselines' counts (the newest record read once)"
    db.session.commit()  # a new transaction, as the next request is: the plan's newest record is read again
    with count_queries() as next_request:
        assert _now(plan) == before
    counted_by_month = [first, again, next_request]  # the month ends' CASE over the trail: the heavy part
    assert [any("CASE" in s for s in q.statements) for q in counted_by_month] == [True, False, False]

    action = db.session.get(Action, demo["actions"]["3.3"])
    assert action is not None and action.status == "IN_PROGRESS"
    author = db.session.get(User, demo["users"]["sm2"])
    data = ProposalInput(
        values={"status": "COMPLETED", "progress": "All posts filled."},
        reasons={"status": "The evidence shows the key targets are met"},
        evidence=CSV,
    )
    p = proposals.create(author, "action", action.id, data, submit=True)
    proposals.approve(db.session.get(User, demo["users"]["pm"]), p.id, p.version, note="Checked against HR.")

    after = _now(plan)
    assert after["completed"] == before["completed"] + 1
    assert after["in_progress"] == before["in_progress"] - 1


def test_the_trend_of_another_day_is_worked_out_again(ctx: Any, demo: dict[str, Any], count_queries: Any) -> None:
    plan = db.session.get(Plan, demo["plan_id"])
    assert plan is not None
    meetings.trend(plan)
    with count_queries() as same_day:
        meetings.trend(plan)
    with clock.travel_to(clock.utcnow() + timedelta(days=40)):
        with count_queries() as later:
            monthly, _ = meetings.trend(plan)
        assert monthly[-1].label == f"{clock.today():%B %Y}", "the month it is now is the trend's last"
    assert later.count > same_day.count, "a new day: the month ends are counted again"
