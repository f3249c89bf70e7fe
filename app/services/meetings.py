"""Committee meetings, the baselines fixed when the plan is presented, and what changed since."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, joinedload

from app.clock import today, utcnow
from app.domain.changes import (
    APPROVED_CHANGE_KINDS,
    APPROVED_CHANGE_LABELS,
    EDITOR_CHANGE_KINDS,
    FieldChange,
    compare_snapshots,
    describe_change,
    month_ends,
    what_words,
)
from app.domain.proposals import field_labels, justification_words
from app.domain.references import to_roman
from app.domain.risk import Reason
from app.domain.status import StatusCounts
from app.extensions import db
from app.formatting import format_date
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
    User,
    WorkStream,
)
from app.policy import Actor, Permission, require_as
from app.services import audit, memo, paging, plan_read, report_pack, report_sections
from app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from app.services.paging import Page
from app.services.report import (
    NARRATIVE_FIELDS,
    ReportData,
    build_report_data,
    default_narrative,
    report_data_as_json,
    report_data_from_json,
    with_narrative,
)
from app.services.report.narrative import ReportDates, filled_narrative, narrative_problems
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


CHECKPOINTS = (6, 12)
TELEPHONE = re.compile(r"[0-9 +()\-]*")


def _details_problems(
    contact_officer: str, contact_telephone: str, report_author: str, checkpoint: int | None
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if len(contact_officer) > 120:
        errors["contact_officer"] = "The contact officer's name must be 120 characters or fewer"
    if len(contact_telephone) > 60:
        errors["contact_telephone"] = "The telephone number must be 60 characters or fewer"
    elif not TELEPHONE.fullmatch(contact_telephone):
        errors["contact_telephone"] = "Enter a telephone number, like 01895 250498: digits, spaces and + ( ) - only"
    if len(report_author) > 120:
        errors["report_author"] = "The report author's name must be 120 characters or fewer"
    if checkpoint is not None and checkpoint not in CHECKPOINTS:
        errors["checkpoint"] = "Choose the 6 month or the 12 month checkpoint"
    return errors


def starting_narrative(plan: Plan) -> dict[str, str]:
    """A new meeting's narrative: the last presented meeting's (its placeholders keep the dates moving), else the
    default wording; any paragraph the last meeting did not have comes from the default."""
    previous = last_baseline(plan.id)
    carried = dict(previous.meeting.narrative or {}) if previous is not None else {}
    return {**default_narrative(plan.title), **{k: v for k, v in carried.items() if k in NARRATIVE_FIELDS}}


def create_meeting(
    actor: Actor,
    plan_id: int,
    committee_name: str,
    meeting_date: date | None,
    contact_officer: str = "",
    contact_telephone: str = "",
    report_author: str = "",
    checkpoint: int | None = None,
) -> CommitteeMeeting:
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        contact_officer, contact_telephone, report_author = (
            contact_officer.strip(),
            contact_telephone.strip(),
            report_author.strip(),
        )
        errors: dict[str, str] = {}
        if not committee_name.strip():
            errors["committee_name"] = "Enter the committee's name"
        if meeting_date is None:
            errors["meeting_date"] = "Enter the date of the meeting"
        errors.update(_details_problems(contact_officer, contact_telephone, report_author, checkpoint))
        if errors:
            raise ValidationFailed(errors)
        plan = plan_read.get_plan(plan_id)
        meeting = CommitteeMeeting(
            plan_id=plan_id,
            committee_name=committee_name.strip(),
            meeting_date=meeting_date,
            contact_officer=contact_officer,
            contact_telephone=contact_telephone,
            report_author=report_author,
            checkpoint=checkpoint,
            narrative=starting_narrative(plan),
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
            after=_details(meeting),
        )
    return meeting


def _details(meeting: CommitteeMeeting) -> dict[str, Any]:
    return {
        "contact_officer": meeting.contact_officer,
        "contact_telephone": meeting.contact_telephone,
        "report_author": meeting.report_author,
        "checkpoint": meeting.checkpoint,
    }


def checkpoint_of(meeting: CommitteeMeeting) -> int:
    """The reporting checkpoint (6 or 12 months) the meeting's report follows."""
    return meeting.checkpoint or plan_read.get_plan(meeting.plan_id).reporting_checkpoint


