"""The download log: who received which revision, when, in which format."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongwen.store import sql
from gongwen.util.clock import now


def count_since(conn: Any, user_id: int, since: datetime) -> int:
    return int(
        sql.scalar(
            conn,
            "SELECT count(*) FROM downloads WHERE user_id = :u AND at >= :since",
            {"u": user_id, "since": since},
        )
    )


def insert(conn: Any, user_id: int, material_id: int, revision_id: int, fmt: str) -> None:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import downloads

    conn.execute(
        insert_(downloads).values(
            user_id=user_id, material_id=material_id, revision_id=revision_id, format=fmt, at=now()
        )
    )


def downloaders(conn: Any, material_id: int) -> set[int]:
    return {
        r[0]
        for r in sql.rows(
            conn,
            "SELECT DISTINCT user_id FROM downloads WHERE material_id = :m",
            {"m": material_id},
        )
    }
