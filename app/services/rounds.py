"""The monthly update round: every service manager updates each of their unfinished actions by a due date.

The project manager opens a round for a month. Every unfinished action, and every unfinished measure at the
plan's reporting checkpoint, becomes an item on its service manager's checklist (a `RoundItem`). An item is
done when a proposal for it is submitted during the round (read from the proposals, never copied), or when
the manager records "no change this month" with a note. Closing the round fixes each item's outcome
(updated on time, late, not updated) and records who had not updated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import has_request_context, url_for
from sqlalchemy import CursorResult, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.clock import to_uk, today, utcnow
from app.domain.proposals import State
from app.domain.status import Status
from app.extensions import db
from app.formatting import format_date
from app.models import Action, PerformanceMeasure, Plan, Proposal, RoundItem, UpdateRound, User, WorkStream
from app.policy import Actor, Permission, PermissionDenied, can, require_as
from app.services import audit, notifications
from app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from app.services.reminders import Reminder, register
from app.services.tx import write_transaction

# The sorts of message this module sends, for the preferences page.
KINDS: dict[str, str] = {
    "round_opened": "An update round is opened, with your checklist",
    "round_due_soon": "Your update for the month is due in 3 days",
    "round_overdue": "Your update for the month is overdue",
}

NOTE_LIMIT = 500
DUE_SOON_DAYS = 3
# A proposal that was submitted counts as an update whatever became of it, unless its author withdrew it.
OPEN = (State.DRAFT.value, State.SUBMITTED.value, State.CHALLENGED.value)
COUNTED_STATES = (State.SUBMITTED.value, State.CHALLENGED.value, State.APPROVED.value, State.REJECTED.value)
OUTCOME_LABELS = {"on_time": "Updated on time", "late": "Updated late", "not_updated": "Not updated"}


def month_words(month: date) -> str:
    """ "March 2016"."""
    return f"{month:%B %Y}"


def first_of_month(day: date) -> date:
    return day.replace(day=1)


# --- reading --------------------------------------------------------------------------------------------


@dataclass
class ItemState:
    """One checklist item as it stands: done or not, how, when, and whether after the due date."""

    item: RoundItem
    done_at: datetime | None = None
    how: str = ""  # "proposal" or "no change"
    proposal_id: int | None = None  # the proposal that made it done, or the open one to continue
    open_proposal_id: int | None = None
    open_proposal_state: str | None = None

    @property
    def done(self) -> bool:
        return self.done_at is not None

    @property
    def late(self) -> bool:
        return self.done_at is not None and to_uk(self.done_at).date() > self.item.round.due_date

    @property
    def outcome(self) -> str:
        """What closing the round records: on_time, late or not_updated."""
        if self.item.outcome:
            return self.item.outcome
        if not self.done:
            return "not_updated"
        return "late" if self.late else "on_time"


@dataclass
class Tally:
    label: str
    done: int = 0
    total: int = 0
    late: int = 0

    @property
    def not_done(self) -> int:
        return self.total - self.done

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


@dataclass
class Progress:
    round: UpdateRound
    items: list[ItemState]
    by_work_stream: list[Tally] = field(default_factory=list)
    by_manager: list[Tally] = field(default_factory=list)

    @property
    def total(self) -> Tally:
        return _tally("All", self.items)


def get_round(round_id: int) -> UpdateRound:
    found = db.session.get(UpdateRound, round_id)
    if found is None:
        raise NotFound("No such update round")
    return found


def rounds_for(plan_id: int) -> list[UpdateRound]:
    return list(
        db.session.scalars(select(UpdateRound).where(UpdateRound.plan_id == plan_id).order_by(UpdateRound.month.desc()))
    )


def open_round(plan_id: int) -> UpdateRound | None:
    """The plan's round in progress, if any (there is at most one at a time)."""
    return db.session.scalar(
        select(UpdateRound)
        .where(UpdateRound.plan_id == plan_id, UpdateRound.closed_at.is_(None))
        .order_by(UpdateRound.month.desc())
        .limit(1)
    )