def _refuse_if_presented(meeting: CommitteeMeeting, what: str) -> None:
    if meeting.baseline is not None:
        raise ServiceError(
            f"The plan was presented to this meeting on {_words(meeting.baseline.presented_at)}, so its {what} "
            "are fixed with the report and can no longer be changed."
        )


def update_details(
    actor: Actor,
    meeting_id: int,
    *,
    contact_officer: str,
    contact_telephone: str,
    report_author: str,
    checkpoint: int | None,
    expected_version: int | None = None,
) -> CommitteeMeeting:
    """The report's contact officer, telephone, author and checkpoint: editable until the plan is presented."""
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        meeting = get_meeting(meeting_id)
        _refuse_if_presented(meeting, "report details")
        if expected_version is not None and expected_version != meeting.version:
            raise Conflict("Someone else changed these report details a moment ago. Check them and save again.")
        contact_officer, contact_telephone, report_author = (
            contact_officer.strip(),
            contact_telephone.strip(),
            report_author.strip(),
        )
        errors = _details_problems(contact_officer, contact_telephone, report_author, checkpoint)
        if errors:
            raise ValidationFailed(errors)
        before = _details(meeting)
        meeting.contact_officer = contact_officer
        meeting.contact_telephone = contact_telephone
        meeting.report_author = report_author
        meeting.checkpoint = checkpoint
        after = _details(meeting)
        if after != before:
            audit.record(
                actor,
                "meeting.details_changed",
                f"Report details changed for the meeting of {_words(meeting.meeting_date)}",
                object_type="meeting",
                object_id=meeting.id,
                plan_id=meeting.plan_id,
                before=before,
                after=after,
            )
    return meeting


def set_checkpoint(actor: Actor, meeting_id: int, checkpoint: int) -> CommitteeMeeting:
    """Report at the 6 or the 12 month checkpoint; the other details as they are."""
    meeting = get_meeting(meeting_id)
    return update_details(
        actor,
        meeting_id,
        contact_officer=meeting.contact_officer,
        contact_telephone=meeting.contact_telephone,
        report_author=meeting.report_author,
        checkpoint=checkpoint,
    )


def last_baseline(plan_id: int, *, before: datetime | None = None) -> Baseline | None:
    query = select(Baseline).where(Baseline.plan_id == plan_id)
    if before is not None:
        query = query.where(Baseline.presented_at < before)
    return db.session.scalar(query.order_by(Baseline.presented_at.desc(), Baseline.id.desc()).limit(1))


@dataclass(frozen=True)
class ChangeLine:
    """One approved change in words: what changed from and to, why, who proposed and approved it, the evidence.

    `text` is the sentence the report prints; the other fields are for pages and exports laying it out in columns.
    """

    action_id: int | None
    work_stream_id: int | None
    occurred_at: datetime
    kind: str
    summary: str
    reason: str
    event_id: int = 0
    reference: str = ""  # the action's reference ("1.2"), or "" for a work stream
    work_stream_number: int | None = None
    parts: tuple[FieldChange, ...] = ()
    justification: str = ""
    approval_note: str = ""
    proposer: str = ""
    proposed_on: datetime | None = None
    approver: str = ""
    approved_on: datetime | None = None
    evidence_titles: tuple[str, ...] = ()

    @property
    def what(self) -> str:
        return what_words(self.parts) or self.summary

    @property
    def before(self) -> str:
        return _side(self.parts, "before")

    @property
    def after(self) -> str:
        return _side(self.parts, "after")

    @property
    def work_stream_roman(self) -> str:
        return to_roman(self.work_stream_number) if self.work_stream_number else ""

    @property
    def kind_label(self) -> str:
        return APPROVED_CHANGE_LABELS.get(self.kind, "Change")

    @property
    def by_editor(self) -> bool:
        return self.kind in EDITOR_CHANGE_KINDS

    @property
    def who_words(self) -> str:
        """ "Proposed by Sarah Whitfield on 3 August 2015; approved by Helen Marsh on 5 August 2015"."""
        if self.by_editor:
            return f"Changed by {self.approver} through the plan editor on {format_date(self.approved_on)}"
        proposed = f"Proposed by {self.proposer} on {format_date(self.proposed_on)}; a" if self.proposer else "A"
        return f"{proposed}pproved by {self.approver} on {format_date(self.approved_on)}"

    @property
    def evidence_words(self) -> str:
        return "; ".join(f"“{title}”" for title in self.evidence_titles)

    @property
    def text(self) -> str:
        """One plain paragraph: date, what changed, the justification, who and when, the evidence."""
        out = [f"{format_date(self.occurred_at)}: {_sentence(self.what)}"]
        if self.justification:
            out.append(f"Justification: {_sentence(self.justification)}")
        out.append(f"{self.who_words}.")
        if self.approval_note:
            out.append(f"Approver's note: {_sentence(self.approval_note)}")
        if self.evidence_titles:
            out.append(f"Evidence: {self.evidence_words}.")
        return " ".join(out)


