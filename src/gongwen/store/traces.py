"""Leak tracing's records: the marking key, and what every served copy was."""

from __future__ import annotations

import secrets
from typing import Any

from gongwen.store import sql
from gongwen.util.clock import now

LEGACY_VERSION = "2026.12-2"  # the site lists and copies from before lists were versioned


def key(conn: Any) -> bytes:
    """The server's marking key, made on first use (a backup carries it: copies stay
    traceable after a restore)."""
    found = sql.scalar(conn, "SELECT secret FROM trace_keys ORDER BY id LIMIT 1")
    if found is None:
        from sqlalchemy import insert

        from gongwen.store.platform_schema import trace_keys

        conn.execute(insert(trace_keys).values(secret=secrets.token_hex(32), created_at=now()))
        found = sql.scalar(conn, "SELECT secret FROM trace_keys ORDER BY id LIMIT 1")
    return bytes.fromhex(str(found))


def existing_key(conn: Any) -> bytes | None:
    found = sql.scalar(conn, "SELECT secret FROM trace_keys ORDER BY id LIMIT 1")
    return None if found is None else bytes.fromhex(str(found))


def served_file(conn: Any, sha256: str) -> tuple[int, int, int] | None:
    """(member, material, revision) of the copy whose file had this SHA-256."""
    row = sql.row(
        conn,
        "SELECT user_id, material_id, revision_id FROM downloads WHERE sha256 = :h"
        " ORDER BY id LIMIT 1",
        {"h": sha256},
    )
    return (int(row[0]), int(row[1]), int(row[2])) if row else None


def recipients(conn: Any, material_ids: list[int]) -> list[tuple[int, int, int, str]]:
    """(member, material, revision, site list version) of every copy of these materials ever
    served: downloaded or drafted (`downloads`) and read on a page, through the API or as a
    search passage (`copy_reads`). Copies logged before versions were recorded: the legacy
    version."""
    if not material_ids:
        return []
    return sorted(
        {
            (int(u), int(m), int(r), str(v or LEGACY_VERSION))
            for u, m, r, v in sql.rows(
                conn,
                "SELECT DISTINCT user_id, material_id, revision_id, sites_version FROM downloads"
                " WHERE material_id IN (:ids)"
                " UNION SELECT DISTINCT user_id, material_id, revision_id, sites_version"
                " FROM copy_reads WHERE material_id IN (:ids) AND kind <> 'editor'",
                {"ids": sql.in_list(material_ids)},
            )
        }
    )


def emails(conn: Any, member_ids: list[int]) -> dict[int, str]:
    if not member_ids:
        return {}
    return {
        int(i): str(e)
        for i, e in sql.rows(
            conn, "SELECT id, email FROM users WHERE id IN (:ids)", {"ids": sql.in_list(member_ids)}
        )
    }


def revision_number(conn: Any, revision_id: int) -> int | None:
    return sql.scalar(  # type: ignore[no-any-return]
        conn, "SELECT number FROM revisions WHERE id = :r", {"r": revision_id}
    )


def frozen_sites(conn: Any, revision_id: int, version: str) -> str | None:
    """The JSON site list a revision's copies under catalogue `version` were made with, once
    the first was made."""
    return sql.scalar(  # type: ignore[no-any-return]
        conn,
        "SELECT sites FROM revision_site_lists WHERE revision_id = :r AND version = :v",
        {"r": revision_id, "v": version},
    )


def page_template(conn: Any, revision_id: int, version: str) -> tuple[str, str | None] | None:
    """(the frozen site list, the stored page template or None) of a revision under a catalogue
    version, in one read; None when the list is not frozen yet."""
    found = sql.row(
        conn,
        "SELECT sites, template FROM revision_site_lists WHERE revision_id = :r AND version = :v",
        {"r": revision_id, "v": version},
    )
    return (str(found[0]), None if found[1] is None else str(found[1])) if found else None


def keep_template(conn: Any, revision_id: int, version: str, template: str) -> None:
    """Store a revision's page template beside its frozen list (processes that make one at once
    make the same one; a template of an older layout is replaced)."""
    from sqlalchemy import update

    from gongwen.store.platform_schema import revision_sites

    conn.execute(
        update(revision_sites)
        .where(
            revision_sites.c.revision_id == revision_id,
            revision_sites.c.version == version,
        )
        .values(template=template)
    )


def frozen_versions(conn: Any, revision_id: int) -> list[str]:
    """The catalogue versions a revision has a frozen site list for, oldest first."""
    return [
        str(v)
        for (v,) in sql.rows(
            conn,
            "SELECT version FROM revision_site_lists WHERE revision_id = :r ORDER BY frozen_at",
            {"r": revision_id},
        )
    ]


def freeze_sites(conn: Any, revision_id: int, version: str, sites_json: str) -> str:
    """Keep the site list of a revision under a catalogue version; the first process to do so
    wins (on either database a concurrent second insert does nothing). Returns the list kept."""
    from sqlalchemy.dialects import postgresql, sqlite

    from gongwen.store.platform_schema import revision_sites

    insert = sqlite.insert if conn.dialect.name == "sqlite" else postgresql.insert
    conn.execute(
        insert(revision_sites)
        .values(revision_id=revision_id, version=version, sites=sites_json, frozen_at=now())
        .on_conflict_do_nothing(index_elements=["revision_id", "version"])
    )
    return frozen_sites(conn, revision_id, version) or sites_json


def vetoes(conn: Any, revision_id: int) -> set[int]:
    return {
        int(s)
        for (s,) in sql.rows(
            conn, "SELECT start FROM site_vetoes WHERE revision_id = :r", {"r": revision_id}
        )
    }


def set_vetoes(conn: Any, revision_id: int, starts: set[int], editor_id: int) -> None:
    from sqlalchemy import delete, insert

    from gongwen.store.platform_schema import site_vetoes

    conn.execute(delete(site_vetoes).where(site_vetoes.c.revision_id == revision_id))
    if starts:
        conn.execute(
            insert(site_vetoes),
            [
                {
                    "revision_id": revision_id,
                    "start": s,
                    "vetoed_by": editor_id,
                    "created_at": now(),
                }
                for s in sorted(starts)
            ],
        )


def additions(conn: Any) -> list[tuple[str, str]]:
    return [
        (str(a), str(b))
        for a, b in sql.rows(conn, "SELECT form_a, form_b FROM site_additions ORDER BY id")
    ]


def add_pair(conn: Any, form_a: str, form_b: str, editor_id: int) -> None:
    from sqlalchemy import insert

    from gongwen.store.platform_schema import site_additions

    conn.execute(
        insert(site_additions).values(
            form_a=form_a, form_b=form_b, approved_by=editor_id, created_at=now()
        )
    )


def unprepared_revisions(conn: Any, version: str) -> list[tuple[int, int]]:
    """(material, revision number) of current revisions with no site list frozen under
    catalogue `version` yet, or no page template stored with it."""
    return [
        (int(m), int(n))
        for m, n in sql.rows(
            conn,
            "SELECT m.id, r.number FROM materials m JOIN revisions r ON r.id = m.current_revision_id"
            " LEFT JOIN revision_site_lists s ON s.revision_id = r.id AND s.version = :v"
            " WHERE s.revision_id IS NULL OR s.template IS NULL ORDER BY m.id",
            {"v": version},
        )
    ]
