"""Copies served to members: a member's copy of a revision (`MemberCopy`, made only here: their
wording at every variant site, their notice and copy id), the daily allowance copies count
against (taken before a copy is made, so none past it is ever made), and the log every copy
leaves (who, which revision, which site list marked it, the SHA-256 of what was served).

Downloads, drafts composed from borrowed paragraphs and the pages that show a whole revision
(diffs) all count and log here, so a copy never leaves unmarked or unrecorded."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from gongwen.errors import NotFound, RateLimited
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.model.member import Member
from gongwen.platform import limits
from gongwen.platform.marking import SiteList, key, sites_for, sites_version
from gongwen.store import audit, materials, traces
from gongwen.store import downloads as store
from gongwen.store.index.ranking import Passage
from gongwen.store.reads import CopyRead
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


def record_read(
    lib: Library, member_id: int, detail_ids: tuple[int, int], sites_version: str, kind: str
) -> None:
    """A copy shown to a member (`kind`: page, api, passage) or the published text shown to an
    editor (editor): kept for the next batch write of the read log, never a write of its own.
    `detail_ids`: (material, revision)."""
    material_id, revision_id = detail_ids
    lib.reads.add(lib.db, CopyRead(member_id, material_id, revision_id, sites_version, kind, now()))


def passage_copies(
    lib: Library, member: Member, material_id: int, revision_id: int, passages: list[Passage]
) -> list[str]:
    """The passages of a revision shown to a member (search results), as their copy has them:
    their wording at every site inside a passage; recorded as one read of the revision. A
    passage that is not a slice of the revision's text (a heading) has no sites."""
    listed = site_list(lib, material_id, revision_id)
    words = member_words(lib, member.id, listed)
    starts = [site.start for site in listed.sites]
    out = []
    for passage in passages:
        if passage.start is None:
            out.append(passage.text)
            continue
        begin, end = passage.start, passage.start + len(passage.text)
        first = bisect_left(starts, begin)
        parts, pos = [], begin
        for i in range(first, len(starts)):
            site = listed.sites[i]
            if site.end > end:
                break
            parts += [passage.text[pos - begin : site.start - begin], words[i]]
            pos = site.end
        parts.append(passage.text[pos - begin :])
        out.append("".join(parts))
    record_read(lib, member.id, (material_id, revision_id), listed.version, "passage")
    return out


def site_list(lib: Library, material_id: int, revision_id: int) -> SiteList:
    """A revision's site list under today's catalogue version, frozen (every copy made from it
    is read back with it); read from the database only on the process's first use."""
    found: SiteList | None = lib.caches.peek(
        lib.caches.revisions, ("trace-sites", revision_id, sites_version())
    )
    if found is not None:
        return found
    with lib.db.read() as conn:
        number = traces.revision_number(conn, revision_id)
        if number is None:
            raise NotFound(f"没有编号为 {revision_id} 的修订")
        detail = materials.detail(conn, material_id, number)
    return sites_for(lib, detail, freeze=True)


def take_read(lib: Library, member: Member, material_id: int) -> None:
    """Count one full text read against the member's reading limits (limits.py
    "reads.member"), or raise RateLimited; the first refusal of a window is audited, flagged,
    for editors (bulk reading)."""
    try:
        limits.take(lib, "reads.member", str(member.id))
    except limits.Refused as refused:
        if refused.first:
            with lib.db.write() as conn:
                audit.record(
                    conn,
                    member.id,
                    "read.refused_bulk",
                    str(material_id),
                    {"limit": refused.amount, "used": refused.used},
                    flagged=True,
                )
        raise


def flush_reads(lib: Library) -> int:
    """Write this process's waiting reads (before a leak is traced: readers are recipients)."""
    return lib.reads.flush(lib.db)


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
