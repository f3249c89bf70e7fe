"""The plan's long lists a page at a time, and the look-ups that stand in for a picker of every work stream."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.domain.bounds import has_control_characters
from app.domain.references import work_stream_number
from app.domain.status import StatusCounts
from app.extensions import db
from app.models import Action, WorkStream
from app.services import paging
from app.services.paging import Page
from app.services.plan_read import WorkStreamSummary

WORK_STREAMS_PER_PAGE = 50
PICKER_LIMIT = 30  # up to this many work streams a <select> lists them all; beyond, the person types a number


def work_streams_page(plan_id: int, *, search: str = "", page: int = 1, per_page: int = 0) -> Page[WorkStreamSummary]:
    """One page of the plan's work streams in number order, with their actions counted by status: a work stream
    whose number (figures or roman) is `search`, or whose title contains it. Four queries at any size."""
    query = select(WorkStream).where(WorkStream.plan_id == plan_id)
    search = search.strip()
    if has_control_characters(search):  # nobody types a NUL, and PostgreSQL refuses one in a pattern
        return Page([], 1, per_page or WORK_STREAMS_PER_PAGE, 0)
    if search:
        number = work_stream_number(search)
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        title = func.lower(WorkStream.title).like(f"%{escaped}%", escape="\\")
        query = query.where(or_(title, WorkStream.number == number) if number else title)
    paged = paging.page_of(query.order_by(WorkStream.number), page, per_page or WORK_STREAMS_PER_PAGE)
    ids = [ws.id for ws in paged.items]
    if ids:  # the managers of this page only
        db.session.scalars(
            select(WorkStream).options(selectinload(WorkStream.managers)).where(WorkStream.id.in_(ids))
        ).all()
    counts = _action_counts(ids)
    return Page(
        [WorkStreamSummary(ws, counts.get(ws.id, StatusCounts()), StatusCounts()) for ws in paged.items],
        paged.number,
        paged.per_page,
        paged.total,
    )


def _action_counts(ids: list[int]) -> dict[int, StatusCounts]:
    if not ids:
        return {}
    grouped: dict[int, list[tuple[str, int]]] = {}
    for ws_id, status, n in db.session.execute(
        select(Action.work_stream_id, Action.status, func.count(Action.id))
        .where(Action.work_stream_id.in_(ids))
        .group_by(Action.work_stream_id, Action.status)
    ):
        grouped.setdefault(ws_id, []).append((status, n))
    return {ws_id: StatusCounts.from_pairs(pairs) for ws_id, pairs in grouped.items()}


def work_stream_count(plan_id: int) -> int:
    return db.session.scalar(select(func.count(WorkStream.id)).where(WorkStream.plan_id == plan_id)) or 0


def find_work_stream(plan_id: int, typed: str) -> WorkStream | None:
    """The plan's work stream with the number typed (figures or roman numerals), or None."""
    number = work_stream_number(typed)
    if number is None:
        return None
    return db.session.scalar(select(WorkStream).where(WorkStream.plan_id == plan_id, WorkStream.number == number))


def work_streams_for_picker(plan_id: int) -> list[WorkStream]:
    """Every work stream of the plan, for a <select>: only when there are few (`PICKER_LIMIT`)."""
    return list(
        db.session.scalars(
            select(WorkStream).where(WorkStream.plan_id == plan_id).order_by(WorkStream.number).limit(PICKER_LIMIT)
        )
    )


def work_stream_in_plan(plan_id: int, work_stream_id: int | None) -> WorkStream | None:
    if not work_stream_id:
        return None
    return db.session.scalar(select(WorkStream).where(WorkStream.plan_id == plan_id, WorkStream.id == work_stream_id))
