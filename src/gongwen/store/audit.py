"""The audit log: append-only (the database refuses UPDATE and DELETE on it)."""

from __future__ import annotations

import json
from typing import Any

from gongwen.model.member import OPERATOR_ID
from gongwen.model.platform import AuditEntry
from gongwen.store import sql
from gongwen.util.clock import now


def record(
    conn: Any,
    actor_id: int | None,
    action: str,
    target: str = "",
    detail: dict[str, object] | None = None,
    flagged: bool = False,
) -> None:
    """Append one entry, inside the caller's transaction (so it lands with what it describes).
    The command-line operator is recorded without a user id."""
    from sqlalchemy import insert

    from gongwen.store.platform_schema import audit_log

    conn.execute(
        insert(audit_log).values(
            at=now(),
            actor_id=None if actor_id == OPERATOR_ID else actor_id,
            action=action,
            target=target,
            detail=json.dumps(detail or {}, ensure_ascii=False, default=str),
            flagged=flagged,
        )
    )


def entries(
    conn: Any, *, action: str | None = None, flagged: bool | None = None, limit: int = 200
) -> list[AuditEntry]:
    params: dict[str, Any] = {"n": limit}
    where = ["1 = 1"]
    if action:
        where.append("a.action = :action")
        params["action"] = action
    if flagged is not None:
        where.append("a.flagged = :flagged")
        params["flagged"] = flagged
    return [
        AuditEntry(r[0], sql.at(r[1]), r[2] or "", r[3], r[4], json.loads(r[5] or "{}"), bool(r[6]))
        for r in sql.rows(
            conn,
            "SELECT a.id, a.at, u.email, a.action, a.target, a.detail, a.flagged"
            " FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
            f" WHERE {' AND '.join(where)} ORDER BY a.id DESC LIMIT :n",
            params,
        )
    ]


def addresses(
    conn: Any, actions: tuple[str, ...], *, actors: tuple[int, ...] = (), target: str = ""
) -> dict[int | None, set[str]]:
    """The client addresses (`ip` in the detail) recorded with these actions, per actor: by
    actors, or for one target (a report's id)."""
    params: dict[str, Any] = {f"a{i}": a for i, a in enumerate(actions)}
    where = [f"action IN ({', '.join(':a' + str(i) for i in range(len(actions)))})"]
    if actors:
        params.update({f"u{i}": u for i, u in enumerate(actors)})
        where.append(f"actor_id IN ({', '.join(':u' + str(i) for i in range(len(actors)))})")
    if target:
        where.append("target = :target")
        params["target"] = target
    out: dict[int | None, set[str]] = {}
    for actor, detail in sql.rows(
        conn, f"SELECT actor_id, detail FROM audit_log WHERE {' AND '.join(where)}", params
    ):
        ip = json.loads(detail or "{}").get("ip")
        if ip:
            out.setdefault(actor, set()).add(str(ip))
    return out


def details(conn: Any, action: str, target: str) -> list[dict[str, Any]]:
    """The details of the entries of one action on one target, oldest first."""
    return [
        json.loads(r[0] or "{}")
        for r in sql.rows(
            conn,
            "SELECT detail FROM audit_log WHERE action = :action AND target = :target ORDER BY id",
            {"action": action, "target": target},
        )
    ]
