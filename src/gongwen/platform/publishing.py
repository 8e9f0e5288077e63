"""Editors' work: upload and publish, revise with a note, edit metadata, schedule, retire.

Publishing goes through the core's readers, parser and store, so an upload is parsed exactly
like a file ingested from the command line.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy import Connection, select, update

from gongwen.errors import InvalidInput, NotFound
from gongwen.ingest.readers import READERS, read_source
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.parse.structure import parse_text
from gongwen.platform import audit
from gongwen.platform.accounts import require_editor
from gongwen.platform.events import Event, dispatch, notify, store_event
from gongwen.store.library_store import Saved, save_document, set_metadata
from gongwen.store.platform_schema import downloads
from gongwen.store.schema import materials, revisions
from gongwen.util.clock import aware, now

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
EDITABLE = {"title", "organisation", "organisation_kind", "year", "period", "doc_type"}


def _revision_event(conn: Connection, saved: Saved, note: str) -> Event | None:
    """A revision of a published material: an event, and a note to everyone who downloaded it."""
    row = conn.execute(
        select(materials.c.published_at, materials.c.retired_at).where(
            materials.c.id == saved.material_id
        )
    ).one()
    if row.published_at is None or aware(row.published_at) > now() or row.retired_at is not None:  # type: ignore[operator]
        return None
    event = store_event(
        conn, "revised", saved.title, material_id=saved.material_id, revision_id=saved.revision_id
    )
    downloaders = set(
        conn.execute(
            select(downloads.c.user_id).where(downloads.c.material_id == saved.material_id)
        ).scalars()
    )
    notify(
        conn,
        event,
        downloaders,
        f"您下载过的《{saved.title}》有新版本" + (f"：{note}" if note else ""),
    )
    return event


def publish_upload(
    lib: Library,
    editor: Member,
    filename: str,
    data: bytes,
    *,
    publish_at: datetime | None | Literal["now"] = "now",
    note: str = "",
) -> list[Saved]:
    """Publish an uploaded file (one or more documents). `publish_at`: "now", a time, or None."""
    require_editor(editor)
    if publish_at == "now":
        publish_at = now()
    suffix = Path(filename).suffix.lower()
    if suffix not in READERS:
        raise InvalidInput("file", f"{filename}: 不支持的文件类型 {suffix or '(无扩展名)'}")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput("file", f"{filename}: 文件超过 {MAX_UPLOAD_BYTES // 2**20} MB")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        sources = read_source(path)  # ReadError names the temporary file; say the real one
    parsed = [
        parse_text(
            s.text,
            source_file=filename,
            title_hint=s.title_hint or Path(filename).stem,
            markdown=s.markdown,
        )
        for s in sources
    ]
    stored: list[Event] = []
    saved_all: list[Saved] = []
    with lib.engine.begin() as conn:
        for result in parsed:
            for doc in result.documents:
                saved = save_document(conn, doc, note, published_at=publish_at, author_id=editor.id)
                saved_all.append(saved)
                if saved.status == "revision":
                    event = _revision_event(conn, saved, note)
                    stored += [event] if event else []
                audit.record(
                    conn,
                    editor.id,
                    f"publish.{saved.status}",
                    str(saved.material_id),
                    {"title": saved.title, "file": filename, "publish_at": publish_at},
                )
        stored += _announce_due(conn)
    dispatch(lib, stored)
    return saved_all


def publish_revision(lib: Library, editor: Member, material_id: int, text: str, note: str) -> Saved:
    """A new revision of a material from edited text, with a change note."""
    require_editor(editor)
    if not note.strip():
        raise InvalidInput("note", "请填写修订说明")
    if not text.strip():
        raise InvalidInput("text", "正文不能为空")
    with lib.engine.connect() as conn:
        title = conn.execute(
            select(materials.c.title).where(materials.c.id == material_id)
        ).scalar()
    if title is None:
        raise NotFound(f"没有编号为 {material_id} 的材料")
    text = text.replace("\r\n", "\n")
    # A revision is one document: a title-like line inside it must not split it.
    [doc] = parse_text(text, title_hint=title, split=False).documents
    stored: list[Event] = []
    with lib.engine.begin() as conn:
        saved = save_document(conn, doc, note, material_id=material_id, author_id=editor.id)
        if saved.status == "revision":
            event = _revision_event(conn, saved, note)
            stored += [event] if event else []
        audit.record(conn, editor.id, f"publish.{saved.status}", str(material_id), {"note": note})
    dispatch(lib, stored)
    return saved


def edit_metadata(lib: Library, editor: Member, material_id: int, **fields: object) -> None:
    require_editor(editor)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "不可编辑的字段")
    if "year" in fields and fields["year"] not in (None, ""):
        try:
            fields["year"] = int(str(fields["year"]))
        except ValueError:
            raise InvalidInput("year", "年份须为数字") from None
    with lib.engine.begin() as conn:
        if not set_metadata(conn, material_id, **fields):
            raise NotFound(f"没有编号为 {material_id} 的材料")
        audit.record(conn, editor.id, "material.edit", str(material_id), dict(fields))


def schedule(lib: Library, editor: Member, material_id: int, publish_at: datetime | None) -> None:
    """Set when a material goes public (None: back to draft). Past or now publishes at once."""
    require_editor(editor)
    with lib.engine.begin() as conn:
        done = conn.execute(
            update(materials)
            .where(materials.c.id == material_id)
            .values(published_at=publish_at, announced_at=None)
        ).rowcount
        if not done:
            raise NotFound(f"没有编号为 {material_id} 的材料")
        audit.record(
            conn, editor.id, "material.schedule", str(material_id), {"publish_at": publish_at}
        )
        stored = _announce_due(conn)
    dispatch(lib, stored)


def retire(lib: Library, editor: Member, material_id: int) -> None:
    require_editor(editor)
    with lib.engine.begin() as conn:
        done = conn.execute(
            update(materials).where(materials.c.id == material_id).values(retired_at=now())
        ).rowcount
        if not done:
            raise NotFound(f"没有编号为 {material_id} 的材料")
        audit.record(conn, editor.id, "material.retire", str(material_id))


def _announce_due(conn: Connection) -> list[Event]:
    """Publication events for materials whose time has come and that were not announced yet."""
    due = conn.execute(
        select(materials.c.id, materials.c.title, materials.c.current_revision_id).where(
            materials.c.published_at.is_not(None),
            materials.c.published_at <= now(),
            materials.c.announced_at.is_(None),
            materials.c.retired_at.is_(None),
        )
    ).all()
    out = []
    for row in due:
        # The conditional update lets exactly one worker announce a scheduled material.
        claimed = conn.execute(
            update(materials)
            .where(materials.c.id == row.id, materials.c.announced_at.is_(None))
            .values(announced_at=now())
        ).rowcount
        if claimed:
            out.append(
                store_event(
                    conn,
                    "published",
                    row.title,
                    material_id=row.id,
                    revision_id=row.current_revision_id,
                )
            )
    return out


def announce_due(lib: Library) -> list[Event]:
    """Run by the server every few seconds: scheduled materials go live with an event."""
    with lib.engine.begin() as conn:
        stored = _announce_due(conn)
    dispatch(lib, stored)
    return stored


def material_text(lib: Library, editor: Member, material_id: int) -> str:
    require_editor(editor)
    with lib.engine.connect() as conn:
        text = conn.execute(
            select(revisions.c.text)
            .join(materials, materials.c.current_revision_id == revisions.c.id)
            .where(materials.c.id == material_id)
        ).scalar()
    if text is None:
        raise NotFound(f"没有编号为 {material_id} 的材料")
    return text
