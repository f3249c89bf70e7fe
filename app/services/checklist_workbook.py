"""A service manager's checklist as a workbook, to fill in offline; uploaded back as draft proposals.

The workbook has the Excel export's columns (`excel_io.ACTION_COLUMNS` on one sheet per work stream, named
and titled as the export names them, and `excel_io.MEASURE_COLUMNS` on a "Measures" sheet), with one more
column, "Why", for the reason a change needs. A hidden "Versions" sheet keeps the version of each action and
measure as downloaded, so an upload cannot undo a change approved since.

An upload is read twice: `preview` runs every changed row through the proposals' own create-draft path
(`proposals.create_in_transaction`) and rolls it all back, so the preview's problems are the ones saving would
meet; `apply` runs the same and commits only if no row has a problem. Nothing in the plan changes: each row
becomes a DRAFT proposal that its author then gives evidence and submits as usual.
"""

from __future__ import annotations

import hashlib
import io
import logging
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from app.clock import today
from app.domain.proposals import field_labels
from app.domain.spreadsheet import FORMULA_PREFIXES
from app.domain.status import STATUS_ORDER, Status
from app.extensions import db
from app.formatting import format_date
from app.models import Action, PerformanceMeasure, RoundItem, User, WorkStream
from app.policy import Actor, Permission, PermissionDenied, can
from app.services import audit, proposals, rounds
from app.services.errors import ServiceError, ValidationFailed
from app.services.excel_io import (
    ACTION_COLUMNS,
    MAX_FILE_BYTES,
    MAX_UNCOMPRESSED_BYTES,
    MAX_ZIP_ENTRIES,
    MEASURE_COLUMNS,
    MEASURES_SHEET,
    NOT_A_WORKBOOK,
    RAG_STYLE,
    ImportProblem,
    work_stream_heading,
    work_stream_sheet_name,
)
from app.services.proposals import ProposalInput
from app.services.tx import write_transaction

log = logging.getLogger(__name__)

ABOUT_SHEET = "Checklist"
VERSIONS_SHEET = "Versions"
WHY = "Why"
MAX_ROWS = 2_000
MAX_PROBLEMS = 200
DATE_FORMAT = "dd/mm/yyyy"
MANAGER_EMAIL_LABEL = "Service manager's e-mail"

# Workbook column -> the proposal's field. Other columns are shown for reference and may not be changed here.
ACTION_EDITABLE = {
    "Performance measures and milestones": "measures_and_milestones",
    "Key targets": "key_targets",
    "Progress - actions": "progress",
    "Status": "status",
    "Deadline": "deadline",
}
ACTION_FIXED = ("Title", "Owner", "Owner e-mail", "Retired on")
MEASURE_EDITABLE = {"Description": "description", "Target": "target", "Status": "status", "Narrative": "narrative"}
HEADER_FILL = PatternFill("solid", fgColor="DEE0E2")
WRAP = Alignment(wrap_text=True, vertical="top")


# --- download -------------------------------------------------------------------------------------------


def _text(cell: Any, value: str | None) -> Any:
    text = str(ILLEGAL_CHARACTERS_RE.sub("", value or ""))
    cell.value = text or None
    if text.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
        cell.quotePrefix = True
    cell.alignment = WRAP
    return cell


def _date(cell: Any, value: date | None) -> None:
    cell.value = value
    cell.number_format = DATE_FORMAT


def _status(cell: Any, status: Status) -> None:
    fill, font = RAG_STYLE[status.rag]
    cell.value = status.label
    cell.fill = PatternFill("solid", fgColor=fill)
    cell.font = Font(bold=True, color=font)


def _header(sheet: Worksheet, columns: tuple[str, ...], row: int) -> None:
    for col, heading in enumerate(columns, start=1):
        cell = _text(sheet.cell(row, col), heading)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        sheet.column_dimensions[get_column_letter(col)].width = 40 if col > 2 else 12
    sheet.freeze_panes = f"A{row + 1}"


