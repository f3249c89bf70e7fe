"""The why, everywhere: every change since the last meeting with what changed, its justification, who proposed
and approved it and when, and the evidence titles, on every page and export that lists changes."""

from __future__ import annotations

import csv
import html as html_lib
import io
import re
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook

from app.extensions import db
from app.formatting import format_date
from app.models import Action, User, WorkStream
from app.services import meetings, plan_editor, plan_read
from tests.conftest import Client

INTERNAL_NAMES = ("IN_PROGRESS", "at_risk", "action.changed", "action.created", "action.retired", "retired_on")


def text_of(response: Any) -> str:
    """The page as a person reads it: tags out, entities decoded, spaces collapsed."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", page)))


def visible_cells(response: Any) -> str:
    """Only what the page shows: tags, attributes (hidden fields, option values) and scripts left out."""
    return text_of(response)


@pytest.fixture
def history(app: Flask) -> dict[str, Any]:
    """The demo with its history, as `flask demo seed` plays it: a presented July meeting, four approvals since."""
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    with app.test_request_context():
        plan = plan_read.get_plan()
        _, lines = meetings.changes_since_last_meeting(plan.id)
        assert len(lines) >= 4
        return {
            "plan_id": plan.id,
            "lines": [
                {
                    "action_id": line.action_id,
                    "reference": line.reference,
                    "work_stream_id": line.work_stream_id,
                    "justification": line.justification,
                    "note": line.approval_note,
                    "proposer": line.proposer,
                    "proposed_on": format_date(line.proposed_on),
                    "approver": line.approver,
                    "approved_on": format_date(line.approved_on),
                    "evidence": line.evidence_titles,
                }
                for line in lines
                if line.kind == "action.changed"
            ],
        }


def sign_in(app: Flask, who: str) -> Client:
    client: Client = app.test_client()  # type: ignore[assignment]
    assert client.login(f"{who}@example.org").status_code == 302, f"could not sign in as {who}"
    return client


def assert_the_why_is_shown(text: str, line: dict[str, Any]) -> None:
    assert "Status changed from IN PROGRESS to COMPLETED" in text
    assert line["justification"] and line["justification"] in text, "the author's justification"
    assert line["note"] and line["note"] in text, "the approver's decision note"
    assert line["proposer"] in text and line["approver"] in text
    assert line["proposed_on"] in text and line["approved_on"] in text
    assert line["evidence"] and all(title in text for title in line["evidence"]), "the evidence titles"


def assert_no_internal_names(text: str) -> None:
    for name in INTERNAL_NAMES:
        assert name not in text, f"{name} shown to a person"


def test_the_changes_page_shows_each_change_with_its_why_who_when_and_evidence(
    app: Flask, history: dict[str, Any]
) -> None:
    committee = sign_in(app, "committee")
    response = committee.get("/changes")
    assert response.status_code == 200
    text = visible_cells(response)
    assert len(history["lines"]) == 4
    for line in history["lines"]:
        assert_the_why_is_shown(text, line)
    for heading in ("What changed", "Justification", "Proposed by", "Approved by", "Evidence"):
        assert heading in text
    assert "/evidence/" not in response.get_data(as_text=True), "committee members see evidence titles, never files"
    assert_no_internal_names(text)


def test_the_work_stream_changes_column_shows_the_why(app: Flask, history: dict[str, Any]) -> None:
    committee = sign_in(app, "committee")
    line = history["lines"][0]
    response = committee.get(f"/work-streams/{line['work_stream_id']}")
    text = visible_cells(response)
    assert_the_why_is_shown(text, line)
    assert "/evidence/" not in response.get_data(as_text=True)
    assert_no_internal_names(text)


def test_the_action_history_shows_the_why(app: Flask, history: dict[str, Any]) -> None:
    for who in ("committee", "pm"):
        line = history["lines"][1]
        response = sign_in(app, who).get(f"/actions/{line['action_id']}")
        text = visible_cells(response)
        history_part = text[text.index("History") :]
        assert_the_why_is_shown(history_part, line)
        assert_no_internal_names(history_part)


def test_the_audit_trail_why_shows_the_justification_and_the_approvers_note(
    app: Flask, history: dict[str, Any]
) -> None:
    pm = sign_in(app, "pm")
    text = visible_cells(pm.get("/audit?kind=action"))
    for line in history["lines"]:
        assert line["justification"] in text and line["note"] in text
        assert all(title in text for title in line["evidence"])
    assert_no_internal_names(text)


def test_the_changes_csv_and_the_workbook_list_every_change_in_columns(app: Flask, history: dict[str, Any]) -> None:
    committee, pm = sign_in(app, "committee"), sign_in(app, "pm")
    response = committee.get("/changes.csv")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == [
        "Work stream",
        "Action",
        "What changed",
        "From",
        "To",
        "Justification",
        "Approver's note",
        "Proposed by",
        "Proposed on",
        "Approved by",
        "Approved on",
        "Evidence",
    ]
    by_reference = {row[1]: row for row in rows[1:] if row[2].startswith("Status changed")}
    for line in history["lines"]:
        row = by_reference[line["reference"]]
        assert row[2].startswith("Status changed from IN PROGRESS to COMPLETED")
        assert row[3].startswith("Status: IN PROGRESS") and row[4].startswith("Status: COMPLETED")
        assert row[5] == line["justification"] and row[6] == line["note"]
        assert (row[7], row[9]) == (line["proposer"], line["approver"])
        assert row[11] == "; ".join(line["evidence"])
    assert_no_internal_names(response.get_data(as_text=True))

    workbook = load_workbook(io.BytesIO(pm.get(f"/plans/{history['plan_id']}/export.xlsx").get_data()))
    sheet = workbook["Changes"]
    assert [c.value for c in sheet[2]] == rows[0]
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert {row[1] for row in cells} == {row[1] for row in rows[1:]}
    for row in cells:
        assert row[5] and row[7] and row[9], "justification, proposer and approver, for every change"
        assert row[8] is not None and row[10] is not None, "the dates, as dates"
        if row[2].startswith("Status changed"):
            assert row[11], "an approved status change names its evidence"
    every_cell = " ".join(str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value)
    assert_no_internal_names(every_cell)


def test_a_retirement_a_new_action_and_a_new_work_stream_by_the_editor_are_changes_with_their_reason(
    app: Flask, history: dict[str, Any]
) -> None:
    with app.test_request_context():
        pm = db.session.get(User, db.session.query(User).filter_by(email="pm@example.org").one().id)
        completed = (
            db.session.query(Action)
            .join(WorkStream)
            .filter(WorkStream.number == 2, Action.status == "COMPLETED", Action.retired_on.is_(None))
            .first()
        )
        retired_ref = completed.reference
        plan_editor.set_retired(pm, completed.id, completed.version, True, "Completed in August: no further progress")
        ws2 = db.session.query(WorkStream).filter_by(number=2).one().id
        added = plan_editor.add_action(
            pm, ws2, plan_editor.ActionDraft(title="Audit of return interviews"), "Agreed at the July committee"
        )
        added_ref = added.reference
        plan_editor.add_work_stream(pm, history["plan_id"], "Early Intervention", "Members asked for it in July")
    committee = sign_in(app, "committee")
    text = visible_cells(committee.get("/changes"))
    assert "Retired" in text and "Completed in August: no further progress" in text
    assert (
        "New action added" in text and "Audit of return interviews" in text and "Agreed at the July committee" in text
    )
    assert "New work stream added" in text and "Early Intervention" in text and "Members asked for it in July" in text
    assert "Helen Marsh" in text and "through the plan editor" in text
    assert_no_internal_names(text)
    rows = list(csv.reader(io.StringIO(committee.get("/changes.csv").get_data(as_text=True).lstrip("\ufeff"))))
    retired = next(row for row in rows if row[1] == retired_ref)
    assert retired[2] == "Retired" and retired[5] == "Completed in August: no further progress"
    assert retired[7] == retired[9] == "Helen Marsh", "the project manager proposed and approved their own edit"
    new = next(row for row in rows if row[1] == added_ref)
    assert new[2] == "New action added" and new[4] == "Audit of return interviews"
    assert any(row[2] == "New work stream added" and row[0] == "viii" for row in rows)
    column = visible_cells(committee.get(f"/work-streams/{ws2}"))
    assert "Agreed at the July committee" in column and "Changed by Helen Marsh through the plan editor" in column


def test_the_changes_page_takes_the_same_number_of_queries_however_many_changes(
    app: Flask, history: dict[str, Any], count_queries: Any
) -> None:
    committee = sign_in(app, "committee")
    committee.get("/changes")  # warm: the session and the plan are loaded as on any page
    for store in ("plan_memo", "many_memo"):  # both requests work the changes out (`memo`): neither is a kept one
        app.extensions.pop(store, None)
    with count_queries() as few:
        assert committee.get("/changes").status_code == 200
    with app.test_request_context():
        pm = db.session.query(User).filter_by(email="pm@example.org").one()
        for action in db.session.query(Action).filter(Action.retired_on.is_(None)).limit(12):
            plan_editor.edit_action(
                pm,
                action.id,
                action.version,
                plan_editor.ActionDraft(
                    title=action.title + " (reworded)",
                    measures_and_milestones=action.measures_and_milestones,
                    key_targets=action.key_targets,
                    deadline=action.deadline,
                    owner_id=action.owner_id,
                ),
                "Reworded for the committee",
            )
    for store in ("plan_memo", "many_memo"):
        app.extensions.pop(store, None)
    with count_queries() as many:
        response = committee.get("/changes")
    assert text_of(response).count("Title reworded") == 12
    assert many.count == few.count, "one query per kind of thing, not one per change"


def test_the_audit_csv_says_what_changed_in_words_beside_the_record(app: Flask, history: dict[str, Any]) -> None:
    rows = list(csv.DictReader(io.StringIO(sign_in(app, "pm").get("/audit.csv?kind=action").get_data(as_text=True))))
    approvals = [row for row in rows if row["kind"] == "action.changed"]
    for row in approvals:
        assert row["what changed"].startswith("Status changed from "), row
        for column in ("what changed", "from", "to"):
            assert "IN_PROGRESS" not in row[column] and "at_risk" not in row[column]
    for line in history["lines"]:  # the four since July
        [row] = [row for row in approvals if line["justification"] in row["why"]]
        assert row["why"].startswith("Justification: ") and f"Approver's note: {line['note']}" in row["why"]
        assert row["from"].startswith("Status: IN PROGRESS") and row["to"].startswith("Status: COMPLETED")
