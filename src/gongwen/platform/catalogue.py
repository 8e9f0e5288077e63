"""The catalogue as a viewer sees it: previews for everyone, full text for covered members.

Every answer that carries material text goes through `Viewer.can_read`; search snippets and API
results for a material the viewer may not read never show more than its preview, so the full
text cannot be rebuilt query by query.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import TypedDict

from sqlalchemy import and_, bindparam, func, insert, or_, select

from gongwen.errors import NotEntitled, NotFound, RateLimited
from gongwen.export.render import Format, Rendered, render
from gongwen.library import Library
from gongwen.materials import MaterialDetail, SectionOut, body_blocks, material_detail
from gongwen.model.member import Member, Subscription
from gongwen.platform import audit
from gongwen.platform.accounts import member_from_row, require_member, token_hash
from gongwen.platform.subscriptions import active_subscription, covers
from gongwen.search.service import Filters, SearchResult, search
from gongwen.store.platform_schema import downloads, sessions, subscriptions, users
from gongwen.store.schema import materials, revisions
from gongwen.util.clock import aware, now


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: nobody, or a member with (maybe) an active subscription."""

    member: Member | None = None
    subscription: Subscription | None = None

    @property
    def is_editor(self) -> bool:
        return self.member is not None and self.member.is_editor

    def can_read(self, published_at: datetime | None) -> bool:
        if self.member is None or self.member.suspended:
            return False
        if self.is_editor:
            return True
        return covers(self.subscription, aware(published_at))


_SESSION_VIEWER = (
    select(
        users,
        sessions.c.csrf_token,
        sessions.c.expires_at,
        subscriptions.c.id.label("sub_id"),
        subscriptions.c.plan,
        subscriptions.c.starts_at,
        subscriptions.c.ends_at,
        subscriptions.c.source,
    )
    .select_from(
        sessions.join(users, users.c.id == sessions.c.user_id).outerjoin(
            subscriptions,
            and_(
                subscriptions.c.user_id == users.c.id,
                subscriptions.c.revoked_at.is_(None),
                subscriptions.c.starts_at <= bindparam("at"),
                subscriptions.c.ends_at > bindparam("at"),
            ),
        )
    )
    .where(sessions.c.token_hash == bindparam("token_hash"))
    .order_by(subscriptions.c.ends_at.desc())
    .limit(1)
)


def viewer_for_session(lib: Library, token: str | None) -> tuple[Viewer, str] | None:
    """(viewer, CSRF token) for a session cookie in one query, or None if it is not valid."""
    if not token:
        return None
    moment = now()
    with lib.engine.connect() as conn:
        row = conn.execute(_SESSION_VIEWER, {"token_hash": token_hash(token), "at": moment}).first()
    if row is None or aware(row.expires_at) < moment or row.suspended_at is not None:  # type: ignore[operator]
        return None
    subscription = None
    if row.sub_id is not None:
        subscription = Subscription(
            row.sub_id,
            row.id,
            row.plan,
            aware(row.starts_at),  # type: ignore[arg-type]
            aware(row.ends_at),
            row.source,
        )  # type: ignore[arg-type]
    return Viewer(member_from_row(row), subscription), row.csrf_token


def viewer_for(lib: Library, member: Member | None) -> Viewer:
    if member is None:
        return Viewer()
    return Viewer(member, active_subscription(lib, member.id))


def _visible(viewer: Viewer):  # type: ignore[no-untyped-def]
    """Published and not retired, unless the viewer edits the library."""
    if viewer.is_editor:
        return materials.c.id.is_not(None)
    return and_(
        materials.c.published_at.is_not(None),
        materials.c.published_at <= now(),
        materials.c.retired_at.is_(None),
    )


@dataclass(slots=True)
class Card:
    id: int
    title: str
    organisation: str
    organisation_kind: str
    year: int | None
    period: str
    doc_type: str
    published_at: datetime | None
    readable: bool
    status: str  # published | scheduled | draft | retired


def _status(published_at: datetime | None, retired_at: datetime | None) -> str:
    if retired_at is not None:
        return "retired"
    if published_at is None:
        return "draft"
    return "scheduled" if aware(published_at) > now() else "published"  # type: ignore[operator]


class BrowseFilters(TypedDict):
    organisation_kind: str | None
    doc_type: str | None
    year: int | None
    period: str | None


