"""Reseller reports: anyone reports, the platform traces, an editor decides, the reporter is
rewarded and the leaker suspended.

"举报倒卖会员资料的人，举报成功免费赠送一年会员": a report (contact + a leaked file, pasted text or
a link) is stored and answered at once, after cheap checks (sizes; `check_upload` refuses zip
bombs and the like), and traced in the background (platform/report_tracer.py). It waits for an
editor; reports of one leak may be combined and are then traced together. Confirming it suspends
the leaker (who may appeal) and credits the reporter 365 days of membership in the ledger of
membership days: one reward per leak, to the first report of that leaker confirmed (a leaker
rewarded for in the last 365 days earns no other report a year), never when the reporter is the
leaker or the same person (same account, or an address both signed up, signed in or reported
from). A reporter without an account yet gets the days when they register with that address. The
reporter sees the status of their report and never the trace: which marks or which member.
Every step is in the audit log.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from gongwen.errors import AccessError, InvalidInput, NotFound
from gongwen.ingest import uploads
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform import limits
from gongwen.platform.access import NOWHERE, Client, require_editor
from gongwen.platform.accounts import ACCOUNT_ADDRESS_ACTIONS, normalise_email
from gongwen.platform.report_tracer import TRACER
from gongwen.platform.subscriptions import extend_days
from gongwen.platform.tracing import LIMITS, MAX_FILE_BYTES, MAX_PIECES, MAX_TEXT
from gongwen.store import accounts as users
from gongwen.store import audit
from gongwen.store import reports as store
from gongwen.store.reports import ReportRow
from gongwen.util.clock import now
from gongwen.util.text import plain_text

log = logging.getLogger(__name__)

REWARD_DAYS = 365
# What one evidence file may cost: the tracer's budget (`gongwen trace` reads within it too).
UPLOAD_LIMITS = LIMITS
STATUS_NAMES = {"received": "已受理，等待审核", "confirmed": "举报属实", "rejected": "未能认定"}
_LINK = re.compile(r"^https?://\S{1,500}$")
# What a confirmed report's reporter is told when it earns no reward (never who or how).
_NOT_PAID = {
    "repeat": "感谢举报！同一泄露者此前已有举报获得奖励，本次举报已记录，不再赠送会员。",
    "": "感谢举报！本次举报不符合赠送会员的条件，如有疑问请联系管理员。",
}


@dataclass(frozen=True, slots=True)
class PublicStatus:
    """What the reporter may know: the status, the reason given, whether they were rewarded
    (and if not, a word of thanks that says why in general terms)."""

    status: str
    status_name: str
    reason: str
    rewarded: bool
    thanks: str = ""


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
    """Store a report and queue its trace; (report id, the reporter's status token)."""
    contact = plain_text("contact", contact).strip()
    text = plain_text("text", text, multiline=True).strip()
    link = plain_text("link", link).strip()
    filename = plain_text("file", filename).strip()
    data = data or None  # an empty file is no file
    if not contact or len(contact) > 200:
        raise InvalidInput("contact", "请留下联系方式（邮箱或电话，200 字以内）")
    if len(text) > MAX_TEXT:
        raise InvalidInput("text", f"粘贴的文字超过 {MAX_TEXT:,} 字")
    if link and not _LINK.match(link):
        raise InvalidInput("link", "链接须以 http:// 或 https:// 开头")
    if data is not None and len(data) > MAX_FILE_BYTES:
        raise InvalidInput("file", f"{filename}：文件超过 {MAX_FILE_BYTES // 2**20} MB")
    if not text and not link and not data:
        raise InvalidInput("text", "请上传文件、粘贴文字或给出链接")
    limits.take(lib, "report.address", client.address)
    if data is not None:
        _check_file(data, filename)
    pending = bool(data or text)
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
            trace_json="{}",
            traced_at=None if pending else now(),  # a link alone has nothing to trace
        )
        audit.record(
            conn,
            reporter.id if reporter else None,
            "report.submit",
            str(report_id),
            {
                "file": filename,
                "link": link,
                "ip": client.address,  # a reporter sending from the leaker's address is linked
            },
        )
    if pending:
        TRACER.wake(lib)
    return report_id, token


def _check_file(data: bytes, filename: str) -> None:
    """Refuse, before anything is stored, a file the tracer cannot read or whose reading would
    cost more than one upload may (a zip bomb, billion laughs, an oversized expansion): the
    cheap checks only; the text is counted while the worker reads it."""
    if _readable_within_limits(filename):
        uploads.check_upload(data, filename, UPLOAD_LIMITS)
    elif Path(filename).suffix.lower() != ".pdf":
        # A PDF is served as such, so leaked as such: its SHA-256 alone may name the copy.
        hint = "；旧版 .doc 请另存为 .docx" if filename.lower().endswith(".doc") else ""
        raise InvalidInput("file", f"{filename}：只能提交 .txt、.md、.docx 或 .pdf 文件{hint}")


