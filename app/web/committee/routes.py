"""Committee meetings, baselines, changes since the last meeting, the report, Excel in and out."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from flask import Response, flash, make_response, redirect, render_template, request, stream_with_context, url_for
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as WResponse

from app.clock import today
from app.domain.changes import APPROVED_CHANGE_KINDS, APPROVED_CHANGE_LABELS
from app.formatting import format_date
from app.models import CommitteeMeeting, Plan, ReportDocument
from app.policy import Permission
from app.services import excel_io, meetings, memo, plan_read, report_pack, risks
from app.services import report as reports
from app.services.errors import Conflict, NotFound
from app.services.meetings import TrendPoint
from app.services.report import (
    CSS,
    NARRATIVE_FIELDS,
    default_narrative,
)
from app.services.report.narrative import NARRATIVE_LIMIT, PLACEHOLDERS
from app.web.api.caching import REVALIDATE, cached_json
from app.web.committee import bp
from app.web.committee.forms import ConfirmImportForm, DetailsForm, ImportForm, MeetingForm, NarrativeForm
from app.web.decorators import permission_required
from app.web.forms import Form
from app.web.pagination import govuk_pagination, page_number
from app.web.pickers import WorkStreamPicker, work_stream_picker
from app.web.rendering import (
    XLSX,
    attempt,
    download,
    int_arg,
    is_htmx,
    me,
    refusal,
    render,
    render_kept,
    selected_plan,
    titled,
    version_of,
)

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
                me(),
                plan.id,
                form.committee_name.data or "",
                form.meeting_date.data,
                form.contact_officer.data or "",
                form.contact_telephone.data or "",
                form.report_author.data or "",
            ),
        )
        if meeting is not None:
            flash(
                "Meeting recorded. Check the report details and narrative; mark the plan presented when it goes to "
                "the committee.",
                "success",
            )
            return redirect(url_for("committee.meeting", meeting_id=meeting.id), 303)
    return meetings_page(form=form, status=400)


def _details_form(meeting: CommitteeMeeting) -> DetailsForm:
    return DetailsForm(
        formdata=None,
        version=str(meeting.version),
        contact_officer=meeting.contact_officer,
        contact_telephone=meeting.contact_telephone,
        report_author=meeting.report_author,
        checkpoint=str(meetings.checkpoint_of(meeting)),
    )


def _meeting_page(meeting: CommitteeMeeting, status: int = 200, **forms: Any) -> WResponse:
    return render("committee/meeting.html", status=status, **_meeting_context(meeting, **forms))


def _meeting_context(meeting: CommitteeMeeting, **forms: Any) -> dict[str, Any]:
    narrative_form = forms.get("narrative_form")
    if narrative_form is None:
        plan = plan_read.get_plan(meeting.plan_id)
        text = {**default_narrative(plan.title), **(meeting.narrative or {})}
        narrative_form = NarrativeForm(formdata=None, **{k: text.get(k, "") for k in NARRATIVE_FIELDS})
    pack = report_pack.status(meeting.baseline) if meeting.baseline is not None else None
    return {
        "meeting": meeting,
        "narrative_form": narrative_form,
        "details_form": forms.get("details_form") or _details_form(meeting),
        "checkpoint": meetings.checkpoint_of(meeting),
        "placeholders": PLACEHOLDERS,
        "narrative_limit": NARRATIVE_LIMIT,
        "form": forms.get("error_form"),
        "pack": pack,
        # a pack being prepared moves without an audit record (its progress, a stalled worker): not kept till done
        "keep": pack is None or pack.state == "done",
        "page_title": f"{meeting.committee_name}, {format_date(meeting.meeting_date)}",
    }


@bp.get("/meetings/<int:meeting_id>")
@permission_required(Permission.VIEW_PLAN)
def meeting(meeting_id: int) -> WResponse:
    """Kept whole per version of the trail (report details and narrative are audited) for each set of rights,
    once the report's documents, if any, are stored."""
    return render_kept(
        f"meeting:{meeting_id}",
        "committee/meeting.html",
        None,
        lambda: _meeting_context(meetings.get_meeting(meeting_id)),
        light=("page_title",),
    )


@bp.get("/meetings/<int:meeting_id>/present")
@permission_required(Permission.EDIT_PLAN)
def confirm_present(meeting_id: int) -> WResponse:
    """What presenting would freeze, and the button that does it. Changes nothing."""
    summary = meetings.presenting_summary(meetings.get_meeting(meeting_id))
    return render("committee/present.html", summary=summary, meeting=summary.meeting, form=Form(formdata=None))


