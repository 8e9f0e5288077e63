"""Users and sessions (failed logins are counted in limit_hits: store/limits.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from gongwen.model.member import Member, Role, Subscription
from gongwen.store import sql
from gongwen.store.subscriptions import active, subscription_from
from gongwen.util.clock import now

_USER = (
    "SELECT u.id, u.email, u.role, u.suspended_at, u.last_seen_at, u.previous_seen_at,"
    " u.created_at, u.password_hash, u.suspended_reason FROM users u"
)


@dataclass(frozen=True, slots=True)
class UserRow:
    member: Member
    created_at: datetime | None
    password_hash: str
    suspended_reason: str


def _user(r: Any) -> UserRow:
    member = Member(r[0], r[1], Role(r[2]), r[3] is not None, sql.when(r[4]), sql.when(r[5]))
    return UserRow(member, sql.when(r[6]), r[7], r[8])


def by_id(conn: Any, user_id: int) -> UserRow | None:
    found = sql.row(conn, f"{_USER} WHERE u.id = :id", {"id": user_id})
    return None if found is None else _user(found)


def by_email(conn: Any, email: str) -> UserRow | None:
    found = sql.row(conn, f"{_USER} WHERE u.email = :email", {"email": email})
    return None if found is None else _user(found)


def by_feed_token(conn: Any, token_hash: str) -> UserRow | None:
    found = sql.row(conn, f"{_USER} WHERE u.feed_token_hash = :t", {"t": token_hash})
    return None if found is None else _user(found)


def all_users(conn: Any, limit: int = 500) -> list[Member]:
    return [
        _user(r).member for r in sql.rows(conn, f"{_USER} ORDER BY u.id LIMIT :n", {"n": limit})
    ]


def has_admin(conn: Any) -> Member | None:
    found = sql.row(conn, f"{_USER} WHERE u.role = 'admin' ORDER BY u.id LIMIT 1")
    return None if found is None else _user(found).member


def insert(conn: Any, email: str, password_hash: str, role: Role) -> int | None:
    """A new user's id, or None when the email is taken (the database decides, so two
    concurrent sign-ups with one address cannot both succeed)."""
    from sqlalchemy import text

    return conn.execute(  # type: ignore[no-any-return]
        text(
            "INSERT INTO users (email, password_hash, role, suspended_reason)"
            " VALUES (:email, :hash, :role, '') ON CONFLICT (email) DO NOTHING RETURNING id"
        ),
        {"email": email, "hash": password_hash, "role": str(role)},
    ).scalar()


def update_user(conn: Any, user_id: int, **values: Any) -> bool:
    from sqlalchemy import update

    from gongwen.store.platform_schema import users

    return bool(conn.execute(update(users).where(users.c.id == user_id).values(**values)).rowcount)


def lock(conn: Any, user_ids: list[int]) -> None:
    """Hold these users' rows until the transaction ends (PostgreSQL: in id order, so two
    transactions locking overlapping sets cannot deadlock; NO KEY UPDATE, so rows that merely
    refer to a user, like a new session, are not held up). SQLite has one writer: a write
    transaction holds the database's write lock once it has written."""
    if not user_ids or sql.is_sqlite(conn):
        return
    sql.rows(
        conn,
        "SELECT id FROM users WHERE id IN (:ids) ORDER BY id FOR NO KEY UPDATE",
        {"ids": sql.in_list(sorted(set(user_ids)))},
    )


def suspend(conn: Any, user_id: int, reason: str) -> bool:
    """Suspend an account and end its sessions at once."""
    done = update_user(conn, user_id, suspended_at=now(), suspended_reason=reason)
    end_sessions(conn, user_id)
    return done


# Sessions -------------------------------------------------------------------------------------


def insert_session(
    conn: Any, token_hash: str, user_id: int, csrf: str, expires_at: datetime
) -> None:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import sessions

    conn.execute(
        insert_(sessions).values(
            token_hash=token_hash,
            user_id=user_id,
            csrf_token=csrf,
            created_at=now(),
            expires_at=expires_at,
        )
    )


def end_session(conn: Any, token_hash: str) -> None:
    from sqlalchemy import delete

    from gongwen.store.platform_schema import sessions

    conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))


def end_sessions(conn: Any, user_id: int) -> None:
    from sqlalchemy import delete

    from gongwen.store.platform_schema import sessions

    conn.execute(delete(sessions).where(sessions.c.user_id == user_id))


@dataclass(frozen=True, slots=True)
class SessionRow:
    member: Member
    subscription: Subscription | None
    csrf: str
    expires_at: datetime


_SESSION = (
    f"{_USER.replace('FROM users u', '')}, s.csrf_token, s.expires_at,"
    " b.id, b.user_id, b.plan, b.starts_at, b.ends_at, b.source"
    " FROM sessions s JOIN users u ON u.id = s.user_id"
    f" LEFT JOIN subscriptions b ON b.user_id = u.id AND {active('b')}"
    " WHERE s.token_hash = :token_hash ORDER BY b.ends_at DESC LIMIT 1"
)


def session(conn: Any, token_hash: str, at: datetime) -> SessionRow | None:
    """The session's member, CSRF token and active subscription, in one query."""
    found = sql.row(conn, _SESSION, {"token_hash": token_hash, "at": at})
    if found is None:
        return None
    user = _user(found)
    subscription = subscription_from(found[11:]) if found[11] is not None else None
    return SessionRow(user.member, subscription, found[9], sql.at(found[10]))


def begin_visit(conn: Any, user_id: int) -> None:
    """Remember where the previous visit ended, for "new since your last visit"."""
    from sqlalchemy import func, update

    from gongwen.store.platform_schema import users

    conn.execute(
        update(users)
        .where(users.c.id == user_id)
        .values(
            previous_seen_at=func.coalesce(users.c.last_seen_at, users.c.created_at),
            last_seen_at=now(),
        )
    )
