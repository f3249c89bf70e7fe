"""Members' questions through the pages: asked by a councillor, routed, answered, published, read by members."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from app.extensions import db
from app.models import Action, AuditEvent, MemberQuestion, Notification, RiskEntry, User

HOSTILE = (
    "Why is <script>alert('x')</script> late?\n"
    '<div hx-get="/logout" hx-trigger="load" hx-target="body">click</div> <b onmouseover="boom()">and</b>'
)
ANSWER = "Three posts are filled; the last two are advertised and interviews are on 12 May."
EDITED = "Three of the five posts are filled; the last two are advertised, with interviews in May."


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def version_in(html: str, form_action: str) -> str:
    form = html[html.index(f'action="{form_action}"') :]
    return re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)


def only_question(app: Flask) -> MemberQuestion:
    with app.app_context():
        question = db.session.query(MemberQuestion).one()
        db.session.expunge(question)
        return question


def notes_for(app: Flask, user_id: int) -> list[str]:
    with app.app_context():
        return [n.message for n in db.session.query(Notification).filter_by(user_id=user_id).order_by(Notification.id)]


def test_a_members_question_asked_routed_answered_published_and_read_on_the_action(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    action_id = demo["actions"]["1.3"]
    users = demo["users"]
    member = login("committee")

    # The member asks from the action's read-only page.
    page = member.get(f"/actions/{action_id}").get_data(as_text=True)
    assert f'href="/actions/{action_id}/questions/new"' in page and "Ask a question about this action" in page
    assert "Propose an update" not in page
    asked = member.post_form(f"/actions/{action_id}/questions/new", {"text": HOSTILE})
    assert asked.status_code == 303 and asked.headers["Location"].endswith(f"/actions/{action_id}#questions")
    question = only_question(app)
    assert question.text == HOSTILE.strip() and question.state == "asked"
    assert any("asked a question about action 1.3" in n for n in notes_for(app, users["pm"]))
    waiting = member.get(f"/actions/{action_id}").get_data(as_text=True)
    assert "Your questions waiting for an answer" in waiting and "Received" in waiting

    # The project manager sees it in the list and sends it to the action's owner, the form's default.
    pm = login("pm")
    listing = pm.get("/questions").get_data(as_text=True)
    assert 'href="/questions"' in pm.get("/").get_data(as_text=True)  # in the navigation
    assert "New questions: send each to an officer (1)" in text_of(listing)
    shown = pm.get(f"/questions/{question.id}").get_data(as_text=True)
    with app.app_context():
        owner_id = db.session.get(Action, action_id).owner_id
    assert re.search(rf'<option value="{owner_id}" selected>', shown), "the action's owner is the default"
    assert "&lt;script&gt;" in shown and "<script>alert" not in shown and 'hx-get="/logout"' not in shown
    routed = pm.post_form(
        f"/questions/{question.id}/route",
        {"version": version_in(shown, f"/questions/{question.id}/route"), "officer_id": users["sm1"], "note": "Yours"},
    )
    assert routed.status_code == 303
    assert any("was sent to you to answer" in n for n in notes_for(app, users["sm1"]))

    # The officer it was sent to answers; another officer may not.
    officer = login("sm1")
    assert "Sent to you to answer (1)" in text_of(officer.get("/questions").get_data(as_text=True))
    form_page = officer.get(f"/questions/{question.id}").get_data(as_text=True)
    version = version_in(form_page, f"/questions/{question.id}/answer")
    assert form_page.count('id="answer"') == 1 and '<label class="govuk-label" for="answer">' in form_page
    other = login("sm2").post_form(f"/questions/{question.id}/answer", {"version": version, "answer": "Mine"})
    assert other.status_code == 403
    answered = officer.post_form(f"/questions/{question.id}/answer", {"version": version, "answer": ANSWER})
    assert answered.status_code == 303
    assert member.get(f"/actions/{action_id}").get_data(as_text=True).count(ANSWER) == 0, "not until published"

    # The project manager edits the wording: a reason is needed, the typing is kept while it is missing.
    shown = pm.get(f"/questions/{question.id}").get_data(as_text=True)
    assert ANSWER in shown
    version = version_in(shown, f"/questions/{question.id}/publish")
    refused = pm.post_form(f"/questions/{question.id}/publish", {"version": version, "wording": EDITED})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "There is a problem" in html
    assert "Say why you changed the officer&#39;s wording" in html and EDITED in html
    published = pm.post_form(
        f"/questions/{question.id}/publish",
        {"version": version, "wording": EDITED, "reason": "Gave the count of posts"},
    )
    assert published.status_code == 303
    assert any("has been published" in n for n in notes_for(app, users["committee"]))

    # Members read the question (as text, never markup) and the published answer on the action.
    with app.app_context():
        asker = db.session.get(User, users["committee"]).name
    for who in ("committee", "smt"):
        page = login(who).get(f"/actions/{action_id}").get_data(as_text=True)
        section = page[page.index('id="questions"') : page.index('id="history"')]
        assert EDITED in section and ANSWER not in section
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in section
        assert "<script>alert" not in page and 'hx-get="/logout"' not in page and 'onmouseover="boom()"' not in page
        assert f"Question from {asker}" in text_of(section) and "Answer from" in text_of(section)

    # Every step is in the audit trail: who, before and after, and why the wording changed.
    with app.app_context():
        events = db.session.query(AuditEvent).filter(AuditEvent.object_type == "question").order_by(AuditEvent.seq)
        kinds = [(e.kind, e.actor_id) for e in events]
        assert kinds == [
            ("question.asked", users["committee"]),
            ("question.routed", users["pm"]),
            ("question.answered", users["sm1"]),
            ("question.published", users["pm"]),
        ]
        last = db.session.query(AuditEvent).filter_by(kind="question.published").one()
        assert last.before["answer"] == ANSWER and last.after["published_answer"] == EDITED
        assert last.reason == "Gave the count of posts"
    trail = pm.get("/audit?kind=question")
    assert trail.status_code == 200 and "Members&#39; questions" in trail.get_data(as_text=True)
    assert "asked a question about action 1.3" in text_of(trail.get_data(as_text=True))


def test_a_question_on_a_risk_entry_shows_on_the_entry_and_on_its_action(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    with app.app_context():
        entry = db.session.query(RiskEntry).filter_by(closed_on=None).order_by(RiskEntry.id).first()
        entry_id, action_id = entry.id, entry.action_id
    member = login("committee")
    page = member.get(f"/risks/{entry_id}").get_data(as_text=True)
    assert "Ask a question about this risk" in page
    assert member.post_form(f"/risks/{entry_id}/questions/new", {"text": "Is more help coming?"}).status_code == 303
    question = only_question(app)
    assert question.target_type == "risk" and question.action_id == action_id
    pm = login("pm")
    shown = pm.get(f"/questions/{question.id}").get_data(as_text=True)
    assert "the risk register entry for action" in shown
    pm.post_form(
        f"/questions/{question.id}/route",
        {"version": version_in(shown, f"/questions/{question.id}/route"), "officer_id": demo["users"]["smt"]},
    )
    smt = login("smt")
    page = smt.get(f"/questions/{question.id}").get_data(as_text=True)
    smt.post_form(
        f"/questions/{question.id}/answer",
        {"version": version_in(page, f"/questions/{question.id}/answer"), "answer": "Yes, from June."},
    )
    page = pm.get(f"/questions/{question.id}").get_data(as_text=True)
    pm.post_form(
        f"/questions/{question.id}/publish",
        {"version": version_in(page, f"/questions/{question.id}/publish"), "wording": "Yes, from June."},
    )
    for url in (f"/risks/{entry_id}", f"/actions/{action_id}"):
        assert "Yes, from June." in member.get(url).get_data(as_text=True), url


def test_bad_input_keeps_the_typing_and_says_what_is_wrong(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    member = login("committee")
    url = f"/actions/{demo['actions']['1.3']}/questions/new"
    empty = member.post_form(url, {"text": "   "})
    assert empty.status_code == 400 and "Enter your question" in empty.get_data(as_text=True)
    long = "Why? " * 500
    too_long = member.post_form(url, {"text": long})
    html = too_long.get_data(as_text=True)
    assert too_long.status_code == 400 and "must be 2,000 characters or fewer" in html
    assert "Why? Why? Why?" in html and "There is a problem" in html
    with app.app_context():
        assert db.session.query(MemberQuestion).count() == 0


def test_a_committee_member_cannot_route_answer_or_publish(app: Flask, login: Any, demo: dict[str, Any]) -> None:
    member = login("committee")
    member.post_form(f"/actions/{demo['actions']['1.3']}/questions/new", {"text": "When?"})
    question = only_question(app)
    for step, data in (
        ("route", {"officer_id": demo["users"]["committee"]}),
        ("answer", {"answer": "Soon"}),
        ("publish", {"wording": "Soon"}),
    ):
        response = member.post_form(f"/questions/{question.id}/{step}", {"version": question.version, **data})
        assert response.status_code == 403, step
    assert 'action="/questions/' not in member.get(f"/questions/{question.id}").get_data(as_text=True)
    assert only_question(app).state == "asked"


def test_two_people_publishing_at_once_one_wins_and_the_other_is_told(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    member = login("committee")
    member.post_form(f"/actions/{demo['actions']['1.3']}/questions/new", {"text": "When?"})
    question = only_question(app)
    pm = login("pm")
    page = pm.get(f"/questions/{question.id}").get_data(as_text=True)
    data = {"version": version_in(page, f"/questions/{question.id}/route"), "officer_id": demo["users"]["sm1"]}
    assert pm.post_form(f"/questions/{question.id}/route", data).status_code == 303
    late = pm.post_form(f"/questions/{question.id}/route", {**data, "officer_id": demo["users"]["sm2"]})
    assert late.status_code == 409 and "Someone else moved this question on" in late.get_data(as_text=True)
    assert only_question(app).routed_to_id == demo["users"]["sm1"]
