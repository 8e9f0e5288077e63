"""The audit log, as admins read it (entries are written by the store, inside each action's
own transaction)."""

from __future__ import annotations

from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.model.platform import AuditEntry
from gongwen.platform.access import require_admin
from gongwen.store import audit as store


def entries(
    lib: Library,
    actor: Member,
    *,
    action: str | None = None,
    flagged: bool | None = None,
    limit: int = 200,
) -> list[AuditEntry]:
    require_admin(actor)
    with lib.db.read() as conn:
        return store.entries(conn, action=action, flagged=flagged, limit=limit)
