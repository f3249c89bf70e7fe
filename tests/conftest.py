"""Fixtures: a database of its own for every test, copied from templates built once per run.

At the start of a run the migrations build two template databases (triggers included): `empty`, the
schema alone, and `demo`, the schema with the demo plan and accounts seeded as `flask demo seed
--without-history` would today. A test that asks for `demo` (directly or through `login`) gets a copy
of the second, any other test a copy of the first. On SQLite (the default) a copy is a copied file; on
PostgreSQL (TEST_DATABASE_URL) it is `CREATE DATABASE ... TEMPLATE`, dropped after the test.
"""

from __future__ import annotations

import copy
import itertools
import os
import re
import shutil
from collections.abc import Callable, Iterator
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


# A 1x1 PNG: what a chart is in a test that does not look at the pack.
TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class QuickPack:
    """The renderers the committee pack job calls, for tests that present a plan but never read its documents.

    The web page is the real one (it is quick); the charts, the PDF and the Word file are stand-ins, because
    Typst and matplotlib take a second or two a report and dozens of tests present a plan. A test that reads the documents is
    marked `real_pack` and gets the real renderers (tests/web/test_october_pack.py, test_report_pack.py...).
    """

    def __init__(self) -> None:
        from app.services import report

        self.real = report

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def chart_png(self, data: Any, kind: str) -> bytes:
        return TINY_PNG

    def trend_png(self, data: Any) -> bytes:
        return TINY_PNG

    def render_pdf(self, data: Any, **_: Any) -> bytes:
        return b"%PDF-1.7\n% a stand-in: tests marked real_pack read the real PDF\n"

    def render_docx(self, data: Any, **_: Any) -> bytes:
        return b"PK\x03\x04 a stand-in: tests marked real_pack read the real Word file"


@pytest.fixture(autouse=True)
def _quick_pack(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.node.get_closest_marker("real_pack") is None:
        from app.services import report_pack

        monkeypatch.setattr(report_pack, "reports", QuickPack())


def _config(database_uri: str, folder: Path) -> dict[str, Any]:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "ARGON2_PROFILE": "fast",
        "DEMO_MODE": True,
        "EVIDENCE_DIR": str(folder / "evidence"),
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        "JOBS_MODE": "sync",  # background jobs (the committee pack) run at once, before the request returns
        "MAIL_BACKEND": "locmem",  # e-mail kept in memory (mailman.outbox); tests/services/test_mail.py uses real SMTP
        "MAIL_OUTBOX_DIR": str(folder / "outbox"),
    }


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Databases:
    """The run's two templates, and copies of them for each app a test makes.

    On PostgreSQL every database is named after this run's pid, so two runs on one server never meet.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.prefix = f"tracker_test_{os.getpid()}"
        self.copies = itertools.count()
        self.server = (
            make_url(TEST_DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1)) if ON_POSTGRES else None
        )
        self.admin = create_engine(self.server, isolation_level="AUTOCOMMIT") if self.server is not None else None
        self._build_empty()
        self._build_demo()

    def _uri(self, name: str, folder: Path) -> str:
        if self.server is None:
            return f"sqlite:///{folder / name}.db"
        return self.server.set(database=f"{self.prefix}_{name}").render_as_string(hide_password=False)

    def _copy(self, template: str | None, name: str, folder: Path) -> str:
        """A new database `name` (in `folder` on SQLite), empty or a copy of a template; returns its URI."""
        folder.mkdir(parents=True, exist_ok=True)
        uri = self._uri(name, folder)
        if self.admin is None:
            if template is not None:
                shutil.copy(self.folder / f"{template}.db", folder / f"{name}.db")
            return uri
        self._drop(uri)
        source = f' TEMPLATE "{self.prefix}_{template}"' if template else ""
        with self.admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.prefix}_{name}"{source}'))
        return uri

    def _drop(self, uri: str) -> None:
        if self.admin is not None:
            with self.admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(uri).database}" WITH (FORCE)'))

    def _build_empty(self) -> None:
        from flask_migrate import upgrade

        app = create_app(_config(self._copy(None, "empty", self.folder), self.folder / "empty"))
        with app.app_context():
            upgrade()
        _dispose(app)

    def _build_demo(self) -> None:
        from app.clock import today
        from app.models import Action, PerformanceMeasure, User, WorkStream
        from app.services.demo import seed_demo

        app = create_app(_config(self._copy("empty", "demo", self.folder), self.folder / "demo"))
        with app.app_context():
            plan, _ = seed_demo()
            self.seeded_on = today()
            self.demo_ids = {
                "plan_id": plan.id,
                "users": {u.email.split("@")[0]: u.id for u in db.session.query(User)},
                "work_streams": {ws.number: ws.id for ws in db.session.query(WorkStream).filter_by(plan_id=plan.id)},
                "actions": {a.reference: a.id for a in db.session.query(Action)},
                "measure": db.session.query(PerformanceMeasure).filter_by(reference="1.M1", checkpoint=6).one().id,
            }
        _dispose(app)

    def app(self, folder: Path, *, demo: bool = False, **overrides: Any) -> Flask:
        """An app on a fresh copy of a template (and of its evidence files), with settings overridden."""
        from app.clock import today

        if demo and today() != self.seeded_on:  # the demo is dated from the day it is seeded
            self._build_demo()
        template = "demo" if demo else "empty"
        uri = self._copy(template, f"copy{next(self.copies)}", folder)
        if (self.folder / template / "evidence").is_dir():
            shutil.copytree(self.folder / template / "evidence", folder / "evidence")
        app = create_app({**_config(uri, folder), **overrides})
        app.test_client_class = Client
        return app

    def close(self, app: Flask) -> None:
        _dispose(app)
        self._drop(app.config["SQLALCHEMY_DATABASE_URI"])

    def drop_all(self) -> None:
        if self.admin is not None:
            for name in ("demo", "empty"):
                self._drop(self._uri(name, self.folder))
            self.admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    found = Databases(tmp_path_factory.mktemp("databases"))
    yield found
    found.drop_all()


@pytest.fixture
def make_app(databases: Databases, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """make_app(demo=True, DEMO_MODE=False) -> another app on a database of its own, closed after the test."""
    made: list[Flask] = []

    def _make(*, demo: bool = False, **overrides: Any) -> Flask:
        made.append(databases.app(tmp_path / f"app{len(made)}", demo=demo, **overrides))
        return made[-1]

    yield _make
    for app in made:
        databases.close(app)


@pytest.fixture
def app(make_app: Callable[..., Flask], request: pytest.FixtureRequest) -> Flask:
    """The app on a database of the test's own: the demo's if the test asks for `demo`, else empty."""
    return make_app(demo="demo" in request.fixturenames)


@pytest.fixture
def demo(app: Flask, databases: Databases) -> dict[str, Any]:
    """The demo plan and accounts (already in `app`'s database); returns ids tests need."""
    return copy.deepcopy(databases.demo_ids)


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
def count_queries():  # type: ignore[no-untyped-def]
    """with count_queries() as counter: ... counter.count

    Counts the statements of every engine in this process, so it counts whichever app the test made (the
    `app` fixture's, or one from `make_app`): listening on one app's engine counted nothing for another's.
    """
    from contextlib import contextmanager

    from sqlalchemy.engine import Engine

    @contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()
        event.listen(Engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(Engine, "before_cursor_execute", counter)

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
