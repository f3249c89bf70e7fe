"""The proposals list: every proposal past its draft for those who may read them all (the project manager and
senior managers), and their own for anyone who proposes changes. Filtered, counted and read a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import selectinload

from app.clock import to_uk
from app.domain.proposal_filter import ProposalFilter
from app.domain.proposals import FINAL_STATES, State
from app.extensions import db
from app.models import Challenge, Proposal, User, WorkStream
from app.policy import Actor, Permission, PermissionDenied, can
from app.services.paging import Page

PER_PAGE = 50


@dataclass(frozen=True)
class Row:
    proposal: Proposal
    age_days: int  # since it was submitted (drafted, for a draft)
    answer_overdue: bool  # challenged, and the answer is past its due date


@dataclass(frozen=True)
class ProposalsPage(Page[Row]):
    """One page of proposals (`paging.Page`: a page past the end is the last), its items named for the template."""

    every: bool = False  # everyone's proposals (else only the person's own)

    @property
    def rows(self) -> list[Row]:
        return self.items


def sees_every_proposal(actor: Actor) -> bool:
    return can(actor, Permission.LIST_PROPOSALS)


def _visible(actor: Actor) -> ColumnElement[bool]:
    """The same rule as `policy.can_view_proposal`, as SQL: everyone's once submitted, and one's own drafts."""
    own = Proposal.author_id == actor.id if can(actor, Permission.PROPOSE_CHANGE) else false()
    if sees_every_proposal(actor):
        return or_(Proposal.state != State.DRAFT.value, own)
    if can(actor, Permission.PROPOSE_CHANGE):
        return own
    raise PermissionDenied(Permission.LIST_PROPOSALS, "You cannot list proposals")


def _since() -> ColumnElement[datetime]:
    return func.coalesce(Proposal.submitted_at, Proposal.created_at)


def _filtered(actor: Actor, plan_id: int, proposal_filter: ProposalFilter, on: date) -> Select[Proposal]:
    query = (
        select(Proposal)
        .join(WorkStream, WorkStream.id == Proposal.work_stream_id)
        .where(WorkStream.plan_id == plan_id, _visible(actor))
    )
    if proposal_filter.state:
        query = query.where(Proposal.state == proposal_filter.state.value)
    if proposal_filter.work_stream_id:
        query = query.where(Proposal.work_stream_id == proposal_filter.work_stream_id)
    if proposal_filter.author_id:
        query = query.where(Proposal.author_id == proposal_filter.author_id)
    if proposal_filter.older_than:
        cutoff = datetime.combine(on - timedelta(days=proposal_filter.older_than), time())
        query = query.where(_since() < cutoff)
    return query


def find_page(
    actor: Actor, plan_id: int, proposal_filter: ProposalFilter, on: date, *, page: int = 1, per_page: int = PER_PAGE
) -> ProposalsPage:
    """One page of the proposals this person may read in a plan, open ones first, latest changed first.

    The same few queries whatever the page's size: the count, the page, what its rows show, its overdue challenges."""
    every = sees_every_proposal(actor)
    query = _filtered(actor, plan_id, proposal_filter, on)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    number = min(max(page, 1), pages)
    proposals = list(
        db.session.scalars(
            query.options(
                selectinload(Proposal.author),
                selectinload(Proposal.action),
                selectinload(Proposal.measure),
                selectinload(Proposal.work_stream),
            )
            .order_by(
                Proposal.state.in_([s.value for s in FINAL_STATES]), Proposal.updated_at.desc(), Proposal.id.desc()
            )
            .offset((number - 1) * per_page)
            .limit(per_page)
        )
    )
    overdue = _overdue_among([p.id for p in proposals if p.state == State.CHALLENGED.value], on)
    rows = [
        Row(
            proposal=p,
            age_days=(on - to_uk(p.submitted_at or p.created_at).date()).days,
            answer_overdue=p.id in overdue,
        )
        for p in proposals
    ]
    return ProposalsPage(items=rows, number=number, per_page=per_page, total=total, every=every)


def _overdue_among(proposal_ids: list[int], on: date) -> set[int]:
    if not proposal_ids:
        return set()
    return set(
        db.session.scalars(
            select(Challenge.proposal_id).where(
                and_(
                    Challenge.proposal_id.in_(proposal_ids),
                    Challenge.answered_at.is_(None),
                    Challenge.outcome.is_(None),
                    Challenge.due_on < on,
                )
            )
        )
    )


def authors(actor: Actor, plan_id: int) -> list[User]:
    """The people who wrote proposals this person may read in the plan, for the author filter."""
    ids = (
        select(Proposal.author_id)
        .join(WorkStream, WorkStream.id == Proposal.work_stream_id)
        .where(WorkStream.plan_id == plan_id, _visible(actor))
        .distinct()
    )
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.name)))
