"""A plan in and out of Excel, the way councils keep these plans today.

The workbook has a "Plan" sheet (title, start date, reporting checkpoint and the list of work streams),
one sheet per work stream ("WS2": the full title is in its first row, above the committee report's
columns) and a "Measures" sheet. Owners are shown by name, with their e-mail address in the next column.
Export writes exactly what import reads, so a plan survives the round trip with nothing lost; import also
reads the older layout (sheets named "WS2 Improving Triage, MASH and", owners by e-mail, no title row).

Import is two steps, because a workbook comes from outside and may be wrong or hostile:
`preview_import` reads it without saving anything and lists every problem, row by row;
`apply_import` then creates the plan, all or nothing, with one audit record.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import warnings
import zipfile
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

import xlsxwriter
from defusedxml import ElementTree as SafeElementTree
from openpyxl import load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.escape import unescape
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
from sqlalchemy import func, insert, select
from sqlalchemy.orm import joinedload

from app.clock import to_uk
from app.domain.references import to_roman
from app.domain.spreadsheet import neutralised
from app.domain.status import STATUS_ORDER, Status, StatusCounts
from app.extensions import db
from app.formatting import format_date
from app.models import Action, PerformanceMeasure, Plan, User, WorkStream
from app.policy import Actor, Permission, require_as, roles_with
from app.services import audit, meetings, plan_read, risks
from app.services.errors import ValidationFailed
from app.services.meetings import ChangeLine
from app.services.plan_read import get_plan
from app.services.tx import write_transaction

log = logging.getLogger(__name__)

PLAN_SHEET = "Plan"
MEASURES_SHEET = "Measures"
ACTION_COLUMNS: tuple[str, ...] = (
    "Reference",
    "Title",
    "Performance measures and milestones",
    "Key targets",
    "Progress - actions",
    "Status",
    "Owner",
    "Owner e-mail",
    "Deadline",
    "Retired on",
)
OWNER_EMAIL = "Owner e-mail"  # optional on import: workbooks exported before it existed have e-mails under Owner
MEASURE_COLUMNS: tuple[str, ...] = (
    "Work stream number",
    "Reference",
    "Checkpoint",
    "Description",
    "Target",
    "Status",
    "Narrative",
)
CHANGES_SHEET = "Changes"  # written for people to read; import passes over it
CHANGE_COLUMNS: tuple[str, ...] = (
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
)
CHANGE_WIDTHS = (12, 10, 40, 36, 36, 48, 40, 22, 14, 22, 14, 40)
PLAN_TITLE_LABEL = "Plan title"
START_DATE_LABEL = "Start date"
CHECKPOINT_LABEL = "Reporting checkpoint (months)"
WORK_STREAM_COLUMNS: tuple[str, ...] = ("Work stream number", "Title")

# Limits on what we agree to read. A plan of the report's size is 7 sheets of about 10 rows.
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# Bounds against hostile files, scaled to what the app itself exports: a sheet per work stream (WS1 to WS999,
# as the sheet names allow) beside the Plan, Measures and Changes sheets; a work stream's rows on its sheet,
# the whole plan's measures on one sheet. The unpacked size bounds the work of reading any of it.
MAX_SHEETS = 999 + 3
MAX_ZIP_ENTRIES = MAX_SHEETS + 100
MAX_ROWS = 2_000
MAX_MEASURE_ROWS = 50_000
MAX_COLUMNS = 26  # columns A to Z are read; a plan sheet uses at most nine
MAX_PROBLEMS = 200
MAX_REFERENCE = 20
MAX_TITLE = 200

DATE_FORMAT = "dd/mm/yyyy"
XLSX_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Spreadsheet programs run a cell typed with one of these first characters as a formula.
from app.domain.spreadsheet import FORMULA_PREFIXES  # noqa: E402

WORK_STREAM_SHEET = re.compile(r"^\s*WS\s*(\d{1,3})(?:\s|$)", re.IGNORECASE)
# A work stream sheet's first row: "Work stream ii: Improving Triage, MASH and Referrals & Assessment".
WORK_STREAM_HEADING = re.compile(
    r"^\s*(?:work\s*stream|WS)\s*([ivxlcdm]+|\d{1,3})\s*[:.\-\u2013\u2014]?\s*(.*?)\s*$", re.IGNORECASE
)

# GOV.UK colours; the font colour on each gives a contrast ratio of at least 4.5:1.
RAG_STYLE: dict[str, tuple[str, str]] = {
    "green": ("00703C", "FFFFFF"),
    "amber": ("FFBF47", "0B0C0C"),
    "red": ("D4351C", "FFFFFF"),
}
ACTION_WIDTHS = (11, 36, 48, 40, 60, 14, 24, 30, 12, 12)
MEASURE_WIDTHS = (12, 11, 11, 48, 36, 14, 60)

NOT_A_WORKBOOK = (
    "This file is not an Excel workbook (.xlsx). If it is a CSV file or an older .xls file, open it in "
    "Excel and save it as an Excel Workbook (.xlsx)."
)


# --- what a preview holds -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportProblem:
    """One reason the workbook cannot be imported, located as precisely as we can."""

    sheet: str
    row: int | None
    column: str | None  # a column letter, such as "F"
    message: str

    def __str__(self) -> str:
        where = [f"sheet “{self.sheet}”"] if self.sheet else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportedAction:
    reference: str
    title: str
    measures_and_milestones: str
    key_targets: str
    progress: str
    status: Status
    owner_email: str | None
    deadline: date | None
    retired_on: date | None
    row: int = 0


@dataclass
class ImportedMeasure:
    reference: str
    checkpoint: int
    description: str
    target: str
    status: Status
    narrative: str
    row: int = 0


@dataclass
class ImportedWorkStream:
    number: int
    title: str
    sheet: str = ""
    actions: list[ImportedAction] = field(default_factory=list)
    measures: list[ImportedMeasure] = field(default_factory=list)
    row: int = 0  # its row on the Plan sheet


@dataclass
class ImportPreview:
    """What an import would create, and every reason it cannot. Nothing here is saved."""

    plan_title: str = ""
    start_date: date | None = None
    reporting_checkpoint: int = 6
    work_streams: list[ImportedWorkStream] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def counts(self) -> dict[str, int]:
        actions = [a for ws in self.work_streams for a in ws.actions]
        return {
            "work_streams": len(self.work_streams),
            "actions": len(actions),
            "retired_actions": sum(1 for a in actions if a.retired_on is not None),
            "measures": sum(len(ws.measures) for ws in self.work_streams),
        }

    @property
    def action_counts(self) -> StatusCounts:
        return StatusCounts.from_pairs((a.status, 1) for ws in self.work_streams for a in ws.actions)


# --- export ---------------------------------------------------------------------------------------------


def export_plan(plan_id: int) -> bytes:
    """The plan as an .xlsx workbook that `preview_import` reads back unchanged.

    Callers check who may export. Owners are shown by name; the e-mail address beside it is what import
    matches an account by, since two people may share a name. XlsxWriter writes it (openpyxl reads): for a
    plan of 700 work streams it writes the 158,000 cells five times as fast.
    """
    plan = get_plan(plan_id)
    work_streams = list(
        db.session.scalars(select(WorkStream).where(WorkStream.plan_id == plan.id).order_by(WorkStream.number))
    )
    actions = plan_read.plan_actions(plan.id)
    measures = plan_read.plan_measures(plan.id)
    actions_by_ws: dict[int, list[Action]] = {}
    for action in actions:
        actions_by_ws.setdefault(action.work_stream_id, []).append(action)
    number_of = {ws.id: ws.number for ws in work_streams}

    out = BytesIO()
    # every value is written by type (write_string, write_number, ...), never guessed from its text
    wb = xlsxwriter.Workbook(
        out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    wb.set_properties({"title": _clean(plan.title), "author": "Improvement plan tracker"})
    put = _Writer(wb)
    _write_plan_sheet(put, wb.add_worksheet(PLAN_SHEET), plan, work_streams)
    for ws in work_streams:
        sheet = wb.add_worksheet(work_stream_sheet_name(ws.number))
        put.title(sheet, 0, work_stream_heading(ws.number, ws.title))
        _write_header(put, sheet, ACTION_COLUMNS, ACTION_WIDTHS, row=1)
        rows = actions_by_ws.get(ws.id, [])
        for row, action in enumerate(rows, start=2):
            put.text(sheet, row, 0, action.reference)
            put.text(sheet, row, 1, action.title)
            put.text(sheet, row, 2, action.measures_and_milestones)
            put.text(sheet, row, 3, action.key_targets)
            put.text(sheet, row, 4, action.progress)
            put.status(sheet, row, 5, action.status_enum)
            put.text(sheet, row, 6, action.owner.name if action.owner else "")
            put.text(sheet, row, 7, action.owner.email if action.owner else "")
            put.date(sheet, row, 8, action.deadline)
            put.date(sheet, row, 9, action.retired_on)
        _finish_table(put, sheet, rows=len(rows), columns=len(ACTION_COLUMNS), status_column=5, header_row=1)

    sheet = wb.add_worksheet(MEASURES_SHEET)
    _write_header(put, sheet, MEASURE_COLUMNS, MEASURE_WIDTHS, row=0)
    for row, measure in enumerate(measures, start=1):
        sheet.write_number(row, 0, number_of[measure.work_stream_id])
        put.text(sheet, row, 1, measure.reference)
        sheet.write_number(row, 2, measure.checkpoint)
        put.text(sheet, row, 3, measure.description)
        put.text(sheet, row, 4, measure.target)
        put.status(sheet, row, 5, measure.status_enum)
        put.text(sheet, row, 6, measure.narrative)
    _finish_table(put, sheet, rows=len(measures), columns=len(MEASURE_COLUMNS), status_column=5, header_row=0)
    _write_changes_sheet(put, wb.add_worksheet(CHANGES_SHEET), plan.id)
    wb.close()
    return out.getvalue()


def change_row(line: ChangeLine) -> list[Any]:
    """One approved change as the exports lay it out: the columns of CHANGE_COLUMNS, every value in words."""
    return [
        to_roman(line.work_stream_number) if line.work_stream_number else "",
        line.reference,
        line.what,
        line.before,
        line.after,
        line.justification,
        line.approval_note,
        line.proposer,
        _uk_day(line.proposed_on),
        line.approver,
        _uk_day(line.approved_on),
        "; ".join(line.evidence_titles),
    ]


def _uk_day(moment: datetime | None) -> date | None:
    return to_uk(moment).date() if moment else None


def _write_changes_sheet(put: _Writer, sheet: Any, plan_id: int) -> None:
    """The changes since the last committee meeting, one row each: what, from, to, why, who and when, evidence."""
    baseline, lines = meetings.changes_since_last_meeting(plan_id)
    since = f"the meeting of {format_date(baseline.meeting.meeting_date)}" if baseline else "the plan began"
    put.title(sheet, 0, f"Changes since {since}")
    _write_header(put, sheet, CHANGE_COLUMNS, CHANGE_WIDTHS, row=1)
    for row, line in enumerate(lines, start=2):
        for col, value in enumerate(change_row(line)):
            if isinstance(value, date):
                put.date(sheet, row, col, value)
            else:
                put.text(sheet, row, col, value)
    sheet.autofilter(1, 0, 1 + max(len(lines), 1), len(CHANGE_COLUMNS) - 1)


def changes_csv(plan_id: int, **filters: Any) -> str:
    """The changes since the last committee meeting as CSV, the columns of the workbook's "Changes" sheet."""
    _, lines = meetings.changes_since_last_meeting(plan_id, **filters)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CHANGE_COLUMNS)
    for line in lines:
        writer.writerow([neutralised(v.isoformat() if isinstance(v, date) else v) for v in change_row(line)])
    return buffer.getvalue()


