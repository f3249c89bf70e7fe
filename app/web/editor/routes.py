"""The project manager's plan editor: thin views over app.services.plan_editor."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app.extensions import db
from app.models import PerformanceMeasure
from app.policy import Permission
from app.services import plan_editor, plan_read
from app.services.errors import Conflict, NotFound, ServiceError, ValidationFailed
from app.services.plan_editor import ActionDraft
from app.web.decorators import permission_required
from app.web.editor import bp
from app.web.editor.forms import ActionForm, MeasureForm, NewActionForm, RetireForm, WorkStreamForm
from app.web.rendering import apply_errors, render


def _me() -> Any:
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _owner_choices(form: ActionForm) -> None:
    form.owner_id.choices = [("", "Nobody yet")] + [
        (u.id, f"{u.name} ({u.role_label})") for u in plan_editor.possible_owners()
    ]


def _draft(form: ActionForm) -> ActionDraft:
    return ActionDraft(
        title=form.title.data or "",
        measures_and_milestones=form.measures_and_milestones.data or "",
        key_targets=form.key_targets.data or "",
        deadline=form.deadline.data,
        owner_id=form.owner_id.data,
        reference=getattr(form, "reference", None) and form.reference.data or "",
        progress=getattr(form, "progress", None) and form.progress.data or "",
    )


def _version(form: Any) -> int:
    value = form.version.data
    return int(value) if value is not None and str(value).isdigit() else -1


def _attempt(form: Any, call: Any) -> Any:
    """Run the service call; put its refusals on the form. Returns the result, or None when refused."""
    try:
        return call()
    except ValidationFailed as error:
        apply_errors(form, error.errors)
    except (Conflict, ServiceError) as error:
        form.form_errors.append(error.message)
    return None


@bp.route("/work-streams/<int:work_stream_id>/actions/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def new_action(work_stream_id: int) -> Response:
    ws = plan_read.get_work_stream(work_stream_id)
    form = NewActionForm()
    _owner_choices(form)
    if form.validate_on_submit():
        action = _attempt(form, lambda: plan_editor.add_action(_me(), ws.id, _draft(form), form.reason.data or ""))
        if action is not None:
            flash(f"Action {action.reference} added", "success")
            return redirect(url_for("plan.action", action_id=action.id), 303)
    return render("editor/action_form.html", form=form, work_stream=ws, action=None, status=400 if form.errors else 200)


@bp.route("/actions/<int:action_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def edit_action(action_id: int) -> Response:
    action = plan_read.get_action(action_id)
    form = ActionForm(obj=action) if request.method == "GET" else ActionForm()
    _owner_choices(form)
    if request.method == "GET":
        form.version.data = action.version
    elif form.validate_on_submit():
        saved = _attempt(
            form,
            lambda: plan_editor.edit_action(_me(), action.id, _version(form), _draft(form), form.reason.data or ""),
        )
        if saved is not None:
            flash(f"Action {saved.reference} saved", "success")
            return redirect(url_for("plan.action", action_id=saved.id), 303)
        db.session.rollback()
        action = plan_read.get_action(action_id)
    return render(
        "editor/action_form.html",
        form=form,
        work_stream=action.work_stream,
        action=action,
        status=400 if form.errors else 200,
    )


@bp.route("/actions/<int:action_id>/retirement", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def retirement(action_id: int) -> Response:
    action = plan_read.get_action(action_id)
    form = RetireForm()
    retiring = not action.is_retired
    if request.method == "GET":
        form.version.data = action.version
    elif form.validate_on_submit():
        saved = _attempt(
            form, lambda: plan_editor.set_retired(_me(), action.id, _version(form), retiring, form.reason.data or "")
        )
        if saved is not None:
            flash(f"Action {saved.reference} {'retired' if retiring else 'is back in the live action plan'}", "success")
            return redirect(url_for("plan.action", action_id=saved.id), 303)
    return render("editor/retire.html", form=form, action=action, retiring=retiring, status=400 if form.errors else 200)


@bp.route("/work-streams/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def new_work_stream() -> Response:
    raw = request.args.get("plan", "")
    plan = plan_read.get_plan(int(raw) if raw.isdigit() else None)
    form = WorkStreamForm()
    if form.validate_on_submit():
        ws = _attempt(
            form, lambda: plan_editor.add_work_stream(_me(), plan.id, form.title.data or "", form.reason.data or "")
        )
        if ws is not None:
            flash(f"Work stream {ws.roman} added. Assign its service manager on the Users page.", "success")
            return redirect(url_for("plan.work_stream", work_stream_id=ws.id), 303)
    return render("editor/work_stream_form.html", form=form, plan=plan, status=400 if form.errors else 200)


@bp.post("/plans/<int:plan_id>/current")
@permission_required(Permission.EDIT_PLAN)
def make_current(plan_id: int) -> Response:
    from flask_wtf import FlaskForm
    from wtforms import StringField

    class CurrentForm(FlaskForm):
        reason = StringField()

    form = CurrentForm()
    if form.validate_on_submit():
        try:
            plan = plan_editor.make_current(_me(), plan_id, form.reason.data or "")
        except ValidationFailed as error:
            flash(next(iter(error.errors.values())), "info")
        else:
            flash(f"“{plan.title}” is now the current plan: every page shows it by default.", "success")
    return redirect(url_for("plan.dashboard", plan=plan_id), 303)


@bp.route("/work-streams/<int:work_stream_id>/measures/new", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def new_measure(work_stream_id: int) -> Response:
    ws = plan_read.get_work_stream(work_stream_id)
    form = MeasureForm()
    if form.validate_on_submit():
        measure = _attempt(
            form,
            lambda: plan_editor.add_measure(
                _me(),
                ws.id,
                reference=form.reference.data or "",
                description=form.description.data or "",
                target=form.target.data or "",
                checkpoint=int(form.checkpoint.data or 0),
                reason=form.reason.data or "",
            ),
        )
        if measure is not None:
            flash(f"Performance measure {measure.reference} added", "success")
            return redirect(url_for("plan.work_stream", work_stream_id=ws.id, _anchor="measures"), 303)
    return render(
        "editor/measure_form.html", form=form, work_stream=ws, measure=None, status=400 if form.errors else 200
    )


@bp.route("/measures/<int:measure_id>", methods=["GET", "POST"])
@permission_required(Permission.EDIT_PLAN)
def edit_measure(measure_id: int) -> Response:
    measure = db.session.get(PerformanceMeasure, measure_id)
    if measure is None:
        raise NotFound("No such performance measure")
    form = MeasureForm(obj=measure) if request.method == "GET" else MeasureForm()
    if request.method == "GET":
        form.version.data = measure.version
    elif form.validate_on_submit():
        saved = _attempt(
            form,
            lambda: plan_editor.edit_measure(
                _me(),
                measure.id,
                _version(form),
                description=form.description.data or "",
                target=form.target.data or "",
                reason=form.reason.data or "",
            ),
        )
        if saved is not None:
            flash(f"Performance measure {saved.reference} saved", "success")
            return redirect(url_for("plan.work_stream", work_stream_id=saved.work_stream_id, _anchor="measures"), 303)
        db.session.rollback()
        measure = db.session.get(PerformanceMeasure, measure_id)
    return render(
        "editor/measure_form.html",
        form=form,
        work_stream=measure.work_stream,
        measure=measure,
        status=400 if form.errors else 200,
    )