def _side(parts: tuple[FieldChange, ...], side: str) -> str:
    values = [(p.label, getattr(p, side)) for p in parts if getattr(p, side)]
    if len(parts) == 1:
        return values[0][1] if values else ""
    return "; ".join(f"{label}: {value}" for label, value in values)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "”", '"')) else f"{text}."


def _changes_query(
    plan_id: int,
    *,
    after_mark: int = 0,
    upto_mark: int | None = None,
    work_stream_id: int | None = None,
    kind: str | None = None,
    action_id: int | None = None,
    counting: bool = False,
) -> Any:
    """The approved-change events between two points of the trail, filtered in SQL, with their action's reference;
    `counting`: their ids alone, which the index `ix_audit_events_plan_kind` answers without reading the table."""
    query = (
        select(AuditEvent.id)
        if counting
        else select(AuditEvent, Action.reference, WorkStream.number)
        .outerjoin(Action, Action.id == AuditEvent.action_id)
        .outerjoin(WorkStream, WorkStream.id == AuditEvent.work_stream_id)
    ).where(
        AuditEvent.plan_id == plan_id,
        AuditEvent.kind.in_(APPROVED_CHANGE_KINDS),
        AuditEvent.id > after_mark,
        AuditEvent.action_id.is_not(None) | (AuditEvent.kind == "work_stream.created"),
    )
    if upto_mark is not None:
        query = query.where(AuditEvent.id <= upto_mark)
    if work_stream_id:
        query = query.where(AuditEvent.work_stream_id == work_stream_id)
    if kind:
        query = query.where(AuditEvent.kind == kind)
    if action_id:
        query = query.where(AuditEvent.action_id == action_id)
    return query


def _lines(rows: Sequence[Any]) -> list[ChangeLine]:
    proposal_ids = {_proposal_id(event) for event, _, _ in rows} - {None}
    found = _proposals_behind(proposal_ids)  # type: ignore[arg-type]  # None was taken out
    return [_line(event, reference, number, found) for event, reference, number in rows]


CHANGES_PER_PAGE = 50


def approved_changes_page(
    plan_id: int,
    *,
    after_mark: int = 0,
    work_stream_id: int | None = None,
    kind: str | None = None,
    page: int = 1,
    per_page: int = 0,
) -> Page[ChangeLine]:
    """One page of `approved_changes` (oldest first, as the report lists them), filtered and paged by the database:
    a count, the page's events, then the three queries for their proposals, whatever the number of changes."""
    filters: dict[str, Any] = {"after_mark": after_mark, "work_stream_id": work_stream_id, "kind": kind}
    query = _changes_query(plan_id, **filters)
    paged = paging.page_of(
        query.order_by(AuditEvent.id),
        page,
        per_page or CHANGES_PER_PAGE,
        scalars=False,
        counted=_changes_query(plan_id, counting=True, **filters),
    )
    return Page(_lines(paged.items), paged.number, paged.per_page, paged.total)


def changes_since_last_meeting_page(
    plan_id: int, *, page: int = 1, per_page: int = 0, **filters: Any
) -> tuple[Baseline | None, Page[ChangeLine]]:
    """A page of the changes since the last committee meeting (the changes page); the report keeps them all."""
    baseline = last_baseline(plan_id)
    mark = baseline.audit_mark if baseline else 0
    found = memo.per_plan_version(  # once per version of the plan: an approval, or a new baseline, is a new one
        f"changes_page:{mark}:{page}:{per_page}:{sorted(filters.items())}",
        plan_id,
        lambda: approved_changes_page(plan_id, after_mark=mark, page=page, per_page=per_page, **filters),
    )
    return baseline, Page(list(found.items), found.number, found.per_page, found.total)


CHANGES_BATCH = 500


