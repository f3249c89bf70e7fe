"""Read models of the plan. A fixed number of queries however large the plan grows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from app.clock import utcnow
from app.domain.filters import ActionFilter
from app.domain.status import Status, StatusCounts
from app.extensions import db
from app.models import Action, AuditEvent, PerformanceMeasure, Plan, User, WorkStream
from app.services import memo, paging
from app.services.errors import NotFound
from app.services.paging import Page


def list_plans() -> list[Plan]:
    return list(db.session.scalars(select(Plan).order_by(Plan.is_current.desc(), Plan.start_date.desc())))


def get_plan(plan_id: int | None = None) -> Plan:
    """The plan asked for, or the current one."""
    if plan_id is not None:
        plan = db.session.get(Plan, plan_id)
    else:
        plan = db.session.scalar(select(Plan).order_by(Plan.is_current.desc(), Plan.id.desc()).limit(1))
    if plan is None:
        raise NotFound("There is no plan yet. An administrator can load one with `flask demo seed`.")
    return plan


@dataclass(frozen=True)
class PlanIds:
    current: int | None  # the plan pages show unless asked for another (the newest, if none is marked current)
    known: frozenset[int]


def plan_ids() -> PlanIds:
    """Which plans there are and which is current, kept per version of the trail (a plan made, imported or made
    current is audited): what a read of the figures needs to know before anything else, with no query."""

    def build() -> PlanIds:
        rows = db.session.execute(select(Plan.id).order_by(Plan.is_current.desc(), Plan.id.desc())).scalars().all()
        return PlanIds(rows[0] if rows else None, frozenset(rows))

    return memo.per_trail_version("plan_ids", build)


def plan_id_or_current(plan_id: int | None) -> int:
    """`get_plan(plan_id).id`, from `plan_ids`: NotFound the same way for a plan that does not exist."""
    ids = plan_ids()
    found = ids.current if plan_id is None else plan_id if plan_id in ids.known else None
    if found is None:
        if plan_id is not None:
            get_plan(plan_id)  # raises NotFound as before (or finds a plan made since the trail was read)
            return plan_id
        raise NotFound("There is no plan yet. An administrator can load one with `flask demo seed`.")
    return found


def get_work_stream(work_stream_id: int) -> WorkStream:
    ws = db.session.scalars(
        select(WorkStream)
        .options(joinedload(WorkStream.plan), selectinload(WorkStream.managers))
        .where(WorkStream.id == work_stream_id)
    ).first()
    if ws is None:
        raise NotFound("No such work stream")
    return ws


def get_action(action_id: int) -> Action:
    action = db.session.scalars(
        select(Action)
        .options(joinedload(Action.owner), joinedload(Action.work_stream).joinedload(WorkStream.plan))
        .where(Action.id == action_id)
    ).first()
    if action is None:
        raise NotFound("No such action")
    return action


def plan_actions(plan_id: int) -> list[Action]:
    """Every action of the plan, retired ones too, in the plan's order, owners loaded."""
    return list(
        db.session.scalars(
            select(Action)
            .join(WorkStream, WorkStream.id == Action.work_stream_id)
            .options(joinedload(Action.owner))
            .where(WorkStream.plan_id == plan_id)
            .order_by(WorkStream.number, Action.position, Action.id)
        )
    )


def plan_measures(plan_id: int) -> list[PerformanceMeasure]:
    """Every performance measure of the plan, 6-month ones first within each work stream."""
    return list(
        db.session.scalars(
            select(PerformanceMeasure)
            .join(WorkStream, WorkStream.id == PerformanceMeasure.work_stream_id)
            .where(WorkStream.plan_id == plan_id)
            .order_by(
                WorkStream.number, PerformanceMeasure.checkpoint, PerformanceMeasure.position, PerformanceMeasure.id
            )
        )
    )


def get_measure(measure_id: int) -> PerformanceMeasure:
    measure = db.session.get(PerformanceMeasure, measure_id)
    if measure is None:
        raise NotFound("No such performance measure")
    return measure


