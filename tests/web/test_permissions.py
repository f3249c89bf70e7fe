"""The permission table tried in full: every route of the URL map, every role, anonymous included."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask, url_for

from app.extensions import db
from tests.conftest import Client, Databases
from tests.web.permission_table import FORBIDDEN, LOGIN, OK, PERMISSIONS, REDIRECT, ROLES

IGNORED_METHODS = {"HEAD", "OPTIONS"}
# What each service manager has in the work stream they run: (work stream, draft, submitted, to propose on, flagged).
RUNS = {"sm1": (1, "1.4", "1.5", "1.6", "1.7"), "sm2": (3, "3.4", "3.5", "3.6", "3.8")}


@pytest.fixture(scope="module")
def seeded(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, Any]]]:
    """One demo database for the whole table: its requests change nothing (see permission_table.py).

    The table is about who may, not about what a report holds (test_report_render and test_committee_cycle
    prove that), so the report's renderers are stood in for here: they cost seconds a request.
    """
    from app.policy import SYSTEM
    from app.services import accounts, report

    app = databases.app(tmp_path_factory.mktemp("permissions"), demo=True)
    ids = copy.deepcopy(databases.demo_ids)
    with app.app_context():
        target = accounts.create_user(
            SYSTEM,
            email="target@example.org",
            name="Target Person",
            role="committee_member",
            password="a long enough password for tests",
        )
        ids["target_user"] = target.id
        from app.models import User
        from app.services import api_tokens

        admin = db.session.get(User, ids["users"]["admin"])
        ids["api_token"] = api_tokens.create(admin, "Table", target.id)[0].id
        ids.update(make_meetings(ids))
        ids["in"] = {who: make_work_stream_things(ids, who) for who in RUNS}
        ids["round"] = make_round(ids)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report, "render_html", lambda data, **_: "<html><body><h1>Report</h1></body></html>")
        patch.setattr(report, "render_pdf", lambda data, **_: b"%PDF-1.4 stand-in")
        patch.setattr(report, "render_docx", lambda data, **_: b"PK stand-in")
        yield app, ids
    databases.close(app)


def make_meetings(ids: dict[str, Any]) -> dict[str, int]:
    from app.clock import today
    from app.models import User
    from app.services import meetings

    pm = db.session.get(User, ids["users"]["pm"])
    day = today()  # none in the future: a meeting can be presented on its day or after it
    presented = meetings.create_meeting(
        pm, ids["plan_id"], meetings.DEFAULT_COMMITTEE, day - timedelta(days=90), "Contact Officer"
    )
    meetings.present(pm, presented.id)
    # presented by the table's POST; the other stays unpresented for the narrative, details and preview
    to_present = meetings.create_meeting(
        pm, ids["plan_id"], meetings.DEFAULT_COMMITTEE, day - timedelta(days=1), "Contact Officer"
    )
    upcoming = meetings.create_meeting(pm, ids["plan_id"], meetings.DEFAULT_COMMITTEE, day, "Contact Officer")
    return {"presented": presented.id, "to_present": to_present.id, "upcoming": upcoming.id}


def make_work_stream_things(ids: dict[str, Any], who: str) -> dict[str, int]:
    """In the work stream `who` runs: a draft and a submitted proposal (with a file of evidence) by them, an action
    and a measure to propose on, and a risk register entry (an action flagged as in danger of missing its deadline)."""
    from app.models import Action, PerformanceMeasure, User
    from app.services import proposals, risks
    from app.services.proposals import EvidenceInput, ProposalInput

    number, draft_ref, submitted_ref, propose_ref, flagged_ref = RUNS[who]
    manager = db.session.get(User, ids["users"][who])
    draft = proposals.create(
        manager, "action", ids["actions"][draft_ref], ProposalInput(values={"progress": "Draft words."})
    )
    submitted = proposals.create(
        manager,
        "action",
        ids["actions"][submitted_ref],
        ProposalInput(
            values={"status": "COMPLETED", "progress": "All posts filled."},
            reasons={"status": "All posts are filled"},
            evidence=EvidenceInput(filename="tracker.csv", data=b"post,filled\nTM1,yes\n", note="Posts filled"),
        ),
        submit=True,
    )
    flagged = db.session.get(Action, ids["actions"][flagged_ref])
    flagged.at_risk = True
    risks.reevaluate(flagged)
    db.session.commit()
    measure = db.session.query(PerformanceMeasure).filter_by(reference=f"{number}.M1", checkpoint=6).one()
    question = make_question(ids, ids["actions"][propose_ref], manager)
    return {
        "work_stream": ids["work_streams"][number],
        "draft": draft.id,
        "submitted": submitted.id,
        "evidence": submitted.evidence[0].id,
        "action": ids["actions"][propose_ref],
        "measure": measure.id,
        "risk": risks.entry_for_action(flagged.id).id,
        "question": question,
    }


def make_round(ids: dict[str, Any]) -> int:
    """An open update round, and in it an item on each service manager's checklist."""
    from app.clock import today
    from app.models import User
    from app.services import rounds

    pm = db.session.get(User, ids["users"]["pm"])
    opened = rounds.open_for_month(pm, ids["plan_id"], today(), today() + timedelta(days=14))
    for who in RUNS:
        manager = db.session.get(User, ids["users"][who])
        ids["in"][who]["round_item"] = rounds.checklist(manager, opened.id).items[0].item.id
    return opened.id