def changes_csv_lines(lines: Iterable[ChangeLine]) -> Iterator[str]:
    """`changes_csv` a line at a time, from changes read a batch at a time; starts with the byte order mark that
    tells a spreadsheet it is UTF-8 (as `changes_csv` encoded with utf-8-sig)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: list[Any]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield "\ufeff" + line(list(CHANGE_COLUMNS))
    for change in lines:
        yield line([neutralised(v.isoformat() if isinstance(v, date) else v) for v in change_row(change)])


def work_stream_sheet_name(number: int) -> str:
    """ "WS2": short, because Excel cuts sheet names at 31 characters; the title is in the sheet's first row."""
    return f"WS{number}"


def work_stream_heading(number: int, title: str) -> str:
    """The first row of a work stream's sheet, in the words the pages use: "Work stream ii: Improving Triage"."""
    return f"Work stream {to_roman(number)}: {title}"


def _write_plan_sheet(put: _Writer, sheet: Any, plan: Plan, work_streams: Sequence[WorkStream]) -> None:
    for row, (label, value) in enumerate(
        [
            (PLAN_TITLE_LABEL, plan.title),
            (START_DATE_LABEL, plan.start_date),
            (CHECKPOINT_LABEL, plan.reporting_checkpoint),
        ],
        start=0,
    ):
        put.text(sheet, row, 0, label, put.label)
        if isinstance(value, str):
            put.text(sheet, row, 1, value)
        elif isinstance(value, date):
            put.date(sheet, row, 1, value)
        else:
            sheet.write_number(row, 1, value, put.number)
    header_row = 4
    for col, heading in enumerate(WORK_STREAM_COLUMNS):
        put.text(sheet, header_row, col, heading, put.header)
    for row, ws in enumerate(work_streams, start=header_row + 1):
        sheet.write_number(row, 0, ws.number, put.number)
        put.text(sheet, row, 1, ws.title)
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 1, 70)


