"""Who may see what, through HTTP: every member-only route as every kind of viewer.

Full text, downloads and diffs reach only readers whose subscription covers the material's
publication date (3 years before the start until the end), and editors.
"""

from __future__ import annotations

import re

import pytest

from .conftest import World, csrf_of

VIEWERS = [None, "nosub", "expired", "covered", "other", "editor"]
# (viewer, material) -> may read. #1 is older than start - 3 years; #2 is inside the back catalogue.
READS = {
    (None, 1): False,
    (None, 2): False,
    (None, 3): False,
    ("nosub", 1): False,
    ("nosub", 2): False,
    ("nosub", 3): False,
    ("expired", 1): False,
    ("expired", 2): False,
    ("expired", 3): False,
    ("covered", 1): False,
    ("covered", 2): True,
    ("covered", 3): True,
    ("other", 1): False,
    ("other", 2): True,
    ("other", 3): True,
    ("editor", 1): True,
    ("editor", 2): True,
    ("editor", 3): True,
}


@pytest.mark.parametrize(("who", "material"), list(READS))
def test_material_page_shows_full_text_only_to_covered_readers(
    world: World, who: str | None, material: int
) -> None:
    client = world.client(who)
    page = client.get(f"/materials/{material}")
    assert page.status_code == 200
    readable = READS[(who, material)]
    # A reader's page is their own copy (their wording at the variant sites).
    assert (unmarked(world.deep[material]) in unmarked(page.text)) is readable
    assert ('id="fulltext"' in page.text) is readable
    assert ('id="copy-notice"' in page.text) is (readable and who not in ("editor", "admin"))
    assert 'id="preview"' in page.text or readable
    api = client.get(f"/api/v1/materials/{material}").json()
    assert ("text" in api) is readable and api["readable"] is readable
    assert unmarked(world.deep[material]) not in unmarked(str(api)) or readable
    assert api["outline"], "everyone sees the outline"


def unmarked(text: str) -> str:
    """A text with every variant site's wording made one (trace/sites.py), so that a member's
    copy compares with the published text."""
    from gongwen.trace.sites import CONJUNCTIONS, OPTIONAL, PLACEHOLDERS, SYNONYMS

    group = {w: w for pair in SYNONYMS for w in pair}  # words that may stand for each other

    def root(w: str) -> str:
        while group[w] != w:
            w = group[w]
        return w

    for a, b in SYNONYMS:
        ra, rb = sorted((root(a), root(b)), key=lambda w: (len(w), w))
        group[rb] = ra
    for word in sorted(group, key=len, reverse=True):
        if root(word) != word:
            text = text.replace(word, root(word))
    for word in (*OPTIONAL, "了"):
        text = text.replace(word, "")
    return text.replace(CONJUNCTIONS[1], CONJUNCTIONS[0]).replace(PLACEHOLDERS[1], PLACEHOLDERS[0])


@pytest.mark.parametrize(("who", "material"), list(READS))
@pytest.mark.parametrize("fmt", ["txt", "md", "docx"])
def test_downloads_only_for_covered_readers(
    world: World, who: str | None, material: int, fmt: str
) -> None:
    client = world.client(who)
    for url in (
        f"/materials/{material}/download?fmt={fmt}",
        f"/api/v1/materials/{material}/download?fmt={fmt}",
    ):
        response = client.get(url)
        if READS[(who, material)]:
            assert response.status_code == 200, (url, response.text[:200])
            assert "attachment" in response.headers["content-disposition"]
            if fmt != "docx":  # the reader's own copy: their wording at the variant sites
                assert unmarked(world.deep[material]) in unmarked(response.content.decode())
        else:
            expected = (
                401 if who is None and url.startswith("/api") else (303 if who is None else 403)
            )
            assert response.status_code == expected, (url, response.status_code)
            assert world.deep[material].encode() not in response.content


