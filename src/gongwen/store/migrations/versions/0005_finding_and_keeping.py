"""Members keep favourites; the admin edits the site's name, tagline and notice.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

from gongwen.store.types import UTCDateTime

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "favourites",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("material_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "material_id"),
    )
    op.create_table(
        "site_settings",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("updated_by", sa.Integer()),
    )


def downgrade() -> None:
    op.drop_table("site_settings")
    op.drop_table("favourites")
