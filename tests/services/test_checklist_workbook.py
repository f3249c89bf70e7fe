"""The checklist workbook: downloaded, filled in with openpyxl as Excel would, uploaded back as draft proposals."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO
from typing import Any

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.clock import today
from app.domain.status import Status
from app.extensions import db
from app.models import Action, AuditEvent, PerformanceMeasure, Proposal, UpdateRound, User
from app.services import checklist_workbook, proposals, rounds
from app.services.errors import ValidationFailed
from app.services.excel_io import ACTION_COLUMNS, MEASURE_COLUMNS
from app.services.proposals import ProposalInput


@pytest.fixture
def ctx(app: Flask, demo: dict[str, Any]) -> Any:
    with app.test_request_context():
        yield
        db.session.remove()


def user(demo: dict[str, Any], who: str) -> User:
    found = db.session.get(User, demo["users"][who])
    assert found is not None
    return found


@pytest.fixture
def round_(ctx: Any, demo: dict[str, Any]) -> UpdateRound:
    return rounds.open_for_month(user(demo, "pm"), demo["plan_id"], today(), today() + timedelta(days=14))


def column(sheet: Any, heading: str, header_row: int) -> int:
    for cell in sheet[header_row]:
        if cell.value == heading:
            return int(cell.column)
    raise AssertionError(f"no column {heading}")


def row_of(sheet: Any, reference: str, header_row: int) -> int:
    ref = column(sheet, "Reference", header_row)
    for row in range(header_row + 1, sheet.max_row + 1):
        if sheet.cell(row, ref).value == reference:
            return row
    raise AssertionError(f"no row for {reference}")


def saved(wb: Any) -> bytes:
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def first_open(demo: dict[str, Any], who: str, round_id: int, target_type: str) -> Any:
    return next(
        s.item
        for s in rounds.checklist(user(demo, who), round_id).items
        if s.item.target_type == target_type and s.item.work_stream.number in (1, 3)
    )


def test_the_workbook_round_trip_makes_draft_proposals(round_: UpdateRound, demo: dict[str, Any]) -> None:
    sarah = user(demo, "sm1")
    wb = load_workbook(BytesIO(checklist_workbook.download(sarah, round_.id)))
    assert wb.sheetnames[:2] == ["Checklist", "Versions"] and "WS1" in wb.sheetnames and "WS3" not in wb.sheetnames
    ws1 = wb["WS1"]
    assert ws1["A1"].value.startswith("Work stream i: ")
    assert [c.value for c in ws1[2]] == [*ACTION_COLUMNS, "Why"]
    assert [c.value for c in wb["Measures"][1]] == [*MEASURE_COLUMNS, "Why"]

    action_item = first_open(demo, "sm1", round_.id, "action")
    measure_item = first_open(demo, "sm1", round_.id, "measure")
    narrative_item = next(
        s.item
        for s in rounds.checklist(sarah, round_.id).items
        if s.item.target_type == "action" and s.item.work_stream.number == 1 and s.item.id != action_item.id
    )
    row = row_of(ws1, action_item.reference, 2)
    ws1.cell(row, column(ws1, "Status", 2), "COMPLETED")
    ws1.cell(row, column(ws1, "Why", 2), "Every post is filled")
    new_deadline = today() + timedelta(days=60)
    ws1.cell(row, column(ws1, "Deadline", 2), new_deadline)
    ws1.cell(row_of(ws1, narrative_item.reference, 2), column(ws1, "Progress - actions", 2), "Audit complete.")
    measures = wb["Measures"]
    measures.cell(row_of(measures, measure_item.reference, 1), column(measures, "Narrative", 1), "72% this month.")
    data = saved(wb)

    preview = checklist_workbook.preview(sarah, round_.id, data)
    assert preview.problems == []
    assert sorted(c.label for c in preview.changes) == sorted(
        [f"action {action_item.reference}", f"action {narrative_item.reference}", measure_item.label]
    )
    assert db.session.scalar(select(func.count(Proposal.id))) == 0, "the preview saves nothing"

    created = checklist_workbook.apply(sarah, round_.id, data)
    drafts = {p.id: p for p in db.session.scalars(select(Proposal).where(Proposal.id.in_(created)))}
    assert len(drafts) == 3 and {p.state for p in drafts.values()} == {"draft"}
    assert {p.author_id for p in drafts.values()} == {sarah.id}
    status_draft = next(p for p in drafts.values() if p.action_id == action_item.action_id)
    assert status_draft.changes["status"] == {
        "from": "IN_PROGRESS",
        "to": "COMPLETED",
        "reason": "Every post is filled",
    }
    assert status_draft.changes["deadline"]["to"] == new_deadline.isoformat()
    measure_draft = next(p for p in drafts.values() if p.measure_id == measure_item.measure_id)
    assert set(measure_draft.changes) == {"narrative"} and measure_draft.changes["narrative"]["to"] == "72% this month."
    action = db.session.get(Action, action_item.action_id)
    assert action is not None and action.status == Status.IN_PROGRESS.value, "nothing changes before approval"
    assert db.session.get(PerformanceMeasure, measure_item.measure_id).narrative != "72% this month."  # type: ignore[union-attr]
    kinds = db.session.scalars(
        select(AuditEvent.kind).where(AuditEvent.kind.in_(["proposal.created", "round.workbook_uploaded"]))
    )
    assert sorted(kinds) == ["proposal.created"] * 3 + ["round.workbook_uploaded"]

    # A draft is not yet an update; submitted as usual, it is.
    assert rounds.checklist(sarah, round_.id).done == 0
    narrative_draft = next(p for p in drafts.values() if p.action_id == narrative_item.action_id)
    proposals.submit(sarah, narrative_draft.id, narrative_draft.version)
    assert rounds.checklist(sarah, round_.id).done == 1

    # The same workbook again: each row now has an open proposal, so nothing is drafted twice.
    again = checklist_workbook.preview(sarah, round_.id, data)
    assert len(again.problems) == 3 and all("already an open proposal" in p.message for p in again.problems)


def test_another_managers_workbook_is_refused(round_: UpdateRound, demo: dict[str, Any]) -> None:
    tom = user(demo, "sm2")
    wb = load_workbook(BytesIO(checklist_workbook.download(tom, round_.id)))
    item = first_open(demo, "sm2", round_.id, "action")
    ws3 = wb["WS3"]
    ws3.cell(row_of(ws3, item.reference, 2), column(ws3, "Progress - actions", 2), "Sarah's words")
    data = saved(wb)
    preview = checklist_workbook.preview(user(demo, "sm1"), round_.id, data)
    assert [str(p) for p in preview.problems] == [
        "sheet “Checklist”: This workbook is Tom Adeyemi's checklist, not yours. "
        "Download your own checklist and fill that in."
    ]
    with pytest.raises(ValidationFailed):
        checklist_workbook.apply(user(demo, "sm1"), round_.id, data)
    assert db.session.scalar(select(func.count(Proposal.id))) == 0


def test_rows_outside_the_managers_work_streams_and_bad_values_are_listed_row_by_row(
    round_: UpdateRound, demo: dict[str, Any]
) -> None:
    sarah, tom = user(demo, "sm1"), user(demo, "sm2")
    wb = load_workbook(BytesIO(checklist_workbook.download(sarah, round_.id)))
    # A sheet copied in from Tom's workbook: work stream iii is not Sarah's.
    theirs = load_workbook(BytesIO(checklist_workbook.download(tom, round_.id)))["WS3"]
    copied = wb.create_sheet("WS3")
    for values in theirs.iter_rows(values_only=True):
        copied.append(list(values))
    tom_item = first_open(demo, "sm2", round_.id, "action")
    copied.cell(row_of(copied, tom_item.reference, 2), column(copied, "Progress - actions", 2), "Edited by Sarah")

    ws1 = wb["WS1"]
    items = [s.item for s in rounds.checklist(sarah, round_.id).items if s.item.work_stream.number == 1]
    bad_status, bad_date, no_why, owner = (row_of(ws1, i.reference, 2) for i in items[:4])
    ws1.cell(bad_status, column(ws1, "Status", 2), "Nearly done")
    ws1.cell(bad_date, column(ws1, "Deadline", 2), "31st of never")
    ws1.cell(no_why, column(ws1, "Status", 2), "STATIC")
    ws1.cell(owner, column(ws1, "Owner", 2), "Somebody Else")
    preview = checklist_workbook.preview(sarah, round_.id, saved(wb))

    said = {(p.sheet, p.row): p.message for p in preview.problems}
    assert "is not one you run" in said[("WS3", row_of(copied, tom_item.reference, 2))]
    assert said[("WS1", bad_status)].startswith("“Nearly done” is not a status. Use COMPLETED, IN PROGRESS or STATIC")
    assert said[("WS1", bad_date)] == "Deadline “31st of never” is not a date. Enter a date such as 31/03/2016."
    assert said[("WS1", owner)].startswith("“Owner” cannot be changed by a proposal")
    # The status change without a why: the proposals' own rule, from the create-draft path, found in the preview.
    assert said[("WS1", no_why)] == "Why: Enter why the status is changing"
    assert len(preview.problems) == 5
    with pytest.raises(ValidationFailed):
        checklist_workbook.apply(sarah, round_.id, saved(wb))
    assert db.session.scalar(select(func.count(Proposal.id))) == 0, "all or nothing"


def test_a_row_changed_in_the_plan_since_the_download_is_refused(round_: UpdateRound, demo: dict[str, Any]) -> None:
    sarah = user(demo, "sm1")
    wb = load_workbook(BytesIO(checklist_workbook.download(sarah, round_.id)))
    item = first_open(demo, "sm1", round_.id, "action")
    # Meanwhile a narrative for the action is approved.
    proposal = proposals.create(
        sarah, "action", item.action_id, ProposalInput(values={"progress": "Newer words."}), submit=True
    )
    proposals.approve(user(demo, "pm"), proposal.id, proposal.version, note="Agreed")
    ws1 = wb["WS1"]
    ws1.cell(row_of(ws1, item.reference, 2), column(ws1, "Key targets", 2), "A new target")
    preview = checklist_workbook.preview(sarah, round_.id, saved(wb))
    assert (
        len(preview.problems) == 1 and "has changed since this workbook was downloaded" in preview.problems[0].message
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"name,status\n1.1,COMPLETED\n", "This file is not an Excel workbook (.xlsx)"),
    ],
)
def test_a_file_that_is_not_a_workbook_is_a_message(
    round_: UpdateRound, demo: dict[str, Any], data: bytes, message: str
) -> None:
    preview = checklist_workbook.preview(user(demo, "sm1"), round_.id, data)
    assert len(preview.problems) == 1 and preview.problems[0].message.startswith(message)


def test_an_unchanged_workbook_drafts_nothing(round_: UpdateRound, demo: dict[str, Any]) -> None:
    sarah = user(demo, "sm1")
    data = checklist_workbook.download(sarah, round_.id)
    preview = checklist_workbook.preview(sarah, round_.id, data)
    assert preview.problems == [] and preview.changes == [] and preview.unchanged > 0
    with pytest.raises(ValidationFailed, match="No row"):
        checklist_workbook.apply(sarah, round_.id, data)


def test_a_row_on_another_managers_checklist_is_refused_even_in_a_shared_work_stream(
    ctx: Any, demo: dict[str, Any]
) -> None:
    """Tom also runs work stream i, but its items are on Sarah's checklist: his workbook may not update them."""
    from app.policy import SYSTEM
    from app.services import accounts

    ws = demo["work_streams"]
    accounts.update_user(
        SYSTEM, demo["users"]["sm2"], name="Tom Adeyemi", job_title="", role="service_manager",
        work_stream_ids=[ws[1], ws[3], ws[4]],
    )  # fmt: skip
    db.session.remove()
    opened = rounds.open_for_month(user(demo, "pm"), demo["plan_id"], today(), today() + timedelta(days=14))
    sarah, tom = user(demo, "sm1"), user(demo, "sm2")
    sarahs = next(s.item for s in rounds.checklist(sarah, opened.id).items if s.item.work_stream_id == ws[1])
    assert sarahs.manager_id == sarah.id

    wb = load_workbook(BytesIO(checklist_workbook.download(tom, opened.id)))
    theirs = load_workbook(BytesIO(checklist_workbook.download(sarah, opened.id)))["WS1"]
    copied = wb["WS1"] if "WS1" in wb.sheetnames else wb.create_sheet("WS1")
    if copied.max_row < 2:
        for values in theirs.iter_rows(values_only=True):
            copied.append(list(values))
    row = row_of(copied, sarahs.reference, 2)
    copied.cell(row, column(copied, "Progress - actions", 2), "Tom's words")
    preview = checklist_workbook.preview(tom, opened.id, saved(wb))
    assert [(p.sheet, p.row, p.message) for p in preview.problems] == [
        ("WS1", row, "This is on Sarah Whitfield's checklist, not yours. Remove this row.")
    ]
