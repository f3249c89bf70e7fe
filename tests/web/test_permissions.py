"""The permission table tried in full: every route of the URL map, every role, anonymous included."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from tests.conftest import Client, Databases
from tests.web.permission_table import FORBIDDEN, LOGIN, OK, PERMISSIONS, REDIRECT, ROLES

IGNORED_METHODS = {"HEAD", "OPTIONS"}


@pytest.fixture(scope="module")
def seeded(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, Any]]]:
    """One demo database for the whole table: its requests change nothing (see permission_table.py)."""
    app = databases.app(tmp_path_factory.mktemp("permissions"), demo=True)
    ids = copy.deepcopy(databases.demo_ids)
    from app.policy import SYSTEM
    from app.services import accounts

    with app.app_context():
        target = accounts.create_user(
            SYSTEM, email="target@example.org", name="Target Person", role="committee_member",
            password="a long enough password for tests",
        )
        ids["target_user"] = target.id
        ids.update(make_proposals(ids))
    yield app, ids
    databases.close(app)


def make_proposals(ids: dict[str, Any]) -> dict[str, Any]:
    """A draft and a submitted proposal (with a file of evidence) by sm1, in the work stream sm1 runs."""
    from app.models import User
    from app.services import proposals
    from app.services.proposals import EvidenceInput, ProposalInput

    sm1 = db.session.get(User, ids["users"]["sm1"])
    draft = proposals.create(sm1, "action", ids["actions"]["1.4"], ProposalInput(values={"progress": "Draft words."}))
    submitted = proposals.create(
        sm1, "action", ids["actions"]["1.5"],
        ProposalInput(values={"status": "COMPLETED", "progress": "All posts filled."},
                      evidence=EvidenceInput(filename="tracker.csv", data=b"post,filled\nTM1,yes\n", note="Posts filled")),
        submit=True,
    )
    from app.models import Action
    from app.services import risks

    flagged = db.session.get(Action, ids["actions"]["1.7"])
    flagged.at_risk = True
    risks.reevaluate(flagged)
    db.session.commit()
    entry = risks.entry_for_action(flagged.id)
    from datetime import date

    from app.services import meetings

    pm = db.session.get(User, ids["users"]["pm"])
    presented = meetings.create_meeting(pm, ids["plan_id"], meetings.DEFAULT_COMMITTEE, date(2026, 1, 14))
    meetings.present(pm, presented.id)
    upcoming = meetings.create_meeting(pm, ids["plan_id"], meetings.DEFAULT_COMMITTEE, date(2026, 4, 8))
    return {"presented": presented.id, "upcoming": upcoming.id, "draft": draft.id, "submitted": submitted.id, "evidence": submitted.evidence[0].id, "risk": entry.id}


def url_values(endpoint: str, ids: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "static": {"filename": "css/app.css"},
        "plan.work_stream": {"work_stream_id": ids["work_streams"][1]},
        "plan.action": {"action_id": ids["actions"]["1.3"]},
        "proposals.propose_action": {"target_id": ids["actions"]["1.6"]},
        "proposals.propose_measure": {"target_id": ids["measure"]},
        "proposals.show": {"proposal_id": ids["submitted"]},
        "proposals.edit": {"proposal_id": ids["draft"]},
        "proposals.submit": {"proposal_id": ids["draft"]},
        "proposals.withdraw": {"proposal_id": ids["draft"]},
        "proposals.respond": {"proposal_id": ids["submitted"]},
        "proposals.approve": {"proposal_id": ids["submitted"]},
        "proposals.challenge": {"proposal_id": ids["submitted"]},
        "proposals.reject": {"proposal_id": ids["submitted"]},
        "proposals.download": {"evidence_id": ids["evidence"]},
        "editor.new_action": {"work_stream_id": ids["work_streams"][1]},
        "editor.new_measure": {"work_stream_id": ids["work_streams"][1]},
        "editor.edit_action": {"action_id": ids["actions"]["1.3"]},
        "editor.retirement": {"action_id": ids["actions"]["1.3"]},
        "editor.edit_measure": {"measure_id": ids["measure"]},
        "risks.entry": {"entry_id": ids["risk"]},
        "risks.edit": {"entry_id": ids["risk"]},
        "risks.escalate": {"entry_id": ids["risk"]},
        "risks.comment": {"entry_id": ids["risk"]},
        "committee.meeting": {"meeting_id": ids["presented"]},
        "committee.present": {"meeting_id": ids["upcoming"]},
        "committee.narrative": {"meeting_id": ids["upcoming"]},
        "committee.report": {"meeting_id": ids["presented"]},
        "committee.report_pdf": {"meeting_id": ids["presented"]},
        "committee.report_docx": {"meeting_id": ids["presented"]},
        "committee.export_plan": {"plan_id": ids["plan_id"]},
        "editor.make_current": {"plan_id": ids["plan_id"]},
    }.get(endpoint, {})
    if endpoint.startswith("admin.") and endpoint not in {"admin.users", "admin.new_user"}:
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
def test_route_permission(seeded: tuple[Flask, dict[str, Any]], endpoint: str, method: str, role: str) -> None:
    app, ids = seeded
    client: Client = app.test_client()  # type: ignore[assignment]
    if role != "anonymous":
        assert client.login(f"{role}@example.org").status_code == 302
    with app.test_request_context():
        from flask import url_for

        url = url_for(endpoint, **url_values(endpoint, ids))
    if method == "GET":
        response = client.get(url)
    else:
        response = client.open(url, method=method, data={"csrf_token": client.csrf_token()})
    outcome = classify(response)
    response.close()
    assert outcome == PERMISSIONS[(endpoint, method)][role], (
        f"{method} {url} as {role}: got {response.status_code} {response.headers.get('Location', '')}"
    )