@dataclass
class WorkStreamSummary:
    work_stream: WorkStream
    actions: StatusCounts
    measures: StatusCounts


@dataclass
class PlanSummary:
    """The plan's figures: its totals, counted by the database, and the counts of some of its work streams
    (all of them unless `plan_summary` was given a limit: `work_stream_count` says how many there are)."""

    plan: Plan
    checkpoint: int
    work_streams: list[WorkStreamSummary] = field(default_factory=list)
    totals: tuple[StatusCounts, StatusCounts] | None = None  # (actions, measures) of the whole plan
    work_stream_count: int | None = None
    first: int = 0  # the position (0-based) of work_streams[0] among all the plan's work streams

    @property
    def actions(self) -> StatusCounts:
        if self.totals is not None:
            return self.totals[0]
        return sum((w.actions for w in self.work_streams), StatusCounts())

    @property
    def measures(self) -> StatusCounts:
        if self.totals is not None:
            return self.totals[1]
        return sum((w.measures for w in self.work_streams), StatusCounts())

    @property
    def total_work_streams(self) -> int:
        return len(self.work_streams) if self.work_stream_count is None else self.work_stream_count

    @property
    def partial(self) -> bool:
        """Only some of the work streams are listed."""
        return len(self.work_streams) < self.total_work_streams

    def as_json(self) -> dict[str, Any]:
        return {
            "plan": {"id": self.plan.id, "title": self.plan.title},
            "checkpoint_months": self.checkpoint,
            "actions": self.actions.as_dict(),
            "measures": self.measures.as_dict(),
            "work_stream_count": self.total_work_streams,
            "work_streams": [
                {
                    "id": w.work_stream.id,
                    "number": w.work_stream.number,
                    "title": w.work_stream.title,
                    "actions": w.actions.as_dict(),
                    "measures": w.measures.as_dict(),
                }
                for w in self.work_streams
            ],
        }


def _counts_by_work_stream(
    model: type[Action] | type[PerformanceMeasure], plan_id: int, *where: Any
) -> dict[int, StatusCounts]:
    rows = db.session.execute(
        select(model.work_stream_id, model.status, func.count(model.id))
        .join(WorkStream, WorkStream.id == model.work_stream_id)
        .where(WorkStream.plan_id == plan_id, *where)
        .group_by(model.work_stream_id, model.status)
    ).all()
    grouped: dict[int, list[tuple[str, int]]] = {}
    for ws_id, status, n in rows:
        grouped.setdefault(ws_id, []).append((status, n))
    return {ws_id: StatusCounts.from_pairs(pairs) for ws_id, pairs in grouped.items()}


def plan_totals(plan: Plan, checkpoint: int | None = None) -> tuple[StatusCounts, StatusCounts, int]:
    """The plan's actions and its measures at `checkpoint` by status, and how many work streams it has:
    one aggregate query, however large the plan, worked out once per version of the plan (`memo`)."""
    chosen = checkpoint or plan.reporting_checkpoint
    return memo.per_plan_version(f"totals:{chosen}", plan.id, lambda: _plan_totals(plan, chosen))


def _plan_totals(plan: Plan, checkpoint: int) -> tuple[StatusCounts, StatusCounts, int]:
    in_plan = select(WorkStream.id).where(WorkStream.plan_id == plan.id).scalar_subquery()
    actions = (
        select(literal("actions").label("kind"), Action.status, func.count(Action.id))
        .where(Action.work_stream_id.in_(in_plan))
        .group_by(Action.status)
    )
    measures = (
        select(literal("measures").label("kind"), PerformanceMeasure.status, func.count(PerformanceMeasure.id))
        .where(PerformanceMeasure.work_stream_id.in_(in_plan), PerformanceMeasure.checkpoint == checkpoint)
        .group_by(PerformanceMeasure.status)
    )
    streams = select(literal("work_streams").label("kind"), literal(None), func.count(WorkStream.id)).where(
        WorkStream.plan_id == plan.id
    )
    pairs: dict[str, list[tuple[str, int]]] = {"actions": [], "measures": []}
    work_streams = 0
    rows: list[Any] = list(db.session.execute(union_all(actions, measures, streams)))
    for kind, status, n in rows:
        if kind == "work_streams":
            work_streams = n
        else:
            pairs[kind].append((status, n))
    return StatusCounts.from_pairs(pairs["actions"]), StatusCounts.from_pairs(pairs["measures"]), work_streams


