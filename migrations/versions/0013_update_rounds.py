"""update rounds: a month's round for a plan, and each service manager's checklist items

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-01 19:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "update_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("opened_by_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_update_rounds_plan_id_plans")),
        sa.ForeignKeyConstraint(["opened_by_id"], ["users.id"], name=op.f("fk_update_rounds_opened_by_id_users")),
        sa.ForeignKeyConstraint(["closed_by_id"], ["users.id"], name=op.f("fk_update_rounds_closed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_update_rounds")),
        sa.UniqueConstraint("plan_id", "month", name="uq_update_rounds_plan_month"),
    )
    with op.batch_alter_table("update_rounds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_update_rounds_plan_id"), ["plan_id"], unique=False)
    op.create_table(
        "round_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=True),
        sa.Column("measure_id", sa.Integer(), nullable=True),
        sa.Column("work_stream_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column("no_change_note", sa.Text(), nullable=True),
        sa.Column("no_change_at", sa.DateTime(), nullable=True),
        sa.Column("no_change_by_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=12), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("target_type IN ('action', 'measure')", name=op.f("ck_round_items_target_type_valid")),
        sa.CheckConstraint("(action_id IS NULL) <> (measure_id IS NULL)", name=op.f("ck_round_items_one_target")),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('on_time', 'late', 'not_updated')",
            name=op.f("ck_round_items_outcome_valid"),
        ),
        sa.ForeignKeyConstraint(["round_id"], ["update_rounds.id"], name=op.f("fk_round_items_round_id_update_rounds")),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_round_items_action_id_actions")),
        sa.ForeignKeyConstraint(
            ["measure_id"], ["performance_measures.id"], name=op.f("fk_round_items_measure_id_performance_measures")
        ),
        sa.ForeignKeyConstraint(
            ["work_stream_id"], ["work_streams.id"], name=op.f("fk_round_items_work_stream_id_work_streams")
        ),
        sa.ForeignKeyConstraint(["manager_id"], ["users.id"], name=op.f("fk_round_items_manager_id_users")),
        sa.ForeignKeyConstraint(["no_change_by_id"], ["users.id"], name=op.f("fk_round_items_no_change_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_items")),
        sa.UniqueConstraint("round_id", "action_id", name="uq_round_items_action"),
        sa.UniqueConstraint("round_id", "measure_id", name="uq_round_items_measure"),
    )
    with op.batch_alter_table("round_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_items_round_id"), ["round_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_round_items_manager_id"), ["manager_id"], unique=False)


def downgrade():
    with op.batch_alter_table("round_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_round_items_manager_id"))
        batch_op.drop_index(batch_op.f("ix_round_items_round_id"))
    op.drop_table("round_items")
    with op.batch_alter_table("update_rounds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_update_rounds_plan_id"))
    op.drop_table("update_rounds")