@pytest.mark.parametrize(("who", "material"), [k for k in READS if k[1] != 1])
def test_search_never_confirms_text_the_viewer_may_not_read(
    world: World, who: str | None, material: int
) -> None:
    """A phrase far beyond the preview finds the material only for its readers: for everyone
    else there is no hit, no count, nothing that says the phrase is in it."""
    client = world.client(who)
    phrase = world.deep[material][:12]
    page = client.get("/search", params={"q": phrase})
    api = client.get("/api/v1/search", params={"q": phrase}).json()
    assert page.status_code == 200
    found = [m for m in api["materials"] if m["material_id"] == material]
    if READS[(who, material)]:
        # A member's passage is their own copy: their wording may differ at a variant site.
        assert any(h["kind"] == "body" for m in found for h in m["passages"])
    else:
        assert found == []
        assert api["total"] == len(api["materials"])
        assert sum(f["count"] for f in api["facets"]["doc_type"]) == api["total"]
        assert all(m["score"] is None for m in api["materials"])
        assert f'href="/materials/{material}"' not in page.text
        # The words around the query (which the page echoes) must not appear.
        assert world.deep[material][12:] not in page.text


@pytest.mark.parametrize("who", VIEWERS)
def test_revision_diff_needs_read_access(world: World, who: str | None) -> None:
    response = world.client(who).get("/materials/3/revisions/1")
    if READS[(who, 3)]:
        assert response.status_code == 200 and "第 1 版" in response.text
    else:
        assert response.status_code in (303, 403)
        assert world.deep[3] not in response.text


@pytest.mark.parametrize(
    ("path", "visitor", "member", "editor", "admin"),
    [
        ("/account", 303, 200, 200, 200),
        ("/new", 303, 200, 200, 200),
        ("/editor", 303, 403, 200, 200),
        ("/editor/materials/3", 303, 403, 200, 200),
        ("/admin", 303, 403, 403, 200),
        ("/admin/audit", 303, 403, 403, 200),
        ("/api/v1/me", 401, 200, 200, 200),
        ("/account/favourites", 303, 200, 200, 200),
        ("/account/downloads", 303, 200, 200, 200),
        ("/api/v1/favourites", 401, 200, 200, 200),
        ("/api/v1/downloads", 401, 200, 200, 200),
        ("/admin/site", 303, 403, 403, 200),
    ],
)
def test_role_pages(
    world: World, path: str, visitor: int, member: int, editor: int, admin: int
) -> None:
    for who, expected in (
        (None, visitor),
        ("covered", member),
        ("editor", editor),
        ("admin", admin),
    ):
        assert world.client(who).get(path).status_code == expected, (who, path)


def test_a_members_feed_and_notifications_are_their_own(world: World) -> None:
    from .conftest import csrf_of

    covered = world.client("covered")
    page = covered.post("/account/feed", data={"csrf": csrf_of(covered)})
    import re

    url = re.search(r'id="feed-url">([^<]+)<', page.text).group(1)
    token_path = url.split("testserver", 1)[1]
    feed = world.client(None).get(token_path)  # the token alone opens the feed (feed readers)
    assert feed.status_code == 200 and "covered@example.cn" in feed.text
    assert world.deep[3] not in feed.text  # titles and links only, never text
    other = world.client("other")
    assert "covered@example.cn" not in other.get("/account").text
    covered.post("/account/feed/revoke", data={"csrf": csrf_of(covered)})
    assert world.client(None).get(token_path).status_code == 404
    assert world.client(None).get("/feed/not-a-token.atom").status_code == 404


def test_forms_without_csrf_are_refused(world: World) -> None:
    client = world.client("covered")
    assert client.post("/account/redeem", data={"code": "AAAA-BBBB-CCCC-DDDD"}).status_code == 403
    assert client.post("/requests", data={"title": "需要一份讲话稿范文"}).status_code == 403
    assert client.post("/api/v1/requests", json={"title": "需要一份讲话稿范文"}).status_code == 403
    visitor = world.client(None)
    response = visitor.post("/login", data={"email": "covered@example.cn", "password": "x" * 10})
    assert response.status_code == 403
    assert world.client("editor").post("/editor/materials/3/retire").status_code == 403


