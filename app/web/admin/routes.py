"""Administrators manage accounts. Plan content is not theirs to change."""

from __future__ import annotations

from flask import flash, redirect, url_for
from werkzeug.wrappers import Response

from app.policy import ROLE_DESCRIPTIONS, Permission, Role
from app.services import accounts, plan_read, two_factor
from app.services.errors import NotFound, ValidationFailed
from app.web.admin import bp
from app.web.admin.forms import NewUserForm, ResetPasswordForm, UserDetailsForm
from app.web.decorators import permission_required
from app.web.rendering import attempt, me, render


def _prepare(form: UserDetailsForm) -> None:
    try:
        plan = plan_read.get_plan()
    except NotFound:
        form.work_streams.choices = []
    else:
        form.work_streams.choices = [(ws.id, f"{ws.roman}. {ws.title}") for ws in plan.work_streams]
    form.role.choices = [(r.value, r.label) for r in Role]


def _role_hints() -> dict[str, str]:
    return {r.value: ROLE_DESCRIPTIONS[r] for r in Role}


@bp.get("/users")
@permission_required(Permission.MANAGE_USERS)
def users() -> Response:
    return render("admin/users.html", users=accounts.list_users())


@bp.route("/users/new", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def new_user() -> Response:
    form = NewUserForm()
    _prepare(form)
    if form.validate_on_submit():
        user = attempt(
            form,
            lambda: accounts.create_user(
                me(),
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "",
                password=form.password.data or "",
                job_title=form.job_title.data or "",
                work_stream_ids=form.work_streams.data or [],
            ),
        )
        if user is not None:
            flash(f"Account created for {user.name}", "success")
            return redirect(url_for("admin.users"))
    return render("admin/user_form.html", form=form, user=None, role_hints=_role_hints())


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@permission_required(Permission.MANAGE_USERS)
def edit_user(user_id: int) -> Response:
    user = accounts.get_user(user_id)
    form = UserDetailsForm(obj=user)
    _prepare(form)
    if not form.is_submitted():
        form.work_streams.data = [ws.id for ws in user.work_streams]
    if form.validate_on_submit():
        saved = attempt(
            form,
            lambda: accounts.update_user(
                me(),
                user.id,
                name=form.name.data or "",
                job_title=form.job_title.data or "",
                role=form.role.data or "",
                work_stream_ids=form.work_streams.data or [],
            ),
        )
        if saved is not None:
            flash(f"Account of {saved.name} saved", "success")
            return redirect(url_for("admin.users"))
    return render(
        "admin/user_form.html",
        form=form,
        user=user,
        reset_form=ResetPasswordForm(formdata=None),
        role_hints=_role_hints(),
    )


@bp.post("/users/<int:user_id>/password")
@permission_required(Permission.MANAGE_USERS)
def reset_password(user_id: int) -> Response:
    user = accounts.get_user(user_id)
    reset_form = ResetPasswordForm()
    if reset_form.validate_on_submit():
        if (
            attempt(reset_form, lambda: accounts.set_password(me(), user.id, reset_form.password.data or ""))
            is not None
        ):
            flash(f"New password set for {user.name}. They have been signed out everywhere.", "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    form = UserDetailsForm(obj=user, formdata=None)
    _prepare(form)
    form.work_streams.data = [ws.id for ws in user.work_streams]
    return render(
        "admin/user_form.html",
        form=reset_form,
        details_form=form,
        user=user,
        reset_form=reset_form,
        role_hints=_role_hints(),
        status=400,
    )


@bp.post("/users/<int:user_id>/two-step-sign-in/reset")
@permission_required(Permission.MANAGE_USERS)
def reset_two_factor(user_id: int) -> Response:
    user = two_factor.reset(me(), user_id)
    flash(f"Two-step sign-in reset for {user.name}. They will set it up again when they next sign in.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/deactivate")
@permission_required(Permission.MANAGE_USERS)
def deactivate_user(user_id: int) -> Response:
    return _set_active(user_id, False)


@bp.post("/users/<int:user_id>/reactivate")
@permission_required(Permission.MANAGE_USERS)
def reactivate_user(user_id: int) -> Response:
    return _set_active(user_id, True)


def _set_active(user_id: int, active: bool) -> Response:
    try:
        user = accounts.set_active(me(), user_id, active)
    except ValidationFailed as error:
        flash(next(iter(error.errors.values())), "info")
        return redirect(url_for("admin.edit_user", user_id=user_id))
    flash(f"Account of {user.name} {'reactivated' if active else 'deactivated; they have been signed out'}", "success")
    return redirect(url_for("admin.users"))