def browse(
    lib: Library,
    viewer: Viewer,
    *,
    organisation_kind: str | None = None,
    doc_type: str | None = None,
    year: int | None = None,
    period: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Card]:
    query = select(materials).where(_visible(viewer))
    for column, value in (
        (materials.c.organisation_kind, organisation_kind),
        (materials.c.doc_type, doc_type),
        (materials.c.year, year),
        (materials.c.period, period),
    ):
        if value not in (None, ""):
            query = query.where(column == value)
    if since is not None:
        query = query.where(materials.c.published_at > since)
    query = query.order_by(materials.c.published_at.desc().nulls_first(), materials.c.id.desc())
    with lib.engine.connect() as conn:
        rows = conn.execute(query.limit(limit).offset(offset)).all()
    return [
        Card(
            r.id,
            r.title,
            r.organisation,
            r.organisation_kind,
            r.year,
            r.period,
            r.doc_type,
            aware(r.published_at),
            viewer.can_read(r.published_at),
            _status(r.published_at, r.retired_at),
        )
        for r in rows
    ]


_FACETS_TTL_S = 60.0
_facets_cache: dict[int, tuple[float, dict[str, list[str]]]] = {}


def facets(lib: Library) -> dict[str, list[str]]:
    """Values to browse by, from what is published (kept a minute: every page shows them)."""
    import time

    cached = _facets_cache.get(id(lib))
    if cached is not None and time.monotonic() - cached[0] < _FACETS_TTL_S:
        return cached[1]
    out = _facet_values(lib)
    _facets_cache[id(lib)] = (time.monotonic(), out)
    return out


def _facet_values(lib: Library) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    with lib.engine.connect() as conn:
        for name in ("organisation_kind", "doc_type", "year", "period"):
            column = materials.c[name]
            present = column.is_not(None) if name == "year" else column != ""
            values = conn.execute(
                select(column)
                .where(_visible(Viewer()), present)
                .group_by(column)
                .order_by(func.count().desc())
                .limit(40)
            ).scalars()
            out[name] = [str(v) for v in values]
    return out


@dataclass(frozen=True, slots=True)
class RevisionView:
    """What pages show of one revision, in flat tuples: revisions never change, so this is kept
    per process, and tuples of strings cost the garbage collector nothing."""

    revision_id: int
    number: int
    sections: tuple[SectionOut, ...]
    blocks: tuple[tuple[str, int, str], ...]  # ("heading" | "paragraph", level, text)
    text: str
    preview: str
    placeholders: tuple[tuple[str, int, int, str, str], ...]  # text, start, end, label, unit


@dataclass(slots=True)
class MaterialView:
    card: Card
    revision: RevisionView
    revisions: int
    readable: bool

    @property
    def sections(self) -> tuple[SectionOut, ...]:
        return self.revision.sections

    @property
    def revision_number(self) -> int:
        return self.revision.number

    @property
    def preview(self) -> str:
        """The opening of the text, at most preview_chars: everyone sees this."""
        return self.revision.preview


@lru_cache(maxsize=8192)
def _revision_view(lib: Library, material_id: int, revision_id: int, number: int) -> RevisionView:
    detail = material_detail(lib, material_id, number)
    return RevisionView(
        revision_id,
        number,
        tuple(detail.sections),
        tuple(body_blocks(detail)),
        detail.text,
        preview_of(detail, lib.settings.preview_chars),
        tuple((p.text, p.start, p.end, p.label, p.unit) for p in detail.placeholders),
    )


_all_revisions = revisions.alias("all_revisions")
_MATERIAL_ROW = (
    select(
        materials,
        revisions.c.number,
        select(func.count())
        .select_from(_all_revisions)
        .where(_all_revisions.c.material_id == materials.c.id)
        .scalar_subquery()
        .label("revision_count"),
    )
    .join(revisions, revisions.c.id == materials.c.current_revision_id)
    .where(materials.c.id == bindparam("material_id"))
)


def _material_row(lib: Library, viewer: Viewer, material_id: int):  # type: ignore[no-untyped-def]
    with lib.engine.connect() as conn:
        row = conn.execute(_MATERIAL_ROW, {"material_id": material_id}).first()
    if row is None or (
        not viewer.is_editor and _status(row.published_at, row.retired_at) != "published"
    ):
        raise NotFound(f"没有编号为 {material_id} 的材料")
    return row


def preview_of(detail: MaterialDetail, chars: int) -> str:
    body = detail.text.split("\n", 1)[1] if "\n" in detail.text else detail.text
    body = body.strip()
    return body if len(body) <= chars else body[:chars] + "……"


def material_view(lib: Library, viewer: Viewer, material_id: int) -> MaterialView:
    row = _material_row(lib, viewer, material_id)
    readable = viewer.can_read(row.published_at)
    card = Card(
        row.id,
        row.title,
        row.organisation,
        row.organisation_kind,
        row.year,
        row.period,
        row.doc_type,
        aware(row.published_at),
        readable,
        _status(row.published_at, row.retired_at),
    )
    view = _revision_view(lib, row.id, row.current_revision_id, row.number)
    return MaterialView(card, view, row.revision_count, readable)


