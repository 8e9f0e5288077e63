"""The migrations build exactly the schema the code declares, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

import gongwen.store.platform_schema  # noqa: F401
from gongwen.library import Library
from gongwen.store.db import SCHEMA_VERSION
from gongwen.store.schema import metadata


def test_migrated_schema_matches_the_tables_in_code(lib: Library) -> None:
    with lib.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        diff = compare_metadata(ctx, metadata)
    assert diff == []


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


def test_the_schema_version_in_code_is_alembics_head() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from gongwen.store.db import MIGRATIONS

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_VERSION


def test_a_database_of_the_first_release_is_upgraded_and_reindexed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A 0001 library (body paragraphs indexed without scopes) gets its public passages and a
    rebuilt index (material documents; the old passage index is dropped) when a newer gongwen
    opens it."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from gongwen.config import Settings
    from gongwen.model.search import Scope
    from gongwen.search.service import search
    from gongwen.store.db import MIGRATIONS
    from gongwen.util.clock import now

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        body = "坚持项目为本，全年完成投资十亿元。"
        doc = f"2020年工作总结（交通局）\n一、主要工作\n{body}\n"
        conn.execute(
            text(
                "INSERT INTO materials (id, key, title, organisation, organisation_kind, period,"
                " doc_type, current_revision_id, published_at)"
                " VALUES (1, 'k', '2020年工作总结（交通局）', '交通局', '交通局', '', '工作总结', 1, :at)"
            ),
            {"at": now().strftime("%Y-%m-%d %H:%M:%S.%f")},
        )
        conn.execute(
            text(
                "INSERT INTO revisions (id, material_id, number, content_hash, source_file, text, note)"
                " VALUES (1, 1, 1, 'h', 'a.txt', :doc, '')"
            ),
            {"doc": doc},
        )
        conn.execute(
            text(
                "INSERT INTO sections (revision_id, ord, level, label, heading, kind, start)"
                " VALUES (1, 0, 1, '一、', '主要工作', '工作情况', :start)"
            ),
            {"start": doc.index("一、")},
        )
        conn.execute(
            text(
                "INSERT INTO paragraphs (id, revision_id, ord, section_ord, start, text, items)"
                " VALUES (1, 1, 0, 0, :start, :body, '')"
            ),
            {"start": doc.index(body), "body": body},
        )
        conn.execute(text("INSERT INTO para_fts(rowid, body, facets) VALUES (1, '坚持 持项', 'x')"))
    engine.dispose()
    lib = Library.open(Settings(db_url=url))
    try:
        assert lib.db.schema_version() == SCHEMA_VERSION
        visitor = Scope(at=now())
        found = search(lib, "交通局", scope=visitor)
        assert [m.title for m in found.materials] == ["2020年工作总结（交通局）"]
        assert found.hits == []  # found by its title, which heads the result
        assert [h.kind for h in search(lib, "完成投资", scope=visitor).hits] == ["preview"]
        assert [h.kind for h in search(lib, "完成投资").hits] == ["body"]
        assert [h.kind for h in search(lib, "主要工作").hits] == ["heading"]
        lib.index.check(lib.db)
        with lib.db.write() as conn:
            tables = conn.execute(
                text(
                    "SELECT name FROM sqlite_master"
                    " WHERE name LIKE 'para_fts%' OR name LIKE 'material_fts%'"
                )
            )
            assert tables.all() == []
    finally:
        lib.close()


def test_reports_paid_twice_before_0011_are_kept_and_flagged(lib: Library) -> None:
    """A database that ran the racy reward code holds two ledger rows for one report: the
    upgrade to one-reward-per-leak neither fails on them nor drops them; it records the paid
    report once, marks the stored reports traced, and flags the duplicates for the operator."""
    import json

    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from gongwen.store.db import MIGRATIONS
    from gongwen.store.types import UTCDateTime
    from gongwen.util.clock import now

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    with lib.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0010")
    when = now()
    users = sa.table(
        "users", *map(sa.column, ("id", "email", "password_hash", "role", "suspended_reason"))
    )
    reports = sa.table(
        "leak_reports",
        *map(sa.column, ("id", "token_hash", "contact", "status", "leaker_id")),
        sa.column("rewarded", sa.Boolean()),
        sa.column("created_at", UTCDateTime()),
    )
    days = sa.table(
        "membership_days",
        *map(sa.column, ("email", "days", "reason", "report_id")),
        sa.column("created_at", UTCDateTime()),
    )
    with lib.engine.begin() as conn:
        conn.execute(
            sa.insert(users).values(
                id=41, email="l@example.cn", password_hash="x", role="member", suspended_reason=""
            )
        )
        for report_id, status, leaker in ((7, "confirmed", 41), (8, "received", None)):
            conn.execute(
                sa.insert(reports).values(
                    id=report_id,
                    token_hash=str(report_id) * 64,
                    contact="t@example.org",
                    status=status,
                    leaker_id=leaker,
                    rewarded=leaker is not None,
                    created_at=when,
                )
            )
        for _ in range(2):  # the same report paid twice by two racing confirmations
            conn.execute(
                sa.insert(days).values(
                    email="t@example.org",
                    days=365,
                    reason="举报 #7 属实",
                    report_id=7,
                    created_at=when,
                )
            )
    lib.db.migrate()
    assert lib.db.schema_version() == SCHEMA_VERSION
    with lib.engine.connect() as conn:
        ledger = conn.execute(
            sa.text("SELECT COUNT(*) FROM membership_days WHERE report_id = 7")
        ).scalar_one()
        rewards = conn.execute(sa.text("SELECT report_id, leaker_id FROM leak_rewards")).all()
        untraced = conn.execute(
            sa.text("SELECT COUNT(*) FROM leak_reports WHERE traced_at IS NULL")
        ).scalar_one()
        flagged = conn.execute(
            sa.text("SELECT detail, flagged FROM audit_log WHERE action = 'reward.duplicates'")
        ).all()
    assert ledger == 2
    assert [tuple(r) for r in rewards] == [(7, 41)]
    assert untraced == 0
    [(detail, is_flagged)] = flagged
    assert is_flagged and json.loads(detail)["reports"] == [{"report": 7, "rows": 2, "days": 730}]
