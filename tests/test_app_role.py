"""On PostgreSQL the app's role owns no table: it cannot rewrite the audit trail, even by setting the
append-only triggers aside, while the app works as usual through it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from app import create_app
from app.extensions import db
from app.policy import SYSTEM
from app.services import audit, meetings, report_pack
from app.services.demo import seed_demo
from tests.conftest import ON_POSTGRES, Client

pytestmark = pytest.mark.skipif(not ON_POSTGRES, reason="roles are PostgreSQL's; run with TEST_DATABASE_URL")

ROLE = f"auditchain_app_{os.getpid()}"


@pytest.fixture
def app_role(app: Flask) -> Iterator[str]:
    """A login role with the grants `flask db grant-app-role` gives on the test's database; dropped afterwards."""
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    owner = create_engine(database)
    with owner.begin() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{ROLE}"'))
        conn.execute(text(f'CREATE ROLE "{ROLE}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE'))
    result = app.test_cli_runner().invoke(args=["db", "grant-app-role", ROLE])
    assert result.exit_code == 0, result.output
    assert 'GRANT SELECT, INSERT ON TABLE "audit_events"' in result.output
    try:
        yield make_url(database).set(username=ROLE, password=None).render_as_string(hide_password=False)
    finally:
        with owner.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{ROLE}"'))
            conn.execute(text(f'DROP ROLE "{ROLE}"'))
        owner.dispose()


def refused(engine: Engine, *statements: str) -> str:
    with engine.connect() as conn:
        with pytest.raises(DBAPIError) as error:
            for statement in statements:
                conn.execute(text(statement))
        conn.rollback()
    return str(error.value.orig)


def test_the_app_role_cannot_rewrite_or_unprotect_the_audit_trail(
    app: Flask, demo: dict[str, Any], app_role: str
) -> None:
    engine = create_engine(app_role)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar_one() > 0
        assert "permission denied" in refused(engine, "UPDATE audit_events SET summary = 'x'")
        assert "permission denied" in refused(engine, "DELETE FROM audit_events")
        assert "permission denied" in refused(engine, "TRUNCATE audit_events")
        assert "must be owner" in refused(engine, "ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
        assert "must be owner" in refused(engine, "ALTER TABLE audit_events DISABLE TRIGGER ALL")
        assert "must be owner" in refused(engine, "DROP TRIGGER audit_events_no_change ON audit_events")
        assert "permission denied" in refused(engine, "SET session_replication_role = replica")
        assert "permission denied" in refused(engine, "SET LOCAL session_replication_role = replica")
        assert "permission denied" in refused(engine, "UPDATE baselines SET audit_mark = 0")
        assert "permission denied" in refused(engine, "UPDATE report_documents SET sha256 = 'x'")
        assert "permission denied" in refused(engine, "DELETE FROM report_documents")
        assert "must be owner" in refused(engine, "ALTER TABLE audit_events OWNER TO CURRENT_USER")
    finally:
        engine.dispose()


def test_the_app_works_through_its_role_and_the_chain_holds(app: Flask, app_role: str) -> None:
    # The same (empty, migrated) database as `app`, reached as the restricted role: it seeds, signs in and audits.
    restricted = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": app_role})
    restricted.test_client_class = Client
    try:
        with restricted.app_context():
            seed_demo()
        client = restricted.test_client()
        assert client.login("pm@example.org", "wrong password here").status_code == 200  # type: ignore[attr-defined]
        assert client.login("pm@example.org").status_code == 302  # type: ignore[attr-defined]
        with restricted.test_request_context():
            audit.record_and_commit(SYSTEM, "plan.noted", "written by the app's role")
        with restricted.app_context():  # presenting stores the committee pack: INSERT only, its job row updated
            plan_id = db.session.scalar(text("SELECT min(id) FROM plans"))
            meeting = meetings.create_meeting(
                SYSTEM, plan_id, meetings.DEFAULT_COMMITTEE, date(2015, 10, 7), "Vince Clark"
            )
            baseline = meetings.present(SYSTEM, meeting.id)
            assert report_pack.status(baseline).state == "done"
        result = restricted.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
    finally:
        with restricted.app_context():
            db.session.remove()
            db.engine.dispose()


def test_grant_refuses_the_owner_or_a_superuser(app: Flask) -> None:
    owner = make_url(app.config["SQLALCHEMY_DATABASE_URI"]).username or "postgres"
    result = app.test_cli_runner().invoke(args=["db", "grant-app-role", owner])
    assert result.exit_code == 1
    assert "superuser" in result.output or "owns" in result.output
