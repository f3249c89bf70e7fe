"""Issue 14's small fixes as HTTP sees them: filtered titles, date hints, downloads, workflow errors."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask

from app.clock import today
from app.extensions import db
from app.models import Notification
from tests.web.test_workflow import form_version, proposal_id, propose


def title_of(response: Any) -> str:
    match = re.search(r"<title>(.*?) – ", response.get_data(as_text=True), re.S)
    assert match, "no title"
    return match.group(1).strip()


def test_a_filtered_actions_page_says_its_filter_in_the_title(login: Any, demo: dict[str, Any]) -> None:
    pm = login("pm")
    ws3 = demo["work_streams"][3]
    assert title_of(pm.get("/actions")) == "Actions"
    assert title_of(pm.get(f"/actions?status=STATIC&work_stream={ws3}")) == "Actions: STATIC, work stream iii"
    assert title_of(pm.get("/actions?overdue=1")) == "Actions: overdue"


def test_a_filtered_fragment_carries_the_title_for_htmx(login: Any, demo: dict[str, Any]) -> None:
    fragment = login("pm").get("/actions?status=COMPLETED", headers={"HX-Request": "true"})
    assert "<title>Actions: COMPLETED – " in fragment.get_data(as_text=True)


def test_work_stream_risk_audit_and_changes_filters_are_in_their_titles(login: Any, demo: dict[str, Any]) -> None:
    pm = login("pm")
    ws2 = demo["work_streams"][2]
    assert title_of(pm.get(f"/work-streams/{ws2}?status=COMPLETED")).endswith(": COMPLETED")
    assert title_of(pm.get(f"/risks?work_stream={ws2}&escalated=yes")) == "Risk register: work stream ii, escalated"
    assert title_of(pm.get("/audit?kind=auth&from=2015-01-01")) == (
        "Audit trail: Sign-ins and sign-outs, from 1 January 2015"
    )
    assert title_of(pm.get(f"/changes?work_stream={ws2}&kind=action.retired")) == (
        "Changes since the last committee meeting: work stream ii, Retirements"
    )
    assert title_of(pm.get("/changes")) == "Changes since the last committee meeting"


def example_weeks_ahead(weeks: int) -> str:
    day = today() + timedelta(weeks=weeks)
    return f"For example, {day.day} {day.month} {day.year}."


def test_date_hints_give_an_example_a_few_weeks_ahead(login: Any, demo: dict[str, Any], clock: Any) -> None:
    propose = login("sm1").get(f"/actions/{demo['actions']['1.3']}/propose").get_data(as_text=True)
    assert "Only if the deadline must move. " + example_weeks_ahead(6) in propose
    clock.advance(days=100)
    meetings = login("pm").get("/meetings").get_data(as_text=True)
    assert example_weeks_ahead(4) in meetings, "the hint is worked out when the page is drawn"
    assert "27 3 2026" not in propose and "7 10 2015" not in meetings


def test_a_challenge_sent_back_empty_is_shown_at_the_proposals_own_address(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm = login("sm2"), login("pm")
    pid = proposal_id(propose(sm2, demo["actions"]["3.5"]))
    page = pm.get(f"/proposals/{pid}").get_data(as_text=True)
    assert f'action="/proposals/{pid}"' in page and f'action="/proposals/{pid}/challenge"' not in page
    data = {"csrf_token": pm.csrf_token(), "proposal_version": form_version(page, "challenge"), "step": "challenge"}
    empty = pm.post(f"/proposals/{pid}", data={**data, "question": "", "more_evidence": "y"})
    html = empty.get_data(as_text=True)
    assert empty.status_code == 400 and empty.request.path == f"/proposals/{pid}"
    assert "There is a problem" in html and 'name="more_evidence" type="checkbox" value="y" checked' in html
    sent = pm.post(f"/proposals/{pid}", data={**data, "question": "Which teams does the tracker cover?"})
    assert sent.status_code == 303 and sent.headers["Location"] == f"/proposals/{pid}"


def test_a_post_to_a_proposal_without_a_known_step_is_refused(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm = login("sm2"), login("pm")
    pid = proposal_id(propose(sm2, demo["actions"]["3.6"]))
    assert pm.post(f"/proposals/{pid}", data={"csrf_token": pm.csrf_token(), "step": "delete"}).status_code == 400


def test_an_evidence_link_says_the_files_type_and_size(login: Any, demo: dict[str, Any]) -> None:
    sm2 = login("sm2")
    pid = proposal_id(propose(sm2, demo["actions"]["3.7"], evidence_title="Recruitment tracker"))
    page = sm2.get(f"/proposals/{pid}").get_data(as_text=True)
    assert re.search(r"download>Recruitment tracker \(PDF, 45 bytes\)</a>", page), page[page.find("Evidence") :][:600]


def test_older_notifications_are_a_page_away(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    sm1 = login("sm1")
    with app.app_context():
        for number in range(1, 56):
            db.session.add(Notification(user_id=demo["users"]["sm1"], message=f"Notice number {number}.", link="/"))
        db.session.commit()
    first = sm1.get("/notifications").get_data(as_text=True)
    assert "Notice number 55." in first and "Notice number 6." in first and "Notice number 5." not in first
    assert 'href="/notifications?page=2"' in first and "Showing 1 to 50 of 55 notifications" in first
    second = sm1.get("/notifications?page=2")
    html = second.get_data(as_text=True)
    assert title_of(second) == "Notifications: page 2"
    assert "Notice number 5." in html and "Notice number 1." in html and "Notice number 6." not in html
    assert 'href="/notifications?page=1"' in html and "Showing 51 to 55 of 55 notifications" in html
    assert 'href="/notifications?page=3"' not in html
