from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.extensions import limiter
from app.models import User
from app.policy import Permission, can
from app.services import accounts
from app.web.auth import bp
from app.web.auth.forms import ChangePasswordForm, LoginForm
from app.web.auth.throttle import (
    ACCOUNT_LIMIT,
    ACCOUNT_SCOPE,
    ADDRESS_LIMIT,
    count_failure,
    password_failed,
    sign_in_account,
    signed_in_account,
)
from app.web.rendering import attempt, me

GENERIC_LOGIN_ERROR = "Enter a correct e-mail address and password"


def safe_next(target: str | None) -> str | None:
    """Only a path on this site: never another host, scheme or protocol-relative URL."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ADDRESS_LIMIT, methods=["POST"])
@limiter.shared_limit(
    ACCOUNT_LIMIT, scope=ACCOUNT_SCOPE, key_func=sign_in_account, methods=["POST"], deduct_when=count_failure
)
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("plan.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data or "", form.password.data or "")
        if user is not None:
            accounts.start_session(user)
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or _home(user))
        password_failed()
        form.email.errors = [GENERIC_LOGIN_ERROR]
    return render_template("auth/login.html", form=form)


def _home(user: User) -> str:
    """Committee members land on the page written for them; everyone else on the dashboard."""
    return url_for("committee.landing") if can(user, Permission.READ_AS_MEMBER) else url_for("plan.dashboard")


@bp.post("/logout")
@login_required
def logout() -> Response:
    accounts.end_session(me())
    logout_user()
    flash("You have signed out", "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.shared_limit(
    ACCOUNT_LIMIT, scope=ACCOUNT_SCOPE, key_func=signed_in_account, methods=["POST"], deduct_when=count_failure
)
def change_password() -> str | Response:
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user = attempt(
            form,
            lambda: accounts.change_own_password(me(), form.current_password.data or "", form.new_password.data or ""),
        )
        if form.current_password.errors:
            password_failed()
        if user is not None:
            accounts.start_session(user)
            login_user(user)
            flash("Your password has been changed. You have been signed out everywhere else.", "success")
            return redirect(safe_next(request.args.get("next")) or _home(user))
    return render_template("auth/password.html", form=form)
