"""audit events carry the request id

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 23:00:00.000000

`request_id` is the X-Request-ID of the request that wrote the event (app/request_ids.py). Events stored
before it get "" (the server default, which also serves an older app server still running during an
upgrade), and an empty request id is left out of an event's hash (app/domain/audit_chain.py
OPTIONAL_FIELDS), so every stored hash still verifies and nothing is rewritten: the append-only triggers
are never set aside. ALTER TABLE ADD COLUMN, never a SQLite table rebuild (which would drop the triggers).
The app's PostgreSQL role is granted on the table (app/services/db_roles.py), so it may insert the column.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("audit_events", sa.Column("request_id", sa.String(length=64), server_default="", nullable=False))


def downgrade():
    op.drop_column("audit_events", "request_id")
