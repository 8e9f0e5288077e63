"""Materials and their revisions: save parsed documents, index them, read them back.

Every rule about materials is written here once: what "visible" means (`VISIBLE`), what a
revision's searchable passages are, how metadata edits re-index.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from gongwen.errors import NotFound
from gongwen.model import Document
from gongwen.model.material import (
    Card,
    MaterialDetail,
    MaterialSummary,
    PassageKind,
    PlaceholderOut,
    RevisionInfo,
    SectionOut,
    VersionOut,
    public_passages,
    status_of,
)
from gongwen.parse.tokens import normalize
from gongwen.store import sql
from gongwen.store.index import VISIBLE, layout, queue
from gongwen.util.clock import now
from gongwen.util.text import plain_title

SaveStatus = Literal["new", "revision", "unchanged"]
FACETS = ("organisation_kind", "doc_type", "year", "period")
EDITABLE = ("title", "organisation", "organisation_kind", "year", "period", "doc_type")


@dataclass(frozen=True, slots=True)
class Saved:
    status: SaveStatus
    material_id: int
    revision_id: int
    title: str


@dataclass(frozen=True, slots=True)
class MaterialRow:
    """A material with its current revision's number and how many revisions it has."""

    id: int
    title: str
    organisation: str
    organisation_kind: str
    year: int | None
    period: str
    doc_type: str
    published_at: datetime | None
    retired_at: datetime | None
    revision_id: int
    number: int
    revision_count: int
    doc_date: str = ""

    def card(self, readable: bool, at: datetime) -> Card:
        return Card(
            self.id,
            self.title,
            self.organisation,
            self.organisation_kind,
            self.year,
            self.period,
            self.doc_type,
            self.published_at,
            readable,
            str(status_of(self.published_at, self.retired_at, at)),
            self.doc_date,
        )


def family_key(doc: Document) -> str:
    """Same title and organisation = versions of one document (a law's editions), each its own
    material. Format characters (a zero-width space in a title) do not make another family."""
    title = re.sub(r"[\s\u3000]+", "", normalize(plain_title(doc.title)))
    return f"{title}|{doc.organisation}"


def material_key(doc: Document) -> str:
    """Which material a document belongs to: its source (file, record, URL). A document parsed
    without a source (tests, tools) is known by its text, so nothing is ever merged into it."""
    return doc.source_key or f"text:{doc.content_hash}"


# Writing ---------------------------------------------------------------------------------------


def record_source(conn: Any, path: str, content_hash: str, encoding: str, preamble: str) -> None:
    from sqlalchemy import insert, select

    from gongwen.store.schema import source_files

    seen = conn.execute(
        select(source_files.c.id).where(source_files.c.content_hash == content_hash)
    ).first()
    if seen is None:
        conn.execute(
            insert(source_files).values(
                path=path, content_hash=content_hash, encoding=encoding, preamble=preamble
            )
        )


