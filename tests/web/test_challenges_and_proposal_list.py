"""Through the pages: the challenge log and its due date, overdue challenges on the dashboard and the review
queue, and the proposals list with its filters, pages and permissions."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from flask import Flask

from app import clock
from app.extensions import db
from app.models import Challenge, Proposal, User
from app.services import proposal_list, proposals
from app.services.proposals import ProposalInput
from tests.web.test_workflow import act, proposal_id, propose

QUESTION = "Which posts are still covered by agency staff?"


def text(response: Any) -> str:
    return response.get_data(as_text=True)


def submitted_by(app: Flask, demo: dict[str, Any], who: str, ref: str, *, submit: bool = True) -> int:
    with app.app_context():
        author = db.session.get(User, demo["users"][who])
        data = ProposalInput(values={"progress": f"Progress on {ref} this month."})
        pid = proposals.create(author, "action", demo["actions"][ref], data, submit=submit).id
        db.session.remove()
    return pid


def test_challenge_with_the_default_due_date_then_answered_shows_in_the_log(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm = login("sm2"), login("pm")
    pid = proposal_id(propose(sm2, demo["actions"]["3.3"]))
    page = text(pm.get(f"/proposals/{pid}"))
    assert "Answer due by (optional)" in page and "Leave blank for 10 working days" in page
    assert act(pm, pid, "challenge", "challenge", question=QUESTION).status_code == 303

    page = text(sm2.get(f"/proposals/{pid}"))
    log = page[page.index('id="challenge-log"') : page.index('id="conversation"')]
    assert QUESTION in log and "Awaiting an answer" in log and "due in 14 days" in log
    response = act(sm2, pid, "respond", "respond", answer="Two, both advertised.")
    assert response.status_code == 303
    log = text(pm.get(f"/proposals/{pid}"))
    log = log[log.index('id="challenge-log"') : log.index('id="conversation"')]
    assert "Answered on time" in log and "Not decided yet" in log
    assert act(pm, pid, "approve", "approve").status_code == 303
    log = text(pm.get(f"/proposals/{pid}"))
    assert "Approved" in log[log.index('id="challenge-log"') : log.index('id="conversation"')]


def test_a_due_date_in_the_past_is_refused_with_the_question_kept(login: Any, demo: dict[str, Any]) -> None:
    sm2, pm = login("sm2"), login("pm")
    pid = proposal_id(propose(sm2, demo["actions"]["3.3"]))
    response = act(pm, pid, "challenge", "challenge", question=QUESTION, due_on=["1", "1", "2020"])
    assert response.status_code == 400
    page = text(response)
    assert "govuk-error-summary" in page and "The response due date must be today or in the future" in page
    assert QUESTION in page, "the question typed is kept"
    chosen = clock.today().replace(day=1).replace(year=clock.today().year + 1)
    due = [str(chosen.day), str(chosen.month), str(chosen.year)]
    assert act(pm, pid, "challenge", "challenge", question=QUESTION, due_on=due).status_code == 303
    assert f"{chosen.day} {chosen:%B %Y}" in text(pm.get(f"/proposals/{pid}"))


def test_an_overdue_challenge_shows_on_the_dashboard_and_the_review_queue(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    pid = submitted_by(app, demo, "sm2", "3.3")
    with app.app_context():
        p = db.session.get(Proposal, pid)
        proposals.challenge(db.session.get(User, demo["users"]["pm"]), pid, p.version, QUESTION)
        due = db.session.query(Challenge).one().due_on
        db.session.remove()
    assert 'id="overdue-challenges"' not in text(login("pm").get("/"))
    with clock.travel_to(datetime.combine(due + timedelta(days=1), time(12))):  # signed in then: sessions go idle
        pm, smt, committee = login("pm"), login("smt"), login("committee")
        for client in (pm, smt):
            dashboard = text(client.get("/"))
            assert 'id="overdue-challenges"' in dashboard and f"/proposals/{pid}" in dashboard
            assert "1 day overdue" in dashboard
        assert 'id="overdue-challenges"' in text(pm.get("/review"))
        assert 'id="overdue-challenges"' not in text(committee.get("/")), "members see no proposals"
        listing = text(pm.get("/proposals"))
        assert "Answer overdue" in listing


def test_the_senior_manager_lists_every_submitted_proposal_but_no_ones_draft(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    mine = submitted_by(app, demo, "sm2", "3.3")
    draft = submitted_by(app, demo, "sm1", "1.3", submit=False)
    other = submitted_by(app, demo, "sm1", "1.5")
    smt = login("smt")
    page = text(smt.get("/proposals"))
    assert '<h1 class="govuk-heading-l">Proposals</h1>' in page
    assert f'/proposals/{mine}"' in page and f'/proposals/{other}"' in page
    assert f'/proposals/{draft}"' not in page
    assert 'href="/proposals"' in page, "in the navigation"

    sm2 = text(login("sm2").get("/proposals"))
    assert "Your proposals" in sm2 and f'/proposals/{mine}"' in sm2 and f'/proposals/{other}"' not in sm2
    assert login("committee").get("/proposals").status_code == 403
    assert login("admin").get("/proposals").status_code == 403


def test_the_list_filters_by_state_work_stream_author_and_age_in_the_url(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    tom = submitted_by(app, demo, "sm2", "3.3")
    sarah = submitted_by(app, demo, "sm1", "1.5")
    pm = login("pm")

    submitted = ids(text(pm.get("/proposals?state=submitted")))
    assert {tom, sarah} <= submitted
    assert all(db_state(app, pid) == "submitted" for pid in submitted)
    ws3 = demo["work_streams"][3]
    in_iii = ids(text(pm.get(f"/proposals?state=submitted&work_stream={ws3}")))
    assert tom in in_iii and sarah not in in_iii
    by_sarah = text(pm.get(f"/proposals?author={demo['users']['sm1']}&state=submitted"))
    assert ids(by_sarah) == {sarah} and "matching the filters" in by_sarah
    assert f'<option value="{demo["users"]["sm1"]}" selected>Sarah Whitfield</option>' in by_sarah
    assert {tom, sarah}.isdisjoint(ids(text(pm.get("/proposals?older_than=7")))), "submitted today"
    with clock.travel_to(clock.utcnow() + timedelta(days=8)):
        older = text(login("pm").get("/proposals?older_than=7&state=submitted"))
        assert {tom, sarah} <= ids(older) and "8 days" in older
    assert pm.get("/proposals?state=nonsense&work_stream=x&author=99999999999&older_than=3").status_code == 200


def ids(html: str) -> set[int]:
    return {int(n) for n in re.findall(r'href="/proposals/(\d+)"', html)}


def db_state(app: Flask, pid: int) -> str:
    with app.app_context():
        state = db.session.get(Proposal, pid).state
        db.session.remove()
    return state


def test_the_list_comes_a_page_at_a_time_with_the_filters_kept(
    app: Flask, login: Any, demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for who, ref in (("sm2", "3.3"), ("sm2", "3.5"), ("sm1", "1.3"), ("sm1", "1.5")):
        submitted_by(app, demo, who, ref)
    monkeypatch.setattr(proposal_list, "PER_PAGE", 2)
    monkeypatch.setattr(proposal_list.find_page, "__kwdefaults__", {"page": 1, "per_page": 2})
    pm = login("pm")
    first = text(pm.get("/proposals?state=submitted"))
    assert "Showing 1 to 2 of 4 proposals matching the filters" in first
    assert 'aria-label="Pages of proposals"' in first
    assert "/proposals?state=submitted&amp;page=2" in first
    second = text(pm.get("/proposals?state=submitted&page=2"))
    assert "Showing 3 to 4 of 4" in second
    assert "Showing 3 to 4 of 4" in text(pm.get("/proposals?state=submitted&page=99")), "past the end: the last page"


def test_many_overdue_challenges_are_counted_on_the_dashboard_with_a_way_to_every_one(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    refs = [ref for ref in demo["actions"] if ref.split(".")[0] in ("3", "4")][:12]
    for ref in refs:
        pid = submitted_by(app, demo, "sm2", ref)
        with app.app_context():
            p = db.session.get(Proposal, pid)
            proposals.challenge(db.session.get(User, demo["users"]["pm"]), pid, p.version, QUESTION)
            db.session.remove()
    with app.app_context():
        due = max(c.due_on for c in db.session.query(Challenge))
        db.session.remove()
    with clock.travel_to(datetime.combine(due + timedelta(days=1), time(12))):
        pm_client = login("pm")
        panel = text(pm_client.get("/"))
        panel = panel[panel.index('id="overdue-challenges"') :]
        panel = panel[: panel.index("</div>")]
        assert "12 challenges have had no answer by the due date." in " ".join(panel.split())
        assert "The 10 longest overdue are listed here" in panel and panel.count("<li>") == 10
        link = re.search(r'href="([^"]*state=challenged[^"]*)"', panel)
        assert link, "a way to every challenged proposal"
        listing = text(pm_client.get(link.group(1).replace("&amp;", "&")))
        assert listing.count("Answer overdue") >= 12