def plan_summary(plan: Plan, checkpoint: int | None = None, *, first: int = 0, limit: int | None = None) -> PlanSummary:
    """Counts per work stream, and the plan's totals. Retired actions count: they are completed actions of the plan.

    The measures are counted at `checkpoint` (6 or 12 months), the plan's reporting checkpoint unless given.
    With `limit`, only that many work streams from position `first` (0-based, in the plan's order) are listed
    and counted; the totals are always the whole plan's, counted by the database. A fixed number of queries."""
    checkpoint = checkpoint or plan.reporting_checkpoint
    query = (
        select(WorkStream)
        .options(subqueryload(WorkStream.managers))  # one query at any size (selectinload splits its IN list)
        .where(WorkStream.plan_id == plan.id)
        .order_by(WorkStream.number, WorkStream.id)
    )
    where_actions: list[Any] = []
    where_measures: list[Any] = [PerformanceMeasure.checkpoint == checkpoint]
    if limit is not None:
        shown = (
            select(WorkStream.id)
            .where(WorkStream.plan_id == plan.id)
            .order_by(WorkStream.number, WorkStream.id)
            .offset(max(first, 0))
            .limit(max(limit, 0))
            .subquery()
        )
        query = query.where(WorkStream.id.in_(select(shown.c.id)))
        where_actions.append(Action.work_stream_id.in_(select(shown.c.id)))
        where_measures.append(PerformanceMeasure.work_stream_id.in_(select(shown.c.id)))
    action_counts, measure_counts = memo.per_plan_version(  # the counts, once per version of the plan
        f"work_stream_counts:{checkpoint}:{first if limit is not None else 0}:{limit}",
        plan.id,
        lambda: (
            _counts_by_work_stream(Action, plan.id, *where_actions),
            _counts_by_work_stream(PerformanceMeasure, plan.id, *where_measures),
        ),
    )
    work_streams = db.session.scalars(query).all()
    actions, measures, count = plan_totals(plan, checkpoint)
    return PlanSummary(
        plan=plan,
        checkpoint=checkpoint,
        work_streams=[
            WorkStreamSummary(ws, action_counts.get(ws.id, StatusCounts()), measure_counts.get(ws.id, StatusCounts()))
            for ws in work_streams
        ],
        totals=(actions, measures),
        work_stream_count=count,
        first=max(first, 0) if limit is not None else 0,
    )


def work_stream_counts(work_stream: WorkStream) -> tuple[StatusCounts, StatusCounts]:
    """A work stream's actions, and its measures at the plan's checkpoint, by status (once per plan version)."""
    plan = work_stream.plan
    return memo.per_plan_version(
        f"one_work_stream_counts:{work_stream.id}:{plan.reporting_checkpoint}",
        plan.id,
        lambda: _work_stream_counts(work_stream, plan),
    )


def _work_stream_counts(work_stream: WorkStream, plan: Plan) -> tuple[StatusCounts, StatusCounts]:
    actions = _counts_by_work_stream(Action, plan.id, Action.work_stream_id == work_stream.id)
    measures = _counts_by_work_stream(
        PerformanceMeasure,
        plan.id,
        PerformanceMeasure.work_stream_id == work_stream.id,
        PerformanceMeasure.checkpoint == plan.reporting_checkpoint,
    )
    return actions.get(work_stream.id, StatusCounts()), measures.get(work_stream.id, StatusCounts())


