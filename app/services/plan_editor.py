"""The project manager's plan editor: add and reword actions and measures, move deadlines, reassign owners,
retire and un-retire, add work streams. Every edit needs a justification and leaves an audit record.

Status is not edited here: it changes only through an approved, evidence-backed proposal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from app.clock import today, utcnow
from app.domain.status import Status
from app.extensions import db
from app.formatting import format_iso_date
from app.models import Action, PerformanceMeasure, Plan, User, WorkStream
from app.policy import Actor, Permission, require_as, role_has, roles_with
from app.services import audit, risks
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.tx import write_transaction

ACTION_EDITABLE = ("title", "measures_and_milestones", "key_targets", "deadline", "owner_id")
MEASURE_EDITABLE = ("description", "target")

M = TypeVar("M", Action, PerformanceMeasure, Plan, WorkStream)


@dataclass
class ActionDraft:
    title: str = ""
    measures_and_milestones: str = ""
    key_targets: str = ""
    deadline: date | None = None
    owner_id: int | None = None
    reference: str = ""
    progress: str = ""


def possible_owners() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.active.is_(True), User.role.in_(roles_with(Permission.OWN_ACTIONS)))
            .order_by(User.name)
        )
    )


def _get(model: type[M], item_id: int, what: str) -> M:
    item = db.session.get(model, item_id)
    if item is None:
        raise NotFound(f"No such {what}")
    return item


def _reason(reason: str, errors: dict[str, str]) -> str:
    reason = reason.strip()
    if not reason:
        errors["reason"] = "Explain why this change is being made: it is shown to the committee"
    return reason


def _check_action_fields(draft: ActionDraft, errors: dict[str, str], *, deadline_changed: bool) -> None:
    if not draft.title.strip():
        errors["title"] = "Enter a short title for the action"
    elif len(draft.title) > 200:
        errors["title"] = "Title must be 200 characters or fewer"
    if draft.deadline is not None and deadline_changed and draft.deadline < today():
        errors["deadline"] = "The deadline must be today or in the future"
    if draft.owner_id is not None:
        owner = db.session.get(User, draft.owner_id)
        if owner is None or not owner.active or not role_has(owner.role, Permission.OWN_ACTIONS):
            errors["owner_id"] = "Select an owner from the list"


def _action_state(action: Action) -> dict[str, Any]:
    return {
        "reference": action.reference,
        "title": action.title,
        "measures_and_milestones": action.measures_and_milestones,
        "key_targets": action.key_targets,
        "deadline": action.deadline.isoformat() if action.deadline else None,
        "owner": action.owner.name if action.owner else None,
        "status": action.status,
        "retired_on": action.retired_on.isoformat() if action.retired_on else None,
    }


def add_action(actor: Actor, work_stream_id: int, draft: ActionDraft, reason: str) -> Action:
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        ws = _get(WorkStream, work_stream_id, "work stream")
        errors: dict[str, str] = {}
        reason = _reason(reason, errors)
        _check_action_fields(draft, errors, deadline_changed=True)
        reference = draft.reference.strip() or _next_reference(ws)
        clash = db.session.scalar(
            select(Action.id).where(Action.work_stream_id == ws.id, Action.reference == reference)
        )
        if clash:
            errors["reference"] = f"Action {reference} already exists in this work stream"
        if errors:
            raise ValidationFailed(errors)
        position = (db.session.scalar(select(func.max(Action.position)).where(Action.work_stream_id == ws.id)) or 0) + 1
        action = Action(
            work_stream_id=ws.id,
            reference=reference,
            position=position,
            title=draft.title.strip(),
            measures_and_milestones=draft.measures_and_milestones.strip(),
            key_targets=draft.key_targets.strip(),
            progress=draft.progress.strip(),
            deadline=draft.deadline,
            owner_id=draft.owner_id,
            status=Status.IN_PROGRESS.value,
        )
        db.session.add(action)
        db.session.flush()
        audit.record(
            actor,
            "action.created",
            f"Action {reference} “{action.title}” added to work stream {ws.roman}",
            object_type="action",
            object_id=action.id,
            plan_id=ws.plan_id,
            work_stream_id=ws.id,
            action_id=action.id,
            after=_action_state(action),
            reason=reason,
        )
        risks.reevaluate(action)  # the register follows the edit, in this transaction
    return action


def _next_reference(ws: WorkStream) -> str:
    numbers = []
    for ref in db.session.scalars(select(Action.reference).where(Action.work_stream_id == ws.id)):
        tail = ref.rsplit(".", 1)[-1]
        if tail.isdigit():
            numbers.append(int(tail))
    return f"{ws.number}.{max(numbers, default=0) + 1}"


def edit_action(actor: Actor, action_id: int, expected_version: int, draft: ActionDraft, reason: str) -> Action:
    with write_transaction():
        action = _action_to_change(actor, action_id, expected_version)
        errors: dict[str, str] = {}
        reason = _reason(reason, errors)
        _check_action_fields(draft, errors, deadline_changed=draft.deadline != action.deadline)
        if errors:
            raise ValidationFailed(errors)
        before = _action_state(action)
        action.title = draft.title.strip()
        action.measures_and_milestones = draft.measures_and_milestones.strip()
        action.key_targets = draft.key_targets.strip()
        action.deadline = draft.deadline
        action.owner_id = draft.owner_id
        db.session.flush()
        db.session.refresh(action, ["owner"])
        after = _action_state(action)
        changed = [k for k in before if before[k] != after[k]]
        if not changed:
            raise ValidationFailed({"title": "Nothing has changed. Change a field, or cancel."})
        _save(action)
        audit.record(
            actor,
            "action.edited",
            _edit_summary(action, before, after, changed),
            object_type="action",
            object_id=action.id,
            plan_id=action.work_stream.plan_id,
            work_stream_id=action.work_stream_id,
            action_id=action.id,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            reason=reason,
        )
        risks.reevaluate(action)  # the register follows the edit, in this transaction
    return action


def _action_to_change(actor: Actor, action_id: int, expected_version: int) -> Action:
    """The action, if this person may edit the plan and nobody changed it since their form was drawn."""
    require_as(actor, Permission.EDIT_PLAN)
    action = _get(Action, action_id, "action")
    if action.version != expected_version:
        raise Conflict(_moved(action))
    return action


def _save(item: Action | PerformanceMeasure) -> None:
    item.updated_at = utcnow()
    try:
        db.session.flush()
    except StaleDataError as race:
        raise Conflict("Someone changed this at the same moment. Nothing was saved; reload and try again.") from race


LABELS = {
    "title": "title",
    "measures_and_milestones": "performance measures and milestones",
    "key_targets": "key targets",
    "deadline": "deadline",
    "owner": "owner",
    "description": "wording",
    "target": "target",
}


def _edit_summary(action: Action, before: dict[str, Any], after: dict[str, Any], changed: list[str]) -> str:
    parts = []
    for name in changed:
        if name == "deadline":
            was, now = format_iso_date(before[name]) or "none set", format_iso_date(after[name]) or "none set"
            parts.append(f"deadline moved from {was} to {now}")
        elif name == "owner":
            parts.append(f"owner changed from {before[name] or 'nobody'} to {after[name] or 'nobody'}")
        else:
            parts.append(f"{LABELS.get(name, name)} reworded")
    text = "; ".join(parts)
    return f"Action {action.reference}: {text[0].upper()}{text[1:]} by the project manager."


def _moved(item: Action | PerformanceMeasure) -> str:
    return (
        "This was changed by someone else while you were editing. Nothing was saved. "
        "The current values are shown: make your change again."
    )


def set_retired(actor: Actor, action_id: int, expected_version: int, retired: bool, reason: str) -> Action:
    with write_transaction():
        action = _action_to_change(actor, action_id, expected_version)
        errors: dict[str, str] = {}
        reason = _reason(reason, errors)
        if retired and action.status != Status.COMPLETED.value:
            errors["retire"] = "Only a COMPLETED action can be retired"
        if retired == action.is_retired:
            errors["retire"] = "This action is already retired" if retired else "This action is not retired"
        if errors:
            raise ValidationFailed(errors)
        before = _action_state(action)
        action.retired_on = today() if retired else None
        _save(action)
        word = "retired" if retired else "un-retired"
        audit.record(
            actor,
            f"action.{'retired' if retired else 'unretired'}",
            f"Action {action.reference} {word}: "
            f"{'no further progress is needed' if retired else 'back in the live action plan'}.",
            object_type="action",
            object_id=action.id,
            plan_id=action.work_stream.plan_id,
            work_stream_id=action.work_stream_id,
            action_id=action.id,
            before={"retired_on": before["retired_on"]},
            after={"retired_on": _action_state(action)["retired_on"]},
            reason=reason,
        )
        risks.reevaluate(action)  # the register follows the edit, in this transaction
    return action


def add_work_stream(actor: Actor, plan_id: int, title: str, reason: str) -> WorkStream:
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        plan = _get(Plan, plan_id, "plan")
        errors: dict[str, str] = {}
        reason = _reason(reason, errors)
        if not title.strip():
            errors["title"] = "Enter the work stream's title"
        elif db.session.scalar(
            select(WorkStream.id).where(
                WorkStream.plan_id == plan.id, func.lower(WorkStream.title) == title.strip().lower()
            )
        ):
            errors["title"] = "There is already a work stream with this title"
        if errors:
            raise ValidationFailed(errors)
        number = (db.session.scalar(select(func.max(WorkStream.number)).where(WorkStream.plan_id == plan.id)) or 0) + 1
        ws = WorkStream(plan_id=plan.id, number=number, title=title.strip())
        db.session.add(ws)
        db.session.flush()
        audit.record(
            actor,
            "work_stream.created",
            f"Work stream {ws.roman} “{ws.title}” added to the plan",
            object_type="work_stream",
            object_id=ws.id,
            plan_id=plan.id,
            work_stream_id=ws.id,
            after={"number": number, "title": ws.title},
            reason=reason,
        )
    return ws


def add_measure(
    actor: Actor, work_stream_id: int, *, reference: str, description: str, target: str, checkpoint: int, reason: str
) -> PerformanceMeasure:
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        ws = _get(WorkStream, work_stream_id, "work stream")
        errors: dict[str, str] = {}
        reason = _reason(reason, errors)
        if not description.strip():
            errors["description"] = "Enter the projected outcome"
        if checkpoint not in (6, 12):
            errors["checkpoint"] = "Select 6 months or 12 months"
        reference = reference.strip() or f"{ws.number}.M{len(ws.measures) // 2 + 1}"
        if db.session.scalar(
            select(PerformanceMeasure.id).where(
                PerformanceMeasure.work_stream_id == ws.id,
                PerformanceMeasure.reference == reference,
                PerformanceMeasure.checkpoint == checkpoint,
            )
        ):
            errors["reference"] = f"Measure {reference} at {checkpoint} months already exists"
        if errors:
            raise ValidationFailed(errors)
        position = (
            db.session.scalar(
                select(func.max(PerformanceMeasure.position)).where(PerformanceMeasure.work_stream_id == ws.id)
            )
            or 0
        ) + 1
        measure = PerformanceMeasure(
            work_stream_id=ws.id,
            reference=reference,
            position=position,
            description=description.strip(),
            checkpoint=checkpoint,
            target=target.strip(),
            status=Status.IN_PROGRESS.value,
        )
        db.session.add(measure)
        db.session.flush()
        audit.record(
            actor,
            "measure.created",
            f"Performance measure {reference} ({checkpoint} months) added to work stream {ws.roman}",
            object_type="measure",
            object_id=measure.id,
            plan_id=ws.plan_id,
            work_stream_id=ws.id,
            after={
                "reference": reference,
                "description": measure.description,
                "target": measure.target,
                "checkpoint": checkpoint,
            },
            reason=reason,
        )
    return measure


def edit_measure(
    actor: Actor, measure_id: int, expected_version: int, *, description: str, target: str, reason: str
) -> PerformanceMeasure:
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        measure = _get(PerformanceMeasure, measure_id, "performance measure")
        if measure.version != expected_version:
            raise Conflict(_moved(measure))
        errors: dict[str, str] = {}
        reason = _reason(reason, errors)
        if not description.strip():
            errors["description"] = "Enter the projected outcome"
        before = {"description": measure.description, "target": measure.target}
        after = {"description": description.strip(), "target": target.strip()}
        if before == after and not errors:
            errors["description"] = "Nothing has changed. Change a field, or cancel."
        if errors:
            raise ValidationFailed(errors)
        measure.description, measure.target = after["description"], after["target"]
        _save(measure)
        changed = [k for k in before if before[k] != after[k]]
        audit.record(
            actor,
            "measure.edited",
            f"Performance measure {measure.reference} ({measure.checkpoint} months): "
            + " and ".join(f"{LABELS[k]} reworded" for k in changed)
            + " by the project manager.",
            object_type="measure",
            object_id=measure.id,
            plan_id=measure.work_stream.plan_id,
            work_stream_id=measure.work_stream_id,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            reason=reason,
        )
    return measure


def make_current(actor: Actor, plan_id: int, reason: str) -> Plan:
    """The plan every page shows by default: one at a time, changed on purpose and on the record."""
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        plan = _get(Plan, plan_id, "plan")
        errors: dict[str, str] = {}
        reason = _reason(reason, errors)
        if plan.is_current:
            errors["reason"] = "This is already the current plan"
        if errors:
            raise ValidationFailed(errors)
        previous = db.session.scalar(select(Plan).where(Plan.is_current.is_(True)))
        for other in db.session.scalars(select(Plan).where(Plan.is_current.is_(True))):
            other.is_current = False
        db.session.flush()
        plan.is_current = True
        audit.record(
            actor,
            "plan.made_current",
            f"“{plan.title}” is now the current plan",
            object_type="plan",
            object_id=plan.id,
            plan_id=plan.id,
            before={"current": previous.title if previous else None},
            after={"current": plan.title},
            reason=reason,
        )
    return plan
