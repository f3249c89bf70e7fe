"""How a request's transaction ends: one that only read commits on PostgreSQL, so the driver keeps the
statements it prepared (tx.end_reads_with_commit); one that changed anything without a service's commit is
still rolled back, whatever the database: nothing half-made is ever saved by the end of a request."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, text, update

from app.extensions import db
from app.models import Plan
from tests.conftest import ON_POSTGRES


def _title(app: Flask, plan_id: int) -> str:
    with app.app_context():
        title = db.session.scalar(select(Plan.title).where(Plan.id == plan_id))
        db.session.rollback()
    return str(title)


@pytest.mark.skipif(not ON_POSTGRES, reason="prepared statements are PostgreSQL's; run with TEST_DATABASE_URL")
def test_pages_keep_their_prepared_statements_on_postgresql(app: Flask, demo: dict[str, Any], login: Any) -> None:
    pm = login("pm")
    for _ in range(7):  # psycopg prepares a statement the fifth time one connection runs it
        for store in ("plan_memo", "many_memo"):  # kept pages forgotten: each request runs all its statements
            app.extensions.pop(store, None)
        assert pm.get("/").status_code == 200
    with app.app_context():
        # the test client asks one at a time, so the pool holds the one connection every request used
        connection = db.engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute("SELECT count(*) FROM pg_prepared_statements")
            prepared = cursor.fetchone()[0]
            connection.commit()
        finally:
            connection.close()
    assert prepared >= 5, "a read-only page's transaction was rolled back, and the driver forgot its statements"


def _route(app: Flask, name: str, body: Any) -> None:
    app.add_url_rule(f"/_test/{name}", name, body)


def test_an_object_changed_but_never_committed_is_not_saved(app: Flask, demo: dict[str, Any]) -> None:
    plan_id = demo["plan_id"]
    before = _title(app, plan_id)

    def change_in_memory() -> str:
        plan = db.session.get(Plan, plan_id)
        assert plan is not None
        plan.title = "Forged in memory"
        return "ok"

    def change_and_flush() -> str:
        plan = db.session.get(Plan, plan_id)
        assert plan is not None
        plan.title = "Forged and flushed"
        db.session.scalar(select(Plan.id).where(Plan.id == plan_id))  # autoflush sends the UPDATE
        return "ok"

    def update_directly() -> str:
        db.session.execute(update(Plan).where(Plan.id == plan_id).values(title="Forged by UPDATE"))
        db.session.execute(text("SELECT 1"))
        return "ok"

    for name, body in [("memory", change_in_memory), ("flush", change_and_flush), ("update", update_directly)]:
        _route(app, name, body)
    client = app.test_client()
    for name in ("memory", "flush", "update"):
        assert client.get(f"/_test/{name}").status_code == 200
        assert _title(app, plan_id) == before, f"/_test/{name} saved a change no service committed"


def test_a_request_that_fails_after_reading_saves_nothing(app: Flask, demo: dict[str, Any]) -> None:
    plan_id = demo["plan_id"]
    before = _title(app, plan_id)

    def fail() -> str:
        db.session.execute(update(Plan).where(Plan.id == plan_id).values(title="Forged then failed"))
        raise RuntimeError("the view fails after a write it never committed")

    _route(app, "fail", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    assert app.test_client().get("/_test/fail").status_code == 500
    assert _title(app, plan_id) == before
