"""Pages drawn from every plan (the review queue, its overdue panel) are kept while the audit trail's newest
record is the same: asked for again, nothing is read but the session and that record; a new submission, which
is audited, is on the next page at once."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from app.extensions import db
from app.models import User
from tests import approving


def _queue(html: str) -> str:
    part = html[html.index('id="queue"') :]
    return part[: part.index("</table>")]


def test_the_review_queue_is_kept_until_the_trail_moves(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    waiting = approving.submit(app, demo, "3.3")
    pm = login("pm")
    first = pm.get("/review").get_data(as_text=True)
    assert f'href="/proposals/{waiting}"' in _queue(first)
    with count_queries() as queries:
        again = pm.get("/review").get_data(as_text=True)
    assert _queue(again) == _queue(first)
    assert not [s for s in queries.statements if "FROM proposals" in s and "user_sessions" not in s], (
        "the kept queue was read again"
    )
    made = approving.submit(app, demo, "3.4")
    assert f'href="/proposals/{made}"' in _queue(pm.get("/review").get_data(as_text=True)), "the new one is not there"


def test_the_risk_register_is_kept_until_an_entry_changes(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    """The register's results are drawn once per plan version, for each query string; escalating an entry (audited
    with the plan) shows on the next request, on the page and in the fragment htmx asks for."""
    from sqlalchemy import select

    from app.models import RiskEntry
    from app.services import risks

    pm = login("pm")
    first = pm.get("/risks").get_data(as_text=True)
    tag = 'govuk-tag--purple app-status">'  # the "Escalated to SMT" tag, not the filter of that name
    assert tag not in first
    with count_queries() as queries:
        again = pm.get("/risks").get_data(as_text=True)
    assert 'id="heat-map"' in again and again.count("<tr") == first.count("<tr")
    assert not [s for s in queries.statements if "FROM risk_entries" in s], "the kept register was read again"
    with app.app_context():
        entry = db.session.scalars(select(RiskEntry).where(RiskEntry.closed_on.is_(None)).limit(1)).one()
        senior = db.session.get(User, demo["users"]["smt"])
        risks.set_escalated(senior, entry.id, entry.version, True, "Needs the senior team's attention")
    assert tag in pm.get("/risks").get_data(as_text=True), "the escalation did not reach the kept register"
    assert tag in pm.get("/risks", headers={"HX-Request": "true"}).get_data(as_text=True)


def test_the_work_stream_list_is_kept_until_the_trail_moves_and_a_new_manager_shows_at_once(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    """Managers are assigned to a person, outside any plan: the list follows the whole trail, so an assignment
    (audited) is on the next page even though the plan itself did not change."""
    from app.services import accounts

    pm = login("pm")
    first = pm.get("/work-streams").get_data(as_text=True)
    with count_queries() as queries:
        again = pm.get("/work-streams").get_data(as_text=True)
    assert again.count("<tr") == first.count("<tr") > 7
    assert not [s for s in queries.statements if "work_stream_managers" in s], "the kept list was read again"
    with app.app_context():
        admin, sm1 = db.session.get(User, demo["users"]["admin"]), db.session.get(User, demo["users"]["sm1"])
        streams = [ws.id for ws in sm1.work_streams] + [demo["work_streams"][7]]
        accounts.update_user(
            admin, sm1.id, name="Renamed Manager", job_title=sm1.job_title, role=sm1.role, work_stream_ids=streams
        )
    assert "Renamed Manager" not in first
    assert "Renamed Manager" in pm.get("/work-streams").get_data(as_text=True), "the kept list missed the change"


def test_the_changes_since_the_last_meeting_are_kept_until_an_approval(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    def results(html: str) -> str:
        return html[html.index('id="changes-results"') :]

    pm = login("pm")
    first = results(pm.get("/changes").get_data(as_text=True))
    with count_queries() as queries:
        again = results(pm.get("/changes").get_data(as_text=True))
    assert again.count("<tr") == first.count("<tr")
    assert not [s for s in queries.statements if "FROM audit_events JOIN" in s or "FROM baselines" in s], (
        "the kept changes were worked out again"
    )
    made = approving.submit(app, demo, "3.3")
    approving.approve(app, demo, made)
    after = results(pm.get("/changes").get_data(as_text=True))
    assert "0 approved changes" in first
    assert "1 approved change since" in after, "the approval is not among the kept changes"
    fragment = pm.get("/changes", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "1 approved change since" in fragment


def test_the_kept_menu_is_each_persons_own_on_each_page(login: Any) -> None:
    """The main menu is kept rendered per set of items, page and badges: a committee member never gets the
    project manager's menu, and the current page is marked on each page."""
    import re

    def menu(html: str) -> str:
        return html[html.index('aria-label="Main menu"') : html.index("</nav>")]

    def labels(html: str) -> list[str]:
        return re.findall(r'class="govuk-service-navigation__link"[^>]*>\s*([A-Z][\w -]*?)\s*<', menu(html))

    def current(html: str) -> list[str]:
        return re.findall(r'aria-current="page">\s*<strong[^>]*>([^<]+)</strong>', menu(html))

    pm, member = login("pm"), login("committee")
    dashboard, risks = pm.get("/").get_data(as_text=True), pm.get("/risks").get_data(as_text=True)
    assert {"Review", "Audit", "Risks"} <= set(labels(dashboard)), labels(dashboard)
    assert current(dashboard) == ["Dashboard"] and current(risks) == ["Risks"]
    theirs = member.get("/").get_data(as_text=True)
    assert "For members" in labels(theirs)
    assert "Review" not in labels(theirs) and "Audit" not in labels(theirs)
    assert current(theirs) == ["Dashboard"]