HEADER_FILL = "#DEE0E2"
HEADER_RULE = "#0B0C0C"


class _Writer:
    """The workbook's formats, made once (XlsxWriter shares a format between every cell that uses it), and
    the writing of one value of each kind with the format it takes."""

    def __init__(self, wb: Any) -> None:
        top = {"valign": "top"}
        self.wrap = wb.add_format({**top, "text_wrap": True})
        # Excel's leading apostrophe: text that looks like a formula is shown and edited as text, never run
        self.quoted = wb.add_format({**top, "text_wrap": True, "quote_prefix": True})
        self.label = wb.add_format({**top, "text_wrap": True, "bold": True})
        self.header = wb.add_format(
            {
                **top,
                "text_wrap": True,
                "bold": True,
                "pattern": 1,
                "bg_color": HEADER_FILL,
                "bottom": 2,  # medium
                "bottom_color": HEADER_RULE,
            }
        )
        self.heading = wb.add_format({**top, "bold": True, "font_size": 14})  # not wrapped: runs on to the right
        self.day = wb.add_format({**top, "num_format": DATE_FORMAT, "align": "left"})
        self.number = wb.add_format({"align": "left"})
        self.statuses: dict[Status, Any] = {}
        self.rules: dict[Status, Any] = {}  # the colours of the conditional formats, which follow edits in Excel
        for status in STATUS_ORDER:
            fill, font = RAG_STYLE[status.rag]
            colours = {"bold": True, "pattern": 1, "bg_color": f"#{fill}", "font_color": f"#{font}"}
            self.statuses[status] = wb.add_format({**colours, **top, "align": "center", "text_wrap": True})
            self.rules[status] = wb.add_format(colours)

    def text(self, sheet: Any, row: int, col: int, value: str | None, style: Any = None) -> None:
        """Text stays text: written as a string whatever it looks like, quoted where it would run as a formula."""
        text = _clean(value or "")
        if style is None:
            style = self.quoted if text.startswith(FORMULA_PREFIXES) else self.wrap
        if text:
            sheet.write_string(row, col, text, style)
        else:
            sheet.write_blank(row, col, None, style)

    def title(self, sheet: Any, row: int, text: str) -> None:
        self.text(sheet, row, 0, text, self.heading)
        sheet.set_row(row, 24)

    def date(self, sheet: Any, row: int, col: int, value: date | None) -> None:
        if value is None:
            sheet.write_blank(row, col, None, self.day)
        else:
            sheet.write_datetime(row, col, value, self.day)

    def status(self, sheet: Any, row: int, col: int, status: Status) -> None:
        sheet.write_string(row, col, status.label, self.statuses[status])


def _write_header(put: _Writer, sheet: Any, columns: Sequence[str], widths: Sequence[int], *, row: int) -> None:
    """The table's headings on `row` (counted from 0), frozen, repeated on every printed page."""
    for col, (heading, width) in enumerate(zip(columns, widths, strict=True)):
        put.text(sheet, row, col, heading, put.header)
        sheet.set_column(col, col, width)
    sheet.freeze_panes(row + 1, 0)
    sheet.repeat_rows(row)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)  # one page wide, as many long as it takes


def _finish_table(put: _Writer, sheet: Any, *, rows: int, columns: int, status_column: int, header_row: int) -> None:
    """Filters on the header, a drop-down of statuses, and colours that follow edits made in Excel."""
    last_row = header_row + max(rows, 1)
    sheet.autofilter(header_row, 0, last_row, columns - 1)
    status_last = max(last_row, 199)  # room below the rows for the ones added in Excel
    sheet.data_validation(
        header_row + 1,
        status_column,
        status_last,
        status_column,
        {
            "validate": "list",
            "source": [s.label for s in STATUS_ORDER],
            "ignore_blank": False,
            "error_title": "Status",
            "error_message": f"Choose {_or_list(s.label for s in STATUS_ORDER)}",
        },
    )
    for status in STATUS_ORDER:
        sheet.conditional_format(
            header_row + 1,
            status_column,
            status_last,
            status_column,
            {"type": "cell", "criteria": "==", "value": f'"{status.label}"', "format": put.rules[status]},
        )


def _clean(value: str) -> str:
    """XML cannot hold most control characters; they carry no meaning in a plan, so they are dropped."""
    return str(ILLEGAL_CHARACTERS_RE.sub("", value))


def _or_list(words: Iterable[str]) -> str:
    items = list(words)
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else "".join(items)


# --- preview --------------------------------------------------------------------------------------------


class _TooManyProblems(Exception):
    pass


