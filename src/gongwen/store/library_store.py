"""Materials and revisions in the database: save parsed documents, read them back."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import Connection, func, insert, select, text, update

from gongwen.errors import NotFound
from gongwen.model import Document
from gongwen.search.tokens import facet_token, normalize, tokens
from gongwen.store.schema import (
    materials,
    para_terms,
    paragraphs,
    revisions,
    sections,
    source_files,
)
from gongwen.util.clock import now

SaveStatus = Literal["new", "revision", "unchanged"]
_FACET_COLUMNS = (
    materials.c.organisation_kind,
    materials.c.doc_type,
    materials.c.year,
    materials.c.period,
)


@dataclass(frozen=True, slots=True)
class Saved:
    status: SaveStatus
    material_id: int
    revision_id: int
    title: str


def material_key(doc: Document) -> str:
    """Same title and organisation = same material, whatever the file it came in."""
    title = re.sub(r"[\s\u3000]+", "", normalize(doc.title))
    return f"{title}|{doc.organisation}"


def record_source(
    conn: Connection, path: str, content_hash: str, encoding: str, preamble: str
) -> None:
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
    conn: Connection,
    doc: Document,
    note: str = "",
    bodies: list[str] | None = None,
    *,
    material_id: int | None = None,
    published_at: datetime | None | Literal["now"] = "now",
    author_id: int | None = None,
    announce: bool = True,
    index_sink: list[tuple[int, str, list[str]]] | None = None,
) -> Saved:
    """Store a document as a new material, a new revision of one, or nothing if already known.

    `bodies` are the paragraphs' search tokens if the caller computed them already (in a worker).
    `material_id` makes the document a revision of that material whatever its title says.
    `published_at` applies to a new material: "now" (ingest publishes), a time, or None (draft).
    `announce=False` publishes silently (a bulk back-catalogue load); otherwise the platform
    announces the material to members once its publication time has come.
    `index_sink` collects the search-index rows instead of writing them: a bulk loader writes
    them once per batch with `write_index_rows` (FTS5 flushes its pending terms whenever
    another table is written in the same transaction, so interleaving is several times slower).
    """
    key = material_key(doc)
    where = materials.c.id == material_id if material_id is not None else materials.c.key == key
    row = conn.execute(
        select(materials.c.id, materials.c.current_revision_id, *_FACET_COLUMNS).where(where)
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
        if index_sink:
            # The old revision's rows may still be waiting in the sink; FTS5 must hold exactly
            # what a 'delete' replays, or its index is corrupted. Write them first.
            write_index_rows(conn, index_sink)
            index_sink.clear()
        _unindex_revision(conn, row.current_revision_id)
        status: SaveStatus = "revision"
    else:
        moment = now() if published_at == "now" else published_at
        # Metadata is read from the first revision's title; later revisions keep whatever it
        # is now (an editor may have corrected it).
        material_id = conn.execute(
            insert(materials)
            .values(
                key=key,
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
    paragraph_ids = _insert_structure(conn, doc, revision_id)
    conn.execute(
        update(materials)
        .where(materials.c.id == material_id)
        .values(current_revision_id=revision_id, updated_at=func.now())
    )
    if bodies is None:
        bodies = [" ".join(tokens(p.text)) for p in doc.paragraphs]
    # The index carries the material's stored facets (a revision keeps the material's, maybe
    # edited, metadata): an FTS5 'delete' later replays exactly these.
    doc_facets = (
        {c.name: getattr(row, c.name) for c in _FACET_COLUMNS}
        if row is not None
        else {
            "organisation_kind": doc.organisation_kind,
            "doc_type": doc.doc_type,
            "year": doc.year,
            "period": doc.period,
        }
    )
    kinds = [str(s.kind) for s in doc.sections]
    rows = [
        (
            pid,
            body,
            paragraph_facets(doc_facets, kinds[p.section] if p.section is not None else None),
        )
        for pid, body, p in zip(paragraph_ids, bodies, doc.paragraphs, strict=True)
    ]
    if index_sink is None:
        write_index_rows(conn, rows)
    else:
        index_sink.extend(rows)
    return Saved(status, material_id, revision_id, doc.title)


def _insert_many(conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """A plain DB-API executemany: bulk ingest spends its time here, not in statement building."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(f'"{c}"' for c in columns)
    conn.exec_driver_sql(
        f"INSERT INTO {table} ({names}) VALUES ({', '.join([mark] * len(columns))})", rows
    )


