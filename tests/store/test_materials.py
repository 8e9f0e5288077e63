"""Storing materials: new, unchanged, revised; every revision kept; search sees the current one."""

from __future__ import annotations

import json
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
    """Two versions of one source (a record exported twice under one URL) in the same ingest:
    the second supersedes the first."""
    url = "https://example.gov.cn/kjj/2020.html"
    head = "2020年上半年工作总结（科技局）\n一、工作开展情况\n"
    records = [
        {"title": "2020年上半年工作总结（科技局）", "url": url, "content": head + body}
        for body in (
            "旧版独有的表述甲乙丙。\n共同的段落内容。\n",
            "新版独有的表述丁戊己。\n共同的段落内容。\n",
        )
    ]
    src = tmp_path / "records.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    results = _ingest(lib, src)
    assert [d.status for r in results for d in r.documents] == ["new", "revision"]
    lib.index.check(lib.db)
    assert search(lib, "旧版独有").hits == []
    assert len(search(lib, "新版独有").hits) == 1
    assert len(search(lib, "共同的段落").hits) == 1


def test_documents_with_one_title_from_different_sources_stay_apart(
    lib: Library, tmp_path: Path
) -> None:
    """Three provinces' 政府工作报告 and two files of one report title: five materials, each
    searchable, none a revision of another; same-titled ones are linked as versions."""
    folder = tmp_path / "reports"
    folder.mkdir()
    for province, leader in (("海南省", "刘小明"), ("青海省", "罗东川"), ("广东省", "孟凡利")):
        (folder / f"{province}.csv").write_text(
            "province,year,title,source_url,publish_date,full_text\n"
            f'{province},2026,,https://{province}.gov.cn/r.html,2026-02-02,"政府工作报告\n'
            f'——2026年1月27日在{province}人民代表大会上\n{province}省长 {leader}\n各位代表：\n正文。"\n',
            encoding="utf-8",
        )
    for name in ("a.txt", "b.txt"):
        (folder / name).write_text(
            f"2020年上半年工作总结（科技局）\n一、工作开展情况\n{name}独有的段落。\n",
            encoding="utf-8",
        )
    results = _ingest(lib, folder)
    assert [d.status for r in results for d in r.documents] == ["new"] * 5
    for leader in ("刘小明", "罗东川", "孟凡利", "a.txt独有", "b.txt独有"):
        assert len(search(lib, leader).hits) == 1, leader
    cards = {m.organisation: m for m in list_materials(lib)}
    assert {"海南省人民政府", "青海省人民政府", "广东省人民政府", "科技局"} <= set(cards)
    a, b = [m for m in list_materials(lib) if m.organisation == "科技局"]
    versions = material_detail(lib, a.id).versions
    assert [(v.id, v.current) for v in versions] == [(b.id, True), (a.id, False)]
    # Ingesting the folder again changes nothing: the same sources are the same materials.
    again = _ingest(lib, folder)
    assert [d.status for r in again for d in r.documents] == ["unchanged"] * 5


def test_a_title_with_a_zero_width_space_is_the_same_title(lib: Library, tmp_path: Path) -> None:
    src = tmp_path / "zw.txt"
    src.write_text("2021年工作\u200b总结（科技局）\n一、工作开展情况\n正文。\n", encoding="utf-8")
    [result] = _ingest(lib, src)
    assert result.documents[0].title == "2021年工作总结（科技局）"
