"""Leak tracing's records: the marking key, and what every served copy was."""

from __future__ import annotations

import secrets
from typing import Any

from gongwen.store import sql
from gongwen.util.clock import now


def key(conn: Any) -> bytes:
    """The server's marking key, made on first use (a backup carries it: copies stay
    traceable after a restore)."""
    found = sql.scalar(conn, "SELECT secret FROM trace_keys ORDER BY id LIMIT 1")
    if found is None:
        from sqlalchemy import insert

        from gongwen.store.platform_schema import trace_keys

        conn.execute(insert(trace_keys).values(secret=secrets.token_hex(32), created_at=now()))
        found = sql.scalar(conn, "SELECT secret FROM trace_keys ORDER BY id LIMIT 1")
    return bytes.fromhex(str(found))


def existing_key(conn: Any) -> bytes | None:
    found = sql.scalar(conn, "SELECT secret FROM trace_keys ORDER BY id LIMIT 1")
    return None if found is None else bytes.fromhex(str(found))


def served_file(conn: Any, sha256: str) -> tuple[int, int, int] | None:
    """(member, material, revision) of the copy whose file had this SHA-256."""
    row = sql.row(
        conn,
        "SELECT user_id, material_id, revision_id FROM downloads WHERE sha256 = :h"
        " ORDER BY id LIMIT 1",
        {"h": sha256},
    )
    return (int(row[0]), int(row[1]), int(row[2])) if row else None


def recipients(conn: Any, material_ids: list[int]) -> list[tuple[int, int, int]]:
    """(member, material, revision) of every copy of these materials ever served."""
    if not material_ids:
        return []
    return [
        (int(u), int(m), int(r))
        for u, m, r in sql.rows(
            conn,
            "SELECT DISTINCT user_id, material_id, revision_id FROM downloads"
            " WHERE material_id IN (:ids)",
            {"ids": sql.in_list(material_ids)},
        )
    ]


def emails(conn: Any, member_ids: list[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    return {
        int(i): str(e)
        for i, e in sql.rows(
            conn, "SELECT id, email FROM users WHERE id IN (:ids)", {"ids": sql.in_list(member_ids)}
        )
    }


def revision_number(conn: Any, revision_id: int) -> int | None:
    return sql.scalar(  # type: ignore[no-any-return]
        conn, "SELECT number FROM revisions WHERE id = :r", {"r": revision_id}
    )
