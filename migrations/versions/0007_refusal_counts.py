"""refusal counts: one access.refused audit record per person, request and minute, the repeats counted

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:10:00.000000
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "refusal_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("who", sa.String(length=80), nullable=False),
        sa.Column("request", sa.String(length=220), nullable=False),
        sa.Column("minute", sa.DateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("audit_event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["audit_event_id"], ["audit_events.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("who", "request", "minute", name="uq_refusal_counts_who_request_minute"),
    )
    with op.batch_alter_table("refusal_counts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_refusal_counts_minute"), ["minute"], unique=False)


def downgrade():
    with op.batch_alter_table("refusal_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refusal_counts_minute"))
    op.drop_table("refusal_counts")
