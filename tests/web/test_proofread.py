"""The proofreader over HTTP: members only, findings marked, accepted fixes written into the
member's own .docx with its formatting kept; the JSON API has the CLI's shape."""

from __future__ import annotations

import io
from collections.abc import Iterator

import docx
from docx.shared import Pt

from .conftest import World, csrf_of

DRAFT = "截止2020年6月底,全市完成了了投资XX亿元。\n一是加强领导；二是完善制度；四是强化考核。"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _draft_docx() -> bytes:
    document = docx.Document()
    p = document.add_paragraph()
    bold = p.add_run("截止2020年6月底")
    bold.bold = True
    bold.font.size = Pt(16)
    p.add_run("，全市完成了了投资3亿元。")
    document.add_paragraph("深入学习贯彻习近平新时代中国特色社会思想。")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_visitor_cannot_use_the_proofreader(world: World) -> None:
    visitor = world.client()
    assert visitor.get("/proofread").status_code in (303, 401)
    token = visitor.cookies["gw_csrf"]
    r = visitor.post("/api/v1/proofread", json={"text": DRAFT}, headers={"X-CSRF-Token": token})
    assert r.status_code == 401
    # Without the token the answer is 403 whoever asks.
    member = world.client("nosub")
    assert member.post("/api/v1/proofread", json={"text": DRAFT}).status_code == 403


def test_member_sees_findings_marked_and_takes_the_corrected_text(world: World) -> None:
    client = world.client("nosub")
    token = csrf_of(client, "/proofread")
    page = client.post("/proofread", data={"csrf": token, "text": DRAFT, "ignore": "GW110"})
    assert page.status_code == 200, page.text
    html = page.text
    assert 'id="d0"' in html and "GW101" in html and "GW303" in html and "GW701" in html
    # Accept the first finding only (截止 → 截至): the rest of the text stays as written.
    fixed = client.post(
        "/proofread/fixed",
        data={"csrf": token, "source": DRAFT, "accept": ["0"], "ignore": "GW110"},
    )
    assert fixed.status_code == 200
    text = fixed.content.decode("utf-8")
    assert text.startswith("截至2020年6月底,") and "了了" in text and "四是" in text


def test_uploaded_docx_comes_back_with_accepted_fixes_and_its_formatting(world: World) -> None:
    client = world.client("other")
    token = csrf_of(client, "/proofread")
    report = client.post(
        "/api/v1/proofread/docx?ignore=GW110",
        content=_draft_docx(),
        headers={"X-CSRF-Token": token, "Content-Type": DOCX_TYPE},
    )
    assert report.status_code == 200, report.text
    found = report.json()["diagnostics"]
    codes = [d["code"] for d in found]
    assert "GW101" in codes and "GW201" in codes and "GW501" in codes
    accept = ",".join(str(i) for i, d in enumerate(found) if d["code"] in ("GW101", "GW501"))
    out = client.post(
        f"/api/v1/proofread/docx/fixed?ignore=GW110&accept={accept}",
        content=_draft_docx(),
        headers={"X-CSRF-Token": token, "Content-Type": DOCX_TYPE},
    )
    assert out.status_code == 200
    document = docx.Document(io.BytesIO(out.content))
    first, second = document.paragraphs[0], document.paragraphs[1]
    assert first.text == "截至2020年6月底，全市完成了了投资3亿元。"  # 了了 was not accepted
    assert first.runs[0].text == "截至2020年6月底" and first.runs[0].bold
    assert first.runs[0].font.size == Pt(16)
    assert second.text == "深入学习贯彻习近平新时代中国特色社会主义思想。"


def test_api_answers_the_cli_shape_and_refuses_bad_input(world: World) -> None:
    client = world.client("covered")
    token = csrf_of(client)
    headers = {"X-CSRF-Token": token}
    r = client.post("/api/v1/proofread", json={"text": DRAFT, "select": ["GW3"]}, headers=headers)
    assert r.status_code == 200
    body = r.json()
    assert [d["code"] for d in body["diagnostics"]] == ["GW303"]
    d = body["diagnostics"][0]
    assert (d["line"], d["column"], d["text"], d["suggestion"], d["fix"]) == (
        2,
        15,
        "四是",
        "三是",
        "suggested",
    )
    assert DRAFT[d["start"] : d["end"]] == "四是"
    assert body["summary"]["by_category"] == {"numbering": 1}
    bad = client.post(
        "/api/v1/proofread", json={"text": DRAFT, "select": ["GW999"]}, headers=headers
    )
    assert bad.status_code == 400 and "GW999" in bad.json()["message"]
    junk = client.post(
        "/api/v1/proofread/docx",
        content=b"not a zip",
        headers={**headers, "Content-Type": DOCX_TYPE},
    )
    assert junk.status_code == 400 and "docx" in junk.json()["message"]


