"""Finding and keeping: favourites, download history, related materials, the home page, and
the site's texts an admin edits."""

from __future__ import annotations

import pytest

from gongwen.errors import Forbidden, InvalidInput, NotAuthenticated, NotFound
from gongwen.export.render import Format
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member, Role
from gongwen.platform import browse, downloads, favourites, publishing, site
from gongwen.platform.access import Viewer
from gongwen.platform.accounts import create_user
from gongwen.platform.subscriptions import active_subscription, grant
from gongwen.store import audit as audit_store

from .conftest import PASSWORD

DRAFT = "2021年上半年工作总结（档案局）\n一、工作开展情况\n完成档案数字化XX万卷。\n".encode()


def _reader(lib: Library, member: Member) -> Viewer:
    grant(lib, OPERATOR, member.id, "year")
    return Viewer(member, active_subscription(lib, member.id))


def _ids(lib: Library) -> dict[str, int]:
    return {c.title: c.id for c in browse.browse(lib, Viewer(), limit=50)}


def test_a_member_keeps_and_drops_favourites_and_sees_only_their_own(
    seeded: Library, member: Member
) -> None:
    other = create_user(seeded, OPERATOR, "other@example.cn", PASSWORD, Role.MEMBER)
    ids = list(_ids(seeded).values())
    me, them = Viewer(member), Viewer(other)
    assert favourites.keep(seeded, me, ids[0]) is True
    assert favourites.keep(seeded, me, ids[0]) is False  # kept once, however often asked
    assert favourites.keep(seeded, me, ids[1]) is True
    assert [c.id for c in favourites.listing(seeded, me)] == [ids[1], ids[0]]  # newest first
    assert favourites.is_kept(seeded, me, ids[0]) and not favourites.is_kept(seeded, them, ids[0])
    assert favourites.listing(seeded, them) == []
    assert favourites.drop(seeded, them, ids[0]) is False  # someone else's favourite stays
    assert favourites.drop(seeded, me, ids[0]) is True
    assert [c.id for c in favourites.listing(seeded, me)] == [ids[1]]
    # Without a subscription the card says the text is not readable; with one it is.
    assert not favourites.listing(seeded, me)[0].readable
    assert favourites.listing(seeded, _reader(seeded, member))[0].readable


def test_visitors_cannot_keep_and_hidden_materials_cannot_be_kept(
    seeded: Library, member: Member, editor: Member
) -> None:
    ids = list(_ids(seeded).values())
    with pytest.raises(NotAuthenticated):
        favourites.keep(seeded, Viewer(), ids[0])
    with pytest.raises(NotAuthenticated):
        favourites.listing(seeded, Viewer())
    [draft] = publishing.publish_upload(seeded, editor, "d.txt", DRAFT, publish_at=None)
    with pytest.raises(NotFound):  # the same answer as for an id that does not exist
        favourites.keep(seeded, Viewer(member), draft.material_id)
    # A kept material that is retired drops out of the list.
    favourites.keep(seeded, Viewer(member), ids[0])
    publishing.retire(seeded, editor, ids[0])
    assert favourites.listing(seeded, Viewer(member)) == []


def test_download_history_lists_the_members_own_copies(seeded: Library, member: Member) -> None:
    other = create_user(seeded, OPERATOR, "other@example.cn", PASSWORD, Role.MEMBER)
    reader = _reader(seeded, member)
    ids = _ids(seeded)
    title, mid = next(iter(ids.items()))
    downloads.download(seeded, reader, mid, Format.DOCX)
    downloads.download(seeded, reader, mid, Format.TXT)
    history = downloads.history(seeded, reader)
    assert [(h.material_id, h.title, h.format, h.revision) for h in history] == [
        (mid, title, "txt", 1),
        (mid, title, "docx", 1),
    ]
    assert downloads.history(seeded, Viewer(other)) == []
    with pytest.raises(NotAuthenticated):
        downloads.history(seeded, Viewer())


def test_related_materials_share_organisation_kind_type_or_period_and_stay_visible(
    seeded: Library, editor: Member
) -> None:
    ids = _ids(seeded)
    plan = "2020年下半年工作计划（交通运输局）\n一、总体思路\n推进交通强市建设。\n".encode()
    [same_org] = publishing.publish_upload(seeded, editor, "p.txt", plan)
    summary = ids["2020年上半年工作总结（交通运输局）"]
    related = browse.related(seeded, Viewer(), summary)
    titles = [c.title for c in related]
    assert summary not in [c.id for c in related]
    # The other five half-year summaries share type and period; a plan is another type.
    assert len(titles) == 5 and all(t.startswith("2020年上半年工作总结") for t in titles)
    assert same_org.material_id not in [c.id for c in related]
    [draft] = publishing.publish_upload(
        seeded,
        editor,
        "d.txt",
        "2020年上半年工作总结（档案局）\n一、情况\n完成。\n".encode(),
        publish_at=None,
    )
    assert draft.material_id not in [c.id for c in browse.related(seeded, Viewer(), summary)]
    assert draft.material_id in [c.id for c in browse.related(seeded, Viewer(editor), summary)]


def test_home_page_shelves_by_document_type_and_counts_this_weeks_new(
    seeded: Library, editor: Member
) -> None:
    home = browse.home(seeded, Viewer())
    assert home.new_this_week == 6 and len(home.latest) == 6
    assert [(s.doc_type, s.count, len(s.cards)) for s in home.shelves] == [("工作总结", 6, 4)]
    plan = "2020年下半年工作计划（交通运输局）\n一、总体思路\n推进交通强市建设。\n".encode()
    publishing.publish_upload(seeded, editor, "p.txt", plan)
    publishing.publish_upload(seeded, editor, "d.txt", DRAFT, publish_at=None)
    home = browse.home(seeded, Viewer())
    assert home.new_this_week == 7  # published at once; the draft is not counted
    assert {s.doc_type: s.count for s in home.shelves} == {"工作总结": 6, "工作计划": 1}
    assert home.latest[0].title == "2020年下半年工作计划（交通运输局）"


def test_the_admin_edits_the_sites_texts_and_nobody_else_can(
    seeded: Library, member: Member, editor: Member
) -> None:
    admin = create_user(seeded, OPERATOR, "admin@example.cn", PASSWORD, Role.ADMIN)
    assert site.info(seeded).name == "公文库"
    for actor, error in ((None, NotAuthenticated), (member, Forbidden), (editor, Forbidden)):
        with pytest.raises(error):
            site.update(seeded, actor, "别的名字", "", "")
    saved = site.update(seeded, admin, " 公文写作\n参考库 ", "每周更新范文", "春节期间暂停更新。")
    assert saved.name == "公文写作 参考库"  # one line, no runs of spaces
    assert site.info(seeded) == saved
    with pytest.raises(InvalidInput) as err:
        site.update(seeded, admin, "", "x", "y")
    assert err.value.field == "name"
    with pytest.raises(InvalidInput) as err:
        site.update(seeded, admin, "名字", "长" * 81, "")
    assert err.value.field == "tagline" and "80" in err.value.reason
    assert site.info(seeded) == saved  # a refused change stores nothing
    with seeded.db.read() as conn:
        actions = [e.action for e in audit_store.entries(conn)]
    assert "site.update" in actions
