"""Committee meetings, the baselines fixed when the plan is presented, and what changed since."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from app.clock import today, utcnow
from app.domain.changes import APPROVED_CHANGE_KINDS, StatusEvent, compare_snapshots, counts_at, month_ends
from app.domain.risk import Reason
from app.domain.status import StatusCounts
from app.extensions import db
from app.formatting import format_date
from app.models import Action, AuditEvent, Baseline, CommitteeMeeting, Plan, RiskEntry, WorkStream
from app.policy import Actor, Permission, require_as
from app.services import audit, plan_read
from app.services.errors import NotFound, ServiceError, ValidationFailed
from app.services.report import (
    NARRATIVE_FIELDS,
    ReportData,
    build_report_data,
    report_data_as_json,
    report_data_from_json,
    with_narrative,
)
from app.services.tx import write_transaction

DEFAULT_COMMITTEE = "Children, Young People and Learning Policy Overview Committee"


def list_meetings(plan_id: int) -> list[CommitteeMeeting]:
    return list(
        db.session.scalars(
            select(CommitteeMeeting)
            .options(joinedload(CommitteeMeeting.baseline))
            .where(CommitteeMeeting.plan_id == plan_id)
            .order_by(CommitteeMeeting.meeting_date.desc())
        )
    )


def get_meeting(meeting_id: int) -> CommitteeMeeting:
    meeting = db.session.get(CommitteeMeeting, meeting_id)
    if meeting is None:
        raise NotFound("No such committee meeting")
    return meeting


def create_meeting(
    actor: Actor, plan_id: int, committee_name: str, meeting_date: date | None, contact_officer: str = ""
) -> CommitteeMeeting:
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        errors: dict[str, str] = {}
        if not committee_name.strip():
            errors["committee_name"] = "Enter the committee's name"
        if meeting_date is None:
            errors["meeting_date"] = "Enter the date of the meeting"
        if errors:
            raise ValidationFailed(errors)
        meeting = CommitteeMeeting(
            plan_id=plan_id,
            committee_name=committee_name.strip(),
            meeting_date=meeting_date,
            contact_officer=contact_officer.strip(),
            created_by_id=getattr(actor, "id", None),
        )
        db.session.add(meeting)
        db.session.flush()
        audit.record(
            actor,
            "meeting.created",
            f"Committee meeting recorded: {meeting.committee_name}, {meeting_date}",
            object_type="meeting",
            object_id=meeting.id,
            plan_id=plan_id,
        )
    return meeting


def last_baseline(plan_id: int, *, before: datetime | None = None) -> Baseline | None:
    query = select(Baseline).where(Baseline.plan_id == plan_id)
    if before is not None:
        query = query.where(Baseline.presented_at < before)
    return db.session.scalar(query.order_by(Baseline.presented_at.desc(), Baseline.id.desc()).limit(1))


@dataclass(frozen=True)
class ChangeLine:
    action_id: int
    work_stream_id: int | None
    occurred_at: datetime
    kind: str
    summary: str
    reason: str

    @property
    def text(self) -> str:
        why = f" Justification: {self.reason}" if self.reason else ""
        return f"{format_date(self.occurred_at)}: {self.summary}{why}"


def approved_changes(
    plan_id: int,
    *,
    after_mark: int = 0,
    upto_mark: int | None = None,
    work_stream_id: int | None = None,
    kind: str | None = None,
) -> list[ChangeLine]:
    """Approved changes to the plan's actions recorded between two points of the audit trail."""
    query = select(AuditEvent).where(
        AuditEvent.plan_id == plan_id,
        AuditEvent.kind.in_(APPROVED_CHANGE_KINDS),
        AuditEvent.id > after_mark,
        AuditEvent.action_id.is_not(None),
    )
    if upto_mark is not None:
        query = query.where(AuditEvent.id <= upto_mark)
    if work_stream_id:
        query = query.where(AuditEvent.work_stream_id == work_stream_id)
    if kind:
        query = query.where(AuditEvent.kind == kind)
    return [
        ChangeLine(e.action_id, e.work_stream_id, e.occurred_at, e.kind, e.summary, e.reason)  # type: ignore[arg-type]
        for e in db.session.scalars(query.order_by(AuditEvent.id))
    ]


def changes_since_last_meeting(plan_id: int, **filters: Any) -> tuple[Baseline | None, list[ChangeLine]]:
    baseline = last_baseline(plan_id)
    return baseline, approved_changes(plan_id, after_mark=baseline.audit_mark if baseline else 0, **filters)


