"""The search index is derived from the database and keeps up with it: a change committed by one
process is searchable from another, an index built for another database (or before a restore)
is rebuilt, and a search still answers while another process holds the index's writer."""

from __future__ import annotations

import shutil
from pathlib import Path

import tantivy

from gongwen.config import Settings
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.parse.structure import parse_text
from gongwen.search.service import search
from gongwen.store import materials
from gongwen.store.backup import backup, restore

from ..conftest import SEED

NEW_TEXT = "关于加快推进智慧停车建设的通知\n\n各区要建成智慧停车诱导屏一百块，做到全市联网。\n"


def _titles(lib: Library, query: str) -> list[str]:
    return [m.title for m in search(lib, query).materials]


def _store_without_indexing(lib: Library, text: str) -> None:
    """What a process that commits and dies before touching the index leaves behind."""
    [doc] = parse_text(text, title_hint="通知").documents
    with lib.db.write() as conn:
        materials.save_document(conn, doc)


def test_a_change_committed_elsewhere_is_searchable_at_once(tmp_path: Path) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'gw.sqlite3'}")
    writer, reader = Library.open(settings), Library.open(settings)
    try:
        assert all(r.ok for r in ingest(writer, [SEED]))
        assert _titles(reader, "智慧停车") == []
        _store_without_indexing(writer, NEW_TEXT)
        # The reader's search applies the queue the writer left, then finds the material.
        assert _titles(reader, "智慧停车") == ["关于加快推进智慧停车建设的通知"]
        assert _titles(writer, "智慧停车") == ["关于加快推进智慧停车建设的通知"]
        reader.index.check(reader.db)
    finally:
        writer.close()
        reader.close()


def test_an_index_built_for_another_database_is_rebuilt(tmp_path: Path) -> None:
    shared_index = tmp_path / "index"
    first = Library.open(
        Settings(db_url=f"sqlite:///{tmp_path / 'a.sqlite3'}", index_dir=shared_index)
    )
    try:
        assert all(r.ok for r in ingest(first, [SEED]))
        assert _titles(first, "退役军人事务局")
    finally:
        first.close()
    second = Library.open(
        Settings(db_url=f"sqlite:///{tmp_path / 'b.sqlite3'}", index_dir=shared_index)
    )
    try:
        assert _titles(second, "退役军人事务局") == []  # nothing of the other library answers
        _store_without_indexing(second, NEW_TEXT)
        assert _titles(second, "智慧停车") == ["关于加快推进智慧停车建设的通知"]
        second.index.check(second.db)
    finally:
        second.close()


def test_a_deleted_index_is_rebuilt_from_the_database(sqlite_lib: Library) -> None:
    assert all(r.ok for r in ingest(sqlite_lib, [SEED]))
    found = _titles(sqlite_lib, "退役军人事务局")
    path = sqlite_lib.index.path
    sqlite_lib.close()
    shutil.rmtree(path)
    again = Library.open(sqlite_lib.settings)
    try:
        assert _titles(again, "退役军人事务局") == found
    finally:
        again.close()


def test_a_restored_database_does_not_answer_from_the_index_of_before(
    sqlite_lib: Library, tmp_path: Path
) -> None:
    assert all(r.ok for r in ingest(sqlite_lib, [SEED]))
    archive = tmp_path / "backup.sqlite3"
    backup(sqlite_lib.db, archive)
    _store_without_indexing(sqlite_lib, NEW_TEXT)
    assert _titles(sqlite_lib, "智慧停车")  # indexed after the backup was taken
    restore(sqlite_lib.db, archive, force=True)
    restored = Library.open(sqlite_lib.settings)
    try:
        assert _titles(restored, "智慧停车") == []
        assert _titles(restored, "退役军人事务局")
        restored.index.check(restored.db)
    finally:
        restored.close()
        sqlite_lib.close()


def test_search_answers_while_another_process_holds_the_writer(sqlite_lib: Library) -> None:
    assert all(r.ok for r in ingest(sqlite_lib, [SEED]))
    _store_without_indexing(sqlite_lib, NEW_TEXT)
    # Another process (here: a second handle on the same directory) is writing the index.
    other = tantivy.Index.open(str(sqlite_lib.index.path))
    held = other.writer(15_000_000, 1)
    try:
        assert _titles(sqlite_lib, "退役军人事务局")  # what is committed still answers
        assert _titles(sqlite_lib, "智慧停车") == []  # the queue waits for the writer
    finally:
        held.rollback()
        held.wait_merging_threads()
        del held
    assert _titles(sqlite_lib, "智慧停车") == ["关于加快推进智慧停车建设的通知"]


def test_a_search_applies_a_bounded_part_of_a_long_queue(sqlite_lib: Library) -> None:
    """A bulk load another process has not indexed yet is applied a batch per search, so no
    search waits for all of it; the rest follows."""
    assert all(r.ok for r in ingest(sqlite_lib, [SEED]))
    for i in range(3):
        _store_without_indexing(sqlite_lib, NEW_TEXT.replace("一百块", f"{i + 2}百块"))
    assert sqlite_lib.index.sync(sqlite_lib.db, limit=1) == 1
    assert sqlite_lib.index.sync(sqlite_lib.db) == 2
    assert len(_titles(sqlite_lib, "智慧停车")) == 3
    sqlite_lib.index.check(sqlite_lib.db)
