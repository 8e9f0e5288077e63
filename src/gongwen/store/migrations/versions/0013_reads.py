"""Every read is a copy served: `copy_reads` records the member's copies shown on pages, in the
API and as search passages (who, which revision, which site list, what kind, when), so that a
member who only reads is a recipient when a leak is traced; `revision_site_lists.template`
keeps a revision's slotted page with its frozen list, so a marked page costs a read and a
format; `leak_reports.leak_id` groups the reports an editor combines into one leak (evidence
adds up).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "copy_reads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("sites_version", sa.String(24), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),  # page | api | passage
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_copy_reads_material_id", "copy_reads", ["material_id"])
    op.create_index("ix_copy_reads_user_id_at", "copy_reads", ["user_id", "at"])
    with op.batch_alter_table("revision_site_lists") as batch:
        batch.add_column(sa.Column("template", sa.Text()))
    with op.batch_alter_table("leak_reports") as batch:
        batch.add_column(sa.Column("leak_id", sa.Integer()))
        batch.create_index("ix_leak_reports_leak_id", ["leak_id"])


def downgrade() -> None:
    with op.batch_alter_table("leak_reports") as batch:
        batch.drop_index("ix_leak_reports_leak_id")
        batch.drop_column("leak_id")
    with op.batch_alter_table("revision_site_lists") as batch:
        batch.drop_column("template")
    op.drop_index("ix_copy_reads_user_id_at", "copy_reads")
    op.drop_index("ix_copy_reads_material_id", "copy_reads")
    op.drop_table("copy_reads")
