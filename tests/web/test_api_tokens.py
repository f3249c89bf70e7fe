"""Personal access tokens and the read API: a token reads as its account, never writes, and stops the moment
it is revoked; the API shows the approved plan only, a page at a time, with ETags."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import Action, ApiToken, AuditEvent, Proposal, User
from app.policy import PermissionDenied
from app.services import api_tokens, proposals
from app.services.proposals import ProposalInput


def _user(who: str) -> User:
    return db.session.scalars(select(User).where(User.email == f"{who}@example.org")).one()


def _token(app: Flask, acting_as: str = "committee") -> str:
    with app.app_context():
        _, secret = api_tokens.create(_user("admin"), f"Power BI as {acting_as}", _user(acting_as).id)
    return secret


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_reads_the_api_as_its_account_with_no_session(app: Flask, demo: dict[str, Any]) -> None:
    secret = _token(app)
    client = app.test_client()
    response = client.get(f"/api/v1/plans/{demo['plan_id']}/actions", headers=_bearer(secret))
    assert response.status_code == 200
    assert response.get_json()["total"] > 0
    assert "Set-Cookie" not in response.headers  # a token never starts a session
    with app.app_context():
        token = db.session.scalars(select(ApiToken)).one()
        assert token.last_used_at is not None
        assert token.token_hash != secret and secret not in token.prefix + token.name


def test_a_token_is_ignored_outside_the_api(app: Flask, demo: dict[str, Any]) -> None:
    secret = _token(app, "pm")
    response = app.test_client().get("/actions", headers=_bearer(secret))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_unknown_or_revoked_token_is_refused_with_json_401(app: Flask, demo: dict[str, Any]) -> None:
    secret = _token(app)
    client = app.test_client()
    url = f"/api/v1/plans/{demo['plan_id']}"
    unknown = client.get(url, headers=_bearer("ipt_" + "x" * 43))
    assert unknown.status_code == 401 and unknown.get_json()["error"] == "unauthenticated"
    assert client.get(url, headers=_bearer(secret)).status_code == 200
    with app.app_context():
        token = db.session.scalars(select(ApiToken)).one()
        api_tokens.revoke(_user("admin"), token.id)
    revoked = client.get(url, headers=_bearer(secret))
    assert revoked.status_code == 401 and revoked.is_json


def test_a_token_whose_account_is_deactivated_is_refused(app: Flask, demo: dict[str, Any]) -> None:
    from app.services import accounts

    secret = _token(app, "smt")
    with app.app_context():
        accounts.set_active(_user("admin"), _user("smt").id, False)
    assert app.test_client().get("/api/v1/plans", headers=_bearer(secret)).status_code == 401


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_token_never_writes_through_the_api(app: Flask, demo: dict[str, Any], method: str) -> None:
    secret = _token(app, "pm")
    response = app.test_client().open(f"/api/v1/plans/{demo['plan_id']}", method=method, headers=_bearer(secret))
    assert response.status_code == 403
    assert response.get_json()["error"] == "read_only_token"


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_a_token_never_writes_through_the_pages(app: Flask, demo: dict[str, Any], method: str) -> None:
    """The project manager's token cannot approve the waiting proposal: a token is no way into a page."""
    secret = _token(app, "pm")
    with app.app_context():
        manager = _user("sm1")
        waiting = proposals.create(
            manager,
            "action",
            demo["actions"]["1.3"],
            ProposalInput(values={"progress": "Waiting words."}),
            submit=True,
        )
        proposal_id, events = waiting.id, db.session.query(AuditEvent).count()
    response = app.test_client().open(
        f"/proposals/{proposal_id}/approve", method=method, data={"note": "ok"}, headers=_bearer(secret)
    )
    assert response.status_code in (302, 400, 401, 403, 405)
    with app.app_context():
        assert db.session.get(Proposal, proposal_id).state == "submitted"
        assert db.session.query(AuditEvent).count() == events


def test_the_api_shows_the_approved_plan_never_a_pending_proposal(app: Flask, demo: dict[str, Any]) -> None:
    action_id = demo["actions"]["1.3"]
    with app.app_context():
        approved = db.session.get(Action, action_id).progress
        proposals.create(
            _user("sm1"),
            "action",
            action_id,
            ProposalInput(values={"progress": "A PENDING NARRATIVE"}),
            submit=True,
        )
    client = app.test_client()
    for who in ("pm", "committee"):
        secret = _token(app, who)
        one = client.get(f"/api/v1/actions/{action_id}", headers=_bearer(secret))
        assert one.get_json()["progress"] == approved
        listed = client.get(f"/api/v1/plans/{demo['plan_id']}/actions?per_page=200", headers=_bearer(secret))
        assert "A PENDING NARRATIVE" not in listed.get_data(as_text=True)


def test_a_committee_members_token_sees_what_the_committee_sees(app: Flask, demo: dict[str, Any]) -> None:
    """Names, never the e-mail addresses only staff see (as the Excel export, which is for staff only)."""
    client = app.test_client()
    url = f"/api/v1/plans/{demo['plan_id']}/actions?per_page=5"
    member = client.get(url, headers=_bearer(_token(app, "committee"))).get_json()
    staff = client.get(url, headers=_bearer(_token(app, "smt"))).get_json()
    owned = [a for a in member["items"] if a["owner"]]
    assert owned and all("email" not in a["owner"] and a["owner"]["name"] for a in owned)
    assert all("@" in a["owner"]["email"] for a in staff["items"] if a["owner"])
    assert "@example.org" not in client.get(url, headers=_bearer(_token(app, "committee"))).get_data(as_text=True)


