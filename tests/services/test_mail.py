"""E-mail through a real SMTP server (aiosmtpd): who gets what, retries and failures, preferences, digests,
reminders sent once."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.clock import today
from app.extensions import db
from app.models import AuditEvent, Notification, OutgoingMessage, RiskEntry, SentReminder, User
from app.services import digests, mail, notifications, proposals, reminders
from app.services.proposals import EvidenceInput, ProposalInput
from app.services.tx import write_transaction
from tests.conftest import Clock, Databases
from tests.smtp import Sink, smtp, smtp_settings  # noqa: F401 - smtp is a fixture

BASE = "https://tracker.council.example"
RQ_REDIS = "redis://127.0.0.1:6379/12"  # db 12: these tests only


@pytest.fixture
def mailed(make_app: Callable[..., Flask], smtp: tuple[Sink, int], databases: Databases) -> Iterator[Any]:  # noqa: F811
    """The demo on its own database, sending through the SMTP server in `smtp`; inside an app context."""
    sink, port = smtp
    app = make_app(demo=True, **smtp_settings(port))
    ids = copy.deepcopy(databases.demo_ids)
    with app.app_context():
        yield app, sink, ids
        db.session.remove()


def person(ids: dict[str, Any], key: str) -> User:
    return db.session.get(User, ids["users"][key])


def progress(words: str = "Recruitment campaign launched; four offers made.") -> ProposalInput:
    return ProposalInput(values={"progress": words})


def submitted(ids: dict[str, Any], ref: str = "3.3") -> proposals.Proposal:
    return proposals.create(person(ids, "sm2"), "action", ids["actions"][ref], progress(), submit=True)


def outbox(**where: Any) -> list[OutgoingMessage]:
    query = select(OutgoingMessage).filter_by(**where).order_by(OutgoingMessage.id)
    return list(db.session.scalars(query))


def test_each_proposal_message_reaches_its_people_with_its_subject_and_link(mailed: Any) -> None:
    app, sink, ids = mailed
    sm, pm = person(ids, "sm2"), person(ids, "pm")
    proposal = submitted(ids)
    link = f"{BASE}/proposals/{proposal.id}"

    [to_pm] = sink.received
    assert to_pm.recipients == ["pm@example.org"]  # the reviewers only, never the author
    assert to_pm.subject == f"{sm.name} submitted a proposal for action 3.3"
    assert to_pm.sender == "tracker@council.example"
    assert link in to_pm.part("text/plain") and f'href="{link}"' in to_pm.part("text/html")
    assert to_pm.message["Auto-Submitted"] == "auto-generated"

    proposal = proposals.challenge(pm, proposal.id, proposal.version, "Which posts are filled? Name the child's team.")
    [challenged] = sink.to("sm2@example.org")
    assert challenged.subject == f"{pm.name} challenged your proposal for action 3.3"
    assert link in challenged.part("text/plain")
    assert "Name the child" not in challenged.part("text/plain") + challenged.part("text/html")  # no free text

    proposal = proposals.respond(sm, proposal.id, proposal.version, "Four of six posts", EvidenceInput())
    assert sink.to("pm@example.org")[-1].subject == f"{sm.name} answered your challenge on action 3.3"
    proposals.approve(pm, proposal.id, proposal.version, note="Checked against the staffing list")
    assert sink.to("sm2@example.org")[-1].subject == f"{pm.name} approved your proposal for action 3.3"

    other = submitted(ids, "3.4")
    proposals.reject(pm, other.id, other.version, "Not this month")
    rejected = sink.to("sm2@example.org")[-1]
    assert rejected.subject == f"{pm.name} rejected your proposal for action 3.4"
    assert f"{BASE}/proposals/{other.id}" in rejected.part("text/plain")

    kinds = [n.kind for n in db.session.scalars(select(Notification).order_by(Notification.id))]
    assert kinds[-6:] == [
        "proposal_submitted",
        "proposal_challenged",
        "proposal_responded",
        "proposal_approved",
        "proposal_submitted",
        "proposal_rejected",
    ]
    assert {m.status for m in outbox()} == {"sent"}
    assert len(sink.received) == 6


def test_the_html_part_escapes_what_it_is_given(mailed: Any) -> None:
    _, sink, ids = mailed
    with write_transaction():
        notifications.notify_link(ids["users"]["pm"], "Action <b>3.3</b> & <script>x()</script>", "/actions")
    [got] = sink.received
    html = got.part("text/html")
    assert "<script>" not in html and "&lt;script&gt;" in html and "&amp;" in html
    assert "Action <b>3.3</b> & <script>x()</script>" in got.part("text/plain")


def test_a_change_that_rolls_back_e_mails_nobody(mailed: Any) -> None:
    _, sink, ids = mailed
    with pytest.raises(RuntimeError), write_transaction():
        notifications.notify_link(ids["users"]["pm"], "This never happened", "/", kind="general")
        raise RuntimeError("refused half-way")
    assert outbox() == [] and sink.received == []


def test_a_refusing_server_is_retried_then_shown_to_the_administrator_and_the_rest_still_go(
    mailed: Any, clock: Clock
) -> None:
    app, sink, ids = mailed
    sink.refuse.add("sm2@example.org")
    proposal = submitted(ids)
    proposals.approve(person(ids, "pm"), proposal.id, proposal.version, note="Seen at the performance clinic")
    [refused] = outbox(kind="proposal_approved")
    assert refused.status == "pending" and refused.attempts == 1 and "550" in refused.last_error
    assert refused.next_attempt_at is not None and refused.next_attempt_at > refused.created_at
    assert [r.subject for r in sink.to("pm@example.org")]  # the reviewer's message went, unaffected

    assert mail.send_pending().sent == 0  # not yet due: nothing is tried again before its time
    for _ in range(4):
        clock.advance(hours=3)
        mail.send_pending()
    db.session.expire_all()
    refused = db.session.get(OutgoingMessage, refused.id)
    assert refused.status == "failed" and refused.attempts == app.config["MAIL_MAX_ATTEMPTS"] == 5
    assert "No such mailbox" in refused.last_error and sink.to("sm2@example.org") == []

    admin = app.test_client()
    assert admin.login("admin@example.org").status_code == 302
    page = admin.get("/admin/mail").get_data(as_text=True)
    assert refused.subject in page and "No such mailbox" in page and "Try again" in page

    sink.refuse.clear()  # the address is put right
    response = admin.post_form("/admin/mail", {"message_id": refused.id})
    assert response.status_code == 303
    assert [r.subject for r in sink.to("sm2@example.org")] == [refused.subject]
    db.session.expire_all()
    assert db.session.get(OutgoingMessage, refused.id).status == "sent"
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.kind == "mail.retried")) == 1
    again = admin.post_form("/admin/mail", {"message_id": refused.id})  # already sent: a clear refusal
    assert again.status_code == 400 and "no longer waiting" in again.get_data(as_text=True)


def test_a_server_that_cannot_be_reached_is_a_failed_try_not_a_failed_request(mailed: Any) -> None:
    app, sink, ids = mailed
    mail_state = app.extensions["mailman"]
    mail_state.port = 1  # nothing listens there
    proposal = submitted(ids)  # the request's work is done and committed whatever the mail server does
    assert db.session.get(proposals.Proposal, proposal.id).state == "submitted"
    [waiting] = outbox()
    assert waiting.status == "pending" and waiting.attempts == 1 and waiting.last_error


def test_never_and_daily_are_honoured_and_the_daily_digest_goes_once(mailed: Any) -> None:
    _, sink, ids = mailed
    sm, pm = person(ids, "sm2"), person(ids, "pm")
    mail.save_choices(
        sm,
        sm.id,
        {"proposal_challenged": "daily", "proposal_approved": "never"},
        ["proposal_challenged", "proposal_approved"],
    )
    proposal = submitted(ids)
    proposal = proposals.challenge(pm, proposal.id, proposal.version, "Which posts?")
    proposal = proposals.respond(sm, proposal.id, proposal.version, "Four of six", EvidenceInput())
    proposals.approve(pm, proposal.id, proposal.version, note="Checked")
    assert sink.to("sm2@example.org") == []  # challenged: for the digest; approved: not by e-mail at all
    in_app = db.session.scalars(select(Notification.kind).where(Notification.user_id == sm.id)).all()
    assert {"proposal_challenged", "proposal_approved"} <= set(in_app)  # still on the Notifications page

    assert digests.send_daily(today()) == 1
    [digest] = sink.to("sm2@example.org")
    assert digest.subject.endswith(": 1 message")
    text = digest.part("text/plain")
    assert f"{pm.name} challenged your proposal for action 3.3" in text and f"{BASE}/proposals/{proposal.id}" in text
    assert digests.send_daily(today()) == 0 and len(sink.to("sm2@example.org")) == 1
    assert {m.status for m in outbox(kind="proposal_challenged")} == {"digested"}


def test_the_weekly_summary_goes_to_senior_managers_once_a_week(mailed: Any, clock: Clock) -> None:
    _, sink, ids = mailed
    proposal = submitted(ids)
    sink.clear()
    assert digests.send_weekly(today()) == 1
    [weekly] = sink.received
    assert weekly.recipients == ["smt@example.org"]
    assert weekly.subject.startswith("What changed in the improvement plan in the week to")
    text = weekly.part("text/plain")
    assert "Proposals submitted for approval: 1" in text
    assert f"Action 3.3, by {person(ids, 'sm2').name}: {BASE}/proposals/{proposal.id}" in text
    assert "Risk register: 2 open entries" in text
    assert digests.send_weekly(today()) == 0  # once a week, however often cron runs it

    clock.advance(days=7)
    smt = person(ids, "smt")
    mail.save_choices(smt, smt.id, {"weekly_digest": "never"}, ["weekly_digest"])
    assert digests.send_weekly(today()) == 0 and len(sink.received) == 1


def test_a_risk_review_date_passed_reminds_its_owner_once_per_date(mailed: Any) -> None:
    app, sink, ids = mailed
    entry = db.session.scalar(select(RiskEntry).where(RiskEntry.action_id == ids["actions"]["3.1"]))
    owner = entry.owner
    entry.next_review_on = today() - timedelta(days=1)
    db.session.commit()

    first = reminders.send_due(today())
    [got] = sink.to(owner.email)
    assert got.subject.startswith("Risk review date passed: 3.1 ")
    assert f"{BASE}/risks/{entry.id}" in got.part("text/plain")
    again = reminders.send_due(today())
    assert again.sent == first.sent - 1 and again.already_sent >= 1 and len(sink.to(owner.email)) == 1

    entry = db.session.get(RiskEntry, entry.id)
    entry.next_review_on = today() - timedelta(days=2)  # reviewed, a new date set, and that passed too
    db.session.commit()
    reminders.send_due(today())
    assert len(sink.to(owner.email)) == 2
    keys = db.session.scalars(select(SentReminder.reason).where(SentReminder.key == f"risk:{entry.id}")).all()
    assert len(keys) == 2

    entry = db.session.get(RiskEntry, entry.id)
    entry.next_review_on = today() - timedelta(days=3)
    db.session.commit()
    first_run = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert first_run.exit_code == 0, first_run.output
    assert "Reminders: 1 sent" in first_run.output and "Weekly summaries: 1." in first_run.output
    assert "E-mail: 2 sent, 0 to be tried again, 0 failed." in first_run.output  # the reminder and the summary
    second_run = app.test_cli_runner().invoke(args=["reminders", "send"])
    assert "Reminders: 0 sent, 1 already sent before" in second_run.output and "E-mail: 0 sent" in second_run.output
    assert len(sink.to(owner.email)) == 3 and len(sink.to("smt@example.org")) == 1


def test_deactivated_accounts_are_not_e_mailed(mailed: Any) -> None:
    _, sink, ids = mailed
    pm = person(ids, "pm")
    pm.active = False
    db.session.commit()
    with write_transaction():
        notifications.notify_link(pm.id, "Anything", "/", kind="general")
    assert sink.received == [] and outbox() == []


def test_two_senders_at_once_send_each_message_once(mailed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    app, sink, ids = mailed
    monkeypatch.setattr(mail, "send_soon", lambda: None)  # leave them in the outbox for the two senders
    for n in range(12):
        with write_transaction():
            notifications.notify_link(ids["users"]["pm"], f"Message {n}", "/", kind="general")
    db.session.remove()

    def sender() -> None:
        with app.app_context():
            mail.send_pending()
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(r.subject for r in sink.received) == sorted(f"Message {n}" for n in range(12))
    assert {m.status for m in outbox()} == {"sent"}


def test_the_administrators_are_told_in_the_tracker_when_a_message_fails(mailed: Any, clock: Clock) -> None:
    app, sink, ids = mailed
    sink.refuse.add("pm@example.org")
    app.config["MAIL_MAX_ATTEMPTS"] = 1
    submitted(ids)
    told = db.session.scalars(select(Notification).where(Notification.user_id == ids["users"]["admin"])).all()
    assert [n.kind for n in told] == ["mail_failed"] and told[0].link == "/admin/mail"
    assert sink.to("admin@example.org") == []  # in the tracker only: never an e-mail about e-mail


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_rq_worker_sends_what_the_request_only_queued(
    make_app: Callable[..., Flask],
    smtp: tuple[Sink, int],  # noqa: F811
    databases: Databases,
) -> None:
    """A real Redis (db 12, these tests only), a real RQ worker in burst mode, the real SMTP server."""
    import uuid

    from app.services import jobs

    sink, port = smtp
    name = f"test-mail-{uuid.uuid4().hex}"
    app = make_app(demo=True, JOBS_MODE="rq", JOBS_REDIS_URL=RQ_REDIS, JOBS_QUEUE=name, **smtp_settings(port))
    ids = databases.demo_ids
    with app.app_context():
        try:
            submitted(ids)
            assert sink.received == [] and [m.status for m in outbox()] == ["pending"]  # queued, not sent
            assert jobs.worker().work(burst=True), "the worker found the job"
            [got] = sink.to("pm@example.org")
            assert got.subject.endswith("submitted a proposal for action 3.3")
            db.session.rollback()  # a fresh read: the worker's child process wrote it
            assert [m.status for m in outbox()] == ["sent"]
        finally:
            connection = jobs.connection()
            for key in connection.scan_iter(f"rq:*{name}*"):
                connection.delete(key)
            db.session.remove()


def test_a_sender_that_breaks_after_the_commit_leaves_the_change_and_the_message_in_place(
    mailed: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    _, sink, ids = mailed

    def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("the database went away mid-send")

    monkeypatch.setattr(mail, "send_pending", broken)
    proposal = submitted(ids)  # no exception: the proposal is submitted
    assert db.session.get(proposals.Proposal, proposal.id).state == "submitted"
    assert [m.status for m in outbox()] == ["pending"] and "could not be started" in caplog.text
    monkeypatch.undo()
    assert mail.send_pending().sent == 1 and len(sink.received) == 1  # the next sender (cron) sends it
