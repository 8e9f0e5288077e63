"""No unmarked way out: the revision pages (diffs) and composed drafts a member receives are
their own marked copies, logged with their SHA-256 and counted against the daily allowance;
a diff of two revisions shows the edits and never the marks."""

from __future__ import annotations

import hashlib
import html
import io
import re
from dataclasses import replace

import docx

from gongwen.store import materials, sql

from .conftest import World, csrf_of


def _diff_lines(page: str) -> list[tuple[str, str]]:
    body = page.split('class="card diff">', 1)[1].split("</div>\n</div>", 1)[0]
    lines = re.findall(r'<div class="(add|del|hunk|)">(.*?)</div>', body, re.S)
    return [(kind, html.unescape(text)[2:]) for kind, text in lines]


def _logged(world: World, who: str) -> list[tuple[str, int, str, str]]:
    with world.lib.db.read() as conn:
        return [
            (str(f), int(m), str(h or ""), str(v or ""))
            for f, m, h, v in sql.rows(
                conn,
                "SELECT format, material_id, sha256, sites_version FROM downloads"
                " WHERE user_id = :u ORDER BY id",
                {"u": world.ids[who]},
            )
        ]


def test_a_revision_page_is_the_members_copy_logged_and_counted(world: World) -> None:
    pages = {who: world.client(who).get("/materials/4/revisions/1") for who in ("covered", "other")}
    assert all(p.status_code == 200 for p in pages.values())
    texts = {who: [t for _, t in _diff_lines(p.text)] for who, p in pages.items()}
    assert texts["covered"] != texts["other"]  # each reader's own wording
    assert 'class="copy-notice"' in pages["covered"].text
    assert f"No.{world.ids['covered']:06d}" in pages["covered"].text
    logged = _logged(world, "covered")[-1]
    assert logged[:2] == ("diff", 4) and re.fullmatch(r"[0-9a-f]{64}", logged[2]) and logged[3]
    # The editor reads the text as published, with no notice.
    editor = world.client("editor").get("/materials/4/revisions/1").text
    assert 'class="copy-notice"' not in editor


