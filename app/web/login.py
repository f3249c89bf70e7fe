"""Signing in: which session a request belongs to, and where an unsigned-in request goes."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, flash, jsonify, redirect, request, url_for
from werkzeug.wrappers import Response as WResponse

from app.extensions import login_manager
from app.models import User
from app.services import accounts

# Requests the page makes by itself (badges, ?poll=1 refreshes) must not keep an idle session alive.
PASSIVE_ENDPOINTS = frozenset({"proposals.queue_count"})


def register_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row is the protection
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(_unauthorized)


def _load_user(token: str) -> User | None:
    passive = request.endpoint in PASSIVE_ENDPOINTS or request.args.get("poll") == "1"
    return accounts.load_session(token, touch=not passive)


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


def _current_path() -> str:
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Current-URL"):
        parts = urlsplit(request.headers["HX-Current-URL"])
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.full_path.rstrip("?")