def _readable_within_limits(filename: str) -> bool:
    return Path(filename).suffix.lower() in (*uploads.TEXT_SUFFIXES, uploads.DOCX_SUFFIX)


def public_status(lib: Library, token: str) -> PublicStatus:
    with lib.db.read() as conn:
        row = store.by_token(conn, hashlib.sha256(token.encode()).hexdigest())
        refused = (
            audit.details(conn, "reward.refused", str(row.id))
            if row is not None and row.status == "confirmed" and not row.rewarded
            else []
        )
    if row is None:
        raise NotFound("没有这份举报")
    reason = row.reason if row.status == "rejected" else ""
    thanks = ""
    if refused:
        kind = str(refused[-1].get("kind", ""))
        thanks = _NOT_PAID.get(kind, _NOT_PAID[""])
    return PublicStatus(row.status, STATUS_NAMES[row.status], reason, row.rewarded, thanks)


def listing(lib: Library, editor: Member) -> list[ReportRow]:
    require_editor(editor)
    with lib.db.read() as conn:
        rows = store.listing(conn)
    if any(r.tracing for r in rows):
        TRACER.wake(lib)  # left pending by an earlier process: picked up again
    return rows


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
    if row.tracing:
        TRACER.wake(lib)
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
    """Confirm a report: suspend the leaker; reward the reporter if no report of this leaker was
    rewarded in the last 365 days. The leaker is the member the trace identified, or the one the
    editor names. Returns whether a reward was granted."""
    require_editor(editor)
    reason = _reason(reason, "请写明认定理由")
    with lib.db.write() as conn:
        row = _decide(conn, report_id, "confirmed", editor)
        traced = json.loads(row.trace_json or "{}")
        leaker = _leaker(conn, row, traced, leaker_email)
        reporter_id, email = _reporter_account(conn, row)
        # The per-leaker decision and the payment under the leaker's (and the reporter's) row
        # lock: two reports of one leaker confirmed at once are decided one after the other.
        users.lock(conn, [leaker.id] + ([reporter_id] if reporter_id is not None else []))
        materials = sorted({int(m["id"]) for m in traced.get("materials", []) if m.get("id")})
        users.suspend(conn, leaker.id, f"经核实倒卖会员资料（举报 #{report_id}）；可申诉")
        audit.record(
            conn, editor.id, "user.suspend", str(leaker.id), {"report": report_id, "reason": reason}
        )
        refusal = _refusal(conn, row, reporter_id, email, leaker)
        store.update(
            conn,
            report_id,
            leaker_id=leaker.id,
            material_ids=",".join(map(str, materials)),
            reason=reason,
            rewarded=refusal is None,
        )
        audit.record(
            conn,
            editor.id,
            "report.confirm",
            str(report_id),
            {"leaker": leaker.id, "materials": materials, "reason": reason},
        )
        if refusal is None:
            _pay(conn, row, reporter_id, email, leaker, editor)
        else:
            kind, why = refusal
            audit.record(
                conn, editor.id, "reward.refused", str(report_id), {"why": why, "kind": kind}
            )
    return refusal is None


def combine(lib: Library, editor: Member, report_id: int, others: list[int]) -> list[int]:
    """Combine reports of one leak (excerpts of one resold text, sent by several people): their
    evidence is traced together (it adds up) and the verdict recomputed for each of them.
    Only reports not yet decided; returns the reports of the leak."""
    require_editor(editor)
    wanted = sorted({report_id, *others})
    if len(wanted) < 2:
        raise InvalidInput("others", "请填写要合并的其他举报编号")
    if len(wanted) > MAX_PIECES:  # the tracer's budget for one leak, before anything is read
        raise InvalidInput("others", f"一次泄露最多合并 {MAX_PIECES} 份举报")
    with lib.db.write() as conn:
        rows = {i: store.by_id(conn, i) for i in wanted}
        missing = [str(i) for i, row in rows.items() if row is None]
        if missing:
            raise InvalidInput("others", f"没有这些举报：{'、'.join(missing)}")
        decided = [
            str(i) for i, row in rows.items() if row is not None and row.status != "received"
        ]
        if decided:
            raise InvalidInput("others", f"已处理的举报不能合并：{'、'.join(decided)}")
        groups = sorted({g for i in wanted for g in store.leak_of(conn, i)})
        if len(groups) > MAX_PIECES:  # the tracer's budget for one leak
            raise InvalidInput("others", f"一次泄露最多合并 {MAX_PIECES} 份举报")
        store.combine(conn, groups[0], groups)
        audit.record(conn, editor.id, "report.combine", str(groups[0]), {"reports": groups})
    TRACER.wake(lib)
    return groups