def _actions_query(plan_id: int, action_filter: ActionFilter, on: date, *, retired: bool = False) -> Any:
    query = (
        select(Action)
        .join(WorkStream, WorkStream.id == Action.work_stream_id)
        .where(WorkStream.plan_id == plan_id)
        .where(Action.retired_on.is_not(None) if retired else Action.retired_on.is_(None))
    )
    if action_filter.work_stream_id:
        query = query.where(Action.work_stream_id == action_filter.work_stream_id)
    if action_filter.status:
        query = query.where(Action.status == action_filter.status.value)
    if action_filter.owner_id:
        query = query.where(Action.owner_id == action_filter.owner_id)
    if action_filter.overdue:
        query = query.where(Action.status != Status.COMPLETED.value, Action.deadline.is_not(None), Action.deadline < on)
    return query


def find_actions(plan_id: int, action_filter: ActionFilter, on: date, *, retired: bool = False) -> list[Action]:
    query = (
        _actions_query(plan_id, action_filter, on, retired=retired)
        .options(joinedload(Action.owner), joinedload(Action.work_stream))
        .order_by(WorkStream.number, Action.position, Action.id)
    )
    return list(db.session.scalars(query))


class ActionsPage(Page[Action]):
    """One page of a filtered list of live actions (`paging.Page`), its items named for the templates."""

    @property
    def actions(self) -> list[Action]:
        return self.items


ACTIONS_PER_PAGE = 50  # a GOV.UK list page: a screenful or two of actions with their changes, about 80 kB


def find_actions_page(
    plan_id: int, action_filter: ActionFilter, on: date, *, page: int = 1, per_page: int = ACTIONS_PER_PAGE
) -> ActionsPage:
    """The live actions matching the filter, one page of them in the plan's order: two queries at any size."""
    base = _actions_query(plan_id, action_filter, on)
    total = db.session.scalar(select(func.count()).select_from(base.with_only_columns(Action.id).subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(page, 1), pages)
    actions = db.session.scalars(
        base.options(joinedload(Action.owner), joinedload(Action.work_stream))
        .order_by(WorkStream.number, Action.position, Action.id)
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return ActionsPage(list(actions), number, per_page, total)


def action_owners(plan_id: int, work_stream_id: int | None = None) -> list[User]:
    """People who own at least one action, for the owner filter. Who they are is worked out once per version
    of the plan (`memo`: every change of owner is audited); their names are read each time."""

    def owner_ids() -> tuple[int, ...]:
        query = (
            select(Action.owner_id)
            .join(WorkStream, WorkStream.id == Action.work_stream_id)
            .where(WorkStream.plan_id == plan_id, Action.owner_id.is_not(None))
            .distinct()
        )
        if work_stream_id:
            query = query.where(Action.work_stream_id == work_stream_id)
        return tuple(sorted(i for i in db.session.scalars(query) if i is not None))

    ids = memo.per_plan_version(f"owners:{work_stream_id or ''}", plan_id, owner_ids)
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))


def measures_for(work_stream_id: int) -> list[PerformanceMeasure]:
    return list(
        db.session.scalars(
            select(PerformanceMeasure)
            .where(PerformanceMeasure.work_stream_id == work_stream_id)
            .order_by(PerformanceMeasure.checkpoint, PerformanceMeasure.position, PerformanceMeasure.id)
        )
    )


PUBLIC_HISTORY_KINDS = ("action.changed", "action.created", "action.edited", "action.retired", "action.unretired")


def action_history(action_id: int, *, approved_only: bool = False) -> list[AuditEvent]:
    """The action's audit trail; approved_only keeps what committee members may see (no drafts or challenges)."""
    query = select(AuditEvent).where(AuditEvent.action_id == action_id)
    if approved_only:
        query = query.where(AuditEvent.kind.in_(PUBLIC_HISTORY_KINDS))
    return list(db.session.scalars(query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())))