def save_document(
    conn: Any,
    doc: Document,
    note: str = "",
    *,
    preview_chars: int = 300,
    material_id: int | None = None,
    published_at: datetime | None | Literal["now"] = "now",
    author_id: int | None = None,
    announce: bool = True,
) -> Saved:
    """Store a document as a new material, a new revision of one, or nothing if already known.

    `material_id` makes the document a revision of that material whatever its title says.
    `published_at` applies to a new material: "now" (ingest publishes), a time, or None (draft).
    `announce=False` publishes silently (a bulk back-catalogue load); otherwise the platform
    announces the material to members once its publication time has come.
    The old and the new current revision are queued for the search index (store/index/queue).
    """
    from sqlalchemy import func, insert, select, update

    from gongwen.store.schema import materials, revisions

    key = material_key(doc)
    where = materials.c.id == material_id if material_id is not None else materials.c.key == key
    row = conn.execute(
        select(
            materials.c.id,
            materials.c.title,
            materials.c.current_revision_id,
            *(materials.c[f] for f in FACETS),
        ).where(where)
    ).first()
    if row is None and material_id is not None:
        raise NotFound(f"没有编号为 {material_id} 的材料")
    if row is not None:
        known = conn.execute(
            select(revisions.c.id).where(
                revisions.c.material_id == row.id, revisions.c.content_hash == doc.content_hash
            )
        ).first()
        if known is not None:
            return Saved("unchanged", row.id, known.id, doc.title)
        material_id = row.id
        number = conn.execute(
            select(func.max(revisions.c.number)).where(revisions.c.material_id == material_id)
        ).scalar_one()
        queue.mark(conn, [row.current_revision_id])
        status: SaveStatus = "revision"
        # A revision keeps the material's (maybe edited) metadata and title.
        title = row.title
    else:
        moment = now() if published_at == "now" else published_at
        # Metadata is read from the first revision's title; later revisions keep whatever it
        # is now (an editor may have corrected it).
        material_id = conn.execute(
            insert(materials)
            .values(
                key=key,
                family=family_key(doc),
                doc_date=doc.doc_date,
                url=doc.url,
                title=doc.title,
                organisation=doc.organisation,
                organisation_kind=doc.organisation_kind,
                year=doc.year,
                period=doc.period,
                doc_type=doc.doc_type,
                published_at=moment,
                announced_at=moment if not announce else None,
            )
            .returning(materials.c.id)
        ).scalar_one()
        number = 0
        status = "new"
        title = doc.title
    revision_id = conn.execute(
        insert(revisions)
        .values(
            material_id=material_id,
            number=number + 1,
            content_hash=doc.content_hash,
            source_file=doc.source_file,
            text=doc.text,
            note=note,
            author_id=author_id,
        )
        .returning(revisions.c.id)
    ).scalar_one()
    passages = public_passages(
        title,
        doc.text,
        # An article (第十九条) has no heading of its own: it is not an outline entry.
        [(s.start, s.title if s.heading else "") for s in doc.sections],
        [(p.start, p.text, p.section) for p in doc.paragraphs],
        preview_chars,
    )
    ids = _insert_structure(conn, doc, revision_id, passages)
    body = [
        (pid, str(PassageKind.BODY), p.section, p.start, p.text)
        for pid, p in zip(ids, doc.paragraphs, strict=False)
    ]
    rest = [
        (pid, str(ps.kind), ps.section, ps.start, ps.text)
        for pid, ps in zip(ids[len(doc.paragraphs) :], passages, strict=True)
    ]
    _insert_many(
        conn,
        "passage_layouts",
        ("revision_id", "layout"),
        [(revision_id, layout.encode(doc.text, body + rest))],
    )
    conn.execute(
        update(materials)
        .where(materials.c.id == material_id)
        .values(current_revision_id=revision_id, updated_at=func.now())
    )
    queue.mark(conn, [revision_id])
    return Saved(status, material_id, revision_id, doc.title)


