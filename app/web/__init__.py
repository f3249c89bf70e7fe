"""The web layer: one blueprint per feature, plus what every page shares (sign-in, errors, template helpers)."""

from __future__ import annotations

from flask import Flask, Response, jsonify
from govuk_frontend_wtf.main import WTFormsHelpers

from app.services import health
from app.web.admin import bp as admin_bp
from app.web.api import bp as api_bp
from app.web.audit_trail import bp as audit_bp
from app.web.auth import bp as auth_bp
from app.web.bench import register_bench
from app.web.committee import bp as committee_bp
from app.web.converters import IdConverter
from app.web.editor import bp as editor_bp
from app.web.errors import register_errors
from app.web.login import register_login
from app.web.mail import bp as mail_bp
from app.web.plan import bp as plan_bp
from app.web.proposals import bp as proposals_bp
from app.web.questions import bp as questions_bp
from app.web.risks import bp as risks_bp
from app.web.rounds import bp as rounds_bp
from app.web.template_helpers import register_template_helpers


def register_web(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter  # before any route is added: rules compile with it
    WTFormsHelpers(app)
    register_login(app)
    register_template_helpers(app)
    register_errors(app)

    app.register_blueprint(auth_bp)
    app.register_blueprint(plan_bp)
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(proposals_bp)
    app.register_blueprint(editor_bp, url_prefix="/editor")
    app.register_blueprint(audit_bp)
    app.register_blueprint(risks_bp)
    app.register_blueprint(committee_bp)
    app.register_blueprint(rounds_bp)
    app.register_blueprint(mail_bp)
    app.register_blueprint(questions_bp)
    app.add_url_rule("/healthz", "healthz", _healthz)
    app.add_url_rule("/readyz", "readyz", _readyz)
    register_bench(app)  # only with BENCH_BARE_ROUTE on (make bench)


def _healthz() -> tuple[dict[str, str], int]:
    """For the load balancer: no session, no database write."""
    return {"status": "ok"}, 200


def _readyz() -> Response:
    """For the load balancer and the container's health check: 503 until every dependency answers."""
    found = health.readiness()
    response = jsonify(status="ready" if found.ready else "not ready", checks=found.checks)
    response.status_code = 200 if found.ready else 503
    response.headers["Cache-Control"] = "no-store"
    return response
