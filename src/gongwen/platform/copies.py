"""Copies served to members: the daily allowance they count against, and the log every copy
leaves (who, which revision, which site list marked it, the SHA-256 of what was served).

Downloads, drafts composed from borrowed paragraphs and the pages that show a whole revision
(diffs) all count and log here, so a copy never leaves unmarked or unrecorded."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from gongwen.errors import RateLimited
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform.tracing import MemberCopy
from gongwen.store import audit
from gongwen.store import downloads as store
from gongwen.util.clock import now


def check_daily_limit(
    lib: Library, member_id: int, kind: str, target: str = "", count: int = 1
) -> None:
    """RateLimited (and a flagged audit entry) when `count` more copies would take the
    member past their day's allowance."""
    limit = lib.settings.daily_download_limit
    with lib.db.read() as conn:
        today = store.count_since(conn, member_id, now() - timedelta(days=1))
    if today + count > limit:
        with lib.db.write() as conn:
            audit.record(
                conn,
                member_id,
                "download.refused_bulk",
                target,
                {"format": kind, "last_24h": today, "asked": count},
                flagged=True,
            )
        left = max(0, limit - today)
        more = f"；本次需要 {count} 份，今天还可取 {left} 份" if count > 1 else ""
        raise RateLimited(
            f"24 小时内下载已达上限（{limit} 份）{more}，请明天再试；如有需要请联系管理员"
        )


def log_copies(
    lib: Library, member: Member, copies: Sequence[MemberCopy], kind: str, sha256: str
) -> None:
    """One log line per copy served (a draft or a diff holds several), all with the SHA-256
    of what the member received."""
    with lib.db.write() as conn:
        for copy in copies:
            detail = copy.detail
            store.insert(
                conn,
                member.id,
                detail.summary.id,
                detail.revision_id,
                kind,
                sha256,
                copy.sites_version,
            )