def _insert_many(conn: Any, table: str, columns: tuple[str, ...], values: list[tuple]) -> None:
    """A plain DB-API executemany: bulk ingest spends its time here, not in statement building."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(f'"{c}"' for c in columns)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(columns))})", values
    )


def _insert_structure(conn: Any, doc: Document, revision_id: int, passages: list[Any]) -> list[int]:
    """Insert sections, paragraphs, passages and placeholders; the paragraph ids in order
    (body paragraphs first, then the passages)."""
    if doc.sections:
        _insert_many(
            conn,
            "sections",
            ("revision_id", "ord", "level", "label", "heading", "kind", "start", "parent_ord"),
            [
                (revision_id, i, s.level, s.label, s.heading, str(s.kind), s.start, s.parent)
                for i, s in enumerate(doc.sections)
            ],
        )
    values = [
        (
            revision_id,
            str(PassageKind.BODY),
            i,
            p.section,
            p.start,
            p.text,
            json.dumps([[it.marker, it.start, it.end] for it in p.items], ensure_ascii=False)
            if p.items
            else "",
        )
        for i, p in enumerate(doc.paragraphs)
    ]
    values += [
        (revision_id, str(ps.kind), len(doc.paragraphs) + i, ps.section, ps.start, ps.text, "")
        for i, ps in enumerate(passages)
    ]
    _insert_many(
        conn,
        "paragraphs",
        ("revision_id", "kind", "ord", "section_ord", "start", "text", "items"),
        values,
    )
    if conn.dialect.name == "sqlite":
        # Inside our write transaction no other writer can interleave, so one executemany
        # gets consecutive rowids ending at last_insert_rowid().
        last = conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
        ids = list(range(last - len(values) + 1, last + 1))
    else:
        ids = [
            r[0]
            for r in sql.rows(
                conn,
                "SELECT id FROM paragraphs WHERE revision_id = :r ORDER BY ord",
                {"r": revision_id},
            )
        ]
    if doc.placeholders:
        _insert_many(
            conn,
            "placeholders",
            (
                "revision_id",
                "start",
                "end",
                "text",
                "label",
                "unit",
                "kind",
                "approximate",
                "field",
            ),
            [
                (
                    revision_id,
                    ph.start,
                    ph.end,
                    ph.text,
                    ph.label,
                    ph.unit,
                    ph.kind,
                    ph.approximate,
                    ph.field or ph.label,
                )
                for ph in doc.placeholders
            ],
        )
    return ids


def set_metadata(conn: Any, material_id: int, **fields: object) -> bool:
    """Change a material's metadata, and queue its current revision for the index (new facets,
    maybe a new title)."""
    from sqlalchemy import func, update

    from gongwen.store.schema import materials, paragraphs

    current = sql.row(
        conn, "SELECT current_revision_id FROM materials WHERE id = :m", {"m": material_id}
    )
    if current is None:
        return False
    revision_id = current[0]
    conn.execute(
        update(materials)
        .where(materials.c.id == material_id)
        .values(**fields, updated_at=func.now())
    )
    if revision_id is not None:
        if "title" in fields:
            conn.execute(
                update(paragraphs)
                .where(
                    paragraphs.c.revision_id == revision_id,
                    paragraphs.c.kind == str(PassageKind.TITLE),
                )
                .values(text=str(fields["title"]))
            )
        queue.mark(conn, [revision_id])
    return True


def rebuild_passages(conn: Any, preview_chars: int) -> int:
    """Rebuild every current revision's public passages (after a change of the preview length
    or of what they are) and their passage layouts. Returns revisions done;
    the caller queues them for the search index (or gives the library a new identity)."""
    from sqlalchemy import delete

    from gongwen.store.schema import paragraphs

    current = sql.rows(
        conn,
        "SELECT r.id, r.text, m.title FROM materials m"
        " JOIN revisions r ON r.id = m.current_revision_id ORDER BY r.id",
    )
    for revision_id, text, title in current:
        conn.execute(
            delete(paragraphs).where(
                paragraphs.c.revision_id == revision_id,
                paragraphs.c.kind != str(PassageKind.BODY),
            )
        )
        headings = [
            (start, f"{label}{heading}" if heading else "")
            for start, label, heading in sql.rows(
                conn,
                "SELECT start, label, heading FROM sections WHERE revision_id = :r ORDER BY ord",
                {"r": revision_id},
            )
        ]
        body = sql.rows(
            conn,
            "SELECT start, text, section_ord, ord FROM paragraphs"
            " WHERE revision_id = :r ORDER BY ord",
            {"r": revision_id},
        )
        passages = public_passages(
            title, text, headings, [(s, t, sec) for s, t, sec, _ in body], preview_chars
        )
        if passages:
            _insert_many(
                conn,
                "paragraphs",
                ("revision_id", "kind", "ord", "section_ord", "start", "text", "items"),
                [
                    (revision_id, str(ps.kind), len(body) + i, ps.section, ps.start, ps.text, "")
                    for i, ps in enumerate(passages)
                ],
            )
        write_layout(conn, revision_id, text)
    return len(current)


def write_layout(conn: Any, revision_id: int, text: str) -> None:
    """Store a revision's passage layout (store/index/layout.py) from its paragraph rows."""
    from sqlalchemy import delete

    from gongwen.store.schema import passage_layouts

    rows = sql.rows(
        conn,
        "SELECT id, kind, section_ord, start, text FROM paragraphs WHERE revision_id = :r"
        " ORDER BY ord",
        {"r": revision_id},
    )
    conn.execute(delete(passage_layouts).where(passage_layouts.c.revision_id == revision_id))
    _insert_many(
        conn,
        "passage_layouts",
        ("revision_id", "layout"),
        [(revision_id, layout.encode(text, [tuple(r) for r in rows]))],
    )


