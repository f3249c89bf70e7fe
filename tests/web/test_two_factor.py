"""Two-step sign-in: set up with a QR code, asked for after the password, a code works once, recovery
codes once each, an administrator resets it, and it is required of the project manager and
administrators where TWO_FACTOR_REQUIRED is set (production) except for the demo accounts in demo mode."""

from __future__ import annotations

import re
from datetime import UTC
from typing import Any

import pyotp
from flask import Flask

from app import clock as app_clock
from app.extensions import db
from app.models import AuditEvent, RecoveryCode, User
from app.services.accounts import hash_password
from tests.conftest import Client

SETUP = "/account/two-step-sign-in"
CODE_PAGE = "/login/code"
OWN_PASSWORD = "copper heron autumn ledger"


def _code(secret: str, seconds_later: int = 0) -> str:
    """The code an authenticator app shows now by the app's clock (which tests move)."""
    moment = app_clock.utcnow().replace(tzinfo=UTC).timestamp() + seconds_later
    return pyotp.TOTP(secret).at(int(moment))


def _secret_on(page: str) -> str:
    match = re.search(r'id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert match, "the key is shown for typing in by hand"
    return match.group(1).replace(" ", "")


def _user(app: Flask, who: str) -> User:
    with app.app_context():
        user = db.session.query(User).filter_by(email=f"{who}@example.org").one()
        db.session.expunge(user)
        return user


def _enrol(client: Client) -> tuple[str, list[str]]:
    """Sets up two-step sign-in for the signed-in client; returns the secret and the recovery codes."""
    secret = _secret_on(client.get(SETUP).get_data(as_text=True))
    done = client.post_form(SETUP, {"code": _code(secret)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", done.get_data(as_text=True))
    return secret, codes


def _password_step(app: Flask, who: str, password: str | None = None) -> Client:
    client: Client = app.test_client()  # type: ignore[assignment]
    response = client.login(f"{who}@example.org", *([password] if password else []))
    assert response.status_code == 302 and response.headers["Location"] == CODE_PAGE
    return client


def _give_code(client: Client, code: str) -> Any:
    return client.post(CODE_PAGE, data={"code": code, "csrf_token": client.csrf_token(CODE_PAGE)})


def test_setting_up_shows_a_qr_code_the_csp_allows_and_needs_a_right_code(
    app: Flask, login: Any, demo: dict[str, Any], clock: Any
) -> None:
    pm = login("pm")
    account = pm.get("/account/password").get_data(as_text=True)
    assert f'href="{SETUP}"' in account and "Set up two-step sign-in" in account
    page = pm.get(SETUP)
    html = page.get_data(as_text=True)
    svg = re.search(r"<svg.*?</svg>", html, re.S)
    assert svg, "the QR code is inline SVG"
    assert "style" not in svg.group(0) and "<script" not in svg.group(0), "nothing the CSP (style-src 'self') blocks"
    assert "<title>QR code for your authenticator app</title>" in svg.group(0)
    assert "style-src 'self'" in page.headers["Content-Security-Policy"]
    secret = _secret_on(html)
    assert _secret_on(pm.get(SETUP).get_data(as_text=True)) == secret, "the same key until it is confirmed"

    wrong = pm.post_form(SETUP, {"code": "12345x"})
    assert wrong.status_code == 400
    text = wrong.get_data(as_text=True)
    assert "govuk-error-summary" in text and "The code is not right" in text
    assert not _user(app, "pm").two_factor_enabled

    secret2, codes = _enrol(pm)
    assert secret2 == secret
    assert len(codes) == 10 and len(set(codes)) == 10
    user = _user(app, "pm")
    assert user.totp_secret == secret and user.totp_pending_secret is None
    with app.app_context():
        stored = [r.code_hash for r in db.session.query(RecoveryCode).filter_by(user_id=user.id)]
        assert len(stored) == 10
        assert not {c.replace("-", "") for c in codes} & set(stored), "kept hashed, never as typed"
        event = db.session.query(AuditEvent).filter_by(kind="user.two_factor_enabled", object_id=user.id).one()
        assert event.actor_id == user.id
        assert event.before == {"two_factor": False, "recovery_codes_left": 0}
        assert event.after == {"two_factor": True, "recovery_codes_left": 10}
        trail = " ".join(f"{e.summary} {e.before} {e.after}" for e in db.session.query(AuditEvent))
        assert secret not in trail and not any(c.replace("-", "") in trail for c in codes)
    after = pm.get(SETUP).get_data(as_text=True)
    assert "Two-step sign-in is on" in after and "10 unused recovery codes" in after
    assert "totp-secret" not in after, "the key is not shown again"


def test_signing_in_asks_for_the_code_after_the_password(
    app: Flask, login: Any, demo: dict[str, Any], clock: Any
) -> None:
    secret, _ = _enrol(login("pm"))
    clock.advance(seconds=30)
    client = _password_step(app, "pm")
    assert client.get("/").status_code == 302, "the password alone signs nobody in"
    assert client.get(CODE_PAGE).status_code == 200
    done = _give_code(client, _code(secret))
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert client.get("/").status_code == 200
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(kind="auth.second_factor").count() == 1


def test_a_code_is_accepted_once(app: Flask, login: Any, demo: dict[str, Any], clock: Any) -> None:
    secret, _ = _enrol(login("pm"))
    clock.advance(seconds=30)
    code = _code(secret)
    assert _give_code(_password_step(app, "pm"), code).status_code == 302
    replay = _give_code(_password_step(app, "pm"), code)
    assert replay.status_code == 200
    assert "The code is not right" in replay.get_data(as_text=True)
    clock.advance(seconds=30)
    assert _give_code(_password_step(app, "pm"), _code(secret)).status_code == 302, "the next code works"


def test_a_wrong_code_gets_a_govuk_error_and_is_recorded(
    app: Flask, login: Any, demo: dict[str, Any], clock: Any
) -> None:
    secret, _ = _enrol(login("pm"))
    right = {_code(secret, s) for s in (-30, 0, 30)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in right)
    client = _password_step(app, "pm")
    response = _give_code(client, wrong)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'class="govuk-error-summary"' in html and 'class="govuk-error-message"' in html
    assert "The code is not right" in html
    assert client.get("/").status_code == 302
    blank = _give_code(client, "")
    assert "Enter the 6-digit code from your authenticator app, or a recovery code" in blank.get_data(as_text=True)
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(kind="auth.second_factor_failed").count() == 1


def test_recovery_codes_work_once_each(app: Flask, login: Any, demo: dict[str, Any], clock: Any) -> None:
    _, codes = _enrol(login("pm"))
    first = _password_step(app, "pm")
    assert _give_code(first, codes[0].upper()).status_code == 302
    again = _give_code(_password_step(app, "pm"), codes[0])
    assert again.status_code == 200 and "The code is not right" in again.get_data(as_text=True)
    assert _give_code(_password_step(app, "pm"), codes[1].replace("-", "")).status_code == 302
    assert "8 unused recovery codes" in first.get(SETUP).get_data(as_text=True)
    with app.app_context():
        assert db.session.query(AuditEvent).filter_by(kind="auth.recovery_code_used").count() == 2


def test_the_second_step_runs_out_after_five_minutes(app: Flask, login: Any, demo: dict[str, Any], clock: Any) -> None:
    secret, _ = _enrol(login("pm"))
    client = _password_step(app, "pm")
    clock.advance(minutes=6)
    late = client.get(CODE_PAGE)
    assert late.status_code == 302 and late.headers["Location"] == "/login"
    assert _give_code(client, _code(secret)).status_code == 302
    assert client.get("/").status_code == 302, "still not signed in"


def test_an_administrator_resets_someones_second_factor(
    app: Flask, login: Any, demo: dict[str, Any], clock: Any
) -> None:
    _enrol(login("smt"))
    smt_id = demo["users"]["smt"]
    admin = login("admin")
    page = admin.get(f"/admin/users/{smt_id}").get_data(as_text=True)
    assert "Reset two-step sign-in" in page
    assert f'action="/admin/users/{smt_id}/two-step-sign-in/reset"' in page
    assert admin.post(f"/admin/users/{smt_id}/two-step-sign-in/reset").status_code == 400, "CSRF needed"
    done = admin.post_form(f"/admin/users/{smt_id}/two-step-sign-in/reset")
    assert done.status_code == 302
    assert "Two-step sign-in reset for" in admin.get(done.headers["Location"]).get_data(as_text=True)
    assert not _user(app, "smt").two_factor_enabled
    with app.app_context():
        assert db.session.query(RecoveryCode).filter_by(user_id=smt_id).count() == 0
        event = db.session.query(AuditEvent).filter_by(kind="user.two_factor_reset").one()
        assert event.actor_id == demo["users"]["admin"] and event.object_id == smt_id
        assert event.before == {"two_factor": True, "recovery_codes_left": 10}
        assert event.after == {"two_factor": False, "recovery_codes_left": 0}
    smt: Client = app.test_client()  # type: ignore[assignment]
    signed_in = smt.login("smt@example.org")
    assert signed_in.status_code == 302 and signed_in.headers["Location"] != CODE_PAGE
    assert login("pm").post_form(f"/admin/users/{smt_id}/two-step-sign-in/reset").status_code == 403


def _required_app(make_app: Any, **settings: Any) -> Flask:
    """The demo data with TWO_FACTOR_REQUIRED (as production sets it) and the accounts' own passwords."""
    app = make_app(demo=True, TWO_FACTOR_REQUIRED=True, **settings)
    with app.app_context():
        for user in db.session.query(User):
            user.password_hash = hash_password(OWN_PASSWORD)
        db.session.commit()
    return app


def test_where_required_the_project_manager_sets_it_up_before_anything_else(make_app: Any, clock: Any) -> None:
    app = _required_app(make_app, DEMO_MODE=False)
    pm: Client = app.test_client()  # type: ignore[assignment]
    assert pm.login("pm@example.org", OWN_PASSWORD).status_code == 302
    for path in ("/", "/actions", "/audit"):
        sent = pm.get(path)
        assert sent.status_code == 302 and sent.headers["Location"] == SETUP, path
    assert pm.get("/api/summary").status_code == 403
    page = pm.get(SETUP).get_data(as_text=True)
    assert "Your role needs two-step sign-in" in page
    secret = _secret_on(page)
    token = pm.csrf_token(SETUP)
    assert pm.post(SETUP, data={"code": _code(secret), "csrf_token": token}).status_code == 200
    assert pm.get("/").status_code == 200

    admin: Client = app.test_client()  # type: ignore[assignment]
    admin.login("admin@example.org", OWN_PASSWORD)
    assert admin.get("/admin/users").headers["Location"] == SETUP

    smt: Client = app.test_client()  # type: ignore[assignment]
    smt.login("smt@example.org", OWN_PASSWORD)
    assert smt.get("/").status_code == 200, "offered to senior managers, not required"


def test_demo_accounts_are_exempt_in_demo_mode(make_app: Any) -> None:
    app = make_app(demo=True, TWO_FACTOR_REQUIRED=True)  # DEMO_MODE is on in the tests
    pm: Client = app.test_client()  # type: ignore[assignment]
    assert pm.login("pm@example.org").status_code == 302
    assert pm.get("/").status_code == 200
    assert "Your role needs two-step sign-in" not in pm.get(SETUP).get_data(as_text=True)


def test_not_required_outside_production(make_app: Any) -> None:
    app = _required_app(make_app, DEMO_MODE=False)
    app.config["TWO_FACTOR_REQUIRED"] = False
    pm: Client = app.test_client()  # type: ignore[assignment]
    pm.login("pm@example.org", OWN_PASSWORD)
    assert pm.get("/").status_code == 200
