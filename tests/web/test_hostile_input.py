"""No 500 from any input: the cases the penetration test found, one by one."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app.extensions import db
from app.models import AuditEvent, Evidence, Notification, User
from app.services import proposals
from app.services.proposals import EvidenceInput, ProposalInput
from tests.conftest import Client

HUGE = ["2147483648", "9223372036854775808", "1" + "0" * 30]


@pytest.mark.parametrize("value", HUGE)
def test_an_id_beyond_the_database_integer_is_not_found(login: Any, demo: dict[str, Any], value: str) -> None:
    pm = login("pm")
    for path in (f"/actions/{value}", f"/work-streams/{value}", f"/proposals/{value}", f"/evidence/{value}"):
        assert pm.get(path).status_code == 404, path
    assert pm.post_form(f"/risks/{value}/comments", {"body": "A comment"}).status_code == 404


@pytest.mark.parametrize("name", ["plan", "work_stream", "owner", "person"])
@pytest.mark.parametrize("value", HUGE)
def test_huge_filter_values_are_ignored(login: Any, demo: dict[str, Any], name: str, value: str) -> None:
    pm = login("pm")
    for path in ("/", "/actions", "/risks", "/audit", "/risks.csv", "/committee/changes"):
        response = pm.get(path, query_string={name: value})
        assert response.status_code < 500, f"{path}?{name}={value}: {response.status_code}"


@pytest.mark.parametrize("page", ["99999999999999999999", "²", "0", "-3", "1000001"])
def test_an_audit_page_out_of_range_shows_the_first_page(login: Any, demo: dict[str, Any], page: str) -> None:
    assert login("pm").get("/audit", query_string={"page": page}).status_code == 200


@pytest.mark.parametrize("query", [{"to": "9999-12-31"}, {"from": "0001-01-01"}, {"person": "9" * 30}])
def test_the_audit_csv_is_whole_whatever_the_filter(login: Any, demo: dict[str, Any], query: dict[str, str]) -> None:
    response = login("pm").get("/audit.csv", query_string=query)
    assert response.status_code == 200
    assert response.get_data(as_text=True).startswith("id,when (UTC),who")


def _deadline(year: str) -> dict[str, Any]:
    return {"title": "A new action", "deadline": ["1", "6", year], "reason": "Agreed at the board"}


@pytest.mark.parametrize("year", ["99999999999", "10000", "1999", "2101"])
def test_a_date_with_a_huge_or_unlikely_year_is_a_form_error(login: Any, demo: dict[str, Any], year: str) -> None:
    response = login("pm").post_form(f"/editor/work-streams/{demo['work_streams'][1]}/actions/new", _deadline(year))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Deadline must be a real date" in html or "Deadline must be a date between 2000 and 2100" in html


def test_a_huge_day_is_a_form_error_not_an_overflow(login: Any, demo: dict[str, Any]) -> None:
    data = {**_deadline("2026"), "deadline": ["9" * 20, "1", "2026"]}
    response = login("pm").post_form(f"/editor/work-streams/{demo['work_streams'][1]}/actions/new", data)
    assert response.status_code == 400 and "Deadline must be a real date" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", ["before\x00after", "bell\x07", "escape\x1b[2J"])
def test_nul_and_control_characters_are_a_form_error(login: Any, demo: dict[str, Any], text: str, app: Flask) -> None:
    pm = login("pm")
    with app.app_context():
        from app.services import risks

        entry = risks.entries(demo["plan_id"])[0].id
    comment = pm.post_form(f"/risks/{entry}/comments", {"body": text})
    assert comment.status_code == 400 and "must not contain control characters" in comment.get_data(as_text=True)
    stream = pm.post_form(
        f"/editor/work-streams/new?plan={demo['plan_id']}", {"title": text, "reason": "A new area of work"}
    )
    assert stream.status_code == 400 and "Title must not contain control characters" in stream.get_data(as_text=True)


def test_nul_in_the_sign_in_form_is_a_form_error(client: Client, demo: dict[str, Any]) -> None:
    token = client.csrf_token("/login")
    response = client.post("/login", data={"email": "pm@example.org\x00", "password": "x\x00", "csrf_token": token})
    assert response.status_code == 200
    assert "must not contain control characters" in response.get_data(as_text=True)


def test_a_blank_checkpoint_on_a_new_measure_is_a_form_error(login: Any, demo: dict[str, Any]) -> None:
    response = login("pm").post_form(
        f"/editor/work-streams/{demo['work_streams'][1]}/measures/new",
        {"description": "More children seen", "target": "90%", "checkpoint": "", "reason": "Board decision"},
    )
    assert response.status_code in (303, 400)


def _evidence_file(app: Flask, demo: dict[str, Any]) -> tuple[int, int]:
    with app.app_context():
        sm1 = db.session.get(User, demo["users"]["sm1"])
        proposal = proposals.create(
            sm1,
            "action",
            demo["actions"]["1.5"],
            ProposalInput(
                values={"status": "COMPLETED", "progress": "All posts filled."},
                reasons={"status": "All posts are filled"},
                evidence=EvidenceInput(filename="tracker.csv", data=b"post,filled\nTM1,yes\n", note="Posts filled"),
            ),
            submit=True,
        )
        return proposal.evidence[0].id, proposal.id


def _stored_path(app: Flask, evidence_id: int) -> Path:
    with app.app_context():
        key = db.session.get(Evidence, evidence_id).storage_key
    return Path(app.config["EVIDENCE_DIR"]) / key[:2] / key


@pytest.mark.parametrize("fault", ["missing", "altered"])
def test_a_missing_or_altered_evidence_file_gets_a_clear_page_an_audit_record_and_a_notice(
    app: Flask, login: Any, demo: dict[str, Any], fault: str
) -> None:
    evidence_id, proposal_id = _evidence_file(app, demo)
    path = _stored_path(app, evidence_id)
    if fault == "missing":
        path.unlink()
    else:
        os.chmod(path, 0o640)
        path.write_bytes(b"post,filled\nTM1,no\n")
    pm = login("pm")
    for _ in range(2):
        response = pm.get(f"/evidence/{evidence_id}")
        assert response.status_code == (410 if fault == "missing" else 409)
        html = response.get_data(as_text=True)
        assert "This evidence file cannot be sent" in html and "The project manager has been told" in html
    with app.app_context():
        records = db.session.query(AuditEvent).filter_by(kind="evidence.unavailable", object_id=evidence_id).all()
        assert len(records) == 2 and records[0].after["problem"] == fault
        notices = db.session.query(Notification).filter_by(user_id=demo["users"]["pm"]).all()
        assert len([n for n in notices if "in the store" in n.message]) == 1, "told once, not on every attempt"


@pytest.mark.parametrize("owner", ["2147483648", "9" * 30, "²"])
def test_a_huge_owner_id_in_a_form_is_a_form_error(login: Any, demo: dict[str, Any], owner: str) -> None:
    response = login("pm").post_form(
        f"/editor/work-streams/{demo['work_streams'][1]}/actions/new",
        {"title": "A new action", "owner_id": owner, "reason": "Agreed at the board"},
    )
    assert response.status_code == 400


def test_a_huge_work_stream_id_for_a_service_manager_is_a_form_error(login: Any, demo: dict[str, Any]) -> None:
    response = login("admin").post_form(
        f"/admin/users/{demo['users']['sm2']}",
        {"name": "Tom Adeyemi", "job_title": "", "role": "service_manager", "work_streams": ["2147483648"]},
    )
    assert response.status_code == 200 and "There is a problem" in response.get_data(as_text=True)