def schedule(conn: Any, material_id: int, publish_at: datetime | None) -> bool:
    from sqlalchemy import update

    from gongwen.store.schema import materials

    done = conn.execute(
        update(materials)
        .where(materials.c.id == material_id)
        .values(published_at=publish_at, announced_at=None)
    ).rowcount
    queue.mark(conn, [current_revision(conn, material_id)])
    return bool(done)


def current_revision(conn: Any, material_id: int) -> int | None:
    return sql.scalar(  # type: ignore[no-any-return]
        conn, "SELECT current_revision_id FROM materials WHERE id = :m", {"m": material_id}
    )


def retire(conn: Any, material_id: int) -> bool:
    from sqlalchemy import update

    from gongwen.store.schema import materials

    done = conn.execute(
        update(materials).where(materials.c.id == material_id).values(retired_at=now())
    ).rowcount
    queue.mark(conn, [current_revision(conn, material_id)])
    return bool(done)


def claim_due_announcements(conn: Any) -> list[tuple[int, str, int | None]]:
    """(id, title, current revision) of materials whose time has come and that were not
    announced yet, each claimed by a conditional update: exactly one worker announces it."""
    from sqlalchemy import update

    from gongwen.store.schema import materials

    due = sql.rows(
        conn,
        f"SELECT m.id, m.title, m.current_revision_id FROM materials m WHERE {VISIBLE}"
        " AND m.announced_at IS NULL",
        {"visible_at": now()},
    )
    claimed = []
    for material_id, title, revision_id in due:
        if conn.execute(
            update(materials)
            .where(materials.c.id == material_id, materials.c.announced_at.is_(None))
            .values(announced_at=now())
        ).rowcount:
            claimed.append((material_id, title, revision_id))
    return claimed


# Reading ---------------------------------------------------------------------------------------

_SUMMARY = (
    "SELECT m.id, m.title, m.organisation, m.organisation_kind, m.year, m.period, m.doc_type,"
    " (SELECT count(*) FROM revisions r WHERE r.material_id = m.id), m.doc_date FROM materials m"
)


