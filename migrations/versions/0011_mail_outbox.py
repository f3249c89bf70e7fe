"""e-mail: notifications name their kind; preferences per kind, the outbox, and the reminders already sent

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 19:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("notifications", sa.Column("kind", sa.String(length=60), nullable=False, server_default="general"))
    op.create_table(
        "mail_preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("choice", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mail_preferences_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_preferences")),
        sa.UniqueConstraint("user_id", "kind", name="uq_mail_preferences_user_kind"),
    )
    op.create_index(op.f("ix_mail_preferences_user_id"), "mail_preferences", ["user_id"], unique=False)
    op.create_table(
        "outgoing_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("notification_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=True),
        sa.Column("claimed_at", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("digest_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["digest_id"], ["outgoing_messages.id"], name=op.f("fk_outgoing_messages_digest_id_outgoing_messages")
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"], ["notifications.id"], name=op.f("fk_outgoing_messages_notification_id_notifications")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_outgoing_messages_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outgoing_messages")),
    )
    op.create_index(
        "ix_outgoing_messages_status_next", "outgoing_messages", ["status", "next_attempt_at"], unique=False
    )
    op.create_index(op.f("ix_outgoing_messages_user_id"), "outgoing_messages", ["user_id"], unique=False)
    op.create_table(
        "sent_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("reason", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_sent_reminders_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_reminders")),
        sa.UniqueConstraint("user_id", "key", "reason", name="uq_sent_reminders_user_key_reason"),
    )
    op.create_index(op.f("ix_sent_reminders_user_id"), "sent_reminders", ["user_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_sent_reminders_user_id"), table_name="sent_reminders")
    op.drop_table("sent_reminders")
    op.drop_index(op.f("ix_outgoing_messages_user_id"), table_name="outgoing_messages")
    op.drop_index("ix_outgoing_messages_status_next", table_name="outgoing_messages")
    op.drop_table("outgoing_messages")
    op.drop_index(op.f("ix_mail_preferences_user_id"), table_name="mail_preferences")
    op.drop_table("mail_preferences")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("kind")
