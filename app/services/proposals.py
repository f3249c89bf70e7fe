"""The evidence-backed change workflow: propose, challenge, respond, approve or reject.

Every event goes through `_fire`, which asks the domain's transition table, then moves the proposal
with a guarded UPDATE on its expected state and version: of two people deciding at once exactly one
succeeds, and the other is told what happened.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import magic
from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from app.clock import today, utcnow
from app.domain import evidence as evidence_rules
from app.domain.challenges import due_date_problem
from app.domain.proposals import (
    FINAL_STATES,
    MISSING_APPROVAL_NOTE,
    NEEDS_EVIDENCE,
    NEEDS_JUSTIFICATION,
    OPEN_STATES,
    Event,
    NotYourTurn,
    State,
    TransitionRefused,
    approval_reason,
    available_events,
    check_party,
    field_labels,
    justification_words,
    missing_reason,
    next_state,
)
from app.domain.status import Status
from app.extensions import db
from app.formatting import format_date
from app.models import Action, AuditEvent, Evidence, PerformanceMeasure, Proposal, ProposalMessage
from app.policy import Actor, Permission, PermissionDenied, can, can_view_proposal, is_reviewer
from app.services import audit, challenges, notifications, paging, risks
from app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from app.services.evidence_store import store
from app.services.paging import Page
from app.services.tx import write_transaction

log = logging.getLogger(__name__)
STORAGE_DOWN = (
    "The evidence file could not be stored just now, so nothing was saved. Try again in a few minutes; if it "
    "keeps happening, tell the service desk."
)

# The kinds of message the workflow sends (app/services/mail_kinds.py offers them on the account page).
KINDS: dict[str, str] = {
    "proposal_submitted": "A proposal is submitted for review",
    "proposal_responded": "A challenge is answered and the proposal resubmitted",
    "proposal_challenged": "Your proposal is challenged",
    "proposal_rejected": "Your proposal is rejected",
    "proposal_approved": "Your proposal is approved",
    "evidence_unavailable": "An evidence file is missing or altered in the store",
}

# --- inputs ---------------------------------------------------------------------------------------------


@dataclass
class EvidenceInput:
    filename: str = ""
    data: bytes = b""
    url: str = ""
    title: str = ""
    note: str = ""

    @property
    def given(self) -> bool:
        return bool(self.filename or self.data or self.url.strip())

    @property
    def started(self) -> bool:
        return self.given or bool(self.note.strip() or self.title.strip())


@dataclass
class ProposalInput:
    """What the person typed. Values equal to the current ones are not changes."""

    values: dict[str, Any] = field(default_factory=dict)
    reasons: dict[str, str] = field(default_factory=dict)
    evidence: EvidenceInput = field(default_factory=EvidenceInput)
    target_version: int | None = None


class TargetChanged(Conflict):
    """The action changed after the proposal was made: the approver must look and confirm again."""

    def __init__(self, differences: list[tuple[str, Any, Any]], target_version: int) -> None:
        super().__init__("This action has changed since the proposal was made. Check what changed, then confirm.")
        self.differences = differences
        self.target_version = target_version


class OpenProposalExists(Conflict):
    def __init__(self, proposal_id: int) -> None:
        super().__init__("There is already an open proposal for this. Continue with that one.")
        self.proposal_id = proposal_id


# --- reading ---------------------------------------------------------------------------------------------


def _target_fields(target_type: str) -> dict[str, str]:
    return field_labels(target_type)


def snapshot(target: Action | PerformanceMeasure, target_type: str) -> dict[str, Any]:
    return {name: _jsonable(getattr(target, name)) for name in _target_fields(target_type)}


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


Target = Action | PerformanceMeasure


def get_target(target_type: str, target_id: int) -> Target:
    target: Target | None = (
        db.session.get(Action, target_id) if target_type == "action" else db.session.get(PerformanceMeasure, target_id)
    )
    if target is None:
        raise NotFound(f"No such {target_type}")
    return target


def open_proposal_for(target_type: str, target_id: int) -> Proposal | None:
    column = Proposal.action_id if target_type == "action" else Proposal.measure_id
    return db.session.scalar(
        select(Proposal).where(column == target_id, Proposal.state.in_([s.value for s in OPEN_STATES]))
    )


def get_for(actor: Actor, proposal_id: int) -> Proposal:
    proposal = db.session.scalars(
        select(Proposal)
        .options(selectinload(Proposal.evidence), selectinload(Proposal.messages))
        .where(Proposal.id == proposal_id)
    ).first()
    if proposal is None:
        raise NotFound("No such proposal")
    if not can_view_proposal(
        actor, work_stream_id=proposal.work_stream_id, state=proposal.state, author_id=proposal.author_id
    ):
        raise PermissionDenied(Permission.VIEW_INTERNAL, "You cannot see this proposal")
    return proposal


def events_for(actor: Actor, proposal: Proposal) -> list[Event]:
    """The buttons this person may press on this proposal, straight from the transition table."""
    is_author = getattr(actor, "id", None) == proposal.author_id and can(
        actor, Permission.PROPOSE_CHANGE, proposal.work_stream_id
    )
    return available_events(proposal.state_enum, is_author=is_author, is_reviewer=is_reviewer(actor))


def _review_query() -> Any:
    """The submitted proposals, oldest first, with what the queue shows of each loaded alongside."""
    return (
        select(Proposal)
        .options(
            selectinload(Proposal.author),
            selectinload(Proposal.action),
            selectinload(Proposal.measure),
            selectinload(Proposal.work_stream),
            selectinload(Proposal.evidence),
        )
        .where(Proposal.state == State.SUBMITTED.value)
        .order_by(Proposal.submitted_at, Proposal.id)
    )


def review_queue() -> list[Proposal]:
    return list(db.session.scalars(_review_query()))


REVIEW_PER_PAGE = 50


def review_queue_page(*, page: int = 1, per_page: int = 0) -> Page[Proposal]:
    """One page of `review_queue`, oldest first: a count, the page, then its authors, targets and evidence."""
    return paging.page_of(_review_query(), page, per_page or REVIEW_PER_PAGE)


def queue_count() -> int:
    return db.session.scalar(select(func.count(Proposal.id)).where(Proposal.state == State.SUBMITTED.value)) or 0


def proposals_by(actor: Actor) -> list[Proposal]:
    """The proposals this person wrote, open ones first."""
    return list(
        db.session.scalars(
            select(Proposal)
            .options(selectinload(Proposal.action), selectinload(Proposal.measure))
            .where(Proposal.author_id == actor.id)
            .order_by(Proposal.state.in_([s.value for s in FINAL_STATES]), Proposal.updated_at.desc())
        )
    )


def visible_for_target(actor: Actor, target_type: str, target_id: int) -> list[Proposal]:
    return on_target(actor, target_type, target_id).visible


@dataclass(frozen=True)
class TargetProposals:
    """An action's proposals as its page shows them: the open one, whoever may see it (while there is one,
    no other can be made), and those the person may see, newest first."""

    open: Proposal | None
    visible: list[Proposal]


def on_target(actor: Actor, target_type: str, target_id: int) -> TargetProposals:
    """`open_proposal_for` and `visible_for_target` in one query."""
    column = Proposal.action_id if target_type == "action" else Proposal.measure_id
    rows = db.session.scalars(
        select(Proposal).options(joinedload(Proposal.author)).where(column == target_id).order_by(Proposal.id.desc())
    ).all()
    open_states = {s.value for s in OPEN_STATES}
    return TargetProposals(
        open=next((p for p in rows if p.state in open_states), None),
        visible=[
            p
            for p in rows
            if can_view_proposal(actor, work_stream_id=p.work_stream_id, state=p.state, author_id=p.author_id)
        ],
    )


# --- validating ------------------------------------------------------------------------------------------


def _changes(
    target: Action | PerformanceMeasure, target_type: str, data: ProposalInput
) -> tuple[dict[str, Any], dict[str, str]]:
    """Compare what was typed with the target; return the changes and any problems."""
    labels = _target_fields(target_type)
    errors: dict[str, str] = {}
    changes: dict[str, Any] = {}
    for name, value in data.values.items():
        if name not in labels:
            continue
        current = getattr(target, name)
        if isinstance(value, str):
            value = value.replace("\r\n", "\n").strip()
        if name == "status" and value:
            if Status.parse(value) is None:
                errors["status"] = "Select COMPLETED, IN PROGRESS or STATIC"
                continue
            value = Status.parse(value).value  # type: ignore[union-attr]
        if value in (None, ""):
            continue  # a blank field keeps what is there: clearing a narrative is not an update
        if value == current or (value == "" and current in (None, "")):
            continue
        if name == "deadline" and isinstance(value, date) and value < today():
            errors["deadline"] = "The new deadline must be today or in the future"
            continue
        reason = (data.reasons.get(name) or "").strip()
        if name in NEEDS_JUSTIFICATION and not reason:
            errors[f"{name}_reason"] = missing_reason(name, labels[name])
            continue
        changes[name] = {"from": _jsonable(current), "to": _jsonable(value), "reason": reason}
    return changes, errors


def _inspect_evidence(
    item: EvidenceInput, *, required: bool, field_prefix: str = "evidence"
) -> tuple[dict[str, str], str | None]:
    errors: dict[str, str] = {}
    content_type = None
    if not item.given:
        if required:
            errors[f"{field_prefix}_file"] = "Add evidence: choose a file or give a link, and say what it shows"
        elif item.started:
            errors[f"{field_prefix}_file"] = "Choose a file or give a link for this evidence"
        return errors, None
    if item.filename and item.url.strip():
        errors[f"{field_prefix}_url"] = "Give either a file or a link for each piece of evidence, not both"
    if item.filename:
        detected = magic.from_buffer(item.data[:65536], mime=True) if item.data else ""
        verdict = evidence_rules.judge(item.filename, item.data, detected)
        if verdict.problem:
            errors[f"{field_prefix}_file"] = verdict.problem
        content_type = verdict.content_type
    elif item.url.strip():
        problem = evidence_rules.link_problem(item.url)
        if problem:
            errors[f"{field_prefix}_url"] = problem
    if not item.note.strip():
        errors[f"{field_prefix}_note"] = "Say what the evidence shows"
    elif len(item.note) > 2000:
        errors[f"{field_prefix}_note"] = "What the evidence shows must be 2,000 characters or fewer"
    return errors, content_type


def _stored(data: bytes) -> str:
    """The file's storage key; a store that refuses it (a full disk, an unreachable bucket) is a clear message."""
    try:
        return store().save(data)
    except OSError:
        log.exception("The evidence store refused a file")
        raise ServiceError(STORAGE_DOWN) from None


