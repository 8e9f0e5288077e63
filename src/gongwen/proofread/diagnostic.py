"""What the proofreader says about a text: a diagnostic with a code, a span and maybe a fix."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """The fixed categories of findings (the issue's list; codes group by hundreds, not by this)."""

    CHAR = "char"  # wrong character or word
    DUPLICATE = "duplicate"
    MISSING = "missing"
    NUMBERING = "numbering"
    DATE = "date"
    NUMBER = "number"
    FORMULATION = "formulation"
    PUNCTUATION = "punctuation"
    REPEAT = "repeat"
    PLACEHOLDER = "placeholder"
    FORMAT = "format"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Fix:
    """A replacement for a diagnostic's span. `safe` fixes are applied by --fix; suggested ones
    are offered for the writer to accept."""

    replacement: str
    safe: bool = False


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    category: Category
    message: str
    start: int  # 0-based character offsets into the checked text
    end: int
    fix: Fix | None = None

    def as_json(self, text: str, lines: LineIndex | None = None) -> dict[str, object]:
        where = (lines or LineIndex(text)).position(self.start)
        return {
            "code": self.code,
            "category": self.category.value,
            "message": self.message,
            "line": where[0],
            "column": where[1],
            "start": self.start,
            "end": self.end,
            "text": text[self.start : self.end],
            "suggestion": self.fix.replacement if self.fix else None,
            "fix": ("safe" if self.fix.safe else "suggested") if self.fix else None,
        }


class LineIndex:
    """1-based line and column of an offset (a line ends at \\n)."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


def apply_fixes(text: str, diagnostics: list[Diagnostic], suggested: bool = False) -> str:
    """The text with the diagnostics' fixes applied (safe ones only unless `suggested`); where
    two fixes overlap the first one (by position) wins."""
    out: list[str] = []
    pos = 0
    for d in sorted(diagnostics, key=lambda d: (d.start, d.end)):
        if d.fix is None or not (d.fix.safe or suggested) or d.start < pos:
            continue
        out += [text[pos : d.start], d.fix.replacement]
        pos = d.end
    return "".join(out) + text[pos:]
