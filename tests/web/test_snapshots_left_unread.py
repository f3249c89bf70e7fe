"""A presented baseline's snapshot (megabytes at a council's scale) is read only where it is shown: the meeting
page says what was fixed from the baseline's own counts, and two baselines compared are compared once."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import Baseline
from app.policy import SYSTEM
from app.services import meetings


def _present_two(app: Flask, demo: dict[str, Any]) -> list[int]:
    """Two meetings presented, a month apart in the plan's history; their baselines' ids."""
    with app.app_context():
        for day in (today().replace(day=1), today()):
            meeting = meetings.create_meeting(SYSTEM, demo["plan_id"], meetings.DEFAULT_COMMITTEE, day, "An Officer")
            meetings.present(SYSTEM, meeting.id, prepare_pack=False)
        return list(db.session.scalars(select(Baseline.id).order_by(Baseline.presented_at, Baseline.id)))


def _reads_a_snapshot(statements: list[str]) -> bool:
    return any("baselines.snapshot" in s or "snapshot" in s.split("FROM")[0] for s in statements)


def test_the_presented_meeting_page_says_what_was_fixed_without_reading_the_snapshot(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    _present_two(app, demo)
    with app.app_context():
        baseline = db.session.scalars(select(Baseline).order_by(Baseline.presented_at)).first()
        assert baseline is not None and baseline.action_counts
        meeting_id, fixed = baseline.meeting_id, dict(baseline.action_counts)
    pm = login("pm")
    with count_queries() as queries:
        page = pm.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert f"Its baseline is fixed: {fixed['total']} actions, {fixed['completed']} COMPLETED" in " ".join(page.split())
    assert not _reads_a_snapshot(queries.statements)


def test_two_baselines_compared_again_read_neither_snapshot(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    ids = _present_two(app, demo)
    assert len(ids) >= 2
    pm = login("pm")
    url = f"/baselines/compare?a={ids[0]}&b={ids[-1]}"
    with count_queries() as first:
        once = pm.get(url).get_data(as_text=True)
    with count_queries() as again:
        twice = pm.get(url).get_data(as_text=True)
    assert _reads_a_snapshot(first.statements) and not _reads_a_snapshot(again.statements)
    shown = once[once.index("<h2") : once.index("</main>")]
    assert "Nothing changed between these baselines." in shown or 'id="comparison-counts"' in shown
    assert shown == twice[twice.index("<h2") : twice.index("</main>")], "the same comparison, as worked out once"
