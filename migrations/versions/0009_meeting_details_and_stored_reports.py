"""a meeting's contact officer's telephone, report author and reporting checkpoint; the stored committee pack

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("committee_meetings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_telephone", sa.String(length=60), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("report_author", sa.String(length=120), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("checkpoint", sa.Integer(), nullable=True))
    op.create_table(
        "report_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("baseline_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("current", sa.String(length=120), nullable=False, server_default=""),
        sa.Column("error", sa.Text(), nullable=False, server_default=""),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("runner", sa.String(length=20), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["baseline_id"], ["baselines.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("baseline_id"),
    )
    op.create_table(
        "report_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("baseline_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("media_type", sa.String(length=120), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["baseline_id"], ["baselines.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("baseline_id", "kind"),
    )
    with op.batch_alter_table("report_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_documents_baseline_id"), ["baseline_id"], unique=False)


def downgrade():
    with op.batch_alter_table("report_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_documents_baseline_id"))
    op.drop_table("report_documents")
    op.drop_table("report_jobs")
    with op.batch_alter_table("committee_meetings", schema=None) as batch_op:
        batch_op.drop_column("checkpoint")
        batch_op.drop_column("report_author")
        batch_op.drop_column("contact_telephone")
