"""a baseline's action counts by status in a column of their own, so the trend need not read the snapshot

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("baselines", sa.Column("action_counts", sa.JSON(), nullable=True))
    # Baselines are permanent (0004's triggers refuse any UPDATE): the backfill copies figures the snapshot
    # already holds, with the trigger lifted for this one statement inside the migration's transaction.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE baselines DISABLE TRIGGER baselines_permanent")
        op.execute("UPDATE baselines SET action_counts = (snapshot::json -> 'summary' -> 'actions')")
        op.execute("ALTER TABLE baselines ENABLE TRIGGER baselines_permanent")
    else:
        op.execute("DROP TRIGGER baselines_no_update")
        op.execute("UPDATE baselines SET action_counts = json_extract(snapshot, '$.summary.actions')")
        op.execute(
            "CREATE TRIGGER baselines_no_update BEFORE UPDATE ON baselines "
            "BEGIN SELECT RAISE(ABORT, 'baselines are permanent: UPDATE refused'); END"
        )


def downgrade():
    # Not batch_alter_table: on SQLite that copies the table and drops its triggers (baselines would no longer
    # be permanent). SQLite 3.35 and later drop a column in place.
    op.drop_column("baselines", "action_counts")
