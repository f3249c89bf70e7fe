"""The risk register: kept complete automatically, and edited by the people answerable for each entry.

`reevaluate` runs inside the transaction of every approved change (`proposals.approve`) and plan edit
(`plan_editor`), called there by name, and `refresh` runs daily from cron for deadlines that pass with time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from app.clock import today, utcnow
from app.domain.bounds import parse_id
from app.domain.risk import (
    SCORE_MAX,
    SCORE_MIN,
    ActionState,
    Reason,
    band,
    exit_explanation,
    ordered,
    reasons_for,
    score,
)
from app.domain.spreadsheet import neutralised
from app.extensions import db
from app.formatting import format_date
from app.models import Action, Plan, RiskComment, RiskEntry, User, WorkStream
from app.models.plan import work_stream_managers
from app.policy import SYSTEM, Actor, Permission, PermissionDenied, can_as, require_as
from app.services import audit, paging, reminders
from app.services.errors import Conflict, NotFound, ValidationFailed
from app.services.paging import Page
from app.services.tx import write_transaction

# The kind of message the register sends (app/services/mail_kinds.py offers it on the account page).
KINDS: dict[str, str] = {"risk_review_due": "The review date of a risk you own has passed"}


@reminders.register
def review_dates_passed(on: date) -> list[reminders.Reminder]:
    """A reminder to the owner of each open entry whose review date has passed: once per review date set."""
    rows = db.session.scalars(
        select(RiskEntry)
        .options(joinedload(RiskEntry.action))
        .where(RiskEntry.closed_on.is_(None), RiskEntry.owner_id.is_not(None), RiskEntry.next_review_on < on)
        .order_by(RiskEntry.id)
    )
    found = []
    for entry in rows:
        assert entry.owner_id is not None and entry.next_review_on is not None  # the query's own conditions
        label = f"{entry.action.reference} {entry.action.title}"
        found.append(
            reminders.Reminder(
                user_id=entry.owner_id,
                key=f"risk:{entry.id}",
                reason=f"review-passed:{entry.next_review_on.isoformat()}",
                kind="risk_review_due",
                subject=f"Risk review date passed: {label}",
                text=(
                    f"The review date of the risk register entry for action {label} was "
                    f"{format_date(entry.next_review_on)}. Review the entry and set its next review date."
                ),
                link=f"/risks/{entry.id}",
            )
        )
    return found


def action_state(action: Action) -> ActionState:
    return ActionState(
        status=action.status, deadline=action.deadline, retired=action.is_retired, flagged=action.at_risk
    )


def _reason_words(reasons: Iterable[Reason | str]) -> str:
    return ", ".join(r.label for r in ordered(list(reasons))) or "none"


def _open_entry(action_id: int) -> RiskEntry | None:
    return db.session.scalar(select(RiskEntry).where(RiskEntry.action_id == action_id, RiskEntry.closed_on.is_(None)))


def _default_owner(action: Action) -> int | None:
    if action.owner_id:
        return action.owner_id
    managers = action.work_stream.managers
    return managers[0].id if managers else None


_LOOK_UP = object()  # reevaluate's entry not given: it looks the open entry up itself


def reevaluate(
    action: Action,
    *,
    on: date | None = None,
    actor: Actor = SYSTEM,
    entry: RiskEntry | None | object = _LOOK_UP,
    warning_days: int | None = None,
) -> str:
    """Open, update or close the action's entry so it matches the rules. Runs in the caller's transaction.

    `refresh` passes the open entry (or None) and the plan's warning days it loaded for every action at once;
    other callers leave them out and they are looked up. Returns what happened: "opened", "updated",
    "closed" or "unchanged".
    """
    on = on or today()
    if warning_days is None:
        plan = db.session.get(Plan, action.work_stream.plan_id)
        warning_days = plan.risk_warning_days if plan else 30
    reasons = reasons_for(action_state(action), on, warning_days)
    if entry is _LOOK_UP:
        entry = _open_entry(action.id)
    assert entry is None or isinstance(entry, RiskEntry)
    common: dict[str, Any] = {  # where every record of this re-evaluation belongs
        "object_type": "risk",
        "plan_id": action.work_stream.plan_id,
        "work_stream_id": action.work_stream_id,
        "action_id": action.id,
    }
    if reasons and entry is None:
        entry = RiskEntry(
            action_id=action.id,
            work_stream_id=action.work_stream_id,
            plan_id=action.work_stream.plan_id,
            reasons=[r.value for r in ordered(reasons)],
            opened_on=on,
            owner_id=_default_owner(action),
        )
        db.session.add(entry)
        db.session.flush()
        audit.record(
            actor,
            "risk.opened",
            f"Action {action.reference} entered the risk register: {_reason_words(reasons)}",
            object_id=entry.id,
            after={"reasons": entry.reasons},
            **common,
        )
        return "opened"
    if reasons and entry is not None and set(entry.reasons) != {r.value for r in reasons}:
        before = list(entry.reasons)
        entry.reasons = [r.value for r in ordered(reasons)]
        entry.updated_at = utcnow()
        audit.record(
            actor,
            "risk.reasons_changed",
            f"Risk register entry for action {action.reference}: now {_reason_words(reasons)}",
            object_id=entry.id,
            before={"reasons": before},
            after={"reasons": entry.reasons},
            **common,
        )
        return "updated"
    if not reasons and entry is not None:
        entry.closed_on = on
        entry.closed_reason = exit_explanation(action_state(action))
        entry.updated_at = utcnow()
        audit.record(
            actor,
            "risk.closed",
            f"Action {action.reference} left the risk register: {entry.closed_reason.lower()}",
            object_id=entry.id,
            before={"reasons": entry.reasons},
            after={"closed_on": on.isoformat()},
            reason=entry.closed_reason,
            **common,
        )
        return "closed"
    return "unchanged"


@dataclass
class RefreshResult:
    opened: int = 0
    updated: int = 0
    closed: int = 0
    unchanged: int = 0


def refresh(plan_id: int | None = None, *, on: date | None = None) -> RefreshResult:
    """Re-evaluate every action (of one plan, or of all): for deadlines that pass with time. Idempotent."""
    result = RefreshResult()
    with write_transaction():
        # Lock the actions (PostgreSQL; SQLite's write transaction already holds the database), in id order:
        # an approval or plan edit of the same action waits, or is waited for, and the entry is never
        # written by two transactions at once.
        query = (
            select(Action)
            .join(WorkStream, WorkStream.id == Action.work_stream_id)
            .options(joinedload(Action.work_stream))
            .with_for_update(of=Action)
        )
        if plan_id is not None:
            query = query.where(WorkStream.plan_id == plan_id)
        actions = list(db.session.scalars(query.order_by(Action.id)).unique())
        load_managers({action.work_stream for action in actions})
        # Everything reevaluate would look up per action, loaded at once: a fixed number of queries
        # however many actions the plan has (only what changes is written, and audited, one by one).
        entries_query = select(RiskEntry).where(RiskEntry.closed_on.is_(None))
        plans_query = select(Plan.id, Plan.risk_warning_days)
        if plan_id is not None:
            entries_query = entries_query.where(RiskEntry.plan_id == plan_id)
            plans_query = plans_query.where(Plan.id == plan_id)
        open_entries = {e.action_id: e for e in db.session.scalars(entries_query)}
        warning_days: dict[int, int] = {row[0]: row[1] for row in db.session.execute(plans_query)}
        for action in actions:
            outcome = reevaluate(
                action,
                on=on,
                entry=open_entries.get(action.id),
                warning_days=warning_days.get(action.work_stream.plan_id, 30),
            )
            setattr(result, outcome, getattr(result, outcome) + 1)
    return result


def load_managers(work_streams: set[WorkStream]) -> None:
    """Every work stream's managers (who owns a new entry when its action has no owner) in one query,
    however many work streams: selectinload would split a long list of ids into several."""
    ids = {ws.id for ws in work_streams}
    managers: dict[int, list[User]] = {ws_id: [] for ws_id in ids}
    if ids:
        for ws_id, user in db.session.execute(
            select(work_stream_managers.c.work_stream_id, User)
            .join(User, User.id == work_stream_managers.c.user_id)
            .where(work_stream_managers.c.work_stream_id.in_(ids))
            .order_by(User.name)
        ):
            managers[ws_id].append(user)
    for ws in work_streams:
        set_committed_value(ws, "managers", managers[ws.id])


# --- editing -------------------------------------------------------------------------------------------


@dataclass
class EntryInput:
    likelihood: int | None
    impact: int | None
    mitigations: str
    remedial_actions: str
    next_review_on: date | None
    owner_id: int | None
    reason: str


def get_entry(entry_id: int) -> RiskEntry:
    entry = db.session.scalars(
        select(RiskEntry)
        .options(joinedload(RiskEntry.action), joinedload(RiskEntry.owner), selectinload(RiskEntry.comments))
        .where(RiskEntry.id == entry_id)
    ).first()
    if entry is None:
        raise NotFound("No such risk register entry")
    return entry


def may_edit(actor: Actor, entry: RiskEntry) -> bool:
    return entry.is_open and can_as(actor, Permission.EDIT_RISK, entry.work_stream_id)


def may_escalate(actor: Actor, entry: RiskEntry) -> bool:
    return entry.is_open and can_as(actor, Permission.ESCALATE_RISK)


def _snapshot(entry: RiskEntry) -> dict[str, Any]:
    return {
        "likelihood": entry.likelihood,
        "impact": entry.impact,
        "mitigations": entry.mitigations,
        "remedial_actions": entry.remedial_actions,
        "next_review_on": entry.next_review_on.isoformat() if entry.next_review_on else None,
        "owner": entry.owner.name if entry.owner else None,
        "escalated": entry.escalated,
    }


def edit(actor: Actor, entry_id: int, expected_version: int, data: EntryInput) -> RiskEntry:
    with write_transaction():
        entry = get_entry(entry_id)
        if not can_as(actor, Permission.EDIT_RISK, entry.work_stream_id):
            raise PermissionDenied(Permission.EDIT_RISK, "You can only edit risks for the work streams you run")
        if not entry.is_open:
            raise ValidationFailed({"reason": "This entry is closed: it is kept as history and cannot be edited"})
        if entry.version != expected_version:
            raise Conflict(
                "Someone else changed this entry while you were editing. Nothing was saved. "
                "The current values are shown: make your change again."
            )
        errors: dict[str, str] = {}
        for name, value in (("likelihood", data.likelihood), ("impact", data.impact)):
            if value is None or not SCORE_MIN <= value <= SCORE_MAX:
                errors[name] = f"{name.capitalize()} must be a whole number from 1 to 5"
        if data.next_review_on is not None and data.next_review_on < today():
            errors["next_review_on"] = "The next review date must be today or in the future"
        if entry.escalated and not data.mitigations.strip():
            errors["mitigations"] = "An entry escalated to SMT must say what is being done to mitigate the risk"
        if data.owner_id is not None:
            owner = db.session.get(User, data.owner_id)
            if owner is None or not owner.active:
                errors["owner_id"] = "Select an owner from the list"
        if not data.reason.strip():
            errors["reason"] = "Explain what has changed and why"
        if errors:
            raise ValidationFailed(errors)
        before = _snapshot(entry)
        entry.likelihood, entry.impact = data.likelihood, data.impact  # type: ignore[assignment]
        entry.mitigations, entry.remedial_actions = data.mitigations.strip(), data.remedial_actions.strip()
        entry.next_review_on = data.next_review_on
        entry.owner_id = data.owner_id
        entry.updated_at = utcnow()
        try:
            db.session.flush()
        except StaleDataError as race:
            raise Conflict(
                "Someone changed this entry at the same moment. Nothing was saved; reload and try again."
            ) from race
        db.session.refresh(entry, ["owner"])
        after = _snapshot(entry)
        changed = [k for k in before if before[k] != after[k]]
        if not changed:
            raise ValidationFailed({"likelihood": "Nothing has changed. Change a field, or cancel."})
        audit.record(
            actor,
            "risk.edited",
            f"Risk register entry for action {entry.action.reference} updated: "
            + ", ".join(k.replace("_", " ") for k in changed),
            object_type="risk",
            object_id=entry.id,
            plan_id=entry.plan_id,
            work_stream_id=entry.work_stream_id,
            action_id=entry.action_id,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
            reason=data.reason.strip(),
        )
    return entry


def set_escalated(actor: Actor, entry_id: int, expected_version: int, escalated: bool, comment: str) -> RiskEntry:
    with write_transaction():
        require_as(actor, Permission.ESCALATE_RISK)
        entry = get_entry(entry_id)
        if not entry.is_open:
            raise ValidationFailed({"comment": "This entry is closed and cannot be escalated"})
        if entry.version != expected_version:
            raise Conflict("Someone else changed this entry meanwhile. Nothing was saved; reload the page.")
        if not comment.strip():
            raise ValidationFailed(
                {"comment": "Say why" + (" it is being escalated to SMT" if escalated else " it no longer needs SMT")}
            )
        if entry.escalated == escalated:
            raise ValidationFailed({"comment": "It is already escalated" if escalated else "It is not escalated"})
        entry.escalated = escalated
        entry.escalated_at = utcnow() if escalated else None
        entry.updated_at = utcnow()
        db.session.add(RiskComment(entry_id=entry.id, author_id=actor.id, body=comment.strip()))
        db.session.flush()
        audit.record(
            actor,
            "risk.escalated" if escalated else "risk.deescalated",
            f"Risk register entry for action {entry.action.reference} "
            + ("escalated to SMT" if escalated else "no longer escalated"),
            object_type="risk",
            object_id=entry.id,
            plan_id=entry.plan_id,
            work_stream_id=entry.work_stream_id,
            action_id=entry.action_id,
            before={"escalated": not escalated},
            after={"escalated": escalated},
            reason=comment.strip(),
        )
    return entry


def add_comment(actor: Actor, entry_id: int, body: str) -> RiskEntry:
    with write_transaction():
        entry = get_entry(entry_id)
        if not (can_as(actor, Permission.ESCALATE_RISK) or can_as(actor, Permission.EDIT_RISK, entry.work_stream_id)):
            raise PermissionDenied(Permission.ESCALATE_RISK, "You cannot comment on this entry")
        if not body.strip():
            raise ValidationFailed({"body": "Enter a comment"})
        db.session.add(RiskComment(entry_id=entry.id, author_id=actor.id, body=body.strip()))
        audit.record(
            actor,
            "risk.commented",
            f"Comment on the risk register entry for action {entry.action.reference}",
            object_type="risk",
            object_id=entry.id,
            plan_id=entry.plan_id,
            work_stream_id=entry.work_stream_id,
            action_id=entry.action_id,
            reason=body.strip(),
        )
    return entry


def set_warning_window(actor: Actor, plan_id: int, days: int | None, reason: str) -> RefreshResult:
    """Change how close a deadline must be to pull an action in, then re-evaluate the plan."""
    with write_transaction():
        require_as(actor, Permission.EDIT_PLAN)
        plan = db.session.get(Plan, plan_id)
        if plan is None:
            raise NotFound("No such plan")
        errors: dict[str, str] = {}
        if days is None or not 1 <= days <= 365:
            errors["days"] = "Enter a number of days from 1 to 365"
        if not reason.strip():
            errors["reason"] = "Explain why the warning window is changing"
        if errors:
            raise ValidationFailed(errors)
        before = plan.risk_warning_days
        plan.risk_warning_days = days  # type: ignore[assignment]
        audit.record(
            actor,
            "plan.risk_window_changed",
            f"Risk warning window changed from {before} to {days} days",
            object_type="plan",
            object_id=plan.id,
            plan_id=plan.id,
            before={"days": before},
            after={"days": days},
            reason=reason.strip(),
        )
    return refresh(plan_id)


# --- reading -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilter:
    work_stream_id: int | None = None
    reason: Reason | None = None
    owner_id: int | None = None
    escalated: bool | None = None

    @classmethod
    def from_args(cls, args: Any) -> RegisterFilter:
        _int = parse_id
        try:
            reason = Reason(args.get("reason")) if args.get("reason") else None
        except ValueError:
            reason = None
        escalated = {"yes": True, "no": False}.get(args.get("escalated", ""))
        return cls(_int(args.get("work_stream")), reason, _int(args.get("owner")), escalated)

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.work_stream_id, self.reason, self.owner_id, self.escalated))


def entries(plan_id: int, f: RegisterFilter = RegisterFilter(), *, closed: bool = False) -> list[RiskEntry]:
    """Open entries by score (highest first) then review date; or the closed history, newest first."""
    query = (
        select(RiskEntry)
        .options(joinedload(RiskEntry.action), joinedload(RiskEntry.owner), joinedload(RiskEntry.work_stream))
        .where(RiskEntry.plan_id == plan_id)
        .where(RiskEntry.closed_on.is_not(None) if closed else RiskEntry.closed_on.is_(None))
    )
    if f.work_stream_id:
        query = query.where(RiskEntry.work_stream_id == f.work_stream_id)
    if f.owner_id:
        query = query.where(RiskEntry.owner_id == f.owner_id)
    if f.escalated is not None:
        query = query.where(RiskEntry.escalated.is_(f.escalated))
    rows = list(db.session.scalars(query))
    if f.reason:
        rows = [e for e in rows if f.reason.value in e.reasons]
    if closed:
        return sorted(rows, key=lambda e: (e.closed_on, e.id), reverse=True)
    return sorted(rows, key=lambda e: (-e.score, e.next_review_on or date.max, e.id))


def heat_map(rows: list[RiskEntry]) -> list[list[int]]:
    """counts[likelihood-1][impact-1]."""
    grid = [[0] * 5 for _ in range(5)]
    for e in rows:
        grid[e.likelihood - 1][e.impact - 1] += 1
    return grid


@dataclass(frozen=True)
class RegisterPage:
    """The open register filtered: the heat map and count of every matching entry, then one page of them."""

    page: Page[RiskEntry]
    grid: list[list[int]]
    owners: list[User]  # everyone who owns an open entry, for the owner filter


REGISTER_PER_PAGE = 50


def register_page(
    plan_id: int, f: RegisterFilter = RegisterFilter(), *, page: int = 1, per_page: int = 0
) -> RegisterPage:
    """`entries` for the register page: the matching entries' scores and review dates read as plain columns to
    count and order them, then only the page's entries loaded with their action, owner and work stream. Four
    queries at any size."""
    per_page = per_page or REGISTER_PER_PAGE
    query = select(
        RiskEntry.id, RiskEntry.likelihood, RiskEntry.impact, RiskEntry.next_review_on, RiskEntry.reasons
    ).where(RiskEntry.plan_id == plan_id, RiskEntry.closed_on.is_(None))
    if f.work_stream_id:
        query = query.where(RiskEntry.work_stream_id == f.work_stream_id)
    if f.owner_id:
        query = query.where(RiskEntry.owner_id == f.owner_id)
    if f.escalated is not None:
        query = query.where(RiskEntry.escalated.is_(f.escalated))
    light = [r for r in db.session.execute(query) if not f.reason or f.reason.value in (r.reasons or [])]
    grid = [[0] * 5 for _ in range(5)]
    for r in light:
        grid[r.likelihood - 1][r.impact - 1] += 1
    light.sort(key=lambda r: (-score(r.likelihood, r.impact), r.next_review_on or date.max, r.id))
    ids = paging.slice_of([r.id for r in light], page, per_page)
    loaded = {
        e.id: e
        for e in db.session.scalars(
            select(RiskEntry)
            .options(joinedload(RiskEntry.action), joinedload(RiskEntry.owner), joinedload(RiskEntry.work_stream))
            .where(RiskEntry.id.in_(ids.items))
        )
    }
    owners = db.session.scalars(
        select(User)
        .where(
            User.id.in_(select(RiskEntry.owner_id).where(RiskEntry.plan_id == plan_id, RiskEntry.closed_on.is_(None)))
        )
        .order_by(User.name, User.id)
    )
    return RegisterPage(
        Page([loaded[i] for i in ids.items if i in loaded], ids.number, per_page, ids.total), grid, list(owners)
    )


def open_counts(plan_id: int) -> dict[int | None, int]:
    """Open entries per work stream id, and the plan's total under None."""
    rows = db.session.execute(
        select(RiskEntry.work_stream_id, func.count(RiskEntry.id))
        .where(RiskEntry.plan_id == plan_id, RiskEntry.closed_on.is_(None))
        .group_by(RiskEntry.work_stream_id)
    ).all()
    counts: dict[int | None, int] = dict(rows)
    counts[None] = sum(n for _, n in rows)
    return counts


