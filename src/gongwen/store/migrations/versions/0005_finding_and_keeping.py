"""Members keep favourites; the admin edits the site's name, tagline and notice; indexes for
related materials.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "favourites",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "material_id"),
    )
    # Related materials: the same organisation's, then the same kind's, of one document type.
    op.create_index("ix_materials_related_org", "materials", ["organisation", "doc_type"])
    op.create_index("ix_materials_related_kind", "materials", ["doc_type", "organisation_kind"])
    op.create_table(
        "site_settings",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Integer()),
    )


def downgrade() -> None:
    op.drop_table("site_settings")
    op.drop_index("ix_materials_related_kind", "materials")
    op.drop_index("ix_materials_related_org", "materials")
    op.drop_table("favourites")