def _items(round_id: int, manager_id: int | None = None) -> list[RoundItem]:
    query = (
        select(RoundItem)
        .options(
            selectinload(RoundItem.action),
            selectinload(RoundItem.measure),
            selectinload(RoundItem.work_stream),
            selectinload(RoundItem.manager),
        )
        .where(RoundItem.round_id == round_id)
        .order_by(RoundItem.work_stream_id, RoundItem.target_type, RoundItem.id)
    )
    if manager_id is not None:
        query = query.where(RoundItem.manager_id == manager_id)
    return list(db.session.scalars(query))


def states(round_: UpdateRound, items: list[RoundItem]) -> list[ItemState]:
    """Each item's state, from two queries whatever the number of items: the round's proposals, by target."""
    action_ids = [i.action_id for i in items if i.action_id is not None]
    measure_ids = [i.measure_id for i in items if i.measure_id is not None]
    proposals: list[Proposal] = []
    for column, ids in ((Proposal.action_id, action_ids), (Proposal.measure_id, measure_ids)):
        if ids:
            proposals.extend(
                db.session.scalars(
                    select(Proposal).where(
                        column.in_(ids),
                        (Proposal.submitted_at >= round_.opened_at) | Proposal.state.in_(OPEN),
                    )
                )
            )
    submitted: dict[tuple[str, int], Proposal] = {}
    still_open: dict[tuple[str, int], Proposal] = {}
    until = round_.closed_at
    for p in proposals:
        key = (p.target_type, p.action_id or p.measure_id or 0)
        if p.state in OPEN:
            still_open[key] = p
        counted = p.state in COUNTED_STATES and p.submitted_at is not None and p.submitted_at >= round_.opened_at
        if counted and (until is None or p.submitted_at <= until):  # type: ignore[operator]
            best = submitted.get(key)
            if best is None or p.submitted_at < best.submitted_at:  # type: ignore[operator]
                submitted[key] = p
    out = []
    for item in items:
        key = (item.target_type, item.action_id or item.measure_id or 0)
        state = ItemState(item)
        proposal = submitted.get(key)
        if item.no_change_at is not None and (proposal is None or item.no_change_at <= proposal.submitted_at):  # type: ignore[operator]
            state.done_at, state.how = item.no_change_at, "no change"
        elif proposal is not None:
            state.done_at, state.how, state.proposal_id = proposal.submitted_at, "proposal", proposal.id
        if item.outcome and item.updated_at is not None:
            state.done_at = item.updated_at  # fixed when the round closed
        open_one = still_open.get(key)
        if open_one is not None:
            state.open_proposal_id, state.open_proposal_state = open_one.id, open_one.state
        out.append(state)
    return out


def _tally(label: str, items: Iterable[ItemState]) -> Tally:
    tally = Tally(label)
    for state in items:
        tally.total += 1
        if state.outcome != "not_updated":
            tally.done += 1
            tally.late += state.outcome == "late"
    return tally


def progress(round_id: int) -> Progress:
    """The round by work stream and by service manager, for the project manager."""
    round_ = get_round(round_id)
    items = states(round_, _items(round_.id))
    by_ws: dict[int, list[ItemState]] = {}
    by_manager: dict[str, list[ItemState]] = {}
    names: dict[int, str] = {}
    for state in items:
        ws = state.item.work_stream
        names[ws.number] = f"Work stream {ws.roman}: {ws.title}"
        by_ws.setdefault(ws.number, []).append(state)
        manager = state.item.manager
        by_manager.setdefault(manager.name if manager else "No service manager", []).append(state)
    return Progress(
        round=round_,
        items=items,
        by_work_stream=[_tally(names[n], by_ws[n]) for n in sorted(by_ws)],
        by_manager=[_tally(name, by_manager[name]) for name in sorted(by_manager)],
    )


@dataclass
class Checklist:
    round: UpdateRound
    manager: User
    items: list[ItemState]

    @property
    def done(self) -> int:
        return sum(1 for s in self.items if s.outcome != "not_updated")

    @property
    def headline(self) -> str:
        """ "Your update for March: 5 of 9 done, due 15 March"."""
        return (
            f"Your update for {self.round.month:%B}: {self.done} of {len(self.items)} done, "
            f"due {self.round.due_date.day} {self.round.due_date:%B}"
        )


def checklist(manager: User, round_id: int) -> Checklist:
    round_ = get_round(round_id)
    return Checklist(round_, manager, states(round_, _items(round_.id, manager.id)))


