"""A member's favourites (收藏): which materials, since when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongwen.store import sql
from gongwen.store.index import VISIBLE
from gongwen.store.materials import MATERIAL_ROW_SQL, MaterialRow, row_of
from gongwen.util.clock import now


def add(conn: Any, user_id: int, material_id: int) -> bool:
    """Keep a material; False when it was already kept."""
    from sqlalchemy import insert

    from gongwen.store.platform_schema import favourites

    if is_kept(conn, user_id, material_id):
        return False
    conn.execute(
        insert(favourites).values(user_id=user_id, material_id=material_id, created_at=now())
    )
    return True


def remove(conn: Any, user_id: int, material_id: int) -> bool:
    from sqlalchemy import delete

    from gongwen.store.platform_schema import favourites

    deleted = conn.execute(
        delete(favourites).where(
            favourites.c.user_id == user_id, favourites.c.material_id == material_id
        )
    )
    return bool(deleted.rowcount)


def is_kept(conn: Any, user_id: int, material_id: int) -> bool:
    return bool(
        sql.scalar(
            conn,
            "SELECT 1 FROM favourites WHERE user_id = :u AND material_id = :m",
            {"u": user_id, "m": material_id},
        )
    )


def kept(
    conn: Any, user_id: int, visible_at: datetime | None
) -> list[tuple[MaterialRow, datetime]]:
    """The member's favourites, most recently kept first; with `visible_at`, only materials
    members can see then (a retired or unpublished one drops out of the list)."""
    params: dict[str, Any] = {"u": user_id}
    where = "f.user_id = :u"
    if visible_at is not None:
        where += f" AND {VISIBLE}"
        params["visible_at"] = visible_at
    rows = sql.rows(
        conn,
        MATERIAL_ROW_SQL.replace("SELECT ", "SELECT f.created_at, ", 1)
        + f" JOIN favourites f ON f.material_id = m.id WHERE {where}"
        " ORDER BY f.created_at DESC, m.id DESC",
        params,
    )
    return [(row_of(r[1:]), sql.at(r[0])) for r in rows]
