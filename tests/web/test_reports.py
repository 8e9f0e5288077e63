"""Reseller reports through HTTP: a visitor reports a leaked file and is answered at once, the
report is traced in the background, an editor confirms, the leaker is suspended and may appeal,
the reporter is rewarded once per leaker: parallel confirmations, repeats of the same leaker,
other reporters of the same leaker and self-reports (linked by any address the accounts were
registered, used or reported from) earn nothing; hostile files are refused before anything is
stored; every step is in the audit log; the reporter never sees how it was traced."""

from __future__ import annotations

import io
import json
import os
import re
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from gongwen.model.member import OPERATOR, Role
from gongwen.platform import report_tracer
from gongwen.platform import reports as service
from gongwen.platform.accounts import create_user
from gongwen.platform.subscriptions import active_subscription, grant

from .conftest import PASSWORD, World, csrf_of
from .snapshot import changed, state


@pytest.fixture(scope="module", autouse=True)
def _traced_when_the_test_says() -> Iterator[None]:
    """The background tracer waits: each test traces (`report_tracer.trace_pending`) when it means
    to, so what it sees before that is what a reporter and an editor see while it is pending."""
    with report_tracer.TRACER.held():
        yield


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


def _subscriber(world: World, name: str) -> int:
    member = create_user(world.lib, OPERATOR, f"{name}@example.cn", PASSWORD, Role.MEMBER)
    grant(world.lib, OPERATOR, member.id, "year")
    return member.id


def _paid(world: World, report_ids: list[int]) -> tuple[int, int]:
    """(membership-day rows, reward rows) of these reports."""
    ids = ", ".join(str(int(i)) for i in report_ids)
    with world.lib.engine.connect() as conn:
        days = conn.execute(
            text(f"SELECT COUNT(*) FROM membership_days WHERE report_id IN ({ids})")
        ).scalar_one()
        rewards = conn.execute(
            text(f"SELECT COUNT(*) FROM leak_rewards WHERE report_id IN ({ids})")
        ).scalar_one()
    return int(days), int(rewards)


def _ends(world: World, user_id: int):  # type: ignore[no-untyped-def]
    sub = active_subscription(world.lib, user_id)
    assert sub is not None
    return sub.ends_at


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
    report_tracer.trace_pending(world.lib)
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
    assert "未发放" in page and f"同一泄露者 365 天内已由举报 #{report_id} 奖励" in page

    # A member reporting their own copy gets nothing either.
    own = world.client("other").get("/materials/4/download?fmt=docx").content
    selfish = world.client("other")
    _report(
        selfish,
        contact="other@example.cn",
        files={"file": ("mine.docx", own, "application/octet-stream")},
    )
    self_id = _pending_report_id(world)
    report_tracer.trace_pending(world.lib)
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
    report_tracer.trace_pending(world.lib)
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
    response = visitor.post(
        "/report",
        data={"csrf": visitor.cookies["gw_csrf"], "contact": "a@example.org"},
        files={"file": ("旧文件.doc", b"\xd0\xcf\x11\xe0 legacy", "application/msword")},
    )
    assert response.status_code == 400 and "旧文件.doc" in response.text
    assert "另存为 .docx" in response.text
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
    """A file that passes the upload checks but cannot be read: the report is kept, the error
    of its trace shown to the editor."""
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as zf:
        zf.writestr("word/document.xml", "这不是 Word 的内容")
    visitor = world.client(address="192.0.2.40")
    status = _report(
        visitor,
        contact="someone@example.org",
        files={"file": ("broken.docx", broken.getvalue(), "application/octet-stream")},
    )
    assert "已受理" in visitor.get(status).text
    report_id = _pending_report_id(world)
    report_tracer.trace_pending(world.lib)
    page = world.client("editor").get(f"/admin/reports/{report_id}").text
    assert "broken.docx" in page and "溯源中" not in page
    assert "不是有效的 .docx" in page or "损坏" in page


