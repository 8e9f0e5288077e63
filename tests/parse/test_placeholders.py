"""Placeholders and the labels guessed from their context."""

from __future__ import annotations

import pytest

from gongwen.parse.placeholders import find_placeholders


@pytest.mark.parametrize(
    "text, placeholder, label, unit",
    [
        ("全市累计受理XX人。", "XX", "受理人数", "人"),
        ("收缴罚没款X万元。", "X", "罚没款金额", "万元"),
        ("同比增长XX%。", "XX%", "增长比例", "%"),
        ("同比增长XX％。", "XX％", "增长比例", "%"),
        ("于X月X日召开会议。", "X", "日期", ""),
        ("XX市退役军人事务局", "XX", "市名称", ""),
        ("配合市委第X巡查组", "X", "序号", ""),
        ("新设立企业××户", "××", "企业户数", "户"),
        ("XX书记多次召开会议", "XX", "姓名", ""),
    ],
)
def test_labels_from_context(text: str, placeholder: str, label: str, unit: str) -> None:
    found = find_placeholders(text)
    assert found[0].text == placeholder
    assert (found[0].label, found[0].unit) == (label, unit)
    assert text[found[0].start : found[0].end] == placeholder


def test_words_that_only_look_like_placeholders() -> None:
    assert find_placeholders("开展X射线检查，使用XML格式和Excel表格。") == []


def test_every_placeholder_in_a_sentence() -> None:
    found = find_placeholders("完成投资XX亿元，占年度计划的XX%，新开工项目X个。")
    assert [(p.text, p.unit) for p in found] == [("XX", "亿元"), ("XX%", "%"), ("X", "个")]
