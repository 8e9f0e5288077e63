"""The private Atom feed, read back the way feed readers read it (feedparser)."""

from __future__ import annotations

import feedparser
import pytest

from gongwen.errors import NotAuthenticated
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member
from gongwen.platform import feeds, publishing
from gongwen.platform.subscriptions import grant

TRICKY = '2021年工作计划（<规划&发展>科 "试点"）'


def test_the_feed_is_valid_atom_with_titles_links_and_no_text(
    seeded: Library, editor: Member, member: Member
) -> None:
    grant(seeded, OPERATOR, member.id, "year")
    text = f"{TRICKY}\n一、总体思路\n正文不进入订阅源的独特句子。\n"
    [saved] = publishing.publish_upload(seeded, editor, "plan.txt", text.encode())
    token = feeds.rotate_feed_token(seeded, member)
    body = feeds.atom(seeded, token, "https://gongwen.example.cn")
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == f"公文库 · {member.email} 的订阅"
    newest = parsed.entries[0]
    assert newest.title == f"新发布：{TRICKY}"  # escaped on the way out, intact on the way in
    assert newest.link == f"https://gongwen.example.cn/materials/{saved.material_id}"
    assert "正文不进入订阅源" not in body.decode("utf-8")
    assert newest.updated_parsed is not None


def test_a_revoked_or_suspended_feed_is_gone(seeded: Library, member: Member) -> None:
    token = feeds.rotate_feed_token(seeded, member)
    assert feedparser.parse(feeds.atom(seeded, token, "")).entries is not None
    feeds.revoke_feed_token(seeded, member)
    with pytest.raises(NotAuthenticated):
        feeds.atom(seeded, token, "")
