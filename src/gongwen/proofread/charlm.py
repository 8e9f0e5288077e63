"""Statistical wrong-character (错别字) checker: a character n-gram model plus confusion sets.

The model (``data/charlm.npz``, built by ``build_model.py``) holds hashed character n-gram
counts, per-character confusion candidates (same or similar pinyin, pairs learned from
ECSpell odw.train) and a hashed set of dictionary words. ``CharModel.corrections`` proposes a
replacement for a Han character when the n-gram log-score of its neighbourhood (stupid
backoff) plus a channel bonus improves by more than a threshold. Everything is vectorised
with numpy; nothing is downloaded and pypinyin is not needed at run time.
"""

from __future__ import annotations

import bisect
import copy
import functools
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gongwen.proofread.ngrams import (
    BOS,
    EOS,
    F32,
    FIRST,
    I64,
    NEWLINE,
    OTHER,
    PAD,
    SKIP,
    U64,
    BoolA,
    Table,
    encode_lines,
    hash_final,
    hash_ngrams,
    hash_step,
    is_han,
    make_lut,
    undelta,
)

# The builder and the tests use these through this module too.
__all__ = ["BOS", "EOS", "FIRST", "CharModel", "Correction", "Params", "default_model"]
__all__ += ["encode_lines", "hash_ngrams", "is_han", "make_lut"]

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "charlm.npz"
FORMAT_VERSION = 1
# Characters scored at once. A window's arrays (every candidate edit of every Han character)
# take ~12 KB a character: ~24 MB for 2,048, whatever the length of the text; smaller windows
# are no slower, and no paragraph of the government reports we hold is longer (the longest,
# 1,386; a longer line is cut after a sentence end).
WINDOW = 2048


@dataclass(frozen=True, slots=True)
class Correction:
    """One proposed replacement of a single character."""

    start: int  # offset in the text passed to corrections()
    end: int  # start + 1 for a single character
    original: str
    replacement: str
    gain: float  # LM log-score change plus channel bonus (nats), above the threshold


@dataclass(frozen=True, slots=True)
class Params:
    """Decoding settings; defaults come from the model file (tuned on odw.train halves)."""

    threshold: float = 10.0  # minimum gain (nats) for a correction
    alpha: float = 0.4  # stupid-backoff factor
    similar_penalty: float = 2.0  # similar (not same) pinyin costs this much
    shape_penalty: float = 4.0  # learned pair with no pinyin link (shape errors)
    glyph_penalty: float = 4.0  # rendered glyphs look alike but the readings differ
    pair_bonus: float = 1.0  # bonus for a pair seen in odw.train diffs
    pair_slope: float = 0.5  # ... plus this times ln(times seen)
    word_bonus: float = 1.5  # the edit creates a dictionary word the original lacked
    word_penalty: float = 3.0  # the edit breaks a dictionary word the original was in
    min_bigram: float = 0.0  # candidate needs a bigram with a neighbour of ln-count >= this
    max_edits: int = 3  # per line, then one more per this many characters
    chars_per_edit: int = 20


