"""Refusals are recorded without flooding: one audit record per person, request and minute, with a count."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.clock import utcnow
from app.extensions import db
from app.models import AuditEvent
from app.services import refusals


def _refusal_records(app: Flask) -> list[AuditEvent]:
    with app.app_context():
        return list(db.session.query(AuditEvent).filter_by(kind="access.refused").order_by(AuditEvent.id))


def test_fifty_refusals_in_a_minute_write_one_record_and_count_fifty(
    app: Flask, login: Any, demo: dict[str, Any], clock: Any
) -> None:
    committee = login("committee")
    for _ in range(50):
        assert committee.get("/admin/users").status_code == 403
    records = _refusal_records(app)
    assert len(records) == 1 and records[0].summary == "Refused GET /admin/users"
    with app.app_context():
        assert refusals.count_for(demo["users"]["committee"], "GET", "/admin/users", utcnow()) == 50


def test_another_request_or_another_person_gets_a_record_of_its_own(
    app: Flask, login: Any, demo: dict[str, Any], clock: Any
) -> None:
    committee, smt = login("committee"), login("smt")
    committee.get("/admin/users")
    committee.get("/audit")
    smt.get("/admin/users")
    smt.get("/admin/users")
    assert [(r.actor_id, r.summary) for r in _refusal_records(app)] == [
        (demo["users"]["committee"], "Refused GET /admin/users"),
        (demo["users"]["committee"], "Refused GET /audit"),
        (demo["users"]["smt"], "Refused GET /admin/users"),
    ]


def test_the_next_minute_gets_a_new_record_carrying_the_last_minutes_count(
    app: Flask, login: Any, demo: dict[str, Any], clock: Any
) -> None:
    committee = login("committee")
    for _ in range(7):
        committee.get("/admin/users")
    clock.advance(minutes=1)
    committee = login("committee")
    committee.get("/admin/users")
    records = _refusal_records(app)
    assert len(records) == 2
    assert "refused_in_previous_minute" not in records[0].after
    assert records[1].after["refused_in_previous_minute"]["count"] == 7
