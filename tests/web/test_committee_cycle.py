"""Committee meetings, baselines, changes since the last meeting and the generated report."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from docx import Document
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import text

from app.extensions import db
from app.models import Baseline, Plan
from tests.web.test_workflow import act, proposal_id, propose

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def flat(s: str) -> str:
    return re.sub(r"\s+", " ", s)


def record_meeting(pm: Any, day: str = "7 10 2015") -> int:
    d, m, y = day.split()
    response = pm.post_form(
        "/meetings",
        {
            "committee_name": "Children, Young People and Learning Policy Overview Committee",
            "meeting_date": [d, m, y],
            "contact_officer": "Vince Clark",
            "contact_telephone": "01895 250498",
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return int(response.headers["Location"].rsplit("/", 1)[-1])


def present(pm: Any, meeting_id: int) -> Any:
    return pm.post_form(f"/meetings/{meeting_id}/present")


@pytest.mark.real_pack
def test_report_states_the_demo_figures_in_pdf_and_word(login: Any) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    assert present(pm, meeting).status_code == 303
    pdf = pm.get(f"/meetings/{meeting}/report.pdf")
    assert pdf.headers["Content-Type"] == "application/pdf"
    pdf_text = flat(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages))
    word = pm.get(f"/meetings/{meeting}/report.docx")
    document = Document(io.BytesIO(word.data))
    word_text = flat(" ".join(p.text for p in document.paragraphs))
    for body in (pdf_text, word_text):
        assert "all 52 actions in the Plan, with 25 actions COMPLETED, 27 actions IN PROGRESS and 0 are STATIC" in body
        assert "out of 57 projected outcomes, 34 are COMPLETED, 23 are IN PROGRESS and 0 are STATIC" in body
        assert "REASON FOR ITEM" in body.upper() and "Appendix 5" in body
    assert len(document.inline_shapes) == 3, "the two charts and the trend are real images"
    assert "Actions by status over time" in word_text + " ".join(p.text for p in document.paragraphs)
    html = pm.get(f"/meetings/{meeting}/report").get_data(as_text=True)
    assert "<script" not in html and "<style" not in html, "the web page obeys the CSP: its styles are linked"
    assert "all <strong>52</strong> actions" in html or "all 52 actions" in flat(re.sub(r"<[^>]+>", "", html))


def test_report_for_a_meeting_without_a_baseline_says_so(login: Any) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    response = pm.get(f"/meetings/{meeting}/report.pdf")
    assert response.status_code == 404
    assert "has not been presented to this meeting yet" in response.get_data(as_text=True)


def test_presenting_twice_for_one_meeting_is_refused(login: Any) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    assert present(pm, meeting).status_code == 303
    again = present(pm, meeting)
    assert again.status_code == 409
    assert "already presented to this meeting" in again.get_data(as_text=True)


def test_meeting_needs_a_name_and_a_real_date(login: Any) -> None:
    response = login("pm").post_form("/meetings", {"committee_name": "", "meeting_date": ["31", "2", "2026"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter the committee" in html and "must be a real date" in html


@pytest.mark.real_pack
def test_baseline_is_unchanged_by_later_changes(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    pm, sm2 = login("pm"), login("sm2")
    meeting = record_meeting(pm)
    present(pm, meeting)
    act(pm, proposal_id(propose(sm2, demo["actions"]["3.3"])), "approve", "approve")
    assert pm.get("/api/v1/summary").get_json()["actions"]["completed"] == 26
    word = Document(io.BytesIO(pm.get(f"/meetings/{meeting}/report.docx").data))
    assert "with 25 actions COMPLETED" in flat(" ".join(p.text for p in word.paragraphs)), "the report is as presented"
    with app.app_context():
        baseline = db.session.query(Baseline).one()
        assert baseline.snapshot["summary"]["actions"]["completed"] == 25
        for statement in ("UPDATE baselines SET audit_mark = 0", "DELETE FROM baselines"):
            with pytest.raises(Exception, match="permanent"):
                db.session.execute(text(statement))
                db.session.flush()
            db.session.rollback()


def test_changes_since_equal_the_approved_changes_between_two_baselines(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    pm, sm2 = login("pm"), login("sm2")
    first = record_meeting(pm, "7 10 2015")
    present(pm, first)
    act(pm, proposal_id(propose(sm2, demo["actions"]["3.3"])), "approve", "approve")
    act(pm, proposal_id(propose(sm2, demo["actions"]["4.3"])), "approve", "approve")
    rejected = proposal_id(propose(sm2, demo["actions"]["4.4"]))
    act(pm, rejected, "reject", "reject", reason="Not yet")
    ws_page = pm.get(f"/work-streams/{demo['work_streams'][3]}").get_data(as_text=True)
    row = ws_page[ws_page.index(">3.3</a>") :]
    row = row[: row.index("</tr>")]
    assert "Status changed from IN PROGRESS to COMPLETED" in row, "the column is filled from the audit trail"
    changes = flat(re.sub(r"<[^>]+>", " ", pm.get("/changes").get_data(as_text=True)))
    assert "2 approved changes since the plan was presented" in changes
    second = record_meeting(pm, "10 2 2016")
    present(pm, second)
    with app.app_context():
        a, b = db.session.query(Baseline).order_by(Baseline.id).all()
        from app.services.meetings import compare

        differences = compare(a, b)
        assert set(differences) == {"3:3.3", "4:4.3"}
        assert {int(k) for k in b.snapshot["changes_since"]} == {demo["actions"]["3.3"], demo["actions"]["4.3"]}
        assert all(lines == ["Status changed from IN PROGRESS to COMPLETED"] for lines in differences.values())
    compare_page = pm.get(f"/baselines/compare?a={a.id}&b={b.id}").get_data(as_text=True)
    assert "3.3" in compare_page and "4.3" in compare_page
    assert "0 approved changes since" in flat(re.sub(r"<[^>]+>", " ", pm.get("/changes").get_data(as_text=True)))


@pytest.mark.real_pack
def test_narrative_edited_before_presenting_appears_in_the_report_and_figures_stay_computed(login: Any) -> None:
    pm = login("pm")
    meeting = record_meeting(pm)
    response = pm.post_form(
        f"/meetings/{meeting}/narrative",
        {
            "reason_for_item": "This report updates Members on the Plan as at the end of Quarter 2.",
            "recommendation": "That the Committee notes progress.",
            "sip_paragraph_intro": "Intro.",
            "progress_update": "Recruitment continues.",
            "measures_paragraph_outro": "Tracked monthly.",
        },
    )
    assert response.status_code == 303
    present(pm, meeting)  # the pack is rendered once, from the narrative as it stands when presented
    word = flat(
        " ".join(p.text for p in Document(io.BytesIO(pm.get(f"/meetings/{meeting}/report.docx").data)).paragraphs)
    )
    assert "as at the end of Quarter 2" in word and "with 25 actions COMPLETED" in word


def test_committee_member_landing_page(login: Any) -> None:
    pm, committee = login("pm"), login("committee")
    meeting = record_meeting(pm)
    present(pm, meeting)
    html = flat(re.sub(r"<[^>]+>", " ", committee.get("/committee").get_data(as_text=True)))
    assert "Progress report to the Children, Young People and Learning Policy Overview Committee" in html
    assert "0 approved changes since" in html and "2 actions are in the risk register" in html
    page = committee.get(f"/meetings/{meeting}").get_data(as_text=True)
    assert "Mark the plan presented" not in page and "Save the narrative" not in page


def test_trend_counts_follow_approved_changes(login: Any, demo: dict[str, Any]) -> None:
    pm, sm2 = login("pm"), login("sm2")
    before = pm.get("/api/v1/trend").get_json()["monthly"]
    assert len(before) >= 6 and before[-1]["completed"] == 25 and before[0]["total"] == 52
    act(pm, proposal_id(propose(sm2, demo["actions"]["3.3"])), "approve", "approve")
    after = pm.get("/api/v1/trend").get_json()["monthly"]
    assert after[-1]["completed"] == 26 and after[-2]["completed"] == 25, "earlier months are unchanged"
    html = pm.get("/").get_data(as_text=True)
    assert 'id="trend-table"' in html


def test_excel_export_then_import_through_the_pages(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    pm = login("pm")
    workbook = pm.get(f"/plans/{demo['plan_id']}/export.xlsx")
    assert workbook.data[:2] == b"PK"
    preview = pm.post(
        "/plans/import",
        content_type="multipart/form-data",
        data={"csrf_token": pm.csrf_token(), "workbook": (io.BytesIO(workbook.data), "plan.xlsx")},
    )
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200, html[:2000]
    assert "7 work streams, 52 actions (25 COMPLETED, 27 IN PROGRESS, 0 STATIC; 6 retired)" in flat(html)
    with app.app_context():
        assert db.session.query(Plan).count() == 1, "nothing saved by the preview"
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', html).group(1)
    done = pm.post_form("/plans/import/confirm", {"payload": payload, "title": "Imported copy"})
    assert done.status_code == 303
    new_id = int(done.headers["Location"].split("plan=")[1])
    summary = pm.get(f"/api/v1/summary?plan={new_id}").get_json()
    assert summary["plan"]["title"] == "Imported copy"
    assert summary["actions"] == {"total": 52, "completed": 25, "in_progress": 27, "static": 0}


def test_bad_workbook_gets_a_row_by_row_problem_list(app: Flask, login: Any) -> None:
    pm = login("pm")
    response = pm.post(
        "/plans/import",
        content_type="multipart/form-data",
        data={"csrf_token": pm.csrf_token(), "workbook": (io.BytesIO(b"name,status\nx,DONE\n"), "plan.xlsx")},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "cannot be imported" in html and 'id="problem-list"' in html
    with app.app_context():
        assert db.session.query(Plan).count() == 1
