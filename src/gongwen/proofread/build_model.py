"""Build the character n-gram model shipped as ``data/charlm.npz`` (offline; needs ../shared/data).

    make proofread-model      # = python -m gongwen.proofread.build_model
    python -m gongwen.proofread.build_model \\
        [--corpus ../shared/data/gov-corpus] [--odw ../shared/data/ecspell-odw] \\
        [--out src/gongwen/proofread/data/charlm.npz]

Data used (and nothing else):

- gov-corpus ``laws/**/*.md`` (body after ``<!-- INFO END -->``, ``#`` markers and HTML
  comments / table rows dropped), ``gwr-national/*.jsonl`` (``content``; paragraphs split at
  blank lines and the Wikisource link breaks inside a paragraph re-joined; the 1954 report is
  skipped because it is in traditional characters) and ``gwr-provincial-2026/*.csv``
  (``full_text``, page furniture lines dropped). Exact duplicate lines of 30+ characters
  (repeated law versions) are counted once.
- ``examples/*.txt|*.md`` of the checkout (sample work reports).
- ECSpell ``odw.train``: its target sentences are added to the counts and its source/target
  diffs give learned confusion pairs with their frequencies.
- ECSpell ``odw.test`` is used for ONE thing only, decontamination: every corpus/example line
  that contains an odw.test target sentence verbatim is deleted before counting (about 40
  lines). It is never trained on, never mined for pairs and never used for tuning.
- pypinyin (build time only) gives same-pinyin and similar-pinyin candidates (z/zh, c/ch,
  s/sh, n/l, an/ang, en/eng, in/ing merged) among the most frequent Han characters; the
  jieba dictionary (``dict.txt`` in the installed jieba) gives the word set for the word check.

Tuning builds: ``--train-half A`` uses only half A of odw.train (split by a CRC of the target
sentence) for counts and pairs, so that the bench can score half B
(``bench/proofread_charlm.py --eval-train-half B``); ``--holdout-provincial N`` leaves the last
N provincial reports (sorted by file name) and the 2025 national report out, for an honest
false-alarm rate on clean text. Neither kind of build is shipped.

Model: character 1..5-grams over a stream where each line is wrapped in BOS/EOS, digits and
Latin letters are classes and rare characters are UNK; n-grams of order >= 3 seen once are
pruned. Keys are 48-bit hashes (sorted, delta-encoded as uint32), counts are ln(count) * 16
quantised to a byte. Glyph (shape) neighbours: each Han character's 10 nearest glyphs (cosine
>= 0.7 of blurred 32 px renderings of the system font Noto Sans CJK SC, through FreeType;
``--font``; skipped if missing). A full build takes about 35 s on the 2-core machine (one
process, a few GB of RAM at peak). The shipped file was built with the defaults on 2026-12-01:
68 corpus lines removed by decontamination, 5,123,674 n-grams, 23.4 MB. The build is
reproducible: two builds under different PYTHONHASHSEEDs give the same arrays (only the
`built` time in the meta differs).
"""

from __future__ import annotations

import argparse
import json
import math
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from gongwen.proofread import charlm
from gongwen.proofread.charlm import FIRST, hash_ngrams, is_han
from gongwen.proofread.corpus import (
    decontaminate,
    national_lines,
    national_reports,
    provincial_lines,
    provincial_reports,
    read_laws,
    read_odw,
    train_half,
)
from gongwen.proofread.glyphs import DEFAULT_FONT, glyph_neighbours, log

ROOT = Path(__file__).resolve().parents[3]
# The shared data sit beside the checkout (../shared/data), as on the team's machines.
_SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data"
DEFAULT_CORPUS = _SHARED / "gov-corpus"
DEFAULT_ODW = _SHARED / "ecspell-odw"
DEFAULT_OUT = Path(__file__).resolve().parent / "data" / "charlm.npz"

