"""Marking: the key every copy's marks derive from, and each revision's variant sites frozen
per catalogue version (trace/sites.py finds them, trace/code.py keys them); and the editor's
review of them: vetoes and added pairs until the first copy freezes a list, `prepare` to freeze
ahead of readers. Copies are made from these lists in platform/copies.py; a leak is read back
with them in platform/tracing.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gongwen.errors import InvalidInput, NotFound
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.model.member import Member
from gongwen.platform.access import require_editor
from gongwen.store import audit, materials, traces
from gongwen.trace import code
from gongwen.trace.sites import SYNONYMS, Site, find_sites, is_legacy
from gongwen.trace.sites import from_json as sites_from_json
from gongwen.trace.sites import to_json as sites_to_json
from gongwen.trace.sites import version as sites_version

__all__ = [
    "SiteList",
    "key",
    "paragraph_spans",
    "prepare",
    "sites_for",
    "sites_version",
]


def key(lib: Library) -> bytes:
    """The marking key (made on first use; it never changes, so each process keeps it)."""

    def load() -> bytes:
        with lib.db.read() as conn:
            found = traces.existing_key(conn)
        if found is not None:
            return found
        with lib.db.write() as conn:
            return traces.key(conn)

    return lib.caches.get(lib.caches.revisions, "trace-key", load)


@dataclass(frozen=True, slots=True)
class SiteList:
    """A revision's variant sites under one catalogue version, and how its copies are marked."""

    version: str
    sites: list[Site]
    marking: code.Marking


def paragraph_spans(detail: MaterialDetail) -> list[tuple[int, int]]:
    """Where the revision's body paragraphs lie in its text (headings and the title stay as
    they are in every copy)."""
    return sorted(
        (int(p["start"]), int(p["start"]) + len(str(p["text"]))) for p in detail.paragraphs
    )


def sites_for(
    lib: Library, detail: MaterialDetail, *, version: str | None = None, freeze: bool = False
) -> SiteList:
    """The revision's variant sites inside its paragraphs under a catalogue version (today's
    by default), less the ones an editor vetoed, with the pairs editors added.

    The list is frozen (stored) when the first copy is made (`freeze`): vetoes and additions
    made later apply to revisions nobody has a copy of yet, so every copy of a revision, and
    the reading of a leak, use the same sites. A list of an older version exists only frozen
    (its copies were made with it). A frozen list is kept per process."""
    version = version or sites_version()
    cache_key = ("trace-sites", detail.revision_id, version)
    cached: SiteList | None = lib.caches.peek(lib.caches.revisions, cache_key)
    if cached is not None:
        return cached
    with lib.db.read() as conn:
        frozen = traces.frozen_sites(conn, detail.revision_id, version)
        if frozen is None:
            extra = tuple(traces.additions(conn))
            vetoed = traces.vetoes(conn, detail.revision_id)
    if frozen is not None:
        kept = _site_list(lib, detail, version, sites_from_json(frozen))
        return lib.caches.get(lib.caches.revisions, cache_key, lambda: kept)
    if version != sites_version():
        return _site_list(lib, detail, version, [])  # never frozen: no copy was made with it
    found = find_sites(detail.text, extra, spans=paragraph_spans(detail))
    sites = [s for s in found if s.start not in vetoed]
    if not freeze:
        return _site_list(lib, detail, version, sites)
    with lib.db.write() as conn:  # another process may have frozen it first: theirs is kept
        json_kept = traces.freeze_sites(conn, detail.revision_id, version, sites_to_json(sites))
    kept = _site_list(lib, detail, version, sites_from_json(json_kept))
    return lib.caches.get(lib.caches.revisions, cache_key, lambda: kept)


def _site_list(lib: Library, detail: MaterialDetail, version: str, sites: list[Site]) -> SiteList:
    marking = code.Marking.of(
        key(lib),
        detail.summary.id,
        detail.revision_id,
        [s.start for s in sites],
        [] if is_legacy(version) else [s.anchor for s in sites],
    )
    return SiteList(version, sites, marking)


@dataclass(frozen=True, slots=True)
class VariantSite:
    start: int
    kind: str
    base: str  # the wording of the published text
    other: str  # the other wording some copies take ("" = left out)
    before: str  # context
    after: str
    vetoed: bool


