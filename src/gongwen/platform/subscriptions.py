"""Subscriptions: grant, extend, revoke, redeem codes.

A member may read a material when they hold an active subscription whose window covers the
material's publication date: from 3 years before the subscription started until it ends
(`access.covers`). Extending an active subscription moves its end; it does not start a new
window.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from gongwen.errors import InvalidInput, NotFound
from gongwen.library import Library
from gongwen.model.member import Member, Subscription
from gongwen.platform.access import covers, require_admin, require_member
from gongwen.platform.accounts import token_hash
from gongwen.platform.plans import add_months, plan_months
from gongwen.store import accounts as users
from gongwen.store import audit
from gongwen.store import subscriptions as store
from gongwen.util.clock import now

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: codes are typed by hand
SOURCES = ("grant", "code", "reward")

__all__ = [
    "active_by_user",
    "active_subscription",
    "code_status",
    "covers",
    "create_codes",
    "grant",
    "normalise_code",
    "redeem",
    "revoke",
]


def active_subscription(
    lib: Library, user_id: int, at: datetime | None = None
) -> Subscription | None:
    with lib.db.read() as conn:
        return store.active_for(conn, user_id, at or now())


def active_by_user(lib: Library, actor: Member) -> dict[int, Subscription]:
    """Every member's active subscription, in one query (the admin's user list)."""
    require_admin(actor)
    with lib.db.read() as conn:
        return store.active_by_user(conn, now())


def _grant(
    conn: Any,
    user_id: int,
    plan: str,
    start: datetime | None,
    source: str,
    actor_id: int | None,
) -> Subscription:
    months = plan_months(plan)
    current = store.active_for(conn, user_id, now())
    if current is not None and start is None:
        new_end = add_months(current.ends_at, months)
        store.set_end(conn, current.id, new_end)
        audit.record(
            conn,
            actor_id,
            "subscription.extend",
            str(user_id),
            {"plan": plan, "ends_at": new_end, "source": source},
        )
        return store.by_id(conn, current.id)
    starts = start or now()
    sub_id = store.insert(conn, user_id, plan, starts, add_months(starts, months), source)
    audit.record(
        conn,
        actor_id,
        "subscription.grant",
        str(user_id),
        {"plan": plan, "starts_at": starts, "source": source},
    )
    return store.by_id(conn, sub_id)


def extend_days(conn: Any, user_id: int, days: int, source: str, actor_id: int | None) -> None:
    """Add `days` of membership (a reward): to the active subscription, or from now."""
    current = store.active_for(conn, user_id, now())
    if current is not None:
        ends = current.ends_at + timedelta(days=days)
        store.set_end(conn, current.id, ends)
        action = "subscription.extend"
    else:
        starts = now()
        ends = starts + timedelta(days=days)
        store.insert(conn, user_id, "year", starts, ends, source)
        action = "subscription.grant"
    audit.record(
        conn, actor_id, action, str(user_id), {"days": days, "ends_at": ends, "source": source}
    )


def grant(
    lib: Library,
    actor: Member,
    user_id: int,
    plan: str,
    *,
    start: datetime | None = None,
    source: str = "grant",
) -> Subscription:
    """Give a plan: extends the active subscription, or starts one (at `start`, default now)."""
    require_admin(actor)
    if source not in SOURCES:
        raise InvalidInput("source", f"来源只能是 {', '.join(SOURCES)}")
    with lib.db.write() as conn:
        if users.by_id(conn, user_id) is None:
            raise NotFound(f"没有编号为 {user_id} 的用户")
        return _grant(conn, user_id, plan, start, source, actor.id)


def revoke(lib: Library, actor: Member, user_id: int) -> int:
    require_admin(actor)
    with lib.db.write() as conn:
        count = store.revoke_all(conn, user_id)
        audit.record(conn, actor.id, "subscription.revoke", str(user_id))
        return count


# Redeem codes (卡密) ---------------------------------------------------------------------------


def create_codes(lib: Library, actor: Member, plan: str, count: int) -> list[str]:
    """New one-time codes; only their hashes are stored, so this is the only time they are seen."""
    require_admin(actor)
    plan_months(plan)
    if not 1 <= count <= 10_000:
        raise InvalidInput("count", "数量须在 1 到 10000 之间")
    codes = [
        "-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(count)
    ]
    with lib.db.write() as conn:
        store.insert_codes(
            conn,
            [
                {
                    "code_hash": token_hash(c),
                    "hint": c[-4:],
                    "plan": plan,
                    "created_by": None if actor.is_operator else actor.id,
                    "created_at": now(),
                }
                for c in codes
            ],
        )
        audit.record(conn, actor.id, "codes.create", plan, {"count": count})
    return codes


def normalise_code(code: str) -> str:
    cleaned = "".join(ch for ch in code.upper() if ch.isascii() and ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def redeem(lib: Library, member: Member, code: str) -> Subscription:
    """Turn a code into a subscription (or an extension). A code works once."""
    require_member(member)
    digest = token_hash(normalise_code(code))
    with lib.db.read() as conn:
        known = store.code(conn, digest)
    if known is None:
        # Logged in a transaction of its own: the refusal must not roll the entry back.
        with lib.db.write() as conn:
            audit.record(
                conn,
                member.id,
                "codes.redeem_failed",
                "",
                {"hint": normalise_code(code)[-4:]},
                flagged=True,
            )
        raise InvalidInput("code", "卡密无效")
    plan, hint, _ = known
    with lib.db.write() as conn:
        if not store.claim_code(conn, digest, member.id):
            raise InvalidInput("code", "该卡密已被使用")
        sub = _grant(conn, member.id, plan, None, "code", member.id)
        audit.record(conn, member.id, "codes.redeem", hint, {"plan": plan})
        return sub


def code_status(lib: Library, actor: Member) -> list[dict[str, object]]:
    require_admin(actor)
    with lib.db.read() as conn:
        return store.code_status(conn)
