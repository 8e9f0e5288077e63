"""Leak tracing as a service: name the member a leaked file or text came from (trace/ holds the
pure parts: sites, code, reading, statistics; copies are marked in platform/copies.py with the
site lists of platform/marking.py).

Layers, strongest first: the file itself (the SHA-256 of every file served is logged), the .docx
copy id (a core property derived from the key), the text (the wording at variant sites, read
back even from an excerpt that was re-typed, converted or re-wrapped).

A file layer settles its material; the text is still read for the others, each material
accused among its own recipients: `identified` (bound ≤ 1e-6, or a file layer: the only result
that may suspend anyone), `probable` (bound ≤ 1e-3: editors only, who ask for more text), or
`inconclusive` (nobody named).
"""

from __future__ import annotations

import hashlib
import math
import tempfile
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from gongwen.errors import InvalidInput, ReadError
from gongwen.ingest.uploads import DOCX_SUFFIX, TEXT_SUFFIXES, UploadLimits, upload_text
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.model.member import Member
from gongwen.model.search import Scope
from gongwen.platform.access import require_editor
from gongwen.platform.copies import flush_reads
from gongwen.platform.marking import key, sites_for
from gongwen.store import materials, traces
from gongwen.trace import accuse, code, zerowidth
from gongwen.trace import read as reading

# What one leaked file or text may cost the tracer (a leak report's evidence, `gongwen trace`):
# its bytes, a .docx inflating to 3 times that, no more text than may be pasted.
MAX_FILE_BYTES = 20 * 2**20
MAX_TEXT = 200_000
LIMITS = UploadLimits(MAX_FILE_BYTES, 3 * MAX_FILE_BYTES, MAX_TEXT)
# Pieces of one leak traced together (reports combined): at most this many, and no more text
# in all than one piece may hold.
MAX_PIECES = 10

CHUNK = 12  # characters of the suspect looked up to find which material it comes from
CHUNKS = 16  # pieces searched in a suspect (one more per 300 characters, up to MAX_CHUNKS)
MAX_CHUNKS = 48
MAX_CANDIDATES = 5


ADVICE = "可能来源：请举报人提供更多文字后再核实；仅凭此结果不能停用账号"

# One piece of evidence: a file's bytes and name, or pasted text (a file's text wins).
Item = tuple[bytes | None, str, str | None]


@dataclass(slots=True)
class TraceReport:
    """What a trace found: per source material its verdict and members, and over all of them
    the strongest verdict and every member named (`probable` or better)."""

    verdict: str  # identified | probable | inconclusive: the strongest over the materials
    members: list[dict[str, object]] = field(default_factory=list)
    materials: list[dict[str, object]] = field(default_factory=list)
    sites_read: int = 0
    layers: list[str] = field(default_factory=list)
    recipients: int = 0
    zero_width: list[str] = field(default_factory=list)  # members the optional marks name
    sites_informative: int = 0  # sites read less those of normalised pairs
    normalised: list[dict[str, object]] = field(default_factory=list)
    advice: str = ""  # what to do about a `probable` result

    def as_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict,
            "members": self.members,
            "materials": self.materials,
            "sites_read": self.sites_read,
            "sites_informative": self.sites_informative,
            "layers": self.layers,
            "recipients": self.recipients,
            "zero_width": self.zero_width,
            "normalised": self.normalised,
            "advice": self.advice,
        }


@dataclass(frozen=True, slots=True)
class _Source:
    """One material's result: certain (a file layer) or the text's verdict."""

    material_id: int
    revision_id: int
    layer: str  # text | file | docx-property
    verdict: accuse.Verdict
    recipients: frozenset[int]


def trace(
    lib: Library,
    actor: Member,
    *,
    data: bytes | None = None,
    filename: str = "",
    text: str | None = None,
) -> TraceReport:
    """Who a leaked file or pasted text came from (editors and the command line)."""
    return trace_combined(lib, actor, [(data, filename, text)])


