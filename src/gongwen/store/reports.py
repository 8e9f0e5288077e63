"""Reseller reports, appeals and the ledger of membership days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gongwen.store import sql
from gongwen.util.clock import now


@dataclass(frozen=True, slots=True)
class ReportRow:
    id: int
    contact: str
    reporter_id: int | None
    evidence_text: str
    evidence_link: str
    evidence_filename: str
    trace_json: str
    status: str
    leaker_id: int | None
    material_ids: str
    reason: str
    rewarded: bool
    created_at: datetime
    decided_at: datetime | None
    traced_at: datetime | None  # None while the background trace is pending

    @property
    def tracing(self) -> bool:
        return self.traced_at is None


_COLUMNS = (
    "id, contact, reporter_id, evidence_text, evidence_link, evidence_filename, trace_json,"
    " status, leaker_id, material_ids, reason, rewarded, created_at, decided_at, traced_at"
)


def _row(r: Any) -> ReportRow:
    return ReportRow(
        int(r[0]),
        r[1],
        r[2],
        r[3],
        r[4],
        r[5],
        r[6],
        r[7],
        r[8],
        r[9],
        r[10],
        bool(r[11]),
        sql.at(r[12]),
        sql.when(r[13]),
        sql.when(r[14]),
    )


def insert(conn: Any, token_hash: str, **values: Any) -> int:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import leak_reports

    return int(
        conn.execute(
            insert_(leak_reports)
            .values(token_hash=token_hash, status="received", created_at=now(), **values)
            .returning(leak_reports.c.id)
        ).scalar_one()
    )


def update(conn: Any, report_id: int, **values: Any) -> bool:
    from sqlalchemy import update as update_

    from gongwen.store.platform_schema import leak_reports

    done = conn.execute(
        update_(leak_reports).where(leak_reports.c.id == report_id).values(**values)
    ).rowcount
    return bool(done)


def decide(conn: Any, report_id: int, status: str, editor_id: int | None) -> bool:
    """Move a received report to `status`; False when it was not (or no longer) received.

    A compare-and-set: of concurrent decisions on one report exactly one changes the row (on
    PostgreSQL the others wait for its row lock, then find the status changed)."""
    from sqlalchemy import update as update_

    from gongwen.store.platform_schema import leak_reports

    done = conn.execute(
        update_(leak_reports)
        .where(leak_reports.c.id == report_id, leak_reports.c.status == "received")
        .values(status=status, decided_by=editor_id, decided_at=now())
    ).rowcount
    return bool(done)


def set_trace(conn: Any, report_id: int, trace_json: str) -> bool:
    """Store a pending report's trace; False when it was traced already (by another process)."""
    from sqlalchemy import update as update_

    from gongwen.store.platform_schema import leak_reports

    done = conn.execute(
        update_(leak_reports)
        .where(leak_reports.c.id == report_id, leak_reports.c.traced_at.is_(None))
        .values(trace_json=trace_json, traced_at=now())
    ).rowcount
    return bool(done)


def untraced(conn: Any, limit: int = 100) -> list[int]:
    """The reports whose trace is pending, oldest first."""
    return [
        int(r[0])
        for r in sql.rows(
            conn,
            "SELECT id FROM leak_reports WHERE traced_at IS NULL ORDER BY id LIMIT :n",
            {"n": limit},
        )
    ]


def evidence(conn: Any, report_id: int) -> tuple[str, bytes | None, str] | None:
    """(pasted text, file, file name) of a report."""
    found = sql.row(
        conn,
        "SELECT evidence_text, evidence_file, evidence_filename FROM leak_reports WHERE id = :id",
        {"id": report_id},
    )
    if found is None:
        return None
    text, data, filename = found
    return text, None if data is None else bytes(data), filename


def reward_since(conn: Any, leaker_id: int, since: datetime) -> int | None:
    """The report whose reporter was paid for this leaker since `since`, if any."""
    found = sql.scalar(
        conn,
        "SELECT report_id FROM leak_rewards WHERE leaker_id = :l AND paid_at >= :since"
        " ORDER BY paid_at LIMIT 1",
        {"l": leaker_id, "since": since},
    )
    return None if found is None else int(found)


def insert_reward(conn: Any, report_id: int, leaker_id: int) -> None:
    """Record that this report was paid: its primary key refuses a second payment."""
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import leak_rewards

    conn.execute(
        insert_(leak_rewards).values(report_id=report_id, leaker_id=leaker_id, paid_at=now())
    )


