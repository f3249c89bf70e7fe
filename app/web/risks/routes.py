"""The risk register: thin views over app.services.risks."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from markupsafe import Markup
from werkzeug.wrappers import Response as WResponse

from app.clock import today
from app.domain.risk import REASON_ORDER, band
from app.models import Plan, RiskEntry
from app.policy import Permission
from app.services import memo, plan_editor, risks
from app.web.decorators import permission_required
from app.web.pagination import govuk_pagination, page_number
from app.web.pickers import work_stream_picker
from app.web.rendering import (
    XLSX,
    attempt,
    download,
    is_htmx,
    me,
    render,
    render_kept,
    selected_plan,
    titled,
    version_of,
)
from app.web.risks import bp
from app.web.risks.forms import CommentForm, EntryForm, EscalateForm, WindowForm


def _register_context(plan: Plan, f: risks.RegisterFilter, number: int = 1) -> dict[str, Any]:
    picker = work_stream_picker(plan.id)
    f = replace(f, work_stream_id=picker.id)
    register = risks.register_page(plan.id, f, page=number)
    owners = register.owners
    filters = [
        ("work_stream", f.work_stream_id),
        ("reason", f.reason.value if f.reason else None),
        ("owner", f.owner_id),
        ("escalated", {True: "yes", False: "no", None: None}[f.escalated]),
    ]
    words = picker.words()
    words += [f.reason.label if f.reason else ""]
    words += [f"owner {o.name}" for o in owners if o.id == f.owner_id]
    words += [{True: "escalated", False: "not escalated", None: ""}[f.escalated]]
    return {
        "page_title": titled("Risk register", [*words, f"page {register.page.number}" if number > 1 else ""]),
        "plan": plan,
        "rows": register.page.items,
        "page": register.page,
        "pagination": govuk_pagination(
            register.page, "Pages of the risk register", filters, path=url_for("risks.register")
        ),
        "f": f,
        "grid": register.grid,
        "band": band,
        "reasons": REASON_ORDER,
        "picker": picker,
        "owners": owners,
        "today": today(),
    }


@dataclass(frozen=True)
class _Owner:
    id: int
    name: str


@dataclass(frozen=True)
class _KeptRegister:
    """The register's results drawn once (`register` keeps them per plan version) and what the page around them
    shows: the owners to filter by and the page's title."""

    html: Markup
    owners: tuple[_Owner, ...]
    page_title: str


def _kept_register(plan: Plan, f: risks.RegisterFilter, number: int) -> _KeptRegister:
    context = _register_context(plan, f, number)
    html = Markup(render_template("risks/_register.html", **context))
    owners = tuple(_Owner(o.id, o.name) for o in context["owners"])
    return _KeptRegister(html, owners, context["page_title"])


@bp.get("/risks")
@permission_required(Permission.VIEW_PLAN)
def register() -> WResponse:
    """The open entries, filtered: the same for everyone with the same rights (the owners are named), so the
    page is kept whole per version of the trail, for this query string and kind of request (every entry opened,
    closed, scored or escalated is audited)."""
    return render_kept(
        "risk_register", "risks/register.html", "risks/_register.html", _register_page, light=("page_title",)
    )


def _register_page() -> dict[str, Any]:
    plan = selected_plan()
    f = risks.RegisterFilter.from_args(request.args)
    number = page_number()
    if is_htmx():
        return _register_context(plan, f, number)
    kept = memo.per_plan_version(  # the results, while only the trail moves (a sign-in)
        f"risk_register:{request.query_string.decode()}:{number}",
        plan.id,
        lambda: _kept_register(plan, f, number),
    )
    picker = work_stream_picker(plan.id)
    return {
        "window_form": WindowForm(formdata=None, days=plan.risk_warning_days),
        "form": picker.form if picker.failed else None,
        "register_html": kept.html,
        "page_title": kept.page_title,
        "plan": plan,
        "f": replace(f, work_stream_id=picker.id),
        "reasons": REASON_ORDER,
        "picker": picker,
        "owners": kept.owners,
    }