def iter_changes_since_last_meeting(plan_id: int, *, batch: int = 0, **filters: Any) -> Iterator[ChangeLine]:
    """Every change since the last committee meeting, read `CHANGES_BATCH` at a time (for a streamed download):
    four queries a batch, and never more than one batch in memory."""
    batch = batch or CHANGES_BATCH
    baseline = last_baseline(plan_id)
    after = baseline.audit_mark if baseline else 0
    while True:
        query = _changes_query(plan_id, after_mark=after, **filters)
        rows = db.session.execute(query.order_by(AuditEvent.id).limit(batch)).all()
        yield from _lines(rows)
        if len(rows) < batch:
            return
        after = rows[-1][0].id


def approved_changes(
    plan_id: int,
    *,
    after_mark: int = 0,
    upto_mark: int | None = None,
    work_stream_id: int | None = None,
    kind: str | None = None,
    action_id: int | None = None,
) -> list[ChangeLine]:
    """Approved changes to the plan recorded between two points of the audit trail, each with its why and who.

    A fixed number of queries whatever the number of changes: the events (with their action's reference), then
    the proposals they approved, those proposals' approval notes and their evidence titles.
    """
    query = _changes_query(
        plan_id,
        after_mark=after_mark,
        upto_mark=upto_mark,
        work_stream_id=work_stream_id,
        kind=kind,
        action_id=action_id,
    )
    return _lines(db.session.execute(query.order_by(AuditEvent.id)).all())


@dataclass(frozen=True)
class _Behind:
    """What an approval event's proposal adds: the author's reasons, the author and when, the note, the evidence."""

    changes: dict[str, Any]
    target_type: str
    author: str
    proposed_on: datetime
    note: str = ""
    evidence: tuple[str, ...] = ()


def _proposal_id(event: AuditEvent) -> int | None:
    value = (event.after or {}).get("proposal_id") if event.kind == "action.changed" else None
    return value if isinstance(value, int) else None


def _proposals_behind(ids: set[int]) -> dict[int, _Behind]:
    if not ids:
        return {}
    author = aliased(User)
    notes: dict[int, str] = {}
    for proposal_id, body in db.session.execute(
        select(ProposalMessage.proposal_id, ProposalMessage.body)
        .where(ProposalMessage.proposal_id.in_(ids), ProposalMessage.kind == "approval")
        .order_by(ProposalMessage.id)
    ):
        notes[proposal_id] = body
    titles: dict[int, list[str]] = {}
    for proposal_id, title in db.session.execute(
        select(Evidence.proposal_id, Evidence.title).where(Evidence.proposal_id.in_(ids)).order_by(Evidence.id)
    ):
        titles.setdefault(proposal_id, []).append(title)
    return {
        row.id: _Behind(
            changes=dict(row.changes or {}),
            target_type=row.target_type,
            author=row.name,
            proposed_on=row.submitted_at or row.created_at,
            note=notes.get(row.id, ""),
            evidence=tuple(titles.get(row.id, ())),
        )
        for row in db.session.execute(
            select(
                Proposal.id,
                Proposal.changes,
                Proposal.target_type,
                Proposal.submitted_at,
                Proposal.created_at,
                author.name,
            )
            .join(author, author.id == Proposal.author_id)
            .where(Proposal.id.in_(ids))
        )
    }


def _line(event: AuditEvent, reference: str | None, number: int | None, found: dict[int, _Behind]) -> ChangeLine:
    behind = found.get(_proposal_id(event) or 0)
    if behind is not None:
        justification = justification_words(field_labels(behind.target_type), behind.changes)
        proposer, proposed_on, note, evidence = behind.author, behind.proposed_on, behind.note, behind.evidence
    elif event.kind in EDITOR_CHANGE_KINDS:  # the project manager's own edit: their reason is the justification
        justification, proposer, proposed_on, note, evidence = event.reason, event.actor_name, event.occurred_at, "", ()
    else:  # an approval recorded before its proposal was named in the trail
        justification, proposer, proposed_on, note, evidence = event.reason, "", None, "", ()
    return ChangeLine(
        action_id=event.action_id,
        work_stream_id=event.work_stream_id,
        occurred_at=event.occurred_at,
        kind=event.kind,
        summary=event.summary,
        reason=event.reason,
        event_id=event.id,
        reference=reference or "",
        work_stream_number=number,
        parts=tuple(describe_change(event.kind, event.before, event.after)),
        justification=justification,
        approval_note=note,
        proposer=proposer,
        proposed_on=proposed_on,
        approver=event.actor_name,
        approved_on=event.occurred_at,
        evidence_titles=evidence,
    )


