"""The monthly update round: thin views over app.services.rounds and app.services.checklist_workbook."""

from __future__ import annotations

import base64
import binascii
from datetime import date

from flask import flash, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.clock import today
from app.models import Plan
from app.policy import Permission
from app.services import checklist_workbook, rounds
from app.services.checklist_workbook import UploadPreview
from app.services.rounds import Checklist
from app.web.decorators import permission_required
from app.web.rendering import XLSX, attempt, download, form_status, me, render, selected_plan, version_of
from app.web.rounds import bp
from app.web.rounds.forms import CloseRoundForm, ConfirmUploadForm, NoChangeForm, OpenRoundForm, UploadForm

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


@bp.app_template_global("my_update_round")
def my_update_round(plan: Plan) -> Checklist | None:
    """For the dashboard's partial: the signed-in service manager's checklist in the open round, if any."""
    if not current_user.is_authenticated or not getattr(current_user, "work_streams", None):
        return None
    return rounds.my_open_checklist(me(), plan.id)


def _months(around: date) -> list[tuple[str, str]]:
    first = around.replace(day=1)
    out = []
    for step in range(-1, 3):
        year, month = divmod(first.month - 1 + step, 12)
        day = date(first.year + year, month + 1, 1)
        out.append((day.isoformat(), rounds.month_words(day)))
    return out


def _month_of(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "").replace(day=1)
    except ValueError:
        return None


@bp.get("/rounds")
@permission_required(Permission.VIEW_INTERNAL)
def index() -> Response:
    plan = selected_plan()
    return render("rounds/index.html", plan=plan, rounds=rounds.rounds_for(plan.id), current=rounds.open_round(plan.id))


@bp.route("/rounds/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_ROUNDS)
def new() -> Response:
    plan = selected_plan()
    form = OpenRoundForm()
    form.month.choices = [("", "Select a month"), *_months(today())]
    if form.validate_on_submit():
        opened = attempt(
            form, lambda: rounds.open_for_month(me(), plan.id, _month_of(form.month.data), form.due_date.data)
        )
        if opened is not None:
            flash(
                f"The update round for {rounds.month_words(opened.month)} is open. Each service manager has been told.",
                "success",
            )
            return redirect(url_for("rounds.show", round_id=opened.id), 303)
    return render("rounds/new.html", plan=plan, form=form, status=form_status(form))


def _show(round_id: int, close_form: CloseRoundForm | None = None, status: int = 200) -> Response:
    found = rounds.progress(round_id)
    close_form = close_form or CloseRoundForm(formdata=None, version=found.round.version)
    return render(
        "rounds/show.html",
        progress=found,
        summary=rounds.round_summary(round_id),
        close_form=close_form,
        form=close_form,
        status=status,
    )


@bp.get("/rounds/<int:round_id>")
@permission_required(Permission.VIEW_INTERNAL)
def show(round_id: int) -> Response:
    return _show(round_id)


@bp.post("/rounds/<int:round_id>/close")
@permission_required(Permission.MANAGE_ROUNDS)
def close(round_id: int) -> Response:
    form = CloseRoundForm()
    if form.validate_on_submit():
        closed = attempt(form, lambda: rounds.close(me(), round_id, version_of(form.version.data)))
        if closed is not None:
            flash(
                f"The round for {rounds.month_words(closed.month)} is closed. Who had not updated is recorded.",
                "success",
            )
            return redirect(url_for("rounds.show", round_id=round_id), 303)
    return _show(round_id, form, status=409 if form.form_errors else 400)


def _checklist(
    round_id: int,
    *,
    forms: dict[int, NoChangeForm] | None = None,
    upload_form: UploadForm | None = None,
    status: int = 200,
) -> Response:
    found = rounds.checklist(me(), round_id)
    forms = forms or {}
    failed = next(iter(forms.values()), None) or upload_form  # the form sent back, for the error summary
    for state in found.items:
        forms.setdefault(state.item.id, NoChangeForm(formdata=None, prefix=f"item{state.item.id}"))
    return render(
        "rounds/checklist.html",
        checklist=found,
        forms=forms,
        upload_form=upload_form or UploadForm(formdata=None),
        form=failed,
        status=status,
    )


@bp.get("/rounds/<int:round_id>/checklist")
@permission_required(Permission.PROPOSE_CHANGE)
def checklist(round_id: int) -> Response:
    return _checklist(round_id)


@bp.post("/rounds/<int:round_id>/items/<int:item_id>/no-change")
@permission_required(Permission.PROPOSE_CHANGE)
def no_change(round_id: int, item_id: int) -> Response:
    form = NoChangeForm(prefix=f"item{item_id}")
    if form.validate_on_submit():
        item = attempt(form, lambda: rounds.record_no_change(me(), item_id, form.note.data or ""))
        if item is not None:
            flash(f"No change this month recorded for {item.label}.", "success")
            return redirect(url_for("rounds.checklist", round_id=round_id), 303)
    return _checklist(round_id, forms={item_id: form}, status=409 if form.form_errors else 400)


@bp.get("/rounds/<int:round_id>/checklist.xlsx")
@permission_required(Permission.PROPOSE_CHANGE)
def workbook(round_id: int) -> Response:
    found = rounds.get_round(round_id)
    data = checklist_workbook.download(me(), found.id)
    return download(data, f"checklist-{found.month:%Y-%m}.xlsx", XLSX)


def _preview_page(round_id: int, result: UploadPreview, form: ConfirmUploadForm, status: int) -> Response:
    return render(
        "rounds/upload_preview.html", round=rounds.get_round(round_id), preview=result, confirm_form=form, status=status
    )


@bp.post("/rounds/<int:round_id>/checklist/upload")
@permission_required(Permission.PROPOSE_CHANGE)
def upload(round_id: int) -> Response:
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.workbook.data
        data = (
            upload.read(MAX_UPLOAD_BYTES + 1) if upload is not None and bool(getattr(upload, "filename", "")) else b""
        )
        if not data:
            form.workbook.errors = ["Choose the checklist workbook to upload"]
        elif len(data) > MAX_UPLOAD_BYTES:
            form.workbook.errors = ["The workbook must be smaller than 5 MB"]
        else:
            result = attempt(form, lambda: checklist_workbook.preview(me(), round_id, data))
            if result is not None:
                confirm = ConfirmUploadForm(formdata=None, payload=base64.b64encode(data).decode())
                return _preview_page(round_id, result, confirm, 200 if result.ok else 400)
    return _checklist(round_id, upload_form=form, status=400)


@bp.post("/rounds/<int:round_id>/checklist/confirm")
@permission_required(Permission.PROPOSE_CHANGE)
def confirm_upload(round_id: int) -> Response:
    form = ConfirmUploadForm()
    try:
        data = base64.b64decode(form.payload.data or "", validate=True)
    except (binascii.Error, ValueError):
        data = b""
    if not form.validate_on_submit() or not data:
        upload_form = UploadForm(formdata=None)
        upload_form.form_errors.append("The upload could not be read. Upload the workbook again.")
        return _checklist(round_id, upload_form=upload_form, status=400)
    created = attempt(form, lambda: checklist_workbook.apply(me(), round_id, data))
    if created is None:
        result = checklist_workbook.preview(me(), round_id, data)
        return _preview_page(round_id, result, form, 400)
    flash(
        f"{len(created)} draft proposal{'s' if len(created) != 1 else ''} created from your workbook. "
        "Add evidence where a status changes, then submit each for approval.",
        "success",
    )
    return redirect(url_for("rounds.checklist", round_id=round_id), 303)
