"""Editors publish, revise with a note, schedule and retire; members hear about it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gongwen.errors import Forbidden, NotFound, RateLimited
from gongwen.export.render import Format
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member
from gongwen.model.platform import Event
from gongwen.platform import audit, browse, downloads, feeds, publishing, reading
from gongwen.platform.access import Viewer
from gongwen.platform.search import search_catalogue
from gongwen.platform.subscriptions import active_subscription, grant
from gongwen.util.clock import now

PLAN = "2020年下半年工作计划（退役军人事务局）\n一、总体思路\n围绕服务保障主线，推进各项工作落实。\n二、重点任务\n（一）抓好思想政治工作。\n"


def _captured(lib: Library) -> list[Event]:
    got: list[Event] = []
    lib.add_listener(got.append)
    return got


def viewer_for(lib: Library, member: Member) -> Viewer:
    return Viewer(member, active_subscription(lib, member.id))


def test_upload_publishes_and_announces(seeded: Library, editor: Member, member: Member) -> None:
    got = _captured(seeded)
    [saved] = publishing.publish_upload(seeded, editor, "计划.txt", PLAN.encode("gb18030"))
    assert saved.status == "new"
    assert [(e.kind, e.title) for e in got] == [
        ("published", "2020年下半年工作计划（退役军人事务局）")
    ]
    visitor = Viewer()
    assert reading.material_view(seeded, visitor, saved.material_id).card.status == "published"
    with pytest.raises(Forbidden):
        publishing.publish_upload(seeded, member, "x.txt", PLAN.encode())
    seeded.listeners.clear()


def test_revision_keeps_history_shows_a_diff_and_tells_downloaders(
    seeded: Library, editor: Member, member: Member
) -> None:
    grant(seeded, OPERATOR, member.id, "year")
    viewer = viewer_for(seeded, member)
    downloads.download(seeded, viewer, 3, Format.TXT)
    text = publishing.material_text(seeded, editor, 3)
    got = _captured(seeded)
    saved = publishing.publish_revision(
        seeded, editor, 3, text.replace("更大力度抓项目稳投资", "更大力度抓项目扩投资"), "改正表述"
    )
    assert saved.status == "revision"
    revisions = reading.revision_list(seeded, viewer, 3)
    assert [(r.number, r.note) for r in revisions] == [(2, "改正表述"), (1, "")]
    diff = reading.revision_diff(seeded, viewer, 3, 2)
    changed = [(mark, line[:14]) for mark, line in diff.lines if mark in "+-"]
    assert changed == [("-", "（一）更大力度抓项目稳投资。"), ("+", "（一）更大力度抓项目扩投资。")]
    assert [e.kind for e in got] == ["revised"]
    [note] = feeds.notifications_for(seeded, member)
    assert "有新版本" in note.text and "改正表述" in note.text and note.material_id == 3
    seeded.listeners.clear()


def test_scheduled_material_stays_hidden_until_its_time(
    seeded: Library, editor: Member, member: Member
) -> None:
    grant(seeded, OPERATOR, member.id, "year")
    later = now() + timedelta(days=2)
    [saved] = publishing.publish_upload(seeded, editor, "plan.txt", PLAN.encode(), publish_at=later)
    mid = saved.material_id
    reader = viewer_for(seeded, member)
    with pytest.raises(NotFound):
        reading.material_view(seeded, reader, mid)
    assert mid not in {c.id for c in browse.browse(seeded, reader)}
    assert not [
        h for h in search_catalogue(seeded, reader, "服务保障主线").hits if h.material_id == mid
    ]
    assert reading.material_view(seeded, viewer_for(seeded, editor), mid).card.status == "scheduled"
    got = _captured(seeded)
    assert publishing.announce_due(seeded) == []
    publishing.schedule(seeded, editor, mid, now() - timedelta(seconds=1))
    assert [e.material_id for e in got] == [mid]
    assert publishing.announce_due(seeded) == []  # announced once only
    assert reading.material_view(seeded, reader, mid).readable
    publishing.retire(seeded, editor, mid)
    with pytest.raises(NotFound):
        reading.material_view(seeded, reader, mid)
    seeded.listeners.clear()


def test_bulk_downloading_is_refused_and_flagged(seeded: Library, member: Member) -> None:
    from dataclasses import replace

    seeded.settings = replace(seeded.settings, daily_download_limit=3)
    grant(seeded, OPERATOR, member.id, "year")
    viewer = viewer_for(seeded, member)
    for material_id in (3, 4, 5):
        downloads.download(seeded, viewer, material_id, Format.DOCX)
    with pytest.raises(RateLimited, match="上限"):
        downloads.download(seeded, viewer, 6, Format.TXT)
    logged = audit.entries(seeded, OPERATOR, action="download")
    assert [(e.target, e.detail["format"]) for e in logged] == [
        ("5", "docx"),
        ("4", "docx"),
        ("3", "docx"),
    ]
    [flag] = audit.entries(seeded, OPERATOR, flagged=True)
    assert flag.action == "download.refused_bulk" and flag.actor == member.email


def test_metadata_edits_move_the_search_filters_and_keep_the_index_sound(
    seeded: Library, editor: Member
) -> None:
    from gongwen.search.service import Filters, search

    def found(kind: str) -> set[int]:
        return {
            h.material_id
            for h in search(seeded, "疫情", Filters(organisation_kind=kind), limit=100).hits
        }

    assert 5 in found("事业单位")
    publishing.edit_metadata(
        seeded, editor, 5, organisation_kind="科技局", title="2020年上半年工作总结（科技馆）"
    )
    assert 5 not in found("事业单位") and 5 in found("科技局")
    text = publishing.material_text(seeded, editor, 5)
    publishing.publish_revision(seeded, editor, 5, text.replace("疫情", "新冠疫情", 1), "措辞")
    assert 5 in found("科技局")  # the revision keeps the edited metadata
    seeded.index.check(seeded.db)


def test_a_schedule_in_beijing_time_is_kept_as_the_same_instant(
    seeded: Library, editor: Member
) -> None:
    """SQLite has no time zones: a 09:00 Beijing schedule must not become 09:00 UTC."""
    from datetime import datetime, timezone

    beijing = timezone(timedelta(hours=8))
    at = datetime.now(beijing).replace(microsecond=0) + timedelta(hours=3)
    [saved] = publishing.publish_upload(seeded, editor, "plan.txt", PLAN.encode(), publish_at=at)
    card = reading.material_view(seeded, Viewer(editor), saved.material_id).card
    assert card.published_at == at and card.status == "scheduled"
    publishing.schedule(seeded, editor, saved.material_id, now() - timedelta(minutes=1))
    assert reading.material_view(seeded, Viewer(), saved.material_id).card.status == "published"
