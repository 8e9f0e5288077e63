"""Re-dating: each sample report as a 2021 draft keeps no 2020 figure as a literal and moves
every year of its own by one (issue 8, item 3)."""

from __future__ import annotations

import re

import pytest

from gongwen.compose.redate import redate
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.materials import material_detail
from gongwen.model.material import MaterialDetail

from ..conftest import SEED


@pytest.fixture(scope="module")
def details(tmp_path_factory: pytest.TempPathFactory) -> list[MaterialDetail]:
    from gongwen.config import Settings

    lib = Library.open(Settings(db_url=f"sqlite:///{tmp_path_factory.mktemp('r') / 's.sqlite3'}"))
    try:
        assert all(r.ok for r in ingest(lib, [SEED]))
        return [material_detail(lib, i) for i in range(1, 7)]
    finally:
        lib.close()


FIGURE_WITH_UNIT = re.compile(r"(?<![\d.第])\d+(?:\.\d+)?(?:%|万元|亿元|元|人|个|家|件|公里|台)")


def test_a_2021_draft_keeps_no_2020_year_or_figure(details: list[MaterialDetail]) -> None:
    figures = 0
    for detail in details:
        draft = redate(detail, 2021)
        assert draft.title.startswith("2021年"), draft.title
        # Every year moved one on: a 2020 left in the draft was 2019 in the report.
        assert "2020" not in draft.title
        assert draft.text.count("2020") == detail.text.count("2019")
        assert draft.text.count("2021") == detail.text.count("2020") + detail.text.count("2021")
        assert not FIGURE_WITH_UNIT.search(draft.text), FIGURE_WITH_UNIT.search(draft.text)
        for f in draft.figures:
            assert draft.text[f.start : f.end] == "XX" and re.match(r"\d", f.hint)
        figures += len(draft.figures)
        paragraphs = "".join(str(p["text"]) for p in draft.detail.paragraphs)
        assert not FIGURE_WITH_UNIT.search(paragraphs)
    assert figures >= 5  # the sample reports have some concrete figures (100%, 11台 …)


def test_years_move_together_and_time_bound_wording_is_listed(
    details: list[MaterialDetail],
) -> None:
    road = details[2]
    draft = redate(road, 2021, "下半年")
    assert draft.title == "2021年下半年工作总结（交通运输局）"
    assert draft.years[2019] == 2020 and draft.years[2020] == 2021
    reasons = {r.words for r in draft.review}
    assert {"十三五", "新冠", "今年"} <= reasons
    assert all(r.words in r.context for r in draft.review)
