"""What every response shares: error pages (HTML, or JSON under /api/) and security headers."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app import request_ids
from app.extensions import db, login_manager
from app.policy import PermissionDenied
from app.services import refusals
from app.services.errors import NotFound
from app.web.api.caching import revalidated
from app.web.auth.throttle import too_many_attempts

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

SESSIONLESS = frozenset({"static", "healthz", "readyz"})


def register_errors(app: Flask) -> None:
    app.register_error_handler(PermissionDenied, _denied)
    app.register_error_handler(NotFound, _not_found)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
    app.after_request(_security_headers)


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _page(code: int, template: str, *, message: str, **context: object) -> Response:
    if _wants_json():
        extra = {"reference": context["reference"]} if "reference" in context else {}
        response = jsonify(error=code, message=message, **extra)
    else:
        response = make_response(render_template(template, message=message, **context))
    response.status_code = code
    return response


def _denied(error: PermissionDenied) -> Response:
    db.session.rollback()  # record the refusal alone, never alongside anything the request had begun
    refusals.record_refusal(  # one audit record per person, request and minute; the repeats counted
        current_user._get_current_object() if current_user.is_authenticated else None,
        request.method,
        request.path[:200],
        error.permission.value,
        address=request.remote_addr or "",
    )
    return _page(403, "errors/403.html", message=error.message)


def _not_found(error: NotFound) -> Response:
    return _page(404, "errors/404.html", message=error.message)


def _csrf_error(error: CSRFError) -> Response:
    if not current_user.is_authenticated and not _wants_json():
        # The session ended (the token belonged to it): sign in again, then come back to the same page.
        return make_response(login_manager.unauthorized())
    return _page(400, "errors/csrf.html", message="The form expired")


def _http_error(error: HTTPException) -> Response:
    code = error.code or 500
    if code == 403:
        return _page(403, "errors/403.html", message="You do not have permission to see this page")
    if code == 404:
        return _page(404, "errors/404.html", message="Page not found")
    if code == 429:
        message, wait = too_many_attempts(error)
        response = _page(429, "errors/generic.html", title="Too many attempts", message=message)
        response.headers["Retry-After"] = str(wait)
        return response
    if code == 413:
        return _page(413, "errors/generic.html", title="The file is too large", message=error.description or "")
    return _page(code, "errors/generic.html", title=error.name, message=error.description or "")


def _server_error(error: Exception) -> Response:
    current_app.logger.exception("Unhandled error", exc_info=error)  # with the request id (app/logs.py)
    db.session.rollback()
    return _page(
        500,
        "errors/500.html",
        message="Sorry, there is a problem with the service",
        bare=True,
        reference=request_ids.current(),  # the person quotes it; the service desk finds the log lines by it
    )


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    # Signed-in pages are never stored, except the plan's figures sent with an ETag (app/web/api/caching.py),
    # which the person's browser may keep and must ask about again.
    # The probes (healthz, readyz) never read the session: a load balancer's request must not touch or end one.
    if (
        request.endpoint not in SESSIONLESS
        and current_user
        and current_user.is_authenticated
        and not revalidated(response)
    ):
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
