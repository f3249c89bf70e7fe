"""Pages kept whole (`rendering.render_kept`) that hold forms, or the person's own lists: each session's forms
carry that session's own CSRF token, each person sees their own lists, and what the audit trail does not record
(notifications marked read, a report being prepared) still shows at once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select

from app.clock import today
from app.extensions import db
from app.models import Notification, RiskEntry, User
from app.services import accounts, risks
from app.web.rendering import KEPT_TOKEN
from tests.web.test_meeting_page import record


def _tokens(html: str) -> set[str]:
    """Every CSRF token on the page: in forms and in htmx's header."""
    return set(re.findall(r'name="csrf_token" value="([^"]+)"', html)) | set(
        re.findall(r'"X-CSRFToken": "([^"]+)"', html)
    )


def test_a_kept_page_s_forms_carry_each_session_s_own_token(login: Any, count_queries: Any) -> None:
    """The register (with the warning window's form) worked out for one session and kept: another session's page
    carries its own token, in the form as in the header, and the form posts with it; the first session's token
    would have been refused."""
    first, second = login("pm"), login("pm")
    mine = first.get("/risks").get_data(as_text=True)
    with count_queries() as queries:
        theirs = second.get("/risks").get_data(as_text=True)
    assert not [s for s in queries.statements if "FROM risk_entries" in s], "the register was not kept"
    assert 'action="/risks/window' in theirs and KEPT_TOKEN not in theirs and KEPT_TOKEN not in mine
    (token,) = _tokens(theirs)
    (other,) = _tokens(mine)
    assert token != other
    refused = second.post("/risks/window", data={"csrf_token": other, "days": "30", "reason": "Half the time"})
    assert refused.status_code == 400, "another session's token was accepted: the test proves nothing"
    saved = second.post("/risks/window", data={"csrf_token": token, "days": "30", "reason": "Half the time"})
    assert saved.status_code == 303
    assert "due within 30 days" in second.get("/risks").get_data(as_text=True), "the kept register did not follow"


def test_a_kept_meeting_page_posts_with_its_own_token_and_shows_the_new_details(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    """The next meeting's page, kept with its two forms: another session posts the details form with its own
    token, and both sessions see the new details at once (the change is audited)."""
    first, second = login("pm"), login("pm")
    meeting = record(first, days_from_today=30, contact_officer="")
    first.get(f"/meetings/{meeting}")
    page = second.get(f"/meetings/{meeting}").get_data(as_text=True)
    (token,) = _tokens(page)
    version = re.search(r'name="version"[^>]*value="(\d+)"', page) or re.search(
        r'value="(\d+)"[^>]*name="version"', page
    )
    assert version is not None and KEPT_TOKEN not in page
    saved = second.post(
        f"/meetings/{meeting}/details",
        data={
            "csrf_token": token,
            "version": version.group(1),
            "contact_officer": "Priya Shah",
            "contact_telephone": "01632 960 001",
            "report_author": "Helen Marsh",
            "checkpoint": "6",
        },
    )
    assert saved.status_code == 303, saved.get_data(as_text=True)[:2000]
    for client in (first, second):
        assert 'value="Priya Shah"' in client.get(f"/meetings/{meeting}").get_data(as_text=True)


def test_the_dashboard_is_kept_for_each_person_even_with_the_same_rights(
    app: Flask, login: Any, demo: dict[str, Any], clock: Any, count_queries: Any
) -> None:
    """Two project managers: the risk review overdue for one is on their dashboard only."""
    with app.app_context():
        admin = db.session.get(User, demo["users"]["admin"])
        accounts.create_user(
            admin,
            email="pm2@example.org",
            name="Sam Okafor",
            role="project_manager",
            password="demo-password-2015",
            must_change_password=False,
        )
        entry = db.session.scalars(select(RiskEntry).where(RiskEntry.closed_on.is_(None)).limit(1)).one()
        pm = db.session.get(User, demo["users"]["pm"])
        risks.edit(
            pm,
            entry.id,
            entry.version,
            risks.EntryInput(
                likelihood=3,
                impact=3,
                mitigations="Agency cover",
                remedial_actions="Recruit",
                next_review_on=today() + timedelta(days=2),
                owner_id=pm.id,
                reason="Review in two days",
            ),
        )
    clock.advance(days=3)
    helen, sam = login("pm"), login("pm2")
    assert 'id="reviews-due"' in helen.get("/").get_data(as_text=True)
    with count_queries() as queries:
        again = helen.get("/").get_data(as_text=True)
    assert 'id="reviews-due"' in again
    assert not [s for s in queries.statements if "FROM risk_entries" in s], "the dashboard was not kept"
    assert 'id="reviews-due"' not in sam.get("/").get_data(as_text=True), "one person's list reached another"


def test_notifications_are_kept_until_one_arrives_or_all_are_read(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    pm = login("pm")
    with app.app_context():
        db.session.add(Notification(user_id=demo["users"]["pm"], message="Challenge answered on 3.3.", link="/"))
        db.session.commit()
    first = pm.get("/notifications").get_data(as_text=True)
    assert "Challenge answered on 3.3." in first and "app-notification--unread" in first
    with count_queries() as queries:
        again = pm.get("/notifications").get_data(as_text=True)
    assert not [s for s in queries.statements if "FROM notifications" in s and "user_sessions" not in s]
    assert again.count("app-notification--unread") == first.count("app-notification--unread")
    (token,) = _tokens(again)
    assert pm.post("/notifications/read", data={"csrf_token": token}).status_code == 303
    read = pm.get("/notifications").get_data(as_text=True)
    assert "app-notification--unread" not in read and "Challenge answered on 3.3." in read, (
        "marking read did not reach the kept page"
    )
    with app.app_context():
        db.session.add(Notification(user_id=demo["users"]["pm"], message="Proposal for 4.1 submitted.", link="/"))
        db.session.commit()
    assert "Proposal for 4.1 submitted." in pm.get("/notifications").get_data(as_text=True), "the new one is missing"
    member = login("committee").get("/notifications").get_data(as_text=True)
    assert "Challenge answered on 3.3." not in member, "one person's notifications reached another"
