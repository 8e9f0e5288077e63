"""The API under hostile input: every odd request gets a 4xx with a clear message, never a 500,
and the OpenAPI document describes the API only."""

from __future__ import annotations

import pytest

from .conftest import World, csrf_of

BIG = "99999999999999999999999"  # beyond 64 bits: OverflowError in SQLite, DataError in psycopg


@pytest.mark.parametrize(
    "url", [f"/materials/{BIG}", f"/materials?page={BIG}", f"/materials/1/revisions/{BIG}"]
)
def test_pages_refuse_huge_integers_with_a_chinese_error_page(world: World, url: str) -> None:
    response = world.client("covered").get(url)
    assert response.status_code == 400
    assert "请求参数有误" in response.text


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


def test_every_unsafe_operation_documents_the_csrf_header_and_its_403(world: World) -> None:
    spec = world.client(None).get("/api/v1/openapi.json").json()
    unsafe = [
        (path, operation)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if method in ("post", "put", "patch", "delete")
    ]
    assert len(unsafe) >= 9
    for path, operation in unsafe:
        headers = [p["name"] for p in operation["parameters"] if p["in"] == "header"]
        assert headers == ["X-CSRF-Token"] and "403" in operation["responses"], path


# A value of another type that Python would coerce (0 for false, "12" or true for an integer,
# true for a number) is refused as the document says: each was accepted. (12.0 is an integer
# in JSON Schema, and is one here.)
@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/proofread", {"text": "审校这段文字。", "lines": 0}, "lines"),
        ("/api/v1/proofread", {"text": "审校这段文字。", "lines": "true"}, "lines"),
        ("/api/v1/materials/2/fill", {"values": {"x": True}}, "values.x.float"),
        (
            "/api/v1/compose/draft.docx",
            {"sections": [{"heading": "情况", "paragraphs": ["12"]}]},
            "sections.0.paragraphs.0",
        ),
        (
            "/api/v1/compose/draft.docx",
            {"sections": [{"heading": "情况", "paragraphs": [True]}]},
            "sections.0.paragraphs.0",
        ),
        ("/api/v1/requests", {"title": 12345}, "title"),
    ],
)
def test_bodies_are_read_strictly_by_their_schema(
    world: World, url: str, body: dict[str, object], field: str
) -> None:
    client = world.client("covered")
    response = client.post(url, json=body, headers={"X-CSRF-Token": csrf_of(client)})
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_every_body_model_of_the_api_is_strict(world: World) -> None:
    from fastapi.routing import iter_route_contexts
    from pydantic import BaseModel

    models = {
        route.body_field.field_info.annotation
        for route in iter_route_contexts(world.app.routes)  # type: ignore[attr-defined]
        if getattr(route, "body_field", None) is not None and route.path.startswith("/api/")
    }
    assert len(models) >= 4
    for model in models:
        assert issubclass(model, BaseModel) and model.model_config.get("strict") is True, model


# Inputs schemathesis does not generate (positive header values are ASCII, JSON strings valid
# UTF-8) or that only PostgreSQL refuses (int4 ids, NUL in text): each was a 500.


@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"/api/v1/materials/{BIG}", "material_id"),
        (f"/api/v1/materials/{2**31}", "material_id"),  # PostgreSQL ids are int4
        (f"/api/v1/materials/{BIG}/download", "material_id"),
        (f"/api/v1/materials?offset={BIG}", "offset"),
        (f"/api/v1/materials?limit={BIG}", "limit"),
        (f"/api/v1/materials?year={BIG}", "year"),
        ("/api/v1/materials?year=%C2%B2", "year"),  # "²".isdigit(), but int("²") fails
        (f"/api/v1/events?after={BIG}", "after"),
        (f"/api/v1/events?after={2**31}", "after"),
        ("/api/v1/materials/3/download?fmt=pdf", "fmt"),
        ("/api/v1/events?after=5&after=0", "after"),  # not silently the last one
    ],
)
def test_out_of_range_parameters_are_422_naming_the_field(
    world: World, url: str, field: str
) -> None:
    response = world.client("covered").get(url)
    assert response.status_code == 422, response.text
    assert response.json()["error"] == "InvalidInput"
    assert response.json()["field"] == field


@pytest.mark.parametrize("year", [BIG, "²", "①"])
def test_a_year_filter_that_is_no_year_is_ignored_by_pages(world: World, year: str) -> None:
    assert world.client(None).get("/materials", params={"year": year}).status_code == 200


