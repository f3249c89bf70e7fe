"""The read API's pages cost the same number of queries at 1x and 3x the demo: no query per row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import event, select

from app.extensions import db
from app.models import Action, Baseline, Plan, User, WorkStream
from app.services import api_tokens, demo_scale
from tests.conftest import QueryCounter


def _counts(make_app: Callable[..., Flask], scale: int) -> dict[str, int]:
    app = make_app()
    with app.app_context():
        demo_scale.seed_scaled(scale)
        plan = db.session.scalars(select(Plan.id).where(Plan.is_current.is_(True))).one()
        ws = db.session.scalars(select(WorkStream.id).order_by(WorkStream.number).limit(1)).one()
        action = db.session.scalars(select(Action.id).order_by(Action.id).limit(1)).one()
        meeting = db.session.scalars(select(Baseline.meeting_id).order_by(Baseline.presented_at)).all()[0]
        admin = db.session.scalars(select(User).where(User.email == "admin@example.org")).one()
        pm = db.session.scalars(select(User).where(User.email == "pm@example.org")).one()
        _, secret = api_tokens.create(admin, "Counting", pm.id)
    headers = {"Authorization": f"Bearer {secret}"}
    urls = [
        "/api/v1/plans",
        f"/api/v1/plans/{plan}",
        f"/api/v1/plans/{plan}/work-streams?per_page=20",
        f"/api/v1/work-streams/{ws}",
        f"/api/v1/plans/{plan}/actions?per_page=100",
        f"/api/v1/plans/{plan}/actions?status=COMPLETED&page=2&per_page=20",
        f"/api/v1/actions/{action}",
        f"/api/v1/plans/{plan}/measures?per_page=100",
        f"/api/v1/plans/{plan}/risks?per_page=30",
        f"/api/v1/plans/{plan}/changes?per_page=40",
        f"/api/v1/meetings/{meeting}/changes?per_page=40",
        f"/api/v1/plans/{plan}/meetings",
        f"/api/v1/meetings/{meeting}",
    ]
    client: Any = app.test_client()
    with app.app_context():
        engine = db.engine  # this app's own: the `count_queries` fixture listens to the `app` fixture's
    counts = {}
    for url in urls:
        assert client.get(url, headers=headers).status_code == 200, url  # warm (and the token's last use written)
        counter = QueryCounter()
        event.listen(engine, "before_cursor_execute", counter)
        try:
            response = client.get(url, headers=headers)
        finally:
            event.remove(engine, "before_cursor_execute", counter)
        assert response.status_code == 200, url
        counts[url] = counter.count
    return counts


def test_the_read_api_runs_the_same_queries_at_1x_and_3x(make_app: Callable[..., Flask]) -> None:
    small = _counts(make_app, 1)
    large = _counts(make_app, 3)
    assert large == small
    assert 0 < min(small.values()) and max(small.values()) <= 15, small  # a few each: the token, counts, page