def download(manager: User, round_id: int) -> bytes:
    """The manager's checklist for the round, in the export's columns plus "Why"."""
    found = rounds.checklist(manager, round_id)
    wb = Workbook()
    about = wb.active
    about.title = ABOUT_SHEET
    _text(about.cell(1, 1), f"{found.headline} ({manager.name})").font = Font(bold=True, size=14)
    for row, (label, value) in enumerate(
        [
            ("Round", rounds.month_words(found.round.month)),
            ("Due", format_date(found.round.due_date)),
            ("Service manager", manager.name),
            (MANAGER_EMAIL_LABEL, manager.email),
            ("Downloaded", format_date(today())),
        ],
        start=3,
    ):
        _text(about.cell(row, 1), label).font = Font(bold=True)
        _text(about.cell(row, 2), value)
    _text(
        about.cell(9, 1),
        "Change the cells you are updating, and say why in the “Why” column when you change anything but the "
        "progress narrative. Leave a cell empty to keep what is there. Then upload the workbook on your checklist "
        "page: each changed row becomes a draft proposal, which you give evidence and submit as usual.",
    )
    about.column_dimensions["A"].width = 28
    about.column_dimensions["B"].width = 60

    versions = wb.create_sheet(VERSIONS_SHEET)
    versions.append(["Kind", "Work stream number", "Reference", "Checkpoint", "Version"])
    versions.sheet_state = "hidden"

    actions: dict[int, list[Action]] = {}
    work_streams: dict[int, WorkStream] = {}
    measures: list[PerformanceMeasure] = []
    for state in found.items:
        ws = state.item.work_stream
        work_streams[ws.number] = ws
        if state.item.action is not None:
            actions.setdefault(ws.number, []).append(state.item.action)
        elif state.item.measure is not None:
            measures.append(state.item.measure)
    columns = (*ACTION_COLUMNS, WHY)
    for number in sorted(work_streams):
        ws = work_streams[number]
        sheet = wb.create_sheet(work_stream_sheet_name(number))
        _text(sheet.cell(1, 1), work_stream_heading(number, ws.title)).font = Font(bold=True, size=14)
        _header(sheet, columns, 2)
        for row, action in enumerate(actions.get(number, []), start=3):
            _text(sheet.cell(row, 1), action.reference)
            _text(sheet.cell(row, 2), action.title)
            _text(sheet.cell(row, 3), action.measures_and_milestones)
            _text(sheet.cell(row, 4), action.key_targets)
            _text(sheet.cell(row, 5), action.progress)
            _status(sheet.cell(row, 6), action.status_enum)
            _text(sheet.cell(row, 7), action.owner.name if action.owner else "")
            _text(sheet.cell(row, 8), action.owner.email if action.owner else "")
            _date(sheet.cell(row, 9), action.deadline)
            _date(sheet.cell(row, 10), action.retired_on)
            versions.append(["action", number, action.reference, None, action.version])
    sheet = wb.create_sheet(MEASURES_SHEET)
    _header(sheet, (*MEASURE_COLUMNS, WHY), 1)
    for row, measure in enumerate(measures, start=2):
        number = measure.work_stream.number
        sheet.cell(row, 1, number)
        _text(sheet.cell(row, 2), measure.reference)
        sheet.cell(row, 3, measure.checkpoint)
        _text(sheet.cell(row, 4), measure.description)
        _text(sheet.cell(row, 5), measure.target)
        _status(sheet.cell(row, 6), measure.status_enum)
        _text(sheet.cell(row, 7), measure.narrative)
        versions.append(["measure", number, measure.reference, measure.checkpoint, measure.version])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- reading an upload ----------------------------------------------------------------------------------


@dataclass
class RowChange:
    """A changed row: the target, what it would propose, and where it is in the workbook."""

    sheet: str
    row: int
    target_type: str
    target_id: int
    label: str
    values: dict[str, Any]
    reason: str
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field label, from, to), for the preview


@dataclass
class UploadPreview:
    changes: list[RowChange] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    unchanged: int = 0
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.changes)


class _Stop(Exception):
    pass


class _Reader:
    def __init__(self, actor: Actor, round_id: int) -> None:
        self.actor = actor
        self.round = rounds.get_round(round_id)
        self.preview = UploadPreview()

    def problem(self, sheet: str, row: int | None, column: int | None, message: str) -> None:
        letter = get_column_letter(column) if column else None
        self.preview.problems.append(ImportProblem(sheet, row, letter, message))
        if len(self.preview.problems) >= MAX_PROBLEMS:
            self.preview.problems.append(
                ImportProblem(
                    "", None, None, f"Reading stopped after {MAX_PROBLEMS} problems. Fix these and try again."
                )
            )
            raise _Stop