def changes_column(
    plan_id: int, *, work_stream_id: int | None = None, action_ids: set[int] | None = None
) -> dict[int, list[str]]:
    """The work stream table's "changes since the last committee meeting" cells, by action id: one work
    stream's (read as such from the database), or only the actions shown (a page of the action list)."""
    _, lines = changes_since_last_meeting(plan_id, work_stream_id=work_stream_id)
    column: dict[int, list[str]] = {}
    for line in lines:
        if action_ids is None or line.action_id in action_ids:
            column.setdefault(line.action_id, []).append(line.text)
    return column


def snapshot(plan: Plan) -> dict[str, Any]:
    """The approved plan, its measures and its open risk register, as plain JSON."""
    summary = plan_read.plan_summary(plan)
    numbers = {w.work_stream.id: w.work_stream.number for w in summary.work_streams}
    actions = plan_read.plan_actions(plan.id)
    measures = plan_read.plan_measures(plan.id)
    risks = db.session.scalars(
        select(RiskEntry)
        .options(joinedload(RiskEntry.action), joinedload(RiskEntry.owner))
        .where(RiskEntry.plan_id == plan.id, RiskEntry.closed_on.is_(None))
    ).all()
    return {
        "plan": {"id": plan.id, "title": plan.title, "start_date": plan.start_date.isoformat()},
        "summary": summary.as_json(),
        "work_streams": [{"number": w.work_stream.number, "title": w.work_stream.title} for w in summary.work_streams],
        "actions": [
            {
                "work_stream": numbers[a.work_stream_id],
                "id": a.id,
                "reference": a.reference,
                "title": a.title,
                "measures_and_milestones": a.measures_and_milestones,
                "key_targets": a.key_targets,
                "progress": a.progress,
                "status": a.status,
                "owner": a.owner.name if a.owner else None,
                "deadline": a.deadline.isoformat() if a.deadline else None,
                "retired_on": a.retired_on.isoformat() if a.retired_on else None,
                "at_risk": a.at_risk,
            }
            for a in actions
        ],
        "measures": [
            {
                "work_stream": numbers[m.work_stream_id],
                "reference": m.reference,
                "checkpoint": m.checkpoint,
                "description": m.description,
                "target": m.target,
                "status": m.status,
                "narrative": m.narrative,
            }
            for m in measures
        ],
        "risks": [
            {
                "work_stream": numbers[r.work_stream_id],
                "reference": r.action.reference,
                "title": r.action.title,
                "reasons": list(r.reasons),
                "score": r.score,
                "rating": r.band.label,
                "owner": r.owner.name if r.owner else None,
                "escalated": r.escalated,
                "mitigations": r.mitigations,
                "opened_on": r.opened_on.isoformat(),
            }
            for r in risks
        ],
    }


def risk_lines(risks: list[dict[str, Any]]) -> list[str]:
    if not risks:
        return ["No actions are in the risk register."]
    lines = [
        f"{len(risks)} {'action is' if len(risks) == 1 else 'actions are'} in the risk register, "
        f"{sum(r['escalated'] for r in risks)} escalated to SMT."
    ]
    for r in sorted(risks, key=lambda r: -r["score"]):
        why = "; ".join(Reason(x).label for x in r["reasons"])
        lines.append(
            f"Action {r['reference']} {r['title']}: {why}; rated {r['score']} {r['rating']}"
            + (f"; mitigation: {r['mitigations']}" if r["mitigations"] else "")
        )
    return lines


def present(actor: Actor, meeting_id: int) -> Baseline:
    """Fix the baseline: the approved plan as presented to this meeting, kept for good."""
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        meeting = get_meeting(meeting_id)
        if meeting.baseline is not None:
            raise ValidationFailed(
                {
                    "present": f"The plan was already presented to this meeting, on "
                    f"{_words(meeting.baseline.presented_at)}. A meeting has one baseline."
                }
            )
        plan = plan_read.get_plan(meeting.plan_id)
        mark = db.session.scalar(select(func.max(AuditEvent.id))) or 0
        state = snapshot(plan)
        previous = last_baseline(plan.id)
        changes: dict[int, list[str]] = {}
        for line in approved_changes(plan.id, after_mark=previous.audit_mark if previous else 0, upto_mark=mark):
            changes.setdefault(line.action_id, []).append(line.text)
        report = build_report_data(
            plan.id,
            meeting_date=meeting.meeting_date,
            committee_name=meeting.committee_name,
            changes_since=changes,
            risk_lines=risk_lines(state["risks"]),
            contact_officer=meeting.contact_officer,
        )
        report.trend = [(point.label, point.counts) for point in trend(plan)[0]]
        state["report"] = report_data_as_json(report)
        state["changes_since"] = {str(k): v for k, v in changes.items()}
        baseline = Baseline(
            plan_id=plan.id,
            meeting_id=meeting.id,
            presented_by_id=getattr(actor, "id", None),
            audit_mark=mark,
            snapshot=state,
        )
        db.session.add(baseline)
        try:
            db.session.flush()
        except IntegrityError as race:
            raise ServiceError("The plan was presented to this meeting a moment ago by someone else.") from race
        audit.record(
            actor,
            "plan.presented",
            f"Plan presented to the {meeting.committee_name} on {_words(meeting.meeting_date)}: baseline fixed "
            f"({state['summary']['actions']['total']} actions, {state['summary']['actions']['completed']} COMPLETED)",
            object_type="baseline",
            object_id=baseline.id,
            plan_id=plan.id,
            after=state["summary"]["actions"],
        )
    return baseline


