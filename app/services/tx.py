"""One transaction per use case.

On SQLite a write transaction takes the database's write lock when it begins (BEGIN IMMEDIATE), so two
people approving at once are serialised and the second sees the first's result instead of failing
half-way. On PostgreSQL the guarded UPDATEs in the services do the same job under READ COMMITTED.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.services.errors import Conflict


def configure_engine(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_immediate")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the body in one transaction that commits at the end or rolls back entirely."""
    session = db.session()
    if session.in_transaction():
        session.commit()  # end the request's read transaction; services never leave changes pending
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_immediate": True})
    try:
        yield
        session.commit()
    except StaleDataError as race:
        session.rollback()
        raise Conflict(
            "Someone changed this at the same moment. Nothing was saved: reload the page and try again."
        ) from race
    except BaseException:
        session.rollback()
        raise
