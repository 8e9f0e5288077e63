"""Every route of the app against its classification (web/route_table.py): each is listed;
each POST/PUT/PATCH/DELETE refuses a missing or a wrong CSRF token and changes nothing; each
route for members refuses every lesser caller (a visitor; a member without a subscription where
a subscription is needed; a member where an editor is; an editor where an admin is) and changes
nothing, and answers the callers it is meant for; a member's own things never show in, or
change by, another member's calls; a route not marked as returning material text never shows
any text beyond the preview."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from gongwen.model.member import OPERATOR, Role
from gongwen.platform import feeds, requests
from gongwen.platform import reports as leak_reports
from gongwen.platform.accounts import create_user, get_member
from gongwen.platform.subscriptions import grant
from gongwen.store.sql import scalar as sql_scalar
from gongwen.web.deps import SAFE_METHODS
from gongwen.web.route_table import (
    COMMANDS,
    ROUTES,
    UnlistedRoutes,
    Who,
    command_table,
    material_text_routes,
    table,
)

from .conftest import PASSWORD, World, csrf_of
from .snapshot import changed, state

UNSAFE = [key for key in ROUTES if key.split(" ", 1)[0] not in SAFE_METHODS]
# The caller each kind of route is for, and the lesser callers it must refuse.
CALLER = {
    Who.VISITOR: None,
    Who.MEMBER: "covered",
    Who.SUBSCRIBER: "covered",
    Who.EDITOR: "editor",
    Who.ADMIN: "admin",
}
LESSER = {
    Who.MEMBER: [None],
    Who.SUBSCRIBER: [None, "nosub"],
    Who.EDITOR: [None, "covered"],
    Who.ADMIN: [None, "covered", "editor"],
}
# A draft borrowing paragraphs the member may not read is refused as if they did not exist.
REFUSED_AS_MISSING = {"POST /compose/draft", "POST /api/v1/compose/draft.docx"}
# Routes a GET sweep cannot call: the live stream never ends.
ENDLESS = {"GET /events"}
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# What a caller the route is for would send (besides the token): page forms, API bodies.
FORMS: dict[str, dict[str, Any]] = {
    "POST /materials/{material_id}/favourite": {"action": "keep"},
    "POST /materials/{material_id}/fill": {"action": "check"},
    "POST /materials/{material_id}/redate": {"year": "2021"},
    "POST /register": {"email": "new@example.cn", "password": PASSWORD, "password2": PASSWORD},
    "POST /login": {"email": "covered@example.cn", "password": PASSWORD},
    "POST /account/redeem": {"code": "AAAA-BBBB-CCCC-DDDD"},
    "POST /account/password": {"old_password": PASSWORD, "new_password": PASSWORD + "-2"},
    "POST /compose": {"type": "工作总结", "h0": "一、工作情况", "k0": "工作情况", "q0": "工作"},
    "POST /compose/draft": {"title": "草稿", "type": "工作总结", "h0": "一、工作情况"},
    "POST /proofread": {"text": "我们要认真贯彻落实落实会议精神。"},
    "POST /proofread/fixed": {"source": "我们要认真贯彻落实落实会议精神。"},
    "POST /editor/materials/{material_id}/metadata": {"title": "改过的标题"},
    "POST /editor/materials/{material_id}/revision": {"text": "新的正文。", "note": "改写"},
    "POST /editor/materials/{material_id}/schedule": {"publish_at": ""},
    "POST /editor/variants/pairs": {"form_a": "开展", "form_b": "进行"},
    "POST /admin/site": {"name": "公文库", "tagline": "", "notice": ""},
    "POST /admin/users/{user_id}/role": {"role": "editor"},
    "POST /admin/users/{user_id}/subscription": {"plan": "year"},
    "POST /admin/codes": {"plan": "year", "count": "1"},
    "POST /requests": {"title": "需要一份讲话稿范文"},
    "POST /requests/{request_id}/status": {"status": "planned"},
    "POST /report": {"contact": "x@example.cn", "link": "https://example.cn/leak"},
    "POST /admin/reports/{report_id}/reject": {"reason": "证据不足"},
    "POST /admin/reports/{report_id}/confirm": {"reason": "属实"},
    "POST /admin/reports/{report_id}/combine": {"others": "1"},
    "POST /appeal": {"email": "covered@example.cn", "password": PASSWORD, "text": "申诉"},
    "POST /admin/trace": {"text": "一段泄露的文字。"},
}
# Multipart forms: an editor's upload, and the proofreader's page (its body read within limits).
FILES = {
    "POST /editor/upload": {"files": ("新材料.txt", "某局工作总结\n一、工作情况\n正文。".encode())},
    "POST /proofread": {"file": ("稿.txt", "我们要认真贯彻落实落实会议精神。".encode())},
}
BODIES: dict[str, Any] = {
    "POST /api/v1/materials/{material_id}/fill": {"values": {}},
    "POST /api/v1/materials/{material_id}/fill.docx": {"values": {}},
    "POST /api/v1/compose/draft.docx": {"title": "草稿", "sections": []},
    "POST /api/v1/requests": {"title": "需要一份讲话稿范文"},
    "POST /api/v1/proofread": {"text": "我们要认真贯彻落实落实会议精神。"},
    "POST /api/v1/proofread/docx": b"PK\x03\x04 not a docx",
    "POST /api/v1/proofread/docx/fixed": b"PK\x03\x04 not a docx",
}
QUERIES = {
    "GET /api/v1/search": {"q": "工作"},
    "GET /api/v1/compose/suggest": {"section": "工作情况", "q": "工作"},
}


@dataclass
class Site:
    world: World
    clients: dict[str | None, TestClient]
    values: dict[str, str]  # path parameters
    paragraph: int  # a body paragraph of material 2

    def url(self, key: str) -> str:
        path = key.split(" ", 1)[1]
        values = dict(self.values)
        if path.startswith("/feed/"):
            values["token"] = self.values["feed"]
        if path.startswith("/editor/materials/"):
            values["material_id"] = "6"  # editors retire and rewrite this one, not #2
        if path == "/static":
            return "/static/site.css"
        return path.format(**values)

    def send(self, client: TestClient, key: str, token: str | None, **extra: Any) -> Any:
        """The request a caller of `key` would send, with `token` (None: no token at all)."""
        method, path = key.split(" ", 1)
        if path.startswith("/api/"):
            headers = {} if token is None else {"X-CSRF-Token": token}
            body = _body(key, self.paragraph)
            if isinstance(body, bytes):
                headers["Content-Type"] = DOCX
                return client.request(method, self.url(key), content=body, headers=headers)
            return client.request(
                method, self.url(key), json=body, headers=headers, params=QUERIES.get(key)
            )
        form = {**FORMS.get(key, {}), **extra}
        if key == "POST /compose/draft":
            form["p0"] = str(self.paragraph)
        if token is not None:
            form["csrf"] = token
        return client.request(method, self.url(key), data=form or None, files=FILES.get(key))


def _body(key: str, paragraph: int) -> Any:
    body = BODIES.get(key)
    if key == "POST /api/v1/compose/draft.docx":
        return {**body, "sections": [{"heading": "一、工作情况", "paragraphs": [paragraph]}]}
    return body


def token_of(site: Site, who: str | None) -> str:
    client = site.clients[who]
    return client.cookies["gw_csrf"] if who is None else csrf_of(client)


@pytest.fixture(scope="module")
def site(world: World) -> Site:
    lib = world.lib
    covered = get_member(lib, world.ids["covered"])
    request_id = requests.post(lib, covered, "需要一份述职报告范文", "")
    # A link alone has nothing to trace: no background thread writes while the tests compare.
    report_id, report_token = leak_reports.submit(
        lib, contact="r@example.cn", link="https://example.cn/shop"
    )
    with lib.engine.connect() as conn:
        paragraph = (
            conn.execute(
                text(
                    "SELECT p.id FROM paragraphs p JOIN materials m"
                    " ON m.current_revision_id = p.revision_id"
                    " WHERE m.id = 2 AND p.kind = 'body' ORDER BY p.ord"
                )
            )
            .scalars()
            .first()
        )
    clients = {
        who: world.client(who) for who in (None, "nosub", "covered", "other", "editor", "admin")
    }
    for who, client in clients.items():
        client.get("/" if who is None else "/account")  # the first visit is noted: done now
    values = {
        "material_id": "2",
        "number": "1",
        "user_id": str(world.ids["expired"]),
        "request_id": str(request_id),
        "report_id": str(report_id),
        "token": report_token,
        "feed": feeds.rotate_feed_token(lib, covered),
    }
    return Site(world, clients, values, int(paragraph))


def test_every_route_is_in_the_table_and_every_unsafe_one_has_the_csrf_check(
    site: Site,
) -> None:
    rows = table(site.world.app)  # type: ignore[arg-type]
    assert len(rows) == len(ROUTES) > 90
    assert [r.key for r in rows if r.csrf] == [
        r.key for r in rows if r.method not in SAFE_METHODS
    ] and len(UNSAFE) > 40
    texts = {r.key for r in material_text_routes(site.world.app)}  # type: ignore[arg-type]
    assert {"GET /materials/{material_id}", "POST /api/v1/compose/draft.docx"} <= texts


def test_a_route_missing_from_the_table_is_an_error(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(ROUTES, "GET /healthz")
    with pytest.raises(UnlistedRoutes, match="GET /healthz"):
        table(site.world.app)  # type: ignore[arg-type]


def test_every_command_of_the_cli_is_in_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from gongwen.cli import app as cli

    rows = command_table(cli)
    assert len(rows) == len(COMMANDS) > 20 and {r.who for r in rows} == {Who.OPERATOR}
    assert {"gongwen show", "gongwen search", "gongwen export"} <= {r.path for r in rows if r.text}
    monkeypatch.delitem(COMMANDS, "search")
    with pytest.raises(UnlistedRoutes, match="search"):
        command_table(cli)


@pytest.mark.parametrize("key", UNSAFE)
@pytest.mark.parametrize("token", ["missing", "wrong"])
def test_every_unsafe_route_refuses_a_missing_or_wrong_csrf_token(
    site: Site, key: str, token: str
) -> None:
    who = CALLER[ROUTES[key].who]
    # Wrong: a real token, but another session's (a visitor's: not the one in their cookie).
    wrong = token_of(site, "other") if who is not None else "x" * 32
    before = state(site.world)
    response = site.send(site.clients[who], key, None if token == "missing" else wrong)
    assert response.status_code == 403, (key, response.status_code, response.text[:300])
    assert "CSRF" in response.text
    assert changed(before, state(site.world)) == []


@pytest.mark.parametrize(
    ("key", "lesser"),
    [(k, w) for k, a in ROUTES.items() if a.who in LESSER for w in LESSER[a.who]],
)
def test_routes_for_members_refuse_every_lesser_caller(
    site: Site, key: str, lesser: str | None
) -> None:
    token = token_of(site, lesser)  # their own, right token: refused for who they are
    before = state(site.world)
    response = site.send(site.clients[lesser], key, token)
    refused = response.status_code in (401, 403) or (
        response.status_code == 303 and response.headers["location"].startswith("/login")
    )
    if key in REFUSED_AS_MISSING and lesser is not None:
        refused = response.status_code == 404 and "没有这些段落" in response.text
    assert refused, (key, lesser, response.status_code, response.text[:300])
    assert "CSRF" not in response.text
    assert changed(before, state(site.world)) == []


@pytest.mark.parametrize("key", [k for k in ROUTES if k.startswith("GET ") and k not in ENDLESS])
def test_every_page_and_read_answers_the_callers_it_is_for(site: Site, key: str) -> None:
    who = CALLER[ROUTES[key].who]
    response = site.send(site.clients[who], key, None)
    assert response.status_code == 200, (key, who, response.status_code, response.text[:300])


@pytest.mark.parametrize(
    "key",
    [k for k, a in ROUTES.items() if k.startswith("GET ") and not a.text and k not in ENDLESS],
)
def test_a_route_not_marked_as_returning_text_shows_none(site: Site, key: str) -> None:
    """An admin reads everything: what they get from such a route holds no sentence of any
    material beyond its preview."""
    body = site.send(site.clients["admin"], key, None).text
    leaked = [mid for mid, sentence in site.world.deep.items() if sentence in body]
    assert leaked == [], key


def test_the_token_goes_in_a_form_field_or_the_header_and_the_api_reads_only_the_header(
    site: Site,
) -> None:
    covered = site.clients["covered"]
    token = token_of(site, "covered")
    vote = site.url("POST /requests/{request_id}/vote")
    assert covered.post(vote, headers={"X-CSRF-Token": token}).status_code == 303
    assert covered.post(vote, data={"csrf": token}).status_code == 303
    # A form posted to the API is not read for a token: the header is the only way.
    form = {"csrf": token, "title": "需要一份讲话稿范文"}
    assert covered.post("/api/v1/requests", data=form).status_code == 403
    wrong_header = covered.post(vote, data={"csrf": token}, headers={"X-CSRF-Token": "x" * 32})
    assert wrong_header.status_code == 403  # a wrong header is not saved by a right field


def test_a_form_read_for_its_token_holds_no_file_unless_the_page_takes_one(site: Site) -> None:
    """The CSRF check reads a page's form when its handler does not parse it first: a file
    there is refused (400) before it is spooled, on a page that takes none."""
    covered = site.clients["covered"]
    token = token_of(site, "covered")
    files = {"file": ("大文件.bin", b"x" * 2**20)}
    refused = covered.post("/compose", data={"csrf": token}, files=files)
    assert refused.status_code == 400
    assert covered.post("/compose", data={"csrf": token}).status_code == 200


def test_a_members_own_things_never_show_in_or_change_by_another_members_calls(
    site: Site,
) -> None:
    own = [k for k, a in ROUTES.items() if a.own]
    reads = [k for k in own if k.startswith("GET ")]
    covered, other = site.clients["covered"], site.clients["other"]

    def seen(client: TestClient) -> dict[str, str]:
        answers = {k: site.send(client, k, None) for k in reads}
        return {k: f"{r.status_code} {r.text}" for k, r in answers.items()}

    seen(other)  # /new marks what it showed as read: compare from the second visit on
    others_before = seen(other)
    # The covered member keeps and downloads: their own favourites and download history.
    token = token_of(site, "covered")
    site.send(covered, "PUT /api/v1/favourites/{material_id}", token)
    site.send(covered, "POST /materials/{material_id}/favourite", token, action="keep")
    assert covered.get("/materials/3/download").status_code == 200
    assert seen(other) == others_before

    seen(covered)
    covered_before = seen(covered)
    # The other member does every own thing there is, on their own account.
    token = token_of(site, "other")
    done = {
        "DELETE /api/v1/favourites/{material_id}": site.send(
            other, "DELETE /api/v1/favourites/{material_id}", token
        ),
        "PUT /api/v1/favourites/{material_id}": site.send(
            other, "PUT /api/v1/favourites/{material_id}", token
        ),
        "POST /materials/{material_id}/favourite": site.send(
            other, "POST /materials/{material_id}/favourite", token, action="drop"
        ),
        "POST /account/redeem": site.send(other, "POST /account/redeem", token),
        "POST /account/feed": site.send(other, "POST /account/feed", token),
        "POST /account/feed/revoke": site.send(other, "POST /account/feed/revoke", token),
        "POST /account/password": site.send(other, "POST /account/password", token),
    }
    assert set(done) == {k for k in own if not k.startswith("GET ")}
    assert all(r.status_code < 400 for r in done.values()), {
        k: r.status_code for k, r in done.items()
    }
    assert seen(covered) == covered_before


def test_unsafe_routes_answer_the_callers_they_are_for(site: Site) -> None:
    """Each POST/PUT/PATCH/DELETE, as a fresh caller of the kind it is for, with the token, is
    not refused (the refusals above are the access rules, not a bad request). Last: it changes
    things."""
    lib = site.world.lib
    problems = {}
    for n, key in enumerate(UNSAFE):
        who = ROUTES[key].who
        client = site.world.client(None)
        if who is not Who.VISITOR:
            role = {Who.EDITOR: Role.EDITOR, Who.ADMIN: Role.ADMIN}.get(who, Role.MEMBER)
            email = f"caller{n}@example.cn"
            member = create_user(lib, OPERATOR, email, PASSWORD, role)
            grant(lib, OPERATOR, member.id, "year")
            login = {"email": email, "password": PASSWORD, "csrf": client.cookies["gw_csrf"]}
            assert client.post("/login", data=login).status_code == 303
        token = client.cookies["gw_csrf"] if who is Who.VISITOR else csrf_of(client)
        response = site.send(client, key, token)
        refused = response.status_code in (401, 403, 404) or "CSRF" in response.text
        if refused or response.status_code >= 500:
            problems[key] = (response.status_code, response.text[:200])
    assert problems == {}


def _copies_of(world: World, who: str) -> int:
    """Copies served to a member so far: downloads, drafts, diffs, and reads (pages, API text,
    passages)."""
    from gongwen.platform.copies import flush_reads

    flush_reads(world.lib)
    with world.lib.db.read() as conn:
        return int(
            sql_scalar(
                conn,
                "SELECT (SELECT count(*) FROM downloads WHERE user_id = :u)"
                " + (SELECT count(*) FROM copy_reads WHERE user_id = :u)",
                {"u": world.ids[who]},
            )
        )


@pytest.mark.parametrize(
    "key",
    sorted(
        k
        for k, a in ROUTES.items()
        if a.text and a.who <= Who.SUBSCRIBER and k not in ENDLESS and not k.startswith("DELETE")
    ),
)
def test_every_route_returning_material_text_to_a_member_serves_a_recorded_copy(
    site: Site, key: str
) -> None:
    """One way out: whatever a member receives of a material's text (a page, the API's text, a
    passage, a download, a draft, a diff) is their copy, counted in the copy log or the read
    log — so a member who only reads is a recipient when a leak is traced."""
    before = _copies_of(site.world, "covered")
    client = site.clients["covered"]
    token = None if key.startswith("GET ") else token_of(site, "covered")
    if key == "GET /search":  # the search page with a query: passages
        response = client.get("/search", params={"q": "工作"})
    else:
        response = site.send(client, key, token)
    assert response.status_code == 200, (key, response.status_code, response.text[:300])
    assert _copies_of(site.world, "covered") > before, key
