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

from sqlalchemy import and_, func, insert, or_, select

from gongwen.errors import NotEntitled, NotFound, RateLimited
from gongwen.export.render import Format, Rendered, render
from gongwen.library import Library
from gongwen.materials import MaterialDetail, SectionOut, material_detail
from gongwen.model.member import Member, Subscription
from gongwen.platform import audit
from gongwen.platform.accounts import require_member
from gongwen.platform.subscriptions import active_subscription, covers
from gongwen.search.service import Filters, SearchResult, search
from gongwen.store.platform_schema import downloads
from gongwen.store.schema import materials, paragraphs, revisions
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


def viewer_for(lib: Library, member: Member | None) -> Viewer:
    if member is None:
        return Viewer()
    return Viewer(member, active_subscription(lib, member.id))


def _visible(viewer: Viewer):  # type: ignore[no-untyped-def]
    """Published and not retired, unless the viewer edits the library."""
    if viewer.is_editor:
        return materials.c.id.is_not(None)
    return and_(materials.c.published_at.is_not(None), materials.c.published_at <= now(),
                materials.c.retired_at.is_(None))


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


def browse(lib: Library, viewer: Viewer, *, organisation_kind: str | None = None,
           doc_type: str | None = None, year: int | None = None, period: str | None = None,
           since: datetime | None = None, limit: int = 50, offset: int = 0) -> list[Card]:
    query = select(materials).where(_visible(viewer))
    for column, value in ((materials.c.organisation_kind, organisation_kind),
                          (materials.c.doc_type, doc_type), (materials.c.year, year),
                          (materials.c.period, period)):
        if value not in (None, ""):
            query = query.where(column == value)
    if since is not None:
        query = query.where(materials.c.published_at > since)
    query = query.order_by(materials.c.published_at.desc().nulls_first(), materials.c.id.desc())
    with lib.engine.connect() as conn:
        rows = conn.execute(query.limit(limit).offset(offset)).all()
    return [
        Card(r.id, r.title, r.organisation, r.organisation_kind, r.year, r.period, r.doc_type,
             aware(r.published_at), viewer.can_read(r.published_at),
             _status(r.published_at, r.retired_at))
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
                select(column).where(_visible(Viewer()), present)
                .group_by(column).order_by(func.count().desc()).limit(40)
            ).scalars()
            out[name] = [str(v) for v in values]
    return out


@dataclass(slots=True)
class MaterialView:
    card: Card
    sections: list[SectionOut]
    revision_number: int
    revisions: int
    readable: bool
    preview: str  # always set: the opening of the text, at most preview_chars
    detail: MaterialDetail | None = None  # only when readable
    placeholders: int = 0


@lru_cache(maxsize=2048)
def _detail_cached(lib: Library, material_id: int, revision_id: int, number: int) -> MaterialDetail:
    # Revisions never change, so their parsed detail can be kept per process.
    return material_detail(lib, material_id, number)


def _material_row(lib: Library, viewer: Viewer, material_id: int):  # type: ignore[no-untyped-def]
    with lib.engine.connect() as conn:
        row = conn.execute(
            select(materials, revisions.c.number)
            .join(revisions, revisions.c.id == materials.c.current_revision_id)
            .where(materials.c.id == material_id, _visible(viewer))
        ).first()
    if row is None:
        raise NotFound(f"没有编号为 {material_id} 的材料")
    return row


def preview_of(detail: MaterialDetail, chars: int) -> str:
    body = detail.text.split("\n", 1)[1] if "\n" in detail.text else detail.text
    body = body.strip()
    return body if len(body) <= chars else body[:chars] + "……"


def material_view(lib: Library, viewer: Viewer, material_id: int) -> MaterialView:
    row = _material_row(lib, viewer, material_id)
    detail = _detail_cached(lib, row.id, row.current_revision_id, row.number)
    readable = viewer.can_read(row.published_at)
    card = Card(row.id, row.title, row.organisation, row.organisation_kind, row.year, row.period,
                row.doc_type, aware(row.published_at), readable,
                _status(row.published_at, row.retired_at))
    return MaterialView(
        card, detail.sections, row.number, detail.summary.revisions, readable,
        preview_of(detail, lib.settings.preview_chars), detail if readable else None,
        len(detail.placeholders),
    )