def test_only_administrators_create_and_revoke_tokens_and_each_is_audited(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        for who in ("pm", "sm1", "smt", "committee"):
            with pytest.raises(PermissionDenied):
                api_tokens.create(_user(who), "Mine", _user(who).id)
        token, secret = api_tokens.create(_user("admin"), "Finance dashboard", _user("committee").id)
        with pytest.raises(PermissionDenied):
            api_tokens.revoke(_user("pm"), token.id)
        api_tokens.revoke(_user("admin"), token.id)
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.kind.like("token.%"))).all()
        assert [e.kind for e in events] == ["token.created", "token.revoked"]
        assert all(e.actor_name == "Priya Raman" for e in events)
        for e in events:
            assert secret not in f"{e.summary}{e.before}{e.after}"
            assert token.token_hash not in f"{e.summary}{e.before}{e.after}"


def test_etag_answers_304_and_pages_link_to_each_other(app: Flask, demo: dict[str, Any]) -> None:
    client = app.test_client()
    headers = _bearer(_token(app, "pm"))
    first = client.get(f"/api/v1/plans/{demo['plan_id']}/actions?status=COMPLETED&per_page=10", headers=headers)
    body = first.get_json()
    assert body["page"] == 1 and body["previous"] is None and body["pages"] == -(-body["total"] // 10)
    assert "status=COMPLETED" in body["next"] and "page=2" in body["next"]
    second = client.get(body["next"], headers=headers).get_json()
    assert second["previous"] and {a["id"] for a in second["items"]}.isdisjoint({a["id"] for a in body["items"]})
    assert all(a["status"] == "COMPLETED" for a in second["items"])
    again = client.get(
        f"/api/v1/plans/{demo['plan_id']}/actions?status=COMPLETED&per_page=10",
        headers={**headers, "If-None-Match": first.headers["ETag"]},
    )
    assert again.status_code == 304 and again.get_data() == b""


def test_the_openapi_document_is_31_and_public(app: Flask) -> None:
    response = app.test_client().get("/api/v1/openapi.json")
    spec = response.get_json()
    assert response.status_code == 200 and spec["openapi"] == "3.1.0"
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "a personal access token (read-only)",
    }
    api_rules = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/v1/")}
    assert len(spec["paths"]) == len(api_rules)
    assert "304" in spec["paths"]["/api/v1/plans/{plan_id}/actions"]["get"]["responses"]


def test_the_administrator_creates_a_token_sees_it_once_and_revokes_it(app: Flask, login: Any) -> None:
    admin = login("admin")
    with app.app_context():
        committee_id = _user("committee").id
    refused = admin.post_form("/admin/api-tokens/new", {"name": "", "user_id": ""})
    assert refused.status_code == 400
    assert "Enter a name for the token" in refused.get_data(as_text=True)
    made = admin.post_form("/admin/api-tokens/new", {"name": "Power BI dashboard", "user_id": committee_id})
    page = made.get_data(as_text=True)
    assert made.status_code == 200 and "API token created" in page
    import re

    secret = re.search(r'value="(ipt_[^"]+)"', page).group(1)
    assert app.test_client().get("/api/v1/plans", headers=_bearer(secret)).status_code == 200
    listing = admin.get("/admin/api-tokens").get_data(as_text=True)
    assert "Power BI dashboard" in listing and secret[:12] in listing and secret not in listing
    with app.app_context():
        token_id = db.session.scalars(select(ApiToken.id)).one()
    assert "cannot be undone" in admin.get(f"/admin/api-tokens/{token_id}/revoke").get_data(as_text=True)
    assert admin.post(f"/admin/api-tokens/{token_id}/revoke").status_code == 400  # no CSRF token: nothing revoked
    assert app.test_client().get("/api/v1/plans", headers=_bearer(secret)).status_code == 200
    done = admin.post_form(f"/admin/api-tokens/{token_id}/revoke")
    assert done.status_code == 303
    assert app.test_client().get("/api/v1/plans", headers=_bearer(secret)).status_code == 401
    assert "Revoked" in admin.get("/admin/api-tokens").get_data(as_text=True)
    assert login("pm").get("/admin/api-tokens").status_code == 403


def test_a_service_account_nobody_signs_in_as_still_reads_with_its_token(app: Flask, demo: dict[str, Any]) -> None:
    """An account an administrator made (its first password never replaced) is a service account: its token
    reads, while signing in as it in a browser still goes to the change-password page first."""
    from app.services import accounts

    with app.app_context():
        admin = _user("admin")
        service = accounts.create_user(
            admin,
            email="powerbi@example.org",
            name="Power BI service",
            role="committee_member",
            password="quartz lantern meadow violin 93",
        )
        assert service.must_change_password
        _, secret = api_tokens.create(admin, "Power BI", service.id)
    response = app.test_client().get(f"/api/v1/plans/{demo['plan_id']}/risks", headers=_bearer(secret))
    assert response.status_code == 200 and "items" in response.get_json()
