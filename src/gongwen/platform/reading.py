"""Reading a material: its page (preview for everyone, full text for readers), its revisions."""

from __future__ import annotations

import difflib

from gongwen.errors import NotEntitled, NotFound
from gongwen.library import Library
from gongwen.model.material import (
    MaterialView,
    RevisionDiff,
    RevisionInfo,
    RevisionView,
    body_blocks,
    preview_of,
)
from gongwen.model.member import Member
from gongwen.platform import tracing
from gongwen.platform.access import Viewer
from gongwen.store import materials as store
from gongwen.store.materials import MaterialRow
from gongwen.trace import mark
from gongwen.util.clock import now

NOT_ENTITLED = "您的订阅不包含这份材料（订阅可读：订阅开始前3年至订阅结束期间发布的材料）"


def material_row(lib: Library, viewer: Viewer, material_id: int) -> MaterialRow:
    """The material if the viewer may see it at all (editors: always; others: published)."""
    with lib.db.read() as conn:
        row = store.material_row(conn, material_id, None if viewer.is_editor else now())
    if row is None:
        raise NotFound(f"没有编号为 {material_id} 的材料")
    return row


def revision_view(
    lib: Library, material_id: int, revision_id: int, number: int, member: Member | None = None
) -> RevisionView:
    """A revision's page data, built once per process (revisions never change); with `member`,
    that member's copy (their wording at every variant site: text copied from the page is
    traced like a download)."""

    def make() -> RevisionView:
        with lib.db.read() as conn:
            detail = store.detail(conn, material_id, number)
        if member is not None:
            detail = tracing.member_copy(lib, member, detail)
        return RevisionView(
            revision_id,
            number,
            tuple(detail.sections),
            tuple(body_blocks(detail)),
            detail.text,
            preview_of(detail.text, lib.settings.preview_chars),
            tuple(detail.placeholders),
            member.id if member is not None else 0,
        )

    key = revision_id if member is None else ("copy", revision_id, member.id)
    return lib.caches.get(lib.caches.revisions, key, make)


def material_view(lib: Library, viewer: Viewer, material_id: int) -> MaterialView:
    row = material_row(lib, viewer, material_id)
    readable = viewer.can_read(row.published_at)
    # A member reads their own copy; editors read the text as published.
    reader = viewer.member if readable and not viewer.is_editor else None
    view = revision_view(lib, row.id, row.revision_id, row.number, reader)
    at = now()
    with lib.db.read() as conn:
        # Only editions members can see: a draft edition's title is not for them.
        versions = store.versions(conn, row.id, None if viewer.is_editor else at)
    notice = mark.notice(reader.email, reader.id, at) if reader is not None else ""
    return MaterialView(
        row.card(readable, at), view, row.revision_count, readable, versions, notice
    )


def revision_list(lib: Library, viewer: Viewer, material_id: int) -> list[RevisionInfo]:
    material_row(lib, viewer, material_id)
    with lib.db.read() as conn:
        return store.revisions(conn, material_id)


def revision_diff(lib: Library, viewer: Viewer, material_id: int, number: int) -> RevisionDiff:
    """A revision against the one before it; it shows text, so it needs read access."""
    row = material_row(lib, viewer, material_id)
    if not viewer.can_read(row.published_at):
        raise NotEntitled(NOT_ENTITLED)
    with lib.db.read() as conn:
        revs = store.revision_texts(conn, material_id, [number, number - 1])
    if number not in revs:
        raise NotFound(f"材料 {material_id} 没有第 {number} 版")
    old = revs[number - 1][0] if number - 1 in revs else ""
    new, note = revs[number]
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        lines.append((line[0] if line[0] in "+-@" else " ", line[1:] if line[0] in "+- " else line))
    return RevisionDiff(number, number - 1 if number - 1 in revs else None, note, lines)
