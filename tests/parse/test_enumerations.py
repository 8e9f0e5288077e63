"""In-paragraph enumerations."""

from __future__ import annotations

from gongwen.parse.enumerations import find_items


def test_yishi_ershi_items_cover_the_paragraph() -> None:
    text = "加强领导。一是健全机制，明确责任；二是强化督导；三是严格考核。"
    items = find_items(text)
    assert [i.marker for i in items] == ["一是", "二是", "三是"]
    assert text[items[0].start : items[0].end] == "一是健全机制，明确责任；"
    assert text[items[-1].start : items[-1].end] == "三是严格考核。"


def test_numbered_and_circled_items() -> None:
    assert [i.marker for i in find_items("主要有：1)资金不足；2)人才短缺。")] == ["1)", "2)"]
    assert [i.marker for i in find_items("①加强学习；②改进作风。")] == ["①", "②"]


def test_words_containing_shi_are_not_items() -> None:
    assert find_items("统一是前提，这一是关键。") == []