def _save_evidence(
    actor: Actor, proposal: Proposal, item: EvidenceInput, content_type: str | None, *, submitted: bool
) -> Evidence:
    if item.filename:
        data = item.data
        evidence = Evidence(
            proposal=proposal,
            uploaded_by_id=actor.id,
            kind="file",
            title=(item.title.strip() or item.filename)[:255],
            note=item.note.strip(),
            storage_key=_stored(data),
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            submitted_at=utcnow() if submitted else None,
        )
    else:
        evidence = Evidence(
            proposal=proposal,
            uploaded_by_id=actor.id,
            kind="link",
            title=(item.title.strip() or item.url.strip())[:255],
            note=item.note.strip(),
            url=item.url.strip(),
            submitted_at=utcnow() if submitted else None,
        )
    db.session.add(evidence)
    db.session.flush()
    audit.record(
        actor,
        "evidence.added",
        f"Evidence “{evidence.title}” added to the proposal for {proposal.target_label}",
        object_type="evidence",
        object_id=evidence.id,
        plan_id=proposal.work_stream.plan_id,
        work_stream_id=proposal.work_stream_id,
        action_id=proposal.action_id,
        after={
            "title": evidence.title,
            "kind": evidence.kind,
            "sha256": evidence.sha256,
            "size": evidence.size,
            "content_type": evidence.content_type,
            "url": evidence.url,
            "note": evidence.note,
        },
    )
    return evidence