def describe_events(events: list[AuditEvent]) -> dict[int, ChangeLine]:
    """The changes among audit events already read (a page of the trail), by event id, in the same few queries."""
    changes = [e for e in events if e.kind in APPROVED_CHANGE_KINDS]
    found = _proposals_behind({pid for pid in map(_proposal_id, changes) if pid is not None})
    return {e.id: _line(e, None, None, found) for e in changes}


def changes_since_last_meeting(plan_id: int, **filters: Any) -> tuple[Baseline | None, list[ChangeLine]]:
    baseline = last_baseline(plan_id)
    return baseline, approved_changes(plan_id, after_mark=baseline.audit_mark if baseline else 0, **filters)


def changes_by_action(
    plan_id: int, *, work_stream_id: int | None = None, action_ids: set[int] | None = None
) -> dict[int, list[ChangeLine]]:
    """The changes since the last committee meeting, by action id (a new work stream belongs to no action):
    one work stream's, or only the actions shown (a page of the action list), each picked out by the database.
    Worked out once per version of the plan (`memo`: an approval or a presented baseline is a new version)."""
    shown = None if action_ids is None else tuple(sorted(action_ids))
    kept = memo.per_plan_version(
        f"changes_by_action:{work_stream_id}:{shown}",
        plan_id,
        lambda: _changes_by_action(plan_id, work_stream_id=work_stream_id, action_ids=action_ids),
    )
    return {action_id: list(lines) for action_id, lines in kept.items()}


def _changes_by_action(
    plan_id: int, *, work_stream_id: int | None, action_ids: set[int] | None
) -> dict[int, tuple[ChangeLine, ...]]:
    if action_ids is None:
        _, lines = changes_since_last_meeting(plan_id, work_stream_id=work_stream_id)
    else:
        baseline = last_baseline(plan_id)
        query = _changes_query(
            plan_id, after_mark=baseline.audit_mark if baseline else 0, work_stream_id=work_stream_id
        ).where(AuditEvent.action_id.in_(action_ids))
        lines = _lines(db.session.execute(query.order_by(AuditEvent.id)).all())
    column: dict[int, list[ChangeLine]] = {}
    for line in lines:
        if line.action_id is not None and (action_ids is None or line.action_id in action_ids):
            column.setdefault(line.action_id, []).append(line)
    return {action_id: tuple(kept) for action_id, kept in column.items()}


def changes_column(plan_id: int) -> dict[int, list[str]]:
    """The work stream table's "changes since the last committee meeting" cells, by action id, as sentences."""
    return {action_id: [line.text for line in lines] for action_id, lines in changes_by_action(plan_id).items()}


def snapshot(plan: Plan, checkpoint: int | None = None) -> dict[str, Any]:
    """The approved plan, its measures (all of them; the summary counts those at `checkpoint`) and its open risk
    register, as plain JSON."""
    summary = plan_read.plan_summary(plan, checkpoint)
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


def report_dates(meeting: CommitteeMeeting) -> ReportDates:
    """What the narrative's placeholders stand for at this meeting."""
    plan = plan_read.get_plan(meeting.plan_id)
    last = db.session.scalar(
        select(func.max(CommitteeMeeting.meeting_date))
        .join(Baseline, Baseline.meeting_id == CommitteeMeeting.id)
        .where(
            CommitteeMeeting.plan_id == plan.id,
            CommitteeMeeting.id != meeting.id,
            CommitteeMeeting.meeting_date < meeting.meeting_date,
        )
    )
    following = db.session.scalar(
        select(func.min(CommitteeMeeting.meeting_date)).where(
            CommitteeMeeting.plan_id == plan.id, CommitteeMeeting.meeting_date > meeting.meeting_date
        )
    )
    return ReportDates(
        meeting.meeting_date, meeting.checkpoint or plan.reporting_checkpoint, plan.start_date, last, following
    )


def _changes_since_last_baseline(plan_id: int, upto_mark: int | None = None) -> dict[int, list[str]]:
    previous = last_baseline(plan_id)
    changes: dict[int, list[str]] = {}
    for line in approved_changes(plan_id, after_mark=previous.audit_mark if previous else 0, upto_mark=upto_mark):
        if line.action_id is not None:  # a new work stream is a change, but no action's
            changes.setdefault(line.action_id, []).append(line.text)
    return changes