def make_question(ids: dict[str, Any], action_id: int, officer: Any) -> int:
    """A committee member's question on the action, sent by the project manager to `officer` to answer."""
    from app.models import User
    from app.services import questions

    member = db.session.get(User, ids["users"]["committee"])
    pm = db.session.get(User, ids["users"]["pm"])
    asked = questions.ask(member, "action", action_id, "When will this be finished?")
    return questions.route(pm, asked.id, asked.version, officer.id, "").id


def url_values(endpoint: str, ids: dict[str, Any], owner: str = "sm1") -> dict[str, Any]:
    """The URL's values for an endpoint, on the things in `owner`'s work stream where it matters."""
    mine = ids["in"][owner]
    values: dict[str, Any] = {
        "static": {"filename": "css/app.css"},
        "plan.work_stream": {"work_stream_id": ids["work_streams"][1]},
        "plan.action": {"action_id": ids["actions"]["1.3"]},
        "proposals.propose_action": {"target_id": mine["action"]},
        "proposals.propose_measure": {"target_id": mine["measure"]},
        "proposals.show": {"proposal_id": mine["submitted"]},
        "proposals.act": {"proposal_id": mine["submitted"]},
        "proposals.edit": {"proposal_id": mine["draft"]},
        "proposals.submit": {"proposal_id": mine["draft"]},
        "proposals.withdraw": {"proposal_id": mine["draft"]},
        "proposals.respond": {"proposal_id": mine["submitted"]},
        "proposals.approve": {"proposal_id": mine["submitted"]},
        "proposals.challenge": {"proposal_id": mine["submitted"]},
        "proposals.reject": {"proposal_id": mine["submitted"]},
        "proposals.download": {"evidence_id": mine["evidence"]},
        "editor.new_action": {"work_stream_id": ids["work_streams"][1]},
        "editor.new_measure": {"work_stream_id": ids["work_streams"][1]},
        "editor.edit_action": {"action_id": ids["actions"]["1.3"]},
        "editor.retirement": {"action_id": ids["actions"]["1.3"]},
        "editor.edit_measure": {"measure_id": ids["measure"]},
        "risks.entry": {"entry_id": mine["risk"]},
        "risks.edit": {"entry_id": mine["risk"]},
        "risks.escalate": {"entry_id": mine["risk"]},
        "risks.comment": {"entry_id": mine["risk"]},
        "questions.ask_action": {"action_id": mine["action"]},
        "questions.ask_risk": {"entry_id": mine["risk"]},
        "questions.show": {"question_id": mine["question"]},
        "questions.route": {"question_id": mine["question"]},
        "questions.answer": {"question_id": mine["question"]},
        "questions.publish": {"question_id": mine["question"]},
        "committee.meeting": {"meeting_id": ids["presented"]},
        "committee.present": {"meeting_id": ids["to_present"]},
        "committee.confirm_present": {"meeting_id": ids["upcoming"]},
        "committee.narrative": {"meeting_id": ids["upcoming"]},
        "committee.details": {"meeting_id": ids["upcoming"]},
        "committee.preview": {"meeting_id": ids["upcoming"]},
        "committee.report": {"meeting_id": ids["presented"]},
        "committee.report_pdf": {"meeting_id": ids["presented"]},
        "committee.report_docx": {"meeting_id": ids["presented"]},
        "committee.report_chart": {"meeting_id": ids["presented"], "chart": "actions"},
        "committee.report_appendix": {"meeting_id": ids["presented"], "first": 1, "last": 7, "ext": "pdf"},
        "committee.pack_status": {"meeting_id": ids["presented"]},
        "committee.prepare_pack": {"meeting_id": ids["presented"]},
        "committee.export_plan": {"plan_id": ids["plan_id"]},
        "editor.make_current": {"plan_id": ids["plan_id"]},
        "rounds.no_change": {"round_id": ids["round"], "item_id": mine["round_item"]},
        "api.plan": {"plan_id": ids["plan_id"]},
        "api.work_streams": {"plan_id": ids["plan_id"]},
        "api.work_stream": {"work_stream_id": ids["work_streams"][1]},
        "api.actions": {"plan_id": ids["plan_id"]},
        "api.action": {"action_id": ids["actions"]["1.3"]},
        "api.measures": {"plan_id": ids["plan_id"]},
        "api.risk_register": {"plan_id": ids["plan_id"]},
        "api.changes": {"plan_id": ids["plan_id"]},
        "api.changes_since": {"meeting_id": ids["presented"]},
        "api.meetings_list": {"plan_id": ids["plan_id"]},
        "api.meeting": {"meeting_id": ids["presented"]},
    }.get(endpoint, {})
    if endpoint.startswith("rounds.") and endpoint not in {"rounds.index", "rounds.new"}:
        values.setdefault("round_id", ids["round"])
    if endpoint == "admin.revoke_api_token":
        values = {"token_id": ids.get("api_token", 1)}  # test_fuzz makes no token: any id will do there
    elif endpoint.startswith("admin.") and endpoint not in {
        "admin.users",
        "admin.new_user",
        "admin.api_tokens_page",
        "admin.new_api_token",
    }:
        values = {"user_id": ids["target_user"]}
    return values


