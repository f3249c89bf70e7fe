"""The demo's history is dated like a real one (issue 10, item 6).

`flask demo seed` (with its history) is run once for this module, into a database of its own; the tests
read it. A test that changes it (presenting the October meeting) seeds a copy of its own.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app import demo_data
from app.clock import today, utcnow
from app.extensions import db
from app.models import (
    Action,
    AuditEvent,
    Baseline,
    CommitteeMeeting,
    Evidence,
    Plan,
    Proposal,
    ProposalMessage,
    RiskEntry,
    WorkStream,
)
from app.policy import SYSTEM
from app.services import audit, meetings, plan_read, proposals
from app.services.demo import seed_demo
from app.services.errors import ServiceError
from tests.conftest import Databases

SINCE_JULY = [c["reference"] for c in demo_data.COMPLETED_SINCE_JULY]
PLACEHOLDERS = {
    "as_of_month",
    "meeting_date",
    "checkpoint",
    "plan_start_month",
    "last_meeting_month",
    "next_report_month",
    "twelve_month_report_month",
}


@pytest.fixture(scope="module")
def seeded(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """One app, seeded as `make run` seeds it, shared by the tests that only read."""
    app = databases.app(tmp_path_factory.mktemp("demo-history"))
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    yield app
    databases.close(app)


@pytest.fixture
def ctx(seeded: Flask) -> Iterator[Flask]:
    with seeded.test_request_context():
        yield seeded
        db.session.rollback()


def _plan() -> Plan:
    return plan_read.get_plan()


def _july() -> Baseline:
    return db.session.scalars(select(Baseline)).one()


def _october() -> CommitteeMeeting:
    return db.session.scalars(select(CommitteeMeeting).where(CommitteeMeeting.baseline == None)).one()  # noqa: E711


def _since_july_approvals() -> list[Proposal]:
    ids = {a.id: a.reference for a in db.session.scalars(select(Action)) if a.reference in SINCE_JULY}
    found = db.session.scalars(select(Proposal).where(Proposal.action_id.in_(ids), Proposal.state == "approved")).all()
    return sorted(found, key=lambda p: p.decided_at)


def _months_between(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


# --- the end state is still the report's ------------------------------------------------------------------


def test_the_history_ends_at_the_reports_figures(ctx: Flask) -> None:
    summary = plan_read.plan_summary(_plan())
    assert summary.actions.as_dict() == {"total": 52, "completed": 25, "in_progress": 27, "static": 0}
    assert summary.measures.as_dict() == {"total": 57, "completed": 34, "in_progress": 23, "static": 0}
    retired = db.session.scalars(select(Action).where(Action.retired_on.is_not(None))).all()
    assert {a.work_stream.number for a in retired} == {1, 2, 5, 6}
    start = _plan().start_date
    for action in retired:  # on the day the data says, though the project manager retired each one that day
        seed = next(a for ws in demo_data.WORK_STREAMS for a in ws["actions"] if a["reference"] == action.reference)
        assert action.retired_on == start + timedelta(days=seed["retired_offset_days"])
    assert len(proposals.review_queue()) == 1, "one proposal waiting for the project manager"
    open_risks = db.session.scalars(select(RiskEntry).where(RiskEntry.closed_on.is_(None))).all()
    assert sorted(e.action.reference for e in open_risks) == ["3.1", "4.2"]


def test_the_plan_was_loaded_at_its_start(ctx: Flask) -> None:
    plan = _plan()
    assert plan.start_date == today() + timedelta(days=demo_data.PLAN_START_OFFSET_DAYS)
    loaded = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "plan.created")).one()
    assert loaded.occurred_at.date() == plan.start_date
    assert plan.created_at.date() == plan.start_date


# --- the July meeting -----------------------------------------------------------------------------------------


def test_the_july_meeting_was_presented_on_its_own_date_about_three_months_before_october(ctx: Flask) -> None:
    july = _july()
    assert july.presented_at.date() == july.meeting.meeting_date
    assert july.meeting.created_at < july.presented_at, "recorded before it was presented"
    october = _october()
    assert _months_between(july.meeting.meeting_date, october.meeting_date) in (2, 3), "July, then October"
    assert july.meeting.meeting_date > _plan().start_date
    assert july.snapshot["summary"]["actions"]["completed"] == 21, "four were completed since July"
    presented = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "plan.presented")).one()
    assert presented.occurred_at.date() == july.meeting.meeting_date
    assert presented.actor_name == "Helen Marsh"


def test_the_four_approvals_since_july_are_on_their_own_dates_between_july_and_today(ctx: Flask) -> None:
    july = _july()
    approvals = _since_july_approvals()
    assert [p.action.reference for p in approvals] == SINCE_JULY
    days = [p.decided_at.date() for p in approvals]
    assert len(set(days)) == 4, f"four approvals on four days: {days}"
    assert all(july.presented_at < p.decided_at for p in approvals)
    assert all(p.decided_at < utcnow() and p.decided_at.date() < today() for p in approvals)
    assert len({_months_between(july.presented_at.date(), d) for d in days}) >= 2, "spread over the months"
    for proposal in approvals:
        assert proposal.submitted_at is not None and proposal.created_at <= proposal.submitted_at < proposal.decided_at
        assert proposal.evidence and all(e.created_at.date() == proposal.created_at.date() for e in proposal.evidence)


def test_each_approval_since_july_has_its_justification_evidence_and_the_project_managers_note(ctx: Flask) -> None:
    for proposal, seed in zip(_since_july_approvals(), demo_data.COMPLETED_SINCE_JULY, strict=True):
        assert proposal.changes["status"]["reason"] == seed["justification"]
        assert [e.title for e in proposal.evidence] == [seed["evidence_title"]]
        notes = db.session.scalars(
            select(ProposalMessage).where(
                ProposalMessage.proposal_id == proposal.id, ProposalMessage.kind == "approval"
            )
        ).all()
        assert [n.body for n in notes] == [seed["approval_note"]]
        assert notes[0].created_at == pytest.approx(proposal.decided_at, abs=timedelta(seconds=5))
        change = db.session.scalars(
            select(AuditEvent).where(AuditEvent.kind == "action.changed", AuditEvent.action_id == proposal.action_id)
        ).one()
        assert seed["justification"] in change.reason
        assert change.occurred_at.date() == proposal.decided_at.date()


def test_every_completion_went_through_the_workflow_and_none_is_undated(ctx: Flask) -> None:
    approved = db.session.scalars(select(Proposal).where(Proposal.state == "approved")).all()
    assert len(approved) == 25, "each of the 25 COMPLETED actions was proposed with evidence and approved"
    assert all(p.evidence and p.changes["status"]["reason"] for p in approved)
    days = sorted(p.decided_at.date() for p in approved)
    assert len(set(days)) == 25 and days[0] > _plan().start_date and days[-1] < today()
    assert db.session.scalar(select(Evidence).where(Evidence.submitted_at.is_(None))) is None


# --- the trend and the trail ----------------------------------------------------------------------------------


def test_the_monthly_trend_rises(ctx: Flask) -> None:
    monthly, at_baselines = meetings.trend(_plan())
    completed = [point.counts.completed for point in monthly]
    assert completed == sorted(completed), f"never falls: {completed}"
    rises = sum(b > a for a, b in zip(completed, completed[1:], strict=False))
    assert rises >= 3, f"rises at three month ends at least: {completed}"
    assert completed[-1] == 25 and completed[0] < 10
    assert [p.counts.completed for p in at_baselines] == [21]
    assert len(monthly) >= 6


def test_the_audit_trail_is_in_time_order_and_its_chain_verifies(ctx: Flask) -> None:
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    times = [e.occurred_at for e in events]
    assert times == sorted(times), "seq order is time order"
    assert times[-1] <= utcnow()
    assert len({t.date() for t in times}) > 40, "the history is spread over its months, not stamped on one day"
    assert audit.verify_chain().ok
    result = ctx.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "Audit trail verified" in result.output


# --- changes since July, and the October meeting -----------------------------------------------------------------


def test_the_changes_since_july_are_the_four_approvals_and_three_retirements(ctx: Flask) -> None:
    baseline, lines = meetings.changes_since_last_meeting(_plan().id)
    assert baseline is not None and baseline.id == _july().id
    refs = {a.id: a.reference for a in db.session.scalars(select(Action))}
    approved = [refs[line.action_id] for line in lines if line.kind == "action.changed"]
    retired = [refs[line.action_id] for line in lines if line.kind == "action.retired"]
    assert approved == SINCE_JULY
    assert retired == ["6.1", "1.2", "5.2"], "retired after the July meeting, each on its own day"
    assert [line.occurred_at for line in lines] == sorted(line.occurred_at for line in lines)
    for line in lines:
        assert line.reason, f"no justification for {refs[line.action_id]}"
    action_1_2 = next(line for line in lines if refs[line.action_id] == "1.2")
    assert action_1_2.reason == demo_data.RETIREMENT_REASONS["1.2"]
    assert "Action 1.2 retired" in action_1_2.summary


def test_the_october_meeting_was_recorded_in_september_and_is_not_in_the_future(ctx: Flask) -> None:
    october = _october()
    assert october.meeting_date <= today()
    assert october.created_at.date() < october.meeting_date
    assert october.created_at > _july().presented_at
    assert october.contact_officer == demo_data.CONTACT_OFFICER == "Vince Clark"
    assert _july().meeting.contact_officer == "Vince Clark"


def test_both_meetings_carry_the_source_reports_narrative(ctx: Flask) -> None:
    for meeting in (_july().meeting, _october()):
        narrative = meeting.narrative
        assert narrative, "the narrative was saved"
        assert set(narrative) <= set(demo_data.REPORT_NARRATIVE)
        assert "an average of 16 per worker" in narrative["progress_update"]
        assert narrative["measures_paragraph_outro"].endswith(
            "In {twelve_month_report_month}, we will report back to the Committee about progress against the "
            "12 month measures."
        )


def test_presenting_the_october_meeting_reports_the_figures_and_the_changes_with_their_justifications(
    make_app: Any,
) -> None:
    app = make_app()
    with app.test_request_context():
        before = utcnow()
        seed_demo(history=True)
        assert before <= utcnow() < before + timedelta(days=1), "the clock is not left in the plan's past"
        october = _october()
        meetings.present(SYSTEM, october.id)
        report = meetings.report_data(db.session.get(CommitteeMeeting, october.id))
        assert (report.actions.total, report.actions.completed, report.actions.in_progress) == (52, 25, 27)
        assert (report.measures.total, report.measures.completed, report.measures.in_progress) == (57, 34, 23)
        assert "an average of 16 per worker" in report.progress_update
        assert report.contact_officer == "Vince Clark"
        changes = {a.reference: a.changes_since for ws in report.work_streams for a in ws.actions}
        for seed in demo_data.COMPLETED_SINCE_JULY:
            (line,) = changes[seed["reference"]]
            assert "Status changed from IN PROGRESS to COMPLETED" in line
            assert seed["justification"] in line and "approved by Helen Marsh" in line
        trend = [counts.completed for _, counts in report.trend]
        assert trend == sorted(trend) and trend[-1] == 25


# --- refusals ------------------------------------------------------------------------------------------------------


def test_the_history_is_not_played_into_a_trail_that_already_has_later_records(make_app: Any) -> None:
    app = make_app()
    with app.test_request_context():
        audit.record_and_commit(SYSTEM, "user.created", "An account made before the demo")
        with pytest.raises(ServiceError, match="in date order"):
            seed_demo(history=True)
        assert db.session.scalar(select(Plan)) is None and db.session.scalar(select(WorkStream)) is None
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 1 and "--without-history" in result.output
    assert app.test_cli_runner().invoke(args=["demo", "seed", "--without-history"]).exit_code == 0


def test_the_history_is_not_played_for_a_day_to_come(make_app: Any) -> None:
    app = make_app()
    with app.test_request_context():
        with pytest.raises(ServiceError, match="not come yet"):
            seed_demo(today() + timedelta(days=1), history=True)
        assert db.session.scalar(select(Plan)) is None


# --- the narrative's text ------------------------------------------------------------------------------------------


def test_the_report_narrative_uses_only_the_known_placeholders_and_no_literal_month() -> None:
    expected = {
        "reason_for_item",
        "recommendation",
        "sip_paragraph_intro",
        "action_plans_changes",
        "forward_look",
        "progress_update",
        "measures_paragraph_outro",
    }
    assert set(demo_data.REPORT_NARRATIVE) == expected
    for key, text in demo_data.REPORT_NARRATIVE.items():
        names = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        assert names <= PLACEHOLDERS, f"{key}: {names - PLACEHOLDERS}"
        text.format(**dict.fromkeys(PLACEHOLDERS, "X"))  # no stray brace
        assert "Hillingdon" not in text
        for month in ("January", "February", "March", "April", "May", "June", "July", "August", "September"):
            assert month not in text, f"{key} names {month}: months are computed"
        assert "October" not in text and "2016" not in text and "2015" not in text
    changes = demo_data.REPORT_NARRATIVE["action_plans_changes"].splitlines()
    assert len(changes) == 7 and all(line.startswith("- ") for line in changes[1:])
    assert '"Changes post {last_meeting_month}"' in changes[3]
    assert "Early Intervention Service" in demo_data.REPORT_NARRATIVE["forward_look"]
    assert "{next_report_month}" in demo_data.REPORT_NARRATIVE["forward_look"]
