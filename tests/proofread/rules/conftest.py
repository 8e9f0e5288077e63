"""Cases per rule: a bad text, what the rule reports in it, the text after its fixes, and the
clean twin (the fixed text, or a text that reads alike) on which it reports nothing."""

from __future__ import annotations

from gongwen.proofread import apply_fixes, check


def flagged(code: str, text: str) -> list[str]:
    """The characters each diagnostic of `code` covers."""
    return [text[d.start : d.end] for d in check(text, select=[code])]


def fixed(code: str, text: str, suggested: bool = True) -> str:
    return apply_fixes(text, check(text, select=[code]), suggested=suggested)
