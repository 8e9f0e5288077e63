"""Leak tracing as a service: name the member a leaked file or text came from (trace/ holds the
pure parts: sites, code, reading, statistics; copies are marked in platform/copies.py with the
site lists of platform/marking.py).

Layers, strongest first: the file itself (the SHA-256 of every file served is logged), the .docx
copy id (a core property derived from the key), the text (the wording at variant sites, read
back even from an excerpt that was re-typed, converted or re-wrapped).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections import Counter, defaultdict
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
from gongwen.platform.marking import key, sites_for
from gongwen.store import materials, traces
from gongwen.trace import accuse, code, zerowidth
from gongwen.trace import read as reading

# What one leaked file or text may cost the tracer (a leak report's evidence, `gongwen trace`):
# its bytes, a .docx inflating to 3 times that, no more text than may be pasted.
MAX_FILE_BYTES = 20 * 2**20
MAX_TEXT = 200_000
LIMITS = UploadLimits(MAX_FILE_BYTES, 3 * MAX_FILE_BYTES, MAX_TEXT)

CHUNK = 12  # characters of the suspect looked up to find which material it comes from
CHUNKS = 16
MAX_CANDIDATES = 5


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
