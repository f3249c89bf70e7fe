"""The committee report's appendices after the glossary, from the plan's own records since the last meeting.

Each builder reads one kind of record (the monthly update rounds, the independent challenge, members'
questions) for the period from the last presented meeting to this one, and returns a `ReportSection`: a
few sentences and a table, in the words the report uses. `meetings.live_report` adds them to the report,
so they are fixed with it when the plan is presented.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from app.clock import utcnow
from app.domain.challenges import Outcome
from app.extensions import db
from app.formatting import format_date
from app.models import Baseline, CommitteeMeeting
from app.services import challenges, questions, rounds
from app.services.report import ReportSection


def previous_meeting_date(plan_id: int, before: date) -> date | None:
    """The date of the last meeting the plan was presented to before `before`: where "since" starts."""
    return db.session.scalar(
        select(func.max(CommitteeMeeting.meeting_date))
        .join(Baseline, Baseline.meeting_id == CommitteeMeeting.id)
        .where(CommitteeMeeting.plan_id == plan_id, CommitteeMeeting.meeting_date < before)
    )


def previous_presented_at(plan_id: int, before: date) -> datetime | None:
    """When the plan was presented to the last meeting before `before` (UTC, as stored)."""
    return db.session.scalar(
        select(func.max(Baseline.presented_at))
        .join(CommitteeMeeting, Baseline.meeting_id == CommitteeMeeting.id)
        .where(CommitteeMeeting.plan_id == plan_id, CommitteeMeeting.meeting_date < before)
    )


def _since_words(since: date | None) -> str:
    return f"since the last meeting ({format_date(since)})" if since else "since the Plan began"


def update_rounds(plan_id: int, since: date | None, until: date) -> ReportSection:
    """Who gave their monthly update on time, late, or not at all, round by round and manager by manager."""
    summaries = rounds.rounds_for_meeting(plan_id, since, until)
    return ReportSection(
        title="Monthly updates from Service Managers",
        intro=[
            "Each month the project manager opens an update round: every unfinished action and measure goes on "
            "its Service Manager's checklist, to be updated with evidence or marked as unchanged with a note.",
            *(summary.sentence for summary in summaries),
        ],
        caption=f"Monthly updates {_since_words(since)}, by Service Manager",
        headers=["Round", "Service Manager", "Updated on time", "Updated late", "Not updated"],
        rows=[
            [
                rounds.month_words(summary.month),
                line.manager,
                str(line.on_time),
                str(line.late),
                str(line.not_updated),
            ]
            for summary in summaries
            for line in summary.lines
        ],
        widths=[0.2, 0.32, 0.16, 0.16, 0.16],
        empty=f"No update round was due {_since_words(since)}.",
    )


def independent_challenge(
    plan_id: int, since: datetime | None, until: datetime, meeting: date | None = None
) -> ReportSection:
    """The project manager's challenges since the last meeting, per work stream: raised, answered on time or
    late, and what became of the proposals. `since`/`until`: UTC moments, as stored; `meeting`: the last
    meeting's date, for the words."""
    lines = challenges.challenge_summary(plan_id, since or datetime.min, until)
    total = challenges.totals(lines)

    def row(line: challenges.WorkStreamChallenges) -> list[str]:
        name = f"{line.roman}. {line.title}" if line.roman else line.title
        figures = [line.raised, line.answered_on_time, line.answered_late, line.unanswered]
        figures += [line.outcomes[o] for o in (Outcome.APPROVED, Outcome.REJECTED, Outcome.WITHDRAWN)]
        return [name, *(str(n) for n in figures), str(line.undecided)]

    when = _since_words(meeting or (since.date() if since else None))
    said = (
        f"The project manager challenged {total.raised} proposed change{'' if total.raised == 1 else 's'} "
        f"{when}, asking the Service for evidence before approving: "
        f"{total.answered_on_time} answered on time, {total.answered_late} late and {total.unanswered} not yet."
    )
    return ReportSection(
        title="Independent challenge",
        intro=[
            "A dedicated project manager provides an independent challenge to the Service to provide evidence of "
            "progress against each of the actions. Each challenge asks for an answer within 10 working days.",
            *([said] if lines else []),
        ],
        caption="Challenges by work stream, and what became of the proposals",
        headers=[
            "Work stream",
            "Raised",
            "Answered on time",
            "Answered late",
            "Not answered",
            "Approved",
            "Rejected",
            "Withdrawn",
            "Not yet decided",
        ],
        rows=[*(row(line) for line in lines), row(total)] if lines else [],
        widths=[0.28, 0.09, 0.09, 0.09, 0.09, 0.09, 0.09, 0.09, 0.09],
        empty=f"No proposed change was challenged {_since_words(meeting or (since.date() if since else None))}.",
    )


def members_questions(
    plan_id: int, since: datetime | None, until: datetime, meeting: date | None = None
) -> ReportSection:
    """The questions members asked, with the answers the project manager published since the last meeting."""
    published = questions.published_questions(plan_id, since, until)
    return ReportSection(
        title="Members' questions and answers",
        intro=[
            "Members may ask a question about any action or risk register entry from the tracker; the project "
            "manager sends it to the officer responsible and publishes the answer."
        ],
        caption=f"Questions answered {_since_words(meeting or (since.date() if since else None))}",
        headers=["About", "Question", "Asked by", "Answer", "Answered by"],
        rows=[
            [
                f"{q.about}: {q.action_title}",
                q.question,
                f"{q.asked_by}, {format_date(q.asked_on)}",
                q.answer,
                f"{q.answered_by}, published {format_date(q.published_on)}",
            ]
            for q in published
        ],
        widths=[0.18, 0.24, 0.12, 0.34, 0.12],
        empty=f"No member's question was answered {_since_words(meeting or (since.date() if since else None))}.",
    )


def for_meeting(plan_id: int, meeting_date: date) -> list[ReportSection]:
    since = previous_meeting_date(plan_id, meeting_date)
    presented = previous_presented_at(plan_id, meeting_date)
    now = utcnow()
    return [
        independent_challenge(plan_id, presented, now, since),
        update_rounds(plan_id, since, meeting_date),
        members_questions(plan_id, presented, now, since),
    ]
