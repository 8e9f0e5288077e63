"""Reseller reports, their decisions and appeals, and a ledger of membership days (rewards).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leak_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("reporter_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("evidence_text", sa.Text(), nullable=False, server_default=""),
        sa.Column("evidence_link", sa.Text(), nullable=False, server_default=""),
        sa.Column("evidence_file", sa.LargeBinary()),
        sa.Column("evidence_filename", sa.Text(), nullable=False, server_default=""),
        sa.Column("trace_json", sa.Text(), nullable=False, server_default="{}"),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("leaker_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("material_ids", sa.Text(), nullable=False, server_default=""),
        sa.Column("reason", sa.Text(), nullable=False, server_default=""),
        sa.Column("rewarded", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.Integer()),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_leak_reports_leaker_id", "leak_reports", ["leaker_id"])
    op.create_table(
        "leak_appeals",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "membership_days",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id")),
        sa.Column("email", sa.Text(), nullable=False, server_default=""),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("leak_reports.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_membership_days_email", "membership_days", ["email"])


def downgrade() -> None:
    op.drop_table("membership_days")
    op.drop_table("leak_appeals")
    op.drop_table("leak_reports")
