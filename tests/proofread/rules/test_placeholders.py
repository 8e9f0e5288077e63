from __future__ import annotations

from gongwen.proofread import check

from .conftest import fixed, flagged


def test_gw701_leftover_placeholders_with_what_to_fill() -> None:
    text = "全年累计受理XX人次，完成投资××万元。"
    found = check(text, select=["GW701"])
    assert [text[d.start : d.end] for d in found] == ["XX", "××"]
    assert "人次" in found[0].message
    assert flagged("GW701", "全年累计受理3215人次，X射线检查") == []


def test_gw702_template_notes() -> None:
    bad = "我局共办理建议提案XX件（根据实际情况替换内容）。【此处填写主要成效】"
    assert flagged("GW702", bad) == ["（根据实际情况替换内容）", "【此处填写主要成效】"]
    assert fixed("GW702", bad, suggested=False) == "我局共办理建议提案XX件。"
    assert flagged("GW702", "我局共办理建议提案（含政协提案）36件（见附件）。") == []