def open_and_escalated(plan_id: int) -> tuple[int, int]:
    """How many of the plan's entries are open, and how many of those are escalated to SMT: one query."""
    row = db.session.execute(
        select(func.count(RiskEntry.id), func.count(RiskEntry.id).filter(RiskEntry.escalated.is_(True))).where(
            RiskEntry.plan_id == plan_id, RiskEntry.closed_on.is_(None)
        )
    ).one()
    return row[0] or 0, row[1] or 0


def entry_for_action(action_id: int) -> RiskEntry | None:
    return db.session.scalar(
        select(RiskEntry)
        .where(RiskEntry.action_id == action_id)
        .order_by(RiskEntry.closed_on.is_(None).desc(), RiskEntry.id.desc())
        .limit(1)
    )


def reviews_due(user_id: int, *, limit: int | None = None) -> list[RiskEntry]:
    """The person's open entries whose review date has passed, the longest overdue first (`limit` of them)."""
    return list(
        db.session.scalars(
            select(RiskEntry)
            .options(joinedload(RiskEntry.action))
            .where(RiskEntry.owner_id == user_id, RiskEntry.closed_on.is_(None), RiskEntry.next_review_on < today())
            .order_by(RiskEntry.next_review_on, RiskEntry.id)
            .limit(limit)
        )
    )