def test_the_audit_trail_is_kept_until_the_next_record(login: Any, count_queries: Any) -> None:
    """The trail only grows: its page is kept while its newest record is the same, and the next record (here
    someone signing in) is on the next page at once."""
    pm = login("pm")
    first = pm.get("/audit").get_data(as_text=True)
    with count_queries() as queries:
        pm.get("/audit")
    head = "SELECT audit_events.id, audit_events.hash \nFROM audit_events ORDER BY audit_events.id DESC"
    session = "FROM user_sessions"  # which reads the trail's newest record with the session
    read = [s for s in queries.statements if "FROM audit_events" in s and not s.startswith(head) and session not in s]
    assert not read, "the kept page of the trail was read again"
    signed_in = "Cllr Margaret Ellison signed in"
    before = first.count(signed_in)
    login("committee")
    after = pm.get("/audit").get_data(as_text=True)
    assert after.count(signed_in) == before + 1, "the new record is not on the kept trail"


def _action_sections(html: str) -> tuple[str, str]:
    """An action page's heading and details, and its history: the parts kept rendered."""
    start = html.index('<span class="govuk-caption-l">')
    return html[start : html.index('id="action-details"') + 2000], html[html.index('id="history"') :]


def test_an_action_s_page_is_kept_until_the_trail_moves_and_each_step_shows_at_once(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    """Asked again, the page reads neither the action nor its history; a submission is on the project manager's
    page (with its open-proposal notice) but never in a committee member's history; the approval is on both."""
    page = f"/actions/{demo['actions']['3.3']}"
    pm, member = login("pm"), login("committee")
    first = pm.get(page).get_data(as_text=True)
    with count_queries() as queries:
        again = pm.get(page).get_data(as_text=True)
    assert _action_sections(again) == _action_sections(first)
    read_again = [s for s in queries.statements if "FROM actions" in s or "audit_events.action_id" in s]
    assert not read_again, "the kept page was worked out again"

    made = approving.submit(app, demo, "3.3")
    submitted = "submitted a proposal for action 3.3"
    assert submitted not in first
    seen = pm.get(page).get_data(as_text=True)
    assert submitted in _action_sections(seen)[1], "the submission is not in the project manager's history"
    assert 'id="open-proposal"' in seen and "Propose an update" not in seen
    members = member.get(page).get_data(as_text=True)
    assert submitted not in members, "a committee member was given the project manager's history"

    approving.approve(app, demo, made)
    for client in (pm, member):
        head, history = _action_sections(client.get(page).get_data(as_text=True))
        assert "COMPLETED" in head and "Evidence behind approved changes" in head, "the approval is not on the page"
        assert "The posts are filled, as the evidence shows" in history


def test_an_action_s_page_shows_a_new_question_and_an_owner_s_new_name_at_once(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    """Questions are looked up only for what someone has asked about, and owners are named on the kept page: both
    follow the trail, so the next request shows them."""
    from app.models import Action
    from app.services import accounts, questions

    action_id = demo["actions"]["3.3"]
    page = f"/actions/{action_id}"
    member, pm = login("committee"), login("pm")
    assert "Your questions waiting for an answer" not in member.get(page).get_data(as_text=True)
    with app.app_context():
        asker = db.session.get(User, demo["users"]["committee"])
        questions.ask(asker, "action", action_id, "Why has the first core group slipped?")
    assert "Your questions waiting for an answer" in member.get(page).get_data(as_text=True)

    before = pm.get(page).get_data(as_text=True)
    with app.app_context():
        admin = db.session.get(User, demo["users"]["admin"])
        action = db.session.get(Action, action_id)
        assert action is not None and action.owner is not None
        owner = action.owner
        assert owner.name in before
        accounts.update_user(
            admin,
            owner.id,
            name="Renamed Owner",
            job_title=owner.job_title,
            role=owner.role,
            work_stream_ids=[ws.id for ws in owner.work_streams],
        )
    assert "Renamed Owner" in _action_sections(pm.get(page).get_data(as_text=True))[0]


def _without_tokens(html: str) -> str:
    """The page without its CSRF tokens, which are signed anew each second (htmx's header, each form's field)."""
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'(name="csrf_token"[^>]*) value="[^"]*"', r"\1", html)


def test_a_work_stream_page_is_kept_whole_for_each_set_of_rights(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    """The kept page is the page worked out afresh, read from nothing but the session and the trail's newest
    record; the project manager's links never reach a committee member, nor one manager's another's."""
    page = f"/work-streams/{demo['work_streams'][1]}"
    pm, committee, sm1, sm2 = login("pm"), login("committee"), login("sm1"), login("sm2")  # each sign-in is audited
    first = pm.get(page).get_data(as_text=True)
    with count_queries() as queries:
        again = pm.get(page).get_data(as_text=True)
    assert _without_tokens(again) == _without_tokens(first)
    assert not [s for s in queries.statements if "FROM work_streams" in s or "FROM actions" in s], (
        "the kept page was worked out again"
    )
    assert "Add an action to this work stream" in again
    member = committee.get(page).get_data(as_text=True)
    assert "Add an action to this work stream" not in member and "Propose an update" not in member
    runs_it = sm1.get(page).get_data(as_text=True)  # sm1 runs work stream i, sm2 work stream iii
    elsewhere = sm2.get(page).get_data(as_text=True)
    assert "Propose an update" in runs_it and "Propose an update" not in elsewhere


def test_a_kept_work_stream_page_shows_an_approval_at_once_on_the_page_and_in_its_fragments(
    app: Flask, login: Any, demo: dict[str, Any]
) -> None:
    """Its action table, its filtered fragment and its summary's poll all follow the trail."""
    page = f"/work-streams/{demo['work_streams'][3]}"
    filtered = f"{page}?status=COMPLETED"
    htmx = {"HX-Request": "true"}
    pm = login("pm")
    before = pm.get(page).get_data(as_text=True)
    before_fragment = pm.get(filtered, headers=htmx).get_data(as_text=True)
    before_summary = pm.get(f"{page}?part=summary", headers=htmx).get_data(as_text=True)
    assert "<html" not in before_fragment and "<html" not in before_summary
    approving.complete(app, demo, "3.3")
    after = pm.get(page).get_data(as_text=True)
    after_fragment = pm.get(filtered, headers=htmx).get_data(as_text=True)
    after_summary = pm.get(f"{page}?part=summary", headers=htmx).get_data(as_text=True)
    assert after != before and "All posts filled." in after, "the approval is not on the kept page"
    assert "All posts filled." not in before_fragment and "All posts filled." in after_fragment
    assert after_summary != before_summary, "the summary's poll gave the kept figures"


def test_a_kept_page_never_drops_a_filter_s_error(login: Any, count_queries: Any) -> None:
    """The changes page is kept whole, but not when its work stream filter is in error: the error summary above
    the content is there every time."""
    pm = login("pm")
    pm.get("/changes")
    with count_queries() as queries:
        kept = pm.get("/changes").get_data(as_text=True)
    assert "Changes since the last committee meeting" in kept
    assert not [s for s in queries.statements if "FROM work_streams" in s], "the kept page was worked out again"
    for _ in range(2):
        refused = pm.get("/changes?ws=no-such-stream").get_data(as_text=True)
        assert "There is a problem" in refused


KEPT_ACROSS_SIGN_INS = ["/", "/work-streams", "/actions?status=IN_PROGRESS", "/risks", "/review", "/changes"]


def test_sign_ins_and_refusals_leave_the_kept_pages_kept_and_show_in_the_audit_trail(
    app: Flask, login: Any, demo: dict[str, Any], count_queries: Any
) -> None:
    """A morning of people signing in (and failing to, and being refused) changes nothing those pages show: each
    is still answered from what was kept, reading nothing but the session. The audit trail shows every one of them
    at once."""
    pm = login("pm")
    first = {path: _without_tokens(pm.get(path).get_data(as_text=True)) for path in KEPT_ACROSS_SIGN_INS}
    trail_before = pm.get("/audit").get_data(as_text=True)
    login("sm1")
    member = login("committee")
    assert member.get("/audit").status_code == 403  # refused, and recorded
    assert app.test_client().login("sm2@example.org", "not the password").status_code == 200  # a failed attempt
    for path in KEPT_ACROSS_SIGN_INS:
        with count_queries() as queries:
            again = _without_tokens(pm.get(path).get_data(as_text=True))
        assert again == first[path], f"{path} changed with nobody changing the plan"
        read = [s for s in queries.statements if "user_sessions" not in s and s != "BEGIN"]  # SQLite's BEGIN
        assert read == [], f"{path} was worked out again"
    trail = pm.get("/audit").get_data(as_text=True)
    assert trail != trail_before
    with app.app_context():
        names = {who: db.session.get(User, demo["users"][who]).name for who in ("sm1", "committee", "sm2")}  # type: ignore[union-attr]
    assert f"{names['sm1']} signed in" in trail
    assert "Refused GET /audit" in trail
    assert f"Failed sign-in for {names['sm2']}" in trail
