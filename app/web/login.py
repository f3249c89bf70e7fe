"""Signing in: which session a request belongs to, where an unsigned-in request goes, and the password
change that comes before everything else when an administrator chose the password."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, flash, g, has_request_context, jsonify, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import event
from werkzeug.wrappers import Response as BaseResponse
from werkzeug.wrappers import Response as WResponse

from app.extensions import db, login_manager
from app.models import User
from app.services import accounts, two_factor
from app.services.badges import Badges
from app.web.api.auth import from_token, register_token_auth, token_request

# Requests the page makes by itself (badges, ?poll=1 refreshes) must not keep an idle session alive.
PASSIVE_ENDPOINTS = frozenset({"proposals.queue_count"})
# All that is reachable while a password set by someone else is unchanged. The accessibility statement
# stays open: it says whom to contact if the change-password page cannot be used.
OPEN_BEFORE_PASSWORD_CHANGE = frozenset(
    {"auth.change_password", "auth.logout", "static", "plan.accessibility", "healthz", "readyz"}
)
# All that is reachable while two-step sign-in is required of someone who has not set it up.
OPEN_BEFORE_SECOND_FACTOR = frozenset(
    {
        "auth.two_factor_setup",
        "auth.change_password",
        "auth.logout",
        "static",
        "plan.accessibility",
        "healthz",
        "readyz",
    }
)
SECOND_FACTOR_NEEDED = "Set up two-step sign-in before you continue: your role needs it."
PASSWORD_CHANGE_NEEDED = (
    "Choose a new password before you continue: the one you signed in with was set by an administrator."
)


def register_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row is the protection
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)
    register_token_auth(app)  # Bearer tokens: read-only, on the API only (app/web/api/auth.py)
    app.before_request(_require_own_password)
    app.before_request(_require_second_factor)
    if not event.contains(db.session, "after_commit", _forget_badges):
        event.listen(db.session, "after_commit", _forget_badges)


def _load_user(token: str) -> User | None:
    """The session's user; for a request that draws a page, with the navigation's badges in the same query."""
    if token_request():
        return None  # the token decides (the request loader), never a cookie sent with it
    touch = not _is_passive()
    if not _draws_a_page():
        return accounts.load_session(token, touch=touch)
    found = accounts.load_session_with_badges(token, touch=touch)
    if found is None:
        return None
    user, g.nav_badges = found
    return user


def _draws_a_page() -> bool:
    """Whether this request will most likely answer with a whole page (navigation and its badges): a GET that
    is not the API, a fragment for htmx or a poll. A guess only: `badges_read_with_session` says when not."""
    if request.method not in ("GET", "HEAD") or request.path.startswith("/api/") or _is_passive():
        return False
    return request.headers.get("HX-Request") != "true" or request.headers.get("HX-Boosted") == "true"


def badges_read_with_session() -> Badges | None:
    """The badges read with this request's session, or None if they were not read or anything was committed
    since (an approval, a notification marked read): then they must be read again."""
    found = g.get("nav_badges")
    return found if isinstance(found, Badges) else None


def _forget_badges(_session: Any) -> None:
    if has_request_context():
        g.pop("nav_badges", None)


def _unauthorized() -> WResponse:
    """htmx requests get HX-Redirect, so a login page is never swapped into a fragment."""
    if request.path.startswith("/api/"):
        response = jsonify(error="unauthenticated", message="Sign in to use the API")
        response.status_code = 401
        return response
    target = url_for("auth.login", next=_current_path())
    flash(
        "Sign in to continue. If you were signed in, your session ended: anything you had not saved is lost.",
        "info",
    )
    if request.headers.get("HX-Request") == "true":
        response = Response(status=204)
        response.headers["HX-Redirect"] = target
        return response
    return redirect(target)


def _require_own_password() -> BaseResponse | None:
    """Until its owner replaces a password someone else chose, every other request goes to the change page."""
    if request.endpoint in OPEN_BEFORE_PASSWORD_CHANGE:
        return None
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if from_token():  # a token is its own credential: the account's password is not what it signs in with
        return None
    if request.path.startswith("/api/"):
        response = jsonify(error="password_change_required", message=PASSWORD_CHANGE_NEEDED)
        response.status_code = 403
        return response
    if request.headers.get("HX-Request") == "true":
        response = Response(status=204)  # htmx swaps nothing on 204; a poll waits quietly
        if not _is_passive():
            response.headers["HX-Redirect"] = url_for("auth.change_password")
        return response
    back = _current_path() if request.method == "GET" else ""
    target = url_for("auth.change_password", next=back) if back not in ("", "/") else url_for("auth.change_password")
    return redirect(target)


def _require_second_factor() -> BaseResponse | None:
    """Where two-step sign-in is required of someone's role and they have not set it up, that comes first."""
    if request.endpoint in OPEN_BEFORE_SECOND_FACTOR:
        return None
    if not current_user.is_authenticated or current_user.must_change_password or current_user.two_factor_enabled:
        return None
    if from_token():
        return None
    if not two_factor.required_for(current_user):
        return None
    if request.path.startswith("/api/"):
        response = jsonify(error="second_factor_required", message=SECOND_FACTOR_NEEDED)
        response.status_code = 403
        return response
    if request.headers.get("HX-Request") == "true":
        response = Response(status=204)
        if not _is_passive():
            response.headers["HX-Redirect"] = url_for("auth.two_factor_setup")
        return response
    return redirect(url_for("auth.two_factor_setup"))


def _is_passive() -> bool:
    return request.endpoint in PASSIVE_ENDPOINTS or request.args.get("poll") == "1"


def _current_path() -> str:
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Current-URL"):
        parts = urlsplit(request.headers["HX-Current-URL"])
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.full_path.rstrip("?")