def test_favourites_are_each_members_own_and_need_the_csrf_token(world: World) -> None:
    covered, other, visitor = world.client("covered"), world.client("other"), world.client(None)
    token = csrf_of(covered)
    assert covered.put("/api/v1/favourites/2").status_code == 403  # no CSRF token
    assert visitor.put("/api/v1/favourites/2", headers={"X-CSRF-Token": "x"}).status_code in (
        401,
        403,
    )
    kept = covered.put("/api/v1/favourites/2", headers={"X-CSRF-Token": token})
    assert kept.status_code == 200 and kept.json() == {
        "material_id": 2,
        "kept": True,
        "changed": True,
    }
    assert [c["id"] for c in covered.get("/api/v1/favourites").json()] == [2]
    assert other.get("/api/v1/favourites").json() == []
    assert "★ 已收藏" in covered.get("/materials/2").text
    assert "★ 已收藏" not in other.get("/materials/2").text
    # Another member cannot drop it: their DELETE only touches their own list.
    other.delete("/api/v1/favourites/2", headers={"X-CSRF-Token": csrf_of(other)})
    assert [c["id"] for c in covered.get("/api/v1/favourites").json()] == [2]
    # The page's form drops it again.
    page = covered.post("/materials/2/favourite", data={"action": "drop", "csrf": token})
    assert page.status_code == 303 and covered.get("/api/v1/favourites").json() == []


def test_download_history_is_each_members_own(world: World) -> None:
    covered, other = world.client("covered"), world.client("other")
    theirs = other.get("/api/v1/downloads").json()
    before = len(covered.get("/api/v1/downloads").json())
    assert covered.get("/materials/2/download", params={"fmt": "md"}).status_code == 200
    mine = covered.get("/api/v1/downloads").json()
    assert len(mine) == before + 1 and (mine[0]["material_id"], mine[0]["format"]) == (2, "md")
    assert other.get("/api/v1/downloads").json() == theirs  # someone else's copy is not theirs
    assert 'href="/materials/2"' in covered.get("/account/downloads").text


def test_the_admin_renames_the_site_and_every_page_shows_it(world: World) -> None:
    admin, member = world.client("admin"), world.client("covered")
    refused = member.post("/admin/site", data={"name": "冒名", "csrf": csrf_of(member)})
    assert refused.status_code == 403
    token = csrf_of(admin, "/admin/site")
    bad = admin.post("/admin/site", data={"name": "", "tagline": "", "notice": "", "csrf": token})
    assert bad.status_code == 400 and "name" in bad.text
    saved = admin.post(
        "/admin/site",
        data={
            "name": "某某公文参考库",
            "tagline": "范文每周更新",
            "notice": "五一假期照常更新。",
            "csrf": token,
        },
    )
    assert saved.status_code == 200 and "已保存" in saved.text
    home = world.client(None).get("/").text
    assert "某某公文参考库" in home and "范文每周更新" in home and "五一假期照常更新。" in home
    assert "<title>首页 · 某某公文参考库</title>" in home


@pytest.mark.parametrize(("who", "material"), [k for k in READS if k[1] == 2])
def test_writing_tools_need_read_access(world: World, who: str | None, material: int) -> None:
    """The template shows the text around each field, the copies are the text: readers only."""
    client = world.client(who)
    page = client.get(f"/materials/{material}/template")
    api = client.get(f"/api/v1/materials/{material}/template")
    if READS[(who, material)]:
        assert page.status_code == 200 and 'id="fill-form"' in page.text
        assert api.status_code == 200 and api.json()["fields"]
    else:
        assert page.status_code in (303, 403) and 'id="fill-form"' not in page.text
        assert api.status_code in (401, 403)
        assert "before" not in api.text


