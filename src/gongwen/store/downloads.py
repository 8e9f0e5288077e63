"""The download log: who received which revision, when, in which format."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongwen.model.platform import DownloadRecord
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


def insert(
    conn: Any,
    user_id: int,
    material_id: int,
    revision_id: int,
    fmt: str,
    sha256: str | None = None,
    sites_version: str | None = None,
) -> None:
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import downloads

    conn.execute(
        insert_(downloads).values(
            user_id=user_id,
            material_id=material_id,
            revision_id=revision_id,
            format=fmt,
            at=now(),
            sha256=sha256,
            sites_version=sites_version,
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


def history(conn: Any, user_id: int, limit: int = 200) -> list[DownloadRecord]:
    """The member's downloads, newest first (titles as they are now)."""
    return [
        DownloadRecord(mid, title or f"材料 {mid}", number or 0, fmt, sql.at(at))
        for mid, title, number, fmt, at in sql.rows(
            conn,
            "SELECT d.material_id, m.title, r.number, d.format, d.at FROM downloads d"
            " LEFT JOIN materials m ON m.id = d.material_id"
            " LEFT JOIN revisions r ON r.id = d.revision_id"
            " WHERE d.user_id = :u ORDER BY d.at DESC, d.id DESC LIMIT :limit",
            {"u": user_id, "limit": limit},
        )
    ]
