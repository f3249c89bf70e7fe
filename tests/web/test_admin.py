"""Administrators manage accounts from pages."""

from __future__ import annotations

from typing import Any

from flask import Flask

from app.extensions import db
from app.models import AuditEvent, User


def test_administrator_creates_a_service_manager_who_can_then_sign_in(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    admin = login("admin")
    response = admin.post_form(
        "/admin/users/new",
        {
            "name": "Jo Bloggs",
            "email": "Jo.Bloggs@Example.org",
            "job_title": "Service Manager, MASH",
            "role": "service_manager",
            "work_streams": [str(demo["work_streams"][2])],
            "password": "window orange tractor maple",
        },
    )
    assert response.status_code == 302
    assert "Account created for Jo Bloggs" in admin.get("/admin/users").get_data(as_text=True)
    with app.app_context():
        user = db.session.query(User).filter_by(email="jo.bloggs@example.org").one()
        assert [ws.number for ws in user.work_streams] == [2]
        assert db.session.query(AuditEvent).filter_by(kind="user.created", object_id=user.id).count() == 1
    fresh = app.test_client()
    assert fresh.login("jo.bloggs@example.org", "window orange tractor maple").status_code == 302


def test_bad_new_user_gets_error_summary_and_keeps_typing(login: Any) -> None:
    response = login("admin").post_form(
        "/admin/users/new",
        {"name": "Sam Example", "email": "not-an-email", "password": "password1234"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter an e-mail address in the correct format" in html
    assert "Password is too common" in html
    assert 'value="Sam Example"' in html and 'value="not-an-email"' in html
    summary = html[html.index("govuk-error-summary__list") :]
    assert summary.index('href="#email"') < summary.index('href="#password"'), "problems listed in page order"


def test_short_password_is_refused_with_the_rule(login: Any) -> None:
    html = (
        login("admin")
        .post_form(
            "/admin/users/new",
            {"name": "Sam Example", "email": "sam@example.org", "role": "committee_member", "password": "short pw"},
        )
        .get_data(as_text=True)
    )
    assert "Password must be at least 12 characters long" in html


def test_duplicate_email_is_refused(login: Any) -> None:
    html = (
        login("admin")
        .post_form(
            "/admin/users/new",
            {
                "name": "Another PM",
                "email": "PM@example.org",
                "role": "project_manager",
                "password": "window orange tractor maple",
            },
        )
        .get_data(as_text=True)
    )
    assert "An account with this e-mail address already exists" in html


def test_administrator_changes_role_and_work_streams(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    admin = login("admin")
    sm1 = demo["users"]["sm1"]
    response = admin.post_form(
        f"/admin/users/{sm1}",
        {
            "name": "Sarah Whitfield",
            "job_title": "",
            "role": "service_manager",
            "work_streams": [str(demo["work_streams"][7])],
        },
    )
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(User, sm1)
        assert [ws.number for ws in user.work_streams] == [7]
        event = db.session.query(AuditEvent).filter_by(kind="user.updated", object_id=sm1).one()
        assert event.before["work_streams"] != event.after["work_streams"]


def test_only_service_managers_run_work_streams(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    admin = login("admin")
    committee = demo["users"]["committee"]
    admin.post_form(
        f"/admin/users/{committee}",
        {"name": "Cllr Margaret Ellison", "role": "committee_member", "work_streams": [str(demo["work_streams"][1])]},
    )
    with app.app_context():
        assert db.session.get(User, committee).work_streams == []


def test_administrator_cannot_deactivate_themselves(login: Any, demo: dict[str, Any]) -> None:
    admin = login("admin")
    response = admin.post_form(f"/admin/users/{demo['users']['admin']}/deactivate", follow_redirects=True)
    assert "You cannot deactivate your own account" in response.get_data(as_text=True)
    assert admin.get("/admin/users").status_code == 200


def test_last_administrator_cannot_lose_the_role(login: Any, demo: dict[str, Any]) -> None:
    html = (
        login("admin")
        .post_form(f"/admin/users/{demo['users']['admin']}", {"name": "Priya Raman", "role": "committee_member"})
        .get_data(as_text=True)
    )
    assert "only active administrator" in html


def test_reset_password_signs_the_person_out(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    sm3 = login("sm3")
    response = login("admin").post_form(
        f"/admin/users/{demo['users']['sm3']}/password", {"password": "lighthouse gravel sonnet"}
    )
    assert response.status_code == 302
    assert sm3.get("/").status_code == 302


def test_committee_member_cannot_reach_user_management(login: Any) -> None:
    client = login("committee")
    assert client.get("/admin/users").status_code == 403
    response = client.post_form(
        "/admin/users/new",
        {"name": "X", "email": "x@example.org", "role": "administrator", "password": "window orange tractor maple"},
    )
    assert response.status_code == 403
