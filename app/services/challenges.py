"""Challenges as a log: when the answer is due, whether it came on time, and what became of the proposal.

A challenge is raised, answered and closed inside the proposal workflow's own transactions
(`app/services/proposals.py` calls `raise_challenge`, `record_answer` and `record_outcome` by name). This module
also says which challenges are overdue (the dashboard, the review queue), escalates them to the senior
managers, gives the reminders due each day, and sums a meeting's challenges for the committee report.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, TypeVar

import holidays
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, selectinload

from app.clock import to_uk, today, utcnow
from app.domain.challenges import (
    DEFAULT_WORKING_DAYS,
    Outcome,
    Standing,
    add_working_days,
    due_words,
    previous_working_day,
    standing,
)
from app.domain.proposals import State
from app.domain.references import to_roman
from app.extensions import db
from app.formatting import format_date
from app.models import Action, Challenge, PerformanceMeasure, Proposal, ProposalMessage, User, WorkStream
from app.models.proposals import target_label
from app.policy import SYSTEM, Actor, Permission, can, can_view_proposal, roles_with
from app.services import audit, memo, notifications
from app.services.reminders import Reminder, register
from app.services.tx import write_transaction

# The sorts of message this module sends, for the preferences page (the lead joins every module's KINDS).
KINDS: dict[str, str] = {
    "challenge_due": "A challenge response is due tomorrow",
    "challenge_overdue": "A challenge response is overdue",
}


@cache
def bank_holidays() -> holidays.HolidayBase:
    """England and Wales's bank holidays (the same days in both), any year asked about."""
    return holidays.country_holidays("GB", subdiv="ENG")


def default_due_date(raised_on: date | None = None) -> date:
    """Ten working days after the day the challenge is raised: weekends and bank holidays do not count."""
    return add_working_days(raised_on or today(), DEFAULT_WORKING_DAYS, bank_holidays())


def _uk_date(moment: datetime | None) -> date | None:
    return to_uk(moment).date() if moment is not None else None


# --- inside the proposal workflow's transactions ----------------------------------------------------------


def raise_challenge(actor: Actor, proposal: Proposal, question: ProposalMessage, due_on: date | None) -> Challenge:
    """Open the log entry for a challenge just made (the caller validated `due_on` and fired the event)."""
    db.session.flush()  # the question's id
    challenge = Challenge(
        proposal_id=proposal.id,
        question_id=question.id,
        raised_by_id=actor.id,
        raised_at=utcnow(),
        due_on=due_on or default_due_date(),
    )
    db.session.add(challenge)
    return challenge


def record_answer(proposal: Proposal, answer: ProposalMessage) -> None:
    """The author answered: the proposal's unanswered challenge is answered now."""
    db.session.flush()
    for challenge in _open_challenges(proposal.id):
        if challenge.answered_at is None:
            challenge.answered_at = utcnow()
            challenge.answer_id = answer.id


def record_outcome(proposal: Proposal, state: State) -> None:
    """The proposal was decided: each of its challenges takes the outcome."""
    outcome = Outcome(state.value)
    for challenge in _open_challenges(proposal.id):
        challenge.outcome = outcome.value
        challenge.outcome_at = utcnow()


def _open_challenges(proposal_id: int) -> list[Challenge]:
    return list(
        db.session.scalars(select(Challenge).where(Challenge.proposal_id == proposal_id, Challenge.outcome.is_(None)))
    )


# --- the log on the proposal page --------------------------------------------------------------------------


@dataclass(frozen=True)
class LogLine:
    question: str
    raised_by: str
    raised_at: datetime
    due_on: date
    due_words: str  # "due in 4 days", "3 days overdue"
    answered_at: datetime | None
    standing: Standing
    outcome: Outcome | None


