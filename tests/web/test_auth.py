"""Signing in and out, as people do it through the login form."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.extensions import db
from app.models import AuditEvent
from tests.conftest import Client, Clock

GENERIC = "Enter a correct e-mail address and password"


def test_wrong_password_and_unknown_email_get_the_same_message(client: Client, demo: dict[str, Any]) -> None:
    wrong = client.login("pm@example.org", "not the right password")
    unknown = client.login("nobody@example.org", "demo-password-2015")
    assert wrong.status_code == unknown.status_code == 200
    wrong_html, unknown_html = wrong.get_data(as_text=True), unknown.get_data(as_text=True)
    assert GENERIC in wrong_html and GENERIC in unknown_html
    assert "There is a problem" in wrong_html
    assert "nobody@example.org" in unknown_html, "the e-mail typed is kept in the form"


def test_email_is_matched_case_insensitively(client: Client, demo: dict[str, Any]) -> None:
    response = client.login("  PM@Example.ORG ")
    assert response.status_code == 302
    assert "Helen Marsh" in client.get("/").get_data(as_text=True)


def test_deactivated_account_cannot_sign_in(app: Flask, client: Client, demo: dict[str, Any]) -> None:
    from app.policy import SYSTEM
    from app.services import accounts

    with app.app_context():
        accounts.set_active(SYSTEM, demo["users"]["sm2"], False)
    response = client.login("sm2@example.org")
    assert response.status_code == 200
    assert GENERIC in response.get_data(as_text=True)


def test_off_site_next_is_ignored(client: Client, demo: dict[str, Any]) -> None:
    for target in ["https://evil.example.com/", "//evil.example.com/", "/\\evil.example.com", "javascript:alert(1)"]:
        c = Client(client.application, client.response_wrapper)
        token = c.csrf_token("/login")
        response = c.post(
            "/login",
            query_string={"next": target},
            data={"email": "pm@example.org", "password": "demo-password-2015", "csrf_token": token},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/", target


def test_on_site_next_is_honoured(client: Client, demo: dict[str, Any]) -> None:
    first = client.get("/actions?status=COMPLETED")
    assert first.status_code == 302
    login_url = first.headers["Location"]
    assert login_url.startswith("/login?next=")
    token = client.csrf_token("/login")
    response = client.post(
        login_url, data={"email": "pm@example.org", "password": "demo-password-2015", "csrf_token": token}
    )
    assert response.headers["Location"] == "/actions?status=COMPLETED"


def test_session_cookie_replayed_after_logout_is_refused(app: Flask, client: Client, demo: dict[str, Any]) -> None:
    client.login("pm@example.org")
    stolen = client.get_cookie("session")
    assert stolen is not None
    assert client.post_form("/logout").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen.value)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_session_ends_everywhere_when_account_deactivated(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    sm2 = login("sm2")
    assert sm2.get("/").status_code == 200
    admin = login("admin")
    admin.post_form(f"/admin/users/{demo['users']['sm2']}/deactivate")
    assert sm2.get("/").status_code == 302


def test_changing_password_ends_copied_sessions(app: Flask, login: Any) -> None:
    browser = login("sm1")
    copied = app.test_client()
    copied.set_cookie("session", browser.get_cookie("session").value)
    assert copied.get("/").status_code == 200
    response = browser.post_form(
        "/account/password",
        {"current_password": "demo-password-2015", "new_password": "purple kettle harbour lantern"},
    )
    assert response.status_code == 302
    assert browser.get("/").status_code == 200, "the person who changed it stays signed in"
    assert copied.get("/").status_code == 302, "a copied cookie no longer works"
    fresh: Client = app.test_client()  # type: ignore[assignment]
    assert fresh.login("sm1@example.org", "purple kettle harbour lantern").status_code == 302


def test_idle_session_must_sign_in_again(app: Flask, login: Any, clock: Clock) -> None:
    client = login("committee")
    assert client.get("/").status_code == 200
    clock.advance(minutes=61)
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_active_session_is_not_ended_by_the_idle_limit(app: Flask, login: Any, clock: Clock) -> None:
    client = login("committee")
    for _ in range(3):
        clock.advance(minutes=45)
        response = client.get("/actions")
        assert response.status_code == 200 and "Cllr Margaret Ellison" in response.get_data(as_text=True)


def test_post_without_csrf_token_is_refused(client: Client, demo: dict[str, Any]) -> None:
    client.login("pm@example.org")
    response = client.post("/logout")
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert client.get("/").status_code == 200, "still signed in: nothing happened"


def test_htmx_request_with_expired_session_gets_hx_redirect(client: Client, demo: dict[str, Any]) -> None:
    response = client.get(
        "/work-streams/1?status=COMPLETED",
        headers={"HX-Request": "true", "HX-Current-URL": "http://localhost/work-streams/1?status=COMPLETED"},
    )
    assert response.headers["HX-Redirect"].startswith("/login?next=")
    assert "<html" not in response.get_data(as_text=True)


def test_logins_and_failures_are_audited(app: Flask, client: Client, demo: dict[str, Any]) -> None:
    client.login("pm@example.org", "wrong password entirely")
    client.login("pm@example.org")
    with app.app_context():
        kinds = [e.kind for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert "auth.login_failed" in kinds and kinds[-1] == "auth.login"


def test_demo_password_refused_outside_demo_mode(make_app: Any) -> None:
    app = make_app(demo=True, DEMO_MODE=False)
    client: Client = app.test_client()  # type: ignore[assignment]
    response = client.login("pm@example.org")
    assert response.status_code == 200
    assert GENERIC in response.get_data(as_text=True)


def test_committee_members_land_on_their_own_page(client: Client, demo: dict[str, Any]) -> None:
    response = client.login("committee@example.org")
    assert response.headers["Location"] == "/committee"
    assert "For committee members" in client.get("/committee").get_data(as_text=True)


def test_form_sent_after_the_session_ended_goes_to_sign_in_and_back(client: Client, demo: dict[str, Any]) -> None:
    client.login("sm2@example.org")
    token = client.csrf_token(f"/actions/{demo['actions']['3.3']}/propose")
    client.post_form("/logout")
    response = client.post(
        f"/actions/{demo['actions']['3.3']}/propose", data={"csrf_token": token, "progress": "Typed"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next=/actions/{demo['actions']['3.3']}/propose"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "your session ended" in page