def classify(response: Any) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 401 or (response.status_code in (302, 303) and "/login?next=" in location):
        return LOGIN
    if response.headers.get("HX-Redirect", "").startswith("/login"):
        return LOGIN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code in (301, 302, 303):
        return REDIRECT
    if 200 <= response.status_code < 300 or response.status_code in (400, 409):
        return OK
    return f"unexpected {response.status_code}"


@pytest.fixture(scope="module")
def signed_in(seeded: tuple[Flask, dict[str, Any]]) -> dict[str, Client]:
    """A client per role, signed in once through the login form and reused (signing out is tried on its own)."""
    app, _ = seeded
    clients: dict[str, Client] = {}
    for role in ROLES:
        clients[role] = app.test_client()  # type: ignore[assignment]
        if role != "anonymous":
            assert clients[role].login(f"{role}@example.org").status_code == 302, f"could not sign in as {role}"
    return clients


def outcome_of(
    seeded: tuple[Flask, dict[str, Any]],
    signed_in: dict[str, Client],
    endpoint: str,
    method: str,
    role: str,
    owner: str = "sm1",
) -> tuple[str, str]:
    """Send the request as `role`; returns what happened and a line that says so."""
    app, ids = seeded
    client = signed_in[role]
    if endpoint == "auth.logout" and role != "anonymous":
        client = app.test_client()  # type: ignore[assignment]
        assert client.login(f"{role}@example.org").status_code == 302
    with app.test_request_context():
        url = url_for(endpoint, **url_values(endpoint, ids, owner))
    if method == "GET":
        response = client.get(url)
    else:
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
    response.close()
    return classify(
        response
    ), f"{method} {url} as {role}: got {response.status_code} {response.headers.get('Location', '')}"


def test_every_route_is_in_the_permission_table(seeded: tuple[Flask, dict[str, Any]]) -> None:
    app, _ = seeded
    in_map = {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - IGNORED_METHODS
    }
    missing = in_map - set(PERMISSIONS)
    stale = set(PERMISSIONS) - in_map
    assert not missing, f"routes with no permission entry: {sorted(missing)}"
    assert not stale, f"permission entries with no route: {sorted(stale)}"
    for key, table in PERMISSIONS.items():
        assert set(table) == set(ROLES), f"{key} does not say what happens to every role"


CASES = [(endpoint, method, role) for (endpoint, method) in PERMISSIONS for role in ROLES]


@pytest.mark.parametrize(("endpoint", "method", "role"), CASES, ids=[f"{m} {e} as {r}" for e, m, r in CASES])
def test_route_permission(
    seeded: tuple[Flask, dict[str, Any]], signed_in: dict[str, Client], endpoint: str, method: str, role: str
) -> None:
    outcome, said = outcome_of(seeded, signed_in, endpoint, method, role)
    assert outcome == PERMISSIONS[(endpoint, method)][role], said


SCOPED = [(endpoint, method) for (endpoint, method), table in PERMISSIONS.items() if table["sm2"] != table["sm1"]]


def test_work_stream_scoping_is_in_the_table() -> None:
    """sm2 is refused changes in sm1's work stream: proposing, the workflow's steps, editing the risk entry."""
    assert {
        ("proposals.propose_action", "POST"),
        ("proposals.propose_measure", "POST"),
        ("proposals.edit", "POST"),
        ("proposals.submit", "POST"),
        ("proposals.respond", "POST"),
        ("proposals.download", "GET"),
        ("risks.edit", "POST"),
        ("questions.show", "GET"),  # a question before it is published: the officer it was sent to
        ("questions.answer", "POST"),
    } <= set(SCOPED)
    assert all(PERMISSIONS[key]["sm2"] == FORBIDDEN for key in SCOPED)


@pytest.mark.parametrize(("endpoint", "method"), SCOPED, ids=[f"{m} {e}" for e, m in SCOPED])
def test_a_service_manager_may_in_their_own_work_streams_what_they_may_not_in_others(
    seeded: tuple[Flask, dict[str, Any]], signed_in: dict[str, Client], endpoint: str, method: str
) -> None:
    outcome, said = outcome_of(seeded, signed_in, endpoint, method, "sm2", owner="sm2")
    assert outcome == PERMISSIONS[(endpoint, method)]["sm1"], said
