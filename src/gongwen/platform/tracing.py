"""Leak tracing as a service: mark every member's copy, and name the member a leaked text came
from (trace/ holds the pure parts: sites, code, reading, statistics).

Layers, strongest first: the file itself (the SHA-256 of every file served is logged), the .docx
copy id (a core property derived from the key), the text (the wording at variant sites, read
back even from an excerpt that was re-typed, converted or re-wrapped).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from gongwen.errors import InvalidInput, NotFound, ReadError
from gongwen.ingest.uploads import DOCX_SUFFIX, TEXT_SUFFIXES, UploadLimits, upload_text
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.model.member import Member
from gongwen.model.search import Scope
from gongwen.platform.access import require_editor
from gongwen.store import audit, materials, traces
from gongwen.trace import accuse, code, mark, zerowidth
from gongwen.trace import read as reading
from gongwen.trace.sites import SYNONYMS, Site, find_sites, is_legacy
from gongwen.trace.sites import from_json as sites_from_json
from gongwen.trace.sites import to_json as sites_to_json
from gongwen.trace.sites import version as sites_version
from gongwen.util.clock import now

# What one leaked file or text may cost the tracer (a leak report's evidence, `gongwen trace`):
# its bytes, a .docx inflating to 3 times that, no more text than may be pasted.
MAX_FILE_BYTES = 20 * 2**20
MAX_TEXT = 200_000
LIMITS = UploadLimits(MAX_FILE_BYTES, 3 * MAX_FILE_BYTES, MAX_TEXT)

CHUNK = 12  # characters of the suspect looked up to find which material it comes from
CHUNKS = 16
MAX_CANDIDATES = 5


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


@dataclass(frozen=True, slots=True)
class MemberCopy:
    """A revision as one member's copy: their wording at every site, their notice and copy
    id; `sites_version` is the catalogue version of the list it was marked with (logged with
    every copy served, so that the copy is read back with the same list)."""

    detail: MaterialDetail
    member_id: int
    sites_version: str


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


def member_copy(lib: Library, member: Member, detail: MaterialDetail) -> MemberCopy:
    """`detail` as `member`'s copy: their wording at every site, the visible notice, the copy id."""
    listed = sites_for(lib, detail, freeze=True)
    chosen = listed.marking.symbols(member.id)
    marked = mark.marked_detail(
        detail,
        listed.sites,
        [s.forms[c] for s, c in zip(listed.sites, chosen, strict=True)],
        mark.notice(member.email, member.id, now()),
        code.copy_id(key(lib), detail.revision_id, member.id),
    )
    return MemberCopy(marked, member.id, listed.version)


def member_words(lib: Library, member_id: int, listed: SiteList) -> tuple[str, ...]:
    """A member's wording at each site of a list (a page fills its slots with them)."""
    chosen = listed.marking.symbols(member_id)
    return tuple(s.forms[c] for s, c in zip(listed.sites, chosen, strict=True))


@dataclass(slots=True)
class TraceReport:
    verdict: str  # identified | inconclusive
    members: list[dict[str, object]] = field(default_factory=list)
    materials: list[dict[str, object]] = field(default_factory=list)
    sites_read: int = 0
    layers: list[str] = field(default_factory=list)
    recipients: int = 0
    zero_width: list[str] = field(default_factory=list)  # members the optional marks name

    def as_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "members": self.members,
            "materials": self.materials,
            "sites_read": self.sites_read,
            "layers": self.layers,
            "recipients": self.recipients,
            "zero_width": self.zero_width,
        }


