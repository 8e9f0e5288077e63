"""Editors, admins and members working through the pages (thin: services are tested directly)."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import update

from gongwen.store.platform_schema import users
from gongwen.util.clock import now

from .conftest import World, csrf_of

PLAN = "2020年下半年工作计划（交通运输局）\n一、总体思路\n坚持项目为本，推进交通强市建设。\n"


def test_openapi_document_lists_the_api(world: World) -> None:
    spec = world.client(None).get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/materials",
        "/api/v1/materials/{material_id}",
        "/api/v1/search",
        "/api/v1/materials/{material_id}/download",
        "/api/v1/requests",
    } <= set(spec["paths"])


def test_admin_creates_codes_and_a_member_redeems_one(world: World) -> None:
    admin = world.client("admin")
    page = admin.post(
        "/admin/codes", data={"plan": "quarter", "count": "2", "csrf": csrf_of(admin, "/admin")}
    )
    codes = re.search(r'id="new-codes">([^<]+)<', page.text).group(1).split()
    assert len(codes) == 2
    member = world.client("nosub")
    response = member.post("/account/redeem", data={"code": codes[0], "csrf": csrf_of(member)})
    assert response.status_code == 303  # redirected: a reload does not post the code again
    page = member.get(response.headers["location"])
    assert "兑换成功" in page.text and "季度会员" in page.text
    again = member.post("/account/redeem", data={"code": codes[0], "csrf": csrf_of(member)})
    assert "已被使用" in again.text
    audit = admin.get("/admin/audit").text
    assert "codes.redeem" in audit and "codes.create" in audit


def test_editor_uploads_revises_and_the_diff_is_shown(world: World) -> None:
    editor = world.client("editor")
    page = editor.post(
        "/editor/upload",
        data={"csrf": csrf_of(editor, "/editor"), "publish_at": "", "note": ""},
        files=[
            ("files", ("plan.txt", PLAN.encode("gbk"), "text/plain")),
            ("files", ("broken.docx", b"not a zip", "application/octet-stream")),
        ],
    )
    assert page.status_code == 303
    page = editor.get(page.headers["location"])
    assert "2020年下半年工作计划（交通运输局）（新材料）" in page.text
    assert "broken.docx" in re.search(r'id="error">([^<]+)<', page.text).group(1)
    mid = int(
        re.search(r'href="/editor/materials/(\d+)"><strong>2020年下半年工作计划', page.text).group(
            1
        )
    )
    revised = PLAN.replace("交通强市", "交通强省")
    response = editor.post(
        f"/editor/materials/{mid}/revision",
        data={"text": revised, "note": "改为交通强省", "csrf": csrf_of(editor, "/editor")},
    )
    assert response.status_code == 303
    diff = editor.get(f"/materials/{mid}/revisions/2").text
    assert "改为交通强省" in diff and "交通强省" in diff and 'class="del"' in diff
    reader = world.client("covered")
    assert "交通强省" in reader.get(f"/materials/{mid}").text


def test_new_since_last_visit(world: World) -> None:
    member = world.client("other")
    with world.lib.engine.begin() as conn:  # the previous visit ended an hour ago
        conn.execute(
            update(users)
            .where(users.c.email == "other@example.cn")
            .values(last_seen_at=now() - timedelta(hours=1))
        )
    page = member.get("/new").text
    assert "上次访问以来" in page
    titles = re.findall(r"<strong>([^<]+)</strong>", page)
    assert "2020年上半年工作总结（交通运输局）" in titles  # published today
    assert "2020年上半年工作总结（退役军人事务局）" not in titles  # published five years ago


def test_requests_page_post_and_vote(world: World) -> None:
    member = world.client("covered")
    response = member.post(
        "/requests",
        data={"title": "2021年述职报告（科技馆）", "csrf": csrf_of(member, "/requests")},
    )
    assert response.status_code == 303
    page = world.client("other").get("/requests").text
    assert "2021年述职报告（科技馆）" in page
    visitor_page = world.client(None).get("/requests").text
    assert "2021年述职报告（科技馆）" in visitor_page and "登录</a>后可以提交需求" in visitor_page


def test_schedule_times_are_beijing_time() -> None:
    from datetime import UTC, datetime

    from gongwen.web.routes.editor import _when

    assert _when("2026-12-01T09:00") == datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
    assert _when("") == "now" and _when("draft") is None


def test_search_page_groups_by_material_pages_and_counts_facets(world: World) -> None:
    """Through HTTP: one card per material with its passages, a pager whose pages together list
    every match once, facet links that narrow the search, and "more in this material"."""
    client = world.client("editor")
    api = client.get("/api/v1/search", params={"q": "工作", "limit": 50}).json()
    total = api["total"]
    assert total >= 6 and len(api["materials"]) == total
    first = client.get("/search", params={"q": "工作", "per": "5"})
    cards = re.findall(r'class="card hit material-hit" data-material="(\d+)"', first.text)
    assert len(cards) == 5 and len(set(cards)) == 5
    pages = -(-total // 5)
    assert f"第 1/{pages} 页" in first.text and 'rel="next"' in first.text
    seen = list(cards)
    for n in range(2, pages + 1):
        page = client.get("/search", params={"q": "工作", "per": "5", "page": str(n)})
        seen += re.findall(r'data-material="(\d+)"', page.text)
    assert sorted(seen) == sorted(str(m["material_id"]) for m in api["materials"])
    # Facet counts link to the narrowed search, which keeps the query.
    facet = api["facets"]["doc_type"][0]
    assert f"{facet['value']}</a>" in first.text
    narrowed = client.get("/search", params={"q": "工作", "type": facet["value"]})
    assert f"{facet['count']} 篇材料命中" in narrowed.text
    # A material with more matches than shown links to a search inside it.
    busy = next(m for m in api["materials"] if m["more"])
    more = re.search(
        rf'href="(/search\?[^"]*material={busy["material_id"]}[^"]*)"',
        first.text
        + "".join(
            client.get("/search", params={"q": "工作", "per": "5", "page": str(n)}).text
            for n in range(2, pages + 1)
        ),
    )
    assert more, "the card should link to the rest of its matches"
    inside = client.get(more.group(1).replace("&amp;", "&"))
    assert inside.text.count('class="passage"') == busy["matches"]
    assert "仅在本篇内检索" in inside.text
