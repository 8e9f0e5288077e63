"""Members ask for materials, vote, and hear when an editor answers."""

from __future__ import annotations

import pytest

from gongwen.errors import Forbidden, InvalidInput
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member, Role
from gongwen.platform import feeds, requests
from gongwen.platform.access import Viewer
from gongwen.platform.accounts import create_user

from .conftest import PASSWORD


def test_request_vote_and_answer(seeded: Library, member: Member, editor: Member) -> None:
    other = create_user(seeded, OPERATOR, "other@example.cn", PASSWORD, Role.MEMBER)
    rid = requests.post(seeded, member, "2020年下半年退役军人事务局工作计划", "要有双拥内容")
    second = requests.post(seeded, other, "2021年度述职报告（科技局）")
    assert requests.toggle_vote(seeded, other, rid) is True
    listing = requests.listing(seeded, Viewer(other))
    assert [(r.id, r.votes, r.voted) for r in listing] == [(rid, 2, True), (second, 1, True)]
    assert requests.toggle_vote(seeded, other, rid) is False
    assert requests.toggle_vote(seeded, other, rid) is True
    with pytest.raises(Forbidden):
        requests.set_status(seeded, member, rid, "done", 1)
    with pytest.raises(InvalidInput):
        requests.set_status(seeded, editor, rid, "finished")
    requests.set_status(seeded, editor, rid, "done", 1)
    [done] = [r for r in requests.listing(seeded, Viewer(member)) if r.id == rid]
    assert done.status == "done" and done.material_id == 1 and done.material_title
    for who in (member, other):
        [note] = feeds.notifications_for(seeded, who)
        assert "已完成" in note.text and note.request_id == rid
    with pytest.raises(InvalidInput, match="4 到 100"):
        requests.post(seeded, member, "短")
