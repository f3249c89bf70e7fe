"""Sign-in throttling is shared by every worker through Redis, as in production."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import Any

from flask import Flask

from tests.conftest import Client

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_failed_sign_ins_are_throttled_across_workers(make_app: Callable[..., Flask]) -> None:
    settings: dict[str, Any] = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    first_worker = make_app(demo=True, **settings)
    from app import create_app

    second_worker = create_app(
        {
            **{
                k: first_worker.config[k]
                for k in ("TESTING", "SQLALCHEMY_DATABASE_URI", "ARGON2_PROFILE", "DEMO_MODE", "EVIDENCE_DIR")
            },
            **settings,
        }
    )
    second_worker.test_client_class = Client
    a: Client = first_worker.test_client()  # type: ignore[assignment]
    b: Client = second_worker.test_client()  # type: ignore[assignment]
    statuses = [a.login("pm@example.org", f"wrong password number {i}").status_code for i in range(10)]
    assert statuses == [200] * 10
    response = b.login("pm@example.org", "demo-password-2015")
    assert response.status_code == 429, "the other worker knows about the ten failures"
    assert "Too many attempts" in response.get_data(as_text=True)
    from app.extensions import db

    with second_worker.app_context():
        db.session.remove()
        db.engine.dispose()
