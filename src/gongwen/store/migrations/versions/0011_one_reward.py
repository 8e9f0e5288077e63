"""One reward per leak, and reports traced in the background.

`leak_rewards`: one row per report whose reporter was paid (the report is the primary key, so a
report can never be paid twice), with its leaker, so that a leaker rewarded within 365 days earns
no second reporter a year. Filled from the reports already confirmed and rewarded.

`leak_reports.traced_at`: when the report's evidence was traced; NULL while the trace is pending
(reports are now answered at once and traced by a background worker). The reports already stored
were traced on arrival.

Databases that ran the earlier code may hold several `membership_days` rows for one report (the
race this migration closes). Those rows are kept, not deduplicated: they are the members' days
and the ledger of what was paid. A flagged audit entry lists them for the operator instead.

Revision ID: 0011
Revises: 0010
"""

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leak_rewards",
        sa.Column("report_id", sa.Integer(), sa.ForeignKey("leak_reports.id"), primary_key=True),
        sa.Column("leaker_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_leak_rewards_leaker_id", "leak_rewards", ["leaker_id"])
    # One row per report (its primary key): duplicates in membership_days cannot make it fail.
    op.execute(
        "INSERT INTO leak_rewards (report_id, leaker_id, paid_at)"
        " SELECT id, leaker_id, COALESCE(decided_at, created_at) FROM leak_reports"
        " WHERE status = 'confirmed' AND rewarded AND leaker_id IS NOT NULL"
    )
    with op.batch_alter_table("leak_reports") as batch:
        batch.add_column(sa.Column("traced_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE leak_reports SET traced_at = created_at")
    _flag_duplicate_rewards()


def _flag_duplicate_rewards() -> None:
    """A flagged audit entry naming the reports paid more than once, for the operator to review
    (the audit log is append-only: an INSERT is all it allows)."""
    found = (
        op.get_bind()
        .execute(
            sa.text(
                "SELECT report_id, COUNT(*), SUM(days) FROM membership_days"
                " WHERE report_id IS NOT NULL GROUP BY report_id HAVING COUNT(*) > 1"
                " ORDER BY report_id"
            )
        )
        .all()
    )
    if not found:
        return
    audit_log = sa.table(
        "audit_log",
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("actor_id", sa.Integer()),
        sa.column("action", sa.String()),
        sa.column("target", sa.Text()),
        sa.column("detail", sa.Text()),
        sa.column("flagged", sa.Boolean()),
    )
    detail = {
        "why": "迁移 0011 之前同一举报被重复发放会员，请核对",
        "reports": [{"report": int(r), "rows": int(n), "days": int(d)} for r, n, d in found],
    }
    op.bulk_insert(
        audit_log,
        [
            {
                # In UTC: SQLite keeps a time's wall-clock fields, as the code reads them.
                "at": datetime.now(UTC),
                "actor_id": None,
                "action": "reward.duplicates",
                "target": ",".join(str(int(r)) for r, _, _ in found),
                "detail": json.dumps(detail, ensure_ascii=False),
                "flagged": True,
            }
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_leak_rewards_leaker_id", "leak_rewards")
    op.drop_table("leak_rewards")
    # Not a batch (a copy of the table): membership_days and leak_appeals refer to its rows.
    # SQLite has dropped columns itself since 3.35.
    op.execute("ALTER TABLE leak_reports DROP COLUMN traced_at")