def _package_problem(data: bytes) -> str | None:
    """Refuse before openpyxl reads it: empty, too big, not a zip, a zip bomb, macros."""
    if not data:
        return "The file is empty."
    if len(data) > MAX_FILE_BYTES:
        return f"The file is larger than {MAX_FILE_BYTES // 1_048_576} MB."
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES or sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
                return "The workbook is too large once unpacked."
            if any(e.flag_bits & 0x1 for e in entries):
                return "The workbook is encrypted. Save it without a password and try again."
            names = {e.filename.lower() for e in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        return NOT_A_WORKBOOK
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        return NOT_A_WORKBOOK
    if any(n.endswith("vbaproject.bin") for n in names):
        return "This workbook contains macros (.xlsm). Save it as an Excel Workbook (.xlsx) and try again."
    return None


def _value(cell: Any) -> Any:
    return getattr(cell, "value", None)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


def _normal_text(value: Any) -> str:
    return _cell_text(value).replace("\r\n", "\n").strip()


def _heading_key(value: Any) -> str:
    return " ".join(_cell_text(value).replace("\u2013", "-").split()).casefold()


def _parse_date(value: Any) -> tuple[date | None, str | None]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, datetime):
        if value.time() != time():
            return None, "has a time of day; enter a date only, such as 31/03/2016"
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, str):
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                return datetime.strptime(value.strip(), pattern).date(), None
            except ValueError:
                continue
    shown = _cell_text(value)[:40]
    return None, f"“{shown}” is not a date. Enter a date such as 31/03/2016"


def _rows(reader: _Reader, sheet: Any, name: str) -> list[tuple[int, tuple[Any, ...]]]:
    rows: list[tuple[int, tuple[Any, ...]]] = []
    for number, cells in enumerate(sheet.iter_rows(max_col=26), start=1):
        if number > MAX_ROWS:
            reader.problem(name, None, None, f"The sheet has more than {MAX_ROWS:,} rows.")
            break
        if not any(_normal_text(_value(c)) for c in cells):
            continue
        for column, cell in enumerate(cells, start=1):
            if getattr(cell, "data_type", None) == "f":
                reader.problem(name, number, column, "The cell holds a formula. Type the value itself.")
            elif getattr(cell, "data_type", None) == "e":
                reader.problem(name, number, column, "The cell holds an error value. Type the value itself.")
        rows.append((number, tuple(cells)))
    return rows


def _columns(
    reader: _Reader, name: str, rows: list[tuple[int, tuple[Any, ...]]], expected: tuple[str, ...]
) -> tuple[dict[str, int], list[tuple[int, tuple[Any, ...]]]] | None:
    """Find the heading row (the first with "Reference"), map each heading to its column."""
    wanted = {_heading_key(h): h for h in expected}
    for index, (number, cells) in enumerate(rows):
        keys = [_heading_key(_value(c)) for c in cells]
        if _heading_key("Reference") not in keys:
            continue
        found: dict[str, int] = {}
        for column, key in enumerate(keys, start=1):
            if not key:
                continue
            if key not in wanted:
                reader.problem(
                    name,
                    number,
                    column,
                    f"“{_cell_text(cells[column - 1].value)[:40]}” is not a column of the checklist.",
                )
                continue
            found[wanted[key]] = column
        missing = [h for h in expected if h not in found]
        for heading in missing:
            reader.problem(name, number, None, f"The column “{heading}” is missing from the heading row.")
        return (found, rows[index + 1 :]) if not missing else None
    reader.problem(name, None, None, "The sheet has no heading row (a row starting with “Reference”).")
    return None


def _versions(reader: _Reader, wb: Any) -> dict[tuple[str, int, str, int | None], int]:
    if VERSIONS_SHEET not in wb.sheetnames:
        return {}
    out: dict[tuple[str, int, str, int | None], int] = {}
    for cells in wb[VERSIONS_SHEET].iter_rows(min_row=2, max_col=5, max_row=MAX_ROWS, values_only=True):
        kind, number, reference, checkpoint, version = (list(cells) + [None] * 5)[:5]
        if isinstance(number, int) and isinstance(version, int) and reference:
            out[(str(kind), number, str(reference).casefold(), checkpoint if isinstance(checkpoint, int) else None)] = (
                version
            )
    return out