def live_report(
    meeting: CommitteeMeeting, *, upto_mark: int | None = None, state: dict[str, Any] | None = None
) -> ReportData:
    """The report as it would be presented now: the live plan, this meeting's details and narrative."""
    plan = plan_read.get_plan(meeting.plan_id)
    dates = report_dates(meeting)
    state = state if state is not None else snapshot(plan, dates.checkpoint)
    report = build_report_data(
        plan.id,
        meeting_date=meeting.meeting_date,
        committee_name=meeting.committee_name,
        narrative={k: v for k, v in (meeting.narrative or {}).items() if k in NARRATIVE_FIELDS},
        changes_since=_changes_since_last_baseline(plan.id, upto_mark),
        risk_lines=risk_lines(state["risks"]),
        contact_officer=meeting.contact_officer,
        contact_telephone=meeting.contact_telephone,
        report_author=meeting.report_author,
        checkpoint=dates.checkpoint,
        dates=dates,
    )
    report.trend = [(point.label, point.counts) for point in trend(plan)[0]]
    report.sections = report_sections.for_meeting(plan.id, meeting.meeting_date)
    return report


def present_problems(meeting: CommitteeMeeting) -> dict[str, str]:
    """Why the plan cannot be presented to this meeting now, by the field to put right; empty when it can."""
    if meeting.baseline is not None:
        return {
            "present": f"The plan was already presented to this meeting, on "
            f"{_words(meeting.baseline.presented_at)}. A meeting has one baseline."
        }
    problems: dict[str, str] = {}
    if meeting.meeting_date > today():
        problems["present"] = (
            f"The meeting is on {_words(meeting.meeting_date)}, which is in the future. The plan can be marked "
            "presented on the day of the meeting or after it."
        )
    if not meeting.contact_officer.strip():
        problems["contact_officer"] = (
            "Enter the contact officer in the report details before presenting: the report names them."
        )
    return problems


@dataclass(frozen=True)
class PresentingSummary:
    """What presenting would freeze, shown before the project manager confirms."""

    meeting: CommitteeMeeting
    checkpoint: int
    actions: StatusCounts
    measures: StatusCounts
    changes: int  # approved changes since the last meeting the plan was presented to
    open_risks: int
    last_presented: Baseline | None
    problems: dict[str, str]


def presenting_summary(meeting: CommitteeMeeting) -> PresentingSummary:
    plan = plan_read.get_plan(meeting.plan_id)
    checkpoint = meeting.checkpoint or plan.reporting_checkpoint
    summary = plan_read.plan_summary(plan, checkpoint)
    previous = last_baseline(plan.id)
    open_risks = db.session.scalar(
        select(func.count(RiskEntry.id)).where(RiskEntry.plan_id == plan.id, RiskEntry.closed_on.is_(None))
    )
    return PresentingSummary(
        meeting=meeting,
        checkpoint=checkpoint,
        actions=summary.actions,
        measures=summary.measures,
        changes=len(approved_changes(plan.id, after_mark=previous.audit_mark if previous else 0)),
        open_risks=open_risks or 0,
        last_presented=previous,
        problems=present_problems(meeting),
    )


def present(actor: Actor, meeting_id: int, *, prepare_pack: bool = True) -> Baseline:
    """Fix the baseline: the approved plan, and the report with its narrative, as presented to this meeting."""
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        meeting = get_meeting(meeting_id)
        problems = present_problems(meeting)
        if problems:
            raise ValidationFailed(problems)
        plan = plan_read.get_plan(meeting.plan_id)
        mark = db.session.scalar(select(func.max(AuditEvent.id))) or 0
        state = snapshot(plan, checkpoint_of(meeting))
        report = live_report(meeting, upto_mark=mark, state=state)
        state["report"] = report_data_as_json(report)
        state["narrative_fixed"] = True  # the report keeps the narrative as presented
        state["changes_since"] = {str(k): v for k, v in _changes_since_last_baseline(plan.id, mark).items()}
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
    # The baseline is committed: its pack is rendered once, in the background (in-process if the queue is down).
    # prepare_pack=False is for the scaled demo, whose many baselines would otherwise each wait for their pack;
    # the meeting page then offers "Prepare the documents".
    if prepare_pack:
        report_pack.schedule(baseline.id)
    return baseline


