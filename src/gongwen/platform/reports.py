"""Reseller reports: anyone reports, the platform traces, an editor decides, the reporter is
rewarded and the leaker suspended.

"举报倒卖会员资料的人，举报成功免费赠送一年会员": a report (contact + a leaked file, pasted text or
a link) is traced at once (platform/tracing.py) and waits for an editor. Confirming it suspends
the leaker (who may appeal) and credits the reporter 365 days of membership in the ledger of
membership days: only for the first report of that leak to be confirmed (same leaker, a
material in common), never when the reporter is the leaker or the same person (same account or address).
A reporter without an account yet gets the days when they register with that address. The
reporter sees the status of their report and never the trace: which marks or which member.
Every step is in the audit log.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from gongwen.errors import AccessError, GongwenError, InvalidInput, NotFound, RateLimited
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member
from gongwen.platform.access import NOWHERE, Client, require_editor
from gongwen.platform.accounts import normalise_email
from gongwen.platform.subscriptions import extend_days
from gongwen.platform.tracing import trace
from gongwen.store import accounts as users
from gongwen.store import audit
from gongwen.store import reports as store
from gongwen.store.reports import ReportRow
from gongwen.util.clock import now
from gongwen.util.text import plain_text

REWARD_DAYS = 365
MAX_FILE_BYTES = 20 * 2**20
MAX_TEXT = 200_000
REPORTS_PER_HOUR_PER_ADDRESS = 5
STATUS_NAMES = {"received": "已受理，等待审核", "confirmed": "举报属实", "rejected": "未能认定"}
_LINK = re.compile(r"^https?://\S{1,500}$")


@dataclass(frozen=True, slots=True)
class PublicStatus:
    """What the reporter may know: the status, the reason given, whether they were rewarded."""

    status: str
    status_name: str
    reason: str
    rewarded: bool


def submit(
    lib: Library,
    *,
    contact: str,
    text: str = "",
    link: str = "",
    data: bytes | None = None,
    filename: str = "",
    reporter: Member | None = None,
    client: Client = NOWHERE,
) -> tuple[int, str]:
    """Store a report and trace its evidence; (report id, the reporter's status token)."""
    contact = plain_text("contact", contact).strip()
    text = plain_text("text", text, multiline=True).strip()
    link = plain_text("link", link).strip()
    if not contact or len(contact) > 200:
        raise InvalidInput("contact", "请留下联系方式（邮箱或电话，200 字以内）")
    if len(text) > MAX_TEXT:
        raise InvalidInput("text", f"粘贴的文字超过 {MAX_TEXT:,} 字")
    if link and not _LINK.match(link):
        raise InvalidInput("link", "链接须以 http:// 或 https:// 开头")
    if data is not None and len(data) > MAX_FILE_BYTES:
        raise InvalidInput("file", f"{filename}: 文件超过 {MAX_FILE_BYTES // 2**20} MB")
    if not text and not link and not data:
        raise InvalidInput("text", "请上传文件、粘贴文字或给出链接")
    if client.address and not lib.limiter.hit(
        "leak-report", client.address, REPORTS_PER_HOUR_PER_ADDRESS, "hour"
    ):
        raise RateLimited("举报提交过于频繁，请稍后再试")
    try:
        result = (
            trace(lib, OPERATOR, data=data, filename=filename, text=text)
            if (data or text)
            else None
        )
        traced = result.as_json() if result else {}
    except GongwenError as err:  # an unreadable file: kept as evidence, traced by hand
        traced = {"error": getattr(err, "reason", "") or str(err)}
    token = secrets.token_urlsafe(24)
    with lib.db.write() as conn:
        report_id = store.insert(
            conn,
            hashlib.sha256(token.encode()).hexdigest(),
            contact=contact,
            reporter_id=reporter.id if reporter else None,
            evidence_text=text,
            evidence_link=link,
            evidence_file=data,
            evidence_filename=filename,
            trace_json=json.dumps(traced, ensure_ascii=False),
        )
        audit.record(
            conn,
            reporter.id if reporter else None,
            "report.submit",
            str(report_id),
            {
                "verdict": traced.get("verdict", ""),
                "file": filename,
                "link": link,
                "ip": client.address,  # a reporter sending from the leaker's address is linked
            },
        )
    return report_id, token


def public_status(lib: Library, token: str) -> PublicStatus:
    with lib.db.read() as conn:
        row = store.by_token(conn, hashlib.sha256(token.encode()).hexdigest())
    if row is None:
        raise NotFound("没有这份举报")
    reason = row.reason if row.status == "rejected" else ""
    return PublicStatus(row.status, STATUS_NAMES[row.status], reason, row.rewarded)


def listing(lib: Library, editor: Member) -> list[ReportRow]:
    require_editor(editor)
    with lib.db.read() as conn:
        return store.listing(conn)


@dataclass(frozen=True, slots=True)
class ReportView:
    report: ReportRow
    trace: dict[str, object]
    appeals: list[tuple[int, int, str, datetime]]
    leaker_email: str
    reward_refused: str = ""  # why no reward was granted on confirmation


def detail(lib: Library, editor: Member, report_id: int) -> ReportView:
    require_editor(editor)
    with lib.db.read() as conn:
        row = store.by_id(conn, report_id)
        if row is None:
            raise NotFound(f"没有编号为 {report_id} 的举报")
        appeals = store.appeals(conn, [row.leaker_id] if row.leaker_id else [])
        leaker = users.by_id(conn, row.leaker_id) if row.leaker_id else None
        refused = audit.details(conn, "reward.refused", str(report_id))
    return ReportView(
        row,
        json.loads(row.trace_json or "{}"),
        appeals,
        leaker.member.email if leaker else "",
        str(refused[-1].get("why", "")) if refused else "",
    )


def confirm(
    lib: Library, editor: Member, report_id: int, reason: str, leaker_email: str = ""
) -> bool:
    """Confirm a report: suspend the leaker, reward the reporter if this is the first valid
    report of the leak. The leaker is the member the trace identified, or the one the editor
    names. Returns whether a reward was granted."""
    require_editor(editor)
    reason = _reason(reason, "请写明认定理由")
    with lib.db.write() as conn:
        row = _pending(conn, report_id)
        traced = json.loads(row.trace_json or "{}")
        leaker = _leaker(conn, traced, leaker_email)
        materials = sorted({int(m["id"]) for m in traced.get("materials", []) if m.get("id")})
        users.suspend(conn, leaker.id, f"经核实倒卖会员资料（举报 #{report_id}）；可申诉")
        audit.record(
            conn, editor.id, "user.suspend", str(leaker.id), {"report": report_id, "reason": reason}
        )
        reward, why = _reward_decision(conn, row, leaker, materials)
        store.update(
            conn,
            report_id,
            status="confirmed",
            leaker_id=leaker.id,
            material_ids=",".join(map(str, materials)),
            reason=reason,
            rewarded=reward,
            decided_by=editor.id,
            decided_at=now(),
        )
        audit.record(
            conn,
            editor.id,
            "report.confirm",
            str(report_id),
            {"leaker": leaker.id, "materials": materials, "reason": reason},
        )
        if reward:
            _pay(conn, row, editor)
        else:
            audit.record(conn, editor.id, "reward.refused", str(report_id), {"why": why})
    return reward


def reject(lib: Library, editor: Member, report_id: int, reason: str) -> None:
    require_editor(editor)
    reason = _reason(reason, "请写明不予认定的理由")
    with lib.db.write() as conn:
        _pending(conn, report_id)
        store.update(
            conn,
            report_id,
            status="rejected",
            reason=reason,
            decided_by=editor.id,
            decided_at=now(),
        )
        audit.record(conn, editor.id, "report.reject", str(report_id), {"reason": reason})


def _reason(reason: str, missing: str) -> str:
    reason = plain_text("reason", reason, multiline=True).strip()
    if not reason:
        raise InvalidInput("reason", missing)
    return reason


def _pending(conn: object, report_id: int) -> ReportRow:
    """The report, if it exists and has not been decided yet."""
    row = store.by_id(conn, report_id)
    if row is None:
        raise NotFound(f"没有编号为 {report_id} 的举报")
    if row.status != "received":
        raise InvalidInput("status", "这份举报已处理")
    return row


def appeal(lib: Library, email: str, password: str, text: str, client: Client = NOWHERE) -> int:
    """A suspended member's appeal, signed with their password (they cannot log in)."""
    from gongwen.platform.accounts import check_password

    text = plain_text("text", text, multiline=True).strip()
    if not text or len(text) > 5000:
        raise InvalidInput("text", "请写明申诉理由（5000 字以内）")
    member = check_password(lib, email, password, client)
    if not member.suspended:
        raise AccessError("账号未被停用，无需申诉")
    with lib.db.write() as conn:
        appeal_id = store.insert_appeal(conn, member.id, text)
        audit.record(conn, member.id, "user.appeal", str(member.id), {"appeal": appeal_id})
    return appeal_id


def apply_pending(conn: object, user_id: int, email: str) -> None:
    """Days credited to an address before it had an account are applied when it registers."""
    for ledger_id, days in store.pending_days(conn, email):
        extend_days(conn, user_id, days, "reward", None)
        store.mark_applied(conn, ledger_id, user_id)


def _leaker(conn: object, traced: dict[str, object], leaker_email: str) -> Member:
    if leaker_email:
        found = users.by_email(conn, normalise_email(leaker_email))
        if found is None:
            raise InvalidInput("leaker_email", f"没有用户 {leaker_email}")
        return found.member
    named = traced.get("members") or []
    if traced.get("verdict") != "identified" or not isinstance(named, list) or len(named) != 1:
        raise InvalidInput("leaker_email", "自动溯源未能认定唯一的会员：请核实后填写泄露者的邮箱")
    found = users.by_email(conn, str(named[0]["email"]))
    if found is None:
        raise InvalidInput("leaker_email", "溯源认定的会员已不存在")
    return found.member


def _reporter_account(conn: object, row: ReportRow) -> tuple[int | None, str]:
    """The reporter's account (their session, else an account with the contact address) and
    their address."""
    email = normalise_email(row.contact) if "@" in row.contact else ""
    if row.reporter_id is not None:
        found = users.by_id(conn, row.reporter_id)
        return row.reporter_id, found.member.email if found else email
    if email:
        found = users.by_email(conn, email)
        if found is not None:
            return found.member.id, email
    return None, email


def _reward_decision(
    conn: object, row: ReportRow, leaker: Member, materials: list[int]
) -> tuple[bool, str]:
    reporter_id, email = _reporter_account(conn, row)
    if reporter_id == leaker.id or (email and email == leaker.email):
        return False, "举报人即泄露者本人"
    if reporter_id is None and not email:
        return False, "联系方式不是邮箱，无法发放会员（请联系管理员）"
    shared = _linked(conn, row, reporter_id, leaker)
    if shared:
        return False, (
            f"举报人与泄露者为关联账号（共用登录地址 {'、'.join(sorted(shared))}）；"
            "如确属不同的人，管理员可手动赠送"
        )
    # The first report confirmed wins (editors review in order of arrival).
    for earlier in store.confirmed_for(conn, leaker.id, row.id):
        shared = set(earlier.material_ids.split(",")) & {str(m) for m in materials}
        if shared or not materials:
            return False, f"同一泄露已由举报 #{earlier.id} 认定在先"
    return True, ""


def _linked(conn: object, row: ReportRow, reporter_id: int | None, leaker: Member) -> set[str]:
    """Addresses that tie the reporter to the leaker: the leaker signed in from where the
    reporter signs in, or from where the report was sent (a reseller reporting a puppet
    account to earn a free year)."""
    actors = (leaker.id,) + ((reporter_id,) if reporter_id is not None else ())
    logins = audit.addresses(conn, ("login",), actors=actors)
    leaker_addresses = logins.get(leaker.id, set())
    sent_from = audit.addresses(conn, ("report.submit",), target=str(row.id))
    reporter_addresses = set().union(*sent_from.values()) if sent_from else set()
    if reporter_id is not None:
        reporter_addresses |= logins.get(reporter_id, set())
    return leaker_addresses & reporter_addresses


def _pay(conn: object, row: ReportRow, editor: Member) -> None:
    reporter_id, email = _reporter_account(conn, row)
    ledger_id = store.credit_days(
        conn, reporter_id, email, REWARD_DAYS, f"举报 #{row.id} 属实", row.id
    )
    if reporter_id is not None:
        extend_days(conn, reporter_id, REWARD_DAYS, "reward", editor.id)
        store.mark_applied(conn, ledger_id, reporter_id)
    audit.record(
        conn,
        editor.id,
        "reward.grant",
        str(row.id),
        {"days": REWARD_DAYS, "member": reporter_id, "pending_for": "" if reporter_id else email},
    )
