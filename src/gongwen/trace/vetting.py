"""Vetting variant sites (trace/sites.py): a candidate stays only where its other wording reads
as naturally in its sentence as the published one (the proofreader's character model,
proofread/fluency.py) and the proofreader finds nothing in the sentence with it — each site
alone in its window, then every site of a sentence turned together."""

from __future__ import annotations

import bisect
from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gongwen.trace.sites import Site

# The other wording may read at most this much worse (nats, character model) in the sentence:
# 推进→推动 costs ~2.6, 演艺之都→之均 12, 修改完善→健全 8, 共赢→共计赢 25.
MAX_LOSS = 6.0
CONTEXT = 10  # characters of the sentence on either side scored with a site


def vetted(text: str, candidates: list[Site], sentences: list[tuple[int, int]]) -> list[Site]:
    """The candidates whose other wording reads as naturally in their sentence (character
    model) and adds no proofreading finding there. `sentences`: the text's, in order."""
    from gongwen.proofread.fluency import log_scores

    if not candidates:
        return []
    sentence_starts = [a for a, _ in sentences]
    windows: list[tuple[str, str]] = []
    for s in candidates:
        i = bisect.bisect_right(sentence_starts, s.start) - 1
        lo, hi = sentences[i] if i >= 0 else (0, len(text))
        lo, hi = max(lo, s.start - CONTEXT), min(hi, s.end + CONTEXT)
        left, right = text[lo : s.start], text[s.end : hi]
        windows.append((left + s.forms[s.base] + right, left + s.forms[1 - s.base] + right))
    scores = log_scores([w for pair in windows for w in pair])
    fluent = [
        (s, pair)
        for s, pair, base_score, other_score in zip(
            candidates, windows, scores[0::2], scores[1::2], strict=True
        )
        if other_score - base_score >= -MAX_LOSS
    ]
    kept = [s for s, pair in fluent if not _new_findings(*pair)]
    return _jointly_vetted(text, kept, sentences, sentence_starts)


def _jointly_vetted(
    text: str,
    sites: list[Site],
    sentences: list[tuple[int, int]],
    sentence_starts: list[int],
) -> list[Site]:
    """Each sentence with every other wording (a copy may take several in one sentence, and
    the character model reads the whole sentence, not the window a site was vetted in): while
    it draws a finding the published sentence does not, its last site goes."""
    by_sentence: dict[int, list[Site]] = {}
    for s in sites:
        by_sentence.setdefault(bisect.bisect_right(sentence_starts, s.start) - 1, []).append(s)
    dropped: set[int] = set()
    for i, group in by_sentence.items():
        lo, hi = sentences[i] if i >= 0 else (0, len(text))
        while group:
            other = _turned(text, lo, hi, group)
            if not _new_findings(text[lo:hi], other):
                break
            dropped.add(group.pop().start)
    return [s for s in sites if s.start not in dropped]


def _turned(text: str, lo: int, hi: int, sites: list[Site]) -> str:
    parts, pos = [], lo
    for s in sites:
        parts += [text[pos : s.start], s.forms[1 - s.base]]
        pos = s.end
    return "".join(parts) + text[pos:hi]


def _new_findings(published: str, other: str) -> bool:
    """The proofreader reports something in `other` that it does not in `published` (most
    other wordings have no finding at all: the published sentence is checked only then)."""
    from gongwen.proofread.catalogue import check

    # By code and message (which quotes the characters): a finding that moves is a new one.
    after = Counter((d.code, d.message) for d in check(other))
    if not after:
        return False
    return bool(after - Counter((d.code, d.message) for d in check(published)))