def search_catalogue(
    lib: Library, viewer: Viewer, query: str, filters: Filters | None = None, limit: int = 20
) -> SearchResult:
    """Search; hits in materials the viewer may not read keep only what the preview shows."""
    # Drafts, scheduled and retired materials are not in the public catalogue.
    result = search(
        lib, query, filters, limit=limit, visible_at=None if viewer.is_editor else now()
    )
    if not result.hits or viewer.is_editor:
        return result
    with lib.engine.connect() as conn:
        published = dict(
            conn.execute(
                select(materials.c.id, materials.c.published_at).where(
                    materials.c.id.in_({h.material_id for h in result.hits})
                )
            ).all()
        )
    preview_end = lib.settings.preview_chars + 1
    for h in result.hits:
        # A reader who may not read the material sees a hit's words only when the whole
        # paragraph lies inside the preview (the title line plus preview_chars); otherwise
        # the hit shows its title and heading path alone.
        if h.end > len(h.title) + preview_end and not viewer.can_read(published[h.material_id]):
            h.snippet = []
    return result


def download(lib: Library, viewer: Viewer, material_id: int, fmt: Format) -> Rendered:
    """A member's copy of a material: checked, counted against the daily limit, logged."""
    member = require_member(viewer.member)
    row = _material_row(lib, viewer, material_id)
    if not viewer.can_read(row.published_at):
        raise NotEntitled(
            "您的订阅不包含这份材料（订阅可读：订阅开始前3年至订阅结束期间发布的材料）"
        )
    with lib.engine.begin() as conn:
        today = conn.execute(
            select(func.count())
            .select_from(downloads)
            .where(downloads.c.user_id == member.id, downloads.c.at >= now() - timedelta(days=1))
        ).scalar_one()
        if today >= lib.settings.daily_download_limit and not viewer.is_editor:
            audit.record(
                conn,
                member.id,
                "download.refused_bulk",
                str(material_id),
                {"format": str(fmt), "last_24h": today},
                flagged=True,
            )
    if today >= lib.settings.daily_download_limit and not viewer.is_editor:
        raise RateLimited(
            f"24 小时内下载已达上限（{lib.settings.daily_download_limit} 份），请明天再试；如有需要请联系管理员"
        )
    rendered = render(material_detail(lib, row.id, row.number), fmt)
    with lib.engine.begin() as conn:
        conn.execute(
            insert(downloads).values(
                user_id=member.id,
                material_id=material_id,
                revision_id=row.current_revision_id,
                format=str(fmt),
                at=now(),
            )
        )
        audit.record(
            conn,
            member.id,
            "download",
            str(material_id),
            {"format": str(fmt), "revision": row.number},
        )
    return rendered


@dataclass(slots=True)
class RevisionInfo:
    number: int
    created_at: datetime | None
    note: str
    source_file: str


@dataclass(slots=True)
class RevisionDiff:
    number: int
    previous: int | None
    note: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (" " | "+" | "-" | "@", text)


def revision_list(lib: Library, viewer: Viewer, material_id: int) -> list[RevisionInfo]:
    _material_row(lib, viewer, material_id)
    with lib.engine.connect() as conn:
        rows = conn.execute(
            select(
                revisions.c.number,
                revisions.c.created_at,
                revisions.c.note,
                revisions.c.source_file,
            )
            .where(revisions.c.material_id == material_id)
            .order_by(revisions.c.number.desc())
        ).all()
    return [RevisionInfo(r.number, aware(r.created_at), r.note, r.source_file) for r in rows]


def revision_diff(lib: Library, viewer: Viewer, material_id: int, number: int) -> RevisionDiff:
    """A revision against the one before it; it shows text, so it needs read access."""
    row = _material_row(lib, viewer, material_id)
    if not viewer.can_read(row.published_at):
        raise NotEntitled("您的订阅不包含这份材料")
    with lib.engine.connect() as conn:
        revs = {
            r.number: r
            for r in conn.execute(
                select(revisions.c.number, revisions.c.text, revisions.c.note).where(
                    revisions.c.material_id == material_id,
                    or_(revisions.c.number == number, revisions.c.number == number - 1),
                )
            )
        }
    if number not in revs:
        raise NotFound(f"材料 {material_id} 没有第 {number} 版")
    old = revs[number - 1].text if number - 1 in revs else ""
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(
        old.splitlines(), revs[number].text.splitlines(), lineterm="", n=2
    ):
        if line.startswith(("---", "+++")):
            continue
        lines.append((line[0] if line[0] in "+-@" else " ", line[1:] if line[0] in "+- " else line))
    return RevisionDiff(
        number, number - 1 if number - 1 in revs else None, revs[number].note, lines
    )
