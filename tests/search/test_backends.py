"""The same queries return the same hits, in the same order, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.search.service import Filters, search

from ..conftest import SEED, SHARED

QUERIES = [
    ("法", Filters()),
    ("人民", Filters()),
    ("工作", Filters()),
    ("党建", Filters()),
    ("扶贫", Filters()),
    ("碳汇", Filters()),
    ("营商环境", Filters()),
    ("疫情防控", Filters()),
    ("中华人民共和国", Filters()),
    ("县级以上地方人民政府", Filters()),
    ("5G", Filters()),
    ("扶贫 教育", Filters()),
    ("乡村振兴 产业", Filters()),
    ("问题", Filters(section_kind="存在问题")),
    ("发展", Filters(doc_type="政府工作报告")),
    ("创新", Filters(organisation_kind="科技局", year=2020)),
]


@pytest.mark.postgres
def test_sqlite_and_postgres_agree(sqlite_lib: Library, pg_lib: Library) -> None:
    corpus = [
        SEED,
        SHARED / "gov-corpus" / "gwr-provincial-2026",
        SHARED / "gov-corpus" / "laws" / "社会法",
    ]
    for lib in (sqlite_lib, pg_lib):
        results = list(ingest(lib, corpus))
        assert sum(r.ok for r in results) >= 60
    # A small cap makes common queries exercise the newest-first candidate cut on both engines.
    for lib in (sqlite_lib, pg_lib):
        lib.settings = replace(lib.settings, search_candidates=200)
    for query, filters in QUERIES:
        got = [
            [
                (h.title, h.heading_path, h.snippet_text, round(h.score, 6))
                for h in search(lib, query, filters).hits
            ]
            for lib in (sqlite_lib, pg_lib)
        ]
        assert got[0] == got[1], query
        assert got[0], f"{query} should find something"
