"""Variant sites an editor controls: sites vetoed in a revision, word pairs added to the
catalogue, and each revision's site list frozen when its first copy is made.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revision_sites",
        sa.Column("revision_id", sa.Integer(), sa.ForeignKey("revisions.id"), primary_key=True),
        sa.Column("sites", sa.Text(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "site_vetoes",
        sa.Column("revision_id", sa.Integer(), sa.ForeignKey("revisions.id"), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("vetoed_by", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("revision_id", "start"),
    )
    op.create_table(
        "site_additions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("form_a", sa.String(8), nullable=False),
        sa.Column("form_b", sa.String(8), nullable=False),
        sa.Column("approved_by", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("site_additions")
    op.drop_table("site_vetoes")
    op.drop_table("revision_sites")
