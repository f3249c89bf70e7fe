"""A password an administrator chose is replaced by its owner at the first sign-in, before anything else."""

from __future__ import annotations

from typing import Any

from flask import Flask, url_for

from app.extensions import db
from app.models import AuditEvent, Proposal, User
from tests.conftest import Client

FIRST = "window orange tractor maple"
OWN = "copper heron autumn ledger"
CHANGE_PAGE = "/account/password"


def _flagged(app: Flask, email: str) -> bool:
    with app.app_context():
        return db.session.query(User).filter_by(email=email).one().must_change_password


def _reset_by_admin(login: Any, demo: dict[str, Any], who: str) -> None:
    response = login("admin").post_form(f"/admin/users/{demo['users'][who]}/password", {"password": FIRST})
    assert response.status_code == 302


def _signed_in(app: Flask, email: str, password: str = FIRST) -> Client:
    client: Client = app.test_client()  # type: ignore[assignment]
    assert client.login(email, password).status_code == 302
    return client


def _change(client: Client, current: str = FIRST, new: str = OWN, next_path: str = "") -> Any:
    token = client.csrf_token(CHANGE_PAGE)
    path = f"{CHANGE_PAGE}?next={next_path}" if next_path else CHANGE_PAGE
    return client.post(path, data={"csrf_token": token, "current_password": current, "new_password": new})