def _read(reader: _Reader, data: bytes) -> None:
    problem = _package_problem(data)
    if problem:
        reader.problem("", None, None, problem)
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        _check_owner(reader, wb)
        versions = _versions(reader, wb)
        mine = frozenset(reader.actor.managed_work_stream_ids)
        plan_ws = {
            ws.number: ws
            for ws in db.session.scalars(select(WorkStream).where(WorkStream.plan_id == reader.round.plan_id))
        }
        item_manager = {
            (i.target_type, i.action_id or i.measure_id): i.manager
            for i in db.session.scalars(select(RoundItem).where(RoundItem.round_id == reader.round.id))
        }
        for name in wb.sheetnames:
            if name in (ABOUT_SHEET, VERSIONS_SHEET):
                continue
            if name.strip().casefold() == MEASURES_SHEET.casefold():
                _read_measures(reader, wb[name], name, plan_ws, mine, versions, item_manager)
                continue
            number = _sheet_number(name)
            if number is None:
                reader.problem(name, None, None, f"“{name}” is not a sheet of the checklist.")
                continue
            _read_actions(reader, wb[name], name, plan_ws.get(number), number, mine, versions, item_manager)
    finally:
        wb.close()


def _sheet_number(name: str) -> int | None:
    text = name.strip().upper()
    if text.startswith("WS") and text[2:].strip().isdigit():
        return int(text[2:].strip())
    return None


def _check_owner(reader: _Reader, wb: Any) -> None:
    """A workbook downloaded by another service manager is refused whole: it is their list, not yours."""
    if ABOUT_SHEET not in wb.sheetnames:
        return
    for cells in wb[ABOUT_SHEET].iter_rows(max_col=2, max_row=20, values_only=True):
        if len(cells) == 2 and _normal_text(cells[0]) == MANAGER_EMAIL_LABEL:
            email = _normal_text(cells[1]).lower()
            actor_email = str(getattr(reader.actor, "email", "")).lower()
            if email and email != actor_email:
                owner = db.session.scalar(select(User).where(User.email == email))
                whose = f"{owner.name}'s" if owner else "another service manager's"
                reader.problem(
                    ABOUT_SHEET,
                    None,
                    None,
                    f"This workbook is {whose} checklist, not yours. Download your own checklist and fill that in.",
                )
                raise _Stop


def _scope_problem(
    reader: _Reader, ws: WorkStream, target_type: str, target_id: int, item_manager: dict[Any, User | None]
) -> str | None:
    if not can(reader.actor, Permission.PROPOSE_CHANGE, ws.id):
        return (
            f"Work stream {ws.roman} is not one you run: only its service manager can propose updates to it. "
            "Remove this row."
        )
    manager = item_manager.get((target_type, target_id))
    if manager is not None and manager.id != reader.actor.id:
        return f"This is on {manager.name}'s checklist, not yours. Remove this row."
    return None


def _read_actions(
    reader: _Reader,
    sheet: Any,
    name: str,
    ws: WorkStream | None,
    number: int,
    mine: frozenset[int],
    versions: dict[tuple[str, int, str, int | None], int],
    item_manager: dict[Any, User | None],
) -> None:
    rows = _rows(reader, sheet, name)
    found = _columns(reader, name, rows, (*ACTION_COLUMNS, WHY))
    if found is None:
        return
    columns, data_rows = found
    actions = (
        {a.reference.casefold(): a for a in db.session.scalars(select(Action).where(Action.work_stream_id == ws.id))}
        if ws is not None
        else {}
    )
    for row_number, cells in data_rows:

        def at(heading: str, cells: tuple[Any, ...] = cells) -> Any:
            column = columns[heading]
            return _value(cells[column - 1]) if column <= len(cells) else None

        reference = _normal_text(at("Reference"))
        if ws is None:
            reader.problem(name, row_number, columns["Reference"], f"There is no work stream {number} in this plan.")
            continue
        action = actions.get(reference.casefold())
        if action is None:
            reader.problem(
                name, row_number, columns["Reference"], f"Work stream {ws.roman} has no action “{reference[:20]}”."
            )
            continue
        values: dict[str, Any] = {}
        shown: list[tuple[str, str, str]] = []
        row_ok = True
        for heading, attr in ACTION_EDITABLE.items():
            raw = at(heading)
            current = getattr(action, attr)
            if attr == "status":
                text = _normal_text(raw)
                if not text:
                    continue
                status = Status.parse(text)
                if status is None:
                    words = ", ".join(s.label for s in STATUS_ORDER[:-1]) + f" or {STATUS_ORDER[-1].label}"
                    reader.problem(name, row_number, columns[heading], f"“{text[:40]}” is not a status. Use {words}.")
                    row_ok = False
                elif status.value != current:
                    values[attr] = status.value
                    shown.append(("Status", Status(current).label, status.label))
            elif attr == "deadline":
                parsed, problem = _parse_date(raw)
                if problem:
                    reader.problem(name, row_number, columns[heading], f"Deadline {problem}.")
                    row_ok = False
                elif parsed is not None and parsed != current:
                    values[attr] = parsed
                    shown.append(("Deadline", format_date(current) or "none", format_date(parsed)))
            else:
                text = _normal_text(raw)
                if text and text != (current or "").replace("\r\n", "\n").strip():
                    values[attr] = text
                    shown.append((heading, "", ""))
        for heading in ACTION_FIXED:
            if heading in ("Owner", "Owner e-mail"):
                was = (action.owner.name if heading == "Owner" else action.owner.email) if action.owner else ""
            elif heading == "Retired on":
                was = _cell_text(action.retired_on)
            else:
                was = action.title
            now = _normal_text(at(heading))
            if heading == "Retired on":
                now = _cell_text(_parse_date(at(heading))[0]) if now else ""
            if now and now.casefold() != (was or "").strip().casefold():
                reader.problem(
                    name,
                    row_number,
                    columns[heading],
                    f"“{heading}” cannot be changed by a proposal. Put it back as it was, or ask the project manager.",
                )
                row_ok = False
        if not values:
            if row_ok:
                reader.preview.unchanged += 1
            continue
        scope = _scope_problem(reader, ws, "action", action.id, item_manager)
        if scope or ws.id not in mine:
            reader.problem(
                name, row_number, columns["Reference"], scope or f"Work stream {ws.roman} is not one you run."
            )
            continue
        version = versions.get(("action", number, action.reference.casefold(), None))
        if version is not None and version != action.version:
            reader.problem(name, row_number, None, _moved(f"Action {action.reference}"))
            continue
        if row_ok:
            reader.preview.changes.append(
                RowChange(
                    name,
                    row_number,
                    "action",
                    action.id,
                    f"action {action.reference}",
                    values,
                    _normal_text(at(WHY)),
                    shown,
                )
            )


