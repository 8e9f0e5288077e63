"""Reseller reports through HTTP: a visitor reports a leaked file, an editor confirms, the leaker
is suspended and may appeal, the reporter is rewarded once; self-reports and repeats of the same
leak earn nothing; every step is in the audit log; the reporter never sees how it was traced."""

from __future__ import annotations

import re

from sqlalchemy import text

from gongwen.platform.subscriptions import active_subscription

from .conftest import PASSWORD, World, csrf_of


def _report(client, **fields) -> str:  # type: ignore[no-untyped-def]
    files = fields.pop("files", None)
    response = client.post(
        "/report", data={"csrf": csrf_of(client, "/report"), **fields}, files=files
    )
    assert response.status_code == 303, response.text[:300]
    return str(response.headers["location"])


def _pending_report_id(world: World) -> int:
    editor = world.client("editor")
    listing = editor.get("/admin/reports").text
    return max(int(n) for n in re.findall(r'href="/admin/reports/(\d+)"', listing))


def _confirm(world: World, report_id: int, **extra: str) -> None:
    editor = world.client("editor")
    csrf = csrf_of(editor, f"/admin/reports/{report_id}")
    response = editor.post(
        f"/admin/reports/{report_id}/confirm",
        data={"csrf": csrf, "reason": "文件与该会员的下载副本一致", **extra},
    )
    assert response.status_code == 303, response.text[:500]


def test_report_confirm_suspend_appeal_and_reward_once(world: World) -> None:
    leaker = world.client("covered")
    leaked = leaker.get("/materials/3/download?fmt=txt").content
    world.client("other").get("/materials/3/download?fmt=txt")

    # A visitor reports the forwarded file (from an address the leaker never used).
    tipster = world.client(address="203.0.113.9")
    status_url = _report(
        tipster, contact="tipster@example.org", files={"file": ("倒卖.txt", leaked, "text/plain")}
    )
    page = tipster.get(status_url).text
    assert "已受理" in page
    report_id = _pending_report_id(world)
    detail = world.client("editor").get(f"/admin/reports/{report_id}").text
    assert "covered@example.cn" in detail and "identified" in detail

    _confirm(world, report_id)
    # The leaker is suspended: no more logging in, but an appeal is possible.
    fresh = world.client()
    login = fresh.post(
        "/login",
        data={
            "email": "covered@example.cn",
            "password": PASSWORD,
            "csrf": fresh.cookies["gw_csrf"],
        },
    )
    assert login.status_code != 303
    appeal = fresh.post(
        "/appeal",
        data={
            "email": "covered@example.cn",
            "password": PASSWORD,
            "text": "我从未转发过这份材料，请复核。",
            "csrf": fresh.cookies["gw_csrf"],
        },
    )
    assert appeal.status_code == 200 and "申诉已收到" in appeal.text
    assert "我从未转发过" in world.client("editor").get(f"/admin/reports/{report_id}").text

    # The reporter sees that the report held and a reward, never who or how.
    page = tipster.get(status_url).text
    assert "举报属实" in page and "一年会员已发放" in page
    assert "covered" not in page and "误指" not in page and "identified" not in page

    # The reward waits for the address and is applied when it registers.
    register = world.client()
    response = register.post(
        "/register",
        data={
            "email": "tipster@example.org",
            "password": PASSWORD,
            "password2": PASSWORD,
            "csrf": register.cookies["gw_csrf"],
        },
    )
    assert response.status_code == 303, response.text[:300]
    with world.lib.engine.connect() as conn:
        tipster_id = conn.execute(
            text("SELECT id FROM users WHERE email = 'tipster@example.org'")
        ).scalar_one()
    sub = active_subscription(world.lib, tipster_id)
    assert sub is not None and (sub.ends_at - sub.starts_at).days >= 364

    # The same leak reported again (a logged-in member pastes an excerpt): confirmed, no reward.
    second = world.client("nosub", address="203.0.113.20")
    excerpt = leaked.decode("utf-8")[400:1900]
    _report(second, contact="nosub@example.cn", text=excerpt)
    second_id = _pending_report_id(world)
    _confirm(world, second_id, leaker_email="covered@example.cn")
    page = world.client("editor").get(f"/admin/reports/{second_id}").text
    assert "未发放" in page and "认定在先" in page

    # A member reporting their own copy gets nothing either.
    own = world.client("other").get("/materials/4/download?fmt=docx").content
    selfish = world.client("other")
    _report(
        selfish,
        contact="other@example.cn",
        files={"file": ("mine.docx", own, "application/octet-stream")},
    )
    self_id = _pending_report_id(world)
    _confirm(world, self_id)
    page = world.client("editor").get(f"/admin/reports/{self_id}").text
    assert "未发放" in page and "本人" in page

    # Every step is in the audit log.
    with world.lib.engine.connect() as conn:
        actions = [
            r[0]
            for r in conn.execute(
                text(
                    "SELECT action FROM audit_log WHERE action LIKE 'report.%'"
                    " OR action LIKE 'reward.%' OR action IN ('user.suspend', 'user.appeal')"
                )
            )
        ]
    for action in ("report.submit", "report.confirm", "user.suspend", "user.appeal"):
        assert action in actions, action
    assert actions.count("reward.grant") == 1
    assert actions.count("reward.refused") == 2