ORDER = 5
MIN_COUNT = {1: 1, 2: 1, 3: 2, 4: 2, 5: 2}  # prune n-grams of order >= 3 seen once
COUNT_SCALE = 16.0
FREQUENT_HAN = 6000  # candidates are drawn from this many most frequent Han characters
MAX_CANDIDATES = 80
# Decoding defaults baked into the model. Penalties and bonuses were tuned on odw.train half B
# (half-A build); the threshold is 14, not the half-B optimum 10, because 10 gave 12.9 false
# alarms per 10k characters on held-out reports (--holdout-provincial 4) and 14 gives 2.5.
PARAMS: dict[str, Any] = {
    "threshold": 14.0,
    "alpha": 0.4,
    "similar_penalty": 2.0,
    "shape_penalty": 4.0,
    "glyph_penalty": 6.0,
    "pair_bonus": 2.0,
    "pair_slope": 0.5,
    "word_bonus": 1.5,
    "word_penalty": 3.0,
    "min_bigram": 0.0,
    "max_edits": 3,
    "chars_per_edit": 20,
}

# -- confusion sets ------------------------------------------------------------------------

_INITIALS = (
    "zh",
    "ch",
    "sh",
    "b",
    "p",
    "m",
    "f",
    "d",
    "t",
    "n",
    "l",
    "g",
    "k",
    "h",
    "j",
    "q",
    "x",
    "r",
    "z",
    "c",
    "s",
    "y",
    "w",
)


def _fuzzy(py: str) -> str:
    ini = next((i for i in _INITIALS if py.startswith(i)), "")
    fin = py[len(ini) :]
    ini = {"zh": "z", "ch": "c", "sh": "s", "n": "l"}.get(ini, ini)
    for a, b in (("ang", "an"), ("eng", "en"), ("ing", "in")):
        if fin.endswith(a):
            fin = fin[: -len(a)] + b
            break
    return ini + fin


def confusion_sets(
    vocab: str,
    freq: Counter[str],
    pairs: Counter[tuple[str, str]],
    glyphs: dict[str, list[str]],
) -> tuple[npt.NDArray[Any], ...]:
    """CSR arrays: for each token id, candidate ids, type (0 same pinyin, 1 similar pinyin,
    2 learned pair with no pinyin link, 3 glyph neighbour) and how often the pair was seen
    in odw.train."""
    from pypinyin import Style, pinyin

    char_id = {ch: FIRST + i for i, ch in enumerate(vocab)}
    han = [c for c in vocab if is_han(c)]
    readings: dict[str, set[str]] = {}
    for c in han:
        readings[c] = {r for r in pinyin(c, style=Style.NORMAL, heteronym=True)[0] if r.isalpha()}
    frequent = sorted(han, key=lambda c: -freq[c])[:FREQUENT_HAN]
    by_py: dict[str, list[str]] = {}
    by_fuzzy: dict[str, list[str]] = {}
    for c in frequent:
        for r in readings[c]:
            by_py.setdefault(r, []).append(c)
            by_fuzzy.setdefault(_fuzzy(r), []).append(c)
    learned: dict[str, dict[str, int]] = {}
    for (a, b), n in pairs.items():
        if a in char_id and b in char_id:
            learned.setdefault(a, {})[b] = n
    nid = FIRST + len(vocab)
    ptr = np.zeros(nid + 1, dtype=np.int64)
    cands: list[int] = []
    types: list[int] = []
    counts: list[int] = []
    for tid in range(nid):
        c = vocab[tid - FIRST] if tid >= FIRST else ""
        row: dict[str, int] = {}
        if c in readings:
            # Sorted, and ties broken by the character: readings are sets, whose order changes
            # with every process (hash randomisation), and the build must be reproducible.
            for r in sorted(readings[c]):
                for x in by_py.get(r, ()):
                    row[x] = 0
            for r in sorted(readings[c]):
                for x in by_fuzzy.get(_fuzzy(r), ()):
                    row.setdefault(x, 1)
            row.pop(c, None)
        ranked = sorted(row, key=lambda x: (row[x], -freq[x], x))[:MAX_CANDIDATES]
        row = {x: row[x] for x in ranked}
        for x in glyphs.get(c, ()):
            row.setdefault(x, 3)
        for x in learned.get(c, {}):
            if x not in row:
                linked = bool(readings.get(x, set()) & readings.get(c, set()))
                row[x] = 0 if linked else 2
            elif row[x] == 3:
                row[x] = 2
        for x, ty in row.items():
            cands.append(char_id[x])
            types.append(ty)
            counts.append(learned.get(c, {}).get(x, 0))
        ptr[tid + 1] = len(cands)
    return (
        ptr.astype(np.uint32),
        np.array(cands, dtype=np.uint16),
        np.array(types, dtype=np.uint8),
        np.array(counts, dtype=np.uint16),
    )