class _Problems:
    """Collects problems; stops reading once there are more than anyone would read."""

    def __init__(self) -> None:
        self.items: list[ImportProblem] = []

    def add(self, sheet: str, row: int | None, column: int | str | None, message: str) -> None:
        letter = get_column_letter(column) if isinstance(column, int) else column
        self.items.append(ImportProblem(sheet, row, letter, message))
        if len(self.items) >= MAX_PROBLEMS:
            self.items.append(
                ImportProblem(
                    "", None, None, f"Reading stopped after {MAX_PROBLEMS} problems. Fix these and try again."
                )
            )
            raise _TooManyProblems

    def __bool__(self) -> bool:
        return bool(self.items)


KnownEmails = Mapping[str, str] | Collection[str] | Callable[[str], bool]


def preview_import(data: bytes, *, known_emails: KnownEmails | None = None) -> ImportPreview:
    """Read a workbook in the export's shape and say what it would create. Saves nothing, never raises.

    `known_emails` says who may own an action: e-mail addresses mapped to names (so an owner given by
    name alone is found too), a set of addresses, or a function of an address. Without it, the database
    is asked (one query): active service managers, project managers and senior managers, as in the plan
    editor.
    """
    preview = ImportPreview()
    problems = _Problems()
    try:
        _check_package(data, problems)
        if not problems:
            _read_workbook(data, preview, problems, _owner_directory(known_emails))
    except _TooManyProblems:
        pass
    except Exception:  # a damaged or hostile file must become a message, never a 500
        log.warning("Workbook could not be read", exc_info=True)
        problems.items.append(
            ImportProblem(
                "", None, None, "The workbook could not be read: it may be damaged. Save it again in Excel and retry."
            )
        )
    preview.problems = problems.items
    return preview


@dataclass(frozen=True)
class _Owners:
    """Who may own an action: by e-mail address, and by name where names are known."""

    knows: Callable[[str], bool]
    names: Mapping[str, str] | None = None  # e-mail address -> name

    def name_of(self, email: str) -> str | None:
        return self.names.get(email) if self.names is not None else None

    def emails_named(self, name: str) -> list[str]:
        wanted = _person(name)
        return sorted(e for e, n in (self.names or {}).items() if _person(n) == wanted)


def _person(name: str) -> str:
    return " ".join(name.split()).casefold()


def _owner_directory(known: KnownEmails | None) -> _Owners:
    if callable(known):
        return _Owners(known)
    if known is None:
        known = {u.email: u.name for u in db.session.scalars(_possible_owners())}
    if isinstance(known, Mapping):
        names = {e.strip().lower(): n for e, n in known.items()}
        return _Owners(names.__contains__, names)
    lowered = {e.strip().lower() for e in known}
    return _Owners(lowered.__contains__)


_NO_OWNER = "No active service manager, project manager or senior manager has the e-mail address"
_NO_OWNER_NAMED = "No active service manager, project manager or senior manager is called"


def _possible_owners() -> Any:
    """Who may own an action: the same people the plan editor offers."""
    return select(User).where(User.active.is_(True), User.role.in_(roles_with(Permission.OWN_ACTIONS)))


def _check_package(data: bytes, problems: _Problems) -> None:
    """Refuse before openpyxl sees the file: not a zip, a zip bomb, not a spreadsheet, macros, too many sheets."""
    if not data:
        problems.add("", None, None, "The file is empty.")
        return
    if len(data) > MAX_FILE_BYTES:
        problems.add(
            "",
            None,
            None,
            f"The file is {len(data) / 1_048_576:.0f} MB; the limit is {MAX_FILE_BYTES // 1_048_576} MB.",
        )
        return
    if data.startswith(OLE_MAGIC):
        problems.add(
            "",
            None,
            None,
            "This is an older Excel file (.xls) or a password-protected workbook. Save it as an Excel Workbook "
            "(.xlsx) without a password and try again.",
        )
        return
    if not zipfile.is_zipfile(BytesIO(data)):
        problems.add("", None, None, NOT_A_WORKBOOK)
        return
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError):
        problems.add("", None, None, NOT_A_WORKBOOK)
        return
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ZIP_ENTRIES:
            problems.add(
                "", None, None, f"The file holds {len(entries):,} parts; a workbook this import accepts has far fewer."
            )
            return
        unpacked = sum(e.file_size for e in entries)
        if unpacked > MAX_UNCOMPRESSED_BYTES:
            problems.add(
                "",
                None,
                None,
                f"Unpacked, the workbook would take {unpacked / 1_048_576:,.0f} MB; the limit is "
                f"{MAX_UNCOMPRESSED_BYTES // 1_048_576} MB.",
            )
            return
        if any(e.flag_bits & 0x1 for e in entries):
            problems.add("", None, None, "The workbook is encrypted. Save it without a password and try again.")
            return
        names = {e.filename for e in entries}
        if "[Content_Types].xml" not in names:
            problems.add("", None, None, NOT_A_WORKBOOK)
            return
        try:
            types = SafeElementTree.fromstring(archive.read("[Content_Types].xml"))
        except Exception:
            problems.add("", None, None, "The workbook is damaged: its list of contents cannot be read.")
            return
    content_types = [el.get("ContentType", "") for el in types]
    if any("macroenabled" in t.lower() or "vbaproject" in t.lower() for t in content_types) or any(
        n.lower().endswith("vbaproject.bin") for n in names
    ):
        problems.add(
            "",
            None,
            None,
            "This workbook contains macros (.xlsm). Save it as an Excel Workbook (.xlsx), without macros, "
            "and try again.",
        )
        return
    if XLSX_MAIN not in content_types:
        problems.add("", None, None, NOT_A_WORKBOOK)
        return
    sheets = sum(1 for t in content_types if t == WORKSHEET_TYPE)
    if sheets > MAX_SHEETS:
        problems.add("", None, None, f"The workbook has {sheets} sheets; the limit is {MAX_SHEETS}.")


