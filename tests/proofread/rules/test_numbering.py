from __future__ import annotations

from .conftest import fixed, flagged


def test_gw301_heading_gaps_and_repeats_by_level() -> None:
    bad = "一、总体情况\n（一）主要做法\n（三）取得成效\n二、存在问题\n二、下步打算"
    assert flagged("GW301", bad) == ["（三）", "二、"]
    assert (
        fixed("GW301", bad)
        == "一、总体情况\n（一）主要做法\n（二）取得成效\n二、存在问题\n三、下步打算"
    )
    # A lower level restarts under each higher heading; a new list may start again at 1.
    good = "一、总体情况\n（一）做法\n（二）成效\n二、问题\n（一）短板\n1.人员不足\n2.经费不足\n1.另一组\n"
    assert flagged("GW301", good) == []


def test_gw301_word_numbering_counts_as_written() -> None:
    # Word's own numbering arrives spelled out (ingest/docx.py), so gaps are caught there too.
    assert flagged("GW301", "1.加强领导\n2.完善制度\n4.强化考核") == ["4."]


def test_gw302_marker_forms() -> None:
    bad = "（一）、加强组织领导\n1、明确责任\n二．压实责任\n(三)强化考核"
    assert flagged("GW302", bad) == ["（一）、", "1、", "二．", "(三)"]
    assert (
        fixed("GW302", bad, suggested=False)
        == "（一）加强组织领导\n1.明确责任\n二、压实责任\n（三）强化考核"
    )
    assert flagged("GW302", "一、总体情况\n（一）加强组织领导\n1.明确责任\n（1）压实责任") == []
    assert flagged("GW302", "一.5倍以上") == []


def test_gw303_items_jump_repeat_and_restart() -> None:
    bad = "一是加强领导；二是完善制度；三是强化考核；五是严肃问责。"
    assert flagged("GW303", bad) == ["五是"]
    assert fixed("GW303", bad) == "一是加强领导；二是完善制度；三是强化考核；四是严肃问责。"
    across = (
        "主要做法：\n一是加强领导。\n这方面做了很多工作，成效明显。\n二是完善制度。\n二是强化考核。"
    )
    assert flagged("GW303", across) == ["二是"]
    # Without 一是 (an excerpt) nothing is said; 统一是 is not an item.
    assert flagged("GW303", "三是强化考核；四是严肃问责。标准统一是关键。") == []
