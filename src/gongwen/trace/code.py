"""The code: which wording each member's copy takes at each site, and how a leaked copy accuses.

Everything per copy is derived from a server key with HMAC-SHA256 (a keyed PRF), so nothing is
stored per copy:
- each site has a bias p = sin²(r), r uniform in [r₀, π/2 − r₀] (Tardos' arcsine density, cut
  off at p ∈ [CUTOFF, 1 − CUTOFF]);
- a member's symbol at a site is 1 with probability p (forms[1]), else 0 (forms[0]).

Two schemes, chosen by the site list a copy was made with (`Marking`):
- anchored (every list frozen since catalogue 2026.12-3): bias and symbol are keyed by the
  material and the site's anchor (trace/sites.py), so a site an edit leaves alone reads the
  same in every revision of the material, and a diff of two revisions shows no mark; the
  symbol is one keyed BLAKE2b per site under a per-(material, member) key;
- legacy (lists of catalogue 2026.12-2): bias keyed by the site's offset in the revision, the
  symbols a keyed SHAKE-256 stream per (revision, member) over the frozen list.

A read copy gives symbols y at some sites. A member's score is Tardos' symmetric score
(Škorić et al.): +√((1−p)/p) for agreeing on a 1, +√(p/(1−p)) for agreeing on a 0, and the
negative of the other for disagreeing. Members who colluded (mixing their copies) still score
high on average, innocents score 0 on average.

The false-accusation bound: an innocent member's symbols are independent of the read copy, so
their score is a sum of independent two-point variables whose distribution is known exactly
from the biases. Chernoff's bound, minimised over λ, bounds P(innocent score ≥ s); times the
number of members who received the material (a union bound) it bounds the chance that anyone
innocent scores as high as the accused.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# Biases stay in [0.3, 0.7]: short excerpts need sites that say something (bench: 1,200
# characters identified 82 % at 0.3, 70 % at 0.15; three colluders voting caught either way).
# Part of every copy's derivation: changing it makes copies already served untraceable.
CUTOFF = 0.3


@functools.lru_cache(maxsize=8)
def _keyed(key: bytes) -> hmac.HMAC:
    """HMAC-SHA256 with the key already absorbed: copies of it cost a tenth of a new one."""
    return hmac.new(key, digestmod=hashlib.sha256)


def _unit(key: bytes, *parts: object) -> float:
    """A number in [0, 1) from the key and the parts (HMAC-SHA256, 53 bits)."""
    mac = _keyed(key).copy()
    mac.update("\x1f".join(str(p) for p in parts).encode("utf-8"))
    return (int.from_bytes(mac.digest()[:8], "big") >> 11) / float(1 << 53)


_R0 = math.asin(math.sqrt(CUTOFF))


def bias(key: bytes, revision_id: int, site: int) -> float:
    r = _R0 + (math.pi / 2 - 2 * _R0) * _unit(key, "bias", revision_id, site)
    return math.sin(r) ** 2


def _biases(key: bytes, prefix: str, names: Iterable[str]) -> list[float]:
    """The bias keyed by prefix + name for each name: `bias` computed from one absorbed key."""
    mac = _keyed(key)
    head = prefix.encode()
    span = math.pi / 2 - 2 * _R0
    out = []
    for name in names:
        h = mac.copy()
        h.update(head + name.encode())
        u = (int.from_bytes(h.digest()[:8], "big") >> 11) / float(1 << 53)
        out.append(math.sin(_R0 + span * u) ** 2)
    return out


def biases_of_offsets(key: bytes, revision_id: int, sites: Sequence[int]) -> list[float]:
    """`bias` of every site offset of a revision (legacy lists)."""
    return _biases(key, f"bias\x1f{revision_id}\x1f", map(str, sites))


def symbols(key: bytes, revision_id: int, member_id: int, biases: Sequence[float]) -> list[int]:
    """A member's symbol at each site of a revision's (frozen) site list, in order.

    One keyed SHAKE-256 stream per (revision, member) gives every site its uniform number: a
    page view or a trace of 200 members costs microseconds per member, not an HMAC per site."""
    import numpy as np

    message = f"symbols\x1f{revision_id}\x1f{member_id}".encode()
    stream = hashlib.shake_256(len(key).to_bytes(2, "big") + key + message).digest(8 * len(biases))
    # The same numbers as int.from_bytes(8 bytes, "big") >> 11 over 2**53, a page at a time.
    units = (np.frombuffer(stream, dtype=">u8") >> np.uint64(11)).astype(np.float64) / 2.0**53
    chosen: list[int] = (units < np.asarray(biases, dtype=np.float64)).astype(np.int8).tolist()
    return chosen


def anchored_biases(key: bytes, material_id: int, anchors: Sequence[str]) -> list[float]:
    """The bias of each site of a material, keyed by its anchor (the same in every revision)."""
    return _biases(key, f"bias2\x1f{material_id}\x1f", anchors)


def anchored_symbols(
    key: bytes, material_id: int, member_id: int, anchors: Sequence[str], biases: Sequence[float]
) -> list[int]:
    """A member's symbol at each anchored site: one keyed BLAKE2b per site under the member's
    key for the material (an HMAC of the server key), so a site keeps its symbol across
    revisions and lists."""
    member_key = hmac.new(
        key, f"member2\x1f{material_id}\x1f{member_id}".encode(), hashlib.sha256
    ).digest()
    blake = hashlib.blake2b
    out = []
    for anchor, p in zip(anchors, biases, strict=True):
        digest = blake(anchor.encode(), key=member_key, digest_size=8).digest()
        out.append(1 if (int.from_bytes(digest, "big") >> 11) / float(1 << 53) < p else 0)
    return out


@dataclass(frozen=True, slots=True)
class Marking:
    """How the copies made with one frozen site list are marked: each site's bias, and any
    member's symbols. `anchors` empty: a legacy list (keyed by revision and offset)."""

    key: bytes = field(repr=False)
    material_id: int
    revision_id: int
    offsets: tuple[int, ...]
    anchors: tuple[str, ...]
    biases: tuple[float, ...] = ()

    @classmethod
    def of(
        cls,
        key: bytes,
        material_id: int,
        revision_id: int,
        offsets: Sequence[int],
        anchors: Sequence[str],
    ) -> Marking:
        legacy = not anchors or not all(anchors)
        biases = (
            biases_of_offsets(key, revision_id, offsets)
            if legacy
            else anchored_biases(key, material_id, anchors)
        )
        return cls(
            key,
            material_id,
            revision_id,
            tuple(offsets),
            () if legacy else tuple(anchors),
            tuple(biases),
        )

    @property
    def legacy(self) -> bool:
        return not self.anchors

    def symbols(self, member_id: int) -> list[int]:
        if self.legacy:
            return symbols(self.key, self.revision_id, member_id, self.biases)
        return anchored_symbols(self.key, self.material_id, member_id, self.anchors, self.biases)