def _evidence_also_missing(changes: dict[str, Any], errors: dict[str, str], *, has_evidence: bool) -> dict[str, str]:
    """When a form is sent back anyway, say at once that a status change or flag needs evidence too, not later."""
    wanted = {name for name in NEEDS_EVIDENCE if name in changes or f"{name}_reason" in errors}
    if not wanted or has_evidence or "evidence_file" in errors:
        return {}
    what = "status change" if "status" in wanted else "flag"
    return {"evidence_file": f"Add evidence for the {what}: choose a file or give a link, and say what it shows"}


def _check_submittable(proposal: Proposal) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not proposal.changes:
        errors["status"] = "Propose at least one change: a new status, an updated narrative or another field"
    if NEEDS_EVIDENCE & set(proposal.changes) and not proposal.evidence:
        what = "status change" if "status" in proposal.changes else "flag"
        errors["evidence_file"] = f"Add evidence for the {what}: choose a file or give a link, and say what it shows"
    deadline = proposal.changes.get("deadline", {}).get("to")
    if deadline and date.fromisoformat(deadline) < today():
        errors["deadline"] = "The new deadline must be today or in the future"
    return errors


# --- events ----------------------------------------------------------------------------------------------


def _require_author_rights(actor: Actor, work_stream_id: int) -> None:
    if not can(actor, Permission.PROPOSE_CHANGE, work_stream_id):
        raise PermissionDenied(Permission.PROPOSE_CHANGE, "You can only propose updates in the work streams you run")


