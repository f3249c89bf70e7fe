"""`Authorization: Bearer <token>`: read-only, and only on the API.

A token is looked at only on GET and HEAD under /api/v1/ (Flask-Login's request loader); there it decides alone,
whatever session cookie came with it. Any other method carrying a token is refused with 403 before anything
runs, and a token anywhere else is ignored: it never starts a session, and CSRF protection is unchanged for
cookie sessions (nothing here is exempt from it).
"""

from __future__ import annotations

from flask import Flask, Request, g, jsonify, request
from werkzeug.wrappers import Response

from app.extensions import login_manager
from app.models import User
from app.services import api_tokens

API_PREFIX = "/api/v1/"
READ_METHODS = frozenset({"GET", "HEAD"})


def bearer_secret(req: Request | None = None) -> str | None:
    """The token in the Authorization header, if it carries one."""
    header = (req or request).headers.get("Authorization", "")
    scheme, _, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" else None


def on_api(req: Request | None = None) -> bool:
    return (req or request).path.startswith(API_PREFIX)


def token_request() -> bool:
    """A read of the API carrying a token: the token decides who is asking, not the session cookie."""
    return on_api() and request.method in READ_METHODS and bearer_secret() is not None


def from_token() -> bool:
    """Whether this request's user came from a token (not a signed-in browser)."""
    return g.get("api_token_user") is not None


def register_token_auth(app: Flask) -> None:
    login_manager.request_loader(_load_from_token)
    app.before_request(_refuse_token_writes)


def _load_from_token(req: Request) -> User | None:
    if not token_request():
        return None  # a token on a page, or on a write, is never a way in
    user = api_tokens.authenticate(bearer_secret(req) or "")
    if user is not None:
        g.api_token_user = user
    return user


def _refuse_token_writes() -> Response | None:
    if bearer_secret() is None or request.method in READ_METHODS or not on_api():
        return None
    response = jsonify(error="read_only_token", message="API tokens are read-only: only GET and HEAD are allowed")
    response.status_code = 403
    return response