def log_for(proposal: Proposal, on: date | None = None) -> list[LogLine]:
    """The proposal's challenges, oldest first (the caller has already checked it may see the proposal)."""
    on = on or today()
    rows = db.session.scalars(
        select(Challenge)
        .options(selectinload(Challenge.question), selectinload(Challenge.raised_by))
        .where(Challenge.proposal_id == proposal.id)
        .order_by(Challenge.id)
    ).all()
    return [
        LogLine(
            question=c.question.body,
            raised_by=c.raised_by.name,
            raised_at=c.raised_at,
            due_on=c.due_on,
            due_words=due_words(c.due_on, on),
            answered_at=c.answered_at,
            standing=standing(c.due_on, _uk_date(c.answered_at), decided=c.outcome is not None, today=on),
            outcome=Outcome(c.outcome) if c.outcome else None,
        )
        for c in rows
    ]


_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])
_T = TypeVar("_T")


# --- overdue: the dashboard, the review queue, escalation --------------------------------------------------


@dataclass(frozen=True)
class Overdue:
    challenge_id: int
    proposal_id: int
    target_label: str
    work_stream: str  # "iii"
    author: str
    author_id: int
    due_on: date
    days_overdue: int


def _overdue_query(on: date, plan_id: int | None = None) -> Select[Challenge]:
    query = _overdue_where(select(Challenge), on, plan_id).options(
        selectinload(Challenge.proposal).selectinload(Proposal.author),
        selectinload(Challenge.proposal).selectinload(Proposal.work_stream),
        selectinload(Challenge.proposal).selectinload(Proposal.action),
        selectinload(Challenge.proposal).selectinload(Proposal.measure),
    )
    return query


def _overdue_where(query: _S, on: date, plan_id: int | None) -> _S:
    query = (
        query.join(Proposal, Proposal.id == Challenge.proposal_id)
        .where(
            Challenge.answered_at.is_(None),
            Challenge.outcome.is_(None),
            Challenge.due_on < on,
            Proposal.state == State.CHALLENGED.value,
        )
        .order_by(Challenge.due_on, Challenge.id)
    )
    if plan_id is not None:
        query = query.join(WorkStream, WorkStream.id == Proposal.work_stream_id).where(WorkStream.plan_id == plan_id)
    return query


OVERDUE_SHOWN = 10  # the panel names the longest overdue; the rest are counted


@dataclass(frozen=True)
class OverdueList:
    """The overdue challenges a person may see: the first `OVERDUE_SHOWN` (longest overdue first) and how many
    there are in all."""

    shown: list[Overdue]
    total: int


def overdue(actor: Actor, plan_id: int | None = None, on: date | None = None) -> list[Overdue]:
    """Challenges past their due date with no answer, that this person may see (none for members and admins)."""
    return overdue_list(actor, plan_id, on, limit=None).shown


def overdue_list(
    actor: Actor, plan_id: int | None = None, on: date | None = None, *, limit: int | None = OVERDUE_SHOWN
) -> OverdueList:
    """The overdue challenges this person may see, the first `limit` of them in full. Two queries at any size:
    the rights are checked on light rows (ids, state, author), and only the challenges shown are loaded. For one
    plan both are kept per plan version, for every plan per version of the whole trail (`memo`): a challenge is
    raised, answered and decided by proposal transitions, each audited with the plan."""
    if not can(actor, Permission.VIEW_INTERNAL):
        return OverdueList([], 0)
    on = on or today()
    light = _kept(plan_id, f"overdue:{on}", lambda: _overdue_light(on, plan_id))
    visible = [
        challenge_id
        for challenge_id, work_stream_id, state, author_id in light
        if can_view_proposal(actor, work_stream_id=work_stream_id, state=state, author_id=author_id)
    ]
    wanted = tuple(visible if limit is None else visible[:limit])
    if not wanted:
        return OverdueList([], len(visible))
    shown = _kept(plan_id, f"overdue_shown:{on}:{wanted}", lambda: _overdue_shown(wanted, on))
    return OverdueList(list(shown), len(visible))


def _kept(plan_id: int | None, name: str, build: Callable[[], _T]) -> _T:
    return memo.per_trail_version(name, build) if plan_id is None else memo.per_plan_version(name, plan_id, build)


