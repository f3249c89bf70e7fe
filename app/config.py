"""Settings read from the environment.

The app refuses to start in production with a missing or development secret, or in demo mode,
because either would let anyone who has read the README sign in or forge a session.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DEV_SECRET_KEY = "dev-only-not-secret"  # noqa: S105 - deliberately public, refused in production
ENVIRONMENTS = ("development", "test", "production")
MIN_SECRET_LENGTH = 32
# A random key of 32 or more characters has far more distinct characters than this (token_hex(32) has
# fewer than 12 of its 16 once in millions); 32 spaces, 32 x "a" or "abcabc..." do not.
MIN_SECRET_DISTINCT = 12


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _date(name: str, default: str) -> date:
    value = os.environ.get(name, "").strip() or default
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name} must be a date written like 2026-12-01, not {value!r}") from None


def _seconds(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip() or str(default)
    if not value.isdigit():
        raise ConfigError(f"{name} must be a whole number of seconds, not {value!r}")
    return int(value)


def _count(name: str) -> int:
    value = os.environ.get(name, "").strip() or "0"
    if not value.isdigit() or int(value) > 10:
        raise ConfigError(f"{name} must be a whole number of proxies from 0 to 10, not {value!r}")
    return int(value)


# The accessibility statement's contact and dates. The demo's are made up (example.org, a phone number
# Ofcom keeps for drama), so production must give its own contact e-mail address.
DEMO_ACCESSIBILITY_EMAIL = "improvement-plan@example.org"
ACCESSIBILITY_DEFAULTS = {
    "ACCESSIBILITY_CONTACT_NAME": "the Children's Social Care improvement team",
    "ACCESSIBILITY_CONTACT_PHONE": "020 7946 0123",
    "ACCESSIBILITY_STATEMENT_PREPARED": "2026-11-28",
    "ACCESSIBILITY_STATEMENT_REVIEWED": "2026-12-01",
    "ACCESSIBILITY_LAST_TESTED": "2026-11-28",
}


@dataclass(frozen=True)
class AccessibilityStatement:
    contact_name: str
    contact_email: str
    contact_phone: str  # may be empty: the statement then gives the e-mail address alone
    prepared_on: date
    reviewed_on: date
    tested_on: date


def _accessibility(env: str) -> AccessibilityStatement:
    d = ACCESSIBILITY_DEFAULTS
    return AccessibilityStatement(
        contact_name=os.environ.get("ACCESSIBILITY_CONTACT_NAME", "").strip() or d["ACCESSIBILITY_CONTACT_NAME"],
        contact_email=os.environ.get(
            "ACCESSIBILITY_CONTACT_EMAIL", "" if env == "production" else DEMO_ACCESSIBILITY_EMAIL
        ).strip(),
        contact_phone=os.environ.get(
            "ACCESSIBILITY_CONTACT_PHONE", "" if env == "production" else d["ACCESSIBILITY_CONTACT_PHONE"]
        ).strip(),
        prepared_on=_date("ACCESSIBILITY_STATEMENT_PREPARED", d["ACCESSIBILITY_STATEMENT_PREPARED"]),
        reviewed_on=_date("ACCESSIBILITY_STATEMENT_REVIEWED", d["ACCESSIBILITY_STATEMENT_REVIEWED"]),
        tested_on=_date("ACCESSIBILITY_LAST_TESTED", d["ACCESSIBILITY_LAST_TESTED"]),
    )


FOLDER_BACKEND = "app.services.mail.FolderEmailBackend"


@dataclass(frozen=True)
class MailSettings:
    """E-mail (app/services/mail.py): SMTP when MAIL_SERVER is set, else .eml files in the outbox folder."""

    server: str = ""
    port: int = 25
    use_tls: bool = False
    use_ssl: bool = False
    username: str = ""
    password: str = ""
    default_sender: str = "Improvement plan tracker <no-reply@example.org>"
    base_url: str = "http://127.0.0.1:5000"
    outbox_dir: str = ""

    @property
    def backend(self) -> str:
        return "smtp" if self.server else FOLDER_BACKEND


def _mail(instance_path: str) -> MailSettings:
    env = os.environ
    port = env.get("MAIL_PORT", "").strip() or "25"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"MAIL_PORT must be a port number such as 25 or 587, not {port!r}")
    return MailSettings(
        server=env.get("MAIL_SERVER", "").strip(),
        port=int(port),
        use_tls=_bool("MAIL_USE_TLS"),
        use_ssl=_bool("MAIL_USE_SSL"),
        username=env.get("MAIL_USERNAME", "").strip(),
        password=env.get("MAIL_PASSWORD", ""),
        default_sender=env.get("MAIL_DEFAULT_SENDER", "").strip() or MailSettings.default_sender,
        base_url=(env.get("BASE_URL", "").strip() or MailSettings.base_url).rstrip("/"),
        outbox_dir=env.get("MAIL_OUTBOX_DIR", "").strip() or str(Path(instance_path) / "outbox"),
    )


EVIDENCE_STORAGES = ("filesystem", "database", "s3")


@dataclass(frozen=True)
class S3Settings:
    """Where EVIDENCE_STORAGE=s3 keeps files; credentials come from the standard AWS environment/config chain."""

    bucket: str = ""
    endpoint_url: str = ""  # empty: AWS itself; otherwise MinIO, Ceph... e.g. http://minio.internal:9000
    region: str = ""
    prefix: str = ""  # put before every object's name, e.g. "tracker/" to share a bucket


def _storage() -> tuple[str, S3Settings]:
    kind = os.environ.get("EVIDENCE_STORAGE", "filesystem").strip().lower() or "filesystem"
    if kind not in EVIDENCE_STORAGES:
        raise ConfigError(f"EVIDENCE_STORAGE must be one of {', '.join(EVIDENCE_STORAGES)}, not {kind!r}")
    s3 = S3Settings(
        bucket=os.environ.get("S3_BUCKET", "").strip(),
        endpoint_url=os.environ.get("S3_ENDPOINT_URL", "").strip(),
        region=os.environ.get("S3_REGION", "").strip(),
        prefix=os.environ.get("S3_PREFIX", "").strip(),
    )
    if kind == "s3" and not s3.bucket:
        raise ConfigError("EVIDENCE_STORAGE is s3, but no bucket is named: set S3_BUCKET")
    return kind, s3


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
    accessibility: AccessibilityStatement
    migration_database_url: str = ""  # the owner's login, for `flask db upgrade`; empty: DATABASE_URL
    trusted_proxies: int = 0  # how many proxies in front set X-Forwarded-For and X-Forwarded-Proto
    jobs_mode: str = "thread"  # background jobs (app/services/jobs.py): "rq", "thread" or "sync"
    jobs_redis_url: str = ""  # the RQ queue's Redis; empty: no queue, jobs run in a thread of the web server
    mail: MailSettings = MailSettings()
    s3: S3Settings = S3Settings()
    log_format: str = "console"  # app/logs.py: "json" (production's default) or "console"


JOBS_MODES = ("rq", "thread", "sync")
LOG_FORMATS = ("json", "console")


def _log_format(env: str) -> str:
    """One JSON object a line in production, for the log collector; readable lines for `make run` and tests."""
    value = os.environ.get("LOG_FORMAT", "").strip().lower() or ("json" if env == "production" else "console")
    if value not in LOG_FORMATS:
        raise ConfigError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {value!r}")
    return value


def _jobs(redis_url: str) -> str:
    """How background jobs run: on the RQ queue when a Redis is named, else in a thread of the web server."""
    mode = os.environ.get("JOBS_MODE", "").strip().lower() or ("rq" if redis_url else "thread")
    if mode not in JOBS_MODES:
        raise ConfigError(f"JOBS_MODE must be one of {', '.join(JOBS_MODES)}, not {mode!r}")
    if mode == "rq" and not redis_url:
        raise ConfigError("JOBS_MODE is rq, but no queue is named: set JOBS_REDIS_URL (or REDIS_URL)")
    return mode


def load_settings(instance_path: str) -> Settings:
    env = os.environ.get("APP_ENV", "development").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(
            f"Refusing to start: APP_ENV is {env!r}, but must be one of {', '.join(ENVIRONMENTS)}. "
            "A misspelt APP_ENV would otherwise start in development mode with the public development key."
        )
    default_db = "sqlite:///" + str(Path(instance_path) / "tracker.db")
    jobs_redis_url = (os.environ.get("JOBS_REDIS_URL", "") or os.environ.get("REDIS_URL", "")).strip()
    storage, s3 = _storage()
    settings = Settings(
        env=env,
        secret_key=os.environ.get("SECRET_KEY", "" if env == "production" else DEV_SECRET_KEY),
        database_url=os.environ.get("DATABASE_URL", default_db),
        demo_mode=_bool("DEMO_MODE", default=env != "production"),
        idle_timeout_minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "60")),
        evidence_dir=os.environ.get("EVIDENCE_DIR", str(Path(instance_path) / "evidence")),
        ratelimit_storage_uri=os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        evidence_storage=storage,
        accessibility=_accessibility(env),
        migration_database_url=os.environ.get("MIGRATION_DATABASE_URL", ""),
        trusted_proxies=_count("TRUSTED_PROXIES"),
        jobs_mode=_jobs(jobs_redis_url),
        jobs_redis_url=jobs_redis_url,
        mail=_mail(instance_path),
        s3=s3,
        log_format=_log_format(env),
    )
    check_production(settings)
    return settings


def secret_key_problem(key: str) -> str | None:
    """Why a production SECRET_KEY is unsafe, or None: missing, the public development key, short, or guessable."""
    if not key.strip():
        return "SECRET_KEY is not set"
    if key == DEV_SECRET_KEY:
        return "SECRET_KEY is the public development key"
    if len(key) < MIN_SECRET_LENGTH:
        return f"SECRET_KEY is {len(key)} characters long, fewer than {MIN_SECRET_LENGTH}"
    if len(set(key)) < MIN_SECRET_DISTINCT:
        return (
            f"SECRET_KEY has only {len(set(key))} different characters, so it is easy to guess "
            f"(a random key has at least {MIN_SECRET_DISTINCT})"
        )
    return None


def check_production(settings: Settings) -> None:
    if settings.env != "production":
        return
    if secret_key_problem(settings.secret_key):
        raise ConfigError(
            f"Refusing to start in production: {secret_key_problem(settings.secret_key)}; set SECRET_KEY to a "
            f"random value of at least {MIN_SECRET_LENGTH} characters, for example the output of: "
            "python -c 'import secrets; print(secrets.token_hex(32))'"
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
    email = settings.accessibility.contact_email
    if not email or email.lower().endswith("@example.org"):
        raise ConfigError(
            "Refusing to start in production without a contact for the accessibility statement: set "
            "ACCESSIBILITY_CONTACT_EMAIL (and ACCESSIBILITY_CONTACT_NAME, ACCESSIBILITY_CONTACT_PHONE) to the "
            "people who answer requests for accessible formats and reports of accessibility problems."
        )


def _psycopg(url: str) -> str:
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def flask_config(settings: Settings) -> dict[str, object]:
    url = _psycopg(settings.database_url)
    return {
        "APP_ENV": settings.env,
        # A second factor for the roles app/policy.py names (`must_use_second_factor`): production only
        "TWO_FACTOR_REQUIRED": settings.env == "production",
        "SECRET_KEY": settings.secret_key,
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # a pooled connection unused for this long is asked whether it is alive before a request gets it, so one
        # that the database or a proxy dropped is replaced, not handed out to fail (extensions.py
        # `check_connections_after_idle`); 0: every time, as pool_pre_ping
        "DATABASE_PING_AFTER_IDLE_SECONDS": _seconds("DATABASE_PING_AFTER_IDLE_SECONDS", 10),
        "DEMO_MODE": settings.demo_mode,
        "SESSION_IDLE_MINUTES": settings.idle_timeout_minutes,
        "EVIDENCE_DIR": settings.evidence_dir,
        "EVIDENCE_STORAGE": settings.evidence_storage,
        "S3_BUCKET": settings.s3.bucket,
        "S3_ENDPOINT_URL": settings.s3.endpoint_url,
        "S3_REGION": settings.s3.region,
        "S3_PREFIX": settings.s3.prefix,
        "RATELIMIT_STORAGE_URI": settings.ratelimit_storage_uri,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": settings.env == "production",
        "REMEMBER_COOKIE_DURATION": 0,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 30 * 1024 * 1024,  # above the 20 MB evidence limit, so that gets a form error
        "ARGON2_PROFILE": "default",
        "ACCESSIBILITY_STATEMENT": settings.accessibility,
        "MIGRATION_DATABASE_URI": _psycopg(settings.migration_database_url),
        "TRUSTED_PROXIES": settings.trusted_proxies,
        # Background jobs (app/services/jobs.py): the committee pack is rendered once, never in a request.
        # "rq": on the queue in JOBS_REDIS_URL, run by `flask worker` (in a thread here if Redis is down);
        # "thread": in a thread of the web server (`make run`, no worker); "sync": at once (tests).
        "JOBS_MODE": settings.jobs_mode,
        "JOBS_REDIS_URL": settings.jobs_redis_url,
        "JOBS_QUEUE": os.environ.get("JOBS_QUEUE", "").strip() or "tracker",
        "JOBS_TIMEOUT": 30 * 60,  # seconds a job may run on the worker before RQ stops it
        # Sign-in throttling (app/web/auth/throttle.py): a true sliding window, and with Redis unreachable
        # each worker counts in its own memory (logged by the flask-limiter logger) rather than failing.
        "RATELIMIT_STRATEGY": "moving-window",
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        # E-mail (app/services/mail.py, Flask-Mailman): SMTP with MAIL_SERVER, else .eml files in MAIL_OUTBOX_DIR
        "MAIL_BACKEND": settings.mail.backend,
        "MAIL_SERVER": settings.mail.server or "localhost",
        "MAIL_PORT": settings.mail.port,
        "MAIL_USE_TLS": settings.mail.use_tls,
        "MAIL_USE_SSL": settings.mail.use_ssl,
        "MAIL_USERNAME": settings.mail.username or None,
        "MAIL_PASSWORD": settings.mail.password or None,
        "MAIL_DEFAULT_SENDER": settings.mail.default_sender,
        "MAIL_TIMEOUT": 20,  # seconds: a mail server that hangs is a failed try, not a stuck worker
        "MAIL_MAX_ATTEMPTS": 5,  # then the message is shown to the administrator as failed
        "MAIL_OUTBOX_DIR": settings.mail.outbox_dir,
        "BASE_URL": settings.mail.base_url,  # links in e-mail: BASE_URL + the page's path
        # make bench only (app/web/bench.py): /bench/bare and X-Query-Count; ignored in production
        "BENCH_BARE_ROUTE": _bool("BENCH_BARE_ROUTE"),
        # app/logs.py: every log line to stdout, "json" (production's default) or "console"; a line per request
        # (app/web/request_log.py) with its X-Request-ID, which audit records and the 500 page carry too
        "LOG_FORMAT": settings.log_format,
    }
