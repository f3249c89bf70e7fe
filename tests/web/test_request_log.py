"""The request log and the request id: one JSON line per request on stdout, the id sent back with every response,
written into the audit records the request made, and quoted on the error page."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEvent
from app.services import jobs, plan_read
from tests.conftest import Client, Databases
from tests.web.test_committee_cycle import present, record_meeting
from tests.web.test_workflow import act, proposal_id, propose

NEW_ID = re.compile(r"[0-9a-f]{32}")
RQ_REDIS = "redis://127.0.0.1:6379/3"  # db 3: these tests only


@pytest.fixture
def ids(databases: Databases) -> dict[str, Any]:
    return databases.demo_ids


@pytest.fixture
def json_app(make_app: Callable[..., Flask]) -> Flask:
    """The demo, logging as production does: one JSON object a line."""
    return make_app(demo=True, LOG_FORMAT="json")


def signed_in(app: Flask, who: str) -> Client:
    client: Client = app.test_client()  # type: ignore[assignment]
    assert client.login(f"{who}@example.org").status_code == 302
    return client


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The JSON lines written to stdout since the last call."""
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]


def request_lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [line for line in lines(capsys) if line["event"] == "request"]


def test_a_request_writes_one_json_line_with_the_person_the_route_the_status_and_the_time(
    json_app: Flask, ids: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    pm = signed_in(json_app, "pm")
    action_id = ids["actions"]["1.1"]
    capsys.readouterr()
    response = pm.get(f"/actions/{action_id}")
    assert response.status_code == 200
    [line] = request_lines(capsys)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert NEW_ID.fullmatch(line["request_id"])
    assert line["user_id"] == ids["users"]["pm"]
    assert (line["method"], line["route"], line["path"]) == ("GET", "/actions/<int:action_id>", f"/actions/{action_id}")
    assert line["status"] == 200 and line["level"] == "info" and line["logger"] == "app.requests"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["timestamp"].endswith("Z")


def test_a_request_from_no_one_signed_in_logs_no_person_and_a_missing_page_no_route(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    client = json_app.test_client()
    capsys.readouterr()
    assert client.get("/login").status_code == 200
    assert client.get("/actions/999999/nothing-here").status_code == 404
    login, missing = request_lines(capsys)
    assert (login["user_id"], login["route"], login["status"]) == (None, "/login", 200)
    assert (missing["route"], missing["path"], missing["status"]) == (None, "/actions/999999/nothing-here", 404)


def test_the_query_string_is_not_logged(json_app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    pm = signed_in(json_app, "pm")
    capsys.readouterr()
    pm.get("/actions?q=Jane+Doe+address")
    out = capsys.readouterr().out
    assert "/actions" in out and "Jane" not in out


@pytest.mark.parametrize(
    "incoming",
    ["0123456789abcdef0123456789abcdef", "trace-2026.12.01_lb7", "A" * 64, "12345678"],
    ids=["nginx-request-id", "letters-dots-underscores", "64-characters", "8-characters"],
)
def test_a_well_formed_incoming_request_id_is_kept(
    json_app: Flask, incoming: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = json_app.test_client().get("/login", headers={"X-Request-ID": incoming})
    assert response.headers["X-Request-ID"] == incoming
    assert [line["request_id"] for line in request_lines(capsys)] == [incoming]


@pytest.mark.parametrize(
    "incoming",
    ["1234567", "A" * 65, "has a space in it", 'quote"12345678', "semi;colon;1234", "naïve-123456", ""],
    ids=["7-characters", "65-characters", "spaces", "quote", "semicolons", "non-ascii", "empty"],
)
def test_a_malformed_incoming_request_id_is_replaced_by_a_new_one(
    json_app: Flask, incoming: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = json_app.test_client().get("/login", headers={"X-Request-ID": incoming})
    sent = response.headers["X-Request-ID"]
    assert NEW_ID.fullmatch(sent) and sent != incoming
    assert [line["request_id"] for line in request_lines(capsys)] == [sent]


def test_two_requests_get_two_ids(json_app: Flask) -> None:
    client = json_app.test_client()
    first, second = client.get("/login"), client.get("/login")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]


def test_every_response_carries_the_request_id(json_app: Flask, ids: dict[str, Any]) -> None:
    anonymous = json_app.test_client()
    committee = signed_in(json_app, "committee")
    responses = {
        "a static file": anonymous.get("/static/css/app.css"),
        "the health check": anonymous.get("/healthz"),
        "a redirect to sign in": anonymous.get("/"),
        "a missing page": anonymous.get("/no-such-page"),
        "the API": committee.get("/api/v1/summary"),
        "a refusal": committee.get("/admin/users"),
        "a page": committee.get(f"/actions/{ids['actions']['1.1']}"),
    }
    responses["a static file"].close()
    statuses = {name: r.status_code for name, r in responses.items()}
    assert statuses == {
        "a static file": 200,
        "the health check": 200,
        "a redirect to sign in": 302,
        "a missing page": 404,
        "the API": 200,
        "a refusal": 403,
        "a page": 200,
    }
    for name, response in responses.items():
        assert NEW_ID.fullmatch(response.headers.get("X-Request-ID", "")), name


def test_static_files_and_the_health_check_are_logged_only_when_they_fail(
    json_app: Flask, capsys: pytest.CaptureFixture[str]
) -> None:
    client = json_app.test_client()
    capsys.readouterr()
    with client.get("/static/css/app.css") as static:
        assert static.status_code == 200
    assert client.get("/healthz").status_code == 200
    assert request_lines(capsys) == [], "a page asks for several files; a load balancer asks every few seconds"
    assert client.get("/static/css/no-such.css").status_code == 404
    assert [line["path"] for line in request_lines(capsys)] == ["/static/css/no-such.css"]


def test_an_approval_is_audited_under_the_request_id_the_response_sent(
    json_app: Flask, ids: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    sm2, pm = signed_in(json_app, "sm2"), signed_in(json_app, "pm")
    pid = proposal_id(propose(sm2, ids["actions"]["3.3"]))
    with json_app.app_context():
        before = db.session.scalar(select(func.max(AuditEvent.seq)))
    capsys.readouterr()
    approval = act(pm, pid, "approve", "approve")
    assert approval.status_code == 303
    request_id = approval.headers["X-Request-ID"]
    with json_app.app_context():
        written = db.session.scalars(select(AuditEvent).where(AuditEvent.seq > before)).all()
    assert "action.changed" in {e.kind for e in written}
    assert {e.request_id for e in written} == {request_id}, "every record the approval wrote"
    posted = [line for line in request_lines(capsys) if line["method"] == "POST"]
    assert [(line["request_id"], line["status"]) for line in posted] == [(request_id, 303)]

    rows = pm.get("/audit.csv?kind=action").get_data(as_text=True).splitlines()
    assert rows[0].endswith(",request id")
    assert any("Status changed" in row and row.endswith("," + request_id) for row in rows[1:])
    with json_app.app_context():
        from app.services import audit

        assert audit.verify_chain().ok


def test_an_unhandled_error_shows_a_reference_to_quote_and_logs_it_with_the_traceback(
    json_app: Flask, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pm = signed_in(json_app, "pm")

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the figures could not be read")

    monkeypatch.setattr(plan_read, "plan_summary", broken)
    capsys.readouterr()
    response = pm.get("/")
    assert response.status_code == 500
    reference = response.headers["X-Request-ID"]
    page = response.get_data(as_text=True)
    assert "Sorry, there is a problem with the service" in page
    assert re.search(r"If you contact the service desk, quote this reference: <strong[^>]*>" + reference + "<", page)
    logged = lines(capsys)
    [error] = [line for line in logged if line["event"] == "Unhandled error"]
    assert error["request_id"] == reference and error["level"] == "error"
    assert "Traceback" in error["exception"] and "RuntimeError: the figures could not be read" in error["exception"]
    [line] = [line for line in logged if line["event"] == "request"]
    assert (line["request_id"], line["status"], line["level"], line["route"]) == (reference, 500, "error", "/")


def test_an_api_error_gives_the_reference_in_its_json(
    json_app: Flask, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    committee = signed_in(json_app, "committee")

    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("the figures could not be read")

    monkeypatch.setattr(plan_read, "plan_summary", broken)
    response = committee.get("/api/v1/summary", headers={"X-Request-ID": "powerbi-refresh-0042"})
    assert response.status_code == 500
    assert response.get_json() == {
        "error": 500,
        "message": "Sorry, there is a problem with the service",
        "reference": "powerbi-refresh-0042",
    }
    assert any(line["request_id"] == "powerbi-refresh-0042" for line in lines(capsys))


def test_the_readable_format_for_make_run_has_the_same_facts(
    make_app: Callable[..., Flask], capsys: pytest.CaptureFixture[str]
) -> None:
    app = make_app(demo=True, LOG_FORMAT="console")
    capsys.readouterr()
    app.test_client().get("/login", headers={"X-Request-ID": "console-check-1"})
    [line] = [line for line in capsys.readouterr().out.splitlines() if "request_id=console-check-1" in line]
    assert not line.startswith("{")
    for fact in ("request ", "method=GET", "route=/login", "path=/login", "status=200", "user_id=None"):
        assert fact in line


def test_a_job_queued_by_a_request_audits_under_that_requests_id(make_app: Callable[..., Flask]) -> None:
    """The committee pack, prepared in a thread of the server after the request has answered."""
    app = make_app(demo=True, LOG_FORMAT="json", JOBS_MODE="thread")
    pm = signed_in(app, "pm")
    meeting = record_meeting(pm)
    presented = present(pm, meeting)
    assert presented.status_code == 303
    jobs.join_threads()
    with app.app_context():
        stored = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "plan.pack_stored")).one()
    assert stored.request_id == presented.headers["X-Request-ID"]


def test_the_rq_worker_runs_a_queued_job_under_the_id_of_the_request_that_queued_it(
    make_app: Callable[..., Flask],
) -> None:
    """A real Redis (db 3) and a real RQ worker in burst mode (which forks a child for the job)."""
    name = f"test-request-id-{uuid.uuid4().hex}"
    app = make_app(demo=True, JOBS_MODE="rq", JOBS_REDIS_URL=RQ_REDIS, JOBS_QUEUE=name)
    pm = signed_in(app, "pm")
    meeting = record_meeting(pm)
    try:
        presented = pm.post_form(f"/meetings/{meeting}/present", headers={"X-Request-ID": "committee-pack-7f3c9a1e"})
        assert presented.status_code == 303
        with app.app_context():
            assert jobs.worker().work(burst=True), "the worker found the job"
            stored = db.session.scalars(select(AuditEvent).where(AuditEvent.kind == "plan.pack_stored")).one()
        assert stored.request_id == "committee-pack-7f3c9a1e"
    finally:
        with app.app_context():
            connection = jobs.connection()
            for key in connection.scan_iter(f"rq:*{name}*"):
                connection.delete(key)


def test_a_flask_command_audits_under_an_id_of_its_own(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            *("users", "create", "--email", "it.admin@council.gov.uk", "--name", "Ida Admin"),
            *("--role", "administrator", "--password", "Tangerine-quartz-velvet-7381"),
        ]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        [created] = db.session.scalars(select(AuditEvent)).all()
    assert re.fullmatch(r"cli-[0-9a-f]{16}", created.request_id)
