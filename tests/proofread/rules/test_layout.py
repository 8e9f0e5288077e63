from __future__ import annotations

from gongwen.proofread import check

from .conftest import fixed, flagged

LONG = "上半年全市共新增就业岗位一千二百个，城镇登记失业率控制在百分之三以内，完成年度目标的六成"


def test_gw801_paragraph_without_final_mark() -> None:
    bad = LONG + "\n\n二、存在问题"
    assert flagged("GW801", bad) == ["成"]
    assert fixed("GW801", bad) == LONG + "。\n\n二、存在问题"
    assert flagged("GW801", LONG + "。\n二、存在问题") == []
    # A hard-wrapped line continues on the next, not a paragraph end.
    assert flagged("GW801", LONG[:30] + "\n" + LONG[30:] + "。") == []


def test_gw802_full_width_alphanumerics_only_when_selected() -> None:
    bad = "完成投资１２亿元，ＧＤＰ增长"
    assert fixed("GW802", bad, suggested=False) == "完成投资12亿元，GDP增长"
    assert "GW802" not in {d.code for d in check(bad, ignore=["GW110"])}
