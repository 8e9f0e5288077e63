"""Material requests: members ask, others upvote, editors plan and answer them."""

from __future__ import annotations

from gongwen.errors import InvalidInput, NotFound
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.model.platform import MaterialRequest
from gongwen.platform.access import Viewer, require_editor, require_member
from gongwen.store import audit, events
from gongwen.store import materials as materials_store
from gongwen.store import requests as store
from gongwen.util.clock import now
from gongwen.util.text import plain_text

STATUSES = {"open": "待处理", "planned": "已排期", "done": "已完成"}


def post(lib: Library, member: Member, title: str, body: str = "") -> int:
    require_member(member)
    title = plain_text("title", title).strip()
    body = plain_text("body", body, multiline=True)
    if not 4 <= len(title) <= 100:
        raise InvalidInput("title", "需求标题须为 4 到 100 个字")
    with lib.db.write() as conn:
        request_id = store.insert(conn, member.id, title, body.strip()[:2000])
        audit.record(conn, member.id, "request.post", str(request_id), {"title": title})
    return request_id


def toggle_vote(lib: Library, member: Member, request_id: int) -> bool:
    """Vote for a request, or take the vote back; True when the member now votes for it."""
    require_member(member)
    with lib.db.write() as conn:
        if store.get(conn, request_id) is None:
            raise NotFound(f"没有编号为 {request_id} 的需求")
        return store.toggle_vote(conn, request_id, member.id)


def listing(lib: Library, viewer: Viewer, status: str | None = None) -> list[MaterialRequest]:
    """The requests board. A linked material is shown only if the viewer may see it."""
    member = viewer.member
    with lib.db.read() as conn:
        return store.listing(
            conn, member.id if member else None, None if viewer.is_editor else now(), status
        )


def set_status(
    lib: Library, editor: Member, request_id: int, status: str, material_id: int | None = None
) -> None:
    """Mark a request planned or done (linking the material that answers it); tell its voters."""
    require_editor(editor)
    if status not in STATUSES:
        raise InvalidInput("status", f"状态只能是 {', '.join(STATUSES)}")
    with lib.db.write() as conn:
        found = store.get(conn, request_id)
        if found is None:
            raise NotFound(f"没有编号为 {request_id} 的需求")
        title, author_id = found
        if material_id is not None and materials_store.title(conn, material_id) is None:
            raise InvalidInput("material_id", f"没有编号为 {material_id} 的材料")
        store.set_status(conn, request_id, status, material_id)
        event = events.insert(
            conn, "request", title, request_id=request_id, material_id=material_id
        )
        events.notify(
            conn,
            event,
            store.voters(conn, request_id) | {author_id},
            f"您关注的需求“{title}”{STATUSES[status]}" + ("，已关联材料" if material_id else ""),
        )
        audit.record(
            conn,
            editor.id,
            "request.status",
            str(request_id),
            {"status": status, "material_id": material_id},
        )
    lib.dispatch([event])
