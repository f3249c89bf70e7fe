"""A meeting's report as the project manager prepares it: details, narrative, checkpoint, and presenting with care."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from typing import Any

import docx
import pypdf
import pytest
from flask import Flask
from sqlalchemy import func, select

from app import demo_data
from app.clock import today
from app.extensions import db
from app.models import AuditEvent, Baseline, CommitteeMeeting, Plan, User
from app.services import meetings
from app.services.errors import ServiceError, ValidationFailed
from app.services.report import render_docx, render_html, render_pdf

COMMITTEE = meetings.DEFAULT_COMMITTEE


def pm(demo: dict[str, Any]) -> User:
    user = db.session.get(User, demo["users"]["pm"])
    assert user is not None
    return user


def upcoming(demo: dict[str, Any], contact_officer: str = "Vince Clark") -> CommitteeMeeting:
    """A meeting recorded for today (a meeting in the future cannot be presented)."""
    return meetings.create_meeting(pm(demo), demo["plan_id"], COMMITTEE, today(), contact_officer)


def audit_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id))) or 0


def month(day: date, plus: int = 0) -> str:
    """A month in words, `plus` months on: written out here, not taken from the code under test."""
    y, m = divmod(day.year * 12 + day.month - 1 + plus, 12)
    return date(y, m + 1, 1).strftime("%B %Y")


def details(meeting: CommitteeMeeting, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "contact_officer": meeting.contact_officer,
        "contact_telephone": meeting.contact_telephone,
        "report_author": meeting.report_author,
        "checkpoint": meeting.checkpoint,
    }
    values.update(changes)
    return values


def test_report_details_are_editable_and_audited_until_presented_then_refused(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        meeting = upcoming(demo)
        meetings.update_details(
            pm(demo),
            meeting.id,
            **details(
                meeting, contact_officer="Vince Clark", contact_telephone="01895 250498", report_author="A Clerk"
            ),
        )
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "meeting.details_changed")).one()
        assert event.after["contact_telephone"] == "01895 250498" and event.after["report_author"] == "A Clerk"
        assert event.before["report_author"] == ""
        with pytest.raises(ValidationFailed) as bad:
            meetings.update_details(pm(demo), meeting.id, **details(meeting, contact_telephone="call me maybe"))
        assert "contact_telephone" in bad.value.errors
        db.session.rollback()

        meetings.present(pm(demo), meeting.id)
        before = audit_count()
        with pytest.raises(ServiceError, match="can no longer be changed"):
            meetings.update_details(pm(demo), meeting.id, **details(meeting, contact_officer="Someone Else"))
        db.session.rollback()
        with pytest.raises(ServiceError, match="can no longer be changed"):
            meetings.save_narrative(pm(demo), meeting.id, {"progress_update": "Later words"})
        db.session.rollback()
        fixed = db.session.get(CommitteeMeeting, meeting.id)
        assert fixed is not None and fixed.contact_officer == "Vince Clark" and audit_count() == before
        report = meetings.report_data(fixed)
        assert (report.contact_officer, report.contact_telephone, report.report_author) == (
            "Vince Clark",
            "01895 250498",
            "A Clerk",
        )


def test_presenting_without_a_contact_officer_is_refused_and_nothing_is_fixed(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        meeting = upcoming(demo, contact_officer="")
        with pytest.raises(ValidationFailed) as refused:
            meetings.present(pm(demo), meeting.id)
        assert "Enter the contact officer in the report details" in refused.value.errors["contact_officer"]
        db.session.rollback()
        assert db.session.scalar(select(func.count(Baseline.id)).where(Baseline.meeting_id == meeting.id)) == 0


def test_a_meeting_in_the_future_cannot_be_presented_until_its_day(
    app: Flask, demo: dict[str, Any], clock: Any
) -> None:
    with app.app_context():
        meeting = meetings.create_meeting(
            pm(demo), demo["plan_id"], COMMITTEE, today() + timedelta(days=3), "Vince Clark"
        )
        with pytest.raises(ValidationFailed) as refused:
            meetings.present(pm(demo), meeting.id)
        assert "in the future" in refused.value.errors["present"]
        db.session.rollback()
        assert meetings.presenting_summary(meeting).problems.keys() == {"present"}
        clock.advance(days=3)
        meetings.present(pm(demo), meeting.id)
        assert db.session.get(CommitteeMeeting, meeting.id).baseline is not None  # type: ignore[union-attr]


def test_a_second_present_is_refused_with_a_clear_message(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        meeting = upcoming(demo)
        meetings.present(pm(demo), meeting.id)
        with pytest.raises(ValidationFailed, match="already presented to this meeting"):
            meetings.present(pm(demo), meeting.id)
        db.session.rollback()
        assert db.session.scalar(select(func.count(Baseline.id)).where(Baseline.meeting_id == meeting.id)) == 1


def test_the_summary_before_presenting_gives_the_figures_and_changes_nothing(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        meeting = upcoming(demo)
        before = audit_count()
        summary = meetings.presenting_summary(meeting)
        assert (summary.actions.total, summary.actions.completed, summary.actions.in_progress) == (52, 25, 27)
        assert (summary.measures.total, summary.measures.completed) == (57, 34)
        _, lines = meetings.changes_since_last_meeting(demo["plan_id"])
        assert summary.changes == len(lines)
        assert summary.checkpoint == 6 and summary.problems == {}
        assert audit_count() == before and meeting.baseline is None


def test_placeholders_are_filled_with_this_meetings_dates_and_unknown_braces_are_left(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.app_context():
        plan = db.session.get(Plan, demo["plan_id"])
        assert plan is not None
        july = meetings.create_meeting(pm(demo), plan.id, COMMITTEE, today() - timedelta(days=90), "Vince Clark")
        meetings.present(pm(demo), july.id)
        meeting = upcoming(demo)
        later = meetings.create_meeting(
            pm(demo), plan.id, COMMITTEE, meeting.meeting_date + timedelta(days=120), "Vince Clark"
        )
        typed = (
            "As of {as_of_month}; meeting {meeting_date}; at {checkpoint} months; started {plan_start_month}; "
            "last {last_meeting_month}; next {next_report_month}; twelve {twelve_month_report_month}; {not_a_date} {x"
        )
        meetings.save_narrative(pm(demo), meeting.id, {"progress_update": typed})
        data = meetings.live_report(db.session.get(CommitteeMeeting, meeting.id))  # type: ignore[arg-type]
        d = meeting.meeting_date
        assert data.progress_update == (
            f"As of {month(d, -1)}; meeting {d.day} {d:%B %Y}; at 6 months; started {month(plan.start_date)}; "
            f"last {month(july.meeting_date)}; next {month(later.meeting_date)}; "
            f"twelve {month(plan.start_date, 12)}; {{not_a_date}} {{x"
        )
        stored = db.session.get(CommitteeMeeting, meeting.id)
        assert stored is not None and stored.narrative["progress_update"] == typed, "kept as typed"


def test_a_new_meeting_starts_from_the_last_presented_meetings_narrative(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        meeting = upcoming(demo)
        words = "In {as_of_month} the service kept caseloads at an average of 16 per worker."
        narrative = {**meeting.narrative, "progress_update": words}
        meetings.save_narrative(pm(demo), meeting.id, narrative)
        meetings.present(pm(demo), meeting.id)
        following = meetings.create_meeting(
            pm(demo), demo["plan_id"], COMMITTEE, meeting.meeting_date + timedelta(days=120), "Vince Clark"
        )
        assert following.narrative["progress_update"] == words, (
            "placeholders carried, to be filled for the next meeting"
        )
        assert set(following.narrative) >= {"action_plans_changes", "forward_look"}
        presented = meetings.report_data(db.session.get(CommitteeMeeting, meeting.id))  # type: ignore[arg-type]
        assert (
            presented.progress_update
            == f"In {month(meeting.meeting_date, -1)} the service kept caseloads at an average of 16 per worker."
        )


def test_a_paragraph_over_its_limit_is_refused_by_name_and_nothing_is_saved(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        meeting = upcoming(demo)
        before = dict(meeting.narrative)
        with pytest.raises(ValidationFailed) as refused:
            meetings.save_narrative(pm(demo), meeting.id, {**before, "forward_look": "x" * 3001})
        assert refused.value.errors == {
            "forward_look": "The forward look (the next work stream, the next report) must be 3,000 characters or "
            "fewer: it has 3,001"
        }
        db.session.rollback()
        assert db.session.get(CommitteeMeeting, meeting.id).narrative == before  # type: ignore[union-attr]


HOSTILE = '<b hx-get="/admin/users" hx-trigger="load">bold</b> <script>alert(1)</script> & {as_of_month}'
# Typst's own markup and code (the PDF is typeset by Typst): text, never a command, a file read or bold type.
TYPST_HOSTILE = '#read("/etc/passwd") #set page(paper: "us-letter") *not bold* $x^2$ \\ "quoted" // not a comment'


def test_markup_and_htmx_attributes_in_the_narrative_are_text_in_html_pdf_and_word(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.app_context():
        meeting = upcoming(demo)
        meetings.save_narrative(
            pm(demo), meeting.id, {**meeting.narrative, "progress_update": HOSTILE, "forward_look": TYPST_HOSTILE}
        )
        data = meetings.live_report(db.session.get(CommitteeMeeting, meeting.id))  # type: ignore[arg-type]
        page = render_html(data, charts={})
        pdf = pypdf.PdfReader(io.BytesIO(render_pdf(data, charts={})))
        word = docx.Document(io.BytesIO(render_docx(data, charts={})))
    expected = HOSTILE.replace("{as_of_month}", month(meeting.meeting_date, -1))
    assert "<b hx-get" not in page and "<script" not in page
    assert re.search(r"<[^>]*\shx-", page) is None, "no element carries an htmx attribute"
    assert "&lt;b hx-get=&quot;/admin/users&quot; hx-trigger=&quot;load&quot;&gt;bold&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; " in page
    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in pdf.pages)
    assert " ".join(expected.split()) in pdf_text
    assert TYPST_HOSTILE in pdf_text, "Typst markup printed as typed"
    assert "root:" not in pdf_text, "no file read"
    assert all(
        abs(float(p.mediabox.height) - 841.89) < 1 or abs(float(p.mediabox.width) - 841.89) < 1 for p in pdf.pages
    )
    assert any(paragraph.text.endswith("\t" + expected) for paragraph in word.paragraphs), "a numbered paragraph"


def test_the_report_prints_the_contact_officer_telephone_and_author_and_names_the_author_in_its_metadata(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.app_context():
        meeting = upcoming(demo)
        meetings.update_details(
            pm(demo),
            meeting.id,
            **details(
                meeting, contact_officer="Vince Clark", contact_telephone="01895 250498", report_author="Jo Bloggs"
            ),
        )
        data = meetings.live_report(db.session.get(CommitteeMeeting, meeting.id))  # type: ignore[arg-type]
        pdf = pypdf.PdfReader(io.BytesIO(render_pdf(data, charts={})))
        word = docx.Document(io.BytesIO(render_docx(data, charts={})))
    texts = [p.text for p in word.paragraphs]
    assert "Contact Officer: Vince Clark" in texts and "Telephone: 01895 250498" in texts
    assert "Report author: Jo Bloggs" in texts
    assert word.core_properties.author == "Jo Bloggs"
    assert pdf.metadata is not None and pdf.metadata.author == "Jo Bloggs"
    first = " ".join(pdf.pages[0].extract_text().split())
    assert "Contact Officer: Vince Clark" in first and "Telephone: 01895 250498" in first


def _twelve_month_counts() -> dict[int, dict[str, int]]:
    """From the demo's own data: each work stream's 12-month measures by status."""
    out: dict[int, dict[str, int]] = {}
    for ws in demo_data.WORK_STREAMS:
        counts = {"COMPLETED": 0, "IN_PROGRESS": 0, "STATIC": 0}
        for m in ws["measures"]:
            counts[m["status_12"]] += 1
        out[ws["number"]] = counts
    return out


def test_the_twelve_month_report_shows_the_twelve_month_measures_in_appendices_2_and_4(
    app: Flask, demo: dict[str, Any]
) -> None:
    expected = _twelve_month_counts()
    total = {s: sum(c[s] for c in expected.values()) for s in ("COMPLETED", "IN_PROGRESS", "STATIC")}
    with app.app_context():
        meeting = upcoming(demo)
        meetings.set_checkpoint(pm(demo), meeting.id, 12)
        meetings.present(pm(demo), meeting.id)
        presented = db.session.get(CommitteeMeeting, meeting.id)
        assert presented is not None and presented.baseline is not None
        data = meetings.report_data(presented)
        page = render_html(data, charts={})
        assert presented.baseline.snapshot["summary"]["measures"]["in_progress"] == total["IN_PROGRESS"]
    assert data.checkpoint == 12
    assert (data.measures.completed, data.measures.in_progress, data.measures.static) == (
        total["COMPLETED"],
        total["IN_PROGRESS"],
        total["STATIC"],
    )
    for ws in data.work_streams:
        c = expected[ws.number]
        assert (ws.measure_counts.completed, ws.measure_counts.in_progress, ws.measure_counts.static) == (
            c["COMPLETED"],
            c["IN_PROGRESS"],
            c["STATIC"],
        )
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Appendix 2: 12 month progress against the performance measures" in text
    assert "performance measures at 12 months, with narratives" in text
    assert f"out of {sum(total.values())} projected outcomes, {total['COMPLETED']} are COMPLETED" in text
    # Appendix 4: the 12-month targets, with the 6-month status beside each
    first = demo_data.WORK_STREAMS[0]["measures"][0]
    assert first["target_12"] in text and first["narrative_12"] in text
    assert "At 6 months" in text and "At 12 months" in text
    row = page[page.index(f">{first['reference']}<") :]
    row = row[: row.index("</tr>")]
    six = {"COMPLETED": "COMPLETED", "IN_PROGRESS": "IN PROGRESS", "STATIC": "STATIC"}[first["status_6"]]
    assert re.findall(r'class="status status--\w+">([A-Z ]+)<', row) == [six, "IN PROGRESS"]