def by_id(conn: Any, report_id: int) -> ReportRow | None:
    found = sql.row(conn, f"SELECT {_COLUMNS} FROM leak_reports WHERE id = :id", {"id": report_id})
    return None if found is None else _row(found)


def by_token(conn: Any, token_hash: str) -> ReportRow | None:
    found = sql.row(
        conn, f"SELECT {_COLUMNS} FROM leak_reports WHERE token_hash = :t", {"t": token_hash}
    )
    return None if found is None else _row(found)


def leak_of(conn: Any, report_id: int) -> list[int]:
    """The reports combined with this one into one leak (itself included), oldest first."""
    found = sql.rows(
        conn,
        "SELECT id FROM leak_reports WHERE id = :id OR leak_id IN"
        " (SELECT leak_id FROM leak_reports WHERE id = :id AND leak_id IS NOT NULL) ORDER BY id",
        {"id": report_id},
    )
    return [int(r[0]) for r in found]


def combine(conn: Any, leak_id: int, report_ids: list[int]) -> None:
    """Make these reports (and the leaks they were combined into before) one leak, whose
    traces are pending again: the evidence of all of them is read together."""
    from sqlalchemy import or_, update

    from gongwen.store.platform_schema import leak_reports

    earlier = [
        int(r[0])
        for r in sql.rows(
            conn,
            "SELECT DISTINCT leak_id FROM leak_reports WHERE id IN (:ids) AND leak_id IS NOT NULL",
            {"ids": sql.in_list(report_ids)},
        )
    ]
    conn.execute(
        update(leak_reports)
        .where(or_(leak_reports.c.id.in_(report_ids), leak_reports.c.leak_id.in_(earlier or [-1])))
        .values(leak_id=leak_id, traced_at=None)
    )


def evidence_file(conn: Any, report_id: int) -> bytes | None:
    found = sql.scalar(
        conn, "SELECT evidence_file FROM leak_reports WHERE id = :id", {"id": report_id}
    )
    return None if found is None else bytes(found)


def listing(conn: Any, limit: int = 200) -> list[ReportRow]:
    return [
        _row(r)
        for r in sql.rows(
            conn, f"SELECT {_COLUMNS} FROM leak_reports ORDER BY id DESC LIMIT :n", {"n": limit}
        )
    ]


def insert_appeal(conn: Any, user_id: int, text: str) -> int:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import leak_appeals

    return int(
        conn.execute(
            insert_(leak_appeals)
            .values(user_id=user_id, text=text, created_at=now())
            .returning(leak_appeals.c.id)
        ).scalar_one()
    )


def appeals(conn: Any, user_ids: list[int]) -> list[tuple[int, int, str, datetime]]:
    """(id, user, text, when) of the appeals of these members."""
    if not user_ids:
        return []
    return [
        (int(i), int(u), t, sql.at(c))
        for i, u, t, c in sql.rows(
            conn,
            "SELECT id, user_id, text, created_at FROM leak_appeals WHERE user_id IN (:ids)"
            " ORDER BY id",
            {"ids": sql.in_list(user_ids)},
        )
    ]


def credit_days(
    conn: Any, user_id: int | None, email: str, days: int, reason: str, report_id: int
) -> int:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import membership_days

    return int(
        conn.execute(
            insert_(membership_days)
            .values(
                user_id=user_id,
                email=email,
                days=days,
                reason=reason,
                report_id=report_id,
                created_at=now(),
            )
            .returning(membership_days.c.id)
        ).scalar_one()
    )


def pending_days(conn: Any, email: str) -> list[tuple[int, int]]:
    """(ledger id, days) credited to an e-mail address that had no account yet."""
    return [
        (int(i), int(d))
        for i, d in sql.rows(
            conn,
            "SELECT id, days FROM membership_days WHERE email = :e AND user_id IS NULL"
            " AND applied_at IS NULL ORDER BY id",
            {"e": email},
        )
    ]


def mark_applied(conn: Any, ledger_id: int, user_id: int) -> None:
    from sqlalchemy import update as update_

    from gongwen.store.platform_schema import membership_days

    conn.execute(
        update_(membership_days)
        .where(membership_days.c.id == ledger_id)
        .values(user_id=user_id, applied_at=now())
    )


def ledger(conn: Any, user_id: int) -> list[tuple[int, str, datetime, datetime | None]]:
    """(days, reason, credited, applied) of a member's membership days."""
    return [
        (int(d), r, sql.at(c), sql.when(a))
        for d, r, c, a in sql.rows(
            conn,
            "SELECT days, reason, created_at, applied_at FROM membership_days"
            " WHERE user_id = :u ORDER BY id",
            {"u": user_id},
        )
    ]