def _read_workbook(data: bytes, preview: ImportPreview, problems: _Problems, owners: _Owners) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about features it drops; they do not matter here
        wb = load_workbook(BytesIO(data), read_only=True, data_only=False)
    try:
        names = list(wb.sheetnames)
        if len(names) > MAX_SHEETS:
            problems.add("", None, None, f"The workbook has {len(names)} sheets; the limit is {MAX_SHEETS}.")
            return
        plan_name = _find_sheet(names, PLAN_SHEET)
        measures_name = _find_sheet(names, MEASURES_SHEET)
        ws_sheets: dict[int, str] = {}
        for name in names:
            if name in (plan_name, measures_name) or name.strip().casefold() == CHANGES_SHEET.casefold():
                continue  # the "Changes" sheet is for reading: changes are made through the service, never imported
            match = WORK_STREAM_SHEET.match(name)
            if match is None:
                problems.add(
                    name,
                    None,
                    None,
                    f"“{name}” is not a sheet this import knows. A plan workbook has a “{PLAN_SHEET}” sheet, one "
                    f"sheet per work stream named like “WS1”, and a “{MEASURES_SHEET}” sheet.",
                )
                continue
            number = int(match.group(1))
            if number in ws_sheets:
                problems.add(name, None, None, f"Work stream {number} already has the sheet “{ws_sheets[number]}”.")
                continue
            ws_sheets[number] = name
        if plan_name is None:
            problems.add(
                "",
                None,
                None,
                f"The workbook has no “{PLAN_SHEET}” sheet with the plan's title, start date and work streams.",
            )
        else:
            _read_plan_sheet(wb[plan_name], plan_name, preview, problems)
        by_number = {w.number: w for w in preview.work_streams}
        for w in preview.work_streams:
            if w.number not in ws_sheets and plan_name is not None:
                problems.add(
                    plan_name, w.row, "A", f"Work stream {w.number} has no sheet; add one named “WS{w.number}”."
                )
        for number, name in sorted(ws_sheets.items()):
            target = by_number.get(number)
            if target is None and plan_name is not None:
                problems.add(name, None, None, f"Work stream {number} is not in the list on the “{plan_name}” sheet.")
            actions = _read_action_sheet(wb[name], name, number, target.title if target else None, problems, owners)
            if target is not None:
                target.sheet = name
                target.actions = actions
        if measures_name is None:
            problems.add("", None, None, f"The workbook has no “{MEASURES_SHEET}” sheet.")
        else:
            _read_measures_sheet(wb[measures_name], measures_name, by_number, problems)
    finally:
        wb.close()


def _find_sheet(names: Sequence[str], wanted: str) -> str | None:
    for name in names:
        if name.strip().casefold() == wanted.casefold():
            return name
    return None


# --- reading cells --------------------------------------------------------------------------------------


@dataclass
class _Row:
    number: int
    cells: tuple[Any, ...]

    def cell(self, column: int) -> Any:
        return self.cells[column - 1] if column <= len(self.cells) else None


def _value(cell: Any) -> Any:
    """The cell's value; text with Excel's escapes for control characters ("_x000D_" for a carriage return,
    "_x005F_" for an underscore that would look like one) read back as the characters Excel shows."""
    value = getattr(cell, "value", None)
    return unescape(value) if isinstance(value, str) else value


def _has_value(cell: Any) -> bool:
    value = _value(cell)
    return value is not None and not (isinstance(value, str) and not value.strip())


def _rows(sheet: Any, name: str, problems: _Problems, limit: int = MAX_ROWS) -> list[_Row] | None:
    """The sheet's non-empty rows, after refusing formulas and error values anywhere. None if it is too big."""
    sheet.reset_dimensions()  # a sheet's declared size may be wrong; read what is really there
    rows: list[_Row] = []
    for number, cells in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        filled = any(_has_value(c) for c in cells)
        if number > limit and (filled or number > 5 * limit):
            problems.add(
                name, None, None, f"The sheet has more than {limit:,} rows; the limit is {limit:,} rows for this sheet."
            )
            return None
        if not filled:
            continue
        for column, cell in enumerate(cells, start=1):
            value = _value(cell)
            if getattr(cell, "data_type", None) == "f" or isinstance(value, ArrayFormula | DataTableFormula):
                shown = value if isinstance(value, str) else "a formula"
                problems.add(
                    name,
                    number,
                    column,
                    f"The cell holds a formula ({_short(shown)}). Formulas are not imported: type the value itself.",
                )
            elif getattr(cell, "data_type", None) == "e":
                problems.add(
                    name,
                    number,
                    column,
                    f"The cell holds an error value ({_short(str(value))}). Type the value itself.",
                )
        rows.append(_Row(number, tuple(cells)))
    return rows


