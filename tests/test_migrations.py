"""The schema is built by migrations alone, and the models match it."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import ON_POSTGRES


def test_upgrade_from_empty_to_head_builds_every_table(tmp_path: Path) -> None:
    """The session fixture ran `upgrade` on an empty database; here, on SQLite, again from nothing."""
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}", "TESTING": True})
    with app.app_context():
        assert inspect(db.engine).get_table_names() == []
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_models_match_the_migrated_schema(app: Flask) -> None:
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree ({'PostgreSQL' if ON_POSTGRES else 'SQLite'}): {diff}"


def test_downgrade_to_base_then_upgrade_again(app: Flask) -> None:
    from flask_migrate import downgrade, upgrade

    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert set(db.metadata.tables) <= set(inspect(db.engine).get_table_names())
        db.session.remove()
        db.engine.dispose()
