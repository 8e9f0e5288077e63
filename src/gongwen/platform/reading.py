"""Reading a material: its page (preview for everyone, full text for readers), its revisions."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import replace

from gongwen.errors import NotEntitled, NotFound
from gongwen.library import Library
from gongwen.model.material import (
    CopyMarks,
    MaterialView,
    RevisionDiff,
    RevisionInfo,
    RevisionView,
)
from gongwen.model.member import Member
from gongwen.platform import marking, pages
from gongwen.platform.access import Viewer
from gongwen.platform.copies import (
    MemberCopy,
    allowance,
    log_copies,
    member_copy,
    member_words,
    record_read,
    site_list,
    take_read,
)
from gongwen.store import materials as store
from gongwen.store.materials import MaterialRow
from gongwen.trace import mark, zerowidth
from gongwen.util.clock import now

NOT_ENTITLED = "您的订阅不包含这份材料（订阅可读：订阅开始前3年至订阅结束期间发布的材料）"


def material_row(lib: Library, viewer: Viewer, material_id: int) -> MaterialRow:
    """The material if the viewer may see it at all (editors: always; others: published)."""
    with lib.db.read() as conn:
        row = store.material_row(conn, material_id, None if viewer.is_editor else now())
    if row is None:
        raise NotFound(f"没有编号为 {material_id} 的材料")
    return row


def revision_view(lib: Library, material_id: int, revision_id: int, number: int) -> RevisionView:
    """A revision's page data, built once per process (revisions never change)."""

    def make() -> RevisionView:
        with lib.db.read() as conn:
            detail = store.detail(conn, material_id, number)
        return pages.view_of(lib, detail, revision_id, number)

    return lib.caches.get(lib.caches.revisions, revision_id, make)


def copy_text_marks(
    lib: Library, row: MaterialRow, base: RevisionView, member: Member
) -> CopyMarks:
    """A member's copy of the revision as the API gives it: their wording at every site, the
    whole text of the copy and where its placeholders are there."""
    listed = site_list(lib, row.id, row.revision_id)
    words = member_words(lib, member.id, listed)
    moved = mark.shift(listed.sites, words)
    return CopyMarks(
        words,
        mark.put(base.text, listed.sites, words),
        tuple(replace(p, start=moved(p.start), end=moved(p.end)) for p in base.placeholders),
        _invisible(lib, member),
    )


def _invisible(lib: Library, member: Member) -> str:
    return zerowidth.encode(marking.key(lib), member.id) if lib.settings.zero_width_marks else ""


def material_view(
    lib: Library,
    viewer: Viewer,
    material_id: int,
    with_text: bool = False,
    *,
    kind: str = "page",
) -> MaterialView:
    """A material as the viewer may see it. Its full text is a copy served: a member's is their
    own copy, counted against their reading limit (RateLimited beyond) and recorded as a read
    of `kind` (page, api); an editor's is the published text, recorded too. `kind` "outline":
    the card and outline only (the revisions list), no full text, nothing counted."""
    row = material_row(lib, viewer, material_id)
    readable = viewer.can_read(row.published_at)
    shows_text = readable and kind != "outline"
    # A member reads their own copy; editors read the text as published.
    reader = viewer.member if shows_text and not viewer.is_editor else None
    marks: CopyMarks | None = None
    if reader is not None and not with_text:
        # The page: its stored template and the reader's wording (a read and a format).
        take_read(lib, reader, material_id)
        page, slots = pages.template_for(lib, row.id, row.revision_id, row.number)
        record_read(lib, reader.id, (row.id, row.revision_id), slots.version, kind)
        view = page.view
        marks = CopyMarks(
            slots.words(reader.id), invisible=_invisible(lib, reader), template=page.html
        )
    elif reader is not None:
        take_read(lib, reader, material_id)
        view = revision_view(lib, row.id, row.revision_id, row.number)
        marks = copy_text_marks(lib, row, view, reader)
        record_read(lib, reader.id, (row.id, row.revision_id), marking.sites_version(), kind)
    else:
        if shows_text and viewer.member is not None:
            record_read(lib, viewer.member.id, (row.id, row.revision_id), "", "editor")
        view = revision_view(lib, row.id, row.revision_id, row.number)
    at = now()
    with lib.db.read() as conn:
        # Only editions members can see: a draft edition's title is not for them.
        versions = store.versions(conn, row.id, None if viewer.is_editor else at)
    notice = mark.notice(reader.email, reader.id, at) if reader is not None else ""
    return MaterialView(
        row.card(readable, at), view, row.revision_count, readable, versions, notice, marks
    )


def revision_list(lib: Library, viewer: Viewer, material_id: int) -> list[RevisionInfo]:
    material_row(lib, viewer, material_id)
    with lib.db.read() as conn:
        return store.revisions(conn, material_id)


def revision_diff(lib: Library, viewer: Viewer, material_id: int, number: int) -> RevisionDiff:
    """A revision against the one before it; it shows text, so it needs read access. A member
    sees the diff of their own copies of the two revisions (their wording, which is the same
    in both wherever an edit left a site alone, so the diff shows only the edits), with their
    notice; every revision whose text it shows is a copy served: counted and logged."""
    row = material_row(lib, viewer, material_id)
    if not viewer.can_read(row.published_at):
        raise NotEntitled(NOT_ENTITLED)
    with lib.db.read() as conn:
        numbers = store.revision_numbers(conn, material_id, [number, number - 1])
    if number not in numbers:
        raise NotFound(f"材料 {material_id} 没有第 {number} 版")
    member = viewer.member if not viewer.is_editor else None
    with allowance(lib, member.id if member else None, "diff", str(material_id), len(numbers)):
        return _diff(lib, material_id, number, numbers, member)


def _diff(
    lib: Library, material_id: int, number: int, numbers: set[int], member: Member | None
) -> RevisionDiff:
    texts: dict[int, str] = {}
    notes: dict[int, str] = {}
    copies: list[MemberCopy] = []
    for n in sorted(numbers):
        with lib.db.read() as conn:
            detail = store.detail(conn, material_id, n)
            notes[n] = store.revision_texts(conn, material_id, [n])[n][1]
        if member is None:
            texts[n] = detail.text  # an editor reads the text as published
            continue
        copy = member_copy(lib, member, detail)
        copies.append(copy)
        texts[n] = copy.detail.text
    old = texts.get(number - 1, "")
    lines: list[tuple[str, str]] = []
    for line in difflib.unified_diff(
        old.splitlines(), texts[number].splitlines(), lineterm="", n=2
    ):
        if line.startswith(("---", "+++")):
            continue
        lines.append((line[0] if line[0] in "+-@" else " ", line[1:] if line[0] in "+- " else line))
    notice = mark.notice(member.email, member.id, now()) if member is not None else ""
    if member is not None:
        shown = "\n".join(f"{m}{t}" for m, t in lines).encode("utf-8")
        log_copies(lib, member, copies, "diff", hashlib.sha256(shown).hexdigest())
    previous = number - 1 if number - 1 in numbers else None
    return RevisionDiff(number, previous, notes[number], lines, notice)