def _words(value: date | datetime) -> str:
    return format_date(value)


def save_narrative(actor: Actor, meeting_id: int, narrative: dict[str, str]) -> CommitteeMeeting:
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        meeting = get_meeting(meeting_id)
        cleaned = {k: narrative[k].strip() for k in NARRATIVE_FIELDS if narrative.get(k, "").strip()}
        before = dict(meeting.narrative or {})
        meeting.narrative = cleaned
        audit.record(
            actor,
            "meeting.narrative_edited",
            f"Report narrative edited for the meeting of {_words(meeting.meeting_date)}",
            object_type="meeting",
            object_id=meeting.id,
            plan_id=meeting.plan_id,
            before=before,
            after=cleaned,
        )
    return meeting


def report_data(meeting: CommitteeMeeting) -> ReportData:
    """The report as presented: figures from the baseline, narrative as the officer last edited it."""
    if meeting.baseline is None:
        raise ServiceError(
            "The plan has not been presented to this meeting yet, so there is no baseline to report "
            "on. Mark it presented first."
        )
    return with_narrative(report_data_from_json(meeting.baseline.snapshot["report"]), meeting.narrative or None)


def compare(a: Baseline, b: Baseline) -> dict[str, list[str]]:
    return compare_snapshots(a.snapshot, b.snapshot)


def baselines(plan_id: int) -> list[Baseline]:
    return list(
        db.session.scalars(
            select(Baseline)
            .options(joinedload(Baseline.meeting))
            .where(Baseline.plan_id == plan_id)
            .order_by(Baseline.presented_at)
        )
    )


@dataclass(frozen=True)
class TrendPoint:
    label: str
    counts: StatusCounts


def trend(plan: Plan) -> tuple[list[TrendPoint], list[TrendPoint]]:
    """Action counts by status at each month end since the plan began, and at each baseline.

    A fixed number of queries, each reading only the columns it needs: the status changes come out of the
    audit trail as (action, when, before, after) rows with the statuses picked out of the JSON by the
    database, and each baseline's counts from its own column, never its snapshot.
    """
    actions = db.session.execute(
        select(Action.id, Action.status, Action.created_at)
        .join(WorkStream, WorkStream.id == Action.work_stream_id)
        .where(WorkStream.plan_id == plan.id)
    ).all()
    current = {a.id: a.status for a in actions}
    created = {a.id: a.created_at for a in actions}
    status_before = AuditEvent.before["status"].as_string()
    status_after = AuditEvent.after["status"].as_string()
    events = [
        StatusEvent(action_id, occurred_at, before, after)
        for action_id, occurred_at, before, after in db.session.execute(
            select(AuditEvent.action_id, AuditEvent.occurred_at, status_before, status_after).where(
                AuditEvent.plan_id == plan.id,
                AuditEvent.kind == "action.changed",
                AuditEvent.action_id.is_not(None),
                status_before.is_not(None),
                status_after.is_not(None),
            )
        )
    ]
    ends = month_ends(plan.start_date, today())
    moments = {d: min(datetime.combine(d, time.max), utcnow()) for d in ends}
    # Actions added through the plan editor count from when they were added; the others (seeded or
    # imported with the plan) were there from the plan's start.
    added = set(
        db.session.scalars(
            select(AuditEvent.action_id).where(AuditEvent.plan_id == plan.id, AuditEvent.kind == "action.created")
        )
    )
    start_moment = datetime.combine(plan.start_date, time.min)
    created = {k: (v if k in added else start_moment) for k, v in created.items()}
    counts = counts_at(current, created, events, moments.values())
    monthly = [TrendPoint(f"{d:%B %Y}", counts[moments[d]]) for d in ends]
    at_baselines = [
        TrendPoint(
            f"{committee_name[:40]}, {_words(meeting_date)}",
            StatusCounts(**{k: v for k, v in (fixed or {}).items() if k != "total"}),
        )
        for committee_name, meeting_date, fixed in db.session.execute(
            select(
                CommitteeMeeting.committee_name,
                CommitteeMeeting.meeting_date,
                Baseline.action_counts,
            )
            .join(CommitteeMeeting, CommitteeMeeting.id == Baseline.meeting_id)
            .where(Baseline.plan_id == plan.id)
            .order_by(Baseline.presented_at)
        )
    ]
    return monthly, at_baselines
