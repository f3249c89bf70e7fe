"""Excel out and in: the round trip loses nothing, and a bad or hostile workbook is refused row by row."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from flask import Flask
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from app.domain.references import to_roman
from app.extensions import db
from app.models import Action, AuditEvent, PerformanceMeasure, Plan, User, WorkStream
from app.policy import PermissionDenied
from app.services import audit, excel_io
from app.services.errors import ValidationFailed
from app.services.excel_io import ImportPreview, apply_import, export_plan, preview_import

EMAILS = {f"{k}@example.org" for k in ("admin", "pm", "smt", "committee", "sm1", "sm2", "sm3")}


def _actions(plan_id: int) -> list[tuple[Any, ...]]:
    rows = db.session.scalars(
        select(Action)
        .join(WorkStream)
        .where(WorkStream.plan_id == plan_id)
        .order_by(WorkStream.number, Action.position)
    )
    return [
        (
            a.work_stream.number,
            a.position,
            a.reference,
            a.title,
            a.measures_and_milestones,
            a.key_targets,
            a.progress,
            a.status,
            a.owner.email if a.owner else None,
            a.deadline,
            a.retired_on,
        )
        for a in rows
    ]


def _measures(plan_id: int) -> list[tuple[Any, ...]]:
    rows = db.session.scalars(
        select(PerformanceMeasure)
        .join(WorkStream)
        .where(WorkStream.plan_id == plan_id)
        .order_by(WorkStream.number, PerformanceMeasure.checkpoint, PerformanceMeasure.position)
    )
    return [
        (m.work_stream.number, m.checkpoint, m.position, m.reference, m.description, m.target, m.status, m.narrative)
        for m in rows
    ]


def _work_streams(plan_id: int) -> list[tuple[int, str]]:
    return [
        (ws.number, ws.title)
        for ws in db.session.scalars(
            select(WorkStream).where(WorkStream.plan_id == plan_id).order_by(WorkStream.number)
        )
    ]


def _plan_count() -> int:
    return db.session.scalar(select(func.count(Plan.id))) or 0


def _user(demo: dict[str, Any], key: str) -> User:
    user = db.session.get(User, demo["users"][key])
    assert user is not None
    return user


# --- the round trip -------------------------------------------------------------------------------------


def test_exported_plan_imports_back_with_nothing_lost(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        plan_id = demo["plan_id"]
        original = db.session.get(Plan, plan_id)
        assert original is not None
        preview = preview_import(export_plan(plan_id))
        assert preview.problems == []
        assert preview.counts == {
            "work_streams": 7,
            "actions": 52,
            "retired_actions": preview.counts["retired_actions"],
            "measures": 114,
        }
        assert preview.counts["retired_actions"] > 0
        assert (preview.action_counts.completed, preview.action_counts.in_progress, preview.action_counts.static) == (
            25,
            27,
            0,
        )

        imported = apply_import(_user(demo, "pm"), preview, title_override="Imported plan")

        assert imported.title == "Imported plan"
        assert imported.is_current is False
        assert original.is_current is True
        assert (imported.start_date, imported.reporting_checkpoint) == (
            original.start_date,
            original.reporting_checkpoint,
        )
        assert _work_streams(imported.id) == _work_streams(plan_id)
        assert len(_actions(plan_id)) == 52
        assert _actions(imported.id) == _actions(plan_id)
        assert len(_measures(plan_id)) == 114
        assert _measures(imported.id) == _measures(plan_id)
        assert all(
            not ws.managers for ws in db.session.scalars(select(WorkStream).where(WorkStream.plan_id == imported.id))
        )


def test_the_import_is_audited_with_its_counts(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        pm = _user(demo, "pm")
        plan = apply_import(pm, preview_import(export_plan(demo["plan_id"])), title_override="Copy")
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.kind == "plan.imported"))
        assert event is not None
        assert (event.actor_id, event.plan_id, event.object_id) == (pm.id, plan.id, plan.id)
        assert event.after is not None
        assert event.after["work_streams"] == 7
        assert event.after["actions"] == 52
        assert event.after["measures"] == 114
        assert "Copy" in event.summary


def test_export_has_the_reports_columns_colours_and_real_dates(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        wb = load_workbook(io.BytesIO(export_plan(demo["plan_id"])))
    assert wb.sheetnames == ["Plan", "WS1", "WS2", "WS3", "WS4", "WS5", "WS6", "WS7", "Measures", "Changes"]
    plan_sheet = wb["Plan"]
    assert plan_sheet["A1"].value == "Plan title"
    assert isinstance(plan_sheet["B2"].value, datetime)
    assert [plan_sheet.cell(r, 1).value for r in range(6, 13)] == [1, 2, 3, 4, 5, 6, 7]

    sheet = wb["WS1"]
    assert sheet["A1"].value == "Work stream i: Workforce Development"
    assert sheet["A1"].font.b
    assert [c.value for c in sheet[2]] == list(excel_io.ACTION_COLUMNS)
    assert all(c.font.b for c in sheet[2])
    assert sheet.freeze_panes == "A3"
    assert sheet.auto_filter.ref == f"A2:J{sheet.max_row}"
    assert sheet.print_title_rows == "$2:$2"
    assert sheet.column_dimensions["E"].width >= 40
    assert sheet["E3"].alignment.wrap_text
    colours = {}
    for row in sheet.iter_rows(min_row=3):
        status = row[5]
        colours[status.value] = (status.fill.fgColor.rgb[-6:], status.font.color.rgb[-6:])  # RGB, alpha dropped
        assert isinstance(row[8].value, datetime)
        assert row[8].number_format == "dd/mm/yyyy"
    assert colours["COMPLETED"] == ("00703C", "FFFFFF")
    assert colours["IN PROGRESS"] == ("FFBF47", "0B0C0C")
    assert any(isinstance(r[9].value, datetime) for r in sheet.iter_rows(min_row=3))

    measures = wb["Measures"]
    assert [c.value for c in measures[1]] == list(excel_io.MEASURE_COLUMNS)
    assert {measures.cell(r, 3).value for r in range(2, measures.max_row + 1)} == {6, 12}


def test_owners_are_shown_by_name_with_their_e_mail_address_beside(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        wb = load_workbook(io.BytesIO(export_plan(demo["plan_id"])))
    sheet = wb["WS1"]
    assert (sheet["G2"].value, sheet["H2"].value) == ("Owner", "Owner e-mail")
    owners = {(row[6].value, row[7].value) for row in sheet.iter_rows(min_row=3)}
    assert ("Sarah Whitfield", "sm1@example.org") in owners
    assert not any("@" in (name or "") for name, _ in owners)


def test_each_work_stream_sheet_has_a_short_name_and_its_full_title_in_the_first_row(
    app: Flask, demo: dict[str, Any]
) -> None:
    with app.app_context():
        titles = dict(_work_streams(demo["plan_id"]))
        wb = load_workbook(io.BytesIO(export_plan(demo["plan_id"])))
    assert len(titles[2]) > 31, "the demo has a title Excel would cut in a sheet name"
    for number, title in titles.items():
        sheet = wb[f"WS{number}"]
        assert sheet["A1"].value == f"Work stream {to_roman(number)}: {title}"
    assert wb["WS2"]["A1"].value == "Work stream ii: Improving Triage, MASH and Referrals & Assessment"


@pytest.mark.parametrize("number", [4, 40, 90, 400, 444, 500, 700, 999])
def test_a_large_plan_s_work_stream_titles_read_back_as_their_numbers(number: int) -> None:
    """The title the export writes ("Work stream cd: ...") is the one the import reads, however many streams."""
    heading = excel_io.work_stream_heading(number, "Improving outcomes")
    found = excel_io.WORK_STREAM_HEADING.match(heading)
    assert found is not None and found.group(1) == to_roman(number) and found.group(2) == "Improving outcomes"


def test_sheet_names_are_short_and_legal_in_excel() -> None:
    assert excel_io.work_stream_sheet_name(2) == "WS2"
    assert excel_io.work_stream_heading(9, "Q&A: [draft] */?") == "Work stream ix: Q&A: [draft] */?"


HOSTILE_TEXTS = {
    "progress": '=HYPERLINK("http://evil.example/steal","click me")',
    "key_targets": "+44 20 7946 0000",
    "measures_and_milestones": "-5% agency staff\r\nand a second line\twith a tab ",
    "title": "@SUM(A1:A9) cmd",
}


def test_text_that_looks_like_a_formula_stays_text_both_ways(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        action = db.session.get(Action, demo["actions"]["1.1"])
        assert action is not None
        for name, value in HOSTILE_TEXTS.items():
            setattr(action, name, value)
        db.session.commit()
        data = export_plan(demo["plan_id"])

        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
            assert not any(b"<f>" in archive.read(n) or b"<f " in archive.read(n) for n in sheets)
        cell = load_workbook(io.BytesIO(data))["WS1"]["E3"]
        assert cell.value == HOSTILE_TEXTS["progress"]
        assert cell.data_type == "s"
        assert cell.quotePrefix

        preview = preview_import(data)
        assert preview.problems == []
        first = preview.work_streams[0].actions[0]
        assert (first.progress, first.key_targets, first.measures_and_milestones, first.title) == (
            HOSTILE_TEXTS["progress"],
            HOSTILE_TEXTS["key_targets"],
            HOSTILE_TEXTS["measures_and_milestones"],
            HOSTILE_TEXTS["title"],
        )
        plan = apply_import(_user(demo, "pm"), preview, title_override="Hostile copy")
        assert _actions(plan.id) == _actions(demo["plan_id"])


def test_carriage_returns_survive_the_round_trip_through_excel_s_escape(app: Flask, demo: dict[str, Any]) -> None:
    """Excel writes a carriage return as "_x000D_" (XML would turn it into a line feed); import reads it back.

    openpyxl reads "_x005F_x000D_" (the text "_x000D_" as typed) as "_x000D_" too, so such text comes back as a
    carriage return: a known limit of the reader, for text no plan holds."""
    progress = "Line one\r\nline two, with file_name_x1 and a tab\there"
    with app.app_context():
        action = db.session.get(Action, demo["actions"]["1.1"])
        assert action is not None
        action.progress = progress
        db.session.commit()
        data = export_plan(demo["plan_id"])
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert "Line one_x000D_" in archive.read("xl/sharedStrings.xml").decode()
        preview = preview_import(data)
        assert preview.problems == []
        assert preview.work_streams[0].actions[0].progress == progress


def test_openpyxl_reads_xml_through_defusedxml() -> None:
    assert openpyxl.DEFUSEDXML is True


# --- who may import -------------------------------------------------------------------------------------


def test_committee_member_cannot_import_a_plan(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        preview = preview_import(export_plan(demo["plan_id"]))
        before = _plan_count()
        with pytest.raises(PermissionDenied):
            apply_import(_user(demo, "committee"), preview, title_override="Not allowed")
        assert _plan_count() == before


def test_import_refuses_a_title_already_in_use(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        preview = preview_import(export_plan(demo["plan_id"]))
        with pytest.raises(ValidationFailed) as raised:
            apply_import(_user(demo, "pm"), preview)
        assert "already exists" in raised.value.errors["title"]


def test_import_is_all_or_nothing(app: Flask, demo: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    with app.app_context():
        preview = preview_import(export_plan(demo["plan_id"]))
        before = (_plan_count(), db.session.scalar(select(func.count(Action.id))))

        def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("audit store unavailable")

        monkeypatch.setattr(audit, "record", broken)
        with pytest.raises(RuntimeError):
            apply_import(_user(demo, "pm"), preview, title_override="Half done")
        assert (_plan_count(), db.session.scalar(select(func.count(Action.id)))) == before


def test_an_owner_who_may_not_own_actions_is_refused(app: Flask, demo: dict[str, Any], exported: bytes) -> None:
    with app.app_context():
        preview = preview_import(_edit(exported, _set("H3", "committee@example.org")))
    assert [(p.row, p.column) for p in preview.problems] == [(3, "H")]


def test_a_preview_with_problems_cannot_be_applied(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        preview = preview_import(b"not a workbook")
        with pytest.raises(ValidationFailed):
            apply_import(_user(demo, "pm"), preview, title_override="Anything")


def test_known_emails_can_be_a_set_or_a_function_without_a_database(app: Flask, demo: dict[str, Any]) -> None:
    with app.app_context():
        data = export_plan(demo["plan_id"])
    assert preview_import(data, known_emails=EMAILS).problems == []
    assert preview_import(data, known_emails=lambda e: e.endswith("@example.org")).problems == []
    refused = preview_import(data, known_emails={"pm@example.org"})
    assert refused.problems
    assert all(p.column == "H" and "has the e-mail address" in p.message for p in refused.problems)


# --- bad workbooks --------------------------------------------------------------------------------------


@pytest.fixture
def exported(app: Flask, demo: dict[str, Any]) -> bytes:
    with app.app_context():
        return export_plan(demo["plan_id"])


def _edit(data: bytes, *changes: Callable[[Workbook], None]) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    for change in changes:
        change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _number_in_date_column(wb: Workbook) -> None:
    cell = _ws1(wb)["I6"]
    cell.value = 42
    cell.number_format = "General"  # in a cell formatted as a date, Excel would read 42 as 10 February 1900


def _ws1(wb: Workbook) -> Any:
    return wb["WS1"]


def _set(cell: str, value: Any, sheet: str = "WS1") -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        wb[sheet][cell] = value

    return change


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _rezip(data: bytes, replace: dict[str, bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {n: archive.read(n) for n in archive.namelist()}
    files.update(replace)
    return _zip(files)


def _macro_workbook(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(excel_io.XLSX_MAIN.encode(), b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
    return _rezip(data, {"[Content_Types].xml": types, "xl/vbaProject.bin": b"\x00" * 64})


def _zip_bomb(data: bytes) -> bytes:
    return _rezip(data, {"xl/media/padding.bin": b"\x00" * (excel_io.MAX_UNCOMPRESSED_BYTES + 1)})


def _entity_bomb(data: bytes) -> bytes:
    lol = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    return _rezip(data, {"xl/worksheets/sheet2.xml": lol})


def _drop_column(letter: str) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        sheet = _ws1(wb)
        sheet.delete_cols(openpyxl.utils.column_index_from_string(letter))

    return change


def _duplicate_reference(wb: Workbook) -> None:
    _ws1(wb)["A4"] = _ws1(wb)["A3"].value


def _clear(*cells: str) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        for cell in cells:
            _ws1(wb)[cell] = None

    return change


def _huge_sheet(wb: Workbook) -> None:
    sheet = _ws1(wb)
    for row in range(3, excel_io.MAX_ROWS + 4):
        sheet.cell(row, 1, f"1.{row}")


def _many_sheets(wb: Workbook) -> None:
    for n in range(excel_io.MAX_SHEETS):
        wb.create_sheet(f"Extra {n}")


def _remove_sheet(name: str) -> Callable[[Workbook], None]:
    def change(wb: Workbook) -> None:
        del wb[name]

    return change


def _csv() -> bytes:
    return b"Reference,Title,Status\n1.1,Recruit,COMPLETED\n"


BAD_WORKBOOKS: dict[str, tuple[Callable[[bytes], bytes], str, str | None, int | None, str | None]] = {
    # name: (make the bytes from a good export, message fragment, sheet, row, column)
    "random bytes": (lambda _: bytes(range(256)) * 8, "not an Excel workbook", "", None, None),
    "empty file": (lambda _: b"", "empty", "", None, None),
    "a CSV renamed .xlsx": (lambda _: _csv(), "not an Excel workbook", "", None, None),
    "a zip that is not a workbook": (lambda _: _zip({"notes.txt": b"hello"}), "not an Excel workbook", "", None, None),
    "a Word document": (
        lambda _: _zip(
            {
                "[Content_Types].xml": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.wordprocessingml.document.main+xml"/></Types>'
            }
        ),
        "not an Excel workbook",
        "",
        None,
        None,
    ),
    "an old .xls file": (lambda _: excel_io.OLE_MAGIC + b"\x00" * 512, "older Excel file", "", None, None),
    "macros": (_macro_workbook, "macros", "", None, None),
    "a zip bomb": (_zip_bomb, "the limit is 50 MB", "", None, None),
    "an XML entity bomb": (_entity_bomb, "could not be read", "", None, None),
    "a missing column": (lambda d: _edit(d, _drop_column("G")), "“Owner” is missing", "WS1", 2, None),
    "a wrong column": (
        lambda d: _edit(d, _set("D2", "Targets (key)")),
        "“Targets (key)” is not a column",
        "WS1",
        2,
        "D",
    ),
    "an unknown status": (
        lambda d: _edit(d, _set("F4", "DONE")),
        "“DONE” is not a status. Use COMPLETED, IN PROGRESS or STATIC",
        "WS1",
        4,
        "F",
    ),
    "a duplicate reference": (
        lambda d: _edit(d, _duplicate_reference),
        "used twice in this work stream (rows 3 and 4)",
        "WS1",
        4,
        "A",
    ),
    "a formula": (lambda d: _edit(d, _set("C5", "=1+1")), "formula (=1+1)", "WS1", 5, "C"),
    "a formula on the Plan sheet": (lambda d: _edit(d, _set("B1", "=A1", "Plan")), "formula", "Plan", 1, "B"),
    "a deadline that is not a date": (
        lambda d: _edit(d, _set("I6", "next spring")),
        "“next spring” in Deadline is not a date",
        "WS1",
        6,
        "I",
    ),
    "a deadline that is a number": (
        lambda d: _edit(d, _number_in_date_column),
        "holds the number 42, not a date",
        "WS1",
        6,
        "I",
    ),
    "an impossible date": (
        lambda d: _edit(d, _set("J3", "31/02/2016")),
        "not a date",
        "WS1",
        3,
        "J",
    ),
    "an empty reference": (
        lambda d: _edit(d, _clear("A7")),
        "Reference is empty",
        "WS1",
        7,
        "A",
    ),
    "an empty title": (lambda d: _edit(d, _clear("B7")), "Title is empty", "WS1", 7, "B"),
    "an empty status": (lambda d: _edit(d, _clear("F7")), "Status is empty", "WS1", 7, "F"),
    "an unknown owner": (
        lambda d: _edit(d, _set("H3", "stranger@example.com")),
        "No active service manager, project manager or senior manager has the e-mail address “stranger@example.com”",
        "WS1",
        3,
        "H",
    ),
    "an owner's name that is not the account's": (
        lambda d: _edit(d, _set("G3", "Tom Adeyemi")),
        "“Tom Adeyemi” is not the name of the account with the e-mail address",
        "WS1",
        3,
        "G",
    ),
    "an owner by a name nobody has": (
        lambda d: _edit(d, _clear("H3"), _set("G3", "Nobody Known")),
        "No active service manager, project manager or senior manager is called “Nobody Known”",
        "WS1",
        3,
        "G",
    ),
    "a title that is not the Plan sheet's": (
        lambda d: _edit(d, _set("A1", "Work stream i: Workforce")),
        "is not the title of work stream 1 on the “Plan” sheet",
        "WS1",
        1,
        "A",
    ),
    "a title of another work stream": (
        lambda d: _edit(d, _set("A1", "Work stream ii: Workforce Development")),
        "names work stream ii",
        "WS1",
        1,
        "A",
    ),
    "a value beside the title": (
        lambda d: _edit(d, _set("C1", "draft")),
        "Only the work stream's title belongs in row 1",
        "WS1",
        1,
        "C",
    ),
    "a huge sheet": (lambda d: _edit(d, _huge_sheet), "more than 2,000 rows", "WS1", None, None),
    "too many sheets": (lambda d: _edit(d, _many_sheets), f"the limit is {excel_io.MAX_SHEETS}", "", None, None),
    "no Plan sheet": (lambda d: _edit(d, _remove_sheet("Plan")), "no “Plan” sheet", "", None, None),
    "no Measures sheet": (lambda d: _edit(d, _remove_sheet("Measures")), "no “Measures” sheet", "", None, None),
    "an unknown sheet": (
        lambda d: _edit(d, lambda wb: wb.create_sheet("Notes")),
        "“Notes” is not a sheet this import knows",
        "Notes",
        None,
        None,
    ),
    "a measure at 9 months": (lambda d: _edit(d, _set("C2", 9, "Measures")), "must be 6 or 12", "Measures", 2, "C"),
    "a measure in an unknown work stream": (
        lambda d: _edit(d, _set("A2", 12, "Measures")),
        "Work stream 12 is not in the list",
        "Measures",
        2,
        "A",
    ),
    "a value in a column without a heading": (
        lambda d: _edit(d, _set("K4", "stray note")),
        "no heading",
        "WS1",
        4,
        "K",
    ),
    "a reference stored as a number": (
        lambda d: _edit(d, _set("A3", 1.1)),
        "stored as a number",
        "WS1",
        3,
        "A",
    ),
    "an in-progress action that is retired": (
        lambda d: _edit(d, _set("J5", date(2015, 6, 1))),
        "Only COMPLETED actions can be retired",
        "WS1",
        5,
        "J",
    ),
}


@pytest.mark.parametrize("case", list(BAD_WORKBOOKS))
def test_bad_workbook_is_refused_with_a_useful_message_and_nothing_saved(
    case: str, app: Flask, demo: dict[str, Any], exported: bytes
) -> None:
    make, fragment, sheet, row, column = BAD_WORKBOOKS[case]
    data = make(exported)
    with app.app_context():
        before = _plan_count()
        preview = preview_import(data)
        assert isinstance(preview, ImportPreview)
        matching = [p for p in preview.problems if fragment in p.message]
        assert matching, f"{case}: {[str(p) for p in preview.problems]}"
        problem = matching[0]
        assert (problem.sheet, problem.row, problem.column) == (sheet, row, column), str(problem)
        with pytest.raises(ValidationFailed):
            apply_import(_user(demo, "pm"), preview, title_override=f"Bad: {case}")
        assert _plan_count() == before


def test_problems_read_as_plain_english_with_their_place(app: Flask, demo: dict[str, Any], exported: bytes) -> None:
    with app.app_context():
        preview = preview_import(_edit(exported, _set("F4", "DONE")))
    assert [str(p) for p in preview.problems] == [
        "sheet “WS1”, row 4, column F: “DONE” is not a status. Use COMPLETED, IN PROGRESS or STATIC."
    ]


def test_many_bad_rows_stop_after_a_readable_number_of_problems(
    app: Flask, demo: dict[str, Any], exported: bytes
) -> None:
    def bad_statuses(wb: Workbook) -> None:
        sheet = _ws1(wb)
        for row in range(3, 1500):
            sheet.cell(row, 1, f"1.{row}")
            sheet.cell(row, 2, "Title")
            sheet.cell(row, 6, "MAYBE")

    with app.app_context():
        preview = preview_import(_edit(exported, bad_statuses))
    assert len(preview.problems) == excel_io.MAX_PROBLEMS + 1
    assert "Reading stopped" in preview.problems[-1].message


def test_text_dates_and_columns_in_another_order_are_accepted(
    app: Flask, demo: dict[str, Any], exported: bytes
) -> None:
    def reorder(wb: Workbook) -> None:
        sheet = _ws1(wb)
        for row in sheet.iter_rows():
            row[8].value, row[9].value = row[9].value, row[8].value  # swap Deadline and Retired on
        sheet["J3"] = "31/03/2016"  # the deadline, now in column J, typed as text

    with app.app_context():
        preview = preview_import(_edit(exported, reorder))
    assert preview.problems == []
    assert preview.work_streams[0].actions[0].deadline == date(2016, 3, 31)


# --- owners by name, and workbooks in the older layout --------------------------------------------------


def _without_owner_emails(wb: Workbook) -> None:
    for name in wb.sheetnames:
        if name.startswith("WS"):
            wb[name].delete_cols(8)  # "Owner e-mail": owners are then found by name


def _older_layout(wb: Workbook) -> None:
    """As exported before sheets had short names: "WS2 Improving Triage, MASH and", no title row, e-mails under Owner."""
    for sheet in [wb[n] for n in wb.sheetnames if n.startswith("WS")]:
        title = sheet["A1"].value.split(": ", 1)[1]
        for row in sheet.iter_rows(min_row=3):
            row[6].value = row[7].value
        sheet.delete_cols(8)
        sheet.delete_rows(1)
        sheet.title = f"{sheet.title} {title}"[:31].strip()


def test_owners_given_by_name_alone_are_found(app: Flask, demo: dict[str, Any], exported: bytes) -> None:
    with app.app_context():
        preview = preview_import(_edit(exported, _without_owner_emails))
        assert preview.problems == []
        plan = apply_import(_user(demo, "pm"), preview, title_override="Owners by name")
        assert _actions(plan.id) == _actions(demo["plan_id"])


def test_a_workbook_in_the_older_layout_still_imports(app: Flask, demo: dict[str, Any], exported: bytes) -> None:
    older = _edit(exported, _older_layout)
    assert "WS2 Improving Triage, MASH and" in load_workbook(io.BytesIO(older)).sheetnames
    with app.app_context():
        preview = preview_import(older)
        assert preview.problems == []
        plan = apply_import(_user(demo, "pm"), preview, title_override="Older layout")
        assert _work_streams(plan.id) == _work_streams(demo["plan_id"])
        assert _actions(plan.id) == _actions(demo["plan_id"])


def test_two_people_with_the_same_name_need_the_e_mail_address(
    app: Flask, demo: dict[str, Any], exported: bytes
) -> None:
    twins = {"sm1@example.org": "Sarah Whitfield", "sarah.w@example.org": "Sarah  Whitfield"}
    others = {
        "sm2@example.org": "Tom Adeyemi",
        "sm3@example.org": "Rachel Dunmore",
        "pm@example.org": "Helen Marsh",
        "smt@example.org": "David Okafor",
    }
    data = _edit(exported, _without_owner_emails)
    with app.app_context():
        assert preview_import(exported, known_emails={**twins, **others}).problems == []
        problems = preview_import(data, known_emails={**twins, **others}).problems
    assert problems
    assert all(p.column == "G" and "2 people are called “Sarah Whitfield”" in p.message for p in problems)
