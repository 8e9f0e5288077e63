"""Character n-grams as the proofreader's model stores them: token ids, rolling 48-bit hashes,
a sorted hash table with a bucket index, and the lookup table from characters to ids.

Shared by the runtime (charlm.py) and the builder (build_model.py), so that both hash alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
F32 = npt.NDArray[np.float32]
BoolA = npt.NDArray[np.bool_]

# Fixed token ids; vocabulary characters start at FIRST.
PAD, BOS, EOS, DIGIT, LATIN, OTHER, UNK_HAN = 0, 1, 2, 3, 4, 5, 6
FIRST = 7
# Look-up-table markers (never stored in a token stream).
SKIP = 0xFFFF  # whitespace: dropped, so "贫 困" scores like "贫困"
NEWLINE = 0xFFFE  # ends a line: becomes EOS BOS

_M1 = np.uint64(0x9E3779B97F4A7C15)
_M2 = np.uint64(0xBF58476D1CE4E5B9)
_M3 = np.uint64(0x94D049BB133111EB)
_MASK48 = np.uint64((1 << 48) - 1)
_S29, _S30, _S27, _S31 = np.uint64(29), np.uint64(30), np.uint64(27), np.uint64(31)


def is_han(ch: str) -> bool:
    """CJK unified ideographs (basic block and extension A): the only characters we change."""
    cp = ord(ch)
    return 0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF


def hash_step(h: U64, ids: npt.NDArray[Any]) -> U64:
    """Extend rolling n-gram hashes by one token (uint64 arithmetic wraps on purpose)."""
    return (h * _M1 + ids.astype(np.uint64) + np.uint64(1)).astype(np.uint64)


def hash_final(h: U64) -> U64:
    """Mix and truncate to 48 bits: exact enough (collision odds ~1e-8 per look-up), and sorted
    48-bit keys delta-encode into uint32 on disk."""
    h = h ^ (h >> _S30)
    h = h * _M2
    h = h ^ (h >> _S27)
    h = h * _M3
    h = h ^ (h >> _S31)
    return (h & _MASK48).astype(np.uint64)


def hash_ngrams(stream: npt.NDArray[Any], order: int) -> U64:
    """Hashes of every n-gram of `order` in `stream`; element t is the gram ending at t+order-1."""
    n = len(stream) - order + 1
    h = np.zeros(max(n, 0), dtype=np.uint64)
    for t in range(order):
        h = hash_step(h, stream[t : t + n])
    return hash_final(h)


class Table:
    """Sorted 48-bit keys with a bucket index on their top bits: the hashes are uniform, so a
    bucket holds ~1 key and a look-up costs a couple of gathers instead of a 23-step binary
    search."""

    def __init__(self, keys: U64, vals: F32) -> None:
        self.keys = keys
        self.vals = vals
        bits = max(1, min(24, int(len(keys)).bit_length()))
        self.shift = np.uint64(48 - bits)
        counts = np.bincount((keys >> self.shift).astype(np.int64), minlength=1 << bits)
        self.start: I64 = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self.depth = int(counts.max()) if len(counts) else 0

    def get(self, q: U64) -> F32:
        """Values for hashed grams; -1 where absent."""
        out = np.full(len(q), -1.0, dtype=np.float32)
        if len(self.keys) == 0:
            return out
        b = (q >> self.shift).astype(np.int64)
        lo, hi = self.start[b], self.start[b + 1]
        act = np.flatnonzero(lo < hi)
        lo, hi, qa = lo[act], hi[act], q[act]
        for _ in range(self.depth):
            hit = self.keys[lo] == qa
            out[act[hit]] = self.vals[lo[hit]]
            lo += 1
            more = (lo < hi) & ~hit
            if not more.any():
                break
            act, lo, hi, qa = act[more], lo[more], hi[more], qa[more]
        return out

    def contains(self, q: U64) -> BoolA:
        return self.get(q) >= 0


def undelta(delta: npt.NDArray[Any]) -> U64:
    return np.cumsum(delta.astype(np.uint64), dtype=np.uint64)


def make_lut(vocab: str) -> npt.NDArray[np.uint16]:
    """Code point (BMP) -> token id, with the class ids and the skip/newline markers."""
    lut = np.full(0x10000, OTHER, dtype=np.uint16)
    lut[0x4E00:0xA000] = UNK_HAN
    lut[0x3400:0x4DC0] = UNK_HAN
    for lo, hi in ((0x30, 0x3A), (0xFF10, 0xFF1A)):
        lut[lo:hi] = DIGIT
    for lo, hi in ((0x41, 0x5B), (0x61, 0x7B), (0xFF21, 0xFF3B), (0xFF41, 0xFF5B)):
        lut[lo:hi] = LATIN
    for ch in " \t\r\u3000\xa0\u200b\ufeff\u2002\u2003\u2009":
        lut[ord(ch)] = SKIP
    lut[ord("\n")] = NEWLINE
    for i, ch in enumerate(vocab):
        lut[ord(ch)] = FIRST + i
    return lut


def encode_lines(lut: npt.NDArray[np.uint16], text: str) -> npt.NDArray[np.uint16]:
    """Training-side encoding: `text` (lines joined by newlines) as one stream with BOS/EOS
    around each line, whitespace dropped (the same mapping the runtime uses)."""
    cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    codes = lut[np.minimum(cps, 0xFFFF)]
    codes[cps > 0xFFFF] = OTHER
    codes = codes[codes != SKIP]
    nl = codes == NEWLINE
    rep = np.where(nl, 2, 1)
    out = np.repeat(codes, rep)
    first = np.cumsum(rep) - rep
    out[first[nl]] = EOS
    out[first[nl] + 1] = BOS
    return np.concatenate([[BOS], out, [EOS]]).astype(np.uint16)