def _fire(actor: Actor, proposal: Proposal, event: Event, expected_version: int, **values: Any) -> State:
    """Move the proposal along the table, guarded on its state and version; exactly one concurrent caller wins."""
    state = proposal.state_enum
    is_author = actor.id == proposal.author_id
    _check_party(actor, proposal, event)
    if is_author:
        _require_author_rights(actor, proposal.work_stream_id)
    if state in FINAL_STATES:
        raise Conflict(_already_decided(proposal))
    try:
        new_state = next_state(state, event, is_author=is_author, is_reviewer=is_reviewer(actor))
    except TransitionRefused as refused:
        raise ServiceError(refused.message) from refused
    if expected_version != proposal.version:
        raise Conflict(_stale_message(proposal))
    result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]  # an UPDATE's result has rowcount
        update(Proposal)
        .where(Proposal.id == proposal.id, Proposal.state == state.value, Proposal.version == expected_version)
        .values(state=new_state.value, version=Proposal.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        fresh = db.session.get(Proposal, proposal.id)
        raise Conflict(
            _already_decided(fresh) if fresh and fresh.state_enum in FINAL_STATES else _stale_message(proposal)
        )
    db.session.refresh(proposal)
    return new_state


def _already_decided(proposal: Proposal) -> str:
    who = f" by {proposal.decided_by.name}" if proposal.decided_by else ""
    return (
        f"This proposal has already been decided: it was {proposal.state_enum.label.lower()}{who}. Nothing was changed."
    )


def _stale_message(proposal: Proposal) -> str:
    return (
        "This proposal changed while you had it open (someone else acted on it, or the form was sent twice). "
        "Nothing was changed. Reload the page to see where it stands."
    )


def _event_audit(actor: Actor, proposal: Proposal, kind: str, summary: str, **kwargs: Any) -> None:
    audit.record(
        actor,
        kind,
        summary,
        object_type="proposal",
        object_id=proposal.id,
        plan_id=proposal.work_stream.plan_id,
        work_stream_id=proposal.work_stream_id,
        action_id=proposal.action_id,
        **kwargs,
    )


def create(actor: Actor, target_type: str, target_id: int, data: ProposalInput, *, submit: bool = False) -> Proposal:
    """Start a proposal (and optionally submit it) in one transaction."""
    with write_transaction():
        proposal = create_in_transaction(actor, target_type, target_id, data, submit=submit)
    return proposal


def create_in_transaction(
    actor: Actor, target_type: str, target_id: int, data: ProposalInput, *, submit: bool = False
) -> Proposal:
    """`create` in the caller's transaction: the checklist workbook drafts every changed row, all or nothing."""
    target = get_target(target_type, target_id)
    work_stream_id = target.work_stream_id
    _require_author_rights(actor, work_stream_id)
    if isinstance(target, Action) and target.is_retired:
        raise ServiceError(
            "This action has been retired: it needs no further progress. Ask the project manager to un-retire it first."
        )
    existing = open_proposal_for(target_type, target_id)
    if existing is not None:
        raise OpenProposalExists(existing.id)
    if data.target_version is not None and data.target_version != target.version:
        raise ValidationFailed({"status": _target_moved_message(target_type)})
    changes, errors = _changes(target, target_type, data)
    evidence_errors, content_type = _inspect_evidence(data.evidence, required=False)
    errors.update(evidence_errors)
    if submit and errors:
        errors.update(_evidence_also_missing(changes, errors, has_evidence=data.evidence.given))
    if not changes and not errors:
        errors["status"] = "Propose at least one change: a new status, an updated narrative or another field"
    if errors:
        raise ValidationFailed(errors)
    proposal = Proposal(
        target_type=target_type,
        action_id=target.id if target_type == "action" else None,
        measure_id=target.id if target_type == "measure" else None,
        work_stream_id=work_stream_id,
        author_id=actor.id,
        state=State.DRAFT.value,
        changes=changes,
        base=snapshot(target, target_type),
        base_version=target.version,
    )
    db.session.add(proposal)
    try:
        db.session.flush()
    except IntegrityError as race:
        db.session.rollback()
        existing = open_proposal_for(target_type, target_id)
        raise OpenProposalExists(existing.id if existing else 0) from race
    _event_audit(
        actor,
        proposal,
        "proposal.created",
        f"{actor.name} drafted a proposal for {proposal.target_label}",
        after=changes,
    )
    if data.evidence.given:
        _save_evidence(actor, proposal, data.evidence, content_type, submitted=False)
    if submit:
        _submit(actor, proposal, proposal.version)
    return proposal


def _target_moved_message(target_type: str) -> str:
    return (
        f"This {target_type} was changed by someone else while you were writing. The current values are shown below "
        "and your text has been kept: check it still makes sense, then save again."
    )


def edit(
    actor: Actor, proposal_id: int, expected_version: int, data: ProposalInput, *, submit: bool = False
) -> Proposal:
    with write_transaction():
        proposal = _load(proposal_id)
        if actor.id != proposal.author_id:
            raise PermissionDenied(Permission.PROPOSE_CHANGE, "Only the person who wrote this proposal can change it")
        _require_author_rights(actor, proposal.work_stream_id)
        if proposal.state_enum is State.CHALLENGED:
            raise ServiceError("Respond to the challenge instead of editing: your answer resubmits the proposal")
        target = proposal.target
        changes, errors = _changes(target, proposal.target_type, data)
        evidence_errors, content_type = _inspect_evidence(data.evidence, required=False)
        errors.update(evidence_errors)
        if submit and errors:
            has_evidence = data.evidence.given or bool(proposal.evidence)
            errors.update(_evidence_also_missing(changes, errors, has_evidence=has_evidence))
        if errors:
            raise ValidationFailed(errors)
        before = dict(proposal.changes)
        _fire(
            actor,
            proposal,
            Event.EDIT,
            expected_version,
            changes=changes,
            base=snapshot(target, proposal.target_type),
            base_version=target.version,
        )
        _event_audit(
            actor,
            proposal,
            "proposal.edited",
            f"{actor.name} edited the draft proposal for {proposal.target_label}",
            before=before,
            after=changes,
        )
        if data.evidence.given:
            _save_evidence(actor, proposal, data.evidence, content_type, submitted=False)
        if submit:
            _submit(actor, proposal, proposal.version)
    return proposal


def _load(proposal_id: int) -> Proposal:
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal")
    return proposal


def _submit(actor: Actor, proposal: Proposal, expected_version: int) -> None:
    errors = _check_submittable(proposal)
    if errors:
        raise ValidationFailed(errors)
    _fire(actor, proposal, Event.SUBMIT, expected_version, submitted_at=utcnow())
    for item in proposal.evidence:
        item.submitted_at = item.submitted_at or utcnow()
    _event_audit(
        actor,
        proposal,
        "proposal.submitted",
        f"{actor.name} submitted a proposal for {proposal.target_label}",
        after=proposal.changes,
    )
    notifications.notify_reviewers(
        f"{actor.name} submitted a proposal for {proposal.target_label}",
        proposal.id,
        exclude=actor.id,
        kind="proposal_submitted",
    )


def submit(actor: Actor, proposal_id: int, expected_version: int) -> Proposal:
    with write_transaction():
        proposal = _load(proposal_id)
        _submit(actor, proposal, expected_version)
    return proposal


def withdraw(actor: Actor, proposal_id: int, expected_version: int) -> Proposal:
    with write_transaction():
        proposal = _load(proposal_id)
        _fire(actor, proposal, Event.WITHDRAW, expected_version, decided_at=utcnow())
        challenges.record_outcome(proposal, State.WITHDRAWN)
        _event_audit(
            actor, proposal, "proposal.withdrawn", f"{actor.name} withdrew the proposal for {proposal.target_label}"
        )
    return proposal


def challenge(
    actor: Actor,
    proposal_id: int,
    expected_version: int,
    question: str,
    *,
    more_evidence: bool = False,
    due_on: date | None = None,
) -> Proposal:
    """Send the proposal back with a question, to be answered by `due_on` (10 working days if not given)."""
    question = question.strip()
    with write_transaction():
        proposal = _load(proposal_id)
        errors: dict[str, str] = {}
        if not question:
            errors["question"] = "Enter the question the service manager must answer"
        problem = due_date_problem(due_on, today()) if due_on is not None else None
        if problem:
            errors["due_on"] = problem
        if errors:
            _fire_check_only(actor, proposal, Event.CHALLENGE)
            raise ValidationFailed(errors)
        _fire(actor, proposal, Event.CHALLENGE, expected_version, evidence_required=more_evidence)
        message = ProposalMessage(proposal_id=proposal.id, author_id=actor.id, kind="challenge", body=question)
        db.session.add(message)
        logged = challenges.raise_challenge(actor, proposal, message, due_on)
        _event_audit(
            actor,
            proposal,
            "proposal.challenged",
            f"{actor.name} challenged the proposal for {proposal.target_label}",
            reason=question,
            after={"more_evidence_required": more_evidence, "due_on": logged.due_on.isoformat()},
        )
        notifications.notify(
            proposal.author_id,
            f"{actor.name} challenged your proposal for {proposal.target_label}: "
            f"please answer by {format_date(logged.due_on)}",
            proposal.id,
            kind="proposal_challenged",
        )
    return proposal


def _check_party(actor: Actor, proposal: Proposal, event: Event) -> None:
    try:
        check_party(
            proposal.state_enum, event, is_author=actor.id == proposal.author_id, is_reviewer=is_reviewer(actor)
        )
    except NotYourTurn as refused:
        raise PermissionDenied(Permission.REVIEW_PROPOSAL, refused.message) from refused


def _fire_check_only(actor: Actor, proposal: Proposal, event: Event) -> None:
    """Refuse people who may not fire the event before telling them their input was incomplete."""
    _check_party(actor, proposal, event)
    if proposal.state_enum in FINAL_STATES:
        raise Conflict(_already_decided(proposal))
    try:
        next_state(proposal.state_enum, event, is_author=actor.id == proposal.author_id, is_reviewer=is_reviewer(actor))
    except TransitionRefused as refused:
        raise ServiceError(refused.message) from refused


def respond(actor: Actor, proposal_id: int, expected_version: int, answer: str, evidence: EvidenceInput) -> Proposal:
    answer = answer.strip()
    with write_transaction():
        proposal = _load(proposal_id)
        if proposal.state_enum is State.CHALLENGED and actor.id == proposal.author_id:
            _require_author_rights(actor, proposal.work_stream_id)  # a demoted author is refused, not corrected
            errors: dict[str, str] = {}
            if not answer:
                errors["answer"] = "Enter your answer to the challenge"
            evidence_errors, content_type = _inspect_evidence(evidence, required=proposal.evidence_required)
            errors.update(evidence_errors)
            if errors:
                raise ValidationFailed(errors)
        else:
            content_type = None
        _fire(actor, proposal, Event.RESPOND, expected_version, submitted_at=utcnow(), evidence_required=False)
        response = ProposalMessage(proposal_id=proposal.id, author_id=actor.id, kind="response", body=answer)
        db.session.add(response)
        challenges.record_answer(proposal, response)
        if evidence.given:
            _save_evidence(actor, proposal, evidence, content_type, submitted=True)
        _event_audit(
            actor,
            proposal,
            "proposal.responded",
            f"{actor.name} answered the challenge and resubmitted the proposal for {proposal.target_label}",
            reason=answer,
        )
        notifications.notify_reviewers(
            f"{actor.name} answered your challenge on {proposal.target_label}",
            proposal.id,
            exclude=actor.id,
            kind="proposal_responded",
        )
    return proposal


def reject(actor: Actor, proposal_id: int, expected_version: int, reason: str) -> Proposal:
    reason = reason.strip()
    with write_transaction():
        proposal = _load(proposal_id)
        if not reason:
            _fire_check_only(actor, proposal, Event.REJECT)
            raise ValidationFailed({"reason": "Enter the reason for rejecting the proposal"})
        _fire(actor, proposal, Event.REJECT, expected_version, decided_at=utcnow(), decided_by_id=actor.id)
        db.session.add(ProposalMessage(proposal_id=proposal.id, author_id=actor.id, kind="rejection", body=reason))
        challenges.record_outcome(proposal, State.REJECTED)
        _event_audit(
            actor,
            proposal,
            "proposal.rejected",
            f"{actor.name} rejected the proposal for {proposal.target_label}",
            reason=reason,
        )
        notifications.notify(
            proposal.author_id,
            f"{actor.name} rejected your proposal for {proposal.target_label}",
            proposal.id,
            kind="proposal_rejected",
        )
    return proposal


def differences_since_proposed(proposal: Proposal) -> list[tuple[str, Any, Any]]:
    """Fields of the target that changed after the proposal was made: (label, then, now)."""
    target = proposal.target
    labels = _target_fields(proposal.target_type)
    now = snapshot(target, proposal.target_type)
    return [
        (labels[name], proposal.base.get(name), now[name]) for name in labels if proposal.base.get(name) != now[name]
    ]


def approve(
    actor: Actor,
    proposal_id: int,
    expected_version: int,
    *,
    confirmed_target_version: int | None = None,
    note: str = "",
) -> Proposal:
    """Apply the change to the action or measure, bump its version and write the audit record: one transaction.

    The approver's note is required: with the author's justification it is the change's "why" in the trail.
    """
    note = note.strip()
    with write_transaction():
        proposal = _load(proposal_id)
        target = proposal.target
        if not note:
            _fire_check_only(actor, proposal, Event.APPROVE)
            raise ValidationFailed({"note": MISSING_APPROVAL_NOTE})
        if proposal.state_enum is State.SUBMITTED and actor.id != proposal.author_id and is_reviewer(actor):
            if target.version != proposal.base_version and confirmed_target_version != target.version:
                raise TargetChanged(differences_since_proposed(proposal), target.version)
        _fire(actor, proposal, Event.APPROVE, expected_version, decided_at=utcnow(), decided_by_id=actor.id)
        before = snapshot(target, proposal.target_type)
        for name, change in proposal.changes.items():
            value = change["to"]
            if name == "deadline" and value:
                value = date.fromisoformat(value)
            setattr(target, name, value)
        target.updated_at = utcnow()
        try:
            db.session.flush()
        except StaleDataError as race:
            raise Conflict(
                "Someone changed this action at the same moment. Nothing was changed; reload and try again."
            ) from race
        db.session.add(ProposalMessage(proposal_id=proposal.id, author_id=actor.id, kind="approval", body=note))
        challenges.record_outcome(proposal, State.APPROVED)
        after = snapshot(target, proposal.target_type)
        changed = {k: before[k] for k in proposal.changes}
        audit.record(
            actor,
            f"{proposal.target_type}.changed",
            approval_summary(proposal, actor),
            object_type=proposal.target_type,
            object_id=target.id,
            plan_id=proposal.work_stream.plan_id,
            work_stream_id=proposal.work_stream_id,
            action_id=proposal.action_id,
            before=changed,
            after={k: after[k] for k in proposal.changes} | {"proposal_id": proposal.id},
            reason=approval_reason(justification_words(_target_fields(proposal.target_type), proposal.changes), note),
        )
        if proposal.action is not None:
            risks.reevaluate(proposal.action)  # the register follows the approved change, in this transaction
        notifications.notify(
            proposal.author_id,
            f"{actor.name} approved your proposal for {proposal.target_label}",
            proposal.id,
            kind="proposal_approved",
        )
    return proposal


def approval_summary(proposal: Proposal, approver: Actor) -> str:
    """One readable line: what changed, who proposed it, who approved it and when, and the evidence by title."""
    labels = _target_fields(proposal.target_type)
    parts = []
    for name, change in proposal.changes.items():
        if name == "status":
            parts.append(f"Status changed from {Status(change['from']).label} to {Status(change['to']).label}")
        elif name == "deadline":
            parts.append(f"Deadline moved from {_date_words(change['from'])} to {_date_words(change['to'])}")
        elif name == "at_risk":
            parts.append(
                "Flagged as in danger of missing its deadline"
                if change["to"]
                else "No longer flagged as in danger of missing its deadline"
            )
        else:
            parts.append(f"{labels[name]} updated")
    proposed_on = format_date(proposal.submitted_at or proposal.created_at)
    evidence = "; ".join(f"“{e.title}”" for e in proposal.evidence)
    line = (
        f"{'. '.join(parts)}. Proposed by {proposal.author.name} on {proposed_on}, "
        f"approved by {approver.name} on {format_date(utcnow())}."
    )
    if evidence:
        line += f" Evidence: {evidence}."
    return line


def _date_words(value: str | None) -> str:
    if not value:
        return "none"
    return format_date(date.fromisoformat(value))


# --- evidence downloads ----------------------------------------------------------------------------------


def evidence_for_download(actor: Actor, evidence_id: int) -> tuple[Evidence, bytes]:
    evidence = db.session.get(Evidence, evidence_id)
    if evidence is None or evidence.kind != "file" or not evidence.storage_key:
        raise NotFound("No such evidence file")
    proposal = evidence.proposal
    if not can_view_proposal(
        actor, work_stream_id=proposal.work_stream_id, state=proposal.state, author_id=proposal.author_id
    ):
        raise PermissionDenied(Permission.VIEW_INTERNAL, "You cannot download this evidence")
    try:
        data: bytes | None = store().load(evidence.storage_key)
    except (OSError, ValueError):  # gone from the disk or the database, or a storage key the store refuses
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != evidence.sha256:
        _report_unavailable(actor, evidence, missing=data is None)
        raise EvidenceUnavailable(missing=data is None)
    return evidence, data


class EvidenceUnavailable(ServiceError):
    """The stored file is missing, or no longer matches the checksum taken at upload: it is never sent."""

    def __init__(self, *, missing: bool) -> None:
        self.missing = missing
        if missing:
            message = "This evidence file cannot be found in the store, so it cannot be sent."
        else:
            message = "This file does not match the checksum recorded when it was uploaded. It has not been sent."
        super().__init__(f"{message} The project manager has been told.")


def _report_unavailable(actor: Actor, evidence: Evidence, *, missing: bool) -> None:
    """An audit record of every attempt; a notice to the reviewers the first time, so they can restore it."""
    problem = "missing" if missing else "altered"
    proposal = evidence.proposal
    with write_transaction():
        seen_before = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.kind == "evidence.unavailable",
                AuditEvent.object_type == "evidence",
                AuditEvent.object_id == evidence.id,
            )
        )
        audit.record(
            actor,
            "evidence.unavailable",
            f"Evidence file “{evidence.title}” could not be sent: it is {problem}",
            object_type="evidence",
            object_id=evidence.id,
            plan_id=proposal.work_stream.plan_id,
            work_stream_id=proposal.work_stream_id,
            action_id=proposal.action_id,
            after={"problem": problem, "sha256": evidence.sha256, "storage_key": evidence.storage_key},
        )
        if not seen_before:
            notifications.notify_reviewers(
                f"The evidence file “{evidence.title}” for {proposal.target_label} is {problem} in the store. "
                "Restore it from the backup, or ask for it again.",
                proposal.id,
                kind="evidence_unavailable",
            )


def approved_evidence_for_action(action_id: int) -> list[Evidence]:
    """Titles and notes of evidence behind approved changes: what committee members may see (never the files)."""
    return list(
        db.session.scalars(
            select(Evidence)
            .join(Proposal, Proposal.id == Evidence.proposal_id)
            .where(Proposal.action_id == action_id, Proposal.state == State.APPROVED.value)
            .order_by(Evidence.id)
        )
    )
