"""The search index behind one interface, with an implementation per database.

It is written from a revision's passages (model.material.PassageKind: body paragraphs, and the
title, headings and preview parts that everyone may search), each an `IndexRow` with its tokens
(parse.tokens) and facet tokens (organisation kind, document type, year, period, section kind,
scope side). They make two documents per current revision (`MaterialDoc`): its full side
(title, headings, body) and its public side (title, headings, preview), with the material's
facets and the kinds of the sections it has. `SearchIndex.rank_sql` ranks *every* matching
material within the scope (BM25 over weighted title/headings/body columns on SQLite); the
passages shown are chosen from the database by search.service. Nothing outside the scope is
matched, counted or ranked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from gongwen.model.material import PassageKind
from gongwen.model.search import Filters, Scope, Term
from gongwen.parse.tokens import facet_token

# Scope tokens: the full side (what readers of a material search) and the public side (what
# everyone else searches). Titles and headings are on both sides.
FULL = facet_token("scope", "full")
PUBLIC = facet_token("scope", "public")
_SIDES = {
    PassageKind.BODY: (FULL,),
    PassageKind.TITLE: (FULL, PUBLIC),
    PassageKind.HEADING: (FULL, PUBLIC),
    PassageKind.PREVIEW: (PUBLIC,),
}
FILTER_FIELDS = {
    "organisation_kind": "kind",
    "doc_type": "type",
    "year": "year",
    "period": "period",
    "section_kind": "section",
}


@dataclass(frozen=True, slots=True)
class IndexRow:
    id: int  # paragraphs.id
    revision_id: int
    kind: str  # PassageKind
    body: str  # space-separated tokens
    facets: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MaterialDoc:
    """One side of a revision as one searchable document (columns weighted by `WEIGHTS`)."""

    id: int  # revision_id * 2 + side (0 full, 1 public): `doc_id`
    title: str  # tokens
    headings: str
    body: str
    facets: tuple[str, ...]


# BM25 column weights: a term in the title says more about a material than one in its body.
WEIGHTS = {"title": 4.0, "headings": 2.0, "body": 1.0}
_FULL_SIDE, _PUBLIC_SIDE = 0, 1


RANK_COLUMNS = (
    "revision id",
    "material id",
    "score",
    "doc_type",
    "organisation_kind",
    "year",
    "reads",  # the full side matched: the viewer searches the material's whole text
)


def doc_id(revision_id: int, public: bool) -> int:
    return revision_id * 2 + (_PUBLIC_SIDE if public else _FULL_SIDE)


def material_docs(rows: list[IndexRow]) -> list[MaterialDoc]:
    """The full and public documents of every revision among `rows` (which hold whole
    revisions: every caller adds and removes a revision's passages together)."""
    by_revision: dict[int, list[IndexRow]] = {}
    for r in rows:
        by_revision.setdefault(r.revision_id, []).append(r)
    docs = []
    for revision_id, rs in by_revision.items():
        rs.sort(key=lambda r: r.id)
        # The material's facets and the kinds of its sections; sorted, so a removal replays
        # exactly what was added.
        facets = tuple(sorted({f for r in rs for f in r.facets} - {FULL, PUBLIC}))

        def text(kind: str, rs: list[IndexRow] = rs) -> str:
            return " ".join(r.body for r in rs if r.kind == kind and r.body)

        title, headings = text(PassageKind.TITLE), text(PassageKind.HEADING)
        docs.append(
            MaterialDoc(
                doc_id(revision_id, False), title, headings, text(PassageKind.BODY), (*facets, FULL)
            )
        )
        docs.append(
            MaterialDoc(
                doc_id(revision_id, True),
                title,
                headings,
                text(PassageKind.PREVIEW),
                (*facets, PUBLIC),
            )
        )
    return docs


def row_facets(
    material: dict[str, Any], section_kind: str | None, kind: PassageKind
) -> tuple[str, ...]:
    """Facet tokens of a passage: its material's facets, its section's kind, its side(s)."""
    facets = [
        facet_token("kind", material["organisation_kind"]),
        facet_token("type", material["doc_type"]),
        facet_token("year", material["year"]),
        facet_token("period", material["period"]),
    ]
    if section_kind:
        facets.append(facet_token("section", section_kind))
    return (*facets, *_SIDES[kind])


def filter_tokens(filters: Filters) -> list[str]:
    return [
        facet_token(name, value)
        for field_name, name in FILTER_FIELDS.items()
        if (value := getattr(filters, field_name)) is not None and value != ""
    ]


class SearchIndex(Protocol):
    dialect: str

    def add(self, conn: Any, rows: list[IndexRow]) -> None:
        """Index passages (inside the caller's transaction)."""

    def remove(self, conn: Any, rows: list[IndexRow]) -> None:
        """Take passages out; `rows` hold exactly what was indexed."""

    def rank_sql(
        self, conn: Any, terms: list[Term], facets: list[str], scope: Scope, params: dict[str, Any]
    ) -> str:
        """A query of RANK_COLUMNS for every material document matching every term and facet
        within the scope, one per material (its full side where the viewer reads it, else its
        public side); higher scores rank first."""

    def field_matches_sql(
        self, conn: Any, terms: list[Term], field: str, params: dict[str, Any]
    ) -> str:
        """A query of the revision ids whose `field` ("title" or "headings") holds every
        term: a small set, used to weight those materials up."""

    def check(self, conn: Any) -> None:
        """Raise if the index is damaged."""

    def optimize(self, conn: Any) -> None:
        """Tidy the index after a bulk load."""


def index_for(dialect: str) -> SearchIndex:
    if dialect == "sqlite":
        from gongwen.store.index.fts5 import Fts5Index

        return Fts5Index()
    from gongwen.store.index.postgres import PostgresIndex

    return PostgresIndex()


VISIBLE = "m.published_at IS NOT NULL AND m.published_at <= :visible_at AND m.retired_at IS NULL"