EXPORT_COLUMNS = [
    "Work stream",
    "Action",
    "Title",
    "Reasons",
    "Opened",
    "Owner",
    "Likelihood",
    "Impact",
    "Score",
    "Rating",
    "Mitigating actions",
    "Remedial actions",
    "Next review",
    "Escalated to SMT",
    "Closed",
    "Why closed",
]
DATE_COLUMNS = frozenset({"Opened", "Next review", "Closed"})
EXPORT_WIDTHS = (12, 10, 40, 28, 16, 22, 11, 9, 8, 10, 48, 48, 16, 11, 16, 36)
WRAPPED_COLUMNS = frozenset({"Title", "Reasons", "Mitigating actions", "Remedial actions", "Why closed"})
XLSX_DATE_FORMAT = "d mmmm yyyy"  # "3 September 2015", as on the pages


def export_rows(rows: list[RiskEntry]) -> list[list[Any]]:
    """One list per entry in EXPORT_COLUMNS order; dates stay dates, and each format writes them its own way."""
    return [
        [
            e.work_stream.number,
            e.action.reference,
            e.action.title,
            "; ".join(r.label for r in e.reason_list),
            e.opened_on,
            e.owner.name if e.owner else "",
            e.likelihood,
            e.impact,
            e.score,
            band(e.score).label,
            e.mitigations,
            e.remedial_actions,
            e.next_review_on,
            "Yes" if e.escalated else "No",
            e.closed_on,
            e.closed_reason,
        ]
        for e in rows
    ]