def test_a_diff_of_two_revisions_shows_the_edit_and_no_mark(world: World) -> None:
    with world.lib.db.read() as conn:
        text = materials.detail(conn, 5).text
    sentences = [s for s in re.split(r"(?<=。)", text) if len(s) > 30]
    edited = sentences[len(sentences) // 2]
    revised = text.replace(edited, "本段在修订中改写为新的表述。", 1)
    editor = world.client("editor")
    response = editor.post(
        "/editor/materials/5/revision",
        data={"text": revised, "note": "改写一段", "csrf": csrf_of(editor, "/editor")},
    )
    assert response.status_code == 303
    published = _diff_lines(editor.get("/materials/5/revisions/2").text)
    changed = [kind for kind, _ in published if kind in ("add", "del")]
    assert changed  # the edit shows
    for who in ("covered", "other"):
        mine = _diff_lines(world.client(who).get("/materials/5/revisions/2").text)
        # The same lines change as in the published text: the marks, the same in both
        # revisions wherever the edit left a site alone, never show as an edit.
        assert [kind for kind, _ in mine if kind in ("add", "del")] == changed, who
        added = [t for kind, t in mine if kind == "add"]
        assert any("本段在修订中改写为新的表述。" in t for t in added)


def test_a_diff_past_the_daily_allowance_is_refused(world: World) -> None:
    settings = world.lib.settings
    used = len([row for row in _logged(world, "other") if row[0] != ""])
    world.lib.settings = replace(settings, daily_download_limit=used + 1)
    try:
        client = world.client("other")
        assert client.get("/materials/3/revisions/1").status_code == 200  # one revision: 1 copy
        refused = client.get("/materials/3/revisions/1")
        assert refused.status_code == 429 and "上限" in refused.text
    finally:
        world.lib.settings = settings


def _draft_ids(world: World, material: int, count: int) -> list[int]:
    with world.lib.db.read() as conn:
        return [
            int(i)
            for (i,) in sql.rows(
                conn,
                "SELECT p.id FROM paragraphs p JOIN materials m ON m.current_revision_id ="
                " p.revision_id WHERE m.id = :m AND p.kind = 'body' ORDER BY p.ord LIMIT :n",
                {"m": material, "n": count},
            )
        ]


def _draft(world: World, who: str, sections: list[dict[str, object]]) -> object:
    client = world.client(who)
    return client.post(
        "/api/v1/compose/draft.docx",
        json={"title": "2021年上半年工作总结", "sections": sections},
        headers={"X-CSRF-Token": csrf_of(client)},
    )


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    header = [p.text for s in document.sections for p in s.header.paragraphs]
    return "\n".join([*header, *(p.text for p in document.paragraphs)])


def test_a_composed_draft_is_the_members_copy_logged_per_material(world: World) -> None:
    sections = [
        {"heading": "工作情况", "paragraphs": _draft_ids(world, 3, 12)},
        {"heading": "下步打算", "paragraphs": _draft_ids(world, 4, 6)},
    ]
    before = len(_logged(world, "covered"))
    drafts = {who: _draft(world, who, sections) for who in ("covered", "other")}
    assert all(d.status_code == 200 for d in drafts.values())
    texts = {who: _text(d.content) for who, d in drafts.items()}
    assert texts["covered"] != texts["other"]  # the borrowed paragraphs in each one's wording
    assert f"No.{world.ids['covered']:06d}" in texts["covered"]
    logged = _logged(world, "covered")[before:]
    digest = hashlib.sha256(drafts["covered"].content).hexdigest()
    assert sorted((f, m, h) for f, m, h, _ in logged) == [
        ("composed", 3, digest),
        ("composed", 4, digest),
    ]
    # A forwarded draft names its member.
    from gongwen.model.member import OPERATOR
    from gongwen.platform.tracing import trace

    report = trace(world.lib, OPERATOR, data=drafts["other"].content, filename="草稿.docx")
    assert report.verdict == "identified"
    assert [m["email"] for m in report.members] == ["other@example.cn"]


def test_a_draft_is_refused_past_its_budget_or_the_allowance(world: World) -> None:
    ids = _draft_ids(world, 3, 200)
    too_many = [{"heading": f"第{i}部分", "paragraphs": ids} for i in range(20)]
    refused = _draft(world, "covered", too_many)  # 20 × 200 ids: refused by the schema
    assert refused.status_code == 422
    settings = world.lib.settings
    used = len(_logged(world, "covered"))
    world.lib.settings = replace(settings, daily_download_limit=used + 1)
    try:  # two materials drawn from, one copy left today
        sections = [
            {"heading": "工作情况", "paragraphs": _draft_ids(world, 3, 2)},
            {"heading": "下步打算", "paragraphs": _draft_ids(world, 4, 2)},
        ]
        refused = _draft(world, "covered", sections)
        assert refused.status_code == 429 and "2 份" in refused.text
    finally:
        world.lib.settings = settings


def test_at_the_allowance_an_unreadable_paragraph_is_still_just_not_found(world: World) -> None:
    """No answer tells which ids exist: a paragraph of a material the member may not read is
    a 404 like a missing one, before the allowance is looked at (which would answer 429)."""
    settings = world.lib.settings
    used = len(_logged(world, "other"))
    world.lib.settings = replace(settings, daily_download_limit=used + 1)
    try:  # the last copy of the day (whichever tests ran before), then none is left
        first = _draft(world, "other", [{"heading": "情况", "paragraphs": _draft_ids(world, 3, 2)}])
        assert first.status_code == 200
        # material 1 is older than the member's back catalogue
        hidden = _draft(
            world, "other", [{"heading": "情况", "paragraphs": _draft_ids(world, 1, 2)}]
        )
        missing = _draft(world, "other", [{"heading": "情况", "paragraphs": [2_000_000_000]}])
        readable = _draft(
            world, "other", [{"heading": "情况", "paragraphs": _draft_ids(world, 3, 2)}]
        )
        assert hidden.status_code == missing.status_code == 404
        assert readable.status_code == 429
    finally:
        world.lib.settings = settings