def my_open_checklist(manager: User, plan_id: int) -> Checklist | None:
    """The dashboard's line: the open round's checklist for this person, if they have items on it."""
    if not manager.work_streams:
        return None
    round_ = open_round(plan_id)
    if round_ is None:
        return None
    found = checklist(manager, round_.id)
    return found if found.items else None


# --- summary for the committee report -------------------------------------------------------------------


@dataclass(frozen=True)
class ManagerLine:
    manager: str
    on_time: int
    late: int
    not_updated: int

    @property
    def total(self) -> int:
        return self.on_time + self.late + self.not_updated


@dataclass(frozen=True)
class RoundSummary:
    round_id: int
    month: date
    due_date: date
    closed: bool
    lines: tuple[ManagerLine, ...]

    @property
    def on_time(self) -> int:
        return sum(line.on_time for line in self.lines)

    @property
    def late(self) -> int:
        return sum(line.late for line in self.lines)

    @property
    def not_updated(self) -> int:
        return sum(line.not_updated for line in self.lines)

    @property
    def sentence(self) -> str:
        total = self.on_time + self.late + self.not_updated
        return (
            f"Update round for {month_words(self.month)} (due {format_date(self.due_date)}): of {total} actions and "
            f"measures, {self.on_time} updated on time, {self.late} late and {self.not_updated} not updated."
        )


def round_summary(round_id: int) -> RoundSummary:
    """Updated on time, late and not updated, per service manager: a closed round as recorded at its close,
    an open one as it stands."""
    round_ = get_round(round_id)
    counts: dict[str, dict[str, int]] = {}
    for state in states(round_, _items(round_.id)):
        name = state.item.manager.name if state.item.manager else "No service manager"
        line = counts.setdefault(name, {"on_time": 0, "late": 0, "not_updated": 0})
        line[state.outcome] += 1
    return RoundSummary(
        round_id=round_.id,
        month=round_.month,
        due_date=round_.due_date,
        closed=not round_.is_open,
        lines=tuple(ManagerLine(name, **counts[name]) for name in sorted(counts)),
    )


def rounds_for_meeting(plan_id: int, since: date | None, until: date) -> list[RoundSummary]:
    """The summaries of the rounds due after `since` (the last meeting; None: from the start) up to `until`."""
    query = select(UpdateRound.id).where(UpdateRound.plan_id == plan_id, UpdateRound.due_date <= until)
    if since is not None:
        query = query.where(UpdateRound.due_date > since)
    return [round_summary(rid) for rid in db.session.scalars(query.order_by(UpdateRound.month))]


# --- writing --------------------------------------------------------------------------------------------


def _link(round_id: int) -> str:
    if has_request_context():
        return url_for("rounds.checklist", round_id=round_id)
    return f"/rounds/{round_id}/checklist"


def _manager_of(work_stream: WorkStream, owner: User | None) -> User | None:
    """The action's owner if they run its work stream, else the work stream's first service manager."""
    if owner is not None and owner in work_stream.managers:
        return owner
    return work_stream.managers[0] if work_stream.managers else None


def _unfinished(plan: Plan) -> Iterator[tuple[str, Action | PerformanceMeasure]]:
    actions = db.session.scalars(
        select(Action)
        .join(WorkStream, WorkStream.id == Action.work_stream_id)
        .where(WorkStream.plan_id == plan.id, Action.retired_on.is_(None), Action.status != Status.COMPLETED.value)
        .order_by(WorkStream.number, Action.position, Action.id)
    )
    for action in actions:
        yield "action", action
    measures = db.session.scalars(
        select(PerformanceMeasure)
        .join(WorkStream, WorkStream.id == PerformanceMeasure.work_stream_id)
        .where(
            WorkStream.plan_id == plan.id,
            PerformanceMeasure.checkpoint == plan.reporting_checkpoint,
            PerformanceMeasure.status != Status.COMPLETED.value,
        )
        .order_by(WorkStream.number, PerformanceMeasure.position, PerformanceMeasure.id)
    )
    for measure in measures:
        yield "measure", measure


