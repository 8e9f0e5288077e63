"""Material requests and their votes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from gongwen.model.platform import MaterialRequest
from gongwen.store import sql
from gongwen.store.index import VISIBLE
from gongwen.util.clock import now


def insert(conn: Any, user_id: int, title: str, body: str) -> int:
    """A new request, with its author's vote."""
    from sqlalchemy import insert as insert_

    from gongwen.store.platform_schema import material_requests, request_votes

    request_id = int(
        conn.execute(
            insert_(material_requests)
            .values(user_id=user_id, title=title, body=body, status="open", created_at=now())
            .returning(material_requests.c.id)
        ).scalar_one()
    )
    conn.execute(insert_(request_votes).values(request_id=request_id, user_id=user_id))
    return request_id


def get(conn: Any, request_id: int) -> tuple[str, int] | None:
    """(title, author id) of a request, or None."""
    found = sql.row(
        conn, "SELECT title, user_id FROM material_requests WHERE id = :id", {"id": request_id}
    )
    return None if found is None else (found[0], found[1])


def toggle_vote(conn: Any, request_id: int, user_id: int) -> bool:
    """Add the member's vote, or take it back; True when the member now votes for it."""
    from sqlalchemy import delete, text

    from gongwen.store.platform_schema import request_votes

    removed = conn.execute(
        delete(request_votes).where(
            request_votes.c.request_id == request_id, request_votes.c.user_id == user_id
        )
    ).rowcount
    if removed:
        return False
    # A concurrent double click: the vote is there either way.
    conn.execute(
        text(
            "INSERT INTO request_votes (request_id, user_id) VALUES (:r, :u) ON CONFLICT DO NOTHING"
        ),
        {"r": request_id, "u": user_id},
    )
    return True


def voters(conn: Any, request_id: int) -> set[int]:
    return {
        r[0]
        for r in sql.rows(
            conn, "SELECT user_id FROM request_votes WHERE request_id = :id", {"id": request_id}
        )
    }


def set_status(conn: Any, request_id: int, status: str, material_id: int | None) -> None:
    from sqlalchemy import update

    from gongwen.store.platform_schema import material_requests

    conn.execute(
        update(material_requests)
        .where(material_requests.c.id == request_id)
        .values(status=status, material_id=material_id)
    )


def listing(
    conn: Any, viewer_id: int | None, visible_at: datetime | None, status: str | None = None
) -> list[MaterialRequest]:
    """Requests, most voted first. The answering material is named only when it is visible at
    `visible_at` (None: the viewer edits the library and sees every material)."""
    params: dict[str, Any] = {"viewer": viewer_id if viewer_id is not None else -1}
    shown = "1 = 1"
    if visible_at is not None:
        shown = VISIBLE
        params["visible_at"] = visible_at
    where = ""
    if status:
        where = " WHERE q.status = :status"
        params["status"] = status
    found = sql.rows(
        conn,
        "SELECT q.id, q.title, q.body, q.status,"
        " (SELECT count(*) FROM request_votes v WHERE v.request_id = q.id) AS votes,"
        f" CASE WHEN m.id IS NOT NULL AND {shown} THEN m.id END,"
        f" CASE WHEN m.id IS NOT NULL AND {shown} THEN m.title END,"
        " q.created_at, q.user_id,"
        " (SELECT count(*) FROM request_votes v WHERE v.request_id = q.id AND v.user_id = :viewer)"
        " FROM material_requests q LEFT JOIN materials m ON m.id = q.material_id"
        f"{where} ORDER BY votes DESC, q.id DESC",
        params,
    )
    return [
        MaterialRequest(
            r[0],
            r[1],
            r[2],
            r[3],
            r[4],
            r[5],
            r[6] or "",
            sql.at(r[7]),
            viewer_id is not None and r[8] == viewer_id,
            bool(r[9]),
        )
        for r in found
    ]
