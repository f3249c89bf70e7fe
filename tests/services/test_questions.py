"""Members' questions called directly: who may take each step, what is refused, and the report's appendix rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from app.clock import travel_to, utcnow
from app.extensions import db
from app.models import Action, AuditEvent, MemberQuestion, RiskEntry, User
from app.policy import SYSTEM, PermissionDenied
from app.services import questions
from app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed


@pytest.fixture
def ctx(app: Flask, demo: dict[str, Any]) -> Any:
    with app.test_request_context():
        yield
        db.session.remove()


def user(key: str, demo: dict[str, Any]) -> User:
    return db.session.get(User, demo["users"][key])


def asked(demo: dict[str, Any], ref: str = "1.3", text: str = "When will it be done?") -> MemberQuestion:
    return questions.ask(user("committee", demo), "action", demo["actions"][ref], text)


def routed(demo: dict[str, Any], to: str = "sm1", ref: str = "1.3") -> MemberQuestion:
    q = asked(demo, ref)
    return questions.route(user("pm", demo), q.id, q.version, demo["users"][to], "")


def answered(demo: dict[str, Any], to: str = "sm1", ref: str = "1.3", words: str = "In June.") -> MemberQuestion:
    q = routed(demo, to, ref)
    return questions.answer(user(to, demo), q.id, q.version, words)


def test_only_a_committee_member_may_ask(ctx: None, demo: dict[str, Any]) -> None:
    for role in ("admin", "pm", "sm1", "smt"):
        with pytest.raises(PermissionDenied):
            questions.ask(user(role, demo), "action", demo["actions"]["1.3"], "Why?")
    with pytest.raises(ServiceError, match="signed in as themselves"):
        questions.ask(SYSTEM, "action", demo["actions"]["1.3"], "Why?")
    assert db.session.scalar(select(MemberQuestion.id)) is None


def test_a_committee_member_cannot_route_answer_or_publish(ctx: None, demo: dict[str, Any]) -> None:
    member = user("committee", demo)
    q = asked(demo)
    with pytest.raises(PermissionDenied):
        questions.route(member, q.id, q.version, demo["users"]["sm1"], "")
    q = questions.route(user("pm", demo), q.id, q.version, demo["users"]["sm1"], "")
    with pytest.raises(PermissionDenied):
        questions.answer(member, q.id, q.version, "Soon")
    q = questions.answer(user("sm1", demo), q.id, q.version, "Soon")
    with pytest.raises(PermissionDenied):
        questions.publish(member, q.id, q.version, "Soon", "")
    assert db.session.get(MemberQuestion, q.id).state == "answered"


def test_an_officer_cannot_answer_a_question_not_sent_to_them(ctx: None, demo: dict[str, Any]) -> None:
    q = routed(demo, to="sm1")
    for someone_else in ("sm2", "smt", "pm"):
        with pytest.raises(PermissionDenied, match="not sent to you"):
            questions.answer(user(someone_else, demo), q.id, q.version, "I know")
    sent_elsewhere = questions.route(user("pm", demo), q.id, q.version, demo["users"]["sm2"], "Yours now")
    with pytest.raises(PermissionDenied):
        questions.answer(user("sm1", demo), q.id, sent_elsewhere.version, "Too late")
    assert questions.answer(user("sm2", demo), q.id, sent_elsewhere.version, "Done").state == "answered"


def test_only_someone_who_may_answer_can_be_sent_a_question(ctx: None, demo: dict[str, Any]) -> None:
    q = asked(demo)
    for who in ("committee", "admin"):
        with pytest.raises(ValidationFailed) as refused:
            questions.route(user("pm", demo), q.id, q.version, demo["users"][who], "")
        assert refused.value.errors == {"officer_id": "Select the officer who should answer"}
    with pytest.raises(ValidationFailed):
        questions.route(user("pm", demo), q.id, q.version, None, "")


def test_steps_out_of_turn_and_stale_versions_are_refused_in_words(ctx: None, demo: dict[str, Any]) -> None:
    pm = user("pm", demo)
    q = asked(demo)
    with pytest.raises(Conflict, match="Only an answered question can be published"):
        questions.publish(pm, q.id, q.version, "Words", "")
    seen = q.version  # what a second project manager's page still shows
    first = questions.route(pm, q.id, seen, demo["users"]["sm1"], "")
    with pytest.raises(Conflict, match="Someone else moved this question on"):
        questions.route(pm, q.id, seen, demo["users"]["sm2"], "")
    assert db.session.get(MemberQuestion, q.id).routed_to_id == demo["users"]["sm1"]
    done = questions.publish(pm, q.id, questions.answer(user("sm1", demo), q.id, first.version, "A").version, "A", "")
    with pytest.raises(Conflict, match="published"):
        questions.route(pm, q.id, done.version, demo["users"]["sm2"], "")
    with pytest.raises(Conflict):
        questions.answer(user("sm1", demo), q.id, done.version, "Changed my mind")


def test_bad_input_is_refused_and_nothing_is_saved(ctx: None, demo: dict[str, Any]) -> None:
    member = user("committee", demo)
    with pytest.raises(ValidationFailed) as empty:
        questions.ask(member, "action", demo["actions"]["1.3"], " \n ")
    assert empty.value.errors == {"text": "Enter your question"}
    with pytest.raises(ValidationFailed, match="2,000 characters or fewer"):
        questions.ask(member, "action", demo["actions"]["1.3"], "x" * 2001)
    with pytest.raises(NotFound):
        questions.ask(member, "action", 999_999, "Why?")
    with pytest.raises(NotFound):
        questions.ask(member, "measure", demo["measure"], "Why?")
    assert db.session.scalar(select(MemberQuestion.id)) is None
    assert questions.ask(member, "action", demo["actions"]["1.3"], "x" * 2000).text == "x" * 2000


def test_the_default_officer_is_the_risk_owner_or_the_action_owner(ctx: None, demo: dict[str, Any]) -> None:
    entry = db.session.scalars(select(RiskEntry).where(RiskEntry.closed_on.is_(None))).first()
    entry.owner_id = demo["users"]["smt"]
    db.session.commit()
    on_risk = questions.ask(user("committee", demo), "risk", entry.id, "Is it getting better?")
    assert questions.default_officer(on_risk) == demo["users"]["smt"]
    on_action = asked(demo)
    assert questions.default_officer(on_action) == db.session.get(Action, demo["actions"]["1.3"]).owner_id


def test_each_step_is_audited_with_before_and_after(ctx: None, demo: dict[str, Any]) -> None:
    q = answered(demo, words="In June.")
    questions.publish(user("pm", demo), q.id, q.version, "By the end of June.", "Clearer date")
    events = list(db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "question")))
    assert [(e.kind, e.actor_name) for e in events] == [
        ("question.asked", user("committee", demo).name),
        ("question.routed", user("pm", demo).name),
        ("question.answered", user("sm1", demo).name),
        ("question.published", user("pm", demo).name),
    ]
    assert events[0].after["question"] == "When will it be done?"
    assert events[1].before["routed_to"] is None and events[1].after["routed_to"] == user("sm1", demo).name
    assert events[2].before["answer"] is None and events[2].after["answer"] == "In June."
    assert events[3].after["published_answer"] == "By the end of June." and events[3].reason == "Clearer date"
    assert all(e.object_id == q.id and e.action_id is None for e in events), "no entry in the action's history"


def test_published_questions_are_the_rows_published_between_two_meetings(ctx: None, demo: dict[str, Any]) -> None:
    pm = user("pm", demo)
    start = utcnow()
    with travel_to(start - timedelta(days=40)):
        before_last_meeting = answered(demo, ref="1.3", words="Old answer")
        questions.publish(pm, before_last_meeting.id, before_last_meeting.version, "Old answer", "")
    last_meeting = start - timedelta(days=30)
    with travel_to(start - timedelta(days=20)):
        later = answered(demo, to="sm2", ref="3.1", words="Three")
        questions.publish(pm, later.id, later.version, "Three, published", "Fuller")
        first = answered(demo, ref="1.4", words="One")
        questions.publish(pm, first.id, first.version, "One", "")
        answered(demo, ref="1.5")  # answered, never published: not in the report
    asked(demo, ref="1.6")
    this_meeting = start - timedelta(days=1)
    with travel_to(start):
        after_meeting = answered(demo, ref="1.7", words="After")
        questions.publish(pm, after_meeting.id, after_meeting.version, "After", "")

    rows = questions.published_questions(demo["plan_id"], last_meeting, this_meeting)
    assert [(r.action_reference, r.answer) for r in rows] == [("1.4", "One"), ("3.1", "Three, published")]
    row = rows[1]
    assert row.work_stream == "iii" and row.about == "Action 3.1" and row.question == "When will it be done?"
    assert row.asked_by == user("committee", demo).name and row.answered_by == user("sm2", demo).name
    assert row.published_on == (start - timedelta(days=20)).date()
    everything = questions.published_questions(demo["plan_id"], None, start + timedelta(minutes=1))
    assert [r.action_reference for r in everything] == ["1.3", "1.4", "1.7", "3.1"]


def test_published_questions_take_the_same_queries_however_many(
    ctx: None, demo: dict[str, Any], count_queries: Any
) -> None:
    pm = user("pm", demo)

    def publish_on(ref: str) -> None:
        q = answered(demo, ref=ref, words="Answer")
        questions.publish(pm, q.id, q.version, "Answer", "")

    def queries() -> int:
        db.session.expire_all()
        with count_queries() as counter:
            questions.published_questions(demo["plan_id"], None, utcnow() + timedelta(minutes=1))
        return counter.count

    publish_on("1.3")
    publish_on("1.4")
    few = queries()
    for ref in ("1.5", "1.6", "1.7", "2.1"):
        publish_on(ref)
    assert queries() == few  # one SELECT (people and places joined), and BEGIN on SQLite
