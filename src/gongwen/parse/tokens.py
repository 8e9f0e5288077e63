"""Query terms as tokens, and width/case folding (`normalize`).

The search index analyses text itself (store/index/engine.py); the query parser uses these
tokens to tell a searchable term from punctuation alone and to drop repeated terms: overlapping
character bigrams for Chinese, whole words for everything else.
"""

from __future__ import annotations

import re

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