def to_csv(rows: list[RiskEntry]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for row in export_rows(rows):
        writer.writerow([v.isoformat() if isinstance(v, date) else "" if v is None else neutralised(v) for v in row])
    return buffer.getvalue()


def filter_words(f: RegisterFilter) -> list[str]:
    """The filter in words, as the export's title says it: ["work stream iii", "owner Tom Adeyemi"]."""
    words: list[str] = []
    if f.work_stream_id:
        ws = db.session.get(WorkStream, f.work_stream_id)
        words.append(f"work stream {ws.roman}" if ws else "a work stream")
    if f.reason:
        words.append(f"reason {f.reason.label}")
    if f.owner_id:
        owner = db.session.get(User, f.owner_id)
        words.append(f"owner {owner.name}" if owner else "an owner")
    if f.escalated is not None:
        words.append("escalated to SMT" if f.escalated else "not escalated")
    return words


def to_xlsx(rows: list[RiskEntry], *, plan: Plan, closed: bool = False, f: RegisterFilter = RegisterFilter()) -> bytes:
    """The register as a workbook: a title row saying what it holds, then a filterable table with real dates."""
    book = Workbook()
    book.properties.title = f"Risk register: {plan.title}"
    book.properties.creator = "Improvement plan tracker"
    sheet = book.active
    sheet.title = "Closed entries" if closed else "Risk register"
    sheet["A1"] = neutralised(f"Risk register: {plan.title}")
    sheet["A1"].font = Font(bold=True, size=14)
    which = "Closed entries (history)" if closed else "Open entries"
    shown = f"{len(rows)} entr{'y' if len(rows) == 1 else 'ies'}"
    filtered = f", filtered by {', '.join(filter_words(f))}" if f.active else ""
    sheet["A2"] = f"{which} on {format_date(today())}: {shown}{filtered}"
    header_row = 3
    top = Alignment(vertical="top")
    wrapped = Alignment(vertical="top", wrap_text=True)
    for column, (heading, width) in enumerate(zip(EXPORT_COLUMNS, EXPORT_WIDTHS, strict=True), start=1):
        cell = sheet.cell(header_row, column, heading)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DEE0E2")
        cell.border = Border(bottom=Side(style="medium", color="0B0C0C"))
        cell.alignment = wrapped
        sheet.column_dimensions[get_column_letter(column)].width = width
    fills = {"HIGH": "F6D7D2", "MEDIUM": "FCD6C3", "LOW": "CCE2D8"}
    for number, values in enumerate(export_rows(rows), start=header_row + 1):
        for column, (heading, value) in enumerate(zip(EXPORT_COLUMNS, values, strict=True), start=1):
            cell = sheet.cell(number, column, neutralised(value))
            cell.alignment = wrapped if heading in WRAPPED_COLUMNS else top
            if heading in DATE_COLUMNS:
                cell.number_format = XLSX_DATE_FORMAT
        rating = sheet.cell(number, EXPORT_COLUMNS.index("Rating") + 1)
        rating.fill = PatternFill("solid", fgColor=fills[str(rating.value)])
    last_row = max(sheet.max_row, header_row + 1)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(EXPORT_COLUMNS))}{last_row}"
    sheet.freeze_panes = f"C{header_row + 1}"  # the header, and which action each row is, stay in view
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
