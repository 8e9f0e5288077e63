"""Copies served to members: the daily allowance they count against (taken before a copy is
made, so none past it is ever made), and the log every copy leaves (who, which revision, which
site list marked it, the SHA-256 of what was served).

Downloads, drafts composed from borrowed paragraphs and the pages that show a whole revision
(diffs) all count and log here, so a copy never leaves unmarked or unrecorded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from gongwen.errors import RateLimited
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform import limits
from gongwen.platform.tracing import MemberCopy
from gongwen.store import audit
from gongwen.store import downloads as store


@contextmanager
def allowance(
    lib: Library, member_id: int | None, kind: str, target: str = "", count: int = 1
) -> Iterator[None]:
    """Take `count` copies from the member's day before they are made, and give them back if
    making them fails; RateLimited (and a flagged audit entry, once a day) when they would
    take the member past it. No member id (an editor): nothing is counted."""
    if member_id is None:
        yield
        return
    try:
        taken = limits.take(lib, "copies.day", str(member_id), count)
    except limits.Refused as refused:
        if refused.first:
            with lib.db.write() as conn:
                audit.record(
                    conn,
                    member_id,
                    "download.refused_bulk",
                    target,
                    {"format": kind, "last_24h": refused.used, "asked": count},
                    flagged=True,
                )
        more = f"；本次需要 {count} 份，今天还可取 {refused.left} 份" if count > 1 else ""
        raise RateLimited(
            f"24 小时内下载已达上限（{refused.amount} 份）{more}，请明天再试；如有需要请联系管理员"
        ) from None
    try:
        yield
    except BaseException:
        limits.give_back(lib, taken)
        raise


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
