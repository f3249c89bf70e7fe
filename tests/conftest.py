"""Fixtures: a migrated database per test (SQLite by default, PostgreSQL with TEST_DATABASE_URL).

SQLite tests copy a migrated template file; PostgreSQL tests truncate every table. Either way the
schema under test is the one the migrations build, triggers included.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, event, make_url, text

from app import create_app
from app.extensions import db

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgres")
PASSWORD = "demo-password-2015"


def _config(database_uri: str, tmp_path: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "ARGON2_PROFILE": "fast",
        "DEMO_MODE": True,
        "EVIDENCE_DIR": str(tmp_path / "evidence"),
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
    }


def _migrate(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Build the schema once, from empty, with the migrations.

    On PostgreSQL each test run gets a database of its own on the TEST_DATABASE_URL server, so two runs
    (a developer's and a helper's, say) never truncate each other's tables.
    """
    tmp = tmp_path_factory.mktemp("db")
    if ON_POSTGRES:
        server = make_url(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
        name = f"tracker_test_{os.getpid()}"
        admin = create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        _migrate(create_app(_config(url, tmp)))
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        return
    template = tmp / "template.db"
    _migrate(create_app(_config(f"sqlite:///{template}", tmp)))
    yield str(template)


def _empty_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [
            row[0]
            for row in conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'")
            )
        ]
        # replica role: the append-only triggers stay in force for the app, but not for tidying between tests
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


def make_app(migrated_database: str, tmp_path: Path, **overrides: Any) -> Flask:
    if ON_POSTGRES:
        _empty_postgres(migrated_database)
        uri = migrated_database
    else:
        copy = tmp_path / "test.db"
        shutil.copy(migrated_database, copy)
        uri = f"sqlite:///{copy}"
    config = _config(uri, tmp_path)
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = Client
    return app


@pytest.fixture
def app(migrated_database: str, tmp_path: Path) -> Iterator[Flask]:
    app = make_app(migrated_database, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def demo(app: Flask) -> dict[str, Any]:
    """The demo plan and accounts; returns ids tests need."""
    return seed_demo_ids(app)


def seed_demo_ids(app: Flask) -> dict[str, Any]:
    from app.models import Action, User, WorkStream
    from app.services.demo import seed_demo

    with app.app_context():
        plan, _ = seed_demo()
        users = {u.email.split("@")[0]: u.id for u in db.session.query(User)}
        work_streams = {ws.number: ws.id for ws in db.session.query(WorkStream).filter_by(plan_id=plan.id)}
        actions = {a.reference: a.id for a in db.session.query(Action)}
        from app.models import PerformanceMeasure

        measure = db.session.query(PerformanceMeasure).filter_by(reference="1.M1", checkpoint=6).one().id
        return {
            "plan_id": plan.id,
            "users": users,
            "work_streams": work_streams,
            "actions": actions,
            "measure": measure,
        }


CSRF_PATTERNS = [
    re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"'),
    re.compile(r'name="csrf_token" value="([^"]+)"'),
    re.compile(r'"X-CSRFToken": "([^"]+)"'),
]


class Client(FlaskClient):
    """A test client that signs in through the real form and sends CSRF tokens like a browser."""

    def csrf_token(self, path: str = "/glossary") -> str:
        response = self.get(path)
        if response.status_code in (302, 401):
            response = self.get("/login")
        html = response.get_data(as_text=True)
        for pattern in CSRF_PATTERNS:
            match = pattern.search(html)
            if match:
                return match.group(1)
        raise AssertionError(f"No CSRF token on {path}")

    def login(self, email: str, password: str = PASSWORD) -> Any:
        token = self.csrf_token("/login")
        return self.post("/login", data={"email": email, "password": password, "csrf_token": token})

    def post_form(self, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token())
        return self.post(path, data=payload, **kwargs)


@pytest.fixture
def client(app: Flask) -> Client:
    return app.test_client()  # type: ignore[return-value]


@pytest.fixture
def login(app: Flask, demo: dict[str, Any]):  # type: ignore[no-untyped-def]
    """login("pm") -> a client signed in as pm@example.org."""

    def _login(who: str) -> Client:
        client: Client = app.test_client()  # type: ignore[assignment]
        response = client.login(f"{who}@example.org")
        assert response.status_code == 302, f"could not sign in as {who}"
        return client

    return _login


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app: Flask):  # type: ignore[no-untyped-def]
    """with count_queries() as counter: ... counter.count"""
    from contextlib import contextmanager

    @contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(engine, "before_cursor_execute", counter)

    return _count


class Clock:
    """The app's clock, moved by the test rather than by waiting."""

    def advance(self, **kwargs: float) -> None:
        from datetime import timedelta

        from app import clock

        clock.advance(timedelta(**kwargs))

    def today(self) -> Any:
        from app import clock

        return clock.today()


@pytest.fixture
def clock() -> Iterator[Clock]:
    from app import clock as app_clock

    app_clock.reset()
    yield Clock()
    app_clock.reset()
