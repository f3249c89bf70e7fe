"""a page of someone's notifications, newest first, and their count, from one index: (user_id, id)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-02 07:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_notifications_user_id_id", "notifications", ["user_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_notifications_user_id_id", table_name="notifications")