def trace_combined(lib: Library, actor: Member, items: Sequence[Item]) -> TraceReport:
    """Who several pieces of one leak came from (reports, excerpts): each file's own layers,
    then all the texts read together, so that the evidence for a material adds up.

    Each source material is accused on its own, among the members who received it: a text
    pasted together from several materials names each one's member with their own bound. A
    file-layer match settles its material and the text is still read for the others."""
    require_editor(actor)
    if not items or any(d is None and not (t or "").strip() for d, _, t in items):
        raise InvalidInput("text", "请上传文件或粘贴文字")
    if len(items) > MAX_PIECES:
        raise InvalidInput("text", f"一次最多合并溯源 {MAX_PIECES} 份证据（收到 {len(items)} 份）")
    flush_reads(lib)  # this process's page reads: their readers are recipients too
    secret = key(lib)
    certain: dict[int, tuple[int, int, str]] = {}  # material -> (member, revision, layer)
    texts: list[str] = []
    docx_files: list[bytes] = []
    for data, filename, text in items:
        if data is not None:
            with lib.db.read() as conn:
                served = traces.served_file(conn, hashlib.sha256(data).hexdigest())
            if served is not None:
                certain.setdefault(served[1], (served[0], served[2], "file"))
            elif filename.lower().endswith(".docx"):
                docx_files.append(data)
            text = _text_of(data, filename)
        texts.append(text or "")
        if sum(map(len, texts)) > MAX_TEXT:  # before any of it is read for marks
            raise InvalidInput("text", f"合并溯源的文字合计超过 {MAX_TEXT:,} 字")
    invisible = list(dict.fromkeys(m for t in texts for m in zerowidth.decode(secret, t)))
    # Read together; a line break (never in a normalised text) keeps patterns within a piece.
    suspect = "\n".join(reading.normalize(t) for t in texts)
    candidates = _candidates(lib, suspect)
    with lib.db.read() as conn:
        copies = traces.recipients(conn, sorted({*candidates, *certain}))
    for data in docx_files:
        found = _by_copy_id(secret, data, copies)
        if found is not None:
            certain.setdefault(found[1], (found[0], found[2], "docx-property"))
    by_material: dict[int, set[int]] = defaultdict(set)
    for member, mid, _, _ in copies:
        by_material[mid].add(member)
    sources = [
        _Source(
            mid,
            rev,
            layer,
            accuse.Verdict(accuse.IDENTIFIED, [accuse.Suspect(member, math.inf, 0.0)]),
            frozenset(by_material[mid] | {member}),
        )
        for mid, (member, rev, layer) in certain.items()
    ]
    read, joint = _read_text(lib, suspect, [c for c in candidates if c not in certain], copies)
    return _report(lib, sources + read, invisible, joint)


def _read_text(
    lib: Library, suspect: str, candidates: list[int], copies: list[tuple[int, int, int, str]]
) -> tuple[list[_Source], accuse.Verdict | None]:
    """The text's verdict for each candidate material it has sites of; and, when it has sites
    of several, the verdict on all of them together (one leaker's excerpts of several
    materials: their evidence adds up)."""
    by_material: dict[int, set[int]] = defaultdict(set)
    lists: dict[tuple[int, int], set[str]] = defaultdict(set)  # (material, revision) -> versions
    for member, mid, rev, version in copies:
        if mid in candidates:
            by_material[mid].add(member)
            lists[(mid, rev)].add(version)
    # Per material, the revision and site list whose reading accuses most strongly: a copy is
    # read with the list it was made with, but which copy leaked is what we are asking.
    best: dict[int, tuple[float, int, accuse.Evidence]] = {}
    tries: dict[int, int] = {}
    for mid in by_material:
        groups = [(rev, v) for (m, rev), versions in lists.items() if m == mid for v in versions]
        tries[mid] = len(groups)
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
            evidence = accuse.Evidence(
                listed.marking, reader.read(suspect), [s.forms for s in listed.sites]
            )
            if not evidence.reads:
                continue
            alone = accuse.accuse([evidence], by_material[mid], limit=1)
            strength = alone.ranking[0].bound if alone.ranking else 1.0
            if (strength, -len(evidence.reads)) < best.get(mid, (2.0, 0, evidence))[:2]:
                best[mid] = (strength, -len(evidence.reads), evidence)
    # Every material read is one more test of the same text, and so is the joint reading of
    # them all: each bound is a union over those tests.
    tests = len(best) + (1 if len(best) > 1 else 0)
    sources = [
        _Source(
            mid,
            e.revision_id,
            "text",
            accuse.accuse([e], by_material[mid], tries=tries[mid] * tests),
            frozenset(by_material[mid]),
        )
        for mid, (_, _, e) in best.items()
    ]
    if len(best) < 2:
        return sources, None
    # An innocent's symbols are independent of every site read, whichever materials they
    # received: the bound over all the sites together holds for them too.
    joint = accuse.accuse(
        [e for _, _, e in best.values()],
        set().union(*(by_material[mid] for mid in best)),
        tries=math.prod(tries[mid] for mid in best) * tests,
    )
    return sources, joint


