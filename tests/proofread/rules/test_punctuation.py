from __future__ import annotations

from .conftest import fixed, flagged


def test_gw601_unbalanced_marks() -> None:
    assert flagged("GW601", "开展“我为群众办实事实践活动。") == ["“"]
    assert flagged("GW601", "印发《关于加强安全生产工作的通知。") == ["《"]
    assert flagged("GW601", "经费（含配套资金”") == ["”"]
    # A title broken over two lines by a PDF is joined before counting.
    assert flagged("GW601", "依据《\n中华人民共和国著作权法\n》第五条") == []
    assert flagged("GW601", "开展“我为群众办实事”实践活动（试点）。") == []


def test_gw602_half_width_between_han() -> None:
    bad = "加强领导,落实责任;确保实效"
    assert flagged("GW602", bad) == [",", ";"]
    assert fixed("GW602", bad, suggested=False) == "加强领导，落实责任；确保实效"
    assert flagged("GW602", "增长3.5%，完成1,200万元，PM2.5浓度下降") == []


def test_gw603_doubled_marks() -> None:
    bad = "完成年度任务，，超过预期。。"
    assert flagged("GW603", bad) == ["，，", "。。"]
    assert fixed("GW603", bad, suggested=False) == "完成年度任务，超过预期。"
    assert flagged("GW603", "推进改革……取得成效——这是关键。") == []


def test_gw604_spaces_inside_chinese() -> None:
    bad = "今年以来，全面落实 各项工作任务，取得明显 成效。"
    assert flagged("GW604", bad) == [" ", " "]
    assert fixed("GW604", bad, suggested=False) == "今年以来，全面落实各项工作任务，取得明显成效。"
    assert flagged("GW604", "一、 总体情况") == []
    assert flagged("GW604", "张　三") == []


def test_gw605_comma_in_short_noun_list() -> None:
    bad = "在北京，上海，广州等城市设立分中心"
    assert flagged("GW605", bad) == ["，", "，"]
    assert fixed("GW605", bad) == "在北京、上海、广州等城市设立分中心"
    assert flagged("GW605", "加强领导，完善制度，落实责任等") == []


def test_gw606_approximate_numbers() -> None:
    assert fixed("GW606", "用三、四天时间，约五、六个人") == "用三四天时间，约五六个人"
    assert flagged("GW606", "三、四季度分别完成，三、五个单位") == []


def test_gw607_straight_quotes() -> None:
    bad = '开展"我为群众办实事"实践活动'
    assert fixed("GW607", bad, suggested=False) == "开展“我为群众办实事”实践活动"
    assert flagged("GW607", 'set "debug" on') == []
