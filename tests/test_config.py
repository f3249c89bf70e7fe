"""A production start must be safe or refuse, saying why."""

from __future__ import annotations

import pytest

from app.config import ConfigError, load_settings

STRONG = "7f3c9a1e5b2d8f4a6c0e9b7d1a3f5c8e2b4d6f8a0c1e3b5d"  # what secrets.token_hex(24) gives


def test_production_without_secret_key_refuses_to_start(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://tracker@db/tracker")
    with pytest.raises(ConfigError, match="set SECRET_KEY"):
        load_settings(str(tmp_path))


def test_production_in_demo_mode_refuses_to_start(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("DEMO_MODE", "1")
    monkeypatch.setenv("DATABASE_URL", "postgresql://tracker@db/tracker")
    with pytest.raises(ConfigError, match="DEMO_MODE"):
        load_settings(str(tmp_path))


def test_production_with_a_good_configuration_starts(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://tracker@db/tracker")
    monkeypatch.setenv("ACCESSIBILITY_CONTACT_EMAIL", "digital.access@council.gov.uk")
    monkeypatch.delenv("ACCESSIBILITY_CONTACT_PHONE", raising=False)
    settings = load_settings(str(tmp_path))
    assert settings.demo_mode is False
    assert settings.accessibility.contact_email == "digital.access@council.gov.uk"
    assert settings.accessibility.contact_phone == "", "no made-up phone number in production"


@pytest.mark.parametrize("email", [None, "improvement-plan@example.org"])
def test_production_without_an_accessibility_contact_refuses_to_start(  # type: ignore[no-untyped-def]
    email: str | None, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://tracker@db/tracker")
    if email is None:
        monkeypatch.delenv("ACCESSIBILITY_CONTACT_EMAIL", raising=False)
    else:
        monkeypatch.setenv("ACCESSIBILITY_CONTACT_EMAIL", email)
    with pytest.raises(ConfigError, match="ACCESSIBILITY_CONTACT_EMAIL"):
        load_settings(str(tmp_path))


def test_a_statement_date_that_is_not_a_date_refuses_to_start(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("ACCESSIBILITY_STATEMENT_REVIEWED", "1 December 2026")
    with pytest.raises(ConfigError, match="ACCESSIBILITY_STATEMENT_REVIEWED must be a date written like 2026-12-01"):
        load_settings(str(tmp_path))


def test_development_defaults_to_demo_mode_on_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("APP_ENV", "SECRET_KEY", "DEMO_MODE", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(str(tmp_path))
    assert settings.demo_mode is True
    assert settings.database_url.startswith("sqlite:///")


def test_production_start_with_demo_accounts_on_the_demo_password_refuses(app, demo) -> None:  # type: ignore[no-untyped-def]
    from app import create_app

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    with pytest.raises(ConfigError, match="admin@example.org"):
        create_app(
            {"APP_ENV": "production", "DEMO_MODE": False, "SQLALCHEMY_DATABASE_URI": uri, "ARGON2_PROFILE": "fast"}
        )


def test_trusted_proxies_must_be_a_small_whole_number(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert load_settings(str(tmp_path)).trusted_proxies == 2
    for bad in ("yes", "-1", "99"):
        monkeypatch.setenv("TRUSTED_PROXIES", bad)
        with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
            load_settings(str(tmp_path))


def _production(monkeypatch: pytest.MonkeyPatch, secret: str) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://tracker@db/tracker")
    monkeypatch.setenv("ACCESSIBILITY_CONTACT_EMAIL", "digital.access@council.gov.uk")


@pytest.mark.parametrize("env", ["prod", "Live", "staging", "developmnet"])
def test_an_unknown_app_env_refuses_to_start(env: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("APP_ENV", env)
    with pytest.raises(ConfigError, match="APP_ENV .* must be one of development, test, production"):
        load_settings(str(tmp_path))


@pytest.mark.parametrize("env", ["development", "test", "production", " Production "])
def test_each_known_app_env_is_accepted(env: str, monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _production(monkeypatch, STRONG)
    monkeypatch.setenv("APP_ENV", env)
    assert load_settings(str(tmp_path)).env == env.strip().lower()


@pytest.mark.parametrize(
    ("secret", "why"),
    [
        (" " * 32, "not set"),
        ("a" * 32, "only 1 different characters"),
        ("abcabcabcabcabcabcabcabcabcabcabcabc", "only 3 different characters"),
        ("0123456789" * 4, "only 10 different characters"),
        ("short-but-random-Q7x!", "fewer than 32"),
        ("dev-only-not-secret", "public development key"),
    ],
)
def test_a_guessable_secret_key_refuses_to_start_in_production(  # type: ignore[no-untyped-def]
    secret: str, why: str, monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    _production(monkeypatch, secret)
    with pytest.raises(ConfigError, match=why):
        load_settings(str(tmp_path))


def test_a_random_secret_key_starts_in_production(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import secrets

    for _ in range(50):
        _production(monkeypatch, secrets.token_hex(32))
        assert load_settings(str(tmp_path)).env == "production"


def test_two_step_sign_in_is_required_in_production_only(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.config import flask_config

    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://tracker@db/tracker")
    monkeypatch.setenv("ACCESSIBILITY_CONTACT_EMAIL", "digital.access@council.gov.uk")
    assert flask_config(load_settings(str(tmp_path)))["TWO_FACTOR_REQUIRED"] is True
    monkeypatch.setenv("APP_ENV", "development")
    assert flask_config(load_settings(str(tmp_path)))["TWO_FACTOR_REQUIRED"] is False


def test_background_jobs_use_the_queue_only_when_one_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for name in ("APP_ENV", "JOBS_MODE", "JOBS_REDIS_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings(str(tmp_path)).jobs_mode == "thread", "make run: no worker to start"
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/1")
    settings = load_settings(str(tmp_path))
    assert (settings.jobs_mode, settings.jobs_redis_url) == ("rq", "redis://127.0.0.1:6379/1")
    monkeypatch.setenv("JOBS_REDIS_URL", "redis://queue.internal:6379/2")
    assert load_settings(str(tmp_path)).jobs_redis_url == "redis://queue.internal:6379/2"
    monkeypatch.setenv("JOBS_MODE", "sync")
    assert load_settings(str(tmp_path)).jobs_mode == "sync"
    monkeypatch.setenv("JOBS_MODE", "celery")
    with pytest.raises(ConfigError, match="JOBS_MODE must be one of rq, thread, sync"):
        load_settings(str(tmp_path))
    monkeypatch.setenv("JOBS_MODE", "rq")
    for name in ("JOBS_REDIS_URL", "REDIS_URL"):
        monkeypatch.delenv(name)
    with pytest.raises(ConfigError, match="set JOBS_REDIS_URL"):
        load_settings(str(tmp_path))


def test_logs_are_json_in_production_and_readable_elsewhere_unless_chosen(  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch, tmp_path
) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    assert load_settings(str(tmp_path)).log_format == "console", "make run: lines a person reads"
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.delenv("DEMO_MODE", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://tracker@db/tracker")
    monkeypatch.setenv("ACCESSIBILITY_CONTACT_EMAIL", "digital.access@council.gov.uk")
    assert load_settings(str(tmp_path)).log_format == "json", "production: one JSON object a line"
    monkeypatch.setenv("LOG_FORMAT", "Console")
    assert load_settings(str(tmp_path)).log_format == "console"
    monkeypatch.setenv("LOG_FORMAT", "logfmt")
    with pytest.raises(ConfigError, match="LOG_FORMAT must be one of json, console"):
        load_settings(str(tmp_path))
