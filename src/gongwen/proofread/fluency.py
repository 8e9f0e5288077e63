"""How natural a short text reads to the proofreader's character model: its log-score.

Leak tracing vets every variant site with it (trace/sites.py): a copy may take the other
wording only where that wording reads about as well as the published one in the same
sentence (Yang et al., "Tracing Text Provenance via Context-Aware Lexical Substitution",
AAAI 2022: both wordings must be natural in context). Many texts are scored in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gongwen.proofread.charlm import CharModel, default_model
from gongwen.proofread.ngrams import BOS, PAD, hash_ngrams


def log_scores(texts: Sequence[str], model: CharModel | None = None) -> list[float]:
    """The log-score (nats, stupid backoff) of each text, read as one line: the sum over its
    characters and its end of log P(character | the four before)."""
    if not texts:
        return []
    model = model or default_model()
    joined = "\n".join(t.replace("\n", " ") for t in texts)
    stream, _ = model._encode(joined)
    k = model.order
    n = len(stream)
    grams = np.full((k, n), -1.0, dtype=np.float32)
    for o in range(1, k + 1):
        grams[o - 1, o - 1 :] = model.table.get(hash_ngrams(stream, o))
    grams[:, stream == PAD] = -1.0
    context = np.empty_like(grams)  # the order-o gram's context: order o-1, one step back
    context[0] = np.float32(model.log_total)
    context[1:, 1:] = grams[:-1, :-1]
    context[1:, 0] = -1.0
    terms = model._terms(grams.T, context.T)
    # A term per predicted token: every token but padding and the BOS that opens each line.
    line = np.cumsum(stream == BOS) - 1
    predicted = (stream != PAD) & (stream != BOS)
    totals = np.bincount(line[predicted], weights=terms[predicted], minlength=len(texts))
    return [float(t) for t in totals[: len(texts)]]
