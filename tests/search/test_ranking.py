"""Ranking, grouping and paging as a writer sees them: every match ranked, one result per
material, repetition does not win, facet counts over all matches."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.search.service import Filters, search

FILLER = "会议强调，要坚持稳中求进工作总基调，统筹发展和安全，扎实做好各项工作。"


def _write(folder: Path, name: str, title: str, paragraphs: list[str]) -> None:
    (folder / name).write_text("\n".join([title, *paragraphs]) + "\n", encoding="utf-8")


@pytest.fixture
def library(lib: Library, tmp_path: Path) -> Library:
    # A report about 乡村振兴 (title and several paragraphs), a long report that repeats the
    # word in one paragraph, and twenty-five reports that mention it once.
    _write(
        tmp_path,
        "about.txt",
        "关于推进乡村振兴工作情况的报告",
        [
            "一、乡村振兴工作进展",
            "今年以来，我县全面推进乡村振兴，产业兴旺取得新成效。",
            "二、下步打算",
            "持续巩固拓展脱贫攻坚成果同有效衔接乡村振兴，培育特色产业。",
            FILLER * 3,
        ],
    )
    _write(
        tmp_path,
        "repeat.txt",
        "2021年度综合工作总结",
        ["一、总体情况", *[FILLER] * 30, "乡村振兴" * 40, *[FILLER] * 30],
    )
    for n in range(25):
        _write(
            tmp_path,
            f"once{n:02d}.txt",
            f"{2001 + n % 5}年机关工作总结（第{n + 1}号）",
            ["一、主要工作", FILLER, f"第{n + 1}项：配合做好乡村振兴有关工作。", FILLER],
        )
    assert all(r.ok for r in ingest(lib, [tmp_path]))
    return lib


def test_a_material_about_the_query_outranks_one_that_repeats_it(library: Library) -> None:
    result = search(library, "乡村振兴")
    assert result.total == 27
    assert result.materials[0].title == "关于推进乡村振兴工作情况的报告"
    repeat = next(
        i
        for i, m in enumerate(search(library, "乡村振兴", limit=30).materials)
        if "综合" in m.title
    )
    assert repeat > 0


def test_one_result_per_material_with_its_best_passages_and_the_rest_counted(
    library: Library,
) -> None:
    result = search(library, "乡村振兴", limit=30)
    ids = [m.material_id for m in result.materials]
    assert len(ids) == len(set(ids)) == 27
    about = result.materials[0]
    assert len(about.passages) == 3 and about.matches == 3 and about.more == 0
    # The heading that names the query comes first, with its place in the outline.
    assert about.passages[0].kind == "heading"
    inside = search(library, "乡村振兴", material_id=about.material_id)
    assert inside.total == 1 and len(inside.hits) == about.matches


def test_pages_cover_every_match_once(library: Library) -> None:
    seen: list[int] = []
    first = search(library, "乡村振兴", limit=10)
    assert first.pages == 3
    for page in range(1, first.pages + 1):
        result = search(library, "乡村振兴", limit=10, page=page)
        assert result.total == 27 and result.page == page
        seen += [m.material_id for m in result.materials]
    assert len(seen) == len(set(seen)) == 27
    assert search(library, "乡村振兴", limit=10, page=4).materials == []


def test_facet_counts_are_over_all_matches_and_follow_filters(library: Library) -> None:
    result = search(library, "乡村振兴", limit=5)
    years = dict(result.facets["year"])
    assert years["2001"] == 5 and sum(years.values()) <= result.total
    assert sum(n for _, n in result.facets["doc_type"]) == result.total == 27
    assert not any(ch.isdigit() for v, _ in result.facets["organisation_kind"] for ch in v)
    only = search(library, "乡村振兴", Filters(year=2001))
    assert only.total == 5 and dict(only.facets["year"]) == {"2001": 5}


def test_a_one_character_query_is_answered_with_a_hint(library: Library) -> None:
    broad = search(library, "工")
    assert broad.total == 27 and "一个字" in broad.hint
    assert search(library, "乡村振兴").hint == ""


def test_a_title_that_names_the_query_outweighs_body_mentions(lib: Library, tmp_path: Path) -> None:
    """BM25 alone saturates a title's weight with the body's: a regulation about 应急管理 must
    still come before a longer text that only mentions the department several times."""
    _write(
        tmp_path,
        "a.txt",
        "某市应急管理条例",
        ["第一条 为了加强应急管理，制定本条例。", *[FILLER] * 12],
    )
    _write(
        tmp_path,
        "b.txt",
        "某市消防条例",
        [
            *[f"第{n}条 应急管理部门应当做好消防工作。" for n in "一二三四五六七八"],
        ],
    )
    assert all(r.ok for r in ingest(lib, [tmp_path]))
    assert [m.title for m in search(lib, "应急管理").materials] == [
        "某市应急管理条例",
        "某市消防条例",
    ]
