"""Every kind of message the monthly rhythm sends reaches its people through a real SMTP server (aiosmtpd):
the update round (opened, due in 3 days, overdue), members' questions (asked, sent to an officer, answered,
published) and challenges (due tomorrow, overdue, escalated), each with its link and nothing more."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Notification
from app.services import challenges, proposals, questions, reminders, rounds
from app.services.proposals import EvidenceInput, ProposalInput
from tests.services.test_mail import BASE, mailed, person  # noqa: F401 - mailed is a fixture
from tests.smtp import smtp  # noqa: F401 - a fixture

QUESTION = "Which posts are still covered by agency staff?"


def kinds_sent(since: int) -> list[str]:
    return [
        n.kind
        for n in db.session.scalars(select(Notification).where(Notification.id > since).order_by(Notification.id))
    ]


def last_notification() -> int:
    return db.session.scalar(select(Notification.id).order_by(Notification.id.desc()).limit(1)) or 0


def test_an_update_round_tells_each_manager_their_own_list_then_reminds_them_once(mailed: Any) -> None:  # noqa: F811
    _, sink, ids = mailed
    with clock.travel_to(datetime(2027, 3, 1, 9, 0)):
        round_ = rounds.open_for_month(person(ids, "pm"), ids["plan_id"], date(2027, 3, 1), date(2027, 3, 15))
    link = f"{BASE}/rounds/{round_.id}/checklist"
    for who in ("sm1", "sm2"):
        [opened] = sink.to(f"{who}@example.org")
        assert opened.subject.startswith("Your update for March 2027: ") and "due 15 March 2027" in opened.subject
        assert link in opened.part("text/plain") and f'href="{link}"' in opened.part("text/html")
    sarahs, others = sink.to("sm1@example.org")[0].subject, sink.to("sm2@example.org")[0].subject
    assert sarahs != others, "each their own list"
    assert not sink.to("pm@example.org") and not sink.to("committee@example.org")
    managers = sorted(m.recipients[0] for m in sink.received)
    assert len(managers) == len(set(managers)), "one message each"

    def about_the_round() -> list[str]:
        return sorted(m.recipients[0] for m in sink.received if link in m.part("text/plain"))

    sink.clear()
    reminders.send_due(date(2027, 3, 12))  # due in 3 days: each manager once
    assert about_the_round() == managers
    assert reminders.send_due(date(2027, 3, 12)).sent == 0, "once only"
    assert all(
        m.subject == "Your update for March 2027 is due on 15 March 2027"
        for m in sink.received
        if link in m.part("text/plain")
    )
    sink.clear()
    reminders.send_due(date(2027, 3, 16))  # overdue
    assert about_the_round() == managers
    assert all(
        m.subject == "Your update for March 2027 was due on 15 March 2027"
        for m in sink.received
        if link in m.part("text/plain")
    )


def test_a_members_question_tells_the_project_manager_the_officer_and_at_last_the_member(mailed: Any) -> None:  # noqa: F811
    _, sink, ids = mailed
    member, pm, sm1 = person(ids, "committee"), person(ids, "pm"), person(ids, "sm1")
    before = last_notification()
    asked = questions.ask(member, "action", ids["actions"]["1.3"], "When will <b>this</b> be finished?")
    link = f"{BASE}/questions/{asked.id}"
    [to_pm] = sink.to("pm@example.org")
    assert to_pm.subject == f"{member.name} asked a question about action 1.3: send it to an officer to answer"
    assert link in to_pm.part("text/plain")
    assert "<b>this</b>" not in to_pm.part("text/html") + to_pm.part("text/plain"), "the question is not in it"
    routed = questions.route(pm, asked.id, asked.version, sm1.id, "")
    [to_officer] = sink.to("sm1@example.org")
    assert "was sent to you to answer" in to_officer.subject and link in to_officer.part("text/plain")
    answered = questions.answer(sm1, routed.id, routed.version, "By March.")
    assert "ready to publish" in sink.to("pm@example.org")[-1].subject
    questions.publish(pm, answered.id, answered.version, "By the end of March.", "A clearer date")
    [to_member] = sink.to("committee@example.org")
    assert to_member.subject == "The answer to your question about action 1.3 has been published"
    assert link in to_member.part("text/plain")
    assert kinds_sent(before) == ["question_asked", "question_routed", "question_answer_ready", "question_answered"]


def test_a_challenge_reminds_its_author_and_escalates_once_to_the_senior_manager(mailed: Any) -> None:  # noqa: F811
    _, sink, ids = mailed
    sm2, pm = person(ids, "sm2"), person(ids, "pm")
    with clock.travel_to(datetime(2026, 12, 18, 10, 0)):  # due Wednesday 6 January 2027, past Christmas
        draft = ProposalInput(values={"progress": "All posts filled."})
        p = proposals.create(sm2, "action", ids["actions"]["3.3"], draft, submit=True)
        p = proposals.challenge(pm, p.id, p.version, QUESTION)
    link = f"{BASE}/proposals/{p.id}"
    sink.clear()
    reminders.send_due(date(2027, 1, 5))
    [due] = [m for m in sink.received if link in m.part("text/plain")]
    assert (
        due.recipients == ["sm2@example.org"] and due.subject == "Your answer to a challenge is due by 6 January 2027"
    )
    assert link in due.part("text/plain") and QUESTION not in due.part("text/plain")
    sink.clear()
    assert challenges.escalate_overdue(date(2027, 1, 7)) == 1
    reminders.send_due(date(2027, 1, 7))
    assert challenges.escalate_overdue(date(2027, 1, 8)) == 0, "escalated once"
    reminders.send_due(date(2027, 1, 8))

    def about_it(address: str) -> list[Any]:
        return [m for m in sink.to(address) if link in m.part("text/plain")]

    to_smt, to_author = about_it("smt@example.org"), about_it("sm2@example.org")
    assert len(to_smt) == 1 and link in to_smt[0].part("text/plain"), "the senior manager, once"
    assert len(to_author) == 1 and to_author[0].subject.startswith("A challenge answer is overdue: action 3.3")
    proposals.respond(sm2, p.id, p.version, "Two posts, both advertised.", EvidenceInput())
    assert "answered your challenge" in sink.to("pm@example.org")[-1].subject