def _overdue_light(on: date, plan_id: int | None) -> tuple[tuple[int, int, str, int], ...]:
    light = _overdue_where(
        select(Challenge.id, Proposal.work_stream_id, Proposal.state, Proposal.author_id), on, plan_id
    )
    return tuple((row[0], row[1], row[2], row[3]) for row in db.session.execute(light))


def _overdue_shown(wanted: tuple[int, ...], on: date) -> tuple[Overdue, ...]:
    author = aliased(User)
    shown = (
        select(
            Challenge.id,
            Proposal.id,
            Proposal.target_type,
            Action.reference,
            PerformanceMeasure.reference,
            PerformanceMeasure.checkpoint,
            WorkStream.number,
            author.name,
            Proposal.author_id,
            Challenge.due_on,
        )
        .join(Proposal, Proposal.id == Challenge.proposal_id)
        .join(WorkStream, WorkStream.id == Proposal.work_stream_id)
        .join(author, author.id == Proposal.author_id)
        .outerjoin(Action, Action.id == Proposal.action_id)
        .outerjoin(PerformanceMeasure, PerformanceMeasure.id == Proposal.measure_id)
        .where(Challenge.id.in_(wanted))
        .order_by(Challenge.due_on, Challenge.id)
    )
    return tuple(
        Overdue(
            challenge_id=challenge_id,
            proposal_id=proposal_id,
            target_label=target_label(target_type, action_ref, measure_ref, checkpoint),
            work_stream=to_roman(number),
            author=name,
            author_id=author_id,
            due_on=due_on,
            days_overdue=(on - due_on).days,
        )
        for (
            challenge_id,
            proposal_id,
            target_type,
            action_ref,
            measure_ref,
            checkpoint,
            number,
            name,
            author_id,
            due_on,
        ) in db.session.execute(shown)
    )


def _people_with(permission: Permission) -> list[int]:
    return list(db.session.scalars(select(User.id).where(User.role.in_(roles_with(permission)), User.active.is_(True))))


def escalate_overdue(on: date | None = None, actor: Actor = SYSTEM) -> int:
    """Tell the senior managers of each overdue challenge, once (`flask challenges escalate`, daily)."""
    on = on or today()
    with write_transaction():
        rows = db.session.scalars(_overdue_query(on).where(Challenge.escalated_at.is_(None))).all()
        seniors = _people_with(Permission.HEAR_ESCALATIONS)
        for challenge in rows:
            proposal = challenge.proposal
            challenge.escalated_at = utcnow()
            message = (
                f"A challenge on the proposal for {proposal.target_label} (work stream {proposal.work_stream.roman}) "
                f"has had no answer from {proposal.author.name}: it was due on {format_date(challenge.due_on)}"
            )
            for user_id in seniors:
                notifications.notify(user_id, message, proposal.id, kind="challenge_overdue")
            audit.record(
                actor,
                "challenge.escalated",
                f"Overdue challenge on the proposal for {proposal.target_label} escalated to the senior managers",
                object_type="proposal",
                object_id=proposal.id,
                plan_id=proposal.work_stream.plan_id,
                work_stream_id=proposal.work_stream_id,
                action_id=proposal.action_id,
                after={"challenge_id": challenge.id, "due_on": challenge.due_on.isoformat(), "told": seniors},
            )
    return len(rows)