def _words(value: date | datetime) -> str:
    return format_date(value)


def save_narrative(actor: Actor, meeting_id: int, narrative: dict[str, str]) -> CommitteeMeeting:
    """The report's paragraphs as the officer wrote them (placeholders kept), until the plan is presented."""
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        meeting = get_meeting(meeting_id)
        _refuse_if_presented(meeting, "report paragraphs")
        cleaned = {k: narrative.get(k, "").replace("\r\n", "\n").strip() for k in NARRATIVE_FIELDS}
        errors = narrative_problems(cleaned)
        if errors:
            raise ValidationFailed(errors)
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
    """The report as presented: figures and narrative from the baseline.

    A baseline presented before the narrative was fixed with it takes the narrative as the officer last edited it."""
    if meeting.baseline is None:
        raise ServiceError(
            "The plan has not been presented to this meeting yet, so there is no baseline to report "
            "on. Mark it presented first."
        )
    data = report_data_from_json(meeting.baseline.snapshot["report"])
    if meeting.baseline.snapshot.get("narrative_fixed"):
        return data
    edited = {k: v for k, v in (meeting.narrative or {}).items() if k in NARRATIVE_FIELDS and v}
    return with_narrative(data, filled_narrative(edited, report_dates(meeting)) or None)


def compare(a: Baseline, b: Baseline) -> dict[str, list[str]]:
    return compare_snapshots(a.snapshot, b.snapshot)


@dataclass(frozen=True)
class Comparison:
    """Two baselines compared: how many actions differ and in what way, then one page of the differing actions."""

    counts: dict[str, int]  # "Actions that differ", "New actions", "Status changes", ... (only those above 0)
    page: Page[tuple[str, list[str]]]  # (reference, what differs in words)


COMPARED_PER_PAGE = 100
_COUNTED = (
    ("New actions", "New action"),
    ("Status changes", "Status changed"),
    ("Retired", "Retired"),
    ("Returned to the plan", "Returned to the plan"),
    ("Deadlines moved", "Deadline moved"),
)


def _snapshot_actions(baseline_id: int) -> list[dict[str, Any]]:
    actions = db.session.scalar(select(Baseline.snapshot["actions"]).where(Baseline.id == baseline_id))
    return list(actions or [])


def compare_page(a: Baseline, b: Baseline, *, page: int = 1, per_page: int = 0) -> Comparison:
    """`compare` summarised (counts first) and paged, for the compare page; the whole comparison stays `compare`.
    Only the snapshots' actions are read (by the database: a third of a snapshot), never their measures or report."""
    counts, rows = memo.fixed(("compare", a.id, b.id), lambda: _compared(a.id, b.id))
    return Comparison(dict(counts), paging.slice_of(rows, page, per_page or COMPARED_PER_PAGE))


def _compared(a_id: int, b_id: int) -> tuple[tuple[tuple[str, int], ...], tuple[tuple[str, list[str]], ...]]:
    """Two presented baselines compared: counts and rows. A baseline never changes, so neither does this,
    and it is worked out once (`memo.fixed`)."""
    differences = compare_snapshots({"actions": _snapshot_actions(a_id)}, {"actions": _snapshot_actions(b_id)})
    counts = {"Actions that differ": len(differences)}
    for label, start in _COUNTED:
        counts[label] = sum(1 for lines in differences.values() if any(line.startswith(start) for line in lines))
    counted = tuple(start for _, start in _COUNTED)
    counts["Other changes"] = sum(
        1 for lines in differences.values() if any(not line.startswith(counted) for line in lines)
    )
    rows = tuple((key.split(":", 1)[-1], lines) for key, lines in differences.items())
    return tuple((k, v) for k, v in counts.items() if v), rows


def baselines(plan_id: int) -> list[Baseline]:
    return list(
        db.session.scalars(
            select(Baseline)
            .options(joinedload(Baseline.meeting))
            .where(Baseline.plan_id == plan_id)
            .order_by(Baseline.presented_at)
        )
    )


def count_changes_since_last_meeting(plan_id: int) -> tuple[Baseline | None, int]:
    """The last baseline, and how many approved changes `changes_since_last_meeting` would list: counted by
    the database (the committee landing page shows the number, not the changes)."""
    baseline = last_baseline(plan_id)
    count = db.session.scalar(
        select(func.count(AuditEvent.id)).where(
            AuditEvent.plan_id == plan_id,
            AuditEvent.kind.in_(APPROVED_CHANGE_KINDS),
            AuditEvent.id > (baseline.audit_mark if baseline else 0),
            AuditEvent.action_id.is_not(None) | (AuditEvent.kind == "work_stream.created"),
        )
    )
    return baseline, count or 0