def trace(
    lib: Library,
    actor: Member,
    *,
    data: bytes | None = None,
    filename: str = "",
    text: str | None = None,
) -> TraceReport:
    """Who a leaked file or pasted text came from (editors and the command line)."""
    require_editor(actor)
    if data is None and not (text or "").strip():
        raise InvalidInput("text", "请上传文件或粘贴文字")
    secret = key(lib)
    if data is not None:
        with lib.db.read() as conn:
            served = traces.served_file(conn, hashlib.sha256(data).hexdigest())
        if served is not None:
            return _certain(lib, served, "file")
        text = _text_of(data, filename)
    invisible = zerowidth.decode(secret, text or "")  # before normalising strips them
    suspect = reading.normalize(text or "")
    candidates = _candidates(lib, suspect)
    with lib.db.read() as conn:
        copies = traces.recipients(conn, candidates)
    if data is not None and filename.lower().endswith(".docx"):
        found = _by_copy_id(secret, data, copies)
        if found is not None:
            return _certain(lib, found, "docx-property")
    by_material: dict[int, set[int]] = defaultdict(set)
    lists: dict[tuple[int, int], set[str]] = defaultdict(set)  # (material, revision) -> versions
    for member, mid, rev, version in copies:
        by_material[mid].add(member)
        lists[(mid, rev)].add(version)
    # Per material, the revision and site list whose reading accuses most strongly: a copy is
    # read with the list it was made with, but which copy leaked is what we are asking.
    best: dict[int, tuple[float, int, accuse.Evidence]] = {}
    tries = 1
    for mid in by_material:
        groups = [(rev, v) for (m, rev), versions in lists.items() if m == mid for v in versions]
        tries *= len(groups)
        for rev, version in sorted(groups):
            detail = _revision(lib, mid, rev)
            if detail is None:
                continue
            listed = sites_for(lib, detail, version=version)
            reader: reading.Reader = lib.caches.get(
                lib.caches.revisions,
                ("trace-reader", rev, version),
                partial(reading.Reader, detail.text, listed.sites),
            )
            evidence = accuse.Evidence(listed.marking, reader.read(suspect))
            if not evidence.reads:
                continue
            alone = accuse.accuse([evidence], by_material[mid], limit=1)
            strength = alone.suspects[0].bound if alone.suspects else 1.0
            if (strength, -len(evidence.reads)) < best.get(mid, (2.0, 0, evidence))[:2]:
                best[mid] = (strength, -len(evidence.reads), evidence)
    evidence_list = [e for _, _, e in best.values()]
    # Everyone who received a copy of a material read: a member whose copy was of another
    # revision still has their wording at the sites the revisions share.
    recipients = {m for e in evidence_list for m in by_material[e.marking.material_id]}
    verdict = accuse.accuse(evidence_list, recipients, tries=tries)
    with lib.db.read() as conn:
        emails = traces.emails(conn, [s.member_id for s in verdict.suspects] + invisible)
        titles = {mid: materials.title(conn, mid) for mid in best}
    layers = ["text"] if evidence_list else []
    if invisible:  # never the sole evidence: named, but the verdict rests on the text
        layers.append("zero-width")
    return TraceReport(
        verdict.verdict,
        [
            {"email": emails.get(s.member_id, ""), "bound": s.bound, "score": round(s.score, 2)}
            for s in verdict.suspects
        ],
        [
            {"id": mid, "title": titles.get(mid), "revision": e.revision_id, "sites": len(e.reads)}
            for mid, (_, _, e) in best.items()
        ],
        verdict.sites_read,
        layers,
        verdict.recipients,
        [emails.get(m, "") for m in invisible],
    )


def _certain(lib: Library, served: tuple[int, int, int], layer: str) -> TraceReport:
    member, mid, rev = served
    with lib.db.read() as conn:
        email = traces.emails(conn, [member]).get(member, "")
        title = materials.title(conn, mid)
    return TraceReport(
        "identified",
        [{"email": email, "bound": 0.0, "score": None}],
        [{"id": mid, "title": title, "revision": rev, "sites": 0}],
        0,
        [layer],
        1,
    )


def _text_of(data: bytes, filename: str) -> str:
    """The text of a leaked file, read no further than `LIMITS` (a .txt/.md/.docx is refused
    while reading as soon as it is over; a PDF is bounded by its bytes)."""
    from gongwen.ingest.readers import read_source

    name = filename or "upload.txt"
    if Path(name).suffix.lower() in (*TEXT_SUFFIXES, DOCX_SUFFIX):
        return upload_text(data, name, LIMITS)
    if len(data) > LIMITS.max_bytes:
        raise InvalidInput("file", f"{name}：文件超过 {LIMITS.max_bytes // 2**20} MB")
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"suspect{suffix}"
        path.write_bytes(data)
        try:
            return "\n".join(s.text for s in read_source(path))
        except ReadError as err:  # it names the temporary copy: name the user's file instead
            raise InvalidInput("file", f"{name}：{err.reason}") from err


def _by_copy_id(
    secret: bytes, data: bytes, copies: list[tuple[int, int, int, str]]
) -> tuple[int, int, int] | None:
    import io

    import docx

    try:
        found = docx.Document(io.BytesIO(data)).core_properties.identifier
    except Exception:  # not a readable .docx: the text layer decides
        return None
    for member, mid, rev, _ in copies:
        if found and found == code.copy_id(secret, rev, member):
            return member, mid, rev
    return None


def _candidates(lib: Library, suspect: str) -> list[int]:
    """The materials the suspect text comes from: pieces of it searched in the library."""
    from gongwen.errors import QueryError
    from gongwen.search.service import search

    votes: Counter[int] = Counter()
    step = max(CHUNK, (len(suspect) - CHUNK) // CHUNKS)
    for start in range(0, max(1, len(suspect) - CHUNK + 1), step):
        piece = suspect[start : start + CHUNK]
        try:
            found = search(lib, f'"{piece}"', scope=Scope.all(), limit=3)
        except QueryError:
            continue
        votes.update({m.material_id for m in found.materials})
    return [mid for mid, n in votes.most_common(MAX_CANDIDATES) if n >= 2 or len(votes) == 1]


def _revision(lib: Library, material_id: int, revision_id: int) -> MaterialDetail | None:
    with lib.db.read() as conn:
        number = traces.revision_number(conn, revision_id)
        return materials.detail(conn, material_id, number) if number is not None else None


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
    them), so that no reader's first view of a material pays for it (a long report takes
    about a second: every site is vetted). Returns the revisions prepared."""
    require_editor(actor)
    with lib.db.read() as conn:
        todo = traces.unprepared_revisions(conn, sites_version())
    for done, (material_id, number) in enumerate(todo, 1):
        with lib.db.read() as conn:
            detail = materials.detail(conn, material_id, number)
        sites_for(lib, detail, freeze=True)
        if progress:
            progress(done, len(todo))
    return len(todo)