def test_a_reader_fills_checks_and_takes_a_counted_copy(world: World) -> None:
    covered = world.client("covered")
    token = csrf_of(covered)
    fields = covered.get("/api/v1/materials/2/template").json()["fields"]
    number = next(f for f in fields if f["kind"] == "number")
    assert (
        covered.post("/api/v1/materials/2/fill", json={"values": {}}).status_code == 403
    )  # no CSRF
    checked = covered.post(
        "/api/v1/materials/2/fill",
        json={"values": {number["name"]: 12}},
        headers={"X-CSRF-Token": token},
    ).json()
    assert checked["filled"] == [number["name"]] and len(checked["unfilled"]) == len(fields) - 1
    bad = covered.post(
        "/api/v1/materials/2/fill",
        json={"values": {number["name"]: "很多"}},
        headers={"X-CSRF-Token": token},
    )
    assert bad.status_code == 400 and bad.json()["field"] == number["name"]
    before = len(covered.get("/api/v1/downloads").json())
    docx = covered.post(
        "/api/v1/materials/2/fill.docx",
        json={"values": {number["name"]: 12}},
        headers={"X-CSRF-Token": token},
    )
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert (
        "填写稿" in docx.headers["content-disposition"]
        or "%E5%A1%AB" in docx.headers["content-disposition"]
    )
    history = covered.get("/api/v1/downloads").json()
    assert len(history) == before + 1 and history[0]["format"] == "filled"
    # The page: check shows what is left; a re-dated draft is a counted copy too.
    page = covered.post(
        "/materials/2/fill", data={"csrf": token, "action": "check", f"f:{number['name']}": "12"}
    )
    assert page.status_code == 200 and "还有" in page.text
    preview = covered.post("/materials/2/redate", data={"csrf": token, "year": "2021"})
    assert preview.status_code == 200 and 'id="review"' in preview.text and "2021年" in preview.text
    draft = covered.post(
        "/materials/2/redate", data={"csrf": token, "year": "2021", "action": "download"}
    )
    assert draft.status_code == 200 and draft.content[:2] == b"PK"
    assert covered.get("/api/v1/downloads").json()[0]["format"] == "redated"
    nosub = world.client("nosub")
    refused = nosub.post(
        "/materials/2/redate", data={"csrf": csrf_of(nosub), "year": "2021", "action": "download"}
    )
    assert refused.status_code == 403 and "订阅" in refused.text  # not entitled, not a CSRF error


def test_composing_a_draft_borrows_only_what_the_member_reads(world: World) -> None:
    assert world.client(None).get("/compose").status_code == 303  # log in first
    covered = world.client("covered")
    page = covered.get("/compose", params={"type": "工作总结"})
    assert page.status_code == 200 and 'name="h0"' in page.text
    token = csrf_of(covered, "/compose")
    headings = re.findall(r'name="(h\d+)" value="([^"]*)"', page.text)
    kinds = dict(re.findall(r'name="(k\d+)" value="([^"]*)"', page.text))
    form = {
        "csrf": token,
        "type": "工作总结",
        "period": "上半年",
        "title": "2021年工作总结",
        **dict(headings),
        **kinds,
    }
    index = next(int(k[1:]) for k, v in kinds.items() if v == "工作情况")
    found = covered.post("/compose", data={**form, f"q{index}": "工作"})
    ids = re.findall(rf'name="p{index}" value="(\d+)"', found.text)
    assert found.status_code == 200 and ids
    assert 'name="period" value="上半年"' in found.text  # the form keeps what was chosen
    before = len(covered.get("/api/v1/downloads").json())
    draft = covered.post("/compose/draft", data={**form, f"p{index}": ids[:2]})
    assert draft.status_code == 200 and draft.content[:2] == b"PK"
    history = covered.get("/api/v1/downloads").json()
    assert len(history) > before and history[0]["format"] == "composed"
    # The API: the same paragraphs for a member without a subscription are refused (as
    # paragraphs that do not exist: test_a_paragraph_one_may_not_borrow_looks_like_none).
    nosub = world.client("nosub")
    body = {"title": "x", "sections": [{"heading": "情况", "paragraphs": [int(ids[0])]}]}
    refused = nosub.post(
        "/api/v1/compose/draft.docx", json=body, headers={"X-CSRF-Token": csrf_of(nosub)}
    )
    assert refused.status_code == 404
    assert (
        nosub.get("/api/v1/compose/suggest", params={"section": "工作情况", "q": "工作"}).json()
        == []
    )
    outline = covered.get("/api/v1/compose/outline", params={"type": "工作总结"}).json()
    assert [e["section_kind"] for e in outline][:1] == ["工作情况"]