@dataclass(frozen=True)
class NeedingUpdate:
    """Some of the person's actions with no approved update lately, the longest waiting first, and how many
    there are in all."""

    rows: list[tuple[Action, datetime | None]]
    total: int


def actions_needing_update(user: User, plan_id: int, days: int = 30, *, limit: int | None = None) -> NeedingUpdate:
    """The monthly rhythm: live, unfinished actions in the person's work streams with no approved update lately.

    The longest waiting first (never updated before the others), `limit` of them; two queries at any size, none
    for someone who runs no work stream of the plan (their work streams are loaded once a request anyway)."""
    if not any(ws.plan_id == plan_id for ws in user.work_streams):
        return NeedingUpdate([], 0)
    last_update = (
        select(AuditEvent.action_id, func.max(AuditEvent.occurred_at).label("at"))
        .where(AuditEvent.kind == "action.changed", AuditEvent.plan_id == plan_id)
        .group_by(AuditEvent.action_id)
        .subquery()
    )
    mine = select(WorkStream.id).where(WorkStream.plan_id == plan_id, WorkStream.managers.any(User.id == user.id))
    query = (
        select(Action, last_update.c.at)
        .join(WorkStream, WorkStream.id == Action.work_stream_id)
        .outerjoin(last_update, last_update.c.action_id == Action.id)
        .where(
            Action.work_stream_id.in_(mine),
            Action.retired_on.is_(None),
            Action.status != Status.COMPLETED.value,
            (last_update.c.at.is_(None)) | (last_update.c.at < utcnow() - timedelta(days=days)),
        )
    )
    total = db.session.scalar(select(func.count()).select_from(query.with_only_columns(Action.id).subquery())) or 0
    if not total:
        return NeedingUpdate([], 0)
    ordered = query.order_by(
        last_update.c.at.is_not(None), last_update.c.at, WorkStream.number, Action.position, Action.id
    )
    if limit is not None:
        ordered = ordered.limit(limit)
    return NeedingUpdate([(a, at) for a, at in db.session.execute(ordered).all()], total)


def plan_version(plan_id: int) -> int:
    """A number that grows whenever anything recorded about the plan changes: an approved change, an edit,
    a baseline, a risk entry (each writes an audit record naming the plan). The highest such record's id:
    one indexed query, for the HTTP caching of the plan's figures, read once per transaction (`memo.plan_head`,
    which the figures kept in memory are keyed by too)."""
    head = memo.plan_head(plan_id)
    return head[0] if head else 0


def trail_version() -> int:
    """`plan_version` for what spans plans (the list of plans): the newest audit record's id."""
    head = memo.trail_head()
    return head[0] if head else 0


def plans_page(page: int = 1, per_page: int = 50) -> Page[Plan]:
    """The plans, the current one first: a count and a page."""
    return paging.page_of(
        select(Plan).order_by(Plan.is_current.desc(), Plan.start_date.desc(), Plan.id.desc()), page, per_page
    )


def measures_page(
    plan_id: int,
    *,
    checkpoint: int | None = None,
    work_stream_id: int | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Page[PerformanceMeasure]:
    """The plan's performance measures in the plan's order, a page at a time: two queries at any size."""
    query = (
        select(PerformanceMeasure)
        .join(WorkStream, WorkStream.id == PerformanceMeasure.work_stream_id)
        .options(joinedload(PerformanceMeasure.work_stream))
        .where(WorkStream.plan_id == plan_id)
    )
    if checkpoint:
        query = query.where(PerformanceMeasure.checkpoint == checkpoint)
    if work_stream_id:
        query = query.where(PerformanceMeasure.work_stream_id == work_stream_id)
    ordered = query.order_by(
        WorkStream.number, PerformanceMeasure.checkpoint, PerformanceMeasure.position, PerformanceMeasure.id
    )
    return paging.page_of(ordered, page, per_page)
