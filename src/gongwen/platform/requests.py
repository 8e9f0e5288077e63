"""Material requests: members ask, others upvote, editors plan and answer them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gongwen.errors import InvalidInput, NotFound
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.platform import audit
from gongwen.platform.accounts import require_editor, require_member
from gongwen.platform.events import dispatch, notify, store_event
from gongwen.store.platform_schema import material_requests, request_votes
from gongwen.store.schema import materials
from gongwen.util.clock import aware, now

STATUSES = {"open": "待处理", "planned": "已排期", "done": "已完成"}


@dataclass(frozen=True, slots=True)
class MaterialRequest:
    id: int
    title: str
    body: str
    status: str
    votes: int
    material_id: int | None
    material_title: str
    created_at: datetime
    mine: bool
    voted: bool


def post(lib: Library, member: Member, title: str, body: str = "") -> int:
    require_member(member)
    title = title.strip()
    if not 4 <= len(title) <= 100:
        raise InvalidInput("title", "需求标题须为 4 到 100 个字")
    with lib.engine.begin() as conn:
        request_id = conn.execute(
            insert(material_requests)
            .values(
                user_id=member.id,
                title=title,
                body=body.strip()[:2000],
                status="open",
                created_at=now(),
            )
            .returning(material_requests.c.id)
        ).scalar_one()
        conn.execute(insert(request_votes).values(request_id=request_id, user_id=member.id))
        audit.record(conn, member.id, "request.post", str(request_id), {"title": title})
    return request_id


def toggle_vote(lib: Library, member: Member, request_id: int) -> bool:
    """Vote for a request, or take the vote back; True when the member now votes for it."""
    require_member(member)
    with lib.engine.begin() as conn:
        if (
            conn.execute(
                select(material_requests.c.id).where(material_requests.c.id == request_id)
            ).first()
            is None
        ):
            raise NotFound(f"没有编号为 {request_id} 的需求")
        removed = conn.execute(
            delete(request_votes).where(
                request_votes.c.request_id == request_id, request_votes.c.user_id == member.id
            )
        ).rowcount
        if removed:
            return False
        try:
            conn.execute(insert(request_votes).values(request_id=request_id, user_id=member.id))
        except IntegrityError:  # a concurrent double click: the vote is there either way
            return True
        return True


def listing(
    lib: Library, member: Member | None, status: str | None = None
) -> list[MaterialRequest]:
    votes = (
        select(func.count())
        .where(request_votes.c.request_id == material_requests.c.id)
        .scalar_subquery()
    )
    voted = (
        select(func.count())
        .where(
            request_votes.c.request_id == material_requests.c.id,
            request_votes.c.user_id == (member.id if member else -1),
        )
        .scalar_subquery()
    )
    query = (
        select(
            material_requests,
            votes.label("votes"),
            voted.label("voted"),
            materials.c.title.label("material_title"),
        )
        .outerjoin(materials, materials.c.id == material_requests.c.material_id)
        .order_by(votes.desc(), material_requests.c.id.desc())
    )
    if status:
        query = query.where(material_requests.c.status == status)
    with lib.engine.connect() as conn:
        return [
            MaterialRequest(
                r.id,
                r.title,
                r.body,
                r.status,
                r.votes,
                r.material_id,
                r.material_title or "",
                aware(r.created_at),  # type: ignore[arg-type]
                member is not None and r.user_id == member.id,
                bool(r.voted),
            )
            for r in conn.execute(query)
        ]


def set_status(
    lib: Library, editor: Member, request_id: int, status: str, material_id: int | None = None
) -> None:
    """Mark a request planned or done (linking the material that answers it); tell its voters."""
    require_editor(editor)
    if status not in STATUSES:
        raise InvalidInput("status", f"状态只能是 {', '.join(STATUSES)}")
    with lib.engine.begin() as conn:
        row = conn.execute(
            select(material_requests).where(material_requests.c.id == request_id)
        ).first()
        if row is None:
            raise NotFound(f"没有编号为 {request_id} 的需求")
        if (
            material_id is not None
            and conn.execute(select(materials.c.id).where(materials.c.id == material_id)).first()
            is None
        ):
            raise InvalidInput("material_id", f"没有编号为 {material_id} 的材料")
        conn.execute(
            update(material_requests)
            .where(material_requests.c.id == request_id)
            .values(status=status, material_id=material_id)
        )
        event = store_event(
            conn, "request", row.title, request_id=request_id, material_id=material_id
        )
        voters = set(
            conn.execute(
                select(request_votes.c.user_id).where(request_votes.c.request_id == request_id)
            ).scalars()
        )
        notify(
            conn,
            event,
            voters | {row.user_id},
            f"您关注的需求“{row.title}”{STATUSES[status]}"
            + ("，已关联材料" if material_id else ""),
        )
        audit.record(
            conn,
            editor.id,
            "request.status",
            str(request_id),
            {"status": status, "material_id": material_id},
        )
    dispatch(lib, [event])