def _moved(what: str) -> str:
    return (
        f"{what} has changed since this workbook was downloaded, so this row could undo someone else's change. "
        "Download your checklist again and copy your update into it."
    )


def _read_measures(
    reader: _Reader,
    sheet: Any,
    name: str,
    plan_ws: dict[int, WorkStream],
    mine: frozenset[int],
    versions: dict[tuple[str, int, str, int | None], int],
    item_manager: dict[Any, User | None],
) -> None:
    rows = _rows(reader, sheet, name)
    found = _columns(reader, name, rows, (*MEASURE_COLUMNS, WHY))
    if found is None:
        return
    columns, data_rows = found
    for row_number, cells in data_rows:

        def at(heading: str, cells: tuple[Any, ...] = cells) -> Any:
            column = columns[heading]
            return _value(cells[column - 1]) if column <= len(cells) else None

        number_text = _normal_text(at("Work stream number"))
        reference = _normal_text(at("Reference"))
        checkpoint_text = _normal_text(at("Checkpoint"))
        ws = plan_ws.get(int(number_text)) if number_text.isdigit() else None
        if ws is None:
            reader.problem(
                name, row_number, columns["Work stream number"], f"There is no work stream “{number_text[:10]}”."
            )
            continue
        measure = db.session.scalar(
            select(PerformanceMeasure).where(
                PerformanceMeasure.work_stream_id == ws.id,
                PerformanceMeasure.reference == reference,
                PerformanceMeasure.checkpoint == (int(checkpoint_text) if checkpoint_text.isdigit() else -1),
            )
        )
        if measure is None:
            reader.problem(
                name,
                row_number,
                columns["Reference"],
                f"Work stream {ws.roman} has no measure “{reference[:20]}” at {checkpoint_text[:5]} months.",
            )
            continue
        values: dict[str, Any] = {}
        shown: list[tuple[str, str, str]] = []
        row_ok = True
        for heading, attr in MEASURE_EDITABLE.items():
            text = _normal_text(at(heading))
            current = getattr(measure, attr)
            if not text:
                continue
            if attr == "status":
                status = Status.parse(text)
                if status is None:
                    reader.problem(name, row_number, columns[heading], f"“{text[:40]}” is not a status.")
                    row_ok = False
                elif status.value != current:
                    values[attr] = status.value
                    shown.append(("Status", Status(current).label, status.label))
            elif text != (current or "").replace("\r\n", "\n").strip():
                values[attr] = text
                shown.append((field_labels("measure")[attr], "", ""))
        if not values:
            if row_ok:
                reader.preview.unchanged += 1
            continue
        scope = _scope_problem(reader, ws, "measure", measure.id, item_manager)
        if scope or ws.id not in mine:
            reader.problem(
                name, row_number, columns["Reference"], scope or f"Work stream {ws.roman} is not one you run."
            )
            continue
        version = versions.get(("measure", ws.number, measure.reference.casefold(), measure.checkpoint))
        if version is not None and version != measure.version:
            reader.problem(name, row_number, None, _moved(f"Measure {measure.reference}"))
            continue
        if row_ok:
            reader.preview.changes.append(
                RowChange(
                    name,
                    row_number,
                    "measure",
                    measure.id,
                    f"performance measure {measure.reference} ({measure.checkpoint} months)",
                    values,
                    _normal_text(at(WHY)),
                    shown,
                )
            )