@dataclass(frozen=True)
class TrendPoint:
    label: str
    counts: StatusCounts


def trend(plan: Plan) -> tuple[list[TrendPoint], list[TrendPoint]]:
    """Action counts by status at each month end since the plan began, and at each baseline.

    Counted by the database, so the work and what is read stay the same however long the history: the
    plan's actions by status and by the month they were added, and its approved status changes by month,
    by the month their action was added and by the statuses they went from and to (a few hundred rows at
    most). An action's status at a month end is its status now with the changes since then undone (an
    action added later is not counted); each baseline's counts come from its own column, never its snapshot.
    The month ends are worked out once per version of the plan (`memo`): a dashboard read again is one query.
    """
    monthly = memo.per_plan_version("trend", plan.id, lambda: tuple(_monthly_trend(plan)))
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
    return list(monthly), at_baselines


def _monthly_trend(plan: Plan) -> list[TrendPoint]:
    """The month ends of `trend`: the heavy part, worked out once per version of the plan (`memo`)."""
    ends = month_ends(plan.start_date, today())
    now = utcnow()
    moments = [min(datetime.combine(d, time.max), now) for d in ends]

    def month_of(when: Any) -> Any:
        """The index of the first month end at or after `when` (len(moments) if after them all)."""
        if not moments:
            return literal(0)
        return case(*((when <= moment, index) for index, moment in enumerate(moments)), else_=len(moments))

    # Actions added through the plan editor count from when they were added; the others (seeded or
    # imported with the plan) were there from the plan's start.
    start_month = bisect_left(moments, datetime.combine(plan.start_date, time.min))
    added = select(AuditEvent.action_id).where(AuditEvent.plan_id == plan.id, AuditEvent.kind == "action.created")
    added_month = case((Action.id.in_(added), month_of(Action.created_at)), else_=start_month)
    in_plan = Action.work_stream_id.in_(select(WorkStream.id).where(WorkStream.plan_id == plan.id))
    actions = select(added_month.label("added"), Action.status.label("status")).where(in_plan).subquery()
    status_before = AuditEvent.before["status"].as_string()
    status_after = AuditEvent.after["status"].as_string()
    changes = (
        select(
            month_of(AuditEvent.occurred_at).label("month"),
            added_month.label("added"),
            status_before.label("before"),
            status_after.label("after"),
        )
        .join(Action, Action.id == AuditEvent.action_id)
        .where(
            AuditEvent.plan_id == plan.id,
            AuditEvent.kind == "action.changed",
            status_before.is_not(None),
            status_after.is_not(None),
            in_plan,
        )
        .subquery()
    )
    by_added = db.session.execute(
        select(actions.c.added, actions.c.status, func.count()).group_by(actions.c.added, actions.c.status)
    ).all()
    undone = db.session.execute(
        select(changes.c.month, changes.c.added, changes.c.before, changes.c.after, func.count()).group_by(
            changes.c.month, changes.c.added, changes.c.before, changes.c.after
        )
    ).all()
    monthly = []
    for index, end in enumerate(ends):
        tally: Counter[str] = Counter()
        for added_in, status, n in by_added:
            if added_in <= index:
                tally[status] += n
        for month, added_in, before, after, n in undone:
            if month > index and added_in <= index:  # changed after this month end: undo it
                tally[after] -= n
                tally[before] += n
        monthly.append(TrendPoint(f"{end:%B %Y}", StatusCounts.from_pairs((s, n) for s, n in tally.items() if n)))
    return monthly


def meetings_page(plan_id: int, *, page: int = 1, per_page: int = 50) -> Page[CommitteeMeeting]:
    """The plan's committee meetings, newest first, with their baselines: a count and a page."""
    query = (
        select(CommitteeMeeting)
        .options(joinedload(CommitteeMeeting.baseline))
        .where(CommitteeMeeting.plan_id == plan_id)
        .order_by(CommitteeMeeting.meeting_date.desc(), CommitteeMeeting.id.desc())
    )
    return paging.page_of(query, page, per_page)
