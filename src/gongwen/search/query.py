"""Query parsing: terms separated by spaces, each an exact phrase; all terms must match.

"…" quotes a phrase containing spaces. The word AND between terms is accepted and ignored (it is
what happens anyway); every other character is text to find, never syntax for the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongwen.errors import QueryError
from gongwen.search.tokens import normalize, query_tokens

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
_PART = re.compile(r'"([^"]*)"|(\S+)')


@dataclass(frozen=True, slots=True)
class Term:
    text: str  # as typed, width- and case-folded
    tokens: tuple[str, ...]
    prefix: bool  # the last token is a one-character prefix


def parse_query(query: str) -> list[Term]:
    """Terms of a query, or a QueryError that says in Chinese what is wrong with it."""
    query = query.strip()
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


def fts5_match(terms: list[Term], facets: list[str]) -> str:
    """An FTS5 MATCH expression. Tokens hold only letters, digits and Han, so quoting is safe."""
    parts = [f'body:"{" ".join(t.tokens)}"' + ("*" if t.prefix else "") for t in terms]
    parts += [f"facets:{f}" for f in facets]
    return " AND ".join(parts)


def stream_needle(term: Term) -> str:
    """The substring of a paragraph's token stream that means the phrase matches."""
    return " " + " ".join(term.tokens) + ("" if term.prefix else " ")
