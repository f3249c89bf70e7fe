"""The improvement plan tracker: a council children's social care Service Improvement Plan, tracked."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from jinja2 import ChoiceLoader, PackageLoader, PrefixLoader
from sqlalchemy.exc import OperationalError, ProgrammingError
from werkzeug.middleware.proxy_fix import ProxyFix

from app import models  # noqa: F401 - registers the mappers
from app.cli import register_cli
from app.config import ConfigError, flask_config, load_settings
from app.extensions import check_connections_after_idle, csrf, db, htmx, limiter, mailman, migrate
from app.logs import configure as configure_logging
from app.services.demo import demo_accounts_with_demo_password
from app.services.tx import configure_engine, end_reads_with_commit
from app.web import register_web
from app.web.request_log import register_request_log


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(flask_config(load_settings(app.instance_path)))
    if overrides:
        app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    configure_logging(app.config["LOG_FORMAT"])
    register_request_log(app)  # first: the request id is set before any other hook runs (CSRF, limits, login)
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies > 0:
        # the client's address (sign-in limits, the audit record) and scheme (HSTS, Secure cookies) as the
        # proxies saw them; X-Forwarded-Host is not trusted, so links keep the configured host
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]

    app.jinja_loader = ChoiceLoader(
        [
            PackageLoader("app"),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
        check_connections_after_idle(db.engine, app.config["DATABASE_PING_AFTER_IDLE_SECONDS"])
        end_reads_with_commit(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    mailman.init_app(app)

    register_web(app)

    register_cli(app)
    if app.config["APP_ENV"] == "production":
        _refuse_demo_credentials(app)
        if app.config.get("MAIL_BACKEND") != "smtp":
            app.logger.warning(
                "MAIL_SERVER is not set: e-mail is written to %s as .eml files instead of being sent",
                app.config.get("MAIL_OUTBOX_DIR"),
            )
    return app


def _refuse_demo_credentials(app: Flask) -> None:
    """A production start with demo accounts that still take the published password must not happen."""
    with app.app_context():
        try:
            exposed = demo_accounts_with_demo_password()
        except (OperationalError, ProgrammingError):  # not migrated yet: `flask db upgrade` is about to run
            db.session.rollback()
            return
        finally:
            db.session.remove()
            db.engine.dispose()  # no connection carried into forked workers
    if exposed:
        raise ConfigError(
            "Refusing to start in production: these accounts still accept the published demo password: "
            + ", ".join(exposed)
            + ". Deactivate them or set new passwords with `flask users set-password EMAIL`."
        )