def test_a_nul_filter_matches_nothing(world: World) -> None:
    assert world.client(None).get("/api/v1/materials", params={"kind": "\x00"}).json() == []
    assert world.client(None).get("/materials", params={"kind": "\x00"}).status_code == 200


@pytest.mark.parametrize("who", [None, "covered"])
@pytest.mark.parametrize("token", ["é", "令牌", "\x00"])
def test_a_non_ascii_csrf_token_is_refused_not_a_crash(
    world: World, who: str | None, token: str
) -> None:
    client = world.client(who)
    response = client.post(
        "/api/v1/requests",
        json={"title": "需要一份讲话稿范文"},
        headers={"X-CSRF-Token": token.encode("utf-8")},
    )
    assert response.status_code == 403 and response.json()["error"] == "CsrfError"
    form = {"title": "需要一份讲话稿范文", "csrf": token}  # pages: the token in a form field
    assert client.post("/requests", data=form).status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"title": "\\ud800\\u9700\\u8981\\u4e00\\u4efd"}', "title"),  # a lone surrogate
        (b'{"title": "\\u9700\\u8981\\u4e00\\u4efd", "body": "\\udfff"}', "body"),
        (b'{"title": "\\u9700\\u8981\\u0000\\u4e00\\u4efd"}', "title"),  # NUL: PostgreSQL
        (b'{"title": "\\u9700\\u8981\\u4e00\\u4efd", "body": "a\\u0000"}', "body"),
        (b'{"title": "   \\u9700\\u8981  "}', "title"),  # 2 characters once stripped
        (b'{"title": "\\u9700\\u8981\\u4e00\\u4efd\\u0085"}', "title"),  # NEL: strip() removes it
        (b'{"body": "x"}', "title"),
        (b'{"title": ', "body"),
        (b"[]", "body"),
    ],
)
def test_invalid_text_in_a_body_is_422_naming_the_field(
    world: World, body: bytes, field: str
) -> None:
    client = world.client("covered")
    response = client.post(
        "/api/v1/requests",
        content=body,
        headers={"Content-Type": "application/json", "X-CSRF-Token": csrf_of(client)},
    )
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


def test_a_body_that_is_not_utf8_is_400(world: World) -> None:
    client = world.client("covered")
    response = client.post(
        "/api/v1/requests",
        content=b'{"title": "\xff\xfe"}',
        headers={"Content-Type": "application/json", "X-CSRF-Token": csrf_of(client)},
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "BadRequest",
        "message": "There was an error parsing the body",
        "field": "body",
    }


def test_nul_in_a_page_form_is_a_form_error(world: World) -> None:
    client = world.client("covered")
    form = {"title": "需要\x00一份讲话稿", "csrf": csrf_of(client)}
    assert client.post("/requests", data=form).status_code == 400


def test_framework_errors_speak_the_api_error_shape(world: World) -> None:
    client = world.client(None)
    options = client.options("/api/v1/requests")
    assert options.status_code == 405
    assert options.headers["allow"] == "GET, POST"  # every method of the path, not one route's
    assert options.json()["error"] == "MethodNotAllowed"
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"] == "NotFound"
    assert client.get("/api/v1/me").json() == {"error": "NotAuthenticated", "message": "请先登录"}
    assert client.options("/login").headers["allow"] == "GET, POST"  # pages too


def test_nul_in_page_forms_is_a_clear_refusal(world: World) -> None:
    """PostgreSQL cannot store NUL: each of these was a 500 there."""
    visitor = world.client(None)
    login = visitor.post(
        "/login",
        data={
            "email": "covered@example.cn\x00",
            "password": "x" * 10,
            "csrf": visitor.cookies["gw_csrf"],
        },
    )
    assert login.status_code == 401
    editor = world.client("editor")
    token = csrf_of(editor, "/editor")
    edit = editor.post(
        "/editor/materials/3/metadata",
        data={"title": "改名\x00", "csrf": token},
    )
    assert edit.status_code == 400 and "控制字符" in edit.text
    assert "改名" not in editor.get("/materials/3").text
    upload = editor.post(
        "/editor/upload",
        data={"csrf": token, "publish_at": "draft", "note": "说明\x00"},
        files={
            "files": (
                "a\x00.txt",
                "2021年工作计划（某局）\n一、任务\n做好工作。\n".encode(),
                "text/plain",
            )
        },
    )
    assert upload.status_code == 303
    assert "控制字符" in editor.get(upload.headers["location"]).text
