"""Subscriptions and redeem codes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongwen.model.member import Subscription
from gongwen.store import sql
from gongwen.util.clock import now


def active(alias: str) -> str:
    """The one definition of an active subscription at `:at` (not revoked, started, not ended)."""
    return f"{alias}.revoked_at IS NULL AND {alias}.starts_at <= :at AND {alias}.ends_at > :at"


_COLUMNS = "s.id, s.user_id, s.plan, s.starts_at, s.ends_at, s.source"


def subscription_from(r: Any) -> Subscription:
    return Subscription(r[0], r[1], r[2], sql.at(r[3]), sql.at(r[4]), r[5])


def active_for(conn: Any, user_id: int, at: datetime) -> Subscription | None:
    """The member's active subscription (the one that ends last)."""
    found = sql.row(
        conn,
        f"SELECT {_COLUMNS} FROM subscriptions s WHERE s.user_id = :u AND {active('s')}"
        " ORDER BY s.ends_at DESC LIMIT 1",
        {"u": user_id, "at": at},
    )
    return None if found is None else subscription_from(found)


def active_by_user(conn: Any, at: datetime) -> dict[int, Subscription]:
    """Every member's active subscription, in one query (the one ending last wins)."""
    found = sql.rows(
        conn,
        f"SELECT {_COLUMNS} FROM subscriptions s WHERE {active('s')} ORDER BY s.ends_at",
        {"at": at},
    )
    return {r[1]: subscription_from(r) for r in found}


def by_id(conn: Any, subscription_id: int) -> Subscription:
    return subscription_from(
        sql.row(
            conn,
            f"SELECT {_COLUMNS} FROM subscriptions s WHERE s.id = :id",
            {"id": subscription_id},
        )
    )


def insert(
    conn: Any, user_id: int, plan: str, starts_at: datetime, ends_at: datetime, source: str
) -> int:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import subscriptions

    return int(
        conn.execute(
            insert_(subscriptions)
            .values(user_id=user_id, plan=plan, starts_at=starts_at, ends_at=ends_at, source=source)
            .returning(subscriptions.c.id)
        ).scalar_one()
    )


def set_end(conn: Any, subscription_id: int, ends_at: datetime) -> None:
    from sqlalchemy import update

    from gongwen.store.platform_schema import subscriptions

    conn.execute(
        update(subscriptions).where(subscriptions.c.id == subscription_id).values(ends_at=ends_at)
    )


def revoke_all(conn: Any, user_id: int) -> int:
    from sqlalchemy import update

    from gongwen.store.platform_schema import subscriptions

    return int(
        conn.execute(
            update(subscriptions)
            .where(subscriptions.c.user_id == user_id, subscriptions.c.revoked_at.is_(None))
            .values(revoked_at=now())
        ).rowcount
    )


# Redeem codes (卡密) ---------------------------------------------------------------------------


def insert_codes(conn: Any, rows: list[dict[str, Any]]) -> None:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import redeem_codes

    conn.execute(insert_(redeem_codes), rows)


def code(conn: Any, code_hash: str) -> tuple[str, str, int | None] | None:
    """(plan, hint, redeemed_by) of a code, or None if there is no such code."""
    found = sql.row(
        conn,
        "SELECT plan, hint, redeemed_by FROM redeem_codes WHERE code_hash = :h",
        {"h": code_hash},
    )
    return None if found is None else (found[0], found[1], found[2])


def claim_code(conn: Any, code_hash: str, user_id: int) -> bool:
    """Mark a code redeemed; False if someone was first (a conditional update: a double click
    loses cleanly)."""
    from sqlalchemy import update

    from gongwen.store.platform_schema import redeem_codes

    return bool(
        conn.execute(
            update(redeem_codes)
            .where(redeem_codes.c.code_hash == code_hash, redeem_codes.c.redeemed_by.is_(None))
            .values(redeemed_by=user_id, redeemed_at=now())
        ).rowcount
    )


def code_status(conn: Any, limit: int = 500) -> list[dict[str, object]]:
    return [
        {
            "hint": hint,
            "plan": plan,
            "created_at": sql.when(created),
            "redeemed_by": by,
            "redeemed_at": sql.when(at),
        }
        for hint, plan, created, by, at in sql.rows(
            conn,
            "SELECT hint, plan, created_at, redeemed_by, redeemed_at FROM redeem_codes"
            " ORDER BY created_at DESC LIMIT :n",
            {"n": limit},
        )
    ]