def copy_id(key: bytes, revision_id: int, member_id: int) -> str:
    """An opaque identifier of a member's copy of a revision (a .docx property carries it)."""
    message = f"copy\x1f{revision_id}\x1f{member_id}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def _terms(p: float, y: int) -> tuple[float, float]:
    """(score if the member agrees, score if not) at a site with bias p read as y."""
    if y == 1:
        return math.sqrt((1 - p) / p), -math.sqrt(p / (1 - p))
    return math.sqrt(p / (1 - p)), -math.sqrt((1 - p) / p)


def score(reads: Iterable[tuple[float, int, int]]) -> float:
    """Σ over sites of (bias, read symbol, member's symbol)."""
    total = 0.0
    for p, y, x in reads:
        agree, disagree = _terms(p, y)
        total += agree if x == y else disagree
    return total


@dataclass(frozen=True, slots=True)
class Read:
    """A site read from a copy: its bias and the symbol found."""

    p: float
    y: int


def innocent_tail(reads: Sequence[Read], threshold: float) -> float:
    """An upper bound on P(an innocent member's score ≥ threshold) (Chernoff, exact MGF)."""
    if not reads or threshold <= 0:
        return 1.0
    # P(agree) for an innocent: p when the copy reads 1, 1 − p when it reads 0.
    sites = [(_terms(r.p, r.y), r.p if r.y == 1 else 1 - r.p) for r in reads]

    def log_bound(lam: float) -> float:
        total = -lam * threshold
        for (agree, disagree), q in sites:
            a, b = lam * agree, lam * disagree
            m = max(a, b)
            total += m + math.log(q * math.exp(a - m) + (1 - q) * math.exp(b - m))
        return total

    # The bound is convex in λ: golden-section search on [0, hi].
    lo, hi = 0.0, 8.0
    ratio = (math.sqrt(5) - 1) / 2
    x1, x2 = hi - ratio * (hi - lo), lo + ratio * (hi - lo)
    f1, f2 = log_bound(x1), log_bound(x2)
    for _ in range(80):
        if f1 < f2:
            hi, x2, f2 = x2, x1, f1
            x1 = hi - ratio * (hi - lo)
            f1 = log_bound(x1)
        else:
            lo, x1, f1 = x1, x2, f2
            x2 = lo + ratio * (hi - lo)
            f2 = log_bound(x2)
    return min(1.0, math.exp(min(f1, f2, 0.0)))
