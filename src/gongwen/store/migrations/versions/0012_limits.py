"""One table for every limit: `limit_hits`, one row per hit (platform/limits.py).

It replaces `login_failures`. What was counted in the last day carries over, so that an upgrade
resets nobody's allowance: recent login failures (per e-mail and per address) and the copies
members received in the last 24 hours (one row per logged copy, as the daily allowance counted
them). The per-minute and hourly limits were counted in memory or Redis: they start afresh.

Revision ID: 0012
Revises: 0011
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _since() -> sa.BindParameter[datetime]:
    since = datetime.now(UTC) - timedelta(days=1)
    if op.get_bind().dialect.name == "sqlite":  # stored as naive UTC text there
        since = since.replace(tzinfo=None)
    return sa.bindparam("since", since, type_=sa.DateTime(timezone=True))


def upgrade() -> None:
    op.create_table(
        "limit_hits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cost", sa.Integer(), nullable=False),
    )
    op.create_index("ix_limit_hits_name_key_at", "limit_hits", ["name", "key", "at"])
    for prefix, name in (("email:", "login.email"), ("ip:", "login.ip")):
        op.execute(
            sa.text(
                "INSERT INTO limit_hits (name, key, at, cost)"
                f" SELECT '{name}', substr(key, {len(prefix) + 1}), at, 1 FROM login_failures"
                f" WHERE key LIKE '{prefix}%' AND at > :since"
            ).bindparams(_since())
        )
    op.execute(
        sa.text(
            "INSERT INTO limit_hits (name, key, at, cost)"
            " SELECT 'copies.day', CAST(user_id AS VARCHAR(300)), at, 1 FROM downloads"
            " WHERE at > :since"
        ).bindparams(_since())
    )
    op.drop_index("ix_login_failures_key", "login_failures")
    op.drop_table("login_failures")


def downgrade() -> None:
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_login_failures_key", "login_failures", ["key"])
    for prefix, name in (("email:", "login.email"), ("ip:", "login.ip")):
        op.execute(
            "INSERT INTO login_failures (key, at)"
            f" SELECT '{prefix}' || key, at FROM limit_hits WHERE name = '{name}' AND cost > 0"
        )
    op.drop_index("ix_limit_hits_name_key_at", "limit_hits")
    op.drop_table("limit_hits")
