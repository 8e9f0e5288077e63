"""Composing a report from the library (issue 8, item 4): the usual outline of a kind of
report, paragraphs to borrow from materials the member reads, the draft with its sources."""

from __future__ import annotations

import pytest

from gongwen.errors import NotAuthenticated, NotFound
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member, Role
from gongwen.platform import compose, publishing
from gongwen.platform.access import Viewer
from gongwen.platform.accounts import create_user
from gongwen.platform.subscriptions import active_subscription, grant

from .conftest import PASSWORD


def _reader(lib: Library, member: Member) -> Viewer:
    grant(lib, OPERATOR, member.id, "year")
    return Viewer(member, active_subscription(lib, member.id))


def test_the_usual_outline_of_a_half_year_summary(seeded: Library, member: Member) -> None:
    outline = compose.propose_outline(seeded, Viewer(member), "工作总结", "交通运输局", "上半年")
    kinds = [e.section_kind for e in outline]
    assert kinds == ["工作情况", "存在问题", "下步打算"]
    assert all(e.heading and 0 < e.share <= 1 for e in outline)
    assert compose.numbered(1, outline[1].heading).startswith("二、")


def test_suggestions_come_only_from_what_the_member_reads(seeded: Library, member: Member) -> None:
    assert compose.suggest(seeded, Viewer(member), "存在问题", "疫情") == []  # no subscription
    hits = compose.suggest(seeded, _reader(seeded, member), "存在问题", "疫情")
    assert hits and all(h.kind == "body" and "疫情" in h.snippet_text for h in hits)
    with pytest.raises(NotAuthenticated):
        compose.suggest(seeded, Viewer(), "存在问题", "疫情")


def test_a_draft_from_borrowed_paragraphs_remembers_its_sources(
    seeded: Library, member: Member, editor: Member
) -> None:
    reader = _reader(seeded, member)
    picked = compose.suggest(seeded, reader, "存在问题", "疫情")[:2]
    plan = [("存在的问题", [h.paragraph_id for h in picked])]
    draft = compose.compose(seeded, reader, "2021年上半年工作总结（档案局）", plan)
    assert draft.sections[0][0] == "一、存在的问题"
    assert [b.paragraph_id for b in draft.sources] == [h.paragraph_id for h in picked]
    assert {b.material_title for b in draft.sources} <= {h.title for h in picked}
    assert draft.text.startswith("2021年上半年工作总结（档案局）\n一、存在的问题\n")
    # Not readable, hidden, or unknown: all refused alike, as paragraphs that do not exist.
    other = create_user(seeded, OPERATOR, "other@example.cn", PASSWORD, Role.MEMBER)
    with pytest.raises(NotFound, match="没有这些段落"):  # another member, without a subscription
        compose.compose(seeded, Viewer(other), "x", plan)
    publishing.publish_upload(
        seeded,
        editor,
        "d.txt",
        "2021年上半年工作总结（档案局）\n一、情况\n档案数字化全面推进。\n".encode(),
        publish_at=None,
    )
    hidden = compose.suggest(seeded, Viewer(editor), "工作情况", "档案数字化")
    assert hidden  # an editor sees the draft's paragraph
    with pytest.raises(NotFound):
        compose.compose(seeded, reader, "x", [("情况", [hidden[0].paragraph_id])])
    with pytest.raises(NotFound, match="999999"):
        compose.compose(seeded, reader, "x", [("情况", [999999])])


def test_suggestions_count_against_the_search_limits(seeded: Library, member: Member) -> None:
    from dataclasses import replace

    from gongwen.errors import RateLimited
    from gongwen.platform.access import Client

    seeded.settings = replace(seeded.settings, search_per_minute=2)
    reader = _reader(seeded, member)
    client = Client("session-c", "10.2.2.2")
    for _ in range(2):
        compose.suggest(seeded, reader, "存在问题", "疫情", client=client)
    with pytest.raises(RateLimited):
        compose.suggest(seeded, reader, "存在问题", "疫情", client=client)


def test_a_draft_has_a_budget(seeded: Library, member: Member) -> None:
    """20 sections of 200 paragraph ids carried whole materials out: refused before anything
    is read, as is a draft of more characters than a report has."""
    from gongwen.errors import InvalidInput

    reader = _reader(seeded, member)
    ids = [h.paragraph_id for h in compose.suggest(seeded, reader, "工作情况", "工作", limit=20)]
    with pytest.raises(InvalidInput, match="最多"):
        compose.compose(seeded, reader, "x", [(f"第{i}部分", ids[:1]) for i in range(13)])
    with pytest.raises(InvalidInput, match="每部分最多借用 12 段"):
        compose.compose(seeded, reader, "x", [("情况", ids[:1] * 13)])
    small = compose.MAX_CHARACTERS
    compose.MAX_CHARACTERS = 50
    try:
        with pytest.raises(InvalidInput, match="字"):
            compose.compose(seeded, reader, "x", [("情况", ids[:3])])
    finally:
        compose.MAX_CHARACTERS = small
