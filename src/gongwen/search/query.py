"""Query parsing: terms separated by spaces, each an exact phrase; all terms must match.

"…" quotes a phrase containing spaces. The word AND between terms is accepted and ignored (it is
what happens anyway); every other character is text to find, never syntax for the database.
"""

from __future__ import annotations

import re

from gongwen.errors import QueryError
from gongwen.model.search import Term
from gongwen.parse.tokens import normalize, query_tokens
from gongwen.util.text import printable

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
_PART = re.compile(r'"([^"]*)"|(\S+)')

__all__ = ["MAX_QUERY_CHARS", "MAX_TERMS", "Term", "parse_query", "needle"]


def parse_query(query: str) -> list[Term]:
    """Terms of a query, or a QueryError that says in Chinese what is wrong with it."""
    query = printable(query).strip()  # a stray control character is not worth an error
    if not query:
        raise QueryError("请输入检索词")
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"检索词过长：最多 {MAX_QUERY_CHARS} 个字符，收到 {len(query)} 个")
    terms: list[Term] = []
    seen: set[tuple[tuple[str, ...], bool]] = set()
    for m in _PART.finditer(query):
        raw = m.group(1) if m.group(1) is not None else m.group(2)
        if raw == "AND":
            continue
        toks, prefix = query_tokens(raw)
        if not toks or (tuple(toks), prefix) in seen:
            continue
        seen.add((tuple(toks), prefix))
        terms.append(Term(normalize(raw).strip(), tuple(toks), prefix))
    if not terms:
        raise QueryError("检索词中没有可检索的文字（只有标点或符号）")
    if len(terms) > MAX_TERMS:
        raise QueryError(f"检索词最多 {MAX_TERMS} 组，收到 {len(terms)} 组")
    return terms


def needle(term: Term) -> str:
    """What to look for in the normalised text: the term without its surrounding punctuation."""
    return term.text.strip("\"'“”‘’()（）[]【】《》,，.。;；:：!！?？") or term.text
