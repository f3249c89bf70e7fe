"""One transaction per use case.

On SQLite a write transaction takes the database's write lock when it begins (BEGIN IMMEDIATE), so two
people approving at once are serialised and the second sees the first's result instead of failing
half-way. On PostgreSQL the guarded UPDATEs in the services do the same job under READ COMMITTED, and
every write transaction first takes the audit chain's advisory lock (`lock_chain`), so events are
appended one transaction at a time and that lock is always taken before any row lock (no deadlock
between a transaction waiting for the chain and one waiting for a row the first has locked).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask
from sqlalchemy import event, text
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


WROTE_KEY = "tx_wrote"  # on a connection's info: a statement other than SELECT ran in its transaction


def end_reads_with_commit(app: Flask) -> None:
    """On PostgreSQL, end a request's read-only transaction with COMMIT instead of the session's ROLLBACK.

    psycopg prepares a statement the fifth time a connection runs it, so PostgreSQL stops parsing and
    planning it again; but it forgets every prepared statement at each ROLLBACK (a rolled-back transaction
    may have dropped what they refer to). Every page ends with the session's rollback, so without this no
    statement is ever prepared, and a page spends a millisecond or two planning each of its joins.

    COMMIT is only sent when the transaction can have changed nothing: the request did not fail, the session
    holds no unsaved objects, and every statement the connection ran since BEGIN was a SELECT (anything else,
    an autoflushed UPDATE included, leaves the usual rollback). Write transactions commit themselves.
    """
    if db.engine.dialect.name != "postgresql":
        return

    @event.listens_for(db.engine, "begin")
    def _begun(connection: Any) -> None:
        connection.info.pop(WROTE_KEY, None)

    @event.listens_for(db.engine, "before_cursor_execute")
    def _noted(connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip()[:6].upper() == "SELECT":
            connection.info[WROTE_KEY] = True

    # teardown_appcontext functions run last-registered first: this one runs before Flask-SQLAlchemy's remove()
    @app.teardown_appcontext
    def _commit_reads(error: BaseException | None) -> None:
        session = db.session()
        if error is not None or not session.in_transaction() or session.new or session.dirty or session.deleted:
            return
        if session.connection().info.get(WROTE_KEY):
            return
        # objects loaded in this context stay readable after it, as they do after the rollback: not expired
        expire, session.expire_on_commit = session.expire_on_commit, False
        try:
            session.commit()
        finally:
            session.expire_on_commit = expire


# A fixed key for pg_advisory_xact_lock: "audt" in ASCII.
CHAIN_LOCK_KEY = 0x61756474


def lock_chain() -> None:
    """Append to the audit chain one transaction at a time; PostgreSQL releases it at COMMIT or ROLLBACK.

    On SQLite a write transaction holds the database's write lock from BEGIN IMMEDIATE already.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})


AFTER_COMMIT_KEY = "after_commit"
WRITING_KEY = "writing"  # set while a write transaction's body runs


def writing() -> bool:
    """Whether a write transaction is under way: what it reads may hold its own changes, not yet committed."""
    return bool(db.session().info.get(WRITING_KEY))


def after_commit(key: str, callback: Callable[[], object]) -> None:
    """Run `callback` once the current write transaction has committed (never if it rolls back).

    For work that must not happen inside the transaction, such as queueing the e-mail it added to the outbox.
    One callback per `key` per transaction, however many times it is asked for.
    """
    db.session().info.setdefault(AFTER_COMMIT_KEY, {})[key] = callback


@contextmanager
def write_transaction() -> Iterator[None]:
    """Run the body in one transaction that commits at the end or rolls back entirely."""
    session = db.session()
    if session.in_transaction():
        session.commit()  # end the request's read transaction; services never leave changes pending
    session.info.pop(AFTER_COMMIT_KEY, None)
    if session.get_bind().dialect.name == "sqlite":
        session.connection(execution_options={"sqlite_immediate": True})
    session.info[WRITING_KEY] = True
    try:
        lock_chain()
        yield
        session.commit()
    except StaleDataError as race:
        session.rollback()
        session.info.pop(AFTER_COMMIT_KEY, None)
        raise Conflict(
            "Someone changed this at the same moment. Nothing was saved: reload the page and try again."
        ) from race
    except BaseException:
        session.rollback()
        session.info.pop(AFTER_COMMIT_KEY, None)
        raise
    finally:
        session.info.pop(WRITING_KEY, None)
    for callback in session.info.pop(AFTER_COMMIT_KEY, {}).values():
        callback()
