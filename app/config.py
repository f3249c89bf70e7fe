"""Settings read from the environment.

The app refuses to start in production with a missing or development secret, or in demo mode,
because either would let anyone who has read the README sign in or forge a session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - deliberately public, refused in production


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    env: str
    secret_key: str
    database_url: str
    demo_mode: bool
    idle_timeout_minutes: int
    evidence_dir: str
    ratelimit_storage_uri: str
    evidence_storage: str


def load_settings(instance_path: str) -> Settings:
    env = os.environ.get("APP_ENV", "development").strip().lower()
    default_db = "sqlite:///" + str(Path(instance_path) / "tracker.db")
    settings = Settings(
        env=env,
        secret_key=os.environ.get("SECRET_KEY", "" if env == "production" else DEV_SECRET_KEY),
        database_url=os.environ.get("DATABASE_URL", default_db),
        demo_mode=_bool("DEMO_MODE", default=env != "production"),
        idle_timeout_minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "60")),
        evidence_dir=os.environ.get("EVIDENCE_DIR", str(Path(instance_path) / "evidence")),
        ratelimit_storage_uri=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        evidence_storage=os.environ.get("EVIDENCE_STORAGE", "filesystem"),
    )
    check_production(settings)
    return settings


def check_production(settings: Settings) -> None:
    if settings.env != "production":
        return
    if not settings.secret_key or settings.secret_key == DEV_SECRET_KEY or len(settings.secret_key) < 32:
        raise ConfigError(
            "Refusing to start in production: set SECRET_KEY to a random value of at least 32 "
            "characters, for example the output of: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    if settings.demo_mode:
        raise ConfigError(
            "Refusing to start in production with DEMO_MODE on: the demo accounts share a published "
            "password. Unset DEMO_MODE."
        )
    if settings.database_url.startswith("sqlite"):
        raise ConfigError(
            "Refusing to start in production on SQLite: set DATABASE_URL to a PostgreSQL database, "
            "for example postgresql+psycopg://tracker@db.internal/tracker"
        )


def flask_config(settings: Settings) -> dict[str, object]:
    url = settings.database_url
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return {
        "APP_ENV": settings.env,
        "SECRET_KEY": settings.secret_key,
        "SQLALCHEMY_DATABASE_URI": url,
        "DEMO_MODE": settings.demo_mode,
        "SESSION_IDLE_MINUTES": settings.idle_timeout_minutes,
        "EVIDENCE_DIR": settings.evidence_dir,
        "EVIDENCE_STORAGE": settings.evidence_storage,
        "RATELIMIT_STORAGE_URI": settings.ratelimit_storage_uri,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.env == "production",
        "REMEMBER_COOKIE_DURATION": 0,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 30 * 1024 * 1024,  # above the 20 MB evidence limit, so that gets a form error
        "ARGON2_PROFILE": "default",
    }