def _check_dates(month: date | None, due_date: date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if month is None:
        errors["month"] = "Select the month the round is for"
    if due_date is None:
        errors["due_date"] = "Enter the date the updates are due, for example 15 3 2016"
    elif due_date < today():
        errors["due_date"] = "The due date must be today or in the future"
    elif month is not None and due_date < first_of_month(month):
        errors["due_date"] = f"The due date must be in {month_words(month)} or after it"
    return errors


def open_for_month(actor: Actor, plan_id: int, month: date | None, due_date: date | None) -> UpdateRound:
    """Open the round: one item per unfinished action and measure, each manager told with their own list."""
    require_as(actor, Permission.MANAGE_ROUNDS)
    errors = _check_dates(month, due_date)
    if errors:
        raise ValidationFailed(errors)
    assert month is not None and due_date is not None
    month = first_of_month(month)
    with write_transaction():
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("No such plan")
        existing = db.session.scalar(
            select(UpdateRound).where(UpdateRound.plan_id == plan.id, UpdateRound.month == month)
        )
        if existing is not None:
            raise ValidationFailed({"month": _already_opened(existing)})
        current = open_round(plan.id)
        if current is not None:
            raise ValidationFailed(
                {"month": f"The round for {month_words(current.month)} is still open. Close it before opening another."}
            )
        round_ = UpdateRound(plan_id=plan.id, month=month, due_date=due_date, opened_by_id=actor.id)
        db.session.add(round_)
        try:
            db.session.flush()
        except IntegrityError as race:
            db.session.rollback()
            raise ValidationFailed(
                {"month": f"A round for {month_words(month)} has just been opened by someone else."}
            ) from race
        per_manager: dict[int, list[str]] = {}
        unassigned: list[str] = []
        for target_type, target in _unfinished(plan):
            ws = target.work_stream
            manager = _manager_of(ws, target.owner if isinstance(target, Action) else None)
            item = RoundItem(
                round=round_,
                target_type=target_type,
                action_id=target.id if target_type == "action" else None,
                measure_id=target.id if target_type == "measure" else None,
                work_stream_id=ws.id,
                manager_id=manager.id if manager else None,
            )
            db.session.add(item)
            if manager is None:
                unassigned.append(target.reference)
            else:
                per_manager.setdefault(manager.id, []).append(target.reference)
        db.session.flush()
        names = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(list(per_manager))))}
        audit.record(
            actor,
            "round.opened",
            f"{actor.name} opened the update round for {month_words(month)}, due {format_date(due_date)}",
            object_type="update_round",
            object_id=round_.id,
            plan_id=plan.id,
            after={
                "month": month.isoformat(),
                "due_date": due_date.isoformat(),
                "items": {names[mid]: refs for mid, refs in per_manager.items()},
                "without_a_service_manager": unassigned,
            },
        )
        for manager_id, refs in per_manager.items():
            count = len(refs)
            listed = ", ".join(refs[:20]) + (f" and {count - 20} more" if count > 20 else "")
            notifications.notify_link(
                manager_id,
                f"Your update for {month_words(month)}: {count} action{'s' if count != 1 else ''} and measure"
                f"{'s' if count != 1 else ''} to update ({listed}), due {format_date(due_date)}",
                _link(round_.id),
                kind="round_opened",
            )
    return round_


def _already_opened(existing: UpdateRound) -> str:
    state = "is open" if existing.is_open else "was closed"
    return (
        f"A round for {month_words(existing.month)} was opened on {format_date(to_uk(existing.opened_at))} "
        f"and {state}. Choose another month."
    )


def _may_update(actor: Actor, item: RoundItem) -> None:
    if not can(actor, Permission.PROPOSE_CHANGE, item.work_stream_id) or (
        actor.id != item.manager_id and item.work_stream_id not in actor.managed_work_stream_ids
    ):
        raise PermissionDenied(
            Permission.PROPOSE_CHANGE, "Only the service manager of this work stream can update this item"
        )


