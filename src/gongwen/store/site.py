"""The site's editable texts (name, tagline, notice): key -> value."""

from __future__ import annotations

from typing import Any

from gongwen.store import sql
from gongwen.util.clock import now


def values(conn: Any) -> dict[str, str]:
    return dict(sql.rows(conn, "SELECT key, value FROM site_settings"))


def save(conn: Any, changes: dict[str, str], user_id: int | None) -> None:
    from sqlalchemy import delete, insert

    from gongwen.store.platform_schema import site_settings

    for key, value in changes.items():
        conn.execute(delete(site_settings).where(site_settings.c.key == key))
        conn.execute(
            insert(site_settings).values(key=key, value=value, updated_at=now(), updated_by=user_id)
        )