# --- preview and apply ----------------------------------------------------------------------------------


class _DryRun(Exception):
    """Raised at the end of a preview, so the transaction rolls back whatever the rows did."""


def _require_on_checklist(actor: Actor, round_id: int) -> None:
    if not can(actor, Permission.PROPOSE_CHANGE):
        raise PermissionDenied(Permission.PROPOSE_CHANGE, "Only service managers update a checklist")
    round_ = rounds.get_round(round_id)
    if not round_.is_open:
        raise ServiceError(f"The round for {rounds.month_words(round_.month)} is closed.")


def _draft_rows(actor: Actor, preview: UploadPreview) -> list[int]:
    """Each changed row through the proposals' create-draft path, in a savepoint of its own so that every row's
    problem is found; returns the new drafts' ids."""
    created: list[int] = []
    for change in preview.changes:
        labels = field_labels(change.target_type)
        data = ProposalInput(values=change.values, reasons=dict.fromkeys(change.values, change.reason))
        try:
            with db.session.begin_nested():
                proposal = proposals.create_in_transaction(actor, change.target_type, change.target_id, data)
                created.append(proposal.id)
        except ValidationFailed as refused:
            for key, message in refused.errors.items():
                name = key.removesuffix("_reason")
                where = WHY if key.endswith("_reason") else labels.get(name, "")
                preview.problems.append(
                    ImportProblem(change.sheet, change.row, None, f"{where}: {message}" if where else message)
                )
        except ServiceError as refused:
            preview.problems.append(ImportProblem(change.sheet, change.row, None, refused.message))
        if not db.session().in_transaction():  # a race ended the transaction: nothing more can be tried
            raise ServiceError("Someone changed the plan at the same moment. Nothing was saved: upload it again.")
    return created


def preview(actor: Actor, round_id: int, data: bytes) -> UploadPreview:
    """What the upload would draft, and every problem row by row. Saves nothing."""
    _require_on_checklist(actor, round_id)
    reader = _Reader(actor, round_id)
    reader.preview.sha256 = hashlib.sha256(data).hexdigest()
    try:
        _read(reader, data)
    except _Stop:
        pass
    except Exception:  # a damaged or hostile file must become a message, never a 500
        log.warning("Checklist workbook could not be read", exc_info=True)
        reader.problem("", None, None, "The workbook could not be read: it may be damaged. Save it again and retry.")
    result = reader.preview
    if not result.changes:
        return result
    try:
        with write_transaction():
            _draft_rows(actor, result)
            raise _DryRun
    except _DryRun:
        pass
    return result


def apply(actor: Actor, round_id: int, data: bytes) -> list[int]:
    """Draft a proposal for every changed row, all or nothing; the drafts' ids."""
    result = preview(actor, round_id, data)
    if not result.ok:
        count = len(result.problems)
        raise ValidationFailed(
            {"workbook": f"The workbook has {count} problem{'s' if count != 1 else ''}. Nothing was saved."}
            if count
            else {"workbook": "No row of the workbook changes anything."}
        )
    with write_transaction():
        created = _draft_rows(actor, result)
        if result.problems:
            raise ValidationFailed({"workbook": "Someone changed the plan at the same moment. Nothing was saved."})
        round_ = rounds.get_round(round_id)
        audit.record(
            actor,
            "round.workbook_uploaded",
            f"{actor.name} uploaded their checklist for {rounds.month_words(round_.month)}: "
            f"{len(created)} draft proposal{'s' if len(created) != 1 else ''}",
            object_type="update_round",
            object_id=round_.id,
            plan_id=round_.plan_id,
            after={"proposal_ids": created, "sha256": result.sha256},
        )
    return created
