"""audit events indexed by plan and id: a plan's newest record (its version) in one index step

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 03:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # Not in batch mode: on SQLite that could copy the table, and with it lose the append-only triggers.
    op.create_index("ix_audit_events_plan_id_id", "audit_events", ["plan_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_audit_events_plan_id_id", table_name="audit_events")
