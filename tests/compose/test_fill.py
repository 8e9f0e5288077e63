"""Filling the six sample reports with a writer's figures, and the checker that catches figures
the text ties together (issue 8, item 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from gongwen.compose.fill import fill, number_of
from gongwen.compose.template import Field, fields_of
from gongwen.errors import InvalidInput
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.materials import material_detail
from gongwen.model.material import MaterialDetail
from gongwen.parse.placeholders import find_placeholders

from .. import gw as cli
from ..conftest import SEED


@pytest.fixture(scope="module")
def details(tmp_path_factory: pytest.TempPathFactory) -> list[MaterialDetail]:
    from gongwen.config import Settings

    path = tmp_path_factory.mktemp("fill") / "seed.sqlite3"
    lib = Library.open(Settings(db_url=f"sqlite:///{path}"))
    try:
        assert all(r.ok for r in ingest(lib, [SEED]))
        return [material_detail(lib, i) for i in range(1, 7)]
    finally:
        lib.close()


def generated(fields: list[Field]) -> dict[str, object]:
    """A data file a writer might send: a figure for every number, a name for every name."""
    values: dict[str, object] = {}
    for n, f in enumerate(fields, start=1):
        if f.kind == "percent":
            values[f.name] = 10 + n % 80
        elif f.kind in ("number", "money"):
            values[f.name] = 100 + n
        elif f.kind == "date":
            values[f.name] = str(1 + n % 12)
        else:
            values[f.name] = f"第{n}号单位"
    return values


def _field(fields: list[Field], after: str) -> Field:
    return next(f for f in fields if any(p.after.startswith(after) for p in f.places))


def test_a_full_data_file_leaves_no_placeholder_in_any_seed_report(
    details: list[MaterialDetail],
) -> None:
    for detail in details:
        fields = fields_of(detail)
        result = fill(detail, generated(fields))
        assert result.unfilled == [] and len(result.filled) == len(fields)
        assert find_placeholders(result.text) == [], detail.summary.title
        filled_paragraphs = "".join(str(p["text"]) for p in result.detail.paragraphs)
        assert find_placeholders(filled_paragraphs) == []


def test_unfilled_fields_stay_marked_and_are_counted(details: list[MaterialDetail]) -> None:
    detail = details[2]
    fields = fields_of(detail)
    values = generated(fields[:5])
    result = fill(detail, values)
    assert result.filled == [f.name for f in fields[:5]]
    assert len(result.unfilled) == len(fields) - 5
    left = find_placeholders(result.text)
    assert len(left) == sum(len(f.places) for f in fields[5:])


def test_the_checker_catches_planted_inconsistencies_and_passes_consistent_data(
    details: list[MaterialDetail],
) -> None:
    veterans = details[0]  # 累计受理XX人（其中市本级XX人；双管单位和中省企业XX人）
    fields = fields_of(veterans)
    total = _field(fields, "人（其中")
    parts = [f for f in fields if f.places[0].start > total.places[0].start][:2]
    base = generated(fields)
    bad = fill(veterans, {**base, total.name: 10, parts[0].name: 8, parts[1].name: 5})
    assert any(p.code == "F004" and total.name in p.fields for p in bad.problems)
    good = fill(veterans, {**base, total.name: 10, parts[0].name: 6, parts[1].name: 4})
    assert not any(p.code == "F004" and total.name in p.fields for p in good.problems)

    road = details[5]  # 营业收入XX万元，完成年度预算XX万元（含税）的XX%
    fields = fields_of(road)
    rate = _field(fields, "，实现试运行")
    plan = next(f for f in fields if any(p.after.startswith("万元（含税）") for p in f.places))
    amount = next(
        f for f in fields if any(p.after.startswith("万元，完成年度预算") for p in f.places)
    )
    base = generated(fields)
    wrong = fill(road, {**base, amount.name: 50, plan.name: 100, rate.name: 80})
    assert any(p.code == "F005" and rate.name in p.fields for p in wrong.problems)
    right = fill(road, {**base, amount.name: 50, plan.name: 100, rate.name: 50})
    assert not any(p.code == "F005" and rate.name in p.fields for p in right.problems)

    growth = next(
        (d, f)
        for d in details
        for f in fields_of(d)
        if f.kind == "percent" and any(d.text[: p.start].endswith("同比增长") for p in f.places)
    )
    detail, f = growth
    checked = fill(detail, {**generated(fields_of(detail)), f.name: -5})
    assert any(p.code == "F003" and f.name in p.fields for p in checked.problems)
    over = fill(detail, {**generated(fields_of(detail)), f.name: 120})
    assert any(p.code == "F002" and f.name in p.fields for p in over.problems)
    empty = fill(detail, {**generated(fields_of(detail)), f.name: ""})
    assert any(p.code == "F001" for p in empty.problems) and f.name in empty.unfilled


def test_bad_data_is_refused_with_the_field_named(details: list[MaterialDetail]) -> None:
    detail = details[0]
    fields = fields_of(detail)
    with pytest.raises(InvalidInput, match="没有这些字段：不存在的字段"):
        fill(detail, {"不存在的字段": 1})
    number = next(f for f in fields if f.kind == "number")
    with pytest.raises(InvalidInput) as err:
        fill(detail, {number.name: "很多"})
    assert err.value.field == number.name and "应为数字" in err.value.reason
    place = next(f for f in fields if f.kind == "place")
    with pytest.raises(InvalidInput) as err:
        fill(detail, {place.name: 123})
    assert err.value.field == place.name and "应为名称" in err.value.reason
    assert number_of("1,234") == 1234 and number_of("１２") == 12 and number_of("十二") is None


def test_batch_from_csv_writes_every_good_row_and_reports_the_broken_one(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    def gw(*args: str) -> Result:
        return cli.gw(db, *args, check=False)

    assert gw("ingest", str(SEED)).exit_code == 0
    template = json.loads(gw("template", "--json", "3").stdout)
    numeric = [f["name"] for f in template["fields"] if f["kind"] == "number"][:3]
    rows = ["单位," + ",".join(numeric), "甲局,1,2,3", "乙局,4,很多,6", "丙局,7,8,9"]
    (tmp_path / "batch.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    proc = gw(
        "fill", "3", "--csv", str(tmp_path / "batch.csv"), "-o", str(tmp_path / "out"), "--json"
    )
    assert proc.exit_code == 1  # one row is broken
    report = json.loads(proc.stdout)["documents"]
    assert [("error" in r) for r in report] == [False, True, False]
    assert numeric[1] in report[1]["error"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["丙局.docx", "甲局.docx"]
    assert all(len(r["unfilled"]) == len(template["fields"]) - 3 for r in report if "output" in r)

    data = tmp_path / "data.yaml"
    data.write_text(
        "\n".join(f"{n}: {i}" for i, n in enumerate(numeric, 1)) + "\n", encoding="utf-8"
    )
    single = gw("fill", "3", "--data", str(data), "-o", str(tmp_path / "one.docx"))
    assert single.exit_code in (0, 1) and (tmp_path / "one.docx").exists()
    assert "个未填" in single.stdout
