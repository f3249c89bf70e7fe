"""members' questions: a committee member's question on an action or risk entry, routed, answered and published

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-01 19:28:05.138500

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "member_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("work_stream_id", sa.Integer(), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("risk_entry_id", sa.Integer(), nullable=True),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(), nullable=False),
        sa.Column("routed_to_id", sa.Integer(), nullable=True),
        sa.Column("routed_by_id", sa.Integer(), nullable=True),
        sa.Column("routed_at", sa.DateTime(), nullable=True),
        sa.Column("routing_note", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("published_answer", sa.Text(), nullable=False),
        sa.Column("published_by_id", sa.Integer(), nullable=True),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(target_type = 'risk') = (risk_entry_id IS NOT NULL)",
            name=op.f("ck_member_questions_risk_target_has_entry"),
        ),
        sa.CheckConstraint(
            "state IN ('asked', 'routed', 'answered', 'published')", name=op.f("ck_member_questions_state_valid")
        ),
        sa.CheckConstraint("target_type IN ('action', 'risk')", name=op.f("ck_member_questions_target_valid")),
        sa.ForeignKeyConstraint(["action_id"], ["actions.id"], name=op.f("fk_member_questions_action_id_actions")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_member_questions_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(["asked_by_id"], ["users.id"], name=op.f("fk_member_questions_asked_by_id_users")),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_member_questions_plan_id_plans")),
        sa.ForeignKeyConstraint(
            ["published_by_id"], ["users.id"], name=op.f("fk_member_questions_published_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["risk_entry_id"], ["risk_entries.id"], name=op.f("fk_member_questions_risk_entry_id_risk_entries")
        ),
        sa.ForeignKeyConstraint(["routed_by_id"], ["users.id"], name=op.f("fk_member_questions_routed_by_id_users")),
        sa.ForeignKeyConstraint(["routed_to_id"], ["users.id"], name=op.f("fk_member_questions_routed_to_id_users")),
        sa.ForeignKeyConstraint(
            ["work_stream_id"], ["work_streams.id"], name=op.f("fk_member_questions_work_stream_id_work_streams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_member_questions")),
    )
    with op.batch_alter_table("member_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_member_questions_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_questions_asked_by_id"), ["asked_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_questions_plan_id"), ["plan_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_questions_published_at"), ["published_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_questions_risk_entry_id"), ["risk_entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_questions_routed_to_id"), ["routed_to_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_questions_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_member_questions_work_stream_id"), ["work_stream_id"], unique=False)


def downgrade():
    with op.batch_alter_table("member_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_questions_work_stream_id"))
        batch_op.drop_index(batch_op.f("ix_member_questions_state"))
        batch_op.drop_index(batch_op.f("ix_member_questions_routed_to_id"))
        batch_op.drop_index(batch_op.f("ix_member_questions_risk_entry_id"))
        batch_op.drop_index(batch_op.f("ix_member_questions_published_at"))
        batch_op.drop_index(batch_op.f("ix_member_questions_plan_id"))
        batch_op.drop_index(batch_op.f("ix_member_questions_asked_by_id"))
        batch_op.drop_index(batch_op.f("ix_member_questions_action_id"))

    op.drop_table("member_questions")
