"""The library's commands: ingest's exit status and --json, list, show, outline, search,
reindex, demo."""

from __future__ import annotations

import json
from pathlib import Path

from ..conftest import SEED
from ..gw import assert_user_error, gw


def test_ingest_json_and_exit_status(db: str, tmp_path: Path) -> None:
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    done = gw(db, "ingest", "--json", str(SEED), str(bad), check=False)
    assert done.exit_code == 1  # a file failed
    report = json.loads(done.stdout)
    assert report["files"] == 2 and report["failed"] == 1
    assert report["documents"] == {"new": 6, "revision": 0, "unchanged": 0}
    by_path = {Path(r["path"]).name: r for r in report["results"]}
    assert (
        by_path["broken.docx"]["ok"] is False and "broken.docx" in by_path["broken.docx"]["error"]
    )
    assert "broken.docx" in done.stderr
    titles = [d["title"] for d in by_path[SEED.name]["documents"]]
    assert titles[0] == "2020年上半年工作总结（退役军人事务局）"
    again = json.loads(gw(db, "ingest", "--json", str(SEED)).stdout)
    assert again["documents"] == {"new": 0, "revision": 0, "unchanged": 6}


def test_ingest_prints_a_line_per_document(db: str) -> None:
    out = gw(db, "ingest", str(SEED)).stdout
    assert "新增 #1 2020年上半年工作总结（退役军人事务局）" in out
    assert out.rstrip().endswith("1 个文件：新增 6，新版本 0，未变 0，失败 0")


def test_list_show_outline_search(seeded: str) -> None:
    listed = json.loads(gw(seeded, "list", "--json", "--kind", "事业单位").stdout)
    assert [m["title"] for m in listed] == ["2020年上半年工作总结（科技馆）"]
    mid = str(listed[0]["id"])
    assert gw(seeded, "show", mid).stdout.startswith("2020年上半年工作总结（科技馆）\n")
    md = gw(seeded, "show", mid, "--format", "md").stdout
    assert md.startswith("# 2020年上半年工作总结（科技馆）") and "\n## 一、上半年工作总结\n" in md
    detail = json.loads(gw(seeded, "show", mid, "--format", "json").stdout)
    assert detail["summary"]["organisation_kind"] == "事业单位" and detail["placeholders"]
    outline = json.loads(gw(seeded, "outline", "--json", mid).stdout)
    assert [s["heading"] for s in outline["sections"] if s["level"] == 1] == [
        "上半年工作总结",
        "存在的问题",
        "下半年工作计划",
    ]
    found = json.loads(gw(seeded, "search", "--json", "--section", "存在问题", "疫情").stdout)
    passages = [h for m in found["materials"] for h in m["passages"]]
    assert found["total"] == len(found["materials"]) > 1
    assert passages and all(h["heading_path"][0].endswith("存在的问题") for h in passages)
    assert "【疫情】" in passages[0]["snippet"]
    assert {f["value"] for f in found["facets"]["doc_type"]} == {"工作总结"}


def test_list_prints_an_aligned_table_and_filters_by_year(seeded: str) -> None:
    lines = gw(seeded, "list", "--year", "2020").stdout.splitlines()
    assert lines[0].split() == ["编号", "标题", "机构", "类别", "年份", "时段", "文种", "版本"]
    assert len(lines) == 7
    assert gw(seeded, "list", "--year", "2021").stdout.splitlines()[1:] == []


def test_search_within_one_material_and_the_human_output(seeded: str) -> None:
    one = json.loads(gw(seeded, "search", "疫情", "--material", "1", "--json").stdout)
    assert [m["material_id"] for m in one["materials"]] == [1]
    out = gw(seeded, "search", "疫情", "--limit", "1").stdout
    assert out.startswith("“疫情”：") and "篇材料命中，第 1/" in out


def test_unknown_material_and_empty_query_are_one_line(seeded: str) -> None:
    assert_user_error(gw(seeded, "show", "999", check=False), "999")
    assert_user_error(gw(seeded, "search", "   ", check=False), "检索词")
    assert_user_error(gw(seeded, "show", "1", "--format", "pdf", check=False), "--format")


def test_reindex_rebuilds_every_revision(seeded: str) -> None:
    index = json.loads(gw(seeded, "reindex", "--json").stdout)
    assert index["revisions"] == 6 and Path(index["path"]).is_dir()
    assert json.loads(gw(seeded, "search", "疫情", "--json").stdout)["total"] > 1


def test_demo_prints_the_library_and_a_search(seeded: str) -> None:
    out = gw(seeded, "demo").stdout
    assert "共 6 篇材料" in out and "示例检索" in out and "“疫情”：" in out
