"""The committee report's appendices from the plan's own records: the monthly update rounds since the last meeting."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Flask

from app.clock import today, utcnow
from app.extensions import db
from app.formatting import format_date
from app.models import User
from app.services import meetings, proposals, questions, report_sections, rounds
from app.services.proposals import EvidenceInput, ProposalInput
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
    assert [s.title for s in report.sections] == [
        "Independent challenge",
        "Monthly updates from Service Managers",
        "Members' questions and answers",
    ]
    assert all(section.rows == [] for section in report.sections)
    words = [section.empty for section in report.sections]
    assert words == [
        f"No proposed change was challenged since the last meeting ({format_date(first_date)}).",
        f"No update round was due since the last meeting ({format_date(first_date)}).",
        f"No member's question was answered since the last meeting ({format_date(first_date)}).",
    ]


def test_the_independent_challenge_appendix_counts_each_work_streams_challenges_and_outcomes(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.test_request_context():
        pm, sm2 = user(demo, "pm"), user(demo, "sm2")
        draft = proposals.create(sm2, "action", demo["actions"]["3.3"], ProposalInput(values={"progress": "Done."}))
        submitted = proposals.submit(sm2, draft.id, draft.version)
        challenged = proposals.challenge(pm, submitted.id, submitted.version, "Which posts are filled?")
        answered = proposals.respond(sm2, challenged.id, challenged.version, "Two, both advertised.", EvidenceInput())
        proposals.reject(pm, answered.id, answered.version, "Not yet evidenced.")
        section = report_sections.independent_challenge(demo["plan_id"], None, utcnow() + timedelta(seconds=1))
    assert section.title == "Independent challenge"
    work_stream, total = section.rows
    assert work_stream[0].startswith("iii. ") and work_stream[1:] == ["1", "1", "0", "0", "0", "1", "0", "0"]
    assert total == ["All work streams", "1", "1", "0", "0", "0", "1", "0", "0"]
    assert "challenged 1 proposed change since the Plan began" in section.intro[-1]
    assert "1 answered on time, 0 late and 0 not yet" in section.intro[-1]


def test_the_members_questions_appendix_has_each_published_answer_with_who_asked_and_answered(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.test_request_context():
        member, pm, sm1 = user(demo, "committee"), user(demo, "pm"), user(demo, "sm1")
        asked = questions.ask(member, "action", demo["actions"]["1.3"], "When will <b>this</b> be finished?")
        routed = questions.route(pm, asked.id, asked.version, sm1.id, "")
        answered = questions.answer(sm1, routed.id, routed.version, "By March.")
        questions.publish(pm, answered.id, answered.version, "By the end of March.", "Clearer date")
        section = report_sections.members_questions(demo["plan_id"], None, utcnow() + timedelta(seconds=1))
    [row] = section.rows
    assert row[0].startswith("Action 1.3: ")
    assert row[1] == "When will <b>this</b> be finished?", "kept as typed; each format escapes it"
    assert row[2].startswith(member.name) and row[3] == "By the end of March."
    assert row[4].startswith(sm1.name + ", published ")
