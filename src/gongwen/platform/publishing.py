"""Editors' work: upload and publish, revise with a note, edit metadata, schedule, retire.

Publishing goes through the core's readers, parser and store, so an upload is parsed exactly
like a file ingested from the command line.
"""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from gongwen.errors import InvalidInput, NotFound, ReadError
from gongwen.ingest.readers import READERS, read_source
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.model.platform import Event
from gongwen.parse.structure import parse_text
from gongwen.platform.access import require_editor
from gongwen.store import audit, downloads, events
from gongwen.store import materials as store
from gongwen.store.materials import EDITABLE, Saved
from gongwen.util.clock import now
from gongwen.util.text import plain_text, printable

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _revision_event(conn: Any, saved: Saved, note: str) -> Event | None:
    """A revision of a published material: an event, and a note to everyone who downloaded it."""
    if not store.is_visible(conn, saved.material_id, now()):
        return None
    event = events.insert(
        conn, "revised", saved.title, material_id=saved.material_id, revision_id=saved.revision_id
    )
    events.notify(
        conn,
        event,
        downloads.downloaders(conn, saved.material_id),
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
    plain_text("note", note)
    filename = printable(filename) or "upload"
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
        try:
            sources = read_source(path)
        except ReadError as err:  # it names the temporary file: say the real one
            raise InvalidInput("file", f"{filename}: {err.reason}") from None
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
    with lib.db.write() as conn:
        for result in parsed:
            for doc in result.documents:
                # An upload is a new material (a revision goes through publish_revision); the
                # same text uploaded twice is one material, so a double submit stores nothing.
                doc.source_key = f"upload:{doc.content_hash}"
                saved = store.save_document(
                    conn,
                    doc,
                    note,
                    preview_chars=lib.settings.preview_chars,
                    published_at=publish_at,
                    author_id=editor.id,
                )
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
    lib.index.sync(lib.db)  # searchable before anyone is told
    lib.dispatch(stored)
    return saved_all


def publish_revision(lib: Library, editor: Member, material_id: int, text: str, note: str) -> Saved:
    """A new revision of a material from edited text, with a change note."""
    require_editor(editor)
    plain_text("note", note)
    plain_text("text", text, multiline=True)
    if not note.strip():
        raise InvalidInput("note", "请填写修订说明")
    if not text.strip():
        raise InvalidInput("text", "正文不能为空")
    with lib.db.read() as conn:
        title = store.title(conn, material_id)
    if title is None:
        raise NotFound(f"没有编号为 {material_id} 的材料")
    text = text.replace("\r\n", "\n")
    # A revision is one document: a title-like line inside it must not split it.
    [doc] = parse_text(text, title_hint=title, split=False).documents
    stored: list[Event] = []
    with lib.db.write() as conn:
        saved = store.save_document(
            conn,
            doc,
            note,
            preview_chars=lib.settings.preview_chars,
            material_id=material_id,
            author_id=editor.id,
        )
        if saved.status == "revision":
            event = _revision_event(conn, saved, note)
            stored += [event] if event else []
        audit.record(conn, editor.id, f"publish.{saved.status}", str(material_id), {"note": note})
    lib.index.sync(lib.db)
    lib.dispatch(stored)
    return saved


def edit_metadata(lib: Library, editor: Member, material_id: int, **fields: object) -> None:
    require_editor(editor)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "不可编辑的字段")
    for name, value in fields.items():
        if isinstance(value, str):
            fields[name] = plain_text(name, value).strip()
    if "title" in fields and not str(fields["title"]).strip():
        raise InvalidInput("title", "标题不能为空")
    if "year" in fields and fields["year"] not in (None, ""):
        try:
            year = int(str(fields["year"]))
        except ValueError:
            raise InvalidInput("year", "年份须为数字") from None
        if not 1900 <= year <= 2200:
            raise InvalidInput("year", "年份须在 1900 到 2200 之间")
        fields["year"] = year
    elif "year" in fields:
        fields["year"] = None
    with lib.db.write() as conn:
        if not store.set_metadata(conn, material_id, **fields):
            raise NotFound(f"没有编号为 {material_id} 的材料")
        audit.record(conn, editor.id, "material.edit", str(material_id), dict(fields))
    lib.index.sync(lib.db)
    lib.caches.clear()


def schedule(lib: Library, editor: Member, material_id: int, publish_at: datetime | None) -> None:
    """Set when a material goes public (None: back to draft). Past or now publishes at once."""
    require_editor(editor)
    with lib.db.write() as conn:
        if not store.schedule(conn, material_id, publish_at):
            raise NotFound(f"没有编号为 {material_id} 的材料")
        audit.record(
            conn, editor.id, "material.schedule", str(material_id), {"publish_at": publish_at}
        )
        stored = _announce_due(conn)
    lib.index.sync(lib.db)
    lib.dispatch(stored)


def retire(lib: Library, editor: Member, material_id: int) -> None:
    require_editor(editor)
    with lib.db.write() as conn:
        if not store.retire(conn, material_id):
            raise NotFound(f"没有编号为 {material_id} 的材料")
        audit.record(conn, editor.id, "material.retire", str(material_id))
    lib.index.sync(lib.db)


def _announce_due(conn: Any) -> list[Event]:
    """Publication events for materials whose time has come and that were not announced yet."""
    return [
        events.insert(conn, "published", title, material_id=mid, revision_id=rid)
        for mid, title, rid in store.claim_due_announcements(conn)
    ]


def announce_due(lib: Library) -> list[Event]:
    """Run by the scheduler every few seconds: scheduled materials go live with an event."""
    with lib.db.write() as conn:
        stored = _announce_due(conn)
    lib.dispatch(stored)
    return stored


def material_text(lib: Library, editor: Member, material_id: int) -> str:
    require_editor(editor)
    with lib.db.read() as conn:
        text = store.current_text(conn, material_id)
    if text is None:
        raise NotFound(f"没有编号为 {material_id} 的材料")
    return text
