"""Copies served to members: a member's copy of a revision (`MemberCopy`, made only here: their
wording at every variant site, their notice and copy id), the daily allowance copies count
against (taken before a copy is made, so none past it is ever made), and the log every copy
leaves (who, which revision, which site list marked it, the SHA-256 of what was served).

Downloads, drafts composed from borrowed paragraphs and the pages that show a whole revision
(diffs) all count and log here, so a copy never leaves unmarked or unrecorded."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from gongwen.errors import RateLimited
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.model.member import Member
from gongwen.platform import limits
from gongwen.platform.marking import SiteList, key, sites_for
from gongwen.store import audit
from gongwen.store import downloads as store
from gongwen.trace import code, mark
from gongwen.util.clock import now


@dataclass(frozen=True, slots=True)
class MemberCopy:
    """A revision as one member's copy: their wording at every site, their notice and copy
    id; `sites_version` is the catalogue version of the list it was marked with (logged with
    every copy served, so that the copy is read back with the same list)."""

    detail: MaterialDetail
    member_id: int
    sites_version: str


def member_copy(lib: Library, member: Member, detail: MaterialDetail) -> MemberCopy:
    """`detail` as `member`'s copy: their wording at every site, the visible notice, the copy id."""
    listed = sites_for(lib, detail, freeze=True)
    chosen = listed.marking.symbols(member.id)
    marked = mark.marked_detail(
        detail,
        listed.sites,
        [s.forms[c] for s, c in zip(listed.sites, chosen, strict=True)],
        mark.notice(member.email, member.id, now()),
        code.copy_id(key(lib), detail.revision_id, member.id),
    )
    return MemberCopy(marked, member.id, listed.version)


def member_words(lib: Library, member_id: int, listed: SiteList) -> tuple[str, ...]:
    """A member's wording at each site of a list (a page fills its slots with them)."""
    chosen = listed.marking.symbols(member_id)
    return tuple(s.forms[c] for s, c in zip(listed.sites, chosen, strict=True))


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
