"""Reads that arrange the catalogue for a page: related materials, counts of what is new."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongwen.store import sql
from gongwen.store.index import VISIBLE
from gongwen.store.materials import MATERIAL_ROW_SQL, MaterialRow, row_of


def related_ids(
    conn: Any, material_id: int, visible_at: datetime | None, limit: int = 6
) -> list[int]:
    """Materials like this one, for a writer: the same organisation's other documents of the
    same type first, then the same kind of organisation's, then any organisation's of the same
    type and half-year; the same half-year before the other, nearest year first. Other
    editions of the same document (its family) are not repeated. Indexed lookups
    (ix_materials_related_org, ix_materials_related_kind): no scan."""
    me = sql.row(
        conn,
        "SELECT organisation, organisation_kind, doc_type, period, year, family FROM materials"
        " WHERE id = :m",
        {"m": material_id},
    )
    if me is None:
        return []
    organisation, kind, doc_type, period, year, family = me
    params: dict[str, Any] = {
        "m": material_id,
        "org": organisation,
        "kind": kind,
        "type": doc_type,
        "period": period,
        "year": year or 0,
        "family": family,
        "limit": limit,
    }
    visible = ""
    if visible_at is not None:
        visible = f" AND {VISIBLE}"
        params["visible_at"] = visible_at
    order = (
        " ORDER BY CASE WHEN m.period <> '' AND m.period = :period THEN 0 ELSE 1 END,"
        " abs(coalesce(m.year, 0) - :year), m.id DESC LIMIT :limit"
    )
    common = f" AND m.id <> :m AND (m.family = '' OR m.family <> :family){visible}"
    # The same organisation's, then the same kind's, then other organisations' of the same
    # half-year (上半年工作总结): each lookup only while the list is short, and only with a value.
    lookups = (
        (organisation, "m.organisation = :org AND m.doc_type = :type"),
        (kind, "m.doc_type = :type AND m.organisation_kind = :kind"),
        (period, "m.doc_type = :type AND m.period = :period"),
    )
    ids: list[int] = []
    for value, where in lookups:
        if len(ids) >= limit or not value:
            continue
        params["limit"] = limit + len(ids)
        found = sql.rows(conn, f"SELECT m.id FROM materials m WHERE {where}{common}{order}", params)
        ids += [r[0] for r in found if r[0] not in ids]
    return ids[:limit]


def rows_by_id(conn: Any, ids: list[int], visible_at: datetime | None) -> list[MaterialRow]:
    """The materials of `ids` in that order; with `visible_at`, only those members can see."""
    if not ids:
        return []
    params: dict[str, Any] = {"ids": sql.in_list(ids)}
    where = "m.id IN (:ids)"
    if visible_at is not None:
        where += f" AND {VISIBLE}"
        params["visible_at"] = visible_at
    rows = {r[0]: row_of(r) for r in sql.rows(conn, f"{MATERIAL_ROW_SQL} WHERE {where}", params)}
    return [rows[i] for i in ids if i in rows]


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


def top_level_sections(
    conn: Any,
    visible_at: datetime | None,
    doc_type: str | None,
    organisation_kind: str | None,
    period: str | None,
    limit: int = 400,
) -> list[tuple[int, int, str, str]]:
    """(material id, order, section kind, heading) of the first-level sections of the newest
    `limit` current materials with those facets (empty/None = any)."""
    params: dict[str, Any] = {"limit": limit}
    where = ["1 = 1"]
    for column, value in (
        ("doc_type", doc_type),
        ("organisation_kind", organisation_kind),
        ("period", period),
    ):
        if value:
            where.append(f"m.{column} = :{column}")
            params[column] = value
    if visible_at is not None:
        where.append(VISIBLE)
        params["visible_at"] = visible_at
    return [
        (r[0], r[1], r[2], r[3])
        for r in sql.rows(
            conn,
            "SELECT m.id, s.ord, s.kind, s.heading FROM sections s"
            " JOIN (SELECT m.id, m.current_revision_id FROM materials m"
            f" WHERE {' AND '.join(where)} ORDER BY m.id DESC LIMIT :limit) m"
            " ON s.revision_id = m.current_revision_id"
            " WHERE s.level = 1 ORDER BY m.id, s.ord",
            params,
        )
    ]


def paragraph_sources(
    conn: Any, paragraph_ids: list[int]
) -> dict[int, tuple[str, int, str, Any, int, int]]:
    """paragraph id -> (text, material id, material title, published_at, revision id, ord)
    for current revisions' body paragraphs."""
    if not paragraph_ids:
        return {}
    return {
        r[0]: (r[1], r[2], r[3], sql.when(r[4]), int(r[5]), int(r[6]))
        for r in sql.rows(
            conn,
            "SELECT p.id, p.text, m.id, m.title, m.published_at, p.revision_id, p.ord"
            " FROM paragraphs p JOIN materials m ON m.current_revision_id = p.revision_id"
            " WHERE p.id IN (:ids) AND p.kind = 'body'",
            {"ids": sql.in_list(paragraph_ids)},
        )
    }