def test_no_reward_between_linked_accounts(world: World) -> None:
    """A reseller who reports their own puppet account (signed in from the same address) to
    earn a free year gets nothing; the editor is told which address links them."""
    from gongwen.model.member import OPERATOR, Role
    from gongwen.platform.accounts import create_user
    from gongwen.platform.subscriptions import grant

    for name in ("puppet", "reseller"):
        member = create_user(world.lib, OPERATOR, f"{name}@example.cn", PASSWORD, Role.MEMBER)
        grant(world.lib, OPERATOR, member.id, "year")
    home = "198.51.100.77"
    leaked = world.client("puppet", address=home).get("/materials/5/download?fmt=txt").content
    world.client("reseller", address=home)  # the reseller's own account, same address
    reporter = world.client("reseller", address="198.51.100.200")  # reports from elsewhere
    _report(
        reporter, contact="reseller@example.cn", files={"file": ("x.txt", leaked, "text/plain")}
    )
    report_id = _pending_report_id(world)
    _confirm(world, report_id)
    page = world.client("editor").get(f"/admin/reports/{report_id}").text
    assert "未发放" in page and "关联账号" in page and home in page


def test_reports_are_reviewed_by_editors_only(world: World) -> None:
    visitor = world.client()
    assert visitor.get("/admin/reports").status_code in (303, 401, 403)
    member = world.client("nosub")
    assert member.get("/admin/reports").status_code == 403
    assert member.get("/admin/reports/1").status_code == 403
    response = member.post("/admin/reports/1/reject", data={"csrf": csrf_of(member), "reason": "x"})
    assert response.status_code == 403


def test_a_report_needs_contact_evidence_and_a_csrf_token(world: World) -> None:
    visitor = world.client()
    response = visitor.post(
        "/report", data={"csrf": visitor.cookies["gw_csrf"], "contact": "a@example.org"}
    )
    assert response.status_code == 400 and "请上传文件" in response.text
    response = visitor.post(
        "/report", data={"csrf": visitor.cookies["gw_csrf"], "text": "一段文字"}
    )
    assert response.status_code == 400 and "联系方式" in response.text
    response = visitor.post("/report", data={"contact": "a@example.org", "text": "一段文字"})
    assert response.status_code in (400, 403)
    assert visitor.get("/report/status/not-a-token").status_code == 404


def test_the_trace_page_names_the_member_to_editors_only(world: World) -> None:
    from gongwen.model.member import OPERATOR
    from gongwen.platform.subscriptions import grant

    grant(world.lib, OPERATOR, world.ids["nosub"], "year")  # earlier tests suspended the others
    copy = world.client("nosub").get("/materials/5/download?fmt=txt").content.decode("utf-8")
    editor = world.client("editor")
    page = editor.post(
        "/admin/trace",
        data={"csrf": csrf_of(editor, "/admin/trace"), "text": copy.split("\n", 2)[2][:2500]},
    )
    assert page.status_code == 200
    assert "已查明" in page.text and "nosub@example.cn" in page.text
    member = world.client("nosub")
    assert member.get("/admin/trace").status_code == 403
    response = member.post("/admin/trace", data={"csrf": csrf_of(member), "text": copy})
    assert response.status_code == 403


def test_editors_review_and_veto_variants_until_the_first_copy(world: World) -> None:
    editor = world.client("editor")
    page = editor.get("/editor/materials/6/variants")
    assert page.status_code == 200 and 'id="sites"' in page.text
    starts = [int(s) for s in re.findall(r'name="veto" value="(\d+)"', page.text)]
    assert len(starts) > 20
    vetoed = starts[:10]
    response = editor.post(
        "/editor/materials/6/variants",
        data={"csrf": csrf_of(editor, "/editor/materials/6/variants"), "veto": vetoed},
    )
    assert response.status_code == 303
    # The first copy freezes the list the copies are made from: without the vetoed sites, so
    # they keep the published wording in every copy.
    nosub = world.client("nosub")  # subscribed by an earlier test of this module
    assert nosub.get("/materials/6/download?fmt=txt").status_code == 200
    from gongwen.store import materials as store
    from gongwen.store import traces
    from gongwen.trace.sites import from_json, version

    with world.lib.db.read() as conn:
        revision = store.current_revision(conn, 6)
        frozen = from_json(traces.frozen_sites(conn, revision, version()) or "[]")
    kept = {s.start for s in frozen}
    assert kept and not kept & set(vetoed)
    assert set(starts) - set(vetoed) == kept
    # Once a copy exists the list is frozen: no more vetoes.
    page = editor.get("/editor/materials/6/variants").text
    assert 'id="frozen"' in page
    response = editor.post(
        "/editor/materials/6/variants",
        data={"csrf": csrf_of(editor, "/editor/materials/6/variants"), "veto": starts[:1]},
    )
    assert response.status_code == 400 and "已固定" in response.text
    # Members may not see or change any of it.
    assert nosub.get("/editor/materials/6/variants").status_code == 403


def test_an_unreadable_evidence_file_is_kept_for_the_editor(world: World) -> None:
    visitor = world.client()
    status = _report(
        visitor,
        contact="someone@example.org",
        files={"file": ("broken.docx", b"PK\x03\x04 not a zip", "application/octet-stream")},
    )
    assert "已受理" in visitor.get(status).text
    report_id = _pending_report_id(world)
    page = world.client("editor").get(f"/admin/reports/{report_id}").text
    assert "broken.docx" in page
