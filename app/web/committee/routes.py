"""Committee meetings, baselines, changes since the last meeting, the report, Excel in and out."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Any

from flask import Response, flash, jsonify, make_response, redirect, request, url_for
from werkzeug.wrappers import Response as WResponse

from app.clock import today
from app.domain.changes import APPROVED_CHANGE_KINDS, APPROVED_CHANGE_LABELS
from app.models import CommitteeMeeting
from app.policy import Permission
from app.services import excel_io, meetings, plan_read, risks
from app.services import report as reports
from app.services.errors import NotFound, ServiceError
from app.services.meetings import TrendPoint
from app.services.report import (
    CSS,
    NARRATIVE_FIELDS,
    ReportData,
    default_narrative,
)
from app.web.committee import bp
from app.web.committee.forms import ConfirmImportForm, ImportForm, MeetingForm, NarrativeForm
from app.web.decorators import permission_required
from app.web.forms import Form
from app.web.rendering import DOCX, XLSX, attempt, download, int_arg, me, render, selected_plan, titled

MAX_IMPORT_BYTES = 10 * 1024 * 1024


@bp.get("/meetings")
@permission_required(Permission.VIEW_PLAN)
def meetings_page(form: MeetingForm | None = None, status: int = 200) -> WResponse:
    plan = selected_plan()
    if form is None:
        form = MeetingForm(formdata=None, committee_name=meetings.DEFAULT_COMMITTEE)
    return render(
        "committee/meetings.html",
        plan=plan,
        meetings=meetings.list_meetings(plan.id),
        form=form,
        baselines=meetings.baselines(plan.id),
        status=status,
    )


@bp.post("/meetings")
@permission_required(Permission.EDIT_PLAN)
def create_meeting() -> WResponse:
    plan = selected_plan()
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = attempt(
            form,
            lambda: meetings.create_meeting(
                me(), plan.id, form.committee_name.data or "", form.meeting_date.data, form.contact_officer.data or ""
            ),
        )
        if meeting is not None:
            flash("Meeting recorded. Mark the plan presented when it goes to the committee.", "success")
            return redirect(url_for("committee.meeting", meeting_id=meeting.id), 303)
    return meetings_page(form=form, status=400)


def _meeting_page(meeting: CommitteeMeeting, status: int = 200, **forms: Any) -> WResponse:
    narrative_form = forms.get("narrative_form")
    if narrative_form is None:
        plan = plan_read.get_plan(meeting.plan_id)
        text = default_narrative(plan.title, plan.start_date, meeting.meeting_date, plan.reporting_checkpoint)
        if meeting.baseline is not None:
            text = meetings.report_data(meeting).narrative
        text.update(meeting.narrative or {})
        narrative_form = NarrativeForm(formdata=None, **{k: text.get(k, "") for k in NARRATIVE_FIELDS})
    return render(
        "committee/meeting.html",
        meeting=meeting,
        narrative_form=narrative_form,
        form=forms.get("error_form"),
        status=status,
    )


@bp.get("/meetings/<int:meeting_id>")
@permission_required(Permission.VIEW_PLAN)
def meeting(meeting_id: int) -> WResponse:
    return _meeting_page(meetings.get_meeting(meeting_id))


@bp.post("/meetings/<int:meeting_id>/present")
@permission_required(Permission.EDIT_PLAN)
def present(meeting_id: int) -> WResponse:
    form = Form()
    if form.validate_on_submit():
        presented = attempt(form, lambda: meetings.present(me(), meeting_id))
        if form.errors:  # a refusal about the meeting as a whole belongs at the top of the page
            form.form_errors.extend(message for field in form for message in field.errors)
        if presented is not None:
            flash("The plan is marked presented: its baseline is fixed and kept for good.", "success")
            return redirect(url_for("committee.meeting", meeting_id=meeting_id), 303)
    return _meeting_page(meetings.get_meeting(meeting_id), 409, error_form=form)


@bp.post("/meetings/<int:meeting_id>/narrative")
@permission_required(Permission.EDIT_PLAN)
def narrative(meeting_id: int) -> WResponse:
    form = NarrativeForm()
    if form.validate_on_submit():
        text = {k: (getattr(form, k).data or "") for k in form.data if k not in ("submit", "csrf_token")}
        meetings.save_narrative(me(), meeting_id, text)
        flash("Narrative saved. The figures stay computed.", "success")
        return redirect(url_for("committee.meeting", meeting_id=meeting_id, _anchor="narrative"), 303)
    return _meeting_page(meetings.get_meeting(meeting_id), 400, narrative_form=form, error_form=form)


def _report(meeting_id: int) -> tuple[CommitteeMeeting, ReportData]:
    meeting = meetings.get_meeting(meeting_id)
    try:
        return meeting, meetings.report_data(meeting)
    except ServiceError as error:
        raise NotFound(error.message) from error


def _filename(meeting: CommitteeMeeting, ext: str) -> str:
    return f"sip-progress-report-{meeting.meeting_date.isoformat()}.{ext}"


@bp.get("/meetings/<int:meeting_id>/report")
@permission_required(Permission.VIEW_PLAN)
def report(meeting_id: int) -> WResponse:
    """The report as a web page with print styles: the same HTML the PDF is made from, its CSS linked."""
    meeting, data = _report(meeting_id)
    page = reports.render_html(data)
    head = (
        f'<link rel="stylesheet" href="{url_for("committee.report_css")}">'
        f'<link rel="icon" href="{url_for("static", filename="img/favicon.svg")}" type="image/svg+xml">'
    )
    page = re.sub(r"<style>.*?</style>", head, page, flags=re.S)
    links = (
        f'<nav class="report-links" aria-label="Other formats"><p>'
        f'<a href="{url_for("committee.meeting", meeting_id=meeting.id)}">Back to the meeting</a> · '
        f'<a href="{url_for("committee.report_pdf", meeting_id=meeting.id)}">Download PDF</a> · '
        f'<a href="{url_for("committee.report_docx", meeting_id=meeting.id)}">Download Word</a></p></nav>'
    )
    page = page.replace("<body>", "<body>" + links, 1)
    response = make_response(page)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response


@bp.get("/meetings/report.css")
def report_css() -> Response:
    response = make_response(
        CSS % {"footer": "Committee report"} + "\n.report-links { font-size: 10pt; }\n"
        "@media print { .report-links { display: none; } }\n"
        "@media screen { th, td { overflow-wrap: anywhere; } }\n"
    )
    response.headers["Content-Type"] = "text/css; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.get("/meetings/<int:meeting_id>/report.pdf")
@permission_required(Permission.VIEW_PLAN)
def report_pdf(meeting_id: int) -> WResponse:
    return _report_document(meeting_id, "pdf")


@bp.get("/meetings/<int:meeting_id>/report.docx")
@permission_required(Permission.VIEW_PLAN)
def report_docx(meeting_id: int) -> WResponse:
    return _report_document(meeting_id, "docx")


# Renderers looked up when called (not bound at import), so the permission table can stand in for them.
REPORT_DOCUMENTS: dict[str, tuple[Callable[[ReportData], bytes], str]] = {
    "pdf": (lambda data: reports.render_pdf(data), "application/pdf"),
    "docx": (lambda data: reports.render_docx(data), DOCX),
}


def _report_document(meeting_id: int, ext: str) -> WResponse:
    """The report as a document to download: one handler for every format."""
    meeting, data = _report(meeting_id)
    render_document, content_type = REPORT_DOCUMENTS[ext]
    return download(render_document(data), _filename(meeting, ext), content_type)


@bp.get("/changes")
@permission_required(Permission.VIEW_PLAN)
def changes() -> WResponse:
    plan = selected_plan()
    ws_id, kind = int_arg(request.args.get("work_stream")), request.args.get("kind", "")
    kind = kind if kind in APPROVED_CHANGE_KINDS else ""
    baseline, lines = meetings.changes_since_last_meeting(plan.id, work_stream_id=ws_id, kind=kind or None)
    words = [f"work stream {ws.roman}" for ws in plan.work_streams if ws.id == ws_id]
    return render(
        "committee/changes.html",
        "committee/_changes.html",
        plan=plan,
        baseline=baseline,
        lines=lines,
        work_stream_names={ws.id: f"Work stream {ws.roman}" for ws in plan.work_streams},
        ws_id=ws_id,
        kind=kind,
        kinds=APPROVED_CHANGE_KINDS,
        kind_labels=APPROVED_CHANGE_LABELS,
        page_title=titled(
            "Changes since the last committee meeting", [*words, APPROVED_CHANGE_LABELS[kind] if kind else ""]
        ),
    )


@bp.get("/changes.csv")
@permission_required(Permission.VIEW_PLAN)
def changes_csv() -> WResponse:
    """The changes page as CSV: what changed, from, to, why, who proposed and approved it and when, evidence titles."""
    plan = selected_plan()
    ws_id, kind = int_arg(request.args.get("work_stream")), request.args.get("kind", "")
    kind = kind if kind in APPROVED_CHANGE_KINDS else ""
    text = excel_io.changes_csv(plan.id, work_stream_id=ws_id, kind=kind or None)
    return download(text.encode("utf-8-sig"), f"changes-{today().isoformat()}.csv", "text/csv; charset=utf-8")


@bp.get("/baselines/compare")
@permission_required(Permission.VIEW_PLAN)
def compare() -> WResponse:
    plan = selected_plan()
    all_baselines = meetings.baselines(plan.id)
    by_id = {b.id: b for b in all_baselines}
    a, b = by_id.get(int_arg(request.args.get("a")) or 0), by_id.get(int_arg(request.args.get("b")) or 0)
    differences = meetings.compare(a, b) if a and b else None
    return render("committee/compare.html", plan=plan, baselines=all_baselines, a=a, b=b, differences=differences)


@bp.get("/committee")
@permission_required(Permission.VIEW_PLAN)
def landing() -> WResponse:
    plan = selected_plan()
    presented = [m for m in meetings.list_meetings(plan.id) if m.baseline is not None]
    baseline, lines = meetings.changes_since_last_meeting(plan.id)
    open_rows = risks.entries(plan.id)
    return render(
        "committee/landing.html",
        plan=plan,
        latest=presented[0] if presented else None,
        baseline=baseline,
        lines=lines,
        open_rows=open_rows,
        summary=plan_read.plan_summary(plan),
    )


@bp.get("/plans/<int:plan_id>/export.xlsx")
@permission_required(Permission.VIEW_INTERNAL)  # the workbook names owners by e-mail address
def export_plan(plan_id: int) -> WResponse:
    plan = plan_read.get_plan(plan_id)
    return download(excel_io.export_plan(plan.id), f"action-plans-{today().isoformat()}.xlsx", XLSX)


@bp.route("/plans/import", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def import_plan() -> WResponse:
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.workbook.data
        data = (
            upload.read(MAX_IMPORT_BYTES + 1) if upload is not None and bool(getattr(upload, "filename", "")) else b""
        )
        if not data:
            form.workbook.errors = ["Choose an Excel workbook to import"]
        elif len(data) > MAX_IMPORT_BYTES:
            form.workbook.errors = ["The workbook must be smaller than 10 MB"]
        else:
            preview = excel_io.preview_import(data)
            confirm = ConfirmImportForm(
                formdata=None, payload=base64.b64encode(data).decode(), title=preview.plan_title
            )
            return render(
                "committee/import_preview.html",
                preview=preview,
                confirm_form=confirm,
                status=200 if not preview.problems else 400,
            )
    return render("committee/import.html", form=form, status=400 if form.errors else 200)


@bp.post("/plans/import/confirm")
@permission_required(Permission.EDIT_PLAN)
def confirm_import() -> WResponse:
    form = ConfirmImportForm()
    try:
        data = base64.b64decode(form.payload.data or "", validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not form.validate_on_submit() or not data:
        flash("The import could not be read. Upload the workbook again.", "info")
        return redirect(url_for("committee.import_plan"), 303)
    preview = excel_io.preview_import(data)
    plan = attempt(
        form, lambda: excel_io.apply_import(me(), preview, title_override=(form.title.data or "").strip() or None)
    )
    if plan is None:  # the preview lists the problems row by row
        return render("committee/import_preview.html", preview=preview, confirm_form=form, status=400)
    flash(f"Plan “{plan.title}” created from the workbook.", "success")
    return redirect(url_for("plan.dashboard", plan=plan.id), 303)


@bp.get("/api/v1/trend")
@permission_required(Permission.VIEW_PLAN)
def trend_json() -> Response:
    plan = selected_plan()
    monthly, at_baselines = meetings.trend(plan)

    def point(p: TrendPoint) -> dict[str, Any]:
        return {"label": p.label, **p.counts.as_dict()}

    return jsonify(
        {
            "plan": {"id": plan.id, "title": plan.title},
            "monthly": [point(p) for p in monthly],
            "baselines": [point(p) for p in at_baselines],
        }
    )
