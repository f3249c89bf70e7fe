"""The two PostgreSQL roles of production: the owner, which migrates, and the app's role, which owns nothing.

The append-only triggers only bind someone who cannot set them aside. The owner of a table can disable
its triggers (`ALTER TABLE ... DISABLE TRIGGER`), and a superuser can `SET session_replication_role`;
the app's role is neither, and holds only INSERT and SELECT on the append-only tables, so with its login
history cannot be rewritten. The owner still can: the hash chain (`flask audit verify`) detects that.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from app.extensions import db
from app.services.errors import ServiceError

APPEND_ONLY_TABLES = ("audit_events", "baselines", "report_documents")  # a stored document never changes
READ_ONLY_TABLES = ("alembic_version",)


def migration_engine() -> Engine:
    """The owner's connection: MIGRATION_DATABASE_URL when set, else the app's own database URL."""
    url = current_app.config.get("MIGRATION_DATABASE_URI") or ""
    if not url:
        return db.engine
    return create_engine(url, poolclass=NullPool)


def app_role_grants(role: str, tables: list[str]) -> list[str]:
    """The statements that give `role` what the app needs and no more, for the tables there are now."""
    quoted = '"' + role.replace('"', '""') + '"'
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {quoted}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {quoted}",
        f"GRANT USAGE ON SCHEMA public TO {quoted}",
    ]
    for table in sorted(tables):
        if table in APPEND_ONLY_TABLES:
            privileges = "SELECT, INSERT"
        elif table in READ_ONLY_TABLES:
            privileges = "SELECT"
        else:
            privileges = "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f'GRANT {privileges} ON TABLE "{table}" TO {quoted}')
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
    return statements


def grant_app_role(role: str) -> list[str]:
    """Run as the owner after every `flask db upgrade`: new tables get the app's grants too."""
    engine = migration_engine()
    if engine.dialect.name != "postgresql":
        raise ServiceError("Database roles are for PostgreSQL; SQLite has no roles.")
    with engine.begin() as conn:
        found = conn.execute(
            text("SELECT rolsuper OR rolbypassrls AS privileged FROM pg_roles WHERE rolname = :role"), {"role": role}
        ).first()
        if found is None:
            raise ServiceError(f"There is no PostgreSQL role {role!r}: create it first (see the README).")
        if found.privileged:
            raise ServiceError(f"The role {role!r} is a superuser or bypasses row security: the app's role must not.")
        owned = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner = :role"), {"role": role}
        ).scalars()
        owned_tables = list(owned)
        if owned_tables:
            raise ServiceError(
                f"The role {role!r} owns {', '.join(owned_tables)}: the app's role must own no table, or it could "
                "set the append-only triggers aside. Give those tables to the owner (ALTER TABLE ... OWNER TO)."
            )
        statements = app_role_grants(role, inspect(conn).get_table_names(schema="public"))
        for statement in statements:
            conn.execute(text(statement))
    if engine is not db.engine:
        engine.dispose()
    return statements
