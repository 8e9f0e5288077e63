"""The search index's outbox: revisions whose index documents may be out of date.

A change to a material (a new revision, new metadata, retirement, a new publication time) marks
the revisions it touches in `search_queue`, inside the same database transaction as the change.
The index (store/index/engine.py) later makes its documents of those revisions match what the
database says then, and removes the rows it has applied. A crash between the two loses nothing:
the rows stay and are applied again (applying is idempotent).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from gongwen.store import sql


def mark(conn: Any, revision_ids: Iterable[int | None]) -> None:
    """Queue revisions for (re)indexing, inside the caller's transaction."""
    ids = sorted({r for r in revision_ids if r is not None})
    if not ids:
        return
    mark_ = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    conn.exec_driver_sql(
        f"INSERT INTO search_queue (revision_id) VALUES ({mark_})", [(r,) for r in ids]
    )


def pending(conn: Any, limit: int | None = None) -> list[tuple[int, int]]:
    """Queued (row id, revision id), oldest first: `limit` of them, or all."""
    tail = f" LIMIT {int(limit)}" if limit is not None else ""
    return [
        (int(i), int(r))
        for i, r in sql.rows(conn, f"SELECT id, revision_id FROM search_queue ORDER BY id{tail}")
    ]


def size(conn: Any, cap: int) -> int:
    """How many rows are queued, counting no further than `cap`."""
    return int(
        sql.scalar(conn, f"SELECT COUNT(*) FROM (SELECT 1 FROM search_queue LIMIT {int(cap)}) AS q")
        or 0
    )


def done(conn: Any, ids: list[int]) -> None:
    """Remove applied rows. By id, never by range: on PostgreSQL a row with a smaller id can
    commit after a larger one was read."""
    from sqlalchemy import bindparam, text

    statement = text("DELETE FROM search_queue WHERE id IN :ids").bindparams(
        bindparam("ids", expanding=True)
    )
    for start in range(0, len(ids), 500):
        conn.execute(statement, {"ids": ids[start : start + 500]})


def identity(conn: Any) -> str:
    """This library's index identity: an index built for another one (or before a restore) is
    rebuilt."""
    return str(sql.scalar(conn, "SELECT value FROM search_identity LIMIT 1") or "")


def new_identity(conn: Any) -> str:
    """Give the library a new identity (after a restore): every index built before is stale."""
    from sqlalchemy import text

    value = uuid.uuid4().hex
    conn.execute(text("DELETE FROM search_identity"))
    conn.execute(text("INSERT INTO search_identity (value) VALUES (:v)"), {"v": value})
    return value
