from __future__ import annotations

from .conftest import fixed, flagged


def test_gw401_impossible_dates() -> None:
    assert flagged("GW401", "会议于6月31日召开，2021年2月29日印发，13月1日起施行") == [
        "6月31日",
        "2021年2月29日",
        "13月1日",
    ]
    assert flagged("GW401", "二〇二一年二月二十九日") == ["二〇二一年二月二十九日"]
    assert flagged("GW401", "2020年2月29日、6月30日、二〇二〇年十二月三十一日、2月29日") == []


def test_gw402_reversed_year_range() -> None:
    assert flagged("GW402", "《2020—2012年发展规划》") == ["2020—2012"]
    assert flagged("GW402", "2020年-2012年") == ["2020年-2012"]
    assert flagged("GW402", "《2021—2025年发展规划》，2019至2020年") == []


def test_gw403_year_of_the_period() -> None:
    bad = "2020年上半年工作总结\n2019年上半年，我局紧紧围绕年度目标开展工作。"
    assert flagged("GW403", bad) == ["2019"]
    assert fixed("GW403", bad).endswith("2020年上半年，我局紧紧围绕年度目标开展工作。")
    comparison = "2020年上半年工作总结\n2020年上半年，各项指标比2019年上半年均有增长。"
    assert flagged("GW403", comparison) == []
    # A government work report reviews the year before its own: no period is set.
    assert flagged("GW403", "2025年政府工作报告\n2024年上半年，经济运行平稳。") == []