@bp.post("/meetings/<int:meeting_id>/present")
@permission_required(Permission.EDIT_PLAN)
def present(meeting_id: int) -> WResponse:
    meeting = meetings.get_meeting(meeting_id)
    form = Form()
    # A refusal about a detail (no contact officer) goes beside that field of the report details form.
    details = _details_form(meeting)
    if form.validate_on_submit():
        presented = attempt(details, lambda: meetings.present(me(), meeting_id))
        if presented is not None:
            flash("The plan is marked presented: its baseline and its report are fixed and kept for good.", "success")
            return redirect(url_for("committee.meeting", meeting_id=meeting_id), 303)
        meeting = meetings.get_meeting(meeting_id)
        return _meeting_page(meeting, 409, details_form=details, error_form=details)
    return _meeting_page(meeting, 400, error_form=form)


@bp.post("/meetings/<int:meeting_id>/details")
@permission_required(Permission.EDIT_PLAN)
def details(meeting_id: int) -> WResponse:
    form = DetailsForm()
    if form.validate_on_submit():
        saved = attempt(
            form,
            lambda: meetings.update_details(
                me(),
                meeting_id,
                contact_officer=form.contact_officer.data or "",
                contact_telephone=form.contact_telephone.data or "",
                report_author=form.report_author.data or "",
                checkpoint=int(form.checkpoint.data or 0) or None,
                expected_version=version_of(form.version.data),
            ),
        )
        if saved is not None:
            flash("Report details saved.", "success")
            return redirect(url_for("committee.meeting", meeting_id=meeting_id, _anchor="details"), 303)
    meeting = meetings.get_meeting(meeting_id)
    status = 409 if isinstance(refusal(form), Conflict) else 400
    return _meeting_page(meeting, status, details_form=form, error_form=form)


@bp.post("/meetings/<int:meeting_id>/narrative")
@permission_required(Permission.EDIT_PLAN)
def narrative(meeting_id: int) -> WResponse:
    form = NarrativeForm()
    if form.validate_on_submit():
        text = {k: (getattr(form, k).data or "") for k in NARRATIVE_FIELDS}
        if attempt(form, lambda: meetings.save_narrative(me(), meeting_id, text)) is not None:
            flash("Narrative saved. The figures stay computed.", "success")
            return redirect(url_for("committee.meeting", meeting_id=meeting_id, _anchor="narrative"), 303)
    return _meeting_page(meetings.get_meeting(meeting_id), 400, narrative_form=form, error_form=form)


@bp.get("/meetings/<int:meeting_id>/preview")
@permission_required(Permission.VIEW_INTERNAL)  # a draft: committee members see the report once presented
def preview(meeting_id: int) -> WResponse:
    """The report from the live plan, before presenting: without the chart images, so it is quick. Kept per
    version of the trail (the plan's changes and the meeting's details and narrative are all audited) for each
    page of it: the same for everyone who may see a draft."""
    return _report_page(
        *memo.per_trail_version(
            f"preview:{meeting_id}:{request.full_path}", lambda: _preview(meeting_id), one_of_many=True
        )
    )


def _preview(meeting_id: int) -> tuple[str, str, str]:
    meeting = meetings.get_meeting(meeting_id)
    data = meetings.report_data(meeting) if meeting.baseline is not None else meetings.live_report(meeting)
    shown, pages = _preview_work_streams(meeting.id, len(data.work_streams))
    page = reports.render_html(data, charts={}, appendix_work_streams=shown).replace("<title>", "<title>Preview: ", 1)
    notice = (
        "This is a preview from the live plan: it is not yet the report. Charts are drawn when the plan is presented."
        if meeting.baseline is None
        else "The plan has been presented: this preview shows the report as presented, without its charts."
    )
    back = f'<a href="{url_for("committee.meeting", meeting_id=meeting.id)}">Back to the meeting</a>'
    return page, "Preview", f"<p><strong>{escape(notice)}</strong></p>{pages}<p>{back}</p>"


PREVIEW_WORK_STREAMS = 20  # a preview of a larger plan shows Appendices 3 and 4 this many work streams at a time


