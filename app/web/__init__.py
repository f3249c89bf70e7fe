"""Blueprints, one per feature, plus what every page shares: sign-in, errors, headers, template helpers."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from govuk_frontend_wtf.main import WTFormsHelpers
from werkzeug.exceptions import HTTPException

from app.clock import to_uk, today
from app.domain.status import STATUS_ORDER, Status
from app.extensions import db, login_manager
from app.policy import ROLE_LABELS, Permission, PermissionDenied, Role, can
from app.services import accounts, audit
from app.services.errors import NotFound

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


# Requests the page makes by itself (badges, ?poll=1 refreshes) must not keep an idle session alive.
PASSIVE_ENDPOINTS = frozenset({"proposals.queue_count"})


def register_web(app: Flask) -> None:
    WTFormsHelpers(app)
    _register_login(app)
    _register_template_helpers(app)
    _register_errors(app)
    app.after_request(_security_headers)

    from app.web.admin import bp as admin_bp
    from app.web.api import bp as api_bp
    from app.web.audit_trail import bp as audit_bp
    from app.web.auth import bp as auth_bp
    from app.web.committee import bp as committee_bp
    from app.web.editor import bp as editor_bp
    from app.web.plan import bp as plan_bp
    from app.web.proposals import bp as proposals_bp
    from app.web.risks import bp as risks_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(plan_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(proposals_bp)
    app.register_blueprint(editor_bp, url_prefix="/editor")
    app.register_blueprint(audit_bp)
    app.register_blueprint(risks_bp)
    app.register_blueprint(committee_bp)

    @app.get("/healthz")
    def healthz() -> tuple[dict[str, str], int]:
        """For the load balancer: no session, no database write."""
        return {"status": "ok"}, 200


def _register_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Sign in to continue"
    login_manager.login_message_category = "info"
    login_manager.session_protection = None  # the server-side session row is the protection

    @login_manager.user_loader
    def load_user(token: str) -> Any:
        passive = request.endpoint in PASSIVE_ENDPOINTS or request.args.get("poll") == "1"
        return accounts.load_session(token, touch=not passive)

    @login_manager.unauthorized_handler
    def unauthorized() -> Response:
        """htmx requests get HX-Redirect, so a login page is never swapped into a fragment."""
        if request.path.startswith("/api/"):
            return jsonify(error="unauthenticated", message="Sign in to use the API"), 401  # type: ignore[return-value]
        target = url_for("auth.login", next=_current_path())
        flash("Sign in to continue. If you were signed in, your session ended: anything you had not saved is lost.", "info")
        if request.headers.get("HX-Request") == "true":
            response = Response(status=204)
            response.headers["HX-Redirect"] = target
            return response
        return redirect(target)  # type: ignore[return-value]


def _current_path() -> str:
    if request.headers.get("HX-Request") == "true" and request.headers.get("HX-Current-URL"):
        parts = urlsplit(request.headers["HX-Current-URL"])
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.full_path.rstrip("?")


def format_date(value: Any) -> str:
    """GOV.UK style: 3 September 2015."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def format_iso_date(value: Any) -> str:
    from datetime import date

    if not value:
        return ""
    return format_date(date.fromisoformat(value) if isinstance(value, str) else value)


def format_datetime(value: Any) -> str:
    if value is None:
        return ""
    local = to_uk(value)
    hour = local.strftime("%I").lstrip("0") or "12"
    return f"{format_date(local)} at {hour}:{local:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")


def form_error_list(form: Any) -> list[dict[str, str]]:
    """The error summary's list: one entry per field in page order, linking to it, then form-wide errors."""
    from govuk_frontend_wtf.wtforms_widgets import GovDateInput

    items = [
        {"text": field.errors[0], "href": f"#{field.id}-day" if isinstance(field.widget, GovDateInput) else f"#{field.id}"}
        for field in form
        if field.errors
    ]
    items += [{"text": message} for message in form.form_errors]
    return items


def filesize(size: int | None) -> str:
    if size is None:
        return ""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def role_label(value: str) -> str:
    try:
        return Role(value).label
    except ValueError:
        return "Command line" if value == "system" else value


def poll_url(**extra: str) -> str:
    """This page's URL with poll=1: a refresh the page asks for by itself (see PASSIVE_ENDPOINTS)."""
    from urllib.parse import urlencode

    args = request.args.to_dict(flat=False)
    args.update({k: [v] for k, v in extra.items()})
    args["poll"] = ["1"]
    return f"{request.path}?{urlencode(args, doseq=True)}"


def _register_template_helpers(app: Flask) -> None:
    app.add_template_global(form_error_list)
    app.add_template_global(poll_url)
    app.add_template_filter(role_label, "role_label")
    app.add_template_filter(filesize, "filesize")
    app.add_template_filter(format_date, "govuk_date")
    app.add_template_filter(format_datetime, "govuk_datetime")
    app.add_template_filter(format_iso_date, "iso_date")

    app.jinja_env.globals.update(
        Permission=Permission,
        Role=Role,
        ROLE_LABELS=ROLE_LABELS,
        Status=Status,
        STATUS_ORDER=STATUS_ORDER,
        service_name="Improvement plan tracker",
    )

    @app.context_processor
    def inject() -> dict[str, Any]:
        return {
            "can": lambda permission, work_stream_id=None: can(current_user, permission, work_stream_id),
            "today": today(),
            "nav_counts": _nav_counts,
        }


def _nav_counts() -> dict[str, int]:
    """Badges in the navigation: the review queue for reviewers, unread notifications for everyone."""
    from app.policy import is_reviewer
    from app.services import notifications, proposals

    if not current_user.is_authenticated:
        return {}
    return {
        "queue": proposals.queue_count() if is_reviewer(current_user) else 0,
        "notifications": notifications.unread_count(current_user.id),
    }


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _register_errors(app: Flask) -> None:
    def page(code: int, template: str, **ctx: Any) -> tuple[str, int] | tuple[Response, int]:
        if _wants_json():
            return jsonify(error=code, message=ctx.get("message", "")), code
        return render_template(template, **ctx), code

    @app.errorhandler(PermissionDenied)
    def denied(error: PermissionDenied) -> Any:
        db.session.rollback()  # record the refusal alone, never alongside anything the request had begun
        audit.record_and_commit(
            current_user if current_user.is_authenticated else None,
            "access.refused",
            f"Refused {request.method} {request.path[:200]}",
            after={"permission": error.permission.value},
        )
        return page(403, "errors/403.html", message=error.message)

    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> Any:
        return page(404, "errors/404.html", message=error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        if not current_user.is_authenticated and not _wants_json():
            # The session ended (the token belonged to it): sign in again, then come back to the same page.
            return login_manager.unauthorized()
        return page(400, "errors/csrf.html", message="The form expired")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        code = error.code or 500
        if code == 403:
            return page(403, "errors/403.html", message="You do not have permission to see this page")
        if code == 404:
            return page(404, "errors/404.html", message="Page not found")
        if code == 429:
            return page(429, "errors/generic.html", title="Too many attempts",
                        message="You have tried too many times in a short while. Wait a minute, then try again.")
        if code == 413:
            return page(413, "errors/generic.html", title="The file is too large", message=error.description)
        return page(code, "errors/generic.html", title=error.name, message=error.description)

    @app.errorhandler(Exception)
    def server_error(error: Exception) -> Any:
        app.logger.exception("Unhandled error", exc_info=error)
        db.session.rollback()
        return page(500, "errors/500.html", message="Sorry, there is a problem with the service", bare=True)


def _security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static" and current_user and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
