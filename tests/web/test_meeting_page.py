"""The meeting page through HTTP: report details, the narrative, the preview, and presenting only after confirming."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app.clock import today
from app.extensions import db
from app.models import AuditEvent, Baseline, CommitteeMeeting
from tests.web.test_workflow import act, proposal_id, propose

COMMITTEE = "Children, Young People and Learning Policy Overview Committee"


def flat(page: str) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


def record(pm: Any, days_from_today: int = 0, contact_officer: str = "Vince Clark", **more: str) -> int:
    day = today() + timedelta(days=days_from_today)
    response = pm.post_form(
        "/meetings",
        {
            "committee_name": COMMITTEE,
            "meeting_date": [str(day.day), str(day.month), str(day.year)],
            "contact_officer": contact_officer,
            **more,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def counts(app: Flask) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count(AuditEvent.id))) or 0,
            db.session.scalar(select(func.count(Baseline.id))) or 0,
        )


def details(**values: str) -> dict[str, str]:
    return {"contact_officer": "", "contact_telephone": "", "report_author": "", "checkpoint": "6", **values}


def test_the_confirmation_page_shows_what_will_be_fixed_and_changes_nothing(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    pm, sm2 = login("pm"), login("sm2")
    act(pm, proposal_id(propose(sm2, demo["actions"]["3.3"])), "approve", "approve")
    meeting = record(pm, contact_officer="Vince Clark", contact_telephone="01895 250498", report_author="Jo Bloggs")
    page = pm.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert f'href="/meetings/{meeting}/present"' in page, "the button leads to the confirmation first"
    before = counts(app)
    response = pm.get(f"/meetings/{meeting}/present")
    assert response.status_code == 200
    text = flat(response.get_data(as_text=True))
    assert "52 actions: 26 COMPLETED, 26 IN PROGRESS, 0 STATIC" in text
    assert "Performance measures at 6 months 57 measures: 34 COMPLETED, 23 IN PROGRESS, 0 STATIC" in text
    assert "1 approved change (the plan has not been presented before)" in text
    assert "actions are in the risk register" in text or "action is in the risk register" in text
    assert "Vince Clark" in text and "01895 250498" in text and "Jo Bloggs" in text
    assert "Confirm and present" in text
    assert counts(app) == before, "a GET changes nothing"
    done = pm.post_form(f"/meetings/{meeting}/present")
    assert done.status_code == 303 and counts(app)[1] == before[1] + 1
    again = pm.get(f"/meetings/{meeting}/present").get_data(as_text=True)
    assert "already presented to this meeting" in again and "Confirm and present" not in again


def test_a_meeting_in_the_future_cannot_be_presented_through_the_page(app: Flask, login: Any) -> None:
    pm = login("pm")
    meeting = record(pm, days_from_today=5)
    confirm = pm.get(f"/meetings/{meeting}/present").get_data(as_text=True)
    assert "which is in the future" in confirm and "Confirm and present" not in confirm
    before = counts(app)
    refused = pm.post_form(f"/meetings/{meeting}/present")
    assert refused.status_code == 409
    assert "which is in the future" in refused.get_data(as_text=True)
    assert counts(app) == before


def test_presenting_without_a_contact_officer_points_at_the_report_details(app: Flask, login: Any) -> None:
    pm = login("pm")
    meeting = record(pm, contact_officer="")
    confirm = pm.get(f"/meetings/{meeting}/present").get_data(as_text=True)
    assert f'href="/meetings/{meeting}#contact_officer"' in confirm and "Confirm and present" not in confirm
    refused = pm.post_form(f"/meetings/{meeting}/present")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 409
    summary = page[page.index("govuk-error-summary") :]
    assert re.search(r'href="#contact_officer"[^>]*>\s*Enter the contact officer in the report details', summary)
    assert 'id="contact_officer-error"' in page, "the message is beside the field too"
    with app.app_context():
        assert db.session.get(CommitteeMeeting, meeting).baseline is None  # type: ignore[union-attr]


def test_report_details_are_saved_then_fixed_once_presented(app: Flask, login: Any) -> None:
    pm = login("pm")
    meeting = record(pm, contact_officer="")
    page = pm.get(f"/meetings/{meeting}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)  # type: ignore[union-attr]
    bad = pm.post_form(
        f"/meetings/{meeting}/details",
        details(version=version, contact_officer="Vince Clark", contact_telephone="ring me"),
    )
    assert bad.status_code == 400
    kept = bad.get_data(as_text=True)
    assert "Enter a telephone number" in kept and 'value="ring me"' in kept and 'value="Vince Clark"' in kept
    saved = pm.post_form(
        f"/meetings/{meeting}/details",
        details(version=version, contact_officer="Vince Clark", contact_telephone="01895 250498", checkpoint="12"),
    )
    assert saved.status_code == 303
    with app.app_context():
        stored = db.session.get(CommitteeMeeting, meeting)
        assert stored is not None
        assert (stored.contact_officer, stored.contact_telephone, stored.checkpoint) == (
            "Vince Clark",
            "01895 250498",
            12,
        )
        version = str(stored.version)
    stale = pm.post_form(f"/meetings/{meeting}/details", details(version="1", contact_officer="Someone"))
    assert stale.status_code == 409 and "Someone else changed these report details" in stale.get_data(as_text=True)
    assert pm.post_form(f"/meetings/{meeting}/present").status_code == 303
    after = pm.post_form(f"/meetings/{meeting}/details", details(version=version, contact_officer="Someone Else"))
    assert after.status_code == 400
    assert "can no longer be changed" in after.get_data(as_text=True)
    shown = flat(pm.get(f"/meetings/{meeting}").get_data(as_text=True))
    assert "Contact officer Vince Clark" in shown and "Reporting checkpoint 12 months" in shown
    assert "Save the report details" not in shown and "Save the narrative" not in shown


def test_a_paragraph_over_its_limit_is_refused_by_name_with_the_typing_kept(app: Flask, login: Any) -> None:
    pm = login("pm")
    meeting = record(pm)
    typed = "Our words. " * 300  # 3,300 characters
    response = pm.post_form(f"/meetings/{meeting}/narrative", {"progress_update": typed, "forward_look": "Kept too."})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Progress update must be 3,000 characters or fewer: it has 3,299" in page
    assert typed.strip() in html.unescape(page) and "Kept too." in page
    with app.app_context():
        assert "Our words." not in db.session.get(CommitteeMeeting, meeting).narrative.get("progress_update", "")  # type: ignore[union-attr]


def test_the_preview_is_built_from_the_live_plan_without_charts_for_staff_only(app: Flask, login: Any) -> None:
    pm = login("pm")
    meeting = record(pm, contact_officer="Vince Clark")
    pm.post_form(
        f"/meetings/{meeting}/narrative",
        {"progress_update": "As of {as_of_month}, <i>steady</i>.", "forward_look": "Next: {next_report_month}."},
    )
    page = pm.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert f'href="/meetings/{meeting}/preview"' in page
    before = counts(app)
    response = pm.get(f"/meetings/{meeting}/preview")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "<img" not in body and "Charts are drawn when the plan is presented" in body
    last_month = (today().replace(day=1) - timedelta(days=1)).strftime("%B %Y")
    assert f"As of {last_month}, &lt;i&gt;steady&lt;/i&gt;." in body
    assert "Contact Officer:" in body and "Vince Clark" in body
    assert "with 25 actions COMPLETED" in flat(body)
    assert counts(app) == before, "a preview changes nothing"
    assert login("committee").get(f"/meetings/{meeting}/preview").status_code == 403, "drafts are for staff"
    committee_page = login("committee").get(f"/meetings/{meeting}").get_data(as_text=True)
    assert "/preview" not in committee_page and "Mark the plan presented" not in committee_page


def test_the_preview_of_a_large_plan_shows_its_appendix_tables_a_few_work_streams_at_a_time(
    login: Any, monkeypatch: Any
) -> None:
    """A plan of hundreds of work streams would make a preview of megabytes: Appendices 3 and 4 come a page of
    work streams at a time (here 3 at a time, so the demo's 7 make 3 pages), the report's body whole on each."""
    from app.web.committee import routes

    monkeypatch.setattr(routes, "PREVIEW_WORK_STREAMS", 3)
    pm = login("pm")
    meeting = record(pm)
    first = flat(pm.get(f"/meetings/{meeting}/preview").get_data(as_text=True))
    assert "Appendices 3 and 4 show work streams 1 to 3 of 7 (page 1 of 3)" in first
    assert "Work stream iii:" in first and "Work stream iv:" not in first
    assert "with 25 actions COMPLETED" in first, "the body and its figures on every page"
    last_page = pm.get(f"/meetings/{meeting}/preview?page=3").get_data(as_text=True)
    last = flat(last_page)
    assert "work streams 7 to 7 of 7 (page 3 of 3)" in last and "Work stream vii:" in last
    assert "Work stream vi:" not in last and "Next work streams" not in last
    assert f'href="/meetings/{meeting}/preview?page=2">Previous work streams</a>' in last_page
    beyond = flat(pm.get(f"/meetings/{meeting}/preview?page=99").get_data(as_text=True))
    assert "(page 3 of 3)" in beyond, "a page past the end shows the last"


def test_the_kept_preview_follows_the_narrative_and_the_plan_at_once(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    """Asked again, the preview reads no actions; a narrative saved, then an approval, are in the next one."""
    from tests import approving

    pm = login("pm")
    meeting = record(pm, contact_officer="Vince Clark")
    first = pm.get(f"/meetings/{meeting}/preview").get_data(as_text=True)
    with count_queries() as queries:
        again = pm.get(f"/meetings/{meeting}/preview").get_data(as_text=True)
    assert again == first
    assert not [s for s in queries.statements if "FROM actions" in s], "the preview was worked out again"
    pm.post_form(f"/meetings/{meeting}/narrative", {"progress_update": "Caseloads are down.", "forward_look": "More."})
    saved = pm.get(f"/meetings/{meeting}/preview").get_data(as_text=True)
    assert "Caseloads are down." in saved
    completed = flat(saved).count("COMPLETED")
    approving.complete(app, demo, "3.3")
    assert flat(pm.get(f"/meetings/{meeting}/preview").get_data(as_text=True)).count("COMPLETED") > completed
