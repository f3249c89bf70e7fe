from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit

import segno
from flask import flash, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from markupsafe import Markup
from werkzeug.wrappers import Response

from app.clock import utcnow
from app.domain.totp import group_secret
from app.extensions import limiter
from app.models import User
from app.policy import Permission, can
from app.services import accounts, two_factor
from app.services.errors import NotFound
from app.web.auth import bp
from app.web.auth.forms import ChangePasswordForm, LoginForm, SetUpCodeForm, SignInCodeForm
from app.web.auth.throttle import (
    ACCOUNT_LIMIT,
    ACCOUNT_SCOPE,
    ADDRESS_LIMIT,
    SECOND_STEP_KEY,
    count_failure,
    password_failed,
    pending_account,
    sign_in_account,
    signed_in_account,
)
from app.web.rendering import attempt, me

GENERIC_LOGIN_ERROR = "Enter a correct e-mail address and password"
SECOND_STEP_TIME = timedelta(minutes=5)  # from the right password to the code


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
        if user is not None and two_factor.asked_at_sign_in(user):
            session[SECOND_STEP_KEY] = {
                "user_id": user.id,
                "email": user.email,
                "at": utcnow().isoformat(),
                "next": safe_next(request.args.get("next")) or "",
            }
            return redirect(url_for("auth.login_code"))
        if user is not None:
            accounts.start_session(user)
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or _home(user))
        password_failed()
        form.email.errors = [GENERIC_LOGIN_ERROR]
    return render_template("auth/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit(ADDRESS_LIMIT, methods=["POST"])
@limiter.shared_limit(
    ACCOUNT_LIMIT, scope=ACCOUNT_SCOPE, key_func=pending_account, methods=["POST"], deduct_when=count_failure
)
def login_code() -> str | Response:
    """The second step of signing in, for someone who has just given the right password."""
    if current_user.is_authenticated:
        return redirect(url_for("plan.dashboard"))
    user = _pending_user()
    if user is None:
        session.pop(SECOND_STEP_KEY, None)
        flash("Sign in again: the time to enter your code ran out.", "info")
        return redirect(url_for("auth.login"))
    form = SignInCodeForm()
    if form.validate_on_submit():
        if two_factor.verify(user, form.code.data or ""):
            pending = session.pop(SECOND_STEP_KEY, {})
            accounts.start_session(user)
            login_user(user)
            return redirect(safe_next(pending.get("next")) or _home(user))
        password_failed()
        form.code.errors = [two_factor.WRONG_CODE]
    return render_template("auth/login_code.html", form=form)


def _pending_user() -> User | None:
    pending = session.get(SECOND_STEP_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        started = datetime.fromisoformat(str(pending.get("at")))
        user = accounts.get_user(int(pending.get("user_id", 0)))
    except (ValueError, TypeError, NotFound):
        return None
    if utcnow() - started > SECOND_STEP_TIME or not user.active or user.email != pending.get("email"):
        return None
    return user


@bp.route("/account/two-step-sign-in", methods=["GET", "POST"])
@login_required
def two_factor_setup() -> str | Response:
    """Setting up two-step sign-in: the QR code and the secret, then a code to prove the app has it."""
    user = me()
    if user.two_factor_enabled:
        return render_template(
            "auth/two_factor.html",
            enrolment=None,
            form=None,
            recovery_codes_left=two_factor.remaining_recovery_codes(user),
        )
    form = SetUpCodeForm()
    if form.validate_on_submit():
        codes = attempt(form, lambda: two_factor.confirm_enrolment(user, form.code.data or ""))
        if codes is not None:
            flash("Two-step sign-in is on. You will be asked for a code each time you sign in.", "success")
            return render_template("auth/recovery_codes.html", codes=codes)
    enrolment = two_factor.begin_enrolment(user)
    page = render_template(
        "auth/two_factor.html",
        enrolment=enrolment,
        grouped_secret=group_secret(enrolment.secret),
        qr_svg=Markup(
            segno.make(enrolment.uri, error="m").svg_inline(
                scale=4, border=4, title="QR code for your authenticator app", svgclass="app-qr", lineclass=None
            )
        ),
        form=form,
        required=two_factor.required_for(user),
    )
    return make_response(page, 400 if form.errors else 200)


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
