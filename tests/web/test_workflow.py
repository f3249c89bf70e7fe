"""The change workflow end to end through the HTTP interface, one test per path."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import Action, Proposal

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NARRATIVE = "All twelve team manager posts are now filled by permanent managers."
WHY = "Every team manager post is filled, which was the action's key target."
APPROVAL_NOTE = "The recruitment tracker shows every post filled."


def form_version(html: str, form_id: str | None = None) -> str:
    if form_id:
        html = html[html.index(f'id="{form_id}"') :]
    return re.search(r'name="proposal_version" type="hidden" value="(\d+)"', html).group(1)


def propose(client: Any, action_id: int, *, submit: bool = True, **overrides: Any) -> Any:
    """Follow the action page's "Propose an update" button, then fill in the form."""
    action_page = client.get(f"/actions/{action_id}").get_data(as_text=True)
    link = re.search(r'href="([^"]+)"[^>]*>\s*Propose an update\s*<', action_page).group(1)
    assert link == f"/actions/{action_id}/propose"
    page = client.get(link).get_data(as_text=True)
    target_version = re.search(r'name="target_version" type="hidden" value="(\d+)"', page).group(1)
    data = {
        "csrf_token": client.csrf_token(),
        "target_version": target_version,
        "status": "COMPLETED",
        "status_reason": WHY,
        "progress": NARRATIVE,
        "evidence_file": (io.BytesIO(PDF), "recruitment-tracker.pdf"),
        "evidence_note": "Tracker signed off by the Assistant Director",
        ("submit_proposal" if submit else "save_draft"): "1",
    }
    data.update(overrides)
    return client.post(f"/actions/{action_id}/propose", data=data, content_type="multipart/form-data")


def proposal_id(response: Any) -> int:
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def act(client: Any, pid: int, event: str, form_id: str | None = None, **data: Any) -> Any:
    page = client.get(f"/proposals/{pid}").get_data(as_text=True)
    payload = {"csrf_token": client.csrf_token(), "proposal_version": form_version(page, form_id), **data}
    if event == "approve":
        payload.setdefault("note", APPROVAL_NOTE)
    return client.post(f"/proposals/{pid}/{event}", data=payload, content_type="multipart/form-data")