def test_an_account_an_administrator_creates_must_change_its_password_at_first_sign_in(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    created = login("admin").post_form(
        "/admin/users/new",
        {"name": "Jo Bloggs", "email": "jo.bloggs@example.org", "role": "senior_manager", "password": FIRST},
    )
    assert created.status_code == 302
    assert _flagged(app, "jo.bloggs@example.org")

    jo: Client = app.test_client()  # type: ignore[assignment]
    signed_in = jo.login("jo.bloggs@example.org", FIRST)
    landing = jo.get(signed_in.headers["Location"])
    assert landing.status_code == 302 and landing.headers["Location"] == CHANGE_PAGE
    page = jo.get(CHANGE_PAGE).get_data(as_text=True)
    assert "<title>Choose a new password" in page
    assert "The password you signed in with was set by an administrator" in page
    assert 'aria-label="Main menu"' not in page, "no navigation to pages that are not open yet"
    assert "Sign out" in page
    with app.app_context():
        jo_id = db.session.query(User).filter_by(email="jo.bloggs@example.org").one().id
        event = db.session.query(AuditEvent).filter_by(kind="user.created", object_id=jo_id).one()
        assert event.after is not None and event.after["must_change_password"] is True


def test_nothing_else_is_reachable_before_the_change(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    _reset_by_admin(login, demo, "sm1")
    assert _flagged(app, "sm1@example.org")
    sm1 = _signed_in(app, "sm1@example.org")
    ws1, action = demo["work_streams"][1], demo["actions"]["1.4"]

    for path in [
        "/",
        "/actions?status=COMPLETED",
        f"/work-streams/{ws1}",
        f"/actions/{action}",
        "/risks",
        "/risks.xlsx",
        "/glossary",
        "/notifications",
        "/audit",
        "/no-such-page",
    ]:
        response = sm1.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith(CHANGE_PAGE), path
    assert sm1.get("/actions?status=COMPLETED").headers["Location"] == f"{CHANGE_PAGE}?next=/actions?status%3DCOMPLETED"

    token = sm1.csrf_token(CHANGE_PAGE)
    proposed = sm1.post(
        f"/actions/{action}/propose",
        data={"csrf_token": token, "progress": "Not yet", "save_draft": "1"},
        content_type="multipart/form-data",
    )
    assert proposed.status_code == 302 and proposed.headers["Location"] == CHANGE_PAGE
    with app.app_context():
        assert db.session.query(Proposal).filter_by(author_id=demo["users"]["sm1"]).count() == 0

    htmx = sm1.get(
        f"/work-streams/{ws1}?status=COMPLETED",
        headers={"HX-Request": "true", "HX-Current-URL": f"http://localhost/work-streams/{ws1}"},
    )
    assert htmx.status_code == 204
    assert htmx.headers["HX-Redirect"] == CHANGE_PAGE
    assert htmx.get_data(as_text=True) == ""

    api = sm1.get("/api/v1/summary")
    assert api.status_code == 403
    assert api.get_json()["error"] == "password_change_required"

    assert sm1.get("/accessibility").status_code == 200, "the statement says whom to ask for help"
    with sm1.get("/static/css/app.css") as static:
        assert static.status_code == 200
    assert sm1.get(CHANGE_PAGE).status_code == 200


def test_a_badge_poll_waits_quietly_instead_of_reloading_the_page(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    _reset_by_admin(login, demo, "pm")
    pm = _signed_in(app, "pm@example.org")
    with app.test_request_context():
        badge = url_for("proposals.queue_count")
    poll = pm.get(badge, headers={"HX-Request": "true"})
    assert poll.status_code == 204 and "HX-Redirect" not in poll.headers


def test_after_changing_it_everything_works(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    _reset_by_admin(login, demo, "sm1")
    sm1 = _signed_in(app, "sm1@example.org")

    same = _change(sm1, new=FIRST)
    assert same.status_code == 200 and _flagged(app, "sm1@example.org"), "the given password cannot be kept"
    changed = _change(sm1, next_path="/risks")
    assert changed.status_code == 302 and changed.headers["Location"] == "/risks"
    assert not _flagged(app, "sm1@example.org")

    for path in ["/", f"/work-streams/{demo['work_streams'][1]}", "/risks", "/glossary"]:
        assert sm1.get(path).status_code == 200, path
    assert 'aria-label="Main menu"' in sm1.get("/").get_data(as_text=True)
    htmx = sm1.get(f"/work-streams/{demo['work_streams'][1]}?status=COMPLETED", headers={"HX-Request": "true"})
    assert htmx.status_code == 200 and "HX-Redirect" not in htmx.headers
    assert sm1.get("/api/v1/summary").status_code == 200
    assert sm1.post_form("/notifications/read").status_code == 303
    assert _signed_in(app, "sm1@example.org", OWN).get("/").status_code == 200

    with app.app_context():
        events = db.session.query(AuditEvent).filter_by(kind="user.password_changed").order_by(AuditEvent.id).all()
        reset, own = events[-2], events[-1]
        assert (reset.actor_id, reset.before, reset.after) == (
            demo["users"]["admin"],
            {"must_change_password": False},
            {"must_change_password": True},
        )
        assert "must choose their own" in reset.summary
        assert (own.actor_id, own.before, own.after) == (
            demo["users"]["sm1"],
            {"must_change_password": True},
            {"must_change_password": False},
        )


def test_sign_out_works_before_the_change(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    _reset_by_admin(login, demo, "committee")
    committee = _signed_in(app, "committee@example.org")
    token = committee.csrf_token(CHANGE_PAGE)
    assert committee.post("/logout", data={"csrf_token": token}).headers["Location"] == "/login"
    assert committee.get(CHANGE_PAGE).headers["Location"].startswith("/login")


def test_a_committee_member_lands_on_their_page_after_the_change(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    _reset_by_admin(login, demo, "committee")
    committee = _signed_in(app, "committee@example.org")
    with app.test_request_context():
        landing = url_for("committee.landing")
    assert _change(committee).headers["Location"] == landing


def test_an_administrator_setting_their_own_password_is_not_asked_again(app: Flask, demo: dict[str, Any]) -> None:
    from app.services import accounts

    with app.test_request_context():
        admin = db.session.get(User, demo["users"]["admin"])
        accounts.set_password(admin, admin.id, OWN)
    assert not _flagged(app, "admin@example.org")


def test_the_demo_accounts_are_not_asked_to_change_their_password(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    with app.app_context():
        assert db.session.query(User).filter(User.must_change_password.is_(True)).count() == 0
    assert login("pm").get("/").status_code == 200


def test_command_line_passwords(app: Flask, demo: dict[str, Any]) -> None:
    """The first administrator types their own; a reset, or an account made --temporary, must be changed."""
    runner = app.test_cli_runner()
    own = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "it@council.gov.uk",
            "--name",
            "Head of IT",
            "--role",
            "administrator",
            "--password",
            FIRST,
        ]
    )
    assert own.exit_code == 0, own.output
    assert not _flagged(app, "it@council.gov.uk")
    temporary = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "new@council.gov.uk",
            "--name",
            "New Starter",
            "--role",
            "committee_member",
            "--temporary",
            "--password",
            FIRST,
        ]
    )
    assert temporary.exit_code == 0 and "must choose their own password" in temporary.output
    assert _flagged(app, "new@council.gov.uk")
    reset = runner.invoke(args=["users", "set-password", "sm2@example.org", "--password", FIRST])
    assert reset.exit_code == 0 and "must choose their own" in reset.output
    assert _flagged(app, "sm2@example.org")
    listed = runner.invoke(args=["users", "list"]).output
    assert "sm2@example.org\tTom Adeyemi\tservice_manager\tactive, must change password" in listed
