"""indexes for reads at scale: audit events by plan and id (a plan's newest record, its version, in one index
step) and by plan, kind and id (the changes since a baseline from the index alone), each person's unread
notifications (the badge on every page) and every proposal on an action or measure

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 03:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: on SQLite that could copy the table, and with it lose the append-only triggers.
    op.create_index("ix_audit_events_plan_id_id", "audit_events", ["plan_id", "id"], unique=False)
    op.create_index("ix_audit_events_plan_kind", "audit_events", ["plan_id", "kind", "id", "action_id"], unique=False)
    op.create_index("ix_proposals_action_id", "proposals", ["action_id"], unique=False)
    op.create_index("ix_proposals_measure_id", "proposals", ["measure_id"], unique=False)
    op.create_index(
        "ix_notifications_unread",
        "notifications",
        ["user_id"],
        unique=False,
        sqlite_where=sa.text("read_at IS NULL"),
        postgresql_where=sa.text("read_at IS NULL"),
    )


def downgrade():
    op.drop_index("ix_notifications_unread", table_name="notifications")
    op.drop_index("ix_proposals_measure_id", table_name="proposals")
    op.drop_index("ix_proposals_action_id", table_name="proposals")
    op.drop_index("ix_audit_events_plan_kind", table_name="audit_events")
    op.drop_index("ix_audit_events_plan_id_id", table_name="audit_events")