def summaries(
    conn: Any,
    *,
    organisation_kind: str | None = None,
    doc_type: str | None = None,
    year: int | None = None,
    period: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[MaterialSummary]:
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    where = _facet_filters(params, organisation_kind, doc_type, year, period)
    return [
        MaterialSummary(*r)
        for r in sql.rows(
            conn,
            f"{_SUMMARY} WHERE {where} ORDER BY m.id LIMIT :limit OFFSET :offset",
            params,
        )
    ]


def _facet_filters(
    params: dict[str, Any],
    organisation_kind: str | None,
    doc_type: str | None,
    year: int | None,
    period: str | None,
) -> str:
    where = ["1 = 1"]
    for name, value in zip(FACETS, (organisation_kind, doc_type, year, period), strict=True):
        if isinstance(value, str) and "\x00" in value:
            return "1 = 0"  # no stored value holds NUL (and PostgreSQL cannot even compare it)
        if value not in (None, ""):
            where.append(f"m.{name} = :f_{name}")
            params[f"f_{name}"] = value
    return " AND ".join(where)


def count(conn: Any) -> int:
    return int(sql.scalar(conn, "SELECT count(*) FROM materials"))


def detail(conn: Any, material_id: int, revision_number: int | None = None) -> MaterialDetail:
    """A material at its current revision (or the numbered one), with its full structure."""
    summary = sql.row(conn, f"{_SUMMARY} WHERE m.id = :m", {"m": material_id})
    if summary is None:
        raise NotFound(f"没有编号为 {material_id} 的材料")
    if revision_number is None:
        rev = sql.row(
            conn,
            "SELECT r.id, r.number, r.source_file, r.text FROM revisions r"
            " JOIN materials m ON m.current_revision_id = r.id WHERE m.id = :m",
            {"m": material_id},
        )
    else:
        rev = sql.row(
            conn,
            "SELECT id, number, source_file, text FROM revisions"
            " WHERE material_id = :m AND number = :n",
            {"m": material_id, "n": revision_number},
        )
    if rev is None:
        raise NotFound(f"材料 {material_id} 没有第 {revision_number} 版")
    revision_id = rev[0]
    sections = [
        SectionOut(*s)
        for s in sql.rows(
            conn,
            "SELECT start, level, label, heading, kind FROM sections WHERE revision_id = :r"
            " ORDER BY ord",
            {"r": revision_id},
        )
    ]
    paragraphs = [
        {
            "ord": o,
            "section_ord": so,
            "start": st,
            "text": t,
            "items": json.loads(items) if items else [],
        }
        for o, so, st, t, items in sql.rows(
            conn,
            "SELECT ord, section_ord, start, text, items FROM paragraphs"
            " WHERE revision_id = :r AND kind = 'body' ORDER BY ord",
            {"r": revision_id},
        )
    ]
    placeholders = [
        PlaceholderOut(t, s, e, label, unit, kind, bool(approx), field)
        for t, s, e, label, unit, kind, approx, field in sql.rows(
            conn,
            'SELECT text, start, "end", label, unit, kind, approximate, field FROM placeholders'
            " WHERE revision_id = :r"
            " ORDER BY start",
            {"r": revision_id},
        )
    ]
    return MaterialDetail(
        MaterialSummary(*summary),
        revision_id,
        rev[1],
        rev[2],
        rev[3],
        sections,
        paragraphs,
        placeholders,
        versions(conn, material_id),
    )


def versions(conn: Any, material_id: int, visible_at: datetime | None = None) -> list[VersionOut]:
    """The materials of this one's family (a law's editions), newest first; the newest by the
    document's own date (then by id) is current. [] when the material stands alone. With
    `visible_at`, only the versions members can see then."""
    params: dict[str, Any] = {"m": material_id}
    where = ""
    if visible_at is not None:
        where = f" AND {VISIBLE}"
        params["visible_at"] = visible_at
    rows = sql.rows(
        conn,
        "SELECT m.id, m.title, m.doc_date FROM materials m WHERE m.family <> '' AND m.family ="
        f" (SELECT f.family FROM materials f WHERE f.id = :m){where}"
        " ORDER BY m.doc_date DESC, m.id DESC",
        params,
    )
    if len(rows) < 2:
        return []
    return [VersionOut(i, t, d, n == 0) for n, (i, t, d) in enumerate(rows)]


MATERIAL_ROW_SQL = (
    "SELECT m.id, m.title, m.organisation, m.organisation_kind, m.year, m.period, m.doc_type,"
    " m.published_at, m.retired_at, r.id, r.number,"
    " (SELECT count(*) FROM revisions a WHERE a.material_id = m.id), m.doc_date"
    " FROM materials m JOIN revisions r ON r.id = m.current_revision_id"
)


def row_of(r: Any) -> MaterialRow:
    mid, title, org, kind, year, period, doc_type, published, retired, rev, number, count, date = r
    return MaterialRow(
        mid,
        title,
        org,
        kind,
        year,
        period,
        doc_type,
        sql.when(published),
        sql.when(retired),
        rev,
        number,
        count,
        date,
    )


def material_row(
    conn: Any, material_id: int, visible_at: datetime | None = None
) -> MaterialRow | None:
    """The material, or None; with `visible_at`, only if members can see it then."""
    params: dict[str, Any] = {"m": material_id}
    where = "m.id = :m"
    if visible_at is not None:
        where += f" AND {VISIBLE}"
        params["visible_at"] = visible_at
    found = sql.row(conn, f"{MATERIAL_ROW_SQL} WHERE {where}", params)
    return None if found is None else row_of(found)


def browse(
    conn: Any,
    *,
    visible_at: datetime | None,
    organisation_kind: str | None = None,
    doc_type: str | None = None,
    year: int | None = None,
    period: str | None = None,
    since: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[MaterialRow]:
    """Materials newest first; with `visible_at`, only those members can see at that time."""
    params: dict[str, Any] = {"limit": limit, "offset": offset}
    where = [_facet_filters(params, organisation_kind, doc_type, year, period)]
    if visible_at is not None:
        where.append(VISIBLE)
        params["visible_at"] = visible_at
    if since is not None:
        where.append("m.published_at > :since")
        params["since"] = since
    return [
        row_of(r)
        for r in sql.rows(
            conn,
            f"{MATERIAL_ROW_SQL} WHERE {' AND '.join(where)}"
            " ORDER BY m.published_at DESC NULLS FIRST, m.id DESC LIMIT :limit OFFSET :offset",
            params,
        )
    ]


def facet_values(conn: Any, at: datetime, per_facet: int = 40) -> dict[str, list[str]]:
    """The values to browse by, most common first, among visible materials."""
    out: dict[str, list[str]] = {}
    for name in FACETS:
        present = f"m.{name} IS NOT NULL" if name == "year" else f"m.{name} <> ''"
        out[name] = [
            str(v)
            for (v,) in sql.rows(
                conn,
                f"SELECT m.{name} FROM materials m WHERE {VISIBLE} AND {present}"
                f" GROUP BY m.{name} ORDER BY count(*) DESC, m.{name} LIMIT :n",
                {"visible_at": at, "n": per_facet},
            )
        ]
    return out


def revisions(conn: Any, material_id: int) -> list[RevisionInfo]:
    return [
        RevisionInfo(n, sql.when(at), note, source)
        for n, at, note, source in sql.rows(
            conn,
            "SELECT number, created_at, note, source_file FROM revisions"
            " WHERE material_id = :m ORDER BY number DESC",
            {"m": material_id},
        )
    ]


def revision_texts(conn: Any, material_id: int, numbers: list[int]) -> dict[int, tuple[str, str]]:
    """number -> (text, note) of the given revisions."""
    return {
        n: (text, note)
        for n, text, note in sql.rows(
            conn,
            "SELECT number, text, note FROM revisions WHERE material_id = :m"
            " AND number IN (:numbers)",
            {"m": material_id, "numbers": sql.in_list(numbers)},
        )
    }


def revision_numbers(conn: Any, material_id: int, numbers: list[int]) -> set[int]:
    """Which of these revision numbers the material has."""
    return {
        int(n)
        for (n,) in sql.rows(
            conn,
            "SELECT number FROM revisions WHERE material_id = :m AND number IN (:numbers)",
            {"m": material_id, "numbers": sql.in_list(numbers)},
        )
    }


def title(conn: Any, material_id: int) -> str | None:
    return sql.scalar(conn, "SELECT title FROM materials WHERE id = :m", {"m": material_id})  # type: ignore[no-any-return]


def current_text(conn: Any, material_id: int) -> str | None:
    return sql.scalar(  # type: ignore[no-any-return]
        conn,
        "SELECT r.text FROM revisions r JOIN materials m ON m.current_revision_id = r.id"
        " WHERE m.id = :m",
        {"m": material_id},
    )


def is_visible(conn: Any, material_id: int, at: datetime) -> bool:
    return bool(
        sql.scalar(
            conn,
            f"SELECT 1 FROM materials m WHERE m.id = :m AND {VISIBLE}",
            {"m": material_id, "visible_at": at},
        )
    )
