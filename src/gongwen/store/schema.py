"""Tables. The search index itself is not here: it is a tantivy directory (store/index)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    func,
)

from gongwen.store.types import UTCDateTime

metadata = MetaData()

source_files = Table(
    "source_files",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("path", Text, nullable=False),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("encoding", String(32), nullable=False),
    Column("preamble", Text, nullable=False, default=""),
    Column("ingested_at", UTCDateTime(), nullable=False, server_default=func.now()),
)

materials = Table(
    "materials",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", Text, nullable=False, unique=True),  # the source's identity (migration 0003)
    # Versions of one document (a law's editions): normalised title + organisation.
    Column("family", Text, nullable=False, default="", server_default="", index=True),
    Column("doc_date", String(10), nullable=False, default="", server_default=""),  # 成文日期
    Column("url", Text, nullable=False, default="", server_default=""),
    Column("title", Text, nullable=False),
    Column("organisation", Text, nullable=False, default=""),
    Column("organisation_kind", Text, nullable=False, default=""),
    Column("year", Integer),
    Column("period", Text, nullable=False, default=""),
    Column("doc_type", Text, nullable=False, default=""),
    Column("current_revision_id", Integer),
    Column("created_at", UTCDateTime(), nullable=False, server_default=func.now()),
    Column("updated_at", UTCDateTime(), nullable=False, server_default=func.now()),
    # Platform (migration 0002): when members may see it. NULL = draft; future = scheduled.
    Column("published_at", UTCDateTime(), index=True),
    Column("announced_at", UTCDateTime()),  # publication event sent (once)
    Column("retired_at", UTCDateTime()),
)

revisions = Table(
    "revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("material_id", Integer, ForeignKey("materials.id"), nullable=False),
    Column("number", Integer, nullable=False),  # 1, 2, … per material
    Column("content_hash", String(64), nullable=False),
    Column("source_file", Text, nullable=False, default=""),
    Column("text", Text, nullable=False),
    Column("note", Text, nullable=False, default=""),
    Column("created_at", UTCDateTime(), nullable=False, server_default=func.now()),
    Column("author_id", Integer),  # migration 0002: the editor who published it, if any
    UniqueConstraint("material_id", "content_hash"),
    UniqueConstraint("material_id", "number"),
)

sections = Table(
    "sections",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("revision_id", Integer, ForeignKey("revisions.id"), nullable=False),
    Column("ord", Integer, nullable=False),
    Column("level", Integer, nullable=False),
    Column("label", Text, nullable=False),
    Column("heading", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("start", Integer, nullable=False),
    Column("parent_ord", Integer),
)

# Body paragraphs of a revision, and the passages a viewer without a subscription may search
# (kind title, heading, preview: the parts of the text the material's page shows everyone).
paragraphs = Table(
    "paragraphs",
    metadata,
    Column("id", Integer, primary_key=True),  # also the search index rowid
    Column("revision_id", Integer, ForeignKey("revisions.id"), nullable=False, index=True),
    Column("kind", String(8), nullable=False, server_default="body"),  # see model.PassageKind
    Column("ord", Integer, nullable=False),
    Column("section_ord", Integer),
    Column("start", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("items", Text, nullable=False, default=""),  # JSON [[marker, start, end], …]
)

placeholders = Table(
    "placeholders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("revision_id", Integer, ForeignKey("revisions.id"), nullable=False, index=True),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("label", Text, nullable=False),
    Column("unit", Text, nullable=False, default=""),
    # Migration 0003: number | percent | money | name | place | date | text; 余/多/近; field name.
    Column("kind", String(8), nullable=False, default="number", server_default="number"),
    Column("approximate", Boolean, nullable=False, default=False, server_default=false()),
    Column("field", Text, nullable=False, default="", server_default=""),
)

# Migration 0006: each revision's passages as offsets into its text (store/index/layout.py).
passage_layouts = Table(
    "passage_layouts",
    metadata,
    Column("revision_id", Integer, ForeignKey("revisions.id"), primary_key=True),
    Column("layout", Text, nullable=False),
)

# The search index's outbox and identity (store/index/queue.py, migration 0006).
search_queue = Table(
    "search_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("revision_id", Integer, nullable=False),
)
search_identity = Table("search_identity", metadata, Column("value", String(32), primary_key=True))

Index("ix_revisions_material", revisions.c.material_id)
# Migration 0006: a section by (revision, ord), for the heading paths of search results.
Index("ix_sections_revision_ord", sections.c.revision_id, sections.c.ord)
# Migration 0005: related materials (store/catalogue.py).
Index("ix_materials_related_org", materials.c.organisation, materials.c.doc_type)
Index("ix_materials_related_kind", materials.c.doc_type, materials.c.organisation_kind)