def _paragraph(world: World, material: int) -> int:
    """A body paragraph of the material's current revision."""
    from sqlalchemy import text

    with world.lib.engine.connect() as conn:
        return int(
            conn.execute(
                text(
                    "SELECT p.id FROM paragraphs p JOIN materials m"
                    " ON m.current_revision_id = p.revision_id"
                    " WHERE m.id = :m AND p.kind = 'body' ORDER BY p.ord"
                ),
                {"m": material},
            )
            .scalars()
            .first()
        )


@pytest.mark.parametrize("who", ["nosub", "expired", "other"])
def test_a_paragraph_one_may_not_borrow_looks_like_one_that_does_not_exist(
    world: World, who: str
) -> None:
    """Composing with the id of a paragraph the member may not read (no subscription, an
    expired one, or — for a covered member — a material older than their back catalogue)
    answers exactly as an id that was never given out: the same status, the same message
    naming every unusable id, on the API and the page alike."""
    client = world.client(who)
    token = csrf_of(client)
    unreadable = _paragraph(world, 1 if who == "other" else 2)
    missing = 2**31 - 7

    def api(*ids: int) -> tuple[int, dict[str, object]]:
        body = {"title": "x", "sections": [{"heading": "情况", "paragraphs": list(ids)}]}
        r = client.post("/api/v1/compose/draft.docx", json=body, headers={"X-CSRF-Token": token})
        return r.status_code, r.json()

    def page(*ids: int) -> tuple[int, str]:
        form = {"csrf": token, "title": "x", "type": "工作总结", "h0": "一、情况", "p0": ids}
        r = client.post("/compose/draft", data=form)
        shown = r.text
        for i in ids:
            shown = shown.replace(f"：{i}", "：#")
        return r.status_code, shown

    def shape(answer: tuple[int, dict[str, object]], *ids: int) -> tuple[int, dict[str, object]]:
        status, body = answer
        message = str(body["message"])
        for i in ids:
            message = message.replace(str(i), "#")
        return status, {**body, "message": message}

    assert shape(api(unreadable), unreadable) == shape(api(missing), missing)
    status, body = api(unreadable)
    assert (status, body["error"]) == (404, "NotFound")
    assert body["message"] == f"没有这些段落：{unreadable}"
    both = api(missing, unreadable)
    assert both == (404, {"error": "NotFound", "message": f"没有这些段落：{missing}、{unreadable}"})
    assert page(unreadable) == page(missing)
    assert page(unreadable)[0] == 404
    # A visitor is asked to log in before any id is looked at.
    visitor = world.client(None)
    asked = visitor.post(
        "/api/v1/compose/draft.docx",
        json={"title": "x", "sections": [{"heading": "情况", "paragraphs": [unreadable]}]},
        headers={"X-CSRF-Token": visitor.cookies["gw_csrf"]},
    )
    assert asked.status_code == 401


def test_each_reader_reads_their_own_copy(world: World) -> None:
    """Text copied from the page carries the reader's marks: two readers see two wordings,
    the editor the text as published."""
    import re as re_

    def fulltext(who: str) -> str:
        page = world.client(who).get("/materials/3").text
        return re_.sub(r"<[^>]+>", "", page.split('id="fulltext">', 1)[1].split("</div>", 1)[0])

    covered, other, editor = fulltext("covered"), fulltext("other"), fulltext("editor")
    assert covered != other
    assert unmarked(covered) == unmarked(other) == unmarked(editor)
    assert fulltext("covered") == covered  # the same reader, the same copy
