"""/readyz: 200 while the database, its migrations, Redis and evidence storage all answer; else 503 naming which.

Every failure is real: a PostgreSQL and a Redis URL on ports of this test's range where nothing listens (the
connection is refused), a database one migration behind, an evidence folder that cannot be created.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import func, select

from app import create_app
from app.extensions import db
from app.models import AuditEvent, UserSession
from tests.conftest import Clock, _config

REDIS_URL = os.environ.get("TEST_REDIS_READYZ_URL", "redis://127.0.0.1:6379/2")  # db 2: these tests only
CLOSED_DATABASE_PORT = 8199
CLOSED_REDIS_PORT = 8198


def closed(port: int) -> int:
    """The port, after making sure nothing listens there (so the connection is refused, not answered)."""
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", port)) != 0, f"something listens on 127.0.0.1:{port}"
    return port


def ready(app: Flask) -> tuple[int, dict[str, Any], str]:
    response = app.test_client().get("/readyz")
    return response.status_code, response.get_json(), response.get_data(as_text=True)


def migrations_head(app: Flask) -> ScriptDirectory:
    return ScriptDirectory(app.extensions["migrate"].directory)


def test_ready_when_the_database_is_migrated_and_storage_writable(app: Flask) -> None:
    status, body, _ = ready(app)
    assert status == 200, body
    assert body == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "redis": "not configured", "evidence_storage": "ok"},
    }


def test_ready_with_redis_configured_and_answering(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_STORAGE_URI=REDIS_URL, JOBS_REDIS_URL=REDIS_URL)
    status, body, _ = ready(app)
    assert status == 200, body
    assert body["checks"]["redis"] == "ok"


def test_the_probe_answers_json_that_no_cache_keeps(app: Flask) -> None:
    response = app.test_client().get("/readyz")
    assert response.mimetype == "application/json"
    assert response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def unreachable_database(tmp_path: Path) -> Iterator[Flask]:
    """An app whose DATABASE_URL names a PostgreSQL server that refuses the connection."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{closed(CLOSED_DATABASE_PORT)}/tracker"
    app = create_app(_config(url, tmp_path))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_not_ready_with_the_database_unreachable(unreachable_database: Flask) -> None:
    status, body, text = ready(unreachable_database)
    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"]["database"] == "unreachable (OperationalError)"
    assert body["checks"]["migrations"] == "not checked: the database is unreachable"
    assert body["checks"]["evidence_storage"] == "ok"
    assert str(CLOSED_DATABASE_PORT) not in text, "a public probe must not say where the database is"


def test_not_ready_with_the_rate_limit_redis_unreachable(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed(CLOSED_REDIS_PORT)}/2")
    status, body, text = ready(app)
    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"]["redis"] == "unreachable: the Redis named by RATELIMIT_STORAGE_URI"
    assert body["checks"]["database"] == "ok" and body["checks"]["migrations"] == "ok"
    assert str(CLOSED_REDIS_PORT) not in text


def test_not_ready_with_the_job_queue_redis_unreachable(make_app: Callable[..., Flask]) -> None:
    app = make_app(RATELIMIT_STORAGE_URI=REDIS_URL, JOBS_REDIS_URL=f"redis://127.0.0.1:{closed(CLOSED_REDIS_PORT)}/2")
    status, body, _ = ready(app)
    assert status == 503
    assert body["checks"]["redis"] == "unreachable: the Redis named by JOBS_REDIS_URL"


def test_not_ready_when_the_database_is_a_migration_behind(app: Flask) -> None:
    from flask_migrate import downgrade

    scripts = migrations_head(app)
    head = scripts.get_current_head()
    previous = scripts.get_revision(head).down_revision
    with app.app_context():
        downgrade(revision="-1")
        db.session.remove()
    status, body, _ = ready(app)
    assert status == 503
    assert body["status"] == "not ready"
    assert body["checks"]["migrations"] == (
        f"not at head: the database is at {previous}, the code needs {head}; run flask db upgrade"
    )
    assert body["checks"]["database"] == "ok"


def test_not_ready_when_the_evidence_folder_cannot_be_written(make_app: Callable[..., Flask], tmp_path: Path) -> None:
    blocker = tmp_path / "a-file-not-a-folder"
    blocker.write_text("the evidence folder would have to be made inside this file")
    app = make_app(EVIDENCE_DIR=str(blocker / "evidence"))
    status, body, _ = ready(app)
    assert status == 503
    assert body["checks"]["evidence_storage"] == "not writable (NotADirectoryError)"
    assert body["checks"]["database"] == "ok"


def test_the_probe_neither_keeps_a_session_alive_nor_ends_it_nor_audits(
    app: Flask, login: Callable[[str], Any], clock: Clock
) -> None:
    client = login("pm")
    with app.app_context():
        events = db.session.scalar(select(func.count()).select_from(AuditEvent))
        seen = db.session.scalars(select(UserSession.last_seen_at)).all()
    clock.advance(minutes=61)  # past the idle limit: reading the session now would end it
    for path in ("/readyz", "/healthz"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "Set-Cookie" not in response.headers, path
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEvent)) == events
        assert db.session.scalars(select(UserSession.last_seen_at)).all() == seen
        assert db.session.scalars(select(UserSession.revoked_at)).all() == [None]