# -- counting ------------------------------------------------------------------------------


def delta_encode(keys: npt.NDArray[np.uint64]) -> npt.NDArray[Any]:
    """Gaps between sorted keys: uint32 when they fit (the n-gram table), else uint64, whose
    zero high bytes the zip deflate squeezes."""
    d = np.diff(keys, prepend=np.uint64(0))
    if len(d) and int(d.max()) >= 1 << 32:
        return d
    return d.astype(np.uint32)


def count_ngrams(stream: npt.NDArray[np.uint16]) -> tuple[npt.NDArray[np.uint64], npt.NDArray[Any]]:
    keys_all, counts_all = [], []
    for o in range(1, ORDER + 1):
        h = hash_ngrams(stream, o)
        if o > 1:
            # Grams spanning EOS|BOS join unrelated lines: not counted.
            bad = np.zeros(len(h), dtype=np.bool_)
            for t in range(o - 1):
                bad |= stream[t : t + len(h)] == charlm.EOS
            h = h[~bad]
        keys, counts = np.unique(h, return_counts=True)
        keep = counts >= MIN_COUNT[o]
        keys_all.append(keys[keep])
        counts_all.append(counts[keep])
        log(f"order {o}: {len(keys):,} distinct, {int(keep.sum()):,} kept")
        del h
    keys = np.concatenate(keys_all)
    counts = np.concatenate(counts_all)
    idx = np.argsort(keys, kind="stable")
    keys, counts = keys[idx], counts[idx]
    dup = np.flatnonzero(keys[1:] == keys[:-1])
    if len(dup):  # cross-order hash collision: keep one (improbable, logged)
        log(f"{len(dup)} hash collisions across orders")
        keep = np.ones(len(keys), dtype=np.bool_)
        keep[dup + 1] = False
        keys, counts = keys[keep], counts[keep]
    return keys, counts


def word_keys(lut: npt.NDArray[np.uint16]) -> npt.NDArray[np.uint64]:
    """Hashes of jieba dictionary words of 2-4 known Han characters."""
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    hashes = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        parts = raw.split()
        if len(parts) < 2:
            continue
        w, f = parts[0], int(parts[1])
        if not 2 <= len(w) <= 4 or f < 3 or not all(is_han(c) for c in w):
            continue
        ids = np.array([lut[ord(c)] for c in w], dtype=np.int64)
        if (ids < FIRST).any():
            continue
        hashes.append(hash_ngrams(ids, len(w))[0])
    return np.unique(np.array(hashes, dtype=np.uint64))


def _vocab_char(c: str) -> bool:
    """Characters with their own id; digits and Latin letters are classes, spaces are dropped."""
    if c.isspace() or ord(c) > 0xFFFF:
        return False
    cp = ord(c)
    return not (
        0x30 <= cp <= 0x39
        or 0x41 <= cp <= 0x5A
        or 0x61 <= cp <= 0x7A
        or 0xFF10 <= cp <= 0xFF19
        or 0xFF21 <= cp <= 0xFF3A
        or 0xFF41 <= cp <= 0xFF5A
    )


