"""The risk register: thin views over app.services.risks."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, make_response, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from app.clock import today
from app.domain.risk import REASON_ORDER, band
from app.extensions import db
from app.policy import Permission
from app.services import plan_editor, plan_read, risks
from app.services.errors import Conflict, ServiceError, ValidationFailed
from app.web.decorators import permission_required
from app.web.rendering import apply_errors, render
from app.web.risks import bp
from app.web.risks.forms import CommentForm, EntryForm, EscalateForm, WindowForm


def _me() -> Any:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _plan() -> Any:
    raw = request.args.get("plan", "")
    return plan_read.get_plan(int(raw) if raw.isdigit() else None)


def _register_context(plan: Any, f: risks.RegisterFilter) -> dict[str, Any]:
    rows = risks.entries(plan.id, f)
    owners = sorted({e.owner for e in risks.entries(plan.id) if e.owner}, key=lambda u: u.name)
    return {
        "plan": plan,
        "rows": rows,
        "f": f,
        "grid": risks.heat_map(rows),
        "band": band,
        "reasons": REASON_ORDER,
        "work_streams": plan.work_streams,
        "owners": owners,
        "today": today(),
    }


@bp.get("/risks")
@permission_required(Permission.VIEW_PLAN)
def register() -> WResponse:
    plan = _plan()
    window_form = WindowForm(formdata=None, days=plan.risk_warning_days)
    return render(
        "risks/register.html",
        "risks/_register.html",
        window_form=window_form,
        **_register_context(plan, risks.RegisterFilter.from_args(request.args)),
    )


@bp.post("/risks/window")
@permission_required(Permission.EDIT_PLAN)
def window() -> WResponse:
    plan = _plan()
    form = WindowForm()
    if form.validate_on_submit():
        try:
            result = risks.set_warning_window(_me(), plan.id, form.days.data, form.reason.data or "")
        except ValidationFailed as error:
            apply_errors(form, error.errors)
        else:
            flash(
                f"Warning window is now {form.days.data} days: {result.opened} entered the register, "
                f"{result.closed} left it.",
                "success",
            )
            return redirect(url_for("risks.register"), 303)
    plan = _plan()
    return render(
        "risks/register.html",
        window_form=form,
        form=form,
        status=400,
        **_register_context(plan, risks.RegisterFilter()),
    )


@bp.get("/risks/history")
@permission_required(Permission.VIEW_PLAN)
def history() -> WResponse:
    plan = _plan()
    return render("risks/history.html", plan=plan, rows=risks.entries(plan.id, closed=True))


def _entry_page(entry: Any, status: int = 200, **forms: Any) -> WResponse:
    me = _me()
    edit_form = forms.get("edit_form")
    if edit_form is None:
        edit_form = EntryForm(formdata=None, obj=entry)
        edit_form.version.data = entry.version
    edit_form.owner_id.choices = [("", "Nobody")] + [(u.id, u.name) for u in plan_editor.possible_owners()]
    escalate_form = forms.get("escalate_form") or EscalateForm(formdata=None, version=entry.version)
    comment_form = forms.get("comment_form") or CommentForm(formdata=None)
    return render(
        "risks/entry.html",
        entry=entry,
        band=band,
        may_edit=risks.may_edit(me, entry),
        may_escalate=risks.may_escalate(me, entry),
        may_comment=entry.is_open and (risks.may_escalate(me, entry) or risks.may_edit(me, entry)),
        edit_form=edit_form,
        escalate_form=escalate_form,
        comment_form=comment_form,
        form=forms.get("error_form"),
        status=status,
    )


@bp.get("/risks/<int:entry_id>")
@permission_required(Permission.VIEW_PLAN)
def entry(entry_id: int) -> WResponse:
    return _entry_page(risks.get_entry(entry_id))


def _version(value: Any) -> int:
    return int(value) if value is not None and str(value).isdigit() else -1


@bp.post("/risks/<int:entry_id>")
@permission_required(Permission.EDIT_RISK)
def edit(entry_id: int) -> WResponse:
    form = EntryForm()
    form.owner_id.choices = []
    if form.validate_on_submit():
        try:
            risks.edit(
                _me(),
                entry_id,
                _version(form.version.data),
                risks.EntryInput(
                    likelihood=form.likelihood.data,
                    impact=form.impact.data,
                    mitigations=form.mitigations.data or "",
                    remedial_actions=form.remedial_actions.data or "",
                    next_review_on=form.next_review_on.data,
                    owner_id=form.owner_id.data,
                    reason=form.reason.data or "",
                ),
            )
        except ValidationFailed as error:
            apply_errors(form, error.errors)
        except (Conflict, ServiceError) as error:
            form.form_errors.append(error.message)
        else:
            flash("Risk register entry saved", "success")
            return redirect(url_for("risks.entry", entry_id=entry_id), 303)
    db.session.rollback()
    return _entry_page(risks.get_entry(entry_id), 400, edit_form=form, error_form=form)


@bp.post("/risks/<int:entry_id>/escalation")
@permission_required(Permission.ESCALATE_RISK)
def escalate(entry_id: int) -> WResponse:
    form = EscalateForm()
    current = risks.get_entry(entry_id)
    if form.validate_on_submit():
        try:
            risks.set_escalated(
                _me(), entry_id, _version(form.version.data), not current.escalated, form.comment.data or ""
            )
        except ValidationFailed as error:
            apply_errors(form, error.errors)
        except (Conflict, ServiceError) as error:
            form.form_errors.append(error.message)
        else:
            flash("Escalated to SMT" if not current.escalated else "No longer escalated", "success")
            return redirect(url_for("risks.entry", entry_id=entry_id), 303)
    db.session.rollback()
    return _entry_page(risks.get_entry(entry_id), 400, escalate_form=form, error_form=form)


@bp.post("/risks/<int:entry_id>/comments")
@permission_required(Permission.VIEW_INTERNAL)
def comment(entry_id: int) -> WResponse:
    form = CommentForm()
    if form.validate_on_submit():
        try:
            risks.add_comment(_me(), entry_id, form.body.data or "")
        except ValidationFailed as error:
            apply_errors(form, error.errors)
        else:
            flash("Comment added", "success")
            return redirect(url_for("risks.entry", entry_id=entry_id, _anchor="comments"), 303)
    db.session.rollback()
    return _entry_page(risks.get_entry(entry_id), 400, comment_form=form, error_form=form)


def _export_rows() -> list[Any]:
    plan = _plan()
    closed = request.args.get("closed") == "1"
    return risks.entries(plan.id, risks.RegisterFilter.from_args(request.args), closed=closed)


@bp.get("/risks.csv")
@permission_required(Permission.VIEW_PLAN)
def export_csv() -> Response:
    response = make_response(risks.to_csv(_export_rows()))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="risk-register-{today().isoformat()}.csv"'
    return response


@bp.get("/risks.xlsx")
@permission_required(Permission.VIEW_PLAN)
def export_xlsx() -> Response:
    response = make_response(risks.to_xlsx(_export_rows()))
    response.headers["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response.headers["Content-Disposition"] = f'attachment; filename="risk-register-{today().isoformat()}.xlsx"'
    return response
