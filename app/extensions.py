"""Extension instances, bound to the app in create_app, and the database pool's check before use."""

import time
from typing import TYPE_CHECKING, Any

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mailman import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    Model = Base  # db.Model is made from Base at run time; type checkers see Base's typed mappings
else:
    Model = db.Model
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
mailman = Mail()  # Flask-Mailman: SMTP, or app.services.mail.FolderEmailBackend without MAIL_SERVER
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def check_connections_after_idle(engine: Engine, idle_seconds: float) -> None:
    """`pool_pre_ping` for a pooled connection that has sat unused for `idle_seconds` or more: the one a database
    restart, a proxy or a firewall is likely to have dropped. A dead one is replaced before the request uses
    it. A connection handed back a moment ago (a busy server: every request) is not asked, which saves each
    page a round trip to the database; 0 asks every time, as pool_pre_ping does.

    If the database restarts while the server is busy, a request may still meet a connection that died in
    the last `idle_seconds`; it fails, and SQLAlchemy then replaces every connection in the pool.
    """

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return  # just opened (the pool clears `info` for a new connection), or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # the pool discards this connection and opens another (or says why it cannot)
            raise DisconnectionError("a pooled connection did not answer") from error
