from __future__ import annotations

from .conftest import fixed, flagged


def test_gw201_doubled_function_characters() -> None:
    bad = "完成了了全年任务，加强和和改进党建工作"
    assert flagged("GW201", bad) == ["了", "和"]
    assert fixed("GW201", bad, suggested=False) == "完成了全年任务，加强和改进党建工作"
    # Reduplicated words, words meeting and set phrases are not slips.
    for good in (
        "实实在在的利益",
        "积极应对对外开放",
        "提出主要要求",
        "不了了之",
        "实事求是是我们党的思想路线",
    ):
        assert flagged("GW201", good) == []


def test_gw202_doubled_words() -> None:
    bad = "加强监督监督检查，落实落实责任"
    assert flagged("GW202", bad) == ["监督", "落实"]
    assert fixed("GW202", bad) == "加强监督检查，落实责任"
    for good in ("设立新兴产业创业创新平台", "一件一件抓落实", "还有很多很多工作", "研究研究再定"):
        assert flagged("GW202", good) == []


def test_gw203_repeated_clause() -> None:
    bad = "全面加强队伍建设，全面加强队伍建设，提高服务水平。"
    assert flagged("GW203", bad) == ["全面加强队伍建设，"]
    assert fixed("GW203", bad) == "全面加强队伍建设，提高服务水平。"
    assert flagged("GW203", "全面加强队伍建设，全面提高服务水平，全面加强队伍建设。") == []
