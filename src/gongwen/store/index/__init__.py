"""The search index, derived from the database.

- engine.py: `SearchIndex`, a tantivy index on disk (two documents per current revision: its
  full side and its public side), ranking every matching material within the viewer's scope
  and counting facets; kept up to date from the database's queue.
- documents.py: what a revision's index documents hold, read from the database.
- queue.py: the outbox; every change to a material marks its revisions in the same
  transaction.
- ranking.py: the passages a result shows, chosen from the database.

Nothing outside the scope is matched, counted or ranked.
"""

from __future__ import annotations

from pathlib import Path

from gongwen.model.search import Filters
from gongwen.store.index.documents import facet
from gongwen.store.index.engine import SearchIndex

FILTER_FIELDS = {
    "organisation_kind": "kind",
    "doc_type": "type",
    "year": "year",
    "period": "period",
}

__all__ = ["FILTER_FIELDS", "SearchIndex", "VISIBLE", "filter_facets", "index_path"]


def filter_facets(filters: Filters) -> list[str]:
    """The facet terms a filter requires (the section filter searches sections instead)."""
    return [
        facet(name, value)
        for field_name, name in FILTER_FIELDS.items()
        if (value := getattr(filters, field_name)) is not None and value != ""
    ]


def index_path(db_url: str, db_path: str | None, var_dir: Path) -> Path:
    """Where a database's index lives by default: beside an SQLite file, else under var/."""
    if db_path and db_path != ":memory:":
        return Path(f"{db_path}.index")
    import hashlib

    return var_dir / "index" / hashlib.sha256(db_url.encode()).hexdigest()[:16]


VISIBLE = "m.published_at IS NOT NULL AND m.published_at <= :visible_at AND m.retired_at IS NULL"
