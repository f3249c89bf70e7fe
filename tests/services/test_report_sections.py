"""The committee report's appendices from the plan's own records: the monthly update rounds since the last meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from app.clock import today
from app.extensions import db
from app.models import User
from app.services import meetings, report_sections, rounds
from tests.conftest import Clock


def user(demo: dict[str, Any], who: str) -> User:
    found = db.session.get(User, demo["users"][who])
    assert found is not None
    return found


def test_the_report_says_who_updated_on_time_late_or_not_at_all_in_each_round(
    app: Flask, demo: dict[str, Any], clock: Clock
) -> None:
    with app.test_request_context():
        sarah = user(demo, "sm1")
        round_ = rounds.open_for_month(
            user(demo, "pm"), demo["plan_id"], today().replace(day=1), today() + timedelta(5)
        )
        items = [s.item for s in rounds.checklist(sarah, round_.id).items]
        rounds.record_no_change(sarah, items[0].id, "Waiting for the new case management system")
        clock.advance(days=7)  # past the due date
        rounds.record_no_change(sarah, items[1].id, "Recruitment paused until April")
        rounds.close(user(demo, "pm"), round_.id, round_.version)
        section = report_sections.update_rounds(demo["plan_id"], None, today())
        summary = rounds.round_summary(round_.id)
    assert section.title == "Monthly updates from Service Managers"
    assert summary.sentence in section.intro
    sarahs = next(row for row in section.rows if row[1] == "Sarah Whitfield")
    mine = next(line for line in summary.lines if line.manager == "Sarah Whitfield")
    assert sarahs == [rounds.month_words(round_.month), "Sarah Whitfield", "1", "1", str(mine.total - 2)]
    assert len(section.rows) == len(summary.lines), "a row for each manager with items in the round"


def test_the_live_report_carries_the_rounds_appendix_even_when_no_round_was_due(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.test_request_context():
        pm = user(demo, "pm")
        first_date = today() - timedelta(days=60)
        first = meetings.create_meeting(pm, demo["plan_id"], "Committee", first_date, "Vince Clark").id
        meetings.present(pm, first, prepare_pack=False)
        nxt = meetings.create_meeting(pm, demo["plan_id"], "Committee", today(), "Vince Clark").id
        report = meetings.live_report(meetings.get_meeting(nxt))
        since = report_sections.previous_meeting_date(demo["plan_id"], today())
    assert since == first_date
    assert [s.title for s in report.sections] == ["Monthly updates from Service Managers"]
    assert report.sections[0].rows == []
    assert report.sections[0].empty.startswith("No update round was due since the last meeting (")
