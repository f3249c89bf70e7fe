"""The committee report's appendices after the glossary, from the plan's own records since the last meeting.

Each builder reads one kind of record (the monthly update rounds, the independent challenge, members'
questions) for the period from the last presented meeting to this one, and returns a `ReportSection`: a
few sentences and a table, in the words the report uses. `meetings.live_report` adds them to the report,
so they are fixed with it when the plan is presented.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.formatting import format_date
from app.models import Baseline, CommitteeMeeting
from app.services import rounds
from app.services.report import ReportSection


def previous_meeting_date(plan_id: int, before: date) -> date | None:
    """The date of the last meeting the plan was presented to before `before`: where "since" starts."""
    return db.session.scalar(
        select(func.max(CommitteeMeeting.meeting_date))
        .join(Baseline, Baseline.meeting_id == CommitteeMeeting.id)
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


def for_meeting(plan_id: int, meeting_date: date) -> list[ReportSection]:
    since = previous_meeting_date(plan_id, meeting_date)
    return [update_rounds(plan_id, since, meeting_date)]
