"""Events reach the public only while their material is in the public catalogue: no draft,
scheduled or retired material is ever named by the events API, the live stream's catch-up or
the requests board."""

from __future__ import annotations

from datetime import timedelta

from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform import publishing, requests
from gongwen.platform.access import Viewer
from gongwen.platform.events import events_after
from gongwen.util.clock import now

PLAN = "2021年下半年工作计划（档案局）\n一、总体思路\n推进档案数字化。\n"
SECRET = "2021年下半年工作计划（保密局）"


def _titles(lib: Library, viewer: Viewer) -> list[str]:
    return [e.title for e in events_after(lib, viewer, 0)]


def test_retired_and_unpublished_materials_leave_the_public_events(
    seeded: Library, editor: Member, member: Member
) -> None:
    [public] = publishing.publish_upload(seeded, editor, "a.txt", PLAN.encode())
    [secret] = publishing.publish_upload(
        seeded, editor, "b.txt", PLAN.replace("档案局", "保密局").encode()
    )
    assert SECRET in _titles(seeded, Viewer())
    publishing.retire(seeded, editor, secret.material_id)
    assert SECRET not in _titles(seeded, Viewer())
    assert SECRET not in _titles(seeded, Viewer(member))
    assert SECRET in _titles(seeded, Viewer(editor))  # editors see everything
    publishing.schedule(seeded, editor, public.material_id, now() + timedelta(days=3))
    assert "2021年下半年工作计划（档案局）" not in _titles(seeded, Viewer())
    publishing.schedule(seeded, editor, public.material_id, None)  # back to draft
    assert _titles(seeded, Viewer()) == []


def test_a_request_answered_by_a_draft_does_not_name_it(
    seeded: Library, editor: Member, member: Member
) -> None:
    [draft] = publishing.publish_upload(
        seeded, editor, "c.txt", PLAN.replace("档案局", "保密局").encode(), publish_at=None
    )
    rid = requests.post(seeded, member, "需要保密工作计划范文")
    requests.set_status(seeded, editor, rid, "planned", draft.material_id)
    [event] = events_after(seeded, Viewer(), 0)
    assert event.kind == "request" and event.title == "需要保密工作计划范文"
    assert event.material_id is None
    [board] = requests.listing(seeded, Viewer(member))
    assert board.material_id is None and board.material_title == ""
    [editors_board] = requests.listing(seeded, Viewer(editor))
    assert editors_board.material_title == SECRET
    publishing.schedule(seeded, editor, draft.material_id, now())  # published: now it may show
    [board] = requests.listing(seeded, Viewer(member))
    assert board.material_title == SECRET
    assert events_after(seeded, Viewer(), 0)[0].material_id == draft.material_id
