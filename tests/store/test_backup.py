"""`gongwen backup` and `gongwen restore`: a backup restored into a fresh database holds the
same library, accounts and audit log, and search works in it."""

from __future__ import annotations

import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from gongwen.config import Settings
from gongwen.errors import InvalidInput
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Role
from gongwen.platform.accounts import create_user
from gongwen.platform.subscriptions import grant
from gongwen.search.service import search
from gongwen.store.backup import backup, restore
from gongwen.store.db import Database

from ..conftest import SEED

TABLES = ["materials", "revisions", "paragraphs", "sections", "users", "subscriptions", "audit_log"]


def _fill(lib: Library) -> None:
    assert all(r.ok for r in ingest(lib, [SEED]))
    member = create_user(lib, OPERATOR, "reader@example.cn", "a-long-password", Role.MEMBER)
    grant(lib, OPERATOR, member.id, "year")


def _snapshot(lib: Library) -> dict[str, list[tuple[object, ...]]]:
    with lib.engine.connect() as conn:
        return {
            table: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY id"))]
            for table in TABLES
        }


def _gongwen(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gongwen", *args], capture_output=True, text=True, timeout=300
    )


def test_sqlite_backup_restores_into_a_fresh_database(sqlite_lib: Library, tmp_path: Path) -> None:
    _fill(sqlite_lib)
    before = _snapshot(sqlite_lib)
    archive = tmp_path / "backups" / "gongwen-1.sqlite3"
    done = _gongwen("--db", sqlite_lib.settings.db_url, "backup", str(archive), "--json")
    assert done.returncode == 0, done.stderr
    target_url = f"sqlite:///{tmp_path / 'restored' / 'gw.sqlite3'}"
    done = _gongwen("--db", target_url, "restore", str(archive), "--json")
    assert done.returncode == 0, done.stderr
    restored = Library.open(Settings(db_url=target_url))
    try:
        assert _snapshot(restored) == before
        assert search(restored, "三抓三比三推动").hits
        restored.index.check(restored.db)
        # A restore never overwrites a library by accident.
        with pytest.raises(InvalidInput, match="--force"):
            restore(restored.db, archive)
    finally:
        restored.close()


def test_a_damaged_backup_is_refused_and_the_target_kept(
    sqlite_lib: Library, tmp_path: Path
) -> None:
    bogus = tmp_path / "not-a-backup.sqlite3"
    bogus.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    target = Database(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    try:
        with pytest.raises(InvalidInput, match="备份"):
            restore(target, bogus)
        with pytest.raises(InvalidInput, match="不存在"):
            restore(target, tmp_path / "missing.sqlite3")
    finally:
        target.close()


@pytest.mark.postgres
def test_postgres_backup_restores_into_a_fresh_database(pg_lib: Library, tmp_path: Path) -> None:
    _fill(pg_lib)
    before = _snapshot(pg_lib)
    archive = tmp_path / "gongwen.pgdump"
    backup(pg_lib.db, archive)
    assert archive.stat().st_size > 10_000
    schema = pg_lib.settings.db_url.rsplit("%3D", 1)[1]
    fresh = f"gw_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(pg_lib.settings.db_url.split("?", 1)[0], isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {fresh}"))
    base = pg_lib.settings.db_url.split("?", 1)[0].rsplit("/", 1)[0]
    url = f"{base}/{fresh}?options=-csearch_path%3D{schema}"
    try:
        target = Database(url)
        try:
            restore(target, archive)
        finally:
            target.close()
        restored = Library.open(Settings(db_url=url))
        try:
            assert _snapshot(restored) == before
            assert search(restored, "三抓三比三推动").hits
        finally:
            restored.close()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE {fresh} WITH (FORCE)"))
        admin.dispose()