def _insert_structure(conn: Connection, doc: Document, revision_id: int) -> list[int]:
    """Insert sections, paragraphs and placeholders; the paragraphs' ids in order."""
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
    paragraph_ids: list[int] = []
    if doc.paragraphs:
        _insert_many(
            conn,
            "paragraphs",
            ("revision_id", "ord", "section_ord", "start", "text", "items"),
            [
                (
                    revision_id,
                    i,
                    p.section,
                    p.start,
                    p.text,
                    json.dumps(
                        [[it.marker, it.start, it.end] for it in p.items], ensure_ascii=False
                    )
                    if p.items
                    else "",
                )
                for i, p in enumerate(doc.paragraphs)
            ],
        )
        if conn.dialect.name == "sqlite":
            # Inside our write transaction no other writer can interleave, so one executemany
            # gets consecutive rowids ending at last_insert_rowid().
            last = conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
            paragraph_ids = list(range(last - len(doc.paragraphs) + 1, last + 1))
        else:
            paragraph_ids = list(
                conn.execute(
                    select(paragraphs.c.id)
                    .where(paragraphs.c.revision_id == revision_id)
                    .order_by(paragraphs.c.ord)
                ).scalars()
            )
    if doc.placeholders:
        _insert_many(
            conn,
            "placeholders",
            ("revision_id", "start", "end", "text", "label", "unit"),
            [
                (revision_id, ph.start, ph.end, ph.text, ph.label, ph.unit)
                for ph in doc.placeholders
            ],
        )
    return paragraph_ids


def paragraph_facets(doc_row: Mapping[str, object], section_kind: str | None) -> list[str]:
    """Filter tokens of a paragraph: its document's facets and its section's kind."""
    facets = [
        facet_token("kind", doc_row["organisation_kind"]),
        facet_token("type", doc_row["doc_type"]),
        facet_token("year", doc_row["year"]),
        facet_token("period", doc_row["period"]),
    ]
    if section_kind:
        facets.append(facet_token("section", section_kind))
    return facets


def _index_rows(conn: Connection, revision_id: int) -> list[tuple[int, str, list[str]]]:
    """(paragraph id, body tokens, facet tokens) for every paragraph of a revision."""
    meta = (
        conn.execute(
            select(
                materials.c.organisation_kind,
                materials.c.doc_type,
                materials.c.year,
                materials.c.period,
            )
            .join(revisions, revisions.c.material_id == materials.c.id)
            .where(revisions.c.id == revision_id)
        )
        .mappings()
        .one()
    )
    kinds = dict(
        conn.execute(
            select(sections.c.ord, sections.c.kind).where(sections.c.revision_id == revision_id)
        ).all()
    )
    rows = conn.execute(
        select(paragraphs.c.id, paragraphs.c.text, paragraphs.c.section_ord)
        .where(paragraphs.c.revision_id == revision_id)
        .order_by(paragraphs.c.id)
    ).all()
    return [
        (pid, " ".join(tokens(ptext)), paragraph_facets(dict(meta), kinds.get(sord)))
        for pid, ptext, sord in rows
    ]


def write_index_rows(conn: Connection, rows: list[tuple[int, str, list[str]]]) -> None:
    """Add paragraphs to the search index: (paragraph id, body tokens, facet tokens)."""
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            "INSERT INTO para_fts(rowid, body, facets) VALUES (?, ?, ?)",
            [(pid, body, " ".join(facets)) for pid, body, facets in rows],
        )
    else:
        conn.execute(
            insert(para_terms),
            [
                dict(
                    id=pid,
                    stream=f" {body} ",
                    grams=sorted(set(body.split()) | {ch for t in body.split() for ch in t}),
                    facets=facets,
                )
                for pid, body, facets in rows
            ],
        )


def _unindex_revision(conn: Connection, revision_id: int | None) -> None:
    """Take a superseded revision out of the search index (its rows stay in history)."""
    if revision_id is None:
        return
    rows = _index_rows(conn, revision_id)
    if conn.dialect.name == "sqlite":
        # A contentless FTS5 row is deleted by replaying exactly the values it was indexed with.
        conn.exec_driver_sql(
            "INSERT INTO para_fts(para_fts, rowid, body, facets) VALUES ('delete', ?, ?, ?)",
            [(pid, body, " ".join(facets)) for pid, body, facets in rows],
        )
    else:
        ids = [pid for pid, _, _ in rows]
        if ids:
            conn.execute(para_terms.delete().where(para_terms.c.id.in_(ids)))


def set_metadata(conn: Connection, material_id: int, **fields: object) -> bool:
    """Change a material's metadata, and re-index its current revision under the new facets."""
    current = conn.execute(
        select(materials.c.current_revision_id).where(materials.c.id == material_id)
    ).first()
    if current is None:
        return False
    _unindex_revision(conn, current.current_revision_id)  # with the facets it was indexed under
    conn.execute(
        update(materials)
        .where(materials.c.id == material_id)
        .values(**fields, updated_at=func.now())
    )
    if current.current_revision_id is not None:
        write_index_rows(conn, _index_rows(conn, current.current_revision_id))
    return True


def check_index(conn: Connection) -> None:
    """Raise if the search index is damaged (FTS5 integrity-check; a no-op on PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO para_fts(para_fts, rank) VALUES ('integrity-check', 0)")


def optimize_index(conn: Connection) -> None:
    """Merge index segments after a bulk load (SQLite FTS5 `optimize`; ANALYZE on PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("INSERT INTO para_fts(para_fts) VALUES ('optimize')")
    else:
        conn.execute(text("ANALYZE para_terms"))