class CharModel:
    """A loaded character n-gram model with confusion sets."""

    def __init__(self, arrays: dict[str, npt.NDArray[Any]], meta: dict[str, Any]) -> None:
        self.meta = meta
        self.order: int = int(meta["order"])
        self.log_total: float = float(meta["log_total"])
        scale = float(meta["count_scale"])
        self.keys: U64 = undelta(arrays["key_delta"])
        # 256-entry table: quantised log-count byte -> float, so vals stay one byte per gram.
        self.vals: F32 = (arrays["lcount"].astype(np.float32) / np.float32(scale)).astype(
            np.float32
        )
        self.table = Table(self.keys, self.vals)
        wk = undelta(arrays["word_delta"])
        self.words = Table(wk, np.zeros(len(wk), dtype=np.float32))
        vocab: str = meta["vocab"]
        self.id2char: list[str] = ["", "", "", "", "", "", ""] + list(vocab)
        nid = len(self.id2char)
        self.is_han: BoolA = np.zeros(nid, dtype=np.bool_)
        for i, ch in enumerate(self.id2char):
            if ch and is_han(ch):
                self.is_han[i] = True
        self.lut = make_lut(vocab)
        self.conf_ptr: I64 = arrays["conf_ptr"].astype(np.int64)
        self.conf_cand: I64 = arrays["conf_cand"].astype(np.int64)
        self.conf_type: npt.NDArray[np.uint8] = arrays["conf_type"]
        self.conf_count: F32 = arrays["conf_count"].astype(np.float32)
        self.params = Params(**meta.get("params", {}))
        self._set_bonus()

    def _set_bonus(self) -> None:
        p = self.params
        # type 0 = same pinyin, 1 = similar pinyin, 2 = learned pair only (mostly shape errors),
        # 3 = glyph neighbour
        base = np.array(
            [0.0, -p.similar_penalty, -p.shape_penalty, -p.glyph_penalty], dtype=np.float32
        )
        learned = self.conf_count > 0
        bonus = base[self.conf_type] + np.where(
            learned, p.pair_bonus + p.pair_slope * np.log(np.maximum(self.conf_count, 1.0)), 0.0
        )
        self.conf_bonus: F32 = bonus.astype(np.float32)
        counts = np.diff(self.conf_ptr)
        mx = np.full(len(counts), -np.inf, dtype=np.float32)
        nz = counts > 0
        mx[nz] = np.maximum.reduceat(self.conf_bonus, self.conf_ptr[:-1][nz])
        self.max_bonus: F32 = mx

    @classmethod
    def load(cls, path: Path | None = None) -> CharModel:
        """Load a model file (default: the shipped ``data/charlm.npz``)."""
        with np.load(path or DEFAULT_PATH, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
        meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported charlm format {meta.get('format')!r}")
        return cls(arrays, meta)

    def with_params(self, **changes: Any) -> CharModel:
        """A shallow copy with other decoding settings (for tuning and benchmarks)."""
        other = copy.copy(self)
        other.params = replace(self.params, **changes)
        other._set_bonus()
        return other

    # -- scoring -------------------------------------------------------------------------

    def _encode(self, text: str) -> tuple[I64, I64]:
        """Token stream (padded, lines wrapped in BOS/EOS) and each token's text offset (-1)."""
        cps = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        codes = self.lut[np.minimum(cps, 0xFFFF)].astype(np.int64)
        codes[cps > 0xFFFF] = OTHER
        offs = np.arange(len(cps), dtype=np.int64)
        keep = codes != SKIP
        codes, offs = codes[keep], offs[keep]
        nl = codes == NEWLINE
        # Each newline becomes EOS followed by BOS: repeat it, then relabel the two copies.
        rep = np.where(nl, 2, 1)
        codes = np.repeat(codes, rep)
        offs = np.repeat(offs, rep)
        first = np.cumsum(rep) - rep
        codes[first[nl]] = EOS
        codes[first[nl] + 1] = BOS
        offs[first[nl]] = -1
        offs[first[nl] + 1] = -1
        k = self.order - 1
        stream = np.concatenate([np.full(k, PAD), [BOS], codes, [EOS], np.full(k, PAD)]).astype(
            np.int64
        )
        offsets = np.concatenate([np.full(k + 1, -1), offs, np.full(k + 1, -1)]).astype(np.int64)
        return stream, offsets

    def _terms(self, lc: F32, cx: F32) -> F32:
        """Stupid-backoff log-scores from log-counts of the grams (last axis = order 1..K) and of
        their contexts (order 0..K-1); absent grams are < 0."""
        k = self.order
        found = lc >= 0
        best = (k - 1) - np.argmax(found[..., ::-1], axis=-1)
        lb = np.take_along_axis(lc, best[..., None], axis=-1)[..., 0]
        cb = np.take_along_axis(cx, best[..., None], axis=-1)[..., 0]
        la = math.log(self.params.alpha)
        floor = np.float32(-self.log_total + (k - 1) * la - 2.0)
        out = np.where(found.any(axis=-1), lb - cb + (k - 1 - best) * np.float32(la), floor)
        return out.astype(np.float32)

    def corrections(self, text: str) -> list[Correction]:
        """Proposed single-character corrections for `text`, in text order.

        The text is scored in windows of whole lines (at most `WINDOW` characters; a longer
        line is cut after a sentence end), so memory stays that of one window whatever the
        text's length. Lines are scored apart anyway (no n-gram spans a line break), so the
        corrections are those of the whole text, except inside a line longer than a window.
        """
        out: list[Correction] = []
        for at, piece in windows(text, WINDOW):
            out += (replace(c, start=c.start + at, end=c.end + at) for c in self._window(piece))
        return out

    def _window(self, text: str) -> list[Correction]:
        found = {c.start: c for c in self._round(text, frozenset())}
        # Neighbouring slips (布暑) spoil each other's context: rescore the edited lines with
        # the first edits applied, keeping those fixed, up to two more times.
        for _ in range(2):
            if not found:
                break
            chars = list(text)
            for c in found.values():
                chars[c.start] = c.replacement
            edited = "".join(chars)
            starts = [0] + [i + 1 for i, ch in enumerate(edited) if ch == "\n"]
            ends = starts[1:] + [len(edited) + 1]
            touched = sorted({bisect.bisect_right(starts, c.start) - 1 for c in found.values()})
            parts: list[str] = []
            to_sub: dict[int, int] = {}  # line index -> offset of its copy in `sub`
            pos = 0
            for li in touched:
                parts.append(edited[starts[li] : ends[li] - 1])
                to_sub[li] = pos
                pos += ends[li] - starts[li]
            sub = "\n".join(parts)
            shift = np.zeros(len(sub) + 1, dtype=np.int64)  # sub offset -> text offset delta
            for li in touched:
                shift[to_sub[li] :] = starts[li] - to_sub[li]
            frozen = frozenset(
                c.start - starts[li] + to_sub[li]
                for c in found.values()
                for li in [bisect.bisect_right(starts, c.start) - 1]
            )
            more = [c for c in self._round(sub, frozen) if c.start not in frozen]
            if not more:
                break
            for c in more:
                at = c.start + int(shift[c.start])
                found[at] = Correction(at, at + 1, text[at], c.replacement, c.gain)
        return sorted(found.values(), key=lambda c: c.start)

    def _round(self, text: str, frozen: frozenset[int]) -> list[Correction]:
        """One pass: score every candidate edit independently against `text`, then select."""
        if not text:
            return []
        k = self.order
        p = self.params
        stream, offsets = self._encode(text)
        n = len(stream)
        # G[o-1][t] = log-count of the gram of order o ending at t (-1: absent or out of range).
        g = np.full((k, n), -1.0, dtype=np.float32)
        for o in range(1, k + 1):
            g[o - 1, o - 1 :] = self.table.get(hash_ngrams(stream, o))
        g[:, stream == PAD] = -1.0
        ltot = np.float32(self.log_total)
        ctx = np.empty_like(g)  # context of the order-o gram ending at t: order o-1 ending at t-1
        ctx[0] = ltot
        ctx[1:, 1:] = g[:-1, :-1]
        ctx[1:, 0] = -1.0
        terms = self._terms(g.T, ctx.T)
        eos_pos = np.flatnonzero(stream == EOS)
        line_end = eos_pos[np.minimum(np.searchsorted(eos_pos, np.arange(n)), len(eos_pos) - 1)]
        # Terms t..t+k-1 touch the character at t; never count past the end of its line.
        d = np.arange(k)
        tpos = np.minimum(np.arange(n)[:, None] + d[None, :], n - 1)
        valid_all = tpos <= line_end[:, None]
        local = np.where(valid_all, terms[tpos], 0.0).sum(axis=1)

        tok = stream
        cand_pos = np.flatnonzero(self.is_han[tok] & (offsets >= 0))
        if frozen:
            cand_pos = cand_pos[~np.isin(offsets[cand_pos], np.fromiter(frozen, np.int64))]
        # Exact gate: new log-scores are <= 0, so the gain is at most -local + best bonus.
        bound = -local[cand_pos] + self.max_bonus[tok[cand_pos]] + p.word_bonus
        cand_pos = cand_pos[bound > p.threshold]
        if len(cand_pos) == 0:
            return []
        cnt = (self.conf_ptr[tok[cand_pos] + 1] - self.conf_ptr[tok[cand_pos]]).astype(np.int64)
        pos = np.repeat(cand_pos, cnt)
        start = np.repeat(self.conf_ptr[tok[cand_pos]], cnt)
        within = np.arange(len(pos)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        ci = start + within
        cand = self.conf_cand[ci]
        bonus = self.conf_bonus[ci]
        ok = -local[pos] + bonus + p.word_bonus > p.threshold
        pos, cand, bonus = pos[ok], cand[ok], bonus[ok]
        if len(pos) == 0:
            return []
        # Cheap filter: a real correction forms a known bigram with a neighbour.
        left = hash_final(hash_step(hash_step(np.zeros(len(pos), np.uint64), tok[pos - 1]), cand))
        right = hash_final(hash_step(hash_step(np.zeros(len(pos), np.uint64), cand), tok[pos + 1]))
        lb = self.table.get(np.concatenate([left, right]))
        ok = np.maximum(lb[: len(pos)], lb[len(pos) :]) >= p.min_bigram
        pos, cand, bonus = pos[ok], cand[ok], bonus[ok]
        if len(pos) == 0:
            return []
        gain = self._gains(stream, g, terms, line_end, local, pos, cand) + bonus
        gain += self._word_adjust(stream, pos, cand, gain)
        bos_pos = np.flatnonzero(stream == BOS)
        line_start = bos_pos[np.maximum(np.searchsorted(bos_pos, np.arange(n), "right") - 1, 0)]
        line_len = line_end - line_start
        return self._select(text, stream, offsets, line_end, line_len, pos, cand, gain)

    def _gains(
        self,
        stream: I64,
        g: F32,
        terms: F32,
        line_end: I64,
        local: F32,
        pos: I64,
        cand: I64,
    ) -> F32:
        """LM log-score change when the token at each `pos` becomes `cand`."""
        k = self.order
        m = len(pos)
        win = stream[pos[:, None] + np.arange(-(k - 1), k)[None, :]]
        win[:, k - 1] = cand
        # new[d][o-1]: log-count of the order-o gram ending at pos+d, for grams containing pos.
        new = np.full((m, k, k), -1.0, dtype=np.float32)
        hashes: list[U64] = []
        slots: list[tuple[int, int]] = []
        for s in range(k):
            h = np.zeros(m, dtype=np.uint64)
            for e in range(s, s + k):
                h = hash_step(h, win[:, e])
                if e >= k - 1:
                    hashes.append(hash_final(h))
                    slots.append((e - (k - 1), e - s))  # (d, order-1)
        vals = self.table.get(np.concatenate(hashes)).reshape(len(slots), m)
        for j, (dd, oo) in enumerate(slots):
            new[:, dd, oo] = vals[j]
        lc = np.empty((m, k, k), dtype=np.float32)
        cx = np.empty((m, k, k), dtype=np.float32)
        cx[:, :, 0] = np.float32(self.log_total)
        for dd in range(k):
            t = np.minimum(pos + dd, len(stream) - 1)
            for o in range(1, k + 1):
                # grams of order o ending at pos+dd contain pos iff o > dd
                lc[:, dd, o - 1] = new[:, dd, o - 1] if o > dd else g[o - 1, t]
                if o >= 2:
                    if dd >= 1 and o - 1 >= dd:
                        cx[:, dd, o - 1] = new[:, dd - 1, o - 2]
                    else:
                        cx[:, dd, o - 1] = g[o - 2, t - 1]
        nt = self._terms(lc, cx)
        tpos = pos[:, None] + np.arange(k)[None, :]
        valid = tpos <= line_end[pos][:, None]
        new_local: F32 = np.where(valid, nt, np.float32(0.0)).sum(axis=1, dtype=np.float32)
        out: F32 = (new_local - local[pos]).astype(np.float32)
        return out

    def _word_adjust(self, stream: I64, pos: I64, cand: I64, gain: F32) -> F32:
        """Bonus when the edit creates a dictionary word (2-4 chars) covering the position and the
        original had none; penalty when it breaks the only word(s) the original was in."""
        p = self.params
        adj = np.zeros(len(pos), dtype=np.float32)
        look = np.flatnonzero(gain + p.word_bonus > p.threshold)
        if len(look) == 0 or len(self.words.keys) == 0:
            return adj
        ps, cs = pos[look], cand[look]
        win = stream[ps[:, None] + np.arange(-3, 4)[None, :]]
        orig_in = np.zeros(len(ps), dtype=np.bool_)
        new_in = np.zeros(len(ps), dtype=np.bool_)
        for variant, out in ((None, orig_in), (cs, new_in)):
            w = win.copy()
            if variant is not None:
                w[:, 3] = variant
            qs = []
            for length in (2, 3, 4):
                for s in range(4 - length, 4):
                    h = np.zeros(len(ps), dtype=np.uint64)
                    for e in range(s, s + length):
                        h = hash_step(h, w[:, e])
                    qs.append(hash_final(h))
            q = np.concatenate(qs)
            out |= self.words.contains(q).reshape(len(qs), len(ps)).any(axis=0)
        adj[look] = np.where(new_in & ~orig_in, p.word_bonus, 0.0) - np.where(
            orig_in & ~new_in, p.word_penalty, 0.0
        )
        return adj

    def _select(
        self,
        text: str,
        stream: I64,
        offsets: I64,
        line_end: I64,
        line_len: I64,
        pos: I64,
        cand: I64,
        gain: F32,
    ) -> list[Correction]:
        """Greedy: best edits first, at most one per position, none within the n-gram span of
        another (their gains were scored independently), a few per line."""
        p = self.params
        good = np.flatnonzero(gain > p.threshold)
        if len(good) == 0:
            return []
        order = good[np.argsort(-gain[good], kind="stable")]
        taken: dict[int, list[int]] = {}
        out: list[Correction] = []
        for j in order.tolist():
            i = int(pos[j])
            le = int(line_end[i])
            mine = taken.setdefault(le, [])
            if any(abs(i - t) < self.order for t in mine):
                continue
            # Long paragraphs may hold several slips: allow one more per chars_per_edit chars.
            cap = p.max_edits + max(0, int(line_len[i]) // max(p.chars_per_edit, 1) - p.max_edits)
            if len(mine) >= cap:
                continue
            mine.append(i)
            off = int(offsets[i])
            out.append(
                Correction(
                    start=off,
                    end=off + 1,
                    original=text[off],
                    replacement=self.id2char[int(cand[j])],
                    gain=float(gain[j]),
                )
            )
        out.sort(key=lambda c: c.start)
        return out


_SENTENCE_ENDS = "。！？；!?"


def windows(text: str, size: int) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering `text`: whole lines packed up to `size` characters, the line
    breaks between pieces left out; a line longer than `size` cut after its last sentence end
    within each `size` characters (or at `size` when a sentence is longer still)."""
    start = pos = 0  # where the current window and the current line begin
    while pos < len(text):
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        if end - pos > size:
            if pos > start:
                yield start, text[start : pos - 1]
            while end - pos > size:
                cut = max(text.rfind(mark, pos, pos + size) for mark in _SENTENCE_ENDS) + 1
                cut = cut if cut > pos else pos + size
                yield pos, text[pos:cut]
                pos = cut
            yield pos, text[pos:end]
            start = pos = end + 1
        elif end - start > size and pos > start:
            yield start, text[start : pos - 1]
            start, pos = pos, end + 1
        else:
            pos = end + 1
    if start < len(text):
        yield start, text[start:]


@functools.lru_cache(maxsize=1)
def default_model() -> CharModel:
    """The shipped model, loaded once per process."""
    return CharModel.load()
