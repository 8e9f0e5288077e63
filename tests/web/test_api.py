"""The API under hostile input: every odd request gets a 4xx with a clear message, never a 500,
and the OpenAPI document describes the API only."""

from __future__ import annotations

import pytest

from .conftest import World, csrf_of

HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    "url",
    [
        f"/api/v1/materials/{HUGE}",
        f"/api/v1/materials/{HUGE}/download",
        f"/api/v1/materials?offset={HUGE}",
        f"/api/v1/materials?limit={HUGE}",
        f"/api/v1/events?after={HUGE}",
        f"/api/v1/search?q=疫情&limit={HUGE}",
        "/api/v1/materials/-1",
        "/api/v1/materials/0",
    ],
)
def test_integers_beyond_the_database_are_refused_clearly(world: World, url: str) -> None:
    response = world.client(None).get(url)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "InvalidInput" and body["field"] and body["message"]


@pytest.mark.parametrize(
    "url", [f"/materials/{HUGE}", f"/materials?page={HUGE}", f"/materials/1/revisions/{HUGE}"]
)
def test_pages_refuse_huge_integers_with_a_chinese_error_page(world: World, url: str) -> None:
    response = world.client("covered").get(url)
    assert response.status_code == 400
    assert "请求参数有误" in response.text


def test_a_non_ascii_csrf_token_is_a_403_not_a_500(world: World) -> None:
    member = world.client("covered")
    form = member.post("/requests", data={"title": "需要一份讲话稿范文", "csrf": "令牌"})
    assert form.status_code == 403 and "CSRF" in form.text
    api = member.post(
        "/api/v1/requests",
        json={"title": "需要一份讲话稿范文"},
        headers={"X-CSRF-Token": "ｔｏｋｅｎ".encode()},  # type: ignore[dict-item]
    )
    assert api.status_code == 403 and api.json()["error"] == "CsrfError"
    visitor = world.client(None)
    login = visitor.post("/login", data={"email": "a@example.cn", "password": "x", "csrf": "é"})
    assert login.status_code == 403


def test_a_lone_surrogate_in_a_json_body_is_refused(world: World) -> None:
    member = world.client("covered")
    token = csrf_of(member)
    response = member.post(
        "/api/v1/requests",
        content=b'{"title": "\\ud800 \xe9\x9c\x80\xe8\xa6\x81\xe8\x8c\x83\xe6\x96\x87"}',
        headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == "title"
    ok = member.post(
        "/api/v1/requests", json={"title": "需要一份述职报告范文"}, headers={"X-CSRF-Token": token}
    )
    assert ok.status_code == 201 and ok.json()["id"] > 0


def test_malformed_json_bodies_are_422(world: World) -> None:
    member = world.client("covered")
    token = csrf_of(member)
    for body in (b"{", b"[]", b'{"title": 5}', b'"x"'):
        response = member.post(
            "/api/v1/requests",
            content=body,
            headers={"X-CSRF-Token": token, "Content-Type": "application/json"},
        )
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"] == "InvalidInput"


def test_the_openapi_document_describes_the_api_only(world: World) -> None:
    spec = world.client(None).get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    assert paths and all(p.startswith("/api/v1/") for p in paths), sorted(paths)
    for path, operations in paths.items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            assert "422" in statuses, (method, path)
            for status, response in operation["responses"].items():
                assert response.get("content"), (method, path, status)
    download = paths["/api/v1/materials/{material_id}/download"]["get"]["responses"]["200"]
    assert set(download["content"]) >= {
        "text/plain; charset=utf-8",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