def test_a_hostile_upload_is_refused_at_once_and_nothing_is_stored(world: World) -> None:
    """The reseller's .docx: 5 MB inflating to 151 MB (30:1, under the zip-bomb ratio, far over
    what one upload may cost): 400 naming the file, no report, no audit entry."""
    units = (b"<w:r><w:t>%s</w:t></w:r>" % b"ab"[b & 1 : (b & 1) + 1] for b in os.urandom(2**16))
    block = b"".join(units)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for _ in range(151 * 2**20 // len(block)):
                fh.write(block)
    assert len(bomb.getvalue()) < service.MAX_FILE_BYTES

    def stored() -> tuple[int, int]:
        with world.lib.engine.connect() as conn:
            reports = conn.execute(text("SELECT COUNT(*) FROM leak_reports")).scalar_one()
            submits = conn.execute(
                text("SELECT COUNT(*) FROM audit_log WHERE action = 'report.submit'")
            ).scalar_one()
        return int(reports), int(submits)

    before = stored()
    visitor = world.client(address="192.0.2.41")
    response = visitor.post(
        "/report",
        data={"csrf": csrf_of(visitor, "/report"), "contact": "bomber@example.org"},
        files={"file": ("合同.docx", bomb.getvalue(), "application/octet-stream")},
    )
    assert response.status_code == 400
    assert "合同.docx" in response.text and "超过上限" in response.text
    assert stored() == before


@pytest.mark.parametrize("name", ["泄露\x00.txt", "泄露\x1b[31m.txt", "a\x7f.txt"])
def test_a_control_character_in_the_file_name_is_refused_before_anything_else(
    world: World, name: str
) -> None:
    """A browser sends the name as typed; PostgreSQL cannot store a NUL. The report is refused
    with a 400 that says the file name is at fault, before the file is read, traced or counted
    against the address's reports: the same address reports properly right after."""
    visitor = world.client(address="192.0.2.77")
    token = csrf_of(visitor, "/report")
    fields = {"csrf": token, "contact": "named@example.org"}
    parts = [
        f'--B\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        b'--B\r\nContent-Disposition: form-data; name="file"; filename="'
        + name.encode()
        + b'"\r\nContent-Type: text/plain\r\n\r\n'
        + "一段泄露的文字。".encode()
        + b"\r\n--B--\r\n"
    )
    before = state(world)
    for _ in range(8):  # more than an address may report in an hour
        response = visitor.post(
            "/report",
            content=b"".join(parts),
            headers={"Content-Type": "multipart/form-data; boundary=B"},
        )
        assert response.status_code == 400, response.text[:300]
        assert "文件名不能包含控制字符" in response.text
    assert changed(before, state(world)) == []
    _report(visitor, contact="named@example.org", text="同一地址随后正常举报")


def test_a_report_is_answered_before_it_is_traced(world: World) -> None:
    _subscriber(world, "slow-leak")
    leaked = world.client("slow-leak", address="192.0.2.50").get("/materials/6/download?fmt=txt")
    tipster = world.client(address="192.0.2.51")
    status_url = _report(
        tipster, contact="slow-tip@example.org", files={"file": ("转发.txt", leaked.content)}
    )
    # Answered while the trace is still pending.
    assert "已受理" in tipster.get(status_url).text
    report_id = _pending_report_id(world)
    editor = world.client("editor")
    row = re.search(
        rf'href="/admin/reports/{report_id}".*?</tr>', editor.get("/admin/reports").text, re.S
    )
    assert row and "溯源中" in row.group(0)
    page = editor.get(f"/admin/reports/{report_id}").text
    assert "溯源中" in page and "slow-leak@example.cn" not in page
    response = editor.post(
        f"/admin/reports/{report_id}/confirm",
        data={"csrf": csrf_of(editor, f"/admin/reports/{report_id}"), "reason": "先认定"},
    )
    assert response.status_code == 400 and "溯源尚未完成" in response.text

    assert report_tracer.trace_pending(world.lib) >= 1
    page = editor.get(f"/admin/reports/{report_id}").text
    assert "溯源中" not in page
    assert "identified" in page and "slow-leak@example.cn" in page


def test_six_parallel_confirms_of_one_report_pay_once(world: World) -> None:
    _subscriber(world, "race-leak")
    tipster_id = _subscriber(world, "race-tip")
    leaked = world.client("race-leak", address="192.0.2.60").get("/materials/4/download?fmt=txt")
    tipster = world.client("race-tip", address="192.0.2.61")
    _report(tipster, contact="race-tip@example.cn", files={"file": ("x.txt", leaked.content)})
    report_id = _pending_report_id(world)
    report_tracer.trace_pending(world.lib)
    ends = _ends(world, tipster_id)

    editors = [world.client("editor") for _ in range(6)]
    tokens = [csrf_of(e, f"/admin/reports/{report_id}") for e in editors]
    together = threading.Barrier(len(editors))

    def confirm(i: int):  # type: ignore[no-untyped-def]
        together.wait()
        return editors[i].post(
            f"/admin/reports/{report_id}/confirm",
            data={"csrf": tokens[i], "reason": "文件与该会员的下载副本一致"},
        )

    with ThreadPoolExecutor(len(editors)) as pool:
        responses = list(pool.map(confirm, range(len(editors))))
    assert sorted(r.status_code for r in responses) == [303] + [400] * 5
    assert all("这份举报已处理" in r.text for r in responses if r.status_code == 400)
    assert _paid(world, [report_id]) == (1, 1)
    assert (_ends(world, tipster_id) - ends).days == service.REWARD_DAYS
    with world.lib.engine.connect() as conn:
        extensions = conn.execute(
            text(
                "SELECT COUNT(*) FROM audit_log WHERE target = :u AND action IN"
                " ('subscription.extend', 'subscription.grant') AND detail LIKE '%reward%'"
            ),
            {"u": str(tipster_id)},
        ).scalar_one()
    assert extensions == 1


def test_a_register_only_self_report_is_refused(world: World) -> None:
    """A reseller signs up twice from home, leaks from one account and reports it from the
    other, sent from elsewhere: neither account ever logged in, the sign-ups link them."""
    home = "192.0.2.70"

    def sign_up(email: str) -> TestClient:
        client = world.client(address=home)
        response = client.post(
            "/register",
            data={
                "email": email,
                "password": PASSWORD,
                "password2": PASSWORD,
                "csrf": client.cookies["gw_csrf"],
            },
        )
        assert response.status_code == 303, response.text[:300]
        return client

    puppet = sign_up("puppet-signup@example.org")
    reseller = sign_up("reseller-signup@example.org")
    with world.lib.engine.connect() as conn:
        ids = dict(
            conn.execute(
                text("SELECT email, id FROM users WHERE email LIKE '%-signup@example.org'")
            ).all()
        )
    grant(world.lib, OPERATOR, ids["puppet-signup@example.org"], "year")
    leaked = puppet.get("/materials/5/download?fmt=txt")
    assert leaked.status_code == 200
    elsewhere = TestClient(  # type: ignore[arg-type]
        world.app,
        follow_redirects=False,
        client=("192.0.2.71", 50000),
        cookies=dict(reseller.cookies),
    )
    _report(
        elsewhere,
        contact="reseller-signup@example.org",
        files={"file": ("x.txt", leaked.content)},
    )
    report_id = _pending_report_id(world)
    report_tracer.trace_pending(world.lib)
    _confirm(world, report_id)
    page = world.client("editor").get(f"/admin/reports/{report_id}").text
    assert "未发放" in page and "关联账号" in page and home in page
    assert _paid(world, [report_id]) == (0, 0)
    assert active_subscription(world.lib, ids["reseller-signup@example.org"]) is None


def test_one_leaker_reported_three_times_pays_once(world: World) -> None:
    """One leak of three materials, reported file by file: the first confirmed is paid; the
    other two are confirmed and recorded, the editor told why, the reporter thanked."""
    _subscriber(world, "triple-leak")
    tipster_id = _subscriber(world, "triple-tip")
    leaker = world.client("triple-leak", address="192.0.2.80")
    files = [leaker.get(f"/materials/{m}/download?fmt=txt").content for m in (3, 4, 5)]
    tipster = world.client("triple-tip", address="192.0.2.81")
    reported = []
    for n, data in enumerate(files):
        status_url = _report(
            tipster, contact="triple-tip@example.cn", files={"file": (f"{n}.txt", data)}
        )
        reported.append((_pending_report_id(world), status_url))
    report_tracer.trace_pending(world.lib)
    ends = _ends(world, tipster_id)
    for report_id, _ in reported:
        _confirm(world, report_id)

    (first, first_status), *later = reported
    editor = world.client("editor")
    assert "奖励：已发放" in editor.get(f"/admin/reports/{first}").text
    assert "一年会员已发放" in tipster.get(first_status).text
    for report_id, status_url in later:
        page = editor.get(f"/admin/reports/{report_id}").text
        assert "confirmed" in page and "奖励：未发放" in page
        assert f"同一泄露者 365 天内已由举报 #{first} 奖励" in page
        thanks = tipster.get(status_url).text
        assert "举报属实" in thanks and "此前已有举报获得奖励" in thanks
        assert "一年会员已发放" not in thanks
    assert _paid(world, [r for r, _ in reported]) == (1, 1)
    assert (_ends(world, tipster_id) - ends).days == service.REWARD_DAYS


def test_a_second_reporter_of_the_same_leaker_is_not_paid(world: World) -> None:
    _subscriber(world, "twice-leak")
    second_id = _subscriber(world, "twice-second")
    leaker = world.client("twice-leak", address="192.0.2.90")
    first_copy = leaker.get("/materials/3/download?fmt=txt").content
    second_copy = leaker.get("/materials/6/download?fmt=docx").content
    _report(
        world.client(address="192.0.2.91"),
        contact="twice-first@example.org",
        files={"file": ("a.txt", first_copy)},
    )
    first = _pending_report_id(world)
    second_tipster = world.client("twice-second", address="192.0.2.92")
    second_status = _report(
        second_tipster,
        contact="twice-second@example.cn",
        files={"file": ("b.docx", second_copy)},
    )
    second = _pending_report_id(world)
    report_tracer.trace_pending(world.lib)
    ends = _ends(world, second_id)
    _confirm(world, first)
    _confirm(world, second)
    page = world.client("editor").get(f"/admin/reports/{second}").text
    assert "奖励：未发放" in page and f"同一泄露者 365 天内已由举报 #{first} 奖励" in page
    assert "此前已有举报获得奖励" in second_tipster.get(second_status).text
    assert _paid(world, [first]) == (1, 1) and _paid(world, [second]) == (0, 0)
    assert _ends(world, second_id) == ends


def test_reports_of_one_leaker_confirmed_at_once_pay_once(world: World) -> None:
    """Three people report the same leaker; three editors confirm the three reports at the
    same moment: one reporter is paid, the other two are told the leaker was rewarded for."""
    _subscriber(world, "crowd-leak")
    leaked = world.client("crowd-leak", address="192.0.2.100").get("/materials/3/download?fmt=txt")
    report_ids = []
    for n in range(3):
        tipster = world.client(address=f"192.0.2.{101 + n}")
        _report(tipster, contact=f"crowd{n}@example.org", files={"file": ("x.txt", leaked.content)})
        report_ids.append(_pending_report_id(world))
    report_tracer.trace_pending(world.lib)
    editors = [world.client("editor") for _ in report_ids]
    tokens = [csrf_of(e, f"/admin/reports/{r}") for e, r in zip(editors, report_ids, strict=True)]
    together = threading.Barrier(len(editors))

    def confirm(i: int):  # type: ignore[no-untyped-def]
        together.wait()
        return editors[i].post(
            f"/admin/reports/{report_ids[i]}/confirm",
            data={"csrf": tokens[i], "reason": "文件与该会员的下载副本一致"},
        )

    with ThreadPoolExecutor(len(editors)) as pool:
        assert [r.status_code for r in pool.map(confirm, range(len(editors)))] == [303] * 3
    assert _paid(world, report_ids) == (1, 1)
    pages = [world.client("editor").get(f"/admin/reports/{r}").text for r in report_ids]
    assert sum("奖励：已发放" in p for p in pages) == 1
    assert sum("365 天内已由举报 #" in p for p in pages) == 2


def test_two_reports_of_one_leak_combine_and_a_probable_result_is_for_editors_only(
    world: World,
) -> None:
    """Two tipsters each send a part of one resold copy; combined by the editor, their evidence
    is read together: at least as many sites and a bound at least as strong as either alone. A
    `probable` result is shown to editors with its bound and the advice to ask for more text,
    never to the reporter, and is never enough to suspend anyone."""
    _subscriber(world, "part-leak")
    copy = world.client("part-leak").get("/materials/4/download?fmt=txt").content.decode()
    body = "".join(copy.split("\n")[3:])
    parts = [body[300:700], body[700:1100]]
    statuses = [
        _report(world.client(address=f"192.0.2.6{i}"), contact=f"part{i}@example.org", text=part)
        for i, part in enumerate(parts)
    ]
    first = _pending_report_id(world) - 1
    ids = [first, first + 1]
    report_tracer.trace_pending(world.lib)
    alone = [service.detail(world.lib, OPERATOR, i).trace for i in ids]
    editor = world.client("editor")
    combined = editor.post(
        f"/admin/reports/{ids[0]}/combine",
        data={"csrf": csrf_of(editor, f"/admin/reports/{ids[0]}"), "others": str(ids[1])},
    )
    assert combined.status_code == 303
    report_tracer.trace_pending(world.lib)
    together = service.detail(world.lib, OPERATOR, ids[1]).trace
    assert together["combined"] == ids
    assert together["sites_read"] >= sum(int(t["sites_read"]) for t in alone) - 2  # overlaps
    best = min((float(m["bound"]) for m in together["members"]), default=1.0)
    assert best <= min((float(m["bound"]) for t in alone for m in t["members"]), default=1.0)
    assert {m["email"] for m in together["members"]} <= {"part-leak@example.cn"}
    assert "已合并" in editor.get(f"/admin/reports/{ids[0]}").text

    # A probable result (as the tracer stores one): the editor's page, the reporter's, confirm.
    named = {"email": "part-leak@example.cn", "bound": 4e-4, "verdict": "probable"}
    probable = {
        "verdict": "probable",
        "members": [{**named, "material_id": 4, "materials": [4]}],
        "materials": [
            {"id": 4, "title": "某材料", "revision": 4, "sites": 9, "sites_informative": 9}
            | {"verdict": "probable", "members": [{**named, "material_id": 4}], "layer": "text"}
        ],
        "sites_read": 9,
        "advice": "可能来源：请举报人提供更多文字后再核实；仅凭此结果不能停用账号",
    }
    with world.lib.engine.begin() as conn:
        conn.execute(
            text("UPDATE leak_reports SET trace_json = :t WHERE id = :r"),
            {"t": json.dumps(probable, ensure_ascii=False), "r": ids[0]},
        )
    page = editor.get(f"/admin/reports/{ids[0]}").text
    assert "可能来源" in page and "4.0e-04" in page and "提供更多文字" in page
    refused = editor.post(
        f"/admin/reports/{ids[0]}/confirm",
        data={"csrf": csrf_of(editor, f"/admin/reports/{ids[0]}"), "reason": "可能来源"},
    )
    assert refused.status_code == 400 and "未能认定唯一的会员" in refused.text
    for url in statuses:  # the reporter sees the status, never the trace
        shown = world.client().get(url).text
        assert "part-leak" not in shown and "可能来源" not in shown and "上界" not in shown
