from __future__ import annotations

from .conftest import fixed, flagged


def test_gw411_ordinals_in_set_phrases() -> None:
    bad = "荣获省级2等奖，3等功一次"
    assert flagged("GW411", bad) == ["2", "3"]
    assert fixed("GW411", bad, suggested=False) == "荣获省级二等奖，三等功一次"
    assert flagged("GW411", "荣获二等奖，奖金12等额发放") == []


def test_gw412_mixed_forms() -> None:
    bad = "完成投资3千万元，帮扶5百户，二0二0年六月"
    assert flagged("GW412", bad) == ["3千", "5百", "二0二0"]
    assert fixed("GW412", bad, suggested=False) == "完成投资3000万元，帮扶500户，二〇二〇年六月"
    assert flagged("GW412", "完成投资3000万元，惠及1.2万人，二〇二〇年，千家万户") == []


def test_gw413_double_approximation() -> None:
    bad = "同比增长约15%左右，大约300人左右"
    assert flagged("GW413", bad) == ["左右", "左右"]
    assert fixed("GW413", bad) == "同比增长约15%，大约300人"
    assert flagged("GW413", "同比增长15%左右，约300人") == []
