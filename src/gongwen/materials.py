"""Reading the library as its operator does (the command line): every material, drafts too."""

from __future__ import annotations

from gongwen.library import Library
from gongwen.model.material import MaterialDetail, MaterialSummary
from gongwen.store import materials as store


def list_materials(
    lib: Library,
    *,
    organisation_kind: str | None = None,
    doc_type: str | None = None,
    year: int | None = None,
    period: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[MaterialSummary]:
    with lib.db.read() as conn:
        return store.summaries(
            conn,
            organisation_kind=organisation_kind,
            doc_type=doc_type,
            year=year,
            period=period,
            limit=limit,
            offset=offset,
        )


def count_materials(lib: Library) -> int:
    with lib.db.read() as conn:
        return store.count(conn)


def material_detail(
    lib: Library, material_id: int, revision_number: int | None = None
) -> MaterialDetail:
    """A material at its current revision (or the numbered one), with its full structure."""
    with lib.db.read() as conn:
        return store.detail(conn, material_id, revision_number)
