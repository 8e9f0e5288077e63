"""Storing materials: new, unchanged, revised; every revision kept; search sees the current one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.materials import list_materials, material_detail
from gongwen.search.service import search
from gongwen.store.schema import revisions


def _ingest(lib: Library, *paths: Path) -> list:
    return list(ingest(lib, list(paths)))


def test_seed_file_becomes_six_materials(lib: Library, seed_text: str, tmp_path: Path) -> None:
    src = tmp_path / "seed.txt"
    src.write_text(seed_text, encoding="utf-8")
    [result] = _ingest(lib, src)
    assert result.ok
    assert [d.status for d in result.documents] == ["new"] * 6
    titles = [m.title for m in list_materials(lib)]
    assert titles[2] == "2020年上半年工作总结（交通运输局）"
    assert len(titles) == 6


def test_reingesting_identical_content_is_a_no_op(
    lib: Library, seed_text: str, tmp_path: Path
) -> None:
    src = tmp_path / "seed.txt"
    src.write_text(seed_text, encoding="utf-8")
    _ingest(lib, src)
    [again] = _ingest(lib, src)
    assert [d.status for d in again.documents] == ["unchanged"] * 6
    with lib.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(revisions)).scalar_one() == 6


def test_changed_content_becomes_a_new_revision_and_the_old_is_kept(
    lib: Library, seed_text: str, tmp_path: Path
) -> None:
    src = tmp_path / "seed.txt"
    src.write_text(seed_text, encoding="utf-8")
    _ingest(lib, src)
    assert search(lib, "三抓三比三推动").hits
    revised = seed_text.replace("三抓三比三推动", "四抓四比四推进")
    src.write_text(revised, encoding="utf-8")
    [result] = _ingest(lib, src)
    statuses = [d.status for d in result.documents]
    assert statuses == ["revision"] + ["unchanged"] * 5
    material_id = result.documents[0].material_id
    current = material_detail(lib, material_id)
    first = material_detail(lib, material_id, revision_number=1)
    assert current.revision_number == 2
    assert "四抓四比四推进" in current.text and "三抓三比三推动" in first.text
    # Only the current revision is searchable; the old one stays in history.
    assert not search(lib, "三抓三比三推动").hits
    assert [h.material_id for h in search(lib, "四抓四比四推进").hits] == [material_id]


def test_a_revision_within_one_batch_keeps_the_index_sound(lib: Library, tmp_path: Path) -> None:
    """Two versions of one document in the same ingest: the second supersedes the first."""
    folder = tmp_path / "versions"
    folder.mkdir()
    head = "2020年上半年工作总结（科技局）\n一、工作开展情况\n"
    (folder / "a.txt").write_text(
        head + "旧版独有的表述甲乙丙。\n共同的段落内容。\n", encoding="utf-8"
    )
    (folder / "b.txt").write_text(
        head + "新版独有的表述丁戊己。\n共同的段落内容。\n", encoding="utf-8"
    )
    results = _ingest(lib, folder)
    assert [d.status for r in results for d in r.documents] == ["new", "revision"]
    with lib.db.write() as conn:
        lib.index.check(conn)
    assert search(lib, "旧版独有").hits == []
    assert len(search(lib, "新版独有").hits) == 1
    assert len(search(lib, "共同的段落").hits) == 1
