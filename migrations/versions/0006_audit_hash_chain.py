"""audit events chained by SHA-256

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000

Each event gets `seq` (1, 2, 3... in id order), `prev_hash` and `hash`; the chain is computed here for the
events already stored. The append-only triggers refuse that UPDATE, so they are set aside for it, as the
owner, inside this migration's transaction, and put back before it commits. The columns are added with
ALTER TABLE ADD COLUMN (never a SQLite table rebuild, which would drop the triggers).
"""

import sqlalchemy as sa
from alembic import op

from app.domain import audit_chain

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = {
    "audit_events_no_update": (
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END"
    ),
    "audit_events_no_delete": (
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
        "BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END"
    ),
}

events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer),
    sa.column("seq", sa.Integer),
    sa.column("prev_hash", sa.String),
    sa.column("hash", sa.String),
    sa.column("occurred_at", sa.DateTime),
    sa.column("actor_id", sa.Integer),
    sa.column("actor_name", sa.String),
    sa.column("actor_role", sa.String),
    sa.column("kind", sa.String),
    sa.column("summary", sa.Text),
    sa.column("object_type", sa.String),
    sa.column("object_id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("work_stream_id", sa.Integer),
    sa.column("action_id", sa.Integer),
    sa.column("before", sa.JSON),
    sa.column("after", sa.JSON),
    sa.column("reason", sa.Text),
    sa.column("ip_address", sa.String),
)


def upgrade():
    op.add_column("audit_events", sa.Column("seq", sa.Integer(), server_default="0", nullable=False))
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64), server_default="", nullable=False))
    op.add_column("audit_events", sa.Column("hash", sa.String(length=64), server_default="", nullable=False))
    _with_triggers_set_aside(_chain_existing_events)
    op.create_index(op.f("ix_audit_events_seq"), "audit_events", ["seq"], unique=True)
    if op.get_bind().dialect.name == "postgresql":
        for column in ("seq", "prev_hash", "hash"):
            op.alter_column("audit_events", column, server_default=None)


def _chain_existing_events() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.select(events).order_by(events.c.id)).mappings().all()
    prev = audit_chain.GENESIS
    for seq, row in enumerate(rows, start=1):
        content = {**row, "seq": seq}
        digest = audit_chain.link_hash(prev, content)
        bind.execute(events.update().where(events.c.id == row["id"]).values(seq=seq, prev_hash=prev, hash=digest))
        prev = digest


def _with_triggers_set_aside(body) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change")
        body()
        op.execute("ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change")
        return
    for name in SQLITE_TRIGGERS:
        op.execute(f"DROP TRIGGER {name}")
    body()
    for sql in SQLITE_TRIGGERS.values():
        op.execute(sql)


def downgrade():
    op.drop_index(op.f("ix_audit_events_seq"), table_name="audit_events")
    for column in ("hash", "prev_hash", "seq"):
        op.drop_column("audit_events", column)
