"""Reads that arrange the catalogue for a page: related materials, counts of what is new."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongwen.store import sql
from gongwen.store.index import VISIBLE
from gongwen.store.materials import MATERIAL_ROW_SQL, MaterialRow, row_of


def related(
    conn: Any, material_id: int, visible_at: datetime | None, limit: int = 6
) -> list[MaterialRow]:
    """Materials like this one, for a writer: the same organisation's other documents first,
    then the same kind of organisation and document type, the same half-year; nearest year
    first. Other editions of the same document (its family) are not repeated here."""
    params: dict[str, Any] = {"m": material_id, "limit": limit}
    visible = ""
    if visible_at is not None:
        visible = f" AND {VISIBLE}"
        params["visible_at"] = visible_at
    score = (
        "(CASE WHEN m.organisation <> '' AND m.organisation = t.organisation THEN 4 ELSE 0 END"
        " + CASE WHEN m.organisation_kind <> '' AND m.organisation_kind = t.organisation_kind"
        " THEN 2 ELSE 0 END"
        " + CASE WHEN m.doc_type = t.doc_type THEN 2 ELSE 0 END"
        " + CASE WHEN m.period <> '' AND m.period = t.period THEN 1 ELSE 0 END)"
    )
    return [
        row_of(r)
        for r in sql.rows(
            conn,
            f"{MATERIAL_ROW_SQL} JOIN materials t ON t.id = :m"
            " WHERE m.id <> t.id AND (m.family = '' OR m.family <> t.family)"
            f" AND m.doc_type = t.doc_type AND {score} >= 3{visible}"
            f" ORDER BY {score} DESC,"
            " abs(coalesce(m.year, 0) - coalesce(t.year, 0)), m.id DESC LIMIT :limit",
            params,
        )
    ]


def count_since(conn: Any, since: datetime, visible_at: datetime | None) -> int:
    """Materials published after `since` (visible ones only, with `visible_at`)."""
    params: dict[str, Any] = {"since": since}
    where = "m.published_at > :since"
    if visible_at is not None:
        where += f" AND {VISIBLE}"
        params["visible_at"] = visible_at
    return int(sql.scalar(conn, f"SELECT count(*) FROM materials m WHERE {where}", params))


def type_counts(conn: Any, visible_at: datetime | None) -> list[tuple[str, int]]:
    """Document types by how many materials have them, most first."""
    params: dict[str, Any] = {}
    where = "m.doc_type <> ''"
    if visible_at is not None:
        where += f" AND {VISIBLE}"
        params["visible_at"] = visible_at
    return [
        (t, int(n))
        for t, n in sql.rows(
            conn,
            f"SELECT m.doc_type, count(*) FROM materials m WHERE {where}"
            " GROUP BY m.doc_type ORDER BY count(*) DESC, m.doc_type",
            params,
        )
    ]
