"""Audit log: append-only (the database refuses UPDATE and DELETE on it)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from gongwen.library import Library
from gongwen.store.platform_schema import audit_log, users
from gongwen.util.clock import aware, now


def record(
    conn: Connection,
    actor_id: int | None,
    action: str,
    target: str = "",
    detail: dict[str, object] | None = None,
    flagged: bool = False,
) -> None:
    """Append one entry, inside the caller's transaction (so it lands with what it describes)."""
    conn.execute(
        insert(audit_log).values(
            at=now(),
            actor_id=actor_id,
            action=action,
            target=target,
            detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
            flagged=flagged,
        )
    )


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, object]
    flagged: bool


def entries(
    lib: Library, *, action: str | None = None, flagged: bool | None = None, limit: int = 200
) -> list[AuditEntry]:
    query = (
        select(audit_log, users.c.email)
        .outerjoin(users, users.c.id == audit_log.c.actor_id)
        .order_by(audit_log.c.id.desc())
        .limit(limit)
    )
    if action:
        query = query.where(audit_log.c.action == action)
    if flagged is not None:
        query = query.where(audit_log.c.flagged == flagged)
    with lib.engine.connect() as conn:
        return [
            AuditEntry(
                r.id,
                aware(r.at),
                r.email or "",
                r.action,
                r.target,  # type: ignore[arg-type]
                json.loads(r.detail or "{}"),
                r.flagged,
            )
            for r in conn.execute(query)
        ]
