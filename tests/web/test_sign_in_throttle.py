"""Sign-in no stranger can block: ten wrong passwords lock one account for five minutes, not an address.

Through Redis shared by two workers, as in production; with Redis unreachable, each worker's own memory.
Behind a trusted proxy, the client's own address is the one limited and recorded, and HSTS is sent.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app
from app.extensions import db, limiter
from app.models import AuditEvent
from tests.conftest import PASSWORD, Client

REDIS_URL = os.environ.get("TEST_REDIS_THROTTLE_URL", "redis://127.0.0.1:6379/7")
CLOSED_PORT = "redis://127.0.0.1:1/7"  # nothing listens there: Redis "down" without stopping the shared one


def limited(**extra: Any) -> dict[str, Any]:
    return {"RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}", **extra}


def second_worker(first: Flask, settings: dict[str, Any]) -> Flask:
    keys = ("TESTING", "SQLALCHEMY_DATABASE_URI", "ARGON2_PROFILE", "DEMO_MODE", "EVIDENCE_DIR")
    app = create_app({**{k: first.config[k] for k in keys}, **settings})
    app.test_client_class = Client
    return app


def close(*apps: Flask) -> None:
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def lock_out_pm(client: Client) -> None:
    statuses = [client.login("pm@example.org", f"wrong password number {i}").status_code for i in range(10)]
    assert statuses == [200] * 10


def assert_locked_out(response: Any) -> None:
    assert response.status_code == 429
    html = response.get_data(as_text=True)
    assert "10 wrong passwords for this account in the last 5 minutes" in html
    assert "You can try again after" in html and "(in 5 minutes)" in html
    assert 240 < int(response.headers["Retry-After"]) <= 301  # the limiter counts whole seconds


def test_one_account_is_locked_while_others_at_the_same_address_sign_in(make_app: Callable[..., Flask]) -> None:
    settings = limited(RATELIMIT_STORAGE_URI=REDIS_URL)
    a_app = make_app(demo=True, **settings)
    b_app = second_worker(a_app, settings)
    try:
        a: Client = a_app.test_client()  # type: ignore[assignment]
        b: Client = b_app.test_client()  # type: ignore[assignment]
        lock_out_pm(a)
        assert_locked_out(b.login("pm@example.org", PASSWORD))  # the right password, on the other worker
        assert_locked_out(a.login("PM@Example.org ", PASSWORD))  # the same account however it is typed
        assert b.login("sm1@example.org", PASSWORD).status_code == 302, "someone else at the same address"
        assert a_app.test_client().login("smt@example.org", PASSWORD).status_code == 302  # type: ignore[attr-defined]
    finally:
        close(a_app, b_app)


def test_with_redis_unreachable_each_worker_throttles_in_memory(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(demo=True, **limited(RATELIMIT_STORAGE_URI=CLOSED_PORT))
    try:
        client: Client = app.test_client()  # type: ignore[assignment]
        with caplog.at_level(logging.WARNING, logger="flask-limiter"):
            assert client.login("sm1@example.org", PASSWORD).status_code == 302, "sign-in works without Redis"
        assert "falling back to in-memory storage" in caplog.text
        lock_out_pm(app.test_client())  # type: ignore[arg-type]
        assert_locked_out(app.test_client().login("pm@example.org", PASSWORD))  # type: ignore[attr-defined]
        assert app.test_client().login("smt@example.org", PASSWORD).status_code == 302  # type: ignore[attr-defined]
    finally:
        close(app)
        limiter._storage_dead = False  # the one Limiter serves every app of this test process


def test_the_limit_per_address_is_generous(make_app: Callable[..., Flask]) -> None:
    app = make_app(demo=True, **limited(RATELIMIT_STORAGE_URI="memory://"))
    try:
        client: Client = app.test_client()  # type: ignore[assignment]
        token = client.csrf_token("/login")
        statuses = [
            client.post("/login", data={"email": f"nobody{i}@example.org", "password": "x", "csrf_token": token})
            for i in range(100)
        ]
        assert {r.status_code for r in statuses} == {200}, "a hundred sign-ins a minute from one address"
        refused = client.post("/login", data={"email": "sm1@example.org", "password": PASSWORD, "csrf_token": token})
        assert refused.status_code == 429 and "too many attempts from your network" in refused.get_data(as_text=True)
    finally:
        close(app)


def test_wrong_current_passwords_are_throttled_per_account(make_app: Callable[..., Flask]) -> None:
    app = make_app(demo=True, **limited(RATELIMIT_STORAGE_URI="memory://"))
    try:
        client: Client = app.test_client()  # type: ignore[assignment]
        assert client.login("sm2@example.org").status_code == 302
        new = {"new_password": "granite meadow violin", "confirm_password": "granite meadow violin"}
        statuses = [
            client.post_form("/account/password", {"current_password": f"guess {i}", **new}).status_code
            for i in range(10)
        ]
        assert statuses == [400] * 10 or statuses == [200] * 10, statuses
        assert_locked_out(client.post_form("/account/password", {"current_password": PASSWORD, **new}))
        other: Client = app.test_client()  # type: ignore[assignment]
        assert other.login("sm1@example.org").status_code == 302
        assert other.get("/account/password").status_code == 200
    finally:
        close(app)


def test_behind_a_trusted_proxy_the_clients_address_and_scheme_are_used(make_app: Callable[..., Flask]) -> None:
    app = make_app(demo=True, TRUSTED_PROXIES=1)
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    try:
        client: Client = app.test_client()  # type: ignore[assignment]
        page = client.get("/login", headers=forwarded)
        assert page.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        token = client.csrf_token("/login")
        response = client.post(
            "/login",
            data={"email": "pm@example.org", "password": "wrong password", "csrf_token": token},
            headers={**forwarded, "Referer": "https://localhost/login"},  # CSRF checks the referrer over HTTPS
        )
        assert response.status_code == 200 and "Enter a correct e-mail address" in response.get_data(as_text=True)
        with app.app_context():
            event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
            assert (event.kind, event.ip_address) == ("auth.login_failed", "203.0.113.9")
    finally:
        close(app)


def test_without_trusted_proxies_forwarded_headers_are_ignored(make_app: Callable[..., Flask]) -> None:
    app = make_app(demo=True)
    try:
        client: Client = app.test_client()  # type: ignore[assignment]
        forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
        assert "Strict-Transport-Security" not in client.get("/login", headers=forwarded).headers
        token = client.csrf_token("/login")
        client.post(
            "/login", data={"email": "pm@example.org", "password": "nope", "csrf_token": token}, headers=forwarded
        )
        with app.app_context():
            event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
            assert event.ip_address == "127.0.0.1", "a client cannot choose the address it is recorded with"
    finally:
        close(app)
