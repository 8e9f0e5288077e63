"""Text typed by people, as the databases can store it."""

from __future__ import annotations

import unicodedata

from gongwen.errors import InvalidInput

_ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def plain_text(field: str, value: str, *, multiline: bool = False) -> str:
    """`value` if it holds only storable text: no NUL or other control characters (line breaks
    and tabs only when `multiline`), no lone surrogates (PostgreSQL refuses NUL; neither
    database can encode a surrogate). Otherwise an InvalidInput naming `field`."""
    for ch in value:
        kind = unicodedata.category(ch)
        if kind == "Cs":
            raise InvalidInput(field, "含有无效字符（孤立的代理码位）")
        if kind == "Cc" and not (multiline and ch in _ALLOWED_CONTROLS):
            raise InvalidInput(field, f"不能包含控制字符（U+{ord(ch):04X}）")
    return value


def printable(value: str) -> str:
    """`value` without control characters and lone surrogates (for search queries, where a
    stray character should not turn a search into an error)."""
    return "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cs"))


def plain_title(value: str) -> str:
    """A title without format and control characters (a zero-width space pasted into a title
    is invisible to the reader, so it must not make the title another one)."""
    return "".join(ch for ch in value if unicodedata.category(ch) not in ("Cc", "Cf", "Cs")).strip()
