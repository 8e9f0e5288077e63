"""Every read is a copy served: a member who only reads a page is a recipient when a leak is
traced, full-text reads are limited (a clear Chinese 429, bulk reading flagged for editors),
and the search passages a member is shown are their own wording, recorded as reads."""

from __future__ import annotations

import html
import re

from gongwen.model.member import OPERATOR
from gongwen.platform import copies, marking
from gongwen.platform.tracing import trace
from gongwen.store import materials, sql
from gongwen.trace import mark

from .conftest import PASSWORD, World, csrf_of


def _fulltext(page: str) -> str:
    body = page.split('id="fulltext">', 1)[1].split("</div>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def _reads(world: World, who: str) -> list[tuple[int, str, str]]:
    copies.flush_reads(world.lib)
    with world.lib.db.read() as conn:
        return [
            (int(m), str(k), str(v))
            for m, k, v in sql.rows(
                conn,
                "SELECT material_id, kind, sites_version FROM copy_reads WHERE user_id = :u"
                " ORDER BY id",
                {"u": world.ids[who]},
            )
        ]


def _downloads(world: World, who: str, material_id: int) -> int:
    with world.lib.db.read() as conn:
        return int(
            sql.scalar(
                conn,
                "SELECT count(*) FROM downloads WHERE user_id = :u AND material_id = :m",
                {"u": world.ids[who], "m": material_id},
            )
        )


def test_a_member_who_only_read_the_page_is_traced(world: World) -> None:
    page = world.client("covered").get("/materials/3")
    assert page.status_code == 200
    assert _downloads(world, "covered", 3) == 0  # never downloaded: only read
    assert (3, "page", marking.sites_version()) in _reads(world, "covered")
    world.client("other").get("/materials/3")  # another reader: a recipient too
    pasted = _fulltext(page.text)
    report = trace(world.lib, OPERATOR, text=pasted)
    assert report.verdict == "identified"
    assert [m["email"] for m in report.members] == ["covered@example.cn"]
    # The same through the editor's tracing page.
    editor = world.client("editor")
    answer = editor.post(
        "/admin/trace", data={"csrf": csrf_of(editor, "/admin/trace"), "text": pasted}
    )
    assert answer.status_code == 200 and "covered@example.cn" in answer.text


def test_the_api_text_is_a_recorded_copy(world: World) -> None:
    member = world.client("other")
    text = member.get("/api/v1/materials/4").json()["text"]
    assert "api" in {k for m, k, _ in _reads(world, "other") if m == 4}
    report = trace(world.lib, OPERATOR, text=text)
    assert report.verdict == "identified"
    assert [m["email"] for m in report.members] == ["other@example.cn"]


def test_reading_past_the_limit_is_refused_in_chinese_and_flagged(world: World) -> None:
    settings = world.lib.settings
    assert settings.reads_per_hour == 60 and settings.reads_per_day == 200  # the defaults
    member = world.client("covered")
    statuses = [member.get("/api/v1/materials/5").status_code for _ in range(300)]
    already = statuses.index(429)
    assert statuses[:already] == [200] * already and set(statuses[already:]) == {429}
    assert already <= 60  # earlier reads in this module count too
    refused = member.get("/api/v1/materials/5")
    assert refused.status_code == 429 and "阅读全文过于频繁" in refused.json()["message"]
    page = member.get("/materials/6")
    assert page.status_code == 429 and "阅读全文过于频繁" in page.text
    # Refusals counted nothing and served nothing: only the reads that passed are recorded.
    assert sum(1 for m, k, _ in _reads(world, "covered") if m == 5 and k == "api") == already
    with world.lib.db.read() as conn:
        flagged = sql.rows(
            conn,
            "SELECT actor_id, flagged FROM audit_log WHERE action = 'read.refused_bulk'",
        )
    assert [(int(u), bool(f)) for u, f in flagged] == [(world.ids["covered"], True)]
    # Previews and lists are not reading: a visitor's and the revisions list stay open.
    assert member.get("/materials/5/revisions").status_code == 200
    assert world.client().get("/materials/5").status_code == 200


def test_search_passages_are_the_members_own_wording(world: World) -> None:
    lib = world.lib
    with lib.db.read() as conn:
        detail = materials.detail(conn, 6)
    listed = marking.sites_for(lib, detail, freeze=True)
    words = {who: copies.member_words(lib, world.ids[who], listed) for who in ("covered", "other")}
    differ = [
        i
        for i, s in enumerate(listed.sites)
        if words["covered"][i] != words["other"][i] and s.kind == "synonym"
    ]
    # A site the two copies word differently, followed by six Chinese characters (no site among
    # them: the query is the same in every copy) to search.
    starts = {s.start for s in listed.sites}
    here = next(
        i
        for i in differ
        if re.fullmatch(r"[\u4e00-\u9fff]{6}", detail.text[listed.sites[i].end :][:6])
        and not starts & set(range(listed.sites[i].end, listed.sites[i].end + 6))
    )
    site = listed.sites[here]
    query = detail.text[site.end : site.end + 6]
    shown: dict[str, list[str]] = {}
    for who in ("covered", "other"):
        found = world.client(who).get("/api/v1/search", params={"q": query}).json()
        shown[who] = [  # the query's words are shown between 【】
            h["snippet"].replace("【", "").replace("】", "")
            for m in found["materials"]
            if m["material_id"] == 6
            for h in m["passages"]
        ]
        assert any(words[who][here] + query in s for s in shown[who]), who
        assert (6, "passage") in {(m, k) for m, k, _ in _reads(world, who)}
    assert shown["covered"] != shown["other"]
    # An editor sees the published wording.
    editor = world.client("editor").get("/api/v1/search", params={"q": query}).json()
    published = site.forms[site.base] + query
    assert any(
        published in h["snippet"].replace("【", "").replace("】", "")
        for m in editor["materials"]
        if m["material_id"] == 6
        for h in m["passages"]
    )


def test_a_members_page_is_filled_from_the_template_stored_with_its_sites(world: World) -> None:
    lib = world.lib
    marking.prepare(lib, OPERATOR)  # gongwen prepare-marks: sites frozen, page templates stored
    version = marking.sites_version()
    with lib.db.read() as conn:
        missing = sql.scalar(
            conn,
            "SELECT count(*) FROM materials m LEFT JOIN revision_site_lists s"
            " ON s.revision_id = m.current_revision_id AND s.version = :v"
            " WHERE s.template IS NULL",
            {"v": version},
        )
        detail = materials.detail(conn, 4)
    assert missing == 0
    # The page is the member's copy: their wording at every site.
    listed = marking.sites_for(lib, detail)
    copy = mark.put(detail.text, listed.sites, copies.member_words(lib, world.ids["other"], listed))
    page = re.sub(r"\s", "", _fulltext(world.client("other").get("/materials/4").text))
    # Every line but the title (the page's <h1>); a run-in heading is a block of its own.
    lines = [re.sub(r"\s", "", line) for line in copy.splitlines()[1:] if line.strip()]
    assert lines and [line for line in lines if line not in page] == []
    # A worker that has not built it reads the stored template (marked here to tell it apart).
    with lib.db.write() as conn:
        conn.exec_driver_sql(
            "UPDATE revision_site_lists SET template = replace(template, '<p>', '<p>存储模板')"
            f" WHERE revision_id = {int(detail.revision_id)}"
        )
    lib.caches.clear()
    again = world.client("other").get("/materials/4").text
    assert "存储模板" in again
    assert all(line in re.sub(r"\s|存储模板", "", _fulltext(again)) for line in lines)


def test_a_stopping_worker_writes_the_reads_it_still_holds(world: World) -> None:
    from fastapi.testclient import TestClient

    with TestClient(world.app) as client:  # the app's lifespan: started, then stopped
        client.get("/")
        login = client.post(
            "/login",
            data={
                "email": "other@example.cn",
                "password": PASSWORD,
                "csrf": client.cookies["gw_csrf"],
            },
            follow_redirects=False,
        )
        assert login.status_code == 303
        assert client.get("/materials/2").status_code == 200
        assert world.lib.reads.pending() >= 1  # held in memory, not yet written
    with world.lib.db.read() as conn:
        written = sql.scalar(
            conn,
            "SELECT count(*) FROM copy_reads WHERE user_id = :u AND material_id = 2",
            {"u": world.ids["other"]},
        )
    assert written >= 1 and world.lib.reads.pending() == 0
