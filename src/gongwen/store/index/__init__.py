"""The search index behind one interface, with an implementation per database.

Rows are passages (model.material.PassageKind): body paragraphs, and the title, headings and
preview parts that everyone may search. Each row carries its tokens (parse.tokens) and facet
tokens (organisation kind, document type, year, period, section kind, scope side).
`SearchIndex.candidates` selects the newest `:cap` matching passages that the viewer's scope
allows, inside the index query: nothing outside the scope is counted, ranked or capped.
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
    body: str  # space-separated tokens
    facets: tuple[str, ...]


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

    def candidates(
        self, conn: Any, terms: list[Term], facets: list[str], scope: Scope, params: dict[str, Any]
    ) -> str:
        """A condition on `p.id` (paragraphs aliased p) that holds for the newest `:cap`
        passages matching every term and filter within the scope."""

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