def search_catalogue(lib: Library, viewer: Viewer, query: str, filters: Filters | None = None,
                     limit: int = 20) -> SearchResult:
    """Search; hits in materials the viewer may not read keep only what the preview shows."""
    result = search(lib, query, filters, limit=limit * 2)
    ids = {h.material_id for h in result.hits}
    with lib.engine.connect() as conn:
        rows = conn.execute(
            select(materials.c.id, materials.c.published_at, materials.c.retired_at)
            .where(materials.c.id.in_(ids), _visible(viewer))
        ).all() if ids else []
        visible = {r.id: r.published_at for r in rows}
        ends = dict(conn.execute(
            select(paragraphs.c.id, paragraphs.c.start + func.length(paragraphs.c.text))
            .where(paragraphs.c.id.in_([h.paragraph_id for h in result.hits]))
        ).all()) if result.hits else {}
    hits = []
    for h in result.hits:
        if h.material_id not in visible:
            continue  # drafts, scheduled and retired materials are not in the public catalogue
        # A reader who may not read the material sees a hit's words only when the whole
        # paragraph lies inside the preview (the title line plus preview_chars); otherwise the
        # hit shows its title and heading path alone.
        outside_preview = ends.get(h.paragraph_id, 1 << 30) > len(h.title) + 1 + lib.settings.preview_chars
        if outside_preview and not viewer.can_read(visible[h.material_id]):
            h.snippet = []
        hits.append(h)
    result.hits = hits[:limit]
    return result


def download(lib: Library, viewer: Viewer, material_id: int, fmt: Format) -> Rendered:
    """A member's copy of a material: checked, counted against the daily limit, logged."""
    member = require_member(viewer.member)
    row = _material_row(lib, viewer, material_id)
    if not viewer.can_read(row.published_at):
        raise NotEntitled("您的订阅不包含这份材料（订阅可读：订阅开始前3年至订阅结束期间发布的材料）")
    with lib.engine.begin() as conn:
        today = conn.execute(
            select(func.count()).select_from(downloads)
            .where(downloads.c.user_id == member.id, downloads.c.at >= now() - timedelta(days=1))
        ).scalar_one()
        if today >= lib.settings.daily_download_limit and not viewer.is_editor:
            audit.record(conn, member.id, "download.refused_bulk", str(material_id),
                         {"format": str(fmt), "last_24h": today}, flagged=True)
    if today >= lib.settings.daily_download_limit and not viewer.is_editor:
        raise RateLimited(
            f"24 小时内下载已达上限（{lib.settings.daily_download_limit} 份），请明天再试；如有需要请联系管理员"
        )
    detail = _detail_cached(lib, row.id, row.current_revision_id, row.number)
    rendered = render(detail, fmt)
    with lib.engine.begin() as conn:
        conn.execute(insert(downloads).values(
            user_id=member.id, material_id=material_id, revision_id=row.current_revision_id,
            format=str(fmt), at=now(),
        ))
        audit.record(conn, member.id, "download", str(material_id),
                     {"format": str(fmt), "revision": row.number})
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
            select(revisions.c.number, revisions.c.created_at, revisions.c.note,
                   revisions.c.source_file)
            .where(revisions.c.material_id == material_id).order_by(revisions.c.number.desc())
        ).all()
    return [RevisionInfo(r.number, aware(r.created_at), r.note, r.source_file) for r in rows]


def revision_diff(lib: Library, viewer: Viewer, material_id: int, number: int) -> RevisionDiff:
    """A revision against the one before it; it shows text, so it needs read access."""
    row = _material_row(lib, viewer, material_id)
    if not viewer.can_read(row.published_at):
        raise NotEntitled("您的订阅不包含这份材料")
    with lib.engine.connect() as conn:
        revs = {
            r.number: r for r in conn.execute(
                select(revisions.c.number, revisions.c.text, revisions.c.note)
                .where(revisions.c.material_id == material_id,
                       or_(revisions.c.number == number, revisions.c.number == number - 1))
            )
        }
    if number not in revs:
        raise NotFound(f"材料 {material_id} 没有第 {number} 版")
    old = revs[number - 1].text if number - 1 in revs else ""
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(old.splitlines(), revs[number].text.splitlines(),
                                     lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        lines.append((line[0] if line[0] in "+-@" else " ", line[1:] if line[0] in "+- " else line))
    return RevisionDiff(number, number - 1 if number - 1 in revs else None, revs[number].note, lines)