def build(args: argparse.Namespace) -> dict[str, Any]:
    t0 = time.time()
    corpus: Path = args.corpus
    test_targets = [t for _, t in read_odw(args.odw / "odw.test")]
    train = read_odw(args.odw / "odw.train")
    if args.train_half != "all":
        train = [(s, t) for s, t in train if train_half(t) == args.train_half]
    log("reading corpus")
    lines = read_laws(corpus / "laws")
    n_laws = len(lines)
    holdout: list[str] = []
    for year, content in national_reports(corpus / "gwr-national"):
        if args.holdout_provincial and year == "2025":
            holdout.append(f"national:{year}")
            continue
        lines += national_lines(content)
    prov = provincial_reports(corpus / "gwr-provincial-2026")
    cut = len(prov) - args.holdout_provincial
    for _name, text in prov[:cut]:
        lines += provincial_lines(text)
    holdout += [f"provincial:{name}" for name, _ in prov[cut:]]
    for path in sorted((ROOT / "examples").glob("*")):
        if path.suffix in (".txt", ".md"):
            lines += [x.strip() for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    log(f"{len(lines):,} lines ({n_laws:,} from laws)")
    seen: set[str] = set()
    uniq = []
    for x in lines:
        if len(x) >= 30:
            if x in seen:
                continue
            seen.add(x)
        uniq.append(x)
    log(f"{len(lines) - len(uniq):,} duplicate long lines dropped")
    lines, removed = decontaminate(uniq, test_targets)
    log(f"decontamination: {removed} lines containing an odw.test target removed")
    lines += [t for _, t in train]
    text = "\n".join(lines)

    freq = Counter(text)
    vocab_chars = [c for c, n in freq.items() if n >= 2 and _vocab_char(c)]
    vocab = "".join(sorted(vocab_chars, key=lambda c: (-freq[c], c)))
    if FIRST + len(vocab) >= 0xFFFE:
        raise ValueError("vocabulary too large")
    log(f"vocabulary {len(vocab):,} tokens ({sum(is_han(c) for c in vocab):,} Han)")
    lut = charlm.make_lut(vocab)
    stream = charlm.encode_lines(lut, text)
    log(f"stream {len(stream):,} tokens")
    keys, counts = count_ngrams(stream)
    total = int((stream != charlm.BOS).sum())
    lcount = np.clip(np.rint(np.log(counts) * COUNT_SCALE), 0, 255).astype(np.uint8)

    pairs: Counter[tuple[str, str]] = Counter()
    for s, t in train:
        if len(s) == len(t):
            for a, b in zip(s, t, strict=True):
                if a != b and is_han(a) and is_han(b):
                    pairs[(a, b)] += 1
    log(f"{len(pairs):,} learned pairs from {len(train):,} odw.train lines")
    glyphs = glyph_neighbours(sorted(c for c in vocab if is_han(c)), args.font)
    log(f"glyph neighbours for {sum(bool(v) for v in glyphs.values()):,} characters")
    ptr, cand, ctype, ccount = confusion_sets(vocab, freq, pairs, glyphs)
    log(f"confusion sets: {len(cand):,} candidates")
    words = word_keys(lut)
    log(f"{len(words):,} dictionary words")

    meta = {
        "format": charlm.FORMAT_VERSION,
        "order": ORDER,
        "log_total": math.log(total),
        "count_scale": COUNT_SCALE,
        "vocab": vocab,
        "params": PARAMS,
        "built": time.strftime("%Y-%m-%d %H:%M:%S"),
        "train_half": args.train_half,
        "holdout": holdout,
        "ngrams": len(keys),
        "tokens": total,
        "decontaminated_lines": removed,
    }
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out,
        meta=np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), dtype=np.uint8),
        key_delta=delta_encode(keys),
        lcount=lcount,
        word_delta=delta_encode(words),
        conf_ptr=ptr,
        conf_cand=cand,
        conf_type=ctype,
        conf_count=ccount,
    )
    log(
        f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB, {len(keys):,} n-grams) "
        f"in {time.time() - t0:.0f} s"
    )
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--odw", type=Path, default=DEFAULT_ODW)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--train-half", choices=("all", "A", "B"), default="all")
    ap.add_argument("--font", type=Path, default=DEFAULT_FONT, help="CJK font for glyph pairs")
    ap.add_argument("--holdout-provincial", type=int, default=0)
    build(ap.parse_args(argv))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
