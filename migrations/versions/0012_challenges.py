"""challenges as a log: each challenge's response due date, when it was answered, and the proposal's outcome

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01 19:30:00.000000

"""

from datetime import datetime, timedelta

import holidays
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

FINAL = ("approved", "rejected", "withdrawn")


def upgrade():
    op.create_table(
        "challenges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("raised_by_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("answer_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=10), nullable=True),
        sa.Column("outcome_at", sa.DateTime(), nullable=True),
        sa.Column("escalated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint(
            "outcome IS NULL OR outcome IN ('approved', 'rejected', 'withdrawn')",
            name=op.f("ck_challenges_outcome_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["proposal_messages.id"], name=op.f("fk_challenges_answer_id_proposal_messages")
        ),
        sa.ForeignKeyConstraint(["proposal_id"], ["proposals.id"], name=op.f("fk_challenges_proposal_id_proposals")),
        sa.ForeignKeyConstraint(
            ["question_id"], ["proposal_messages.id"], name=op.f("fk_challenges_question_id_proposal_messages")
        ),
        sa.ForeignKeyConstraint(["raised_by_id"], ["users.id"], name=op.f("fk_challenges_raised_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_challenges")),
        sa.UniqueConstraint("question_id", name=op.f("uq_challenges_question_id")),
    )
    op.create_index(op.f("ix_challenges_due_on"), "challenges", ["due_on"], unique=False)
    op.create_index(op.f("ix_challenges_proposal_id"), "challenges", ["proposal_id"], unique=False)
    op.create_index(op.f("ix_challenges_raised_at"), "challenges", ["raised_at"], unique=False)
    _backfill()


def _backfill():
    """Challenges made before this migration, read from the proposals' messages: due 10 working days after
    they were raised, answered by the author's next response, with the proposal's outcome once decided."""
    bind = op.get_bind()
    messages = bind.execute(
        sa.text(
            "SELECT m.id, m.proposal_id, m.author_id, m.kind, m.created_at, p.state, p.decided_at "
            "FROM proposal_messages m JOIN proposals p ON p.id = m.proposal_id "
            "WHERE m.kind IN ('challenge', 'response') ORDER BY m.proposal_id, m.id"
        )
    ).all()
    bank_holidays = holidays.country_holidays("GB", subdiv="ENG")
    rows = []
    open_row = None
    for message in messages:
        raised_at = _moment(message.created_at)
        if message.kind == "challenge":
            due = raised_at.date()
            counted = 0
            while counted < 10:
                due += timedelta(days=1)
                if due.weekday() < 5 and due not in bank_holidays:
                    counted += 1
            decided = message.state in FINAL
            open_row = {
                "proposal_id": message.proposal_id,
                "question_id": message.id,
                "raised_by_id": message.author_id,
                "raised_at": raised_at,
                "due_on": due,
                "answered_at": None,
                "answer_id": None,
                "outcome": message.state if decided else None,
                "outcome_at": _moment(message.decided_at) if decided and message.decided_at else None,
            }
            rows.append(open_row)
        elif open_row is not None and open_row["proposal_id"] == message.proposal_id and open_row["answer_id"] is None:
            open_row["answered_at"] = raised_at
            open_row["answer_id"] = message.id
    if rows:
        table = sa.table(
            "challenges",
            *(sa.column(name) for name in rows[0]),
        )
        op.bulk_insert(table, rows)


def _moment(value):
    if isinstance(value, str):  # SQLite through a plain text() query
        return datetime.fromisoformat(value)
    return value


def downgrade():
    op.drop_index(op.f("ix_challenges_raised_at"), table_name="challenges")
    op.drop_index(op.f("ix_challenges_proposal_id"), table_name="challenges")
    op.drop_index(op.f("ix_challenges_due_on"), table_name="challenges")
    op.drop_table("challenges")
