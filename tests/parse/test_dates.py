"""Dates as documents write them, and a document's own date read from its text."""

from __future__ import annotations

import pytest

from gongwen.parse.dates import document_date, iso_date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2020年7月10日", "2020-07-10"),
        ("二〇二〇年七月十日", "2020-07-10"),
        ("二〇一九年十二月三十一日", "2019-12-31"),
        ("2006年7月24日 中华人民共和国国务院令第472号公布", "2006-07-24"),
        ("2026-02-02", "2026-02-02"),
        ("2020年7月", "2020-07"),
        ("2025", "2025"),
        ("没有日期", ""),
    ],
)
def test_iso_date(text: str, expected: str) -> None:
    assert iso_date(text) == expected


def test_the_date_a_report_was_delivered() -> None:
    text = (
        "政府工作报告\n——2026年1月27日在海南省第七届人民代表大会第五次会议上\n海南省省长 刘小明\n"
    )
    assert document_date(text) == "2026-01-27"


def test_the_date_under_the_signature() -> None:
    text = "2020年上半年工作总结\n一、工作情况\n2019年完成了……\n\nXX市交通运输局\n2020年7月10日\n"
    assert document_date(text) == "2020-07-10"


def test_a_date_inside_a_sentence_is_not_the_documents_date() -> None:
    assert document_date("工作总结\n我们于2020年7月10日召开会议。\n") == ""
