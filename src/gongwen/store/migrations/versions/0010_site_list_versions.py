"""Site lists per catalogue version: a revision keeps one frozen list per version of the variant
catalogue (the lists already frozen are version 2026.12-2), and every copy served records the
version it was marked with, so copies made under an older catalogue stay traceable.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# The catalogue version of every list frozen before this migration (trace/sites.py then).
LEGACY_VERSION = "2026.12-2"


def upgrade() -> None:
    # The primary key changes (revision -> revision + version): a new table, the rows copied.
    op.create_table(
        "revision_site_lists",
        sa.Column("revision_id", sa.Integer(), sa.ForeignKey("revisions.id"), nullable=False),
        sa.Column("version", sa.String(24), nullable=False),
        sa.Column("sites", sa.Text(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("revision_id", "version"),
    )
    op.execute(
        sa.text(
            "INSERT INTO revision_site_lists (revision_id, version, sites, frozen_at)"
            " SELECT revision_id, :v, sites, frozen_at FROM revision_sites"
        ).bindparams(v=LEGACY_VERSION)
    )
    op.drop_table("revision_sites")
    with op.batch_alter_table("downloads") as batch:
        batch.add_column(sa.Column("sites_version", sa.String(24)))
    op.execute(sa.text("UPDATE downloads SET sites_version = :v").bindparams(v=LEGACY_VERSION))


def downgrade() -> None:
    with op.batch_alter_table("downloads") as batch:
        batch.drop_column("sites_version")
    op.create_table(
        "revision_sites",
        sa.Column("revision_id", sa.Integer(), sa.ForeignKey("revisions.id"), primary_key=True),
        sa.Column("sites", sa.Text(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        sa.text(
            "INSERT INTO revision_sites (revision_id, sites, frozen_at)"
            " SELECT revision_id, sites, frozen_at FROM revision_site_lists WHERE version = :v"
        ).bindparams(v=LEGACY_VERSION)
    )
    op.drop_table("revision_site_lists")
