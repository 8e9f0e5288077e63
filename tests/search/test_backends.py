"""The same queries match the same materials, in the same order, with the same passages and
facet counts, on SQLite and PostgreSQL, for every kind of viewer (editor, visitor, member with a
subscription window): both rank with the tantivy index built from their database."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.model.search import Scope
from gongwen.platform.plans import add_months
from gongwen.search.service import Filters, search
from gongwen.util.clock import now

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


def _vary_publication(lib: Library) -> None:
    """The same mix on both databases (ids are the same: ingest order is deterministic): some
    materials old, some retired, some drafts, some scheduled."""
    moment = now()
    with lib.engine.begin() as conn:
        ids = [r[0] for r in conn.execute(text("SELECT id FROM materials ORDER BY id"))]
        for mid in ids:
            values: dict[str, object] = {}
            if mid % 3 == 0:
                values["published_at"] = add_months(moment, -60)  # before any back catalogue
            if mid % 7 == 0:
                values["retired_at"] = moment
            if mid % 11 == 0:
                values["published_at"] = None  # a draft
            if mid % 13 == 0:
                values["published_at"] = moment + timedelta(days=3)  # scheduled
            if values:
                sets = ", ".join(f"{k} = :{k}" for k in values)
                conn.execute(
                    text(f"UPDATE materials SET {sets} WHERE id = :id"), {**values, "id": mid}
                )


SCOPES = {
    "editor": Scope.all(),
    "visitor": Scope(at=now()),
    "member": Scope(at=now(), readable=(add_months(now(), -40), add_months(now(), 8))),
}


# Two folders of the shared gov-corpus: some 60 reports and laws, beside the seed.
CORPUS = [
    SEED,
    SHARED / "gov-corpus" / "gwr-provincial-2026",
    SHARED / "gov-corpus" / "laws" / "社会法",
]


@pytest.mark.postgres
@pytest.mark.skipif(
    not all(path.exists() for path in CORPUS),
    reason=f"the shared gov-corpus is not on this machine ({SHARED})",
)
def test_sqlite_and_postgres_agree(sqlite_lib: Library, pg_lib: Library) -> None:
    for lib in (sqlite_lib, pg_lib):
        results = list(ingest(lib, CORPUS))
        assert sum(r.ok for r in results) >= 60
        _vary_publication(lib)
    for name, scope in SCOPES.items():
        for query, filters in QUERIES:
            results = [
                search(lib, query, filters, limit=1000, scope=scope) for lib in (sqlite_lib, pg_lib)
            ]
            got = [
                [
                    (
                        m.title,
                        m.matches,
                        tuple(
                            (h.kind, tuple(h.heading_path), h.snippet_text, round(h.score, 6))
                            for h in m.passages
                        ),
                    )
                    for m in r.materials
                ]
                for r in results
            ]
            assert got[0] == got[1], (name, query)
            assert results[0].total == results[1].total == len(got[0])
            assert results[0].facets == results[1].facets, (name, query)
            if name == "editor":
                assert got[0], f"{query} should find something"


@pytest.mark.postgres
def test_long_documents_are_found_alike(
    sqlite_lib: Library, pg_lib: Library, tmp_path: Path
) -> None:
    """Positions past 16,383, a word 300 times, a 150-letter word: beyond what a PostgreSQL
    tsvector holds, found in full on both databases."""
    rng = random.Random(5)
    run = "".join(chr(0x4E00 + rng.randrange(3000)) for _ in range(17_000))
    de = "".join("的" + chr(0x4E00 + rng.randrange(3000)) + "，" for _ in range(300))
    body = "\n".join(
        [
            "极限测试文件第一号",
            "普通段落：营商环境持续优化，法律法规得到遵守。",
            run,
            "法律，" * 300,
            "监督检查" + "a" * 150 + "行政处罚决定书",
            de,
            "末尾普通段落，依法行政。",
        ]
    )
    (tmp_path / "limits.txt").write_text(body + "\n", encoding="utf-8")
    for lib in (sqlite_lib, pg_lib):
        assert all(r.ok for r in ingest(lib, [tmp_path / "limits.txt"]))
    queries = [
        run[:6],
        run[16_380:16_390],
        run[-8:],
        run[-1],
        "法律",
        "律，法律",
        "法",
        "a" * 150,
        "行政处罚决定书",
        "的" + de[1],
        "的",
        de[3:9],
        "营商环境 法律",
    ]
    for query in queries:
        for scope in SCOPES.values():
            got = [
                sorted(
                    (h.title, h.kind, h.snippet_text)
                    for h in search(lib, query, limit=50, scope=scope, material_id=None).hits
                )
                for lib in (sqlite_lib, pg_lib)
            ]
            assert got[0] == got[1], query
        # Its editor finds it by every one of them (the body is beyond the public preview).
        found = search(sqlite_lib, query, scope=Scope.all())
        assert [m.title for m in found.materials] == ["极限测试文件第一号"], query