def test_the_rule_catalogue_page_lists_every_rule_and_formulation(world: World) -> None:
    from gongwen.proofread import selected_rules
    from gongwen.proofread.rules.formulations import formulations

    html = world.client().get("/proofread/rules").text
    for rule in selected_rules(select=["GW"]):
        assert f'id="{rule.code}"' in html
    version, entries = formulations()
    assert version in html and entries[0].source in html


def test_odd_text_is_answered_not_a_server_error(world: World) -> None:
    import json

    client = world.client("covered")
    headers = {"X-CSRF-Token": csrf_of(client), "Content-Type": "application/json"}
    for text in ("截止\ud800年底，\ud800\ud800XX", "\u200b\ufeff", "𠀀" * 50, "，。" * 500):
        # JSON's \ud800 escape: a lone surrogate arrives in the string.
        body = json.dumps({"text": text}).encode("ascii")
        r = client.post("/api/v1/proofread", content=body, headers=headers)
        assert r.status_code in (200, 400, 422), (text[:10], r.status_code, r.text[:200])
        assert r.status_code != 422 or "无效字符" in r.json()["message"]


def _long_docx(characters: int) -> bytes:
    document = docx.Document()
    for _ in range(characters // 1000 + 1):
        document.add_paragraph("字" * 999)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_no_checker_is_handed_text_over_the_limit(world: World, checkers: list[int]) -> None:
    from gongwen.platform.proofreading import MAX_CHARACTERS
    from gongwen.proofread.documents import MAX_BYTES

    given = checkers  # the length of every text a checker was handed
    client = world.client("expired")
    token = csrf_of(client, "/proofread")
    api = {"X-CSRF-Token": token}
    at_limit, over = "字" * MAX_CHARACTERS, "字" * (MAX_CHARACTERS + 1)
    assert client.post("/api/v1/proofread", json={"text": at_limit}, headers=api).status_code == 200
    assert given == [MAX_CHARACTERS]

    def chunked(size: int) -> Iterator[bytes]:  # no Content-Length: counted as it comes
        yield b'{"text": "'
        for _ in range(size // 2**16):
            yield b"x" * 2**16
        yield b'"}'

    json_api = {**api, "Content-Type": "application/json"}
    docx_api = {**api, "Content-Type": DOCX_TYPE}
    answers = {
        "API text": client.post("/api/v1/proofread", json={"text": over}, headers=api),
        "API body": client.post(
            "/api/v1/proofread", content=b'{"text": "' + b"x" * 2**21 + b'"}', headers=json_api
        ),
        "API chunked": client.post("/api/v1/proofread", content=chunked(2**21), headers=json_api),
        "API docx": client.post(
            "/api/v1/proofread/docx", content=_long_docx(MAX_CHARACTERS), headers=docx_api
        ),
        "API docx body": client.post(
            "/api/v1/proofread/docx", content=b"PK" + bytes(MAX_BYTES), headers=docx_api
        ),
        "page text": client.post("/proofread", data={"csrf": token, "text": over}),
        "page .txt": client.post(
            "/proofread", data={"csrf": token}, files={"file": ("长稿.txt", over.encode())}
        ),
        "page .docx": client.post(
            "/proofread",
            data={"csrf": token},
            files={"file": ("长稿.docx", _long_docx(MAX_CHARACTERS), DOCX_TYPE)},
        ),
        "page body": client.post("/proofread", data={"csrf": token, "text": "字" * 2**23}),
        "page fixed": client.post("/proofread/fixed", data={"csrf": token, "source": over}),
    }
    for where, r in answers.items():
        assert r.status_code in (400, 413, 422), (where, r.status_code)
        message = r.json()["message"] if r.request.url.path.startswith("/api/") else r.text
        assert any(m in message for m in ("60,000", "10 MB", "text: 过长")), (where, message[:300])
    assert given == [MAX_CHARACTERS]
