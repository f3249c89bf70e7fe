"""The e-mail pages: each person's choices on their account, and the administrator's outbox in demo mode."""

from __future__ import annotations

from collections.abc import Callable
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.config import FOLDER_BACKEND
from app.extensions import db
from app.models import AuditEvent, MailPreference, User
from app.services import jobs, proposals
from app.services.proposals import ProposalInput


def test_the_account_page_leads_to_the_e_mail_choices(login: Callable[[str], Any]) -> None:
    page = login("sm1").get("/account/password").get_data(as_text=True)
    assert 'href="/account/email"' in page and "E-mail messages" in page


def test_each_person_is_asked_only_about_messages_they_can_get(login: Callable[[str], Any]) -> None:
    sm = login("sm1").get("/account/email").get_data(as_text=True)
    assert "Your proposal is approved" in sm and "A proposal is submitted for review" not in sm
    assert 'type="radio"' in sm and "Put it in a daily e-mail" in sm
    pm = login("pm").get("/account/email").get_data(as_text=True)
    assert "A proposal is submitted for review" in pm and "Your proposal is approved" in pm
    smt = login("smt").get("/account/email").get_data(as_text=True)
    assert "A weekly summary of what changed" in smt and "E-mail it to me" in smt
    committee = login("committee").get("/account/email").get_data(as_text=True)
    assert "Other messages from the tracker" in committee
    assert "Your proposal" not in committee and "weekly summary" not in committee


def test_choices_are_saved_and_audited(app: Flask, login: Callable[[str], Any], demo: dict[str, Any]) -> None:
    client = login("sm1")
    choices = {
        "proposal_challenged": "daily",
        "proposal_rejected": "immediately",
        "proposal_approved": "never",
        "risk_review_due": "immediately",
        "round_opened": "immediately",
        "round_due_soon": "immediately",
        "round_overdue": "immediately",
        "general": "immediately",
    }
    response = client.post_form("/account/email", choices)
    assert response.status_code == 303
    page = client.get("/account/email").get_data(as_text=True)
    assert "Your e-mail choices have been saved." in page
    with app.app_context():
        stored = dict(
            db.session.execute(
                select(MailPreference.kind, MailPreference.choice).where(MailPreference.user_id == demo["users"]["sm1"])
            ).all()
        )
        assert stored == {"proposal_challenged": "daily", "proposal_approved": "never"}  # the rest: the default
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "account.mail_preferences"))
        assert event.after == {"proposal_challenged": "daily", "proposal_approved": "never"}


def test_a_missing_or_made_up_choice_is_an_error_and_the_rest_is_kept(
    app: Flask, login: Callable[[str], Any], demo: dict[str, Any]
) -> None:
    client = login("sm1")
    response = client.post_form(
        "/account/email", {"proposal_challenged": "daily", "proposal_approved": "sometimes", "general": "never"}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page and "Choose how you want to hear about this" in page
    assert 'name="proposal_challenged" type="radio" value="daily" checked' in page  # the typing kept
    assert 'name="general" type="radio" value="never" checked' in page
    with app.app_context():
        assert db.session.scalars(select(MailPreference)).all() == []  # nothing half-saved


def test_in_demo_mode_mail_goes_to_the_outbox_folder_and_the_outbox_page(
    make_app: Callable[..., Flask], tmp_path: Path, databases: Any
) -> None:
    folder = tmp_path / "outbox"
    # as `make run` has it: no mail server, and background jobs in a thread of the web server
    app = make_app(demo=True, MAIL_BACKEND=FOLDER_BACKEND, MAIL_OUTBOX_DIR=str(folder), JOBS_MODE="thread")
    ids = databases.demo_ids
    with app.app_context():
        sm = db.session.get(User, ids["users"]["sm2"])
        proposal = proposals.create(
            sm, "action", ids["actions"]["3.3"], ProposalInput(values={"progress": "Offers made."}), submit=True
        )
        subject, proposal_id = f"{sm.name} submitted a proposal for action 3.3", proposal.id
        db.session.remove()
        jobs.join_threads(timeout=60)
    [eml] = list(folder.glob("*.eml"))
    message = message_from_bytes(eml.read_bytes(), policy=policy.default)
    assert message["Subject"] == subject and message["To"] == "pm@example.org"
    assert f"/proposals/{proposal_id}" in message.get_body(preferencelist=("plain",)).get_content()

    admin = app.test_client()
    assert admin.login("admin@example.org").status_code == 302
    page = admin.get("/admin/outbox").get_data(as_text=True)
    assert subject in page and "Sent" in page and str(folder) in page
    assert "Every e-mail has been sent" in admin.get("/admin/mail").get_data(as_text=True)
    app.config["DEMO_MODE"] = False
    assert admin.get("/admin/outbox").status_code == 404  # the outbox page is for the demo only
    assert 'href="/admin/outbox"' not in admin.get("/admin/mail").get_data(as_text=True)
