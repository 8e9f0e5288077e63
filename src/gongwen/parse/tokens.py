"""Search tokens: overlapping character bigrams for Chinese, whole words for everything else.

Each run of Han characters becomes its bigrams plus a trailing unigram (营商环境 -> 营商 商环 环境 境).
The trailing unigram marks the run's end, so a phrase of bigrams can never straddle punctuation,
and together with a one-character prefix index it makes every character findable.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache

# Full-width ASCII (Ａ-Ｚ, ０-９ …) folds to ASCII; the text keeps its length, so offsets survive.
_WIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_RUN = re.compile(
    r"(?P<han>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\U00020000-\U0002ffff]+)"
    r"|(?P<word>[^\W_\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+)"
)


_FOLDABLE = re.compile(r"[\u3000\uff01-\uff5e]")


def normalize(text: str) -> str:
    """Fold width and case; same length as the input."""
    # str.translate walks the text in Python-level steps; most Chinese text has nothing to fold.
    if _FOLDABLE.search(text):
        text = text.translate(_WIDTH)
    return text.lower()


def tokens(text: str) -> list[str]:
    """The token stream of a text, as indexed."""
    out: list[str] = []
    for m in _RUN.finditer(normalize(text)):
        run = m.group()
        if m.lastgroup == "han":
            out.extend(map(str.__add__, run, run[1:]))
            out.append(run[-1])
        else:
            out.append(run)
    return out


def query_tokens(term: str) -> tuple[list[str], bool]:
    """Tokens a phrase must show consecutively, and whether the last one is a prefix.

    The last Han run of a query drops its trailing unigram (the text may go on after it); a
    single trailing Han character becomes a prefix, matching 法 in 法律 as well as 法。
    """
    out: list[str] = []
    prefix = False
    runs = list(_RUN.finditer(normalize(term)))
    for i, m in enumerate(runs):
        run = m.group()
        last = i == len(runs) - 1
        if m.lastgroup == "han":
            out.extend(map(str.__add__, run, run[1:]))
            if not last:
                out.append(run[-1])
            elif len(run) == 1:
                out.append(run)
                prefix = True
        else:
            out.append(run)
    return out, prefix


@lru_cache(maxsize=4096)
def facet_token(name: str, value: object) -> str:
    """An opaque ASCII token for a filter value, e.g. organisation kind 科技局."""
    digest = hashlib.blake2s(f"{name}={value}".encode(), digest_size=6).hexdigest()
    return f"{name[0]}{digest}"