def _short(value: str, limit: int = 40) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _normal(heading: Any) -> str:
    text = str(heading or "").replace("\u2013", "-").replace("\u2014", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _headings(
    row: _Row | None, expected: Sequence[str], sheet: str, problems: _Problems, *, optional: Collection[str] = ()
) -> dict[str, int] | None:
    """Map each expected heading to its column. Columns may be in any order; none but `optional` may be missing,
    and none may be unknown."""
    if row is None:
        problems.add(sheet, 1, None, f"The sheet is empty: it needs a heading row with {_quoted(expected)}.")
        return None
    wanted = {_normal(h): h for h in expected}
    found: dict[str, int] = {}
    ok = True
    for column, cell in enumerate(row.cells, start=1):
        if not _has_value(cell):
            continue
        key = _normal(_value(cell))
        if key not in wanted:
            problems.add(
                sheet,
                row.number,
                column,
                f"“{_short(str(_value(cell)))}” is not a column this import knows. "
                f"The columns are {_quoted(expected)}.",
            )
            ok = False
        elif wanted[key] in found:
            problems.add(sheet, row.number, column, f"The column “{wanted[key]}” appears twice.")
            ok = False
        else:
            found[wanted[key]] = column
    missing = [h for h in expected if h not in found and h not in optional]
    for heading in missing:
        problems.add(sheet, row.number, None, f"The column “{heading}” is missing from the heading row.")
    return found if ok and not missing else None


def _quoted(headings: Iterable[str]) -> str:
    return ", ".join(f"“{h}”" for h in headings)


def _text(cell: Any) -> str:
    """A cell as text, exactly as typed: numbers and dates typed into a text column become their words."""
    value = _value(cell)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return f"{value:%d/%m/%Y}" if value.time() == time() else f"{value:%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return str(value)


class _Cells:
    """Reads one data row by heading name, adding a problem for each bad value."""

    def __init__(self, sheet: str, row: _Row, columns: dict[str, int], problems: _Problems) -> None:
        self.sheet, self.row, self.columns, self.problems = sheet, row, columns, problems
        self.ok = True

    def problem(self, heading: str, message: str) -> None:
        self.ok = False
        self.problems.add(self.sheet, self.row.number, self.columns[heading], message)

    def _cell(self, heading: str) -> Any:
        return self.row.cell(self.columns[heading])

    def text(self, heading: str, *, required: bool = False, limit: int | None = None, strip: bool = False) -> str:
        value = _text(self._cell(heading))
        if strip or required:
            value = value.strip()
        if required and not value:
            self.problem(heading, f"{heading} is empty; every row needs one.")
        if limit is not None and len(value) > limit:
            self.problem(heading, f"{heading} is {len(value)} characters long; the limit is {limit}.")
        return value

    def reference(self, heading: str = "Reference") -> str:
        value = _value(self._cell(heading))
        if isinstance(value, float) and not value.is_integer():
            self.problem(
                heading,
                f"Reference {value} is stored as a number, so 1.10 and 1.1 would look the same. "
                "Format the column as text and type the references again.",
            )
            return str(value)
        return self.text(heading, required=True, limit=MAX_REFERENCE)

    def status(self, heading: str = "Status") -> Status:
        raw = _text(self._cell(heading)).strip()
        allowed = _or_list(s.label for s in STATUS_ORDER)
        if not raw:
            self.problem(heading, f"Status is empty. Use {allowed}.")
            return Status.IN_PROGRESS
        status = Status.parse(raw)
        if status is None:
            self.problem(heading, f"“{_short(raw)}” is not a status. Use {allowed}.")
            return Status.IN_PROGRESS
        return status

    def date(self, heading: str) -> date | None:
        value = _value(self._cell(heading))
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, datetime):
            if value.time() != time():
                self.problem(heading, f"{heading} has a time of day; enter a date only, such as 31/03/2016.")
            return value.date()
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            parsed = _parse_date(value.strip())
            if parsed is not None:
                return parsed
            self.problem(
                heading, f"“{_short(value.strip())}” in {heading} is not a date. Enter a date such as 31/03/2016."
            )
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            self.problem(
                heading,
                f"{heading} holds the number {value}, not a date. Format the cell as a date, such as 31/03/2016.",
            )
            return None
        self.problem(heading, f"{heading} is not a date. Enter a date such as 31/03/2016.")
        return None

    def whole_number(self, heading: str, *, allowed: Collection[int] | None = None) -> int | None:
        value = _value(self._cell(heading))
        number: int | None = None
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        elif isinstance(value, float) and value.is_integer():
            number = int(value)
        elif isinstance(value, str) and value.strip().isdigit():
            number = int(value.strip())
        if number is None or number < 1:
            shown = "empty" if value is None else f"“{_short(_text(self._cell(heading)))}”"
            self.problem(heading, f"{heading} is {shown}; it must be a whole number.")
            return None
        if allowed is not None and number not in allowed:
            self.problem(heading, f"{heading} is {number}; it must be {_or_list(str(a) for a in sorted(allowed))}.")
            return None
        return number


