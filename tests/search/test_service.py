"""Chinese full-text search over the seed corpus, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from gongwen.errors import QueryError
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.search.service import Filters, search
from gongwen.store.schema import materials, paragraphs


def _current_paragraphs(lib: Library) -> list[tuple[int, int, str, str]]:
    """(id, material id, kind, text) of every passage an editor's search covers: body
    paragraphs, headings and titles (preview passages repeat body text for viewers who may not
    read it)."""
    with lib.engine.connect() as conn:
        return [
            (r.id, r.material_id, r.kind, r.text)
            for r in conn.execute(
                select(
                    paragraphs.c.id,
                    materials.c.id.label("material_id"),
                    paragraphs.c.kind,
                    paragraphs.c.text,
                )
                .join(materials, materials.c.current_revision_id == paragraphs.c.revision_id)
                .where(paragraphs.c.kind != "preview")
            )
        ]


@pytest.mark.parametrize(
    "query", ["党", "法", "党建", "扶贫", "双拥", "疫情防控", "退役军人事务", "三抓三比三推动"]
)
def test_every_material_holding_the_phrase_is_found_with_each_passage(
    seeded: Library, query: str
) -> None:
    """All matches are ranked and counted (no cap): the materials found are exactly those whose
    title, headings or paragraphs hold the phrase; each counts exactly its passages that hold
    it, and searching inside it lists them."""
    rows = _current_paragraphs(seeded)
    expected_materials = {mid for _, mid, _, text in rows if query in text}
    assert expected_materials, "the query should occur in the seed"
    result = search(seeded, query, limit=1000)
    assert {m.material_id for m in result.materials} == expected_materials
    assert result.total == len(expected_materials)
    for m in result.materials:
        passages = {
            pid
            for pid, mid, kind, text in rows
            if mid == m.material_id and kind != "title" and query in text
        }
        assert m.matches == len(passages)
        assert {h.paragraph_id for h in m.passages} <= passages
        inside = search(seeded, query, material_id=m.material_id)
        assert [x.material_id for x in inside.materials] == [m.material_id]
        assert {h.paragraph_id for h in inside.hits} == passages or len(inside.hits) == 50


def test_a_phrase_never_matches_across_punctuation(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(
        "2020年工作总结（某局）\n一、情况\n推进营商。环境整治取得成效。\n", encoding="utf-8"
    )
    list(ingest(lib, [path]))
    assert search(lib, "营商环境").hits == []
    assert len(search(lib, "营商").hits) == 1
    assert len(search(lib, "环境整治").hits) == 1


def test_several_terms_must_all_appear_in_the_material(seeded: Library) -> None:
    rows = _current_paragraphs(seeded)
    both = {
        mid
        for mid in {r[1] for r in rows}
        if all(any(t in text for _, m, _, text in rows if m == mid) for t in ("疫情防控", "党员"))
    }
    result = search(seeded, "疫情防控 党员", limit=100)
    assert both and {m.material_id for m in result.materials} == both
    texts = {pid: text for pid, _, _, text in rows}
    for m in result.materials:
        holds = [sum(t in texts[h.paragraph_id] for t in ("疫情防控", "党员")) for h in m.passages]
        assert all(holds) and holds == sorted(holds, reverse=True)  # both words first
    again = search(seeded, "疫情防控 AND 党员", limit=100)
    assert [m.material_id for m in again.materials] == [m.material_id for m in result.materials]


def test_filters_by_section_kind_and_organisation_kind(seeded: Library) -> None:
    problems = search(seeded, "不足", Filters(section_kind="存在问题"), limit=100).hits
    assert problems
    for h in problems:
        assert any(k in h.heading_path[0] for k in ("问题", "困难"))
    tech = search(seeded, "创新", Filters(organisation_kind="科技局"), limit=100).hits
    assert tech and {h.title for h in tech} == {"2020年上半年工作总结（科技局）"}
    assert search(seeded, "创新", Filters(year=2019)).hits == []
    assert search(seeded, "创新", Filters(year=2020, period="上半年", doc_type="工作总结")).hits


def test_snippets_highlight_the_query_and_hits_carry_their_heading_path(seeded: Library) -> None:
    result = search(seeded, "疫情防控", Filters(organisation_kind="退役军人事务局"))
    assert result.hits
    for h in result.hits:
        marked = [t for t, hit in h.snippet if hit]
        assert marked and all(t == "疫情防控" for t in marked)
        assert len("".join(t for t, _ in h.snippet)) <= 2 * 60 + 2
    paths = [h.heading_path for h in result.hits]
    assert ["一、工作开展情况", "（二）坚持“守土有责”，全力做好疫情防控工作"] in paths


def test_passages_of_a_material_are_ranked_by_how_much_they_are_about_the_query(
    seeded: Library,
) -> None:
    for m in search(seeded, "退役军人", limit=50).materials:
        scores = [h.score for h in m.passages]
        assert scores == sorted(scores, reverse=True)


HOSTILE = [
    '"',
    "'",
    "''",
    "\"'",
    'a"b',
    "(",
    ")",
    "()",
    "[]",
    "*",
    "**",
    "疫情*",
    "*疫情",
    "-疫情",
    "NEAR(疫情 防控)",
    "疫情 NEAR 防控",
    "疫情 OR 防控",
    "NOT 疫情",
    "AND",
    "OR",
    "疫情 AND",
    "; DROP TABLE materials; --",
    "' OR 1=1 --",
    "body:疫情",
    "facets:x",
    "^疫情",
    "{疫情}",
    "疫情\x00防控",
    "％＊（）",
    "\\",
    "%",
    "_",
    "疫情%防控",
    "SELECT * FROM paragraphs",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_never_surface_a_database_error(seeded: Library, query: str) -> None:
    try:
        result = search(seeded, query)
    except QueryError as err:
        assert str(err)  # a sentence for the user, not a database message
        assert "sqlite" not in str(err).lower() and "syntax" not in str(err).lower()
    else:
        assert isinstance(result.hits, list)


def test_overlong_query_is_refused_with_a_reason(seeded: Library) -> None:
    with pytest.raises(QueryError, match="过长"):
        search(seeded, "疫情" * 5000)
    with pytest.raises(QueryError):
        search(seeded, "   ")


def test_full_width_and_case_fold(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_text(
        "2020年工作总结（某局）\n一、情况\n建成５Ｇ基站XX个，推广ETC应用。\n", encoding="utf-8"
    )
    list(ingest(lib, [path]))
    assert len(search(lib, "5g基站").hits) == 1
    assert len(search(lib, "etc").hits) == 1
    [hit] = search(lib, "５Ｇ基站").hits
    assert [t for t, h in hit.snippet if h] == ["５Ｇ基站"]


# A report with a section of no family (党风廉政建设: neither work done, practice, problem nor
# plan), which the parser files as 其他; and a law, whose sections are all 其他 (report families
# mean nothing there) and which no section filter searches.
OTHER_SECTION = """某某县民政局2021年工作总结

