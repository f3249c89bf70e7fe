"""Readiness, for the load balancer and the container's health check: may this server take requests now?

Each check answers "ok", "not configured" or what is wrong, in words that name the part but never its address
or credentials (the endpoint is public); the detail goes to the log. Nothing here writes to the database or
touches a session.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.services import evidence_store

log = logging.getLogger(__name__)

OK = "ok"
NOT_CONFIGURED = "not configured"
REDIS_TIMEOUT_SECONDS = 1.0  # a readiness probe must answer quickly, even when Redis does not
REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://", "unix://")


@dataclass(frozen=True)
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(result in (OK, NOT_CONFIGURED) for result in self.checks.values())


def readiness() -> Readiness:
    """Database reachable, its schema at the newest migration, Redis reachable if named, evidence storage writable."""
    database = _database()
    checks = {
        "database": database,
        "migrations": _migrations() if database == OK else "not checked: the database is unreachable",
        "redis": _redis(),
        "evidence_storage": _evidence_storage(),
    }
    db.session.rollback()  # the probe's reads end here: no transaction carried into the next request
    return Readiness(checks)


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("readyz: the database is unreachable: %s", error)
        return f"unreachable ({type(getattr(error, 'orig', None) or error).__name__})"
    return OK


def _migrations() -> str:
    try:
        current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    except SQLAlchemyError as error:
        db.session.rollback()
        log.warning("readyz: could not read alembic_version: %s", error)
        return "unknown: the schema's version could not be read"
    head = migrations_head(current_app.extensions["migrate"].directory)
    if current == {head}:
        return OK
    found = ", ".join(sorted(current)) or "none (an empty database)"
    return f"not at head: the database is at {found}, the code needs {head}; run flask db upgrade"


@lru_cache(maxsize=4)
def migrations_head(directory: str) -> str:
    """The newest revision in migrations/: read once per process, since the code cannot change under it."""
    heads = ScriptDirectory(str(Path(directory))).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations/ has {len(heads)} heads ({', '.join(heads)}), not one: merge them")
    return heads[0]


def redis_urls() -> dict[str, str]:
    """Each Redis the app is configured to use, by the setting that names it."""
    named = {
        "RATELIMIT_STORAGE_URI": str(current_app.config.get("RATELIMIT_STORAGE_URI") or ""),
        "JOBS_REDIS_URL": str(current_app.config.get("JOBS_REDIS_URL") or ""),
    }
    return {setting: url for setting, url in named.items() if url.startswith(REDIS_SCHEMES)}


def _redis() -> str:
    urls = redis_urls()
    if not urls:
        return NOT_CONFIGURED
    failed = []
    for setting, url in urls.items():
        client = Redis.from_url(
            url.replace("redis+unix://", "unix://", 1),
            socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            socket_timeout=REDIS_TIMEOUT_SECONDS,
        )
        try:
            client.ping()
        except (RedisError, OSError) as error:
            log.warning("readyz: the Redis in %s is unreachable: %s", setting, error)
            failed.append(setting)
        finally:
            client.close()
    return f"unreachable: the Redis named by {' and '.join(failed)}" if failed else OK


def _evidence_storage() -> str:
    try:
        evidence_store.store().probe()
    except Exception as error:  # any failure to write means uploads would fail: report it, never raise
        db.session.rollback()
        log.warning("readyz: evidence storage is not writable: %s", error)
        return f"not writable ({type(error).__name__})"
    return OK