@register
def challenge_reminders(on: date) -> Iterator[Reminder]:
    """Due tomorrow (on the last working day before the due date) to the author; overdue to the author (the
    senior managers hear of it once, from `escalate_overdue`, which `flask reminders send` runs too). Titles
    and references only."""
    open_rows = db.session.scalars(
        select(Challenge)
        .join(Proposal, Proposal.id == Challenge.proposal_id)
        .options(
            selectinload(Challenge.proposal).selectinload(Proposal.action),
            selectinload(Challenge.proposal).selectinload(Proposal.measure),
            selectinload(Challenge.proposal).selectinload(Proposal.work_stream),
            selectinload(Challenge.proposal).selectinload(Proposal.author),
        )
        .where(
            Challenge.answered_at.is_(None),
            Challenge.outcome.is_(None),
            Proposal.state == State.CHALLENGED.value,
            Challenge.due_on <= on + timedelta(days=7),
        )
        .order_by(Challenge.id)
    ).all()
    for challenge in open_rows:
        proposal = challenge.proposal
        link = f"/proposals/{proposal.id}"
        key = f"challenge:{challenge.id}"
        due = format_date(challenge.due_on)
        if challenge.due_on > on and previous_working_day(challenge.due_on, bank_holidays()) == on:
            yield Reminder(
                user_id=proposal.author_id,
                key=key,
                reason="due-tomorrow",
                kind="challenge_due",
                subject=f"Your answer to a challenge is due by {due}",
                text=(
                    f"The project manager challenged your proposal for {proposal.target_label} "
                    f"(work stream {proposal.work_stream.roman}). Your answer is due by {due}."
                ),
                link=link,
            )
        elif challenge.due_on < on:
            yield Reminder(
                user_id=proposal.author_id,
                key=key,
                reason="overdue",
                kind="challenge_overdue",
                subject=f"A challenge answer is overdue: {proposal.target_label}",
                text=(
                    f"The challenge on the proposal for {proposal.target_label} (work stream "
                    f"{proposal.work_stream.roman}) was due to be answered by {due} and has not been."
                ),
                link=link,
            )


# --- the committee report's "Independent challenge" section ------------------------------------------------


@dataclass
class WorkStreamChallenges:
    """One work stream's challenges raised in a period, as they stood at its end."""

    work_stream_id: int
    number: int
    roman: str
    title: str
    raised: int = 0
    answered_on_time: int = 0
    answered_late: int = 0
    unanswered: int = 0
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))
    undecided: int = 0

    @property
    def answered(self) -> int:
        return self.answered_on_time + self.answered_late


def _start(moment: date | datetime) -> datetime:
    return moment if isinstance(moment, datetime) else datetime.combine(moment, time())


def _end(moment: date | datetime) -> datetime:
    """A date is inclusive: up to the end of that day."""
    return moment if isinstance(moment, datetime) else datetime.combine(moment + timedelta(days=1), time())


def challenge_summary(plan_id: int, since: date | datetime, until: date | datetime) -> list[WorkStreamChallenges]:
    """Per work stream (in number order, only those with any), the challenges raised from `since` to `until`
    (dates inclusive; datetimes naive UTC, `until` exclusive): answered on time, answered late, unanswered, and
    the proposals' outcomes, each as it stood at `until`. One query."""
    start, end = _start(since), _end(until)
    rows = db.session.execute(
        select(Challenge, WorkStream)
        .join(Proposal, Proposal.id == Challenge.proposal_id)
        .join(WorkStream, WorkStream.id == Proposal.work_stream_id)
        .where(WorkStream.plan_id == plan_id, Challenge.raised_at >= start, Challenge.raised_at < end)
        .order_by(WorkStream.number, Challenge.id)
    ).all()
    by_stream: dict[int, WorkStreamChallenges] = {}
    for challenge, ws in rows:
        line = by_stream.setdefault(ws.id, WorkStreamChallenges(ws.id, ws.number, ws.roman, ws.title))
        line.raised += 1
        answered = challenge.answered_at is not None and challenge.answered_at < end
        if answered:
            on_time = _uk_date(challenge.answered_at) <= challenge.due_on  # type: ignore[operator]
            line.answered_on_time += on_time
            line.answered_late += not on_time
        else:
            line.unanswered += 1
        if challenge.outcome and challenge.outcome_at is not None and challenge.outcome_at < end:
            line.outcomes[Outcome(challenge.outcome)] += 1
        else:
            line.undecided += 1
    return list(by_stream.values())


def totals(lines: Iterable[WorkStreamChallenges]) -> WorkStreamChallenges:
    """The whole plan's figures, for a total row."""
    total = WorkStreamChallenges(0, 0, "", "All work streams")
    for line in lines:
        total.raised += line.raised
        total.answered_on_time += line.answered_on_time
        total.answered_late += line.answered_late
        total.unanswered += line.unanswered
        total.undecided += line.undecided
        for outcome, count in line.outcomes.items():
            total.outcomes[outcome] += count
    return total