def _parse_date(text: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


# --- the sheets -----------------------------------------------------------------------------------------


def _read_plan_sheet(sheet: Any, name: str, preview: ImportPreview, problems: _Problems) -> None:
    rows = _rows(sheet, name, problems)
    if rows is None:
        return
    labels = {
        _normal(PLAN_TITLE_LABEL): PLAN_TITLE_LABEL,
        _normal(START_DATE_LABEL): START_DATE_LABEL,
        _normal(CHECKPOINT_LABEL): CHECKPOINT_LABEL,
    }
    seen: set[str] = set()
    header: _Row | None = None
    index = 0
    for index, row in enumerate(rows):  # noqa: B007 - the header's index is read after the loop
        label = _normal(_value(row.cell(1)))
        if label == _normal(WORK_STREAM_COLUMNS[0]):
            header = row
            break
        if label not in labels:
            problems.add(
                name,
                row.number,
                "A",
                f"“{_short(_text(row.cell(1)))}” is not something this import knows. Above the list of work streams "
                f"the sheet has {_quoted(labels.values())}, one to a row.",
            )
            continue
        known = labels[label]
        seen.add(known)
        cells = _Cells(name, row, {known: 2}, problems)
        if known == PLAN_TITLE_LABEL:
            preview.plan_title = cells.text(known, required=True, limit=MAX_TITLE)
        elif known == START_DATE_LABEL:
            if not _has_value(row.cell(2)):
                cells.problem(known, "The start date is empty.")
            preview.start_date = cells.date(known)
        else:
            preview.reporting_checkpoint = cells.whole_number(known, allowed=(6, 12)) or 6
    for required in (PLAN_TITLE_LABEL, START_DATE_LABEL):
        if required not in seen:
            problems.add(name, None, "A", f"The “{required}” row is missing.")
    if header is None:
        problems.add(
            name, None, "A", f"The list of work streams is missing: a heading row with {_quoted(WORK_STREAM_COLUMNS)}."
        )
        return
    columns = _headings(header, WORK_STREAM_COLUMNS, name, problems)
    if columns is None:
        return
    rows_of: dict[int, int] = {}
    for row in rows[index + 1 :]:
        cells = _Cells(name, row, columns, problems)
        number = cells.whole_number("Work stream number")
        title = cells.text("Title", required=True, limit=MAX_TITLE)
        if number is None:
            continue
        if number in rows_of:
            cells.problem(
                "Work stream number", f"Work stream {number} is listed twice (rows {rows_of[number]} and {row.number})."
            )
            continue
        rows_of[number] = row.number
        preview.work_streams.append(ImportedWorkStream(number=number, title=title, row=row.number))
    if not preview.work_streams:
        problems.add(name, header.number, None, "No work streams are listed under the heading row.")


def _read_action_sheet(
    sheet: Any, name: str, number: int, title: str | None, problems: _Problems, owners: _Owners
) -> list[ImportedAction]:
    """The actions of one work stream's sheet: its title in the first row (older workbooks have none), then
    the heading row and one row per action."""
    rows = _rows(sheet, name, problems)
    if rows is None:
        return []
    if rows and not _is_heading_row(rows[0], ACTION_COLUMNS):
        _read_title_row(rows[0], name, number, title, problems)
        rows = rows[1:]
    columns = _headings(rows[0] if rows else None, ACTION_COLUMNS, name, problems, optional=(OWNER_EMAIL,))
    if columns is None:
        return []
    _refuse_unheaded(rows[1:], columns, name, problems)
    actions: list[ImportedAction] = []
    first_row: dict[str, int] = {}
    for row in rows[1:]:
        cells = _Cells(name, row, columns, problems)
        reference = cells.reference()
        action = ImportedAction(
            reference=reference,
            title=cells.text("Title", required=True, limit=MAX_TITLE),
            measures_and_milestones=cells.text("Performance measures and milestones"),
            key_targets=cells.text("Key targets"),
            progress=cells.text("Progress - actions"),
            status=cells.status(),
            owner_email=_read_owner(cells, owners),
            deadline=cells.date("Deadline"),
            retired_on=cells.date("Retired on"),
            row=row.number,
        )
        status_given = Status.parse(_text(row.cell(columns["Status"]))) is not None
        if action.retired_on is not None and status_given and action.status is not Status.COMPLETED:
            cells.problem(
                "Retired on", "Only COMPLETED actions can be retired: clear “Retired on” or change the status."
            )
        if reference:
            key = reference.casefold()
            if key in first_row:
                cells.problem(
                    "Reference",
                    f"Reference {reference} is used twice in this work stream "
                    f"(rows {first_row[key]} and {row.number}).",
                )
            else:
                first_row[key] = row.number
        actions.append(action)
    return actions


def _is_heading_row(row: _Row, expected: Sequence[str]) -> bool:
    headings = {_normal(h) for h in expected}
    return any(_normal(_value(cell)) in headings for cell in row.cells)


def _read_title_row(row: _Row, sheet: str, number: int, title: str | None, problems: _Problems) -> None:
    """The title row is for people; the Plan sheet's title is the one imported, so the two must agree."""
    for column, cell in enumerate(row.cells[1:], start=2):
        if _has_value(cell):
            problems.add(
                sheet,
                row.number,
                column,
                f"Only the work stream's title belongs in row {row.number}, in column A: this would be lost.",
            )
    text = _text(row.cell(1)).strip()
    example = work_stream_heading(number, title or "Workforce Development")
    match = WORK_STREAM_HEADING.match(text)
    if match is None:
        problems.add(
            sheet,
            row.number,
            "A",
            f"“{_short(text)}” is not a work stream's title. The first row holds it, such as “{_short(example, 60)}”, "
            "and the column headings are in the row below.",
        )
        return
    token, heading = match.group(1), match.group(2)
    if token.casefold() not in {str(number), to_roman(number)}:
        problems.add(
            sheet,
            row.number,
            "A",
            f"The title names work stream {token}, but this is the sheet of work stream {number} (“{sheet}”).",
        )
    elif title is not None and _person(heading) != _person(title):
        problems.add(
            sheet,
            row.number,
            "A",
            f"The title “{_short(heading, 60)}” is not the title of work stream {number} on the “{PLAN_SHEET}” sheet "
            f"(“{_short(title, 60)}”). Make them the same: the title on the “{PLAN_SHEET}” sheet is the one imported.",
        )


def _read_owner(cells: _Cells, owners: _Owners) -> str | None:
    """The owner's e-mail address: from "Owner e-mail" when given, else the name under "Owner" (or, in older
    workbooks, the e-mail address there)."""
    name = cells.text("Owner", strip=True)
    email, column = "", OWNER_EMAIL
    if OWNER_EMAIL in cells.columns:
        email = cells.text(OWNER_EMAIL, strip=True).lower()
    if not email and "@" in name:
        email, name, column = name.lower(), "", "Owner"
    if email:
        if not owners.knows(email):
            cells.problem(column, f"{_NO_OWNER} “{_short(email)}”. Create the account first, or leave the owner empty.")
            return email
        known_name = owners.name_of(email)
        if name and known_name is not None and _person(name) != _person(known_name):
            cells.problem(
                "Owner",
                f"“{_short(name)}” is not the name of the account with the e-mail address {email} ({known_name}). "
                f"Correct the name or the e-mail address, or clear the name to keep the e-mail address.",
            )
        return email
    if not name:
        return None
    if owners.names is None:
        cells.problem(
            "Owner",
            f"Put the e-mail address of “{_short(name)}” in “{OWNER_EMAIL}”: here owners are found by e-mail address.",
        )
        return None
    matches = owners.emails_named(name)
    if not matches:
        cells.problem(
            "Owner",
            f"{_NO_OWNER_NAMED} “{_short(name)}”. "
            "Check the spelling, create the account first, or leave the owner empty.",
        )
        return None
    if len(matches) > 1:
        cells.problem(
            "Owner",
            f"{len(matches)} people are called “{_short(name)}”: put the owner's e-mail address in “{OWNER_EMAIL}”.",
        )
        return None
    return matches[0]


def _read_measures_sheet(
    sheet: Any, name: str, work_streams: dict[int, ImportedWorkStream], problems: _Problems
) -> None:
    rows = _rows(sheet, name, problems, MAX_MEASURE_ROWS)  # every work stream's measures are on this one sheet
    if rows is None:
        return
    columns = _headings(rows[0] if rows else None, MEASURE_COLUMNS, name, problems)
    if columns is None:
        return
    _refuse_unheaded(rows[1:], columns, name, problems)
    first_row: dict[tuple[int, str, int], int] = {}
    for row in rows[1:]:
        cells = _Cells(name, row, columns, problems)
        number = cells.whole_number("Work stream number")
        reference = cells.reference()
        checkpoint = cells.whole_number("Checkpoint", allowed=(6, 12))
        measure = ImportedMeasure(
            reference=reference,
            checkpoint=checkpoint or 6,
            description=cells.text("Description"),
            target=cells.text("Target"),
            status=cells.status(),
            narrative=cells.text("Narrative"),
            row=row.number,
        )
        if not measure.description.strip():
            cells.problem("Description", "Description is empty; every measure needs one.")
        if number is None:
            continue
        target = work_streams.get(number)
        if target is None:
            cells.problem("Work stream number", f"Work stream {number} is not in the list on the “{PLAN_SHEET}” sheet.")
            continue
        if reference and checkpoint:
            key = (number, reference.casefold(), checkpoint)
            if key in first_row:
                cells.problem(
                    "Reference",
                    f"Measure {reference} at {checkpoint} months is listed twice for work stream {number} "
                    f"(rows {first_row[key]} and {row.number}).",
                )
                continue
            first_row[key] = row.number
        target.measures.append(measure)


def _refuse_unheaded(rows: Iterable[_Row], columns: dict[str, int], sheet: str, problems: _Problems) -> None:
    """A value in a column without a heading would be silently lost; say so instead."""
    headed = set(columns.values())
    for row in rows:
        for column, cell in enumerate(row.cells, start=1):
            if column not in headed and _has_value(cell):
                problems.add(
                    sheet,
                    row.number,
                    column,
                    "This cell has a value but its column has no heading, so it would be lost.",
                )


# --- apply ----------------------------------------------------------------------------------------------


def apply_import(actor: Actor, preview: ImportPreview, *, title_override: str | None = None) -> Plan:
    """Create the previewed plan, all or nothing, with one audit record. The new plan is not current.

    Work streams are created without service managers: an administrator assigns them afterwards,
    because who runs a work stream is an account decision, not part of a workbook.
    """
    require_as(actor, Permission.EDIT_PLAN)
    if not preview.ok:
        n = len(preview.problems)
        raise ValidationFailed(
            {"workbook": f"The workbook has {n} problem{'s' if n != 1 else ''}. Fix them and upload it again."}
        )
    if preview.start_date is None or not preview.work_streams:
        raise ValidationFailed({"workbook": "The workbook has no start date or no work streams."})
    title = (title_override if title_override is not None else preview.plan_title).strip()
    if not title:
        raise ValidationFailed({"title": "Enter a title for the plan"})
    if len(title) > MAX_TITLE:
        raise ValidationFailed({"title": f"The title must be {MAX_TITLE} characters or fewer"})
    emails = {a.owner_email for ws in preview.work_streams for a in ws.actions if a.owner_email}

    with write_transaction():  # commits at the end; on any error rolls back, so nothing is saved
        if db.session.scalar(select(Plan.id).where(func.lower(Plan.title) == title.lower()).limit(1)) is not None:
            raise ValidationFailed(
                {"title": f"A plan called “{title}” already exists. Give the imported plan another title"}
            )
        owners = (
            {u.email: u for u in db.session.scalars(_possible_owners().where(User.email.in_(emails)))} if emails else {}
        )
        missing = sorted(emails - owners.keys())
        if missing:
            raise ValidationFailed(
                {"workbook": f"{_NO_OWNER} {', '.join(missing)}. Create the accounts and try again."}
            )
        plan = Plan(
            title=title,
            start_date=preview.start_date,
            is_current=False,
            reporting_checkpoint=preview.reporting_checkpoint,
        )
        db.session.add(plan)
        db.session.flush()
        # Bulk inserts: a statement or a few per table, whatever the plan's size.
        ids = {
            number: ws_id
            for ws_id, number in db.session.execute(
                insert(WorkStream).returning(WorkStream.id, WorkStream.number),
                [{"plan_id": plan.id, "number": w.number, "title": w.title} for w in preview.work_streams],
            )
        }
        actions: list[dict[str, Any]] = []
        measures: list[dict[str, Any]] = []
        for source in preview.work_streams:
            for position, a in enumerate(source.actions, start=1):
                actions.append(
                    {
                        "work_stream_id": ids[source.number],
                        "reference": a.reference,
                        "position": position,
                        "title": a.title,
                        "measures_and_milestones": a.measures_and_milestones,
                        "key_targets": a.key_targets,
                        "progress": a.progress,
                        "owner_id": owners[a.owner_email].id if a.owner_email else None,
                        "deadline": a.deadline,
                        "status": a.status.value,
                        "retired_on": a.retired_on,
                    }
                )
            positions: dict[int, int] = {}
            for m in source.measures:
                positions[m.checkpoint] = positions.get(m.checkpoint, 0) + 1
                measures.append(
                    {
                        "work_stream_id": ids[source.number],
                        "reference": m.reference,
                        "position": positions[m.checkpoint],
                        "description": m.description,
                        "checkpoint": m.checkpoint,
                        "target": m.target,
                        "status": m.status.value,
                        "narrative": m.narrative,
                    }
                )
        if actions:
            db.session.execute(insert(Action), actions)
        if measures:
            db.session.execute(insert(PerformanceMeasure), measures)
        db.session.flush()
        counts = preview.counts
        audit.record(
            actor,
            "plan.imported",
            f"Plan “{title}” imported from a workbook: {counts['work_streams']} work streams, "
            f"{counts['actions']} actions and {counts['measures']} performance measures",
            object_type="plan",
            object_id=plan.id,
            plan_id=plan.id,
            after={**counts, "title": title, "start_date": preview.start_date.isoformat(), "source": "excel"},
        )
        # STATIC or overdue on arrival: in the register at once. A new plan has no open entries to look up,
        # so only the entries opened are written (and audited), whatever the plan's size.
        warning_days = plan.risk_warning_days
        arrived = list(
            db.session.scalars(
                select(Action)
                .join(WorkStream, WorkStream.id == Action.work_stream_id)
                .options(joinedload(Action.work_stream))
                .where(WorkStream.plan_id == plan.id)
                .order_by(Action.id)
            )
        )
        risks.load_managers({action.work_stream for action in arrived})
        for action in arrived:
            risks.reevaluate(action, entry=None, warning_days=warning_days)
    return plan