@dataclass(frozen=True, slots=True)
class Variants:
    material_id: int
    revision_id: int
    title: str
    frozen: bool  # a copy was made: the list can no longer change
    sites: list[VariantSite]
    pairs: list[tuple[str, str]]  # editors' additions to the catalogue


def variants(lib: Library, editor: Member, material_id: int) -> Variants:
    """What copies of a material's current revision may vary in, for an editor to review."""
    require_editor(editor)
    with lib.db.read() as conn:
        detail = materials.detail(conn, material_id)
        frozen = traces.frozen_sites(conn, detail.revision_id, sites_version()) is not None
        vetoed = traces.vetoes(conn, detail.revision_id)
        pairs = traces.additions(conn)
    # Unfrozen: every candidate, vetoed ones included (shown unticked-able).
    sites = (
        sites_for(lib, detail).sites
        if frozen
        else find_sites(detail.text, tuple(pairs), spans=paragraph_spans(detail))
    )
    text = detail.text
    return Variants(
        material_id,
        detail.revision_id,
        detail.summary.title,
        frozen,
        [
            VariantSite(
                s.start,
                s.kind,
                s.forms[s.base],
                s.forms[1 - s.base],
                text[max(0, s.start - 12) : s.start],
                text[s.end : s.end + 12],
                s.start in vetoed,
            )
            for s in sites
        ],
        pairs,
    )


def set_vetoes(lib: Library, editor: Member, material_id: int, starts: set[int]) -> None:
    """Veto sites of the current revision (they keep the published wording in every copy);
    only until the first copy is made."""
    require_editor(editor)
    with lib.db.write() as conn:
        revision_id = materials.current_revision(conn, material_id)
        if revision_id is None:
            raise NotFound(f"没有编号为 {material_id} 的材料")
        if traces.frozen_sites(conn, revision_id, sites_version()) is not None:
            raise InvalidInput("veto", "已有会员取得这一版本的副本，标记已固定，不能再改")
        traces.set_vetoes(conn, revision_id, starts, editor.id)
        audit.record(
            conn,
            editor.id,
            "trace.veto",
            str(material_id),
            {"revision": revision_id, "sites": len(starts)},
        )


def add_pair(lib: Library, editor: Member, form_a: str, form_b: str) -> None:
    """An editor-approved pair of interchangeable words, used for revisions not yet copied."""
    require_editor(editor)
    form_a, form_b = form_a.strip(), form_b.strip()
    for name, word in (("form_a", form_a), ("form_b", form_b)):
        if not 1 <= len(word) <= 4 or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
            raise InvalidInput(name, "须为 1 到 4 个汉字的词")
    if form_a == form_b:
        raise InvalidInput("form_b", "两种说法须不同")
    known = {w for pair in SYNONYMS for w in pair}
    with lib.db.write() as conn:
        known |= {w for pair in traces.additions(conn) for w in pair}
        if form_a in known or form_b in known:
            raise InvalidInput("form_a", "其中的词已在可替换词表中")
        traces.add_pair(conn, form_a, form_b, editor.id)
        audit.record(conn, editor.id, "trace.pair", f"{form_a}/{form_b}")


def prepare(lib: Library, actor: Member, progress: Callable[[int, int], None] | None = None) -> int:
    """Find and freeze the variant sites of every current revision that has none under
    today's catalogue version yet (lists of older versions stay, for the copies made with
    them), and store each one's page template (platform/pages.py), so that no reader's first
    view of a material pays for it (a long report takes about a second: every site is
    vetted). Returns the revisions prepared."""
    require_editor(actor)
    with lib.db.read() as conn:
        todo = traces.unprepared_revisions(conn, sites_version())
    from gongwen.platform import pages  # pages builds on this module

    for done, (material_id, number) in enumerate(todo, 1):
        with lib.db.read() as conn:
            revision_id = materials.current_revision(conn, material_id)
        if revision_id is not None:  # freezes the sites, then stores the page template
            pages.make(lib, material_id, revision_id, number)
        if progress:
            progress(done, len(todo))
    return len(todo)