def _report(
    lib: Library,
    sources: list[_Source],
    invisible: list[int],
    joint: accuse.Verdict | None = None,
) -> TraceReport:
    """The report of every material's result: certain ones first, then the strongest; a
    member named only by the joint reading of several materials is named with the materials
    they received among those read ("material_id": null)."""
    sources.sort(
        key=lambda s: (
            s.layer == "text",
            -accuse.STRENGTH[s.verdict.verdict],
            -s.verdict.sites_read,
        )
    )
    together = joint.suspects if joint is not None else []
    with lib.db.read() as conn:
        named = [s.member_id for src in sources for s in src.verdict.suspects]
        named += [s.member_id for s in together]
        emails = traces.emails(conn, named + invisible)
        titles = {src.material_id: materials.title(conn, src.material_id) for src in sources}

    def member(src: _Source, s: accuse.Suspect) -> dict[str, object]:
        return {
            "email": emails.get(s.member_id, ""),
            "bound": s.bound,
            "score": round(s.score, 2) if math.isfinite(s.score) else None,
            "verdict": s.level,
            "material_id": src.material_id,
        }

    entries: list[dict[str, object]] = []
    members: list[dict[str, object]] = []
    for src in sources:
        named_here = [member(src, s) for s in src.verdict.suspects]
        members += named_here
        entries.append(
            {
                "id": src.material_id,
                "title": titles.get(src.material_id),
                "revision": src.revision_id,
                "sites": src.verdict.sites_read,
                "sites_informative": src.verdict.sites_informative,
                "verdict": src.verdict.verdict,
                "members": named_here,
                "layer": src.layer,
            }
        )
    for s in together:
        members.append(
            {
                "email": emails.get(s.member_id, ""),
                "bound": s.bound,
                "score": round(s.score, 2),
                "verdict": s.level,
                "material_id": None,
                "joint": [src.material_id for src in sources if s.member_id in src.recipients],
            }
        )
    # Identified before probable, each by its bound; a member named for several materials
    # once, at their strongest (each material's entry keeps its own).
    members.sort(key=lambda m: (m["verdict"] != accuse.IDENTIFIED, m["bound"]))
    once: dict[object, dict[str, object]] = {}
    for m in members:
        kept = once.setdefault(m["email"], {**m, "materials": []})
        joined = m.get("joint") or [m["material_id"]]
        kept["materials"] = sorted({*kept["materials"], *joined})  # type: ignore[misc]
    members = list(once.values())
    verdicts = [src.verdict.verdict for src in sources] + ([joint.verdict] if joint else [])
    layers = list(dict.fromkeys(src.layer for src in sources))
    if invisible:  # never the sole evidence: named, but the verdict rests on the text
        layers.append("zero-width")
    return TraceReport(
        max(verdicts, key=accuse.STRENGTH.__getitem__, default=accuse.INCONCLUSIVE),
        members,
        entries,
        sum(src.verdict.sites_read for src in sources),
        layers,
        len(frozenset().union(*(src.recipients for src in sources))),
        [emails.get(m, "") for m in invisible],
        sum(src.verdict.sites_informative for src in sources),
        [
            {
                "material_id": src.material_id,
                "pairs": [[*n.forms, n.everywhere] for n in src.verdict.normalised],
            }
            for src in sources
            if src.verdict.normalised
        ],
        ADVICE if accuse.PROBABLE in verdicts else "",
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
    chunks = min(MAX_CHUNKS, max(CHUNKS, len(suspect) // 300))
    step = max(CHUNK, (len(suspect) - CHUNK) // chunks)
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
