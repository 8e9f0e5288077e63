"""Editors publish, revise with a note, schedule and retire; members hear about it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gongwen.errors import Forbidden, NotFound, RateLimited
from gongwen.export.render import Format
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform import audit, catalogue, events, feeds, publishing
from gongwen.platform.subscriptions import grant
from gongwen.util.clock import now

PLAN = "2020年下半年工作计划（退役军人事务局）\n一、总体思路\n围绕服务保障主线，推进各项工作落实。\n二、重点任务\n（一）抓好思想政治工作。\n"


def _captured(lib: Library) -> list[events.Event]:
    got: list[events.Event] = []
    events.add_listener(lib, got.append)
    return got


def test_upload_publishes_and_announces(seeded: Library, editor: Member, member: Member) -> None:
    got = _captured(seeded)
    [saved] = publishing.publish_upload(seeded, editor, "计划.txt", PLAN.encode("gb18030"))
    assert saved.status == "new"
    assert [(e.kind, e.title) for e in got] == [
        ("published", "2020年下半年工作计划（退役军人事务局）")
    ]
    visitor = catalogue.Viewer()
    assert catalogue.material_view(seeded, visitor, saved.material_id).card.status == "published"
    with pytest.raises(Forbidden):
        publishing.publish_upload(seeded, member, "x.txt", PLAN.encode())
    events.remove_listeners(seeded)


def test_revision_keeps_history_shows_a_diff_and_tells_downloaders(
    seeded: Library, editor: Member, member: Member
) -> None:
    grant(seeded, member.id, "year")
    viewer = catalogue.viewer_for(seeded, member)
    catalogue.download(seeded, viewer, 3, Format.TXT)
    text = publishing.material_text(seeded, editor, 3)
    got = _captured(seeded)
    saved = publishing.publish_revision(
        seeded, editor, 3, text.replace("更大力度抓项目稳投资", "更大力度抓项目扩投资"), "改正表述"
    )
    assert saved.status == "revision"
    revisions = catalogue.revision_list(seeded, viewer, 3)
    assert [(r.number, r.note) for r in revisions] == [(2, "改正表述"), (1, "")]
    diff = catalogue.revision_diff(seeded, viewer, 3, 2)
    changed = [(mark, line[:14]) for mark, line in diff.lines if mark in "+-"]
    assert changed == [("-", "（一）更大力度抓项目稳投资。"), ("+", "（一）更大力度抓项目扩投资。")]
    assert [e.kind for e in got] == ["revised"]
    [note] = feeds.notifications_for(seeded, member)
    assert "有新版本" in note.text and "改正表述" in note.text and note.material_id == 3
    events.remove_listeners(seeded)


def test_scheduled_material_stays_hidden_until_its_time(
    seeded: Library, editor: Member, member: Member
) -> None:
    grant(seeded, member.id, "year")
    later = now() + timedelta(days=2)
    [saved] = publishing.publish_upload(seeded, editor, "plan.txt", PLAN.encode(), publish_at=later)
    mid = saved.material_id
    reader = catalogue.viewer_for(seeded, member)
    with pytest.raises(NotFound):
        catalogue.material_view(seeded, reader, mid)
    assert mid not in {c.id for c in catalogue.browse(seeded, reader)}
    assert not [
        h
        for h in catalogue.search_catalogue(seeded, reader, "服务保障主线").hits
        if h.material_id == mid
    ]
    assert (
        catalogue.material_view(seeded, catalogue.viewer_for(seeded, editor), mid).card.status
        == "scheduled"
    )
    got = _captured(seeded)
    assert publishing.announce_due(seeded) == []
    publishing.schedule(seeded, editor, mid, now() - timedelta(seconds=1))
    assert [e.material_id for e in got] == [mid]
    assert publishing.announce_due(seeded) == []  # announced once only
    assert catalogue.material_view(seeded, reader, mid).readable
    publishing.retire(seeded, editor, mid)
    with pytest.raises(NotFound):
        catalogue.material_view(seeded, reader, mid)
    events.remove_listeners(seeded)


def test_bulk_downloading_is_refused_and_flagged(seeded: Library, member: Member) -> None:
    from dataclasses import replace

    seeded.settings = replace(seeded.settings, daily_download_limit=3)
    grant(seeded, member.id, "year")
    viewer = catalogue.viewer_for(seeded, member)
    for material_id in (3, 4, 5):
        catalogue.download(seeded, viewer, material_id, Format.DOCX)
    with pytest.raises(RateLimited, match="上限"):
        catalogue.download(seeded, viewer, 6, Format.TXT)
    logged = audit.entries(seeded, action="download")
    assert [(e.target, e.detail["format"]) for e in logged] == [
        ("5", "docx"),
        ("4", "docx"),
        ("3", "docx"),
    ]
    [flag] = audit.entries(seeded, flagged=True)
    assert flag.action == "download.refused_bulk" and flag.actor == member.email


def test_metadata_edits_move_the_search_filters_and_keep_the_index_sound(
    seeded: Library, editor: Member
) -> None:
    from gongwen.search.service import Filters, search
    from gongwen.store.library_store import check_index

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
    with seeded.engine.begin() as conn:
        check_index(conn)