@bp.post("/risks/window")
@permission_required(Permission.EDIT_PLAN)
def window() -> WResponse:
    plan = selected_plan()
    form = WindowForm()
    if form.validate_on_submit():
        result = attempt(form, lambda: risks.set_warning_window(me(), plan.id, form.days.data, form.reason.data or ""))
        if result is not None:
            flash(
                f"Warning window is now {form.days.data} days: {result.opened} entered the register, "
                f"{result.closed} left it.",
                "success",
            )
            return redirect(url_for("risks.register"), 303)
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
    plan = selected_plan()
    return render("risks/history.html", plan=plan, rows=risks.entries(plan.id, closed=True))


def _entry_page(entry: RiskEntry, status: int = 200, **forms: Any) -> WResponse:
    actor = me()
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
        may_edit=risks.may_edit(actor, entry),
        may_escalate=risks.may_escalate(actor, entry),
        may_comment=entry.is_open and (risks.may_escalate(actor, entry) or risks.may_edit(actor, entry)),
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


@bp.post("/risks/<int:entry_id>")
@permission_required(Permission.EDIT_RISK)
def edit(entry_id: int) -> WResponse:
    form = EntryForm()
    form.owner_id.choices = []
    if form.validate_on_submit():
        changes = risks.EntryInput(
            likelihood=form.likelihood.data,
            impact=form.impact.data,
            mitigations=form.mitigations.data or "",
            remedial_actions=form.remedial_actions.data or "",
            next_review_on=form.next_review_on.data,
            owner_id=form.owner_id.data,
            reason=form.reason.data or "",
        )
        if attempt(form, lambda: risks.edit(me(), entry_id, version_of(form.version.data), changes)) is not None:
            flash("Risk register entry saved", "success")
            return redirect(url_for("risks.entry", entry_id=entry_id), 303)
    return _entry_page(risks.get_entry(entry_id), 400, edit_form=form, error_form=form)


@bp.post("/risks/<int:entry_id>/escalation")
@permission_required(Permission.ESCALATE_RISK)
def escalate(entry_id: int) -> WResponse:
    form = EscalateForm()
    current = risks.get_entry(entry_id)
    if form.validate_on_submit():
        escalating = not current.escalated
        saved = attempt(
            form,
            lambda: risks.set_escalated(
                me(), entry_id, version_of(form.version.data), escalating, form.comment.data or ""
            ),
        )
        if saved is not None:
            flash("Escalated to SMT" if escalating else "No longer escalated", "success")
            return redirect(url_for("risks.entry", entry_id=entry_id), 303)
    return _entry_page(risks.get_entry(entry_id), 400, escalate_form=form, error_form=form)


@bp.post("/risks/<int:entry_id>/comments")
@permission_required(Permission.VIEW_INTERNAL)
def comment(entry_id: int) -> WResponse:
    form = CommentForm()
    if form.validate_on_submit():
        if attempt(form, lambda: risks.add_comment(me(), entry_id, form.body.data or "")) is not None:
            flash("Comment added", "success")
            return redirect(url_for("risks.entry", entry_id=entry_id, _anchor="comments"), 303)
    return _entry_page(risks.get_entry(entry_id), 400, comment_form=form, error_form=form)


def _export_rows() -> list[RiskEntry]:
    plan = selected_plan()
    closed = request.args.get("closed") == "1"
    return risks.entries(plan.id, risks.RegisterFilter.from_args(request.args), closed=closed)


@bp.get("/risks.csv")
@permission_required(Permission.VIEW_PLAN)
def export_csv() -> WResponse:
    return download(risks.to_csv(_export_rows()), f"risk-register-{today().isoformat()}.csv", "text/csv; charset=utf-8")


@bp.get("/risks.xlsx")
@permission_required(Permission.VIEW_PLAN)
def export_xlsx() -> WResponse:
    workbook = risks.to_xlsx(
        _export_rows(),
        plan=selected_plan(),
        closed=request.args.get("closed") == "1",
        f=risks.RegisterFilter.from_args(request.args),
    )
    return download(workbook, f"risk-register-{today().isoformat()}.xlsx", XLSX)