一、主要工作完成情况
今年以来，全局围绕中心工作，完成年度各项目标任务。
二、党风廉政建设
全年组织廉政教育专题会议四次，签订党风廉政建设责任书一百二十份。
三、下步打算
继续做好民生保障，推动各项工作再上新台阶。
"""
LAW = """某某市廉政教育条例

第一章 总则
第一条 为了规范廉政教育工作，制定本条例。
第二条 本市行政区域内的廉政教育活动，适用本条例。
"""


def test_the_other_section_kind_is_a_filter_like_the_rest(lib: Library, tmp_path: Path) -> None:
    """`--section 其他` (and section=其他 on the web and the API) finds text in a report's
    sections of no family, and only there."""
    (tmp_path / "民政局总结.txt").write_text(OTHER_SECTION, encoding="utf-8")
    (tmp_path / "条例.txt").write_text(LAW, encoding="utf-8")
    assert all(r.ok for r in ingest(lib, sorted(tmp_path.glob("*.txt"))))
    assert search(lib, "廉政教育").total == 2  # the report and the law
    found = search(lib, "廉政教育", Filters(section_kind="其他"), limit=10)
    assert [m.title for m in found.materials] == ["某某县民政局2021年工作总结"]
    assert [h.heading_path for h in found.hits] == [["二、党风廉政建设"]]
    assert search(lib, "廉政教育", Filters(section_kind="工作情况")).total == 0
    assert search(lib, "年度各项目标", Filters(section_kind="其他")).total == 0  # 工作情况
    assert search(lib, "年度各项目标", Filters(section_kind="工作情况")).total == 1
    # The site's search page and the API pass the filter on (the report is all preview here).
    from fastapi.testclient import TestClient

    from gongwen.web.app import create_app

    web = TestClient(create_app(lib, live_updates=False))
    query = {"q": "廉政教育", "section": "其他"}
    assert [m["title"] for m in web.get("/api/v1/search", params=query).json()["materials"]] == [
        "某某县民政局2021年工作总结"
    ]
    page = web.get("/search", params=query).text
    assert "某某县民政局2021年工作总结" in page and "某某市廉政教育条例" not in page
    if lib.settings.db_url.startswith("sqlite"):  # the CLI finds its index beside the file
        proc = subprocess.run(
            [sys.executable, "-m", "gongwen", "--db", lib.settings.db_url, "search", "廉政教育"]
            + ["--section", "其他", "--json"],
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        assert [m["title"] for m in json.loads(proc.stdout)["materials"]] == [
            "某某县民政局2021年工作总结"
        ]