def test_approve_path(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    sm2, pm, committee = login("sm2"), login("pm"), login("committee")
    action_id = demo["actions"]["3.3"]
    response = propose(sm2, action_id)
    assert response.status_code == 303
    pid = proposal_id(response)
    assert "Proposal submitted for approval" in sm2.get(f"/proposals/{pid}").get_data(as_text=True)

    queue = pm.get("/review").get_data(as_text=True)
    assert f"/proposals/{pid}" in queue and "Tom Adeyemi" in queue
    assert 'id="queue-count">1<' in pm.get("/review/count", headers={"HX-Request": "true"}).get_data(as_text=True)
    page = pm.get(f"/proposals/{pid}").get_data(as_text=True)
    assert 'id="side-by-side"' in page and 'id="narrative-diff"' in page and "recruitment-tracker.pdf" in page
    for button in ("Approve", "Challenge", "Reject"):
        assert f">{button}<" in page or f'value="{button}"' in page

    assert act(pm, pid, "approve", "approve").status_code == 303
    summary = committee.get("/api/v1/summary").get_json()
    assert summary["actions"]["completed"] == 26 and summary["actions"]["in_progress"] == 26

    history = committee.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "Status changed from IN PROGRESS to COMPLETED" in history
    assert "Proposed by Tom Adeyemi" in history and "approved by Helen Marsh" in history
    assert "recruitment-tracker.pdf" in history, "committee members see the evidence title"
    assert "/evidence/" not in history, "but not a link to the file"
    notifications = sm2.get("/notifications").get_data(as_text=True)
    assert "approved your proposal" in notifications


def test_challenge_then_respond_then_approve_path(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm = login("sm2"), login("pm")
    pid = proposal_id(propose(sm2, demo["actions"]["3.4"]))
    assert (
        act(pm, pid, "challenge", "challenge", question="Is the tracker signed?", more_evidence="y").status_code == 303
    )
    page = sm2.get(f"/proposals/{pid}").get_data(as_text=True)
    assert "Is the tracker signed?" in page and "Respond to the challenge" in page
    missing = act(sm2, pid, "respond", answer="Yes, see attached.")
    assert missing.status_code == 400
    html = missing.get_data(as_text=True)
    assert "There is a problem" in html and "Yes, see attached." in html, "the answer typed is kept"
    ok = act(
        sm2,
        pid,
        "respond",
        answer="Yes, see attached.",
        evidence_file=(io.BytesIO(PDF), "signed.pdf"),
        evidence_note="The signed tracker",
    )
    assert ok.status_code == 303
    assert act(pm, pid, "approve", "approve").status_code == 303
    with pm.application.app_context():
        assert db.session.get(Proposal, pid).state == "approved"


def test_reject_path(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm = login("sm2"), login("pm")
    pid = proposal_id(propose(sm2, demo["actions"]["3.4"]))
    empty = act(pm, pid, "reject", "reject", reason="")
    assert empty.status_code == 400 and "Enter the reason for rejecting the proposal" in empty.get_data(as_text=True)
    assert act(pm, pid, "reject", "reject", reason="The tracker covers a different team.").status_code == 303
    page = sm2.get(f"/proposals/{pid}").get_data(as_text=True)
    assert "Rejected" in page and "The tracker covers a different team." in page


def test_withdraw_path(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    sm2 = login("sm2")
    action_id = demo["actions"]["4.3"]
    pid = proposal_id(propose(sm2, action_id, submit=False))
    assert "Draft saved" in sm2.get(f"/proposals/{pid}").get_data(as_text=True)
    assert act(sm2, pid, "withdraw").status_code == 303
    with app.app_context():
        assert db.session.get(Proposal, pid).state == "withdrawn"
        assert db.session.get(Action, action_id).version == 1, "the action is untouched"


def test_measure_proposal_from_the_work_stream_page(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    from app.models import PerformanceMeasure

    sm2, pm = login("sm2"), login("pm")
    page = sm2.get(f"/work-streams/{demo['work_streams'][3]}").get_data(as_text=True)
    link = re.search(r'href="(/measures/(\d+)/propose)"', page)
    assert link, "each measure offers Propose an update to the person who runs the work stream"
    form = sm2.get(link.group(1)).get_data(as_text=True)
    target_version = re.search(r'name="target_version" type="hidden" value="(\d+)"', form).group(1)
    response = sm2.post(
        link.group(1),
        content_type="multipart/form-data",
        data={
            "csrf_token": sm2.csrf_token(),
            "target_version": target_version,
            "status": "COMPLETED",
            "status_reason": "The quarterly audit shows the target is met",
            "narrative": "Measured in the quarterly audit: target met.",
            "submit_proposal": "1",
            "evidence_url": "https://intranet.example.org/audit-q3",
            "evidence_note": "Quarterly audit results",
        },
    )
    assert response.status_code == 303
    assert act(pm, proposal_id(response), "approve", "approve").status_code == 303
    with app.app_context():
        assert db.session.get(PerformanceMeasure, int(link.group(2))).status == "COMPLETED"


def test_missing_evidence_keeps_what_was_typed(login: Any, demo: dict[str, Any]) -> None:
    response = propose(login("sm2"), demo["actions"]["3.3"], evidence_file=(io.BytesIO(b""), ""), evidence_note="")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in html and "Add evidence for the status change" in html
    assert NARRATIVE in html


def test_disallowed_file_type_is_a_clear_error(login: Any, demo: dict[str, Any]) -> None:
    response = propose(login("sm2"), demo["actions"]["3.3"], evidence_file=(io.BytesIO(b"MZ\x90"), "tool.exe"))
    assert response.status_code == 400
    assert "must be a PDF, Word, Excel, PowerPoint, CSV, text, PNG or JPEG" in response.get_data(as_text=True)


def test_second_proposal_links_to_the_open_one(login: Any, demo: dict[str, Any]) -> None:
    sm2 = login("sm2")
    pid = proposal_id(propose(sm2, demo["actions"]["3.3"]))
    again = sm2.get(f"/actions/{demo['actions']['3.3']}/propose")
    assert again.status_code == 409
    assert f'href="/proposals/{pid}"' in again.get_data(as_text=True)


def test_double_approval_gets_a_clear_conflict_message(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm = login("sm2"), login("pm")
    pid = proposal_id(propose(sm2, demo["actions"]["3.3"]))
    page = pm.get(f"/proposals/{pid}").get_data(as_text=True)
    version = form_version(page, "approve")
    first = pm.post(
        f"/proposals/{pid}/approve",
        data={"csrf_token": pm.csrf_token(), "proposal_version": version, "note": APPROVAL_NOTE},
    )
    second = pm.post(
        f"/proposals/{pid}/approve",
        data={"csrf_token": pm.csrf_token(), "proposal_version": version, "note": APPROVAL_NOTE},
    )
    assert first.status_code == 303
    assert second.status_code == 409
    assert "already been decided" in second.get_data(as_text=True)


def test_evidence_download_is_an_attachment_with_safe_headers(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm, sm1 = login("sm2"), login("pm"), login("sm1")
    pid = proposal_id(propose(sm2, demo["actions"]["3.3"]))
    link = re.search(r'href="(/evidence/\d+)"', pm.get(f"/proposals/{pid}").get_data(as_text=True)).group(1)
    response = pm.get(link)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert sm1.get(link).status_code == 403, "not their work stream"


def test_committee_member_sees_no_proposals_and_no_buttons(login: Any, demo: dict[str, Any]) -> None:
    sm2, committee = login("sm2"), login("committee")
    pid = proposal_id(propose(sm2, demo["actions"]["3.3"]))
    assert committee.get(f"/proposals/{pid}").status_code == 403
    page = committee.get(f"/actions/{demo['actions']['3.3']}").get_data(as_text=True)
    assert "Propose an update" not in page and "open proposal" not in page
    assert 'method="post"' not in page.replace('action="/logout"', "").split("Sign out")[1]


def test_plan_editor_retire_and_unretire_with_justification(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    pm = login("pm")
    with app.app_context():
        action_id = (
            db.session.query(Action)
            .filter_by(work_stream_id=demo["work_streams"][1], status="COMPLETED", retired_on=None)
            .first()
            .id
        )
        reference = db.session.get(Action, action_id).reference
    page = pm.get(f"/editor/actions/{action_id}/retirement").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    empty = pm.post(
        f"/editor/actions/{action_id}/retirement",
        data={"csrf_token": pm.csrf_token(), "version": version, "reason": ""},
    )
    assert empty.status_code == 400 and "Explain why this change is being made" in empty.get_data(as_text=True)
    done = pm.post(
        f"/editor/actions/{action_id}/retirement",
        data={"csrf_token": pm.csrf_token(), "version": version, "reason": "No further progress needed"},
    )
    assert done.status_code == 303
    with app.app_context():
        action = db.session.get(Action, action_id)
        assert action.retired_on is not None
    ws_page = pm.get(f"/work-streams/{demo['work_streams'][1]}").get_data(as_text=True)
    retired_box = ws_page[ws_page.index('id="retired-actions"') : ws_page.index('id="measures"')]
    assert f">{reference} " in retired_box
    page = pm.get(f"/editor/actions/{action_id}/retirement").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    assert "Un-retire action" in page
    back = pm.post(
        f"/editor/actions/{action_id}/retirement",
        data={"csrf_token": pm.csrf_token(), "version": version, "reason": "More work found at audit"},
    )
    assert back.status_code == 303
    with app.app_context():
        assert db.session.get(Action, action_id).retired_on is None


def test_project_manager_adds_an_eighth_work_stream(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    pm = login("pm")
    response = pm.post_form(
        "/editor/work-streams/new", {"title": "Early Intervention", "reason": "Paragraph 5 of the report"}
    )
    assert response.status_code == 303
    streams = pm.get("/api/v1/summary").get_json()["work_streams"]
    assert streams[-1]["number"] == 8 and streams[-1]["title"] == "Early Intervention"


def test_plan_edit_with_stale_version_is_refused(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    pm = login("pm")
    action_id = demo["actions"]["2.4"]
    page = pm.get(f"/editor/actions/{action_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    with app.app_context():
        db.session.get(Action, action_id).key_targets = "Someone else's edit"
        db.session.commit()
    response = pm.post_form(
        f"/editor/actions/{action_id}", {"version": version, "title": "New title", "reason": "Clearer"}
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "changed by someone else while you were editing" in html
    assert 'value="New title"' in html, "the typing is kept"


def test_audit_trail_filters_and_exports_csv(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm = login("sm2"), login("pm")
    pid = proposal_id(propose(sm2, demo["actions"]["3.3"]))
    act(pm, pid, "approve", "approve")
    page = pm.get(f"/audit?kind=action&work_stream={demo['work_streams'][3]}").get_data(as_text=True)
    assert "Status changed from IN PROGRESS to COMPLETED" in page
    assert "signed in" not in page
    csv = pm.get("/audit.csv?kind=auth").get_data(as_text=True)
    assert csv.splitlines()[0].startswith("id,when (UTC),who")
    assert "Helen Marsh signed in" in csv


def test_service_manager_dashboard_lists_actions_without_a_recent_update(login: Any, demo: dict[str, Any]) -> None:
    sm2 = login("sm2")
    html = sm2.get("/").get_data(as_text=True)
    assert "Your actions with no approved update in the last 30 days" in html
    listed = html[html.index('id="needing-update-list"') : html.index("</ul>", html.index('id="needing-update-list"'))]
    assert listed.count("<li>") == 10, "the 10 live unfinished actions of work streams iii and iv"
    pid = proposal_id(propose(sm2, demo["actions"]["3.3"]))
    act(login("pm"), pid, "approve", "approve")
    html = sm2.get("/").get_data(as_text=True)
    listed = html[html.index('id="needing-update-list"') : html.index("</ul>", html.index('id="needing-update-list"'))]
    assert listed.count("<li>") == 9


def test_project_manager_makes_another_plan_current(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    from datetime import date

    from app.models import AuditEvent, Plan

    with app.app_context():
        other = Plan(title="Early Help Improvement Plan 2016/17", start_date=date(2026, 4, 1), is_current=False)
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    pm, committee = login("pm"), login("committee")
    page = pm.get(f"/?plan={other_id}").get_data(as_text=True)
    assert "This is not the current plan" in page and "Make this the current plan" in page
    assert "Make this the current plan" not in committee.get(f"/?plan={other_id}").get_data(as_text=True)
    refused = pm.post_form(f"/editor/plans/{other_id}/current", {"reason": ""}, follow_redirects=True)
    assert "Explain why this change is being made" in refused.get_data(as_text=True)
    pm.post_form(f"/editor/plans/{other_id}/current", {"reason": "The 2016/17 plan starts this month"})
    assert pm.get("/api/v1/summary").get_json()["plan"]["title"] == "Early Help Improvement Plan 2016/17"
    with app.app_context():
        assert db.session.query(Plan).filter_by(is_current=True).count() == 1
        assert db.session.query(AuditEvent).filter_by(kind="plan.made_current").count() == 1


def test_approving_from_a_page_opened_before_the_challenge_was_answered_is_refused(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    sm2, pm = login("sm2"), login("pm")
    action_id = demo["actions"]["3.3"]
    pid = proposal_id(propose(sm2, action_id))
    left_open = form_version(pm.get(f"/proposals/{pid}").get_data(as_text=True), "approve")
    assert (
        act(pm, pid, "challenge", "challenge", question="Which posts are still covered by agency staff?").status_code
        == 303
    )
    assert act(sm2, pid, "respond", answer="Two posts: the tracker is out of date.").status_code == 303

    response = pm.post_form(f"/proposals/{pid}/approve", {"proposal_version": left_open, "note": APPROVAL_NOTE})
    assert response.status_code == 409
    assert "This proposal changed while you had it open" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Proposal, pid).state == "submitted", "still waiting for a decision on the answer"
        action = db.session.get(Action, action_id)
        assert (action.status, action.version) == ("IN_PROGRESS", 1), "the action is untouched"


def test_committee_members_see_the_evidence_of_approved_changes_only(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm, committee = login("sm2"), login("pm"), login("committee")
    action_id = demo["actions"]["3.3"]
    approved = proposal_id(propose(sm2, action_id))
    assert act(pm, approved, "approve", "approve").status_code == 303
    rejected = proposal_id(propose(sm2, action_id, status="STATIC", evidence_title="Vacancy list, unchecked"))
    assert act(pm, rejected, "reject", "reject", reason="The list names staff on sick leave.").status_code == 303
    assert (
        propose(sm2, action_id, status="STATIC", evidence_title="Agency invoices, awaiting review").status_code == 303
    )

    page = committee.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "recruitment-tracker.pdf" in page, "the approved change's evidence, by title"
    assert "Vacancy list, unchecked" not in page, "not a rejected proposal's"
    assert "Agency invoices, awaiting review" not in page, "nor a pending one's"


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379/", "http://169.254.169.254/", "http://localhost/admin"])
def test_an_evidence_link_to_an_internal_address_is_refused_with_a_message(
    login: Any, demo: dict[str, Any], url: str
) -> None:
    response = propose(login("sm2"), demo["actions"]["3.3"], evidence_file=(io.BytesIO(b""), ""), evidence_url=url)
    assert response.status_code == 400
    assert "to a private network address or to a cloud metadata address are not allowed" in response.get_data(
        as_text=True
    )


def test_a_status_change_without_a_reason_is_refused_with_the_typing_kept(login: Any, demo: dict[str, Any]) -> None:
    sm2 = login("sm2")
    response = propose(sm2, demo["actions"]["3.3"], status_reason="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "There is a problem" in html and "Enter why the status is changing" in html
    assert 'href="#status_reason"' in html, "the error summary links to the field"
    assert NARRATIVE in html, "the narrative typed is kept"
    assert (
        'value="COMPLETED" checked' in html
        or 'checked value="COMPLETED"' in html
        or re.search(r'value="COMPLETED"[^>]*checked', html)
    ), "the status chosen is kept"


def test_approving_without_a_note_is_refused_with_a_clear_message(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    sm2, pm = login("sm2"), login("pm")
    pid = proposal_id(propose(sm2, demo["actions"]["3.3"]))
    response = act(pm, pid, "approve", "approve", note="")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Enter why you are approving this change" in html and 'href="#note"' in html
    with app.app_context():
        assert db.session.get(Proposal, pid).state == "submitted"
        assert db.session.get(Action, demo["actions"]["3.3"]).status == "IN_PROGRESS"
    assert act(pm, pid, "approve", "approve").status_code == 303
    assert APPROVAL_NOTE in pm.get(f"/proposals/{pid}").get_data(as_text=True), "the note is kept on the proposal"