def record_no_change(actor: Actor, item_id: int, note: str) -> RoundItem:
    """ "No change this month", with the manager's note: kept on the item and in the audit trail."""
    note = (note or "").replace("\r\n", "\n").strip()
    with write_transaction():
        item = db.session.get(RoundItem, item_id)
        if item is None:
            raise NotFound("No such checklist item")
        _may_update(actor, item)
        if not item.round.is_open:
            raise ServiceError(f"The round for {month_words(item.round.month)} is closed: nothing more can be recorded")
        if not note:
            raise ValidationFailed({"note": "Enter a short note saying why nothing changed this month"})
        if len(note) > NOTE_LIMIT:
            raise ValidationFailed({"note": f"The note must be {NOTE_LIMIT} characters or fewer"})
        state = states(item.round, [item])[0]
        if state.done:
            raise Conflict(f"{item.label.capitalize()} is already done for this round: nothing was changed.")
        now = utcnow()
        result: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
            update(RoundItem)
            .where(RoundItem.id == item.id, RoundItem.no_change_at.is_(None), RoundItem.outcome.is_(None))
            .values(no_change_note=note, no_change_at=now, no_change_by_id=actor.id)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            raise Conflict(f"{item.label.capitalize()} was recorded by someone else at the same moment.")
        db.session.refresh(item)
        audit.record(
            actor,
            "round.no_change",
            f"{actor.name} recorded no change this month for {item.label} ({month_words(item.round.month)})",
            object_type="round_item",
            object_id=item.id,
            plan_id=item.round.plan_id,
            work_stream_id=item.work_stream_id,
            action_id=item.action_id,
            after={"round_id": item.round_id, "note": note},
            reason=note,
        )
    return item


def close(actor: Actor, round_id: int, expected_version: int) -> UpdateRound:
    """Close the round: each item's outcome fixed, and who had not updated recorded in the audit trail."""
    require_as(actor, Permission.MANAGE_ROUNDS)
    with write_transaction():
        round_ = get_round(round_id)
        if not round_.is_open:
            who = f" by {round_.closed_by.name}" if round_.closed_by else ""
            raise Conflict(f"The round for {month_words(round_.month)} was already closed{who}. Nothing was changed.")
        if expected_version != round_.version:
            raise Conflict("This round changed while you had it open. Nothing was changed: reload the page.")
        now = utcnow()
        round_.closed_at, round_.closed_by_id = now, actor.id
        not_updated: dict[str, list[str]] = {}
        counts = {"on_time": 0, "late": 0, "not_updated": 0}
        for state in states(round_, _items(round_.id)):
            outcome = state.outcome
            state.item.outcome = outcome
            state.item.updated_at = state.done_at
            counts[outcome] += 1
            if outcome == "not_updated":
                name = state.item.manager.name if state.item.manager else "No service manager"
                not_updated.setdefault(name, []).append(state.item.reference)
        db.session.flush()  # the version guard: of two people closing at once, one wins
        audit.record(
            actor,
            "round.closed",
            f"{actor.name} closed the update round for {month_words(round_.month)}: "
            f"{counts['on_time']} updated on time, {counts['late']} late, {counts['not_updated']} not updated",
            object_type="update_round",
            object_id=round_.id,
            plan_id=round_.plan_id,
            after={"counts": counts, "not_updated": not_updated},
        )
    return round_


# --- reminders ------------------------------------------------------------------------------------------


@register
def round_reminders(on: date) -> list[Reminder]:
    """Due in 3 days, and overdue: to each manager with items still to update, with their own list."""
    reminders: list[Reminder] = []
    rounds = db.session.scalars(select(UpdateRound).where(UpdateRound.closed_at.is_(None)))
    for round_ in rounds:
        days_left = (round_.due_date - on).days
        if 0 < days_left <= DUE_SOON_DAYS:
            kind, reason, when = "round_due_soon", "due-in-3-days", f"is due on {format_date(round_.due_date)}"
        elif days_left < 0:
            kind, reason, when = "round_overdue", "overdue", f"was due on {format_date(round_.due_date)}"
        else:
            continue
        waiting: dict[int, list[str]] = {}
        for state in states(round_, _items(round_.id)):
            if not state.done and state.item.manager_id is not None:
                waiting.setdefault(state.item.manager_id, []).append(state.item.reference)
        for manager_id, refs in waiting.items():
            reminders.append(
                Reminder(
                    user_id=manager_id,
                    key=f"round:{round_.id}",
                    reason=reason,
                    kind=kind,
                    subject=f"Your update for {month_words(round_.month)} {when}",
                    text=(
                        f"Your update for {month_words(round_.month)} {when}. Still to update: {', '.join(refs)}. "
                        "Submit a proposal for each, or record no change this month with a note."
                    ),
                    link=f"/rounds/{round_.id}/checklist",
                )
            )
    return reminders
