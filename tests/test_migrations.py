"""The schema is built by migrations alone, the models match it, and an upgrade keeps every row."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect

from app.extensions import db
from tests.conftest import ON_POSTGRES, Client, Databases, _config


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


# The schema as migration 0001 made it: the upgrade test writes with these, never with today's models.
AT_0001 = {
    "plans": ("id", "title", "start_date", "is_current", "reporting_checkpoint", "risk_warning_days", "created_at"),
    "users": (
        "id",
        "email",
        "name",
        "job_title",
        "role",
        "password_hash",
        "active",
        "created_at",
        "password_changed_at",
    ),
    "work_streams": ("id", "plan_id", "number", "title"),
    "work_stream_managers": ("work_stream_id", "user_id"),
    "actions": (
        "id",
        "work_stream_id",
        "reference",
        "position",
        "title",
        "measures_and_milestones",
        "key_targets",
        "progress",
        "owner_id",
        "deadline",
        "status",
        "retired_on",
        "version",
        "created_at",
        "updated_at",
    ),
    "performance_measures": (
        "id",
        "work_stream_id",
        "reference",
        "position",
        "description",
        "checkpoint",
        "target",
        "status",
        "narrative",
        "version",
        "updated_at",
    ),
    "audit_events": (
        "id",
        "occurred_at",
        "actor_id",
        "actor_name",
        "actor_role",
        "kind",
        "object_type",
        "object_id",
        "plan_id",
        "work_stream_id",
        "action_id",
        "summary",
        "before",
        "after",
        "reason",
        "ip_address",
    ),
}
COLUMN_TYPES: dict[str, Any] = {
    **dict.fromkeys(("before", "after"), sa.JSON()),
    **dict.fromkeys(("start_date", "deadline", "retired_on"), sa.Date()),
    **dict.fromkeys(("created_at", "updated_at", "password_changed_at", "occurred_at"), sa.DateTime()),
    **dict.fromkeys(("is_current", "active"), sa.Boolean()),
}
UPGRADE_PASSWORD = "a long passphrase kept since 0001"


def _at_0001(name: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c, COLUMN_TYPES.get(c)) for c in AT_0001[name]))


def _rows(name: str, *values: tuple[Any, ...]) -> list[dict[str, Any]]:
    return [dict(zip(AT_0001[name], row, strict=True)) for row in values]


def _rows_at_0001(password_hash: str) -> dict[str, list[dict[str, Any]]]:
    """A small plan as the first release stored it: two work streams, three actions (one retired, one overdue),
    measures at both checkpoints, three people and the audit events that release wrote. Columns as in AT_0001."""
    at, later = datetime(2026, 1, 5, 9, 30), datetime(2026, 3, 2, 14, 0)
    pw = password_hash
    return {
        "plans": _rows("plans", (1, "Service Improvement Plan 2026", date(2026, 1, 5), True, 6, 30, at)),
        "users": _rows(
            "users",
            (1, "pm@council.example", "Helen Marsh", "Project manager", "project_manager", pw, True, at, at),
            (2, "sm@council.example", "Sarah Whitfield", "Service manager", "service_manager", pw, True, at, at),
            (3, "gone@council.example", "Former Admin", "", "administrator", pw, False, at, at),
        ),
        "work_streams": _rows(
            "work_streams",
            (1, 1, 1, "Leadership, management and governance"),
            (2, 1, 2, "Quality of practice — “front door” & assessment"),
        ),
        "work_stream_managers": _rows("work_stream_managers", (1, 2), (2, 2)),
        "actions": _rows(
            "actions",
            (
                1,
                1,
                "1.1",
                1,
                "Appoint a permanent head of service",
                "Post filled",
                "By March",
                "Interviews held; offer made.",
                2,
                date(2026, 3, 31),
                "COMPLETED",
                None,
                3,
                at,
                later,
            ),
            (
                2,
                1,
                "1.2",
                2,
                "Monthly performance clinics",
                "Clinics held",
                "12 a year",
                "Two held so far.",
                2,
                date(2020, 6, 30),
                "IN_PROGRESS",
                None,
                1,
                at,
                at,
            ),
            (
                3,
                2,
                "2.1",
                1,
                "Single assessment pilot",
                "",
                "",
                "Merged into 2.2.",
                None,
                None,
                "STATIC",
                date(2026, 2, 1),
                2,
                at,
                at,
            ),
        ),
        "performance_measures": _rows(
            "performance_measures",
            (1, 1, "1.M1", 1, "Caseloads per worker", 6, "18 or fewer", "IN_PROGRESS", "20 in February.", 1, at),
            (2, 1, "1.M1", 1, "Caseloads per worker", 12, "16 or fewer", "STATIC", "", 1, at),
        ),
        "audit_events": _rows(
            "audit_events",
            (
                1,
                at,
                None,
                "System",
                "system",
                "plan.created",
                "plan",
                1,
                1,
                None,
                None,
                "Plan “Service Improvement Plan 2026” loaded",
                None,
                None,
                "",
                "",
            ),
            (
                2,
                at,
                None,
                "System",
                "system",
                "user.created",
                "user",
                2,
                None,
                None,
                None,
                "Account created for Sarah Whitfield as service manager",
                None,
                {"email": "sm@council.example", "role": "service_manager", "work_streams": [1, 2]},
                "",
                "10.0.0.4",
            ),
            (
                3,
                datetime(2026, 1, 6, 8, 0),
                1,
                "Helen Marsh",
                "project_manager",
                "auth.login",
                "user",
                1,
                None,
                None,
                None,
                "Helen Marsh signed in",
                None,
                None,
                "",
                "10.0.0.9",
            ),
        ),
    }


def _read_back(name: str) -> list[dict[str, Any]]:
    table = _at_0001(name)
    order = [table.c[c] for c in AT_0001[name][:2]]
    return [dict(row) for row in db.session.execute(sa.select(table).order_by(*order)).mappings()]


def test_a_database_built_at_the_first_migration_upgrades_to_head_keeping_everything(
    databases: Databases, tmp_path: Path
) -> None:
    """What an upgrade must never do (README, "Upgrading"): lose or change a row, or leave data the app cannot read."""
    from flask_migrate import upgrade

    from app import create_app
    from app.services import accounts, audit, risks

    uri = databases._copy(None, "upgrade_from_0001", tmp_path)
    app = create_app(_config(uri, tmp_path))
    app.test_client_class = Client
    try:
        with app.app_context():
            upgrade(revision="0001")
            written = _rows_at_0001(accounts.hash_password(UPGRADE_PASSWORD))
            for name, rows in written.items():  # in this order: each row's references come before it
                db.session.execute(sa.insert(_at_0001(name)), rows)
            if db.engine.dialect.name == "postgresql":  # rows given their ids: move the sequences past them
                for name in ("plans", "users", "work_streams", "actions", "performance_measures", "audit_events"):
                    db.session.execute(sa.text(f"SELECT setval('{name}_id_seq', (SELECT max(id) FROM {name}))"))
            db.session.commit()

            upgrade()

            assert {name: _read_back(name) for name in written} == written
            events = db.session.execute(sa.text("SELECT seq FROM audit_events ORDER BY id")).scalars().all()
            assert events == [1, 2, 3], "0006 chained the events already stored, in their order"
            verdict = audit.verify_chain()
            assert verdict.broken is None and verdict.count == 3
            refreshed = risks.refresh(None)
            assert refreshed.opened == 1, "action 1.2, unfinished and past its deadline, enters the register"
            db.session.remove()

        client: Client = app.test_client()  # type: ignore[assignment]
        assert client.login("pm@council.example", UPGRADE_PASSWORD).status_code == 302
        dashboard = client.get("/")
        assert dashboard.status_code == 200 and "Service Improvement Plan 2026" in dashboard.get_data(as_text=True)
        work_stream = client.get("/work-streams/1").get_data(as_text=True)
        assert "Appoint a permanent head of service" in work_stream and "Monthly performance clinics" in work_stream
        assert "Caseloads per worker" in work_stream
        action = client.get("/actions/1")
        assert action.status_code == 200 and "Interviews held; offer made." in action.get_data(as_text=True)
        assert client.get("/work-streams/2").status_code == 200
        assert client.get("/risks").status_code == 200

        result = app.test_cli_runner().invoke(args=["audit", "verify"])
        assert result.exit_code == 0, result.output
        assert result.output.startswith("Audit trail verified: ") and " events, head " in result.output
        with app.app_context():
            count = db.session.scalar(sa.select(sa.func.count()).select_from(_at_0001("audit_events")))
            assert count > 3, "the sign-in after the upgrade was recorded, chained after the old events"
    finally:
        databases.close(app)