def _preview_work_streams(meeting_id: int, total: int) -> tuple[slice | None, str]:
    """Which work streams the preview's Appendices 3 and 4 show (from ?page=N), and the links to the others."""
    if total <= PREVIEW_WORK_STREAMS:
        return None, ""
    last = -(-total // PREVIEW_WORK_STREAMS)
    number = min(max(request.args.get("page", 1, type=int) or 1, 1), last)
    start = (number - 1) * PREVIEW_WORK_STREAMS
    end = min(start + PREVIEW_WORK_STREAMS, total)

    def link(n: int, words: str) -> str:
        return f'<a href="{url_for("committee.preview", meeting_id=meeting_id, page=n)}">{escape(words)}</a>'

    moves = [link(number - 1, "Previous work streams")] if number > 1 else []
    moves += [link(number + 1, "Next work streams")] if number < last else []
    said = (
        f"Appendices 3 and 4 show work streams {start + 1} to {end} of {total} (page {number} of {last}); "
        "the presented report has them all."
    )
    return slice(start, end), f"<p>{escape(said)}</p><p>{' · '.join(moves)}</p>"


def _report_page(page: str, label: str, nav: str) -> WResponse:
    """A report's HTML as a page of this site: its CSS linked (the strict CSP allows no inline style), a
    navigation bar above it."""
    head = (
        f'<link rel="stylesheet" href="{url_for("committee.report_css")}">'
        f'<link rel="icon" href="{url_for("static", filename="img/favicon.svg")}" type="image/svg+xml">'
    )
    if "<style>" in page:
        page = re.sub(r"<style>.*?</style>", head, page, count=1, flags=re.S)
    page = page.replace("<body>", f'<body><nav class="report-links" aria-label="{label}">{nav}</nav>', 1)
    response = make_response(page)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    return response


def _stored(meeting_id: int, kind: str, *, or_else: str | None = None) -> tuple[ReportDocument, bytes] | WResponse:
    """A stored document of the pack, checked against its SHA-256; or the page saying why it cannot be sent; or
    304 Not Modified when the browser's copy has the stored SHA-256 (the strong ETag), without reading the bytes.

    Nothing is rendered here: the pack was rendered once, in the background, after the plan was presented.
    """
    try:
        row = report_pack.stored_row(meeting_id, kind, or_else=or_else)
        if request.if_none_match.contains(row.sha256):
            unchanged = make_response("", 304)
            return _cached(unchanged, row)
        return row, report_pack.checked(row)
    except report_pack.PackNotReady:
        meeting = meetings.get_meeting(meeting_id)
        assert meeting.baseline is not None  # stored_row said "not presented" with NotFound
        pack = report_pack.status(meeting.baseline)
        return render(
            "committee/pack_pending.html",
            meeting=meeting,
            pack=pack,
            status=202 if pack.polling else 404,
        )
    except report_pack.DocumentUnavailable as unavailable:
        return render(
            "errors/generic.html", status=409, title="This document cannot be sent", message=unavailable.message
        )


def _cached(response: WResponse, row: ReportDocument) -> WResponse:
    """A stored document never changes: its SHA-256 is its (strong) ETag, so the browser's copy is reused after a
    304; the rights to see it are checked again on every request."""
    response.set_etag(row.sha256)
    response.headers["Cache-Control"] = REVALIDATE  # kept by the person's browser only, and always asked about
    return response


@bp.get("/meetings/<int:meeting_id>/report")
@permission_required(Permission.VIEW_PLAN)
def report(meeting_id: int) -> WResponse:
    """The stored report as a web page with print styles, its stylesheet and charts linked (a pack stored
    before the site's own copy was kept: the stored page, its styles swapped for the linked stylesheet)."""
    found = _stored(meeting_id, "web", or_else="html")
    if not isinstance(found, tuple):
        return found
    row, data = found
    links = (
        f'<p><a href="{url_for("committee.meeting", meeting_id=meeting_id)}">Back to the meeting</a> · '
        f'<a href="{url_for("committee.report_pdf", meeting_id=meeting_id)}">Download PDF</a> · '
        f'<a href="{url_for("committee.report_docx", meeting_id=meeting_id)}">Download Word</a></p>'
    )
    return _cached(_report_page(data.decode("utf-8"), "Other formats", links), row)


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


@bp.get("/meetings/<int:meeting_id>/appendices/<int:first>-<int:last>.<any(pdf, docx):ext>")
@permission_required(Permission.VIEW_PLAN)
def report_appendix(meeting_id: int, first: int, last: int, ext: str) -> WResponse:
    """A separate document of Appendices 3 and 4 (a plan of more than 20 work streams), as stored with the pack;
    a pack without it (a report that carries its appendices itself, or other work streams): its list of documents."""
    try:
        return _report_document(meeting_id, report_pack.appendix_kind(first, last, ext))
    except report_pack.NoSuchAppendix:  # a GET changes nothing, not even a message kept for the next page
        return redirect(url_for("committee.meeting", meeting_id=meeting_id, _anchor="pack"), 303)


def _report_document(meeting_id: int, kind: str) -> WResponse:
    """A stored document to download: one handler for every format."""
    found = _stored(meeting_id, kind)
    if not isinstance(found, tuple):
        return found
    row, data = found
    return _cached(download(data, row.filename, row.media_type), row)


@bp.get("/meetings/<int:meeting_id>/charts/<any(actions, measures, trend):chart>.png")
@permission_required(Permission.VIEW_PLAN)
def report_chart(meeting_id: int, chart: str) -> WResponse:
    """A chart of the stored pack, as drawn once for it (the report itself carries the same image inside)."""
    found = _stored(meeting_id, f"chart-{chart}")
    if not isinstance(found, tuple):
        return found
    response = make_response(found[1])
    response.headers["Content-Type"] = "image/png"
    return _cached(response, found[0])


@bp.get("/meetings/<int:meeting_id>/pack")
@permission_required(Permission.VIEW_PLAN)
def pack_status(meeting_id: int) -> WResponse:
    """The pack's progress, for the meeting page's htmx poll (sent with ?poll=1, so it keeps no session alive)."""
    meeting = meetings.get_meeting(meeting_id)
    if meeting.baseline is None:
        raise NotFound("The plan has not been presented to this meeting yet, so it has no documents.")
    if not is_htmx():  # a person who followed the address: the whole meeting page, at its documents
        return redirect(url_for("committee.meeting", meeting_id=meeting_id, _anchor="pack"), 303)
    return render(
        "committee/_pack.html", "committee/_pack.html", meeting=meeting, pack=report_pack.status(meeting.baseline)
    )


@bp.post("/meetings/<int:meeting_id>/pack")
@permission_required(Permission.EDIT_PLAN)
def prepare_pack(meeting_id: int) -> WResponse:
    """ "Prepare the documents" or "Try again": queue the pack's job once more."""
    form = Form()
    if form.validate_on_submit():
        job = attempt(form, lambda: report_pack.request(me(), meeting_id))
        if job is not None:
            flash(
                "The documents are ready."
                if job.state == "done"
                else "The documents are being prepared. This page shows their progress.",
                "success" if job.state != "failed" else "info",
            )
            return redirect(url_for("committee.meeting", meeting_id=meeting_id, _anchor="pack"), 303)
    return _meeting_page(meetings.get_meeting(meeting_id), 409, error_form=form)


def _change_filters(plan_id: int) -> tuple[WorkStreamPicker, str]:
    kind = request.args.get("kind", "")
    return work_stream_picker(plan_id), kind if kind in APPROVED_CHANGE_KINDS else ""


@bp.get("/changes")
@permission_required(Permission.VIEW_PLAN)
def changes() -> WResponse:
    """The results (the changes, their count, the pagination) are the same for everyone who may see them, so they
    are kept rendered per plan version for the query string and kind of request; the whole page is kept too, per
    version of the trail (which plan is current is on it)."""
    if is_htmx():
        plan = selected_plan()
        html, _ = _kept_changes(plan, *_change_filters(plan.id))
        response = make_response(html)
        response.headers.add("Vary", "HX-Request")
        return response
    return render_kept("changes", "committee/changes.html", None, _changes_page, light=("page_title",))


def _kept_changes(plan: Plan, picker: WorkStreamPicker, kind: str) -> tuple[Markup, str]:
    number = page_number()
    return memo.per_plan_version(
        f"changes:{request.query_string.decode()}:{number}:{is_htmx()}",
        plan.id,
        lambda: _changes_results(plan, picker, kind, number),
    )


def _changes_page() -> dict[str, Any]:
    plan = selected_plan()
    picker, kind = _change_filters(plan.id)
    html, page_title = _kept_changes(plan, picker, kind)
    return {
        "plan": plan,
        "changes_html": html,
        "picker": picker,
        "form": picker.form if picker.failed else None,
        "kind": kind,
        "kinds": APPROVED_CHANGE_KINDS,
        "kind_labels": APPROVED_CHANGE_LABELS,
        "page_title": page_title,
    }


def _changes_results(plan: Plan, picker: WorkStreamPicker, kind: str, number: int) -> tuple[Markup, str]:
    ws_id = picker.id
    baseline, page = meetings.changes_since_last_meeting_page(
        plan.id, work_stream_id=ws_id, kind=kind or None, page=number
    )
    page_title = titled(
        "Changes since the last committee meeting",
        [
            *picker.words(),
            APPROVED_CHANGE_LABELS[kind] if kind else "",
            f"page {page.number}" if page.number > 1 else "",
        ],
    )
    html = render_template(
        "committee/_changes.html",
        plan=plan,
        baseline=baseline,
        lines=page.items,
        page=page,
        pagination=govuk_pagination(page, "Pages of changes", [("work_stream", ws_id), ("kind", kind)]),
        picker=picker,
        ws_id=ws_id,
        kind=kind,
        page_title=page_title,
    )
    return Markup(html), page_title


@bp.get("/changes.csv")
@permission_required(Permission.VIEW_PLAN)
def changes_csv() -> WResponse:
    """The changes page as CSV, every change and not a page of them, streamed a batch at a time: what changed,
    from, to, why, who proposed and approved it and when, evidence titles."""
    plan = selected_plan()
    picker, kind = _change_filters(plan.id)
    lines = meetings.iter_changes_since_last_meeting(plan.id, work_stream_id=picker.id, kind=kind or None)
    response = Response(stream_with_context(excel_io.changes_csv_lines(lines)), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="changes-{today().isoformat()}.csv"'
    return response


@bp.get("/baselines/compare")
@permission_required(Permission.VIEW_PLAN)
def compare() -> WResponse:
    """Kept whole per version of the trail for each query string and set of rights (a new baseline is audited)."""
    return render_kept("compare", "committee/compare.html", None, _compare_page)


def _compare_page() -> dict[str, Any]:
    plan = selected_plan()
    all_baselines = meetings.baselines(plan.id)
    by_id = {b.id: b for b in all_baselines}
    a, b = by_id.get(int_arg(request.args.get("a")) or 0), by_id.get(int_arg(request.args.get("b")) or 0)
    comparison = meetings.compare_page(a, b, page=page_number()) if a and b else None
    pagination = (
        govuk_pagination(comparison.page, "Pages of differences", [("a", a.id), ("b", b.id)])  # type: ignore[union-attr]
        if comparison
        else None
    )
    return {
        "plan": plan,
        "baselines": all_baselines,
        "a": a,
        "b": b,
        "comparison": comparison,
        "pagination": pagination,
    }


@bp.get("/committee")
@permission_required(Permission.VIEW_PLAN)
def landing() -> WResponse:
    """What members come for, in a fixed number of small queries: counts, never the lists themselves; kept whole
    per version of the trail (which plan is current is on it too)."""
    return render_kept("committee_landing", "committee/landing.html", None, _landing_page)


def _landing_page() -> dict[str, Any]:
    plan = selected_plan()
    presented = [m for m in meetings.list_meetings(plan.id) if m.baseline is not None]
    baseline, changes = meetings.count_changes_since_last_meeting(plan.id)
    open_risks, escalated = risks.open_and_escalated(plan.id)
    return {
        "plan": plan,
        "latest": presented[0] if presented else None,
        "baseline": baseline,
        "changes": changes,
        "open_risks": open_risks,
        "escalated": escalated,
        "actions": plan_read.plan_totals(plan)[0],
    }


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
    """The trend chart's figures; cached by ETag (the plan's version and today's date: a new month adds a point)."""
    plan_id = plan_read.plan_id_or_current(int_arg(request.args.get("plan")))  # no query: kept per trail

    def point(p: TrendPoint) -> dict[str, Any]:
        return {"label": p.label, **p.counts.as_dict()}

    def build() -> dict[str, Any]:
        plan = plan_read.get_plan(plan_id)
        monthly, at_baselines = meetings.trend(plan)
        return {
            "plan": {"id": plan.id, "title": plan.title},
            "monthly": [point(p) for p in monthly],
            "baselines": [point(p) for p in at_baselines],
        }

    def kept() -> dict[str, Any]:  # the body too is worked out once per version of the plan and day (`memo`)
        return memo.per_plan_version("api_trend", plan_id, build)

    return cached_json(("trend", plan_id, plan_read.plan_version(plan_id), today().isoformat()), kept)
