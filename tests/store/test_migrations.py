"""The migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import gongwen.store.platform_schema  # noqa: F401
from gongwen.library import Library
from gongwen.store.schema import metadata


def test_migrated_schema_matches_the_tables_in_code(lib: Library) -> None:
    with lib.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        diff = compare_metadata(ctx, metadata)
    # para_terms exists only on PostgreSQL; FTS5 shadow tables only on SQLite.
    relevant = [
        d
        for d in diff
        if not (d[0] == "add_table" and d[1].name == "para_terms")
        and not (d[0] == "remove_table" and str(d[1].name).startswith("para_fts"))
        and not (d[0] == "remove_index" and d[1].name.startswith("ix_para_terms"))
    ]
    assert relevant == []


def test_audit_log_is_append_only(lib: Library) -> None:
    import pytest
    from sqlalchemy import insert, text
    from sqlalchemy.exc import DatabaseError

    from gongwen.store.platform_schema import audit_log
    from gongwen.util.clock import now

    with lib.engine.begin() as conn:
        conn.execute(insert(audit_log).values(at=now(), action="test", target="x", detail="{}"))
    for statement in ("UPDATE audit_log SET action = 'forged'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"), lib.engine.begin() as conn:
            conn.execute(text(statement))
