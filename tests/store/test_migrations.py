"""The migrations build exactly the schema the code declares, on both databases, and each is
frozen: it carries its own SQL and imports nothing of gongwen, so what an old upgrade does never
changes with today's code."""

from __future__ import annotations

import ast
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from gongwen.library import Library
from gongwen.store.db import MIGRATIONS, SCHEMA_VERSION


def test_migrated_schema_matches_the_tables_in_code(lib: Library) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    import gongwen.store.platform_schema  # noqa: F401  (registers the platform tables)
    from gongwen.store.schema import metadata

    with lib.engine.connect() as conn:
        ctx = MigrationContext.configure(conn)
        diff = compare_metadata(ctx, metadata)
    assert diff == []


def test_audit_log_is_append_only(lib: Library) -> None:
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

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_VERSION


def test_no_migration_imports_gongwen() -> None:
    """What an upgrade does is written in its migration: code imported from gongwen would change
    with today's code (0004 once rebuilt the passages with the live store code)."""
    versions = sorted((MIGRATIONS / "versions").glob("*.py"))
    assert len(versions) >= 11
    imported: dict[str, list[str]] = {}
    for path in versions:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = ["." * node.level + (node.module or "")]
            elif isinstance(node, ast.Call) and ast.unparse(node.func).endswith(
                ("import_module", "__import__")
            ):
                names = [str(arg.value) for arg in node.args if isinstance(arg, ast.Constant)]
            else:
                continue
            imported.setdefault(path.name, []).extend(names)
    assert "sqlalchemy" in imported["0001_initial.py"]  # the walk sees what a migration imports
    ours = {
        name: [n for n in names if n.startswith(".") or n.split(".")[0] == "gongwen"]
        for name, names in imported.items()
    }
    assert {name: names for name, names in ours.items() if names} == {}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database holding nothing, not even a schema version."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    from sqlalchemy import create_engine, text

    pg_url = request.getfixturevalue("pg_url")
    schema = f"gw_old_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{pg_url}{'&' if '?' in pg_url else '?'}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_a_database_of_the_first_release_is_upgraded_and_reindexed(
    empty_database: str, tmp_path: Path
) -> None:
    """A 0001 library (body paragraphs indexed without scopes) gets its public passages and a
    rebuilt index (material documents; the old passage index is dropped) when a newer gongwen
    opens it."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from gongwen.config import Settings
    from gongwen.model.search import Scope
    from gongwen.search.service import search
    from gongwen.util.clock import now

    engine = sa.create_engine(empty_database)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    body = "坚持项目为本，全年完成投资十亿元。"
    doc = f"2020年工作总结（交通局）\n一、主要工作\n{body}\n"
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
        # The first rows of a fresh database: material, revision and paragraph 1.
        conn.execute(
            sa.text(
                "INSERT INTO materials (key, title, organisation, organisation_kind, period,"
                " doc_type, current_revision_id, published_at)"
                " VALUES ('k', '2020年工作总结（交通局）', '交通局', '交通局', '', '工作总结', 1, :at)"
            ).bindparams(sa.bindparam("at", type_=sa.DateTime(timezone=True))),
            {"at": now()},
        )
        conn.execute(
            sa.text(
                "INSERT INTO revisions (material_id, number, content_hash, source_file, text, note)"
                " VALUES (1, 1, 'h', 'a.txt', :doc, '')"
            ),
            {"doc": doc},
        )
        conn.execute(
            sa.text(
                "INSERT INTO sections (revision_id, ord, level, label, heading, kind, start)"
                " VALUES (1, 0, 1, '一、', '主要工作', '工作情况', :start)"
            ),
            {"start": doc.index("一、")},
        )
        conn.execute(
            sa.text(
                "INSERT INTO paragraphs (revision_id, ord, section_ord, start, text, items)"
                " VALUES (1, 0, 0, :start, :body, '')"
            ),
            {"start": doc.index(body), "body": body},
        )
        # The release's passage index held it too.
        if conn.dialect.name == "sqlite":
            conn.execute(
                sa.text("INSERT INTO para_fts(rowid, body, facets) VALUES (1, '坚持 持项', 'x')")
            )
        else:
            conn.execute(
                sa.text(
                    "INSERT INTO para_terms (id, stream, grams, facets)"
                    " VALUES (1, '坚持 持项', ARRAY['坚持', '持项'], ARRAY['x'])"
                )
            )
    engine.dispose()
    lib = Library.open(Settings(db_url=empty_database, index_dir=tmp_path / "index"))
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
        with lib.engine.connect() as conn:
            old = sa.inspect(conn).get_table_names()
        # The passage index and the material index of the SQL era are gone.
        gone = {"para_fts", "para_terms", "para_search", "material_fts", "material_search"}
        assert gone & set(old) == set()
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
