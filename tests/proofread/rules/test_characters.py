from __future__ import annotations

import pytest

from .conftest import fixed, flagged

CONFUSED = [
    ("截止目前，全省共有XX家", ["截止目前"], "截至目前，全省共有XX家"),
    ("截止今年6月，累计完成", ["截止"], "截至今年6月，累计完成"),
    ("认真布署下半年工作", ["布署"], "认真部署下半年工作"),
    ("当前经济形式严峻复杂", ["形式严峻"], "当前经济形势严峻复杂"),
    ("坚决反对形势主义、官僚主义", ["形势主义"], "坚决反对形式主义、官僚主义"),
    ("推行党员到社区双报道制度", ["双报道"], "推行党员到社区双报到制度"),
    ("市委巡查组进驻", ["巡查组"], "市委巡察组进驻"),
    ("发现问题立既整改", ["立既"], "发现问题立即整改"),
]
CLEAN = [
    "报名于2020年6月30日截止。",
    "建立既有建筑增设电梯机制",  # 立既 inside 建立既有
    "为了既便于管理又节约成本",  # 既便 inside 既便于
    "巡查河道XX公里",
    "各类经济形式共同发展",
]


@pytest.mark.parametrize("bad,spans,good", CONFUSED)
def test_gw101_confused_words(bad: str, spans: list[str], good: str) -> None:
    assert flagged("GW101", bad) == spans
    assert fixed("GW101", bad, suggested=False) == good  # safe fixes
    assert flagged("GW101", good) == []


@pytest.mark.parametrize("text", CLEAN)
def test_gw101_leaves_right_usage(text: str) -> None:
    assert flagged("GW101", text) == []


def test_gw102_de_di_de() -> None:
    bad = "我们扎实的推进各项改革，取的了显著成效"
    assert flagged("GW102", bad) == ["的", "的"]
    assert fixed("GW102", bad) == "我们扎实地推进各项改革，取得了显著成效"
    for good in ("采取有效的保障措施", "积极的推动作用", "一项积极的举措", "取得了显著成效"):
        assert flagged("GW102", good) == []