def reject(lib: Library, editor: Member, report_id: int, reason: str) -> None:
    require_editor(editor)
    reason = _reason(reason, "请写明不予认定的理由")
    with lib.db.write() as conn:
        _decide(conn, report_id, "rejected", editor)
        store.update(conn, report_id, reason=reason)
        audit.record(conn, editor.id, "report.reject", str(report_id), {"reason": reason})


def _reason(reason: str, missing: str) -> str:
    reason = plain_text("reason", reason, multiline=True).strip()
    if not reason:
        raise InvalidInput("reason", missing)
    return reason


def _decide(conn: object, report_id: int, status: str, editor: Member) -> ReportRow:
    """Decide a received report, as the transaction's first statement.

    The compare-and-set comes first so that on SQLite it takes the write lock before anything is
    read (later reads see every decision committed before it), and on PostgreSQL the report's
    row lock: of concurrent decisions on one report exactly one proceeds."""
    if not store.decide(conn, report_id, status, editor.id):
        if store.by_id(conn, report_id) is None:
            raise NotFound(f"没有编号为 {report_id} 的举报")
        raise InvalidInput("status", "这份举报已处理")
    row = store.by_id(conn, report_id)
    assert row is not None  # decided just now, in this transaction
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
    limits.take(lib, "appeal.member", str(member.id))
    with lib.db.write() as conn:
        appeal_id = store.insert_appeal(conn, member.id, text)
        audit.record(conn, member.id, "user.appeal", str(member.id), {"appeal": appeal_id})
    return appeal_id


def apply_pending(conn: object, user_id: int, email: str) -> None:
    """Days credited to an address before it had an account are applied when it registers."""
    for ledger_id, days in store.pending_days(conn, email):
        extend_days(conn, user_id, days, "reward", None)
        store.mark_applied(conn, ledger_id, user_id)


def _leaker(conn: object, row: ReportRow, traced: dict[str, object], leaker_email: str) -> Member:
    if leaker_email:
        found = users.by_email(conn, normalise_email(leaker_email))
        if found is None:
            raise InvalidInput("leaker_email", f"没有用户 {leaker_email}")
        return found.member
    if row.tracing:
        raise InvalidInput("leaker_email", "自动溯源尚未完成：请稍后再认定，或填写泄露者的邮箱")
    # Only `identified` names a leaker: a `probable` member is never suspended on the trace.
    named = traced.get("members") or []
    sure = {
        str(m["email"])
        for m in (named if isinstance(named, list) else [])
        if m.get("verdict", traced.get("verdict")) == "identified"
    }
    if traced.get("verdict") != "identified" or len(sure) != 1:
        raise InvalidInput("leaker_email", "自动溯源未能认定唯一的会员：请核实后填写泄露者的邮箱")
    named = [{"email": sure.pop()}]
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


def _refusal(
    conn: object, row: ReportRow, reporter_id: int | None, email: str, leaker: Member
) -> tuple[str, str] | None:
    """Why this confirmed report earns no reward, as (kind, the editor's explanation); None
    when it does. Called under the leaker's row lock."""
    if reporter_id == leaker.id or (email and email == leaker.email):
        return "self", "举报人即泄露者本人"
    if reporter_id is None and not email:
        return "contact", "联系方式不是邮箱，无法发放会员（请联系管理员）"
    shared = _linked(conn, row, reporter_id, leaker)
    if shared:
        return "linked", (
            f"举报人与泄露者为关联账号（共用注册、登录或举报地址 {'、'.join(sorted(shared))}）；"
            "如确属不同的人，管理员可手动赠送"
        )
    # One reward per leak: a reseller reported by several people, or once per material, pays
    # one year, to the first report confirmed.
    earlier = store.reward_since(conn, leaker.id, now() - timedelta(days=REWARD_DAYS))
    if earlier is not None:
        return "repeat", f"同一泄露者 {REWARD_DAYS} 天内已由举报 #{earlier} 奖励"
    return None


def _linked(conn: object, row: ReportRow, reporter_id: int | None, leaker: Member) -> set[str]:
    """Addresses that tie the reporter to the leaker: the leaker signed up or signed in from
    where the reporter did, or from where the report was sent (a reseller reporting a puppet
    account to earn a free year)."""
    actors = (leaker.id,) + ((reporter_id,) if reporter_id is not None else ())
    seen = audit.addresses(conn, ACCOUNT_ADDRESS_ACTIONS, actors=actors)
    leaker_addresses = seen.get(leaker.id, set())
    sent_from = audit.addresses(conn, ("report.submit",), target=str(row.id))
    reporter_addresses = set().union(*sent_from.values()) if sent_from else set()
    if reporter_id is not None:
        reporter_addresses |= seen.get(reporter_id, set())
    return leaker_addresses & reporter_addresses


def _pay(
    conn: object,
    row: ReportRow,
    reporter_id: int | None,
    email: str,
    leaker: Member,
    editor: Member,
) -> None:
    store.insert_reward(conn, row.id, leaker.id)  # first: a second payment of it fails here
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
