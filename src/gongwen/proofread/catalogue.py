"""The rule catalogue: every rule registers here under its stable code; `check` runs them.

A rule is a small class with a code (GW + 3 digits; the hundreds are its family), a category,
a one-line summary and its documentation (with 错误/正确 examples) in its docstring, and a
`check(draft)` that yields diagnostics. docs/rules.md is generated from this catalogue
(`python -m gongwen.proofread.docs`).

Families: GW1xx characters and words, GW2xx duplicates and repeats, GW3xx numbering,
GW4xx dates and numbers, GW5xx formulations, GW6xx punctuation, GW7xx placeholders,
GW8xx layout (missing ends, format).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar

from gongwen.proofread.diagnostic import Category, Diagnostic

_END_MARKS = "。！？；：…”’」』）)》】.!?;:"
_CONTINUATION = "》”’）)。，、；：！？"  # a line that starts with one of these continues the last
_HEADING_START = re.compile(
    r"[ \t\u3000]|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|#|第[一二三四五六七八九十百\d]+[章节条部]"
)


@dataclass(frozen=True)
class Draft:
    """The text under check and its paragraphs, computed once for every rule."""

    text: str

    @cached_property
    def paragraphs(self) -> list[tuple[int, int]]:
        """(start, end) of every non-empty line, without its line break."""
        out = []
        for m in re.finditer(r"[^\n]+", self.text):
            if m.group().strip():
                out.append((m.start(), m.end()))
        return out

    @cached_property
    def blocks(self) -> list[tuple[int, int]]:
        """Paragraphs with hard-wrapped lines joined (text pasted from a PDF or a fixed-width
        file): a line of 8 characters or more that ends without a closing mark continues on
        the next line unless that line is indented, numbered or after a blank line; a line
        that ends with an opening mark (《) or a line that starts with a closing one (》。)
        always continues."""
        out: list[tuple[int, int]] = []
        joinable = opened = False
        last_end = -1
        for start, end in self.paragraphs:
            adjacent = last_end >= 0 and self.text[last_end:start] == "\n"
            first = self.text[start]
            continues = first in _CONTINUATION or (
                joinable and not _HEADING_START.match(self.text, start)
            )
            if out and adjacent and (continues or opened):
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
            line = self.text[start:end].rstrip()
            joinable = len(line) >= 8 and line[-1] not in _END_MARKS
            opened = line[-1] in "《“（(‘「"  # 依据《⏎中华人民共和国…
            last_end = end
        return out


class Rule:
    """Base of every rule; subclasses set code, category, and write their docs as docstring."""

    code: ClassVar[str]
    category: ClassVar[Category]
    # Off unless selected by its code (a style some houses do not follow).
    opt_in: ClassVar[bool] = False

    def check(self, draft: Draft) -> Iterator[Diagnostic]:
        raise NotImplementedError

    @classmethod
    def summary(cls) -> str:
        return (cls.__doc__ or "").strip().splitlines()[0]

    def diagnostic(
        self, start: int, end: int, message: str, replacement: str | None = None, safe: bool = False
    ) -> Diagnostic:
        from gongwen.proofread.diagnostic import Fix

        fix = Fix(replacement, safe) if replacement is not None else None
        return Diagnostic(self.code, self.category, message, start, end, fix)


CATALOGUE: dict[str, type[Rule]] = {}
_CODE = re.compile(r"GW[1-9]\d\d")


def register(rule: type[Rule]) -> type[Rule]:
    if not _CODE.fullmatch(rule.code) or rule.code in CATALOGUE:
        raise ValueError(f"rule code {rule.code!r} is malformed or taken")
    if not rule.__doc__:
        raise ValueError(f"rule {rule.code} has no documentation")
    CATALOGUE[rule.code] = rule
    return rule


def _load() -> None:
    # Importing the rule modules registers their rules.
    from gongwen.proofread.rules import (  # noqa: F401
        characters,
        dates,
        duplicates,
        formulations,
        layout,
        numbering,
        numbers,
        placeholders,
        punctuation,
        statistical,
    )


def selected_rules(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Rule]:
    """The rules whose code starts with one of `select` (all when empty) and with none of
    `ignore`, in code order. An unknown prefix is an error naming it."""
    _load()
    select, ignore = tuple(select), tuple(ignore)
    for prefix in (*select, *ignore):
        if not any(code.startswith(prefix) for code in CATALOGUE):
            raise ValueError(f"没有以 {prefix} 开头的规则代码")
    return [
        CATALOGUE[code]()
        for code in sorted(CATALOGUE)
        if (code.startswith(select) if select else not CATALOGUE[code].opt_in)
        and not code.startswith(ignore or ("\0",))
    ]


def check(text: str, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Diagnostic]:
    """Every diagnostic of the selected rules on `text`, in order of position."""
    draft = Draft(text)
    found = [d for rule in selected_rules(select, ignore) for d in rule.check(draft)]
    # One finding per span: when two rules flag exactly the same characters, the lower code wins.
    seen: set[tuple[int, int]] = set()
    out = []
    for d in sorted(found, key=lambda d: (d.start, d.end, d.code)):
        if (d.start, d.end) in seen:
            continue
        seen.add((d.start, d.end))
        out.append(d)
    return out


def lines_check(
    text: str, select: Iterable[str] = (), ignore: Iterable[str] = ()
) -> list[Diagnostic]:
    """`check` on each line as its own text (a list of sentences), offsets into `text`."""
    out: list[Diagnostic] = []
    pos = 0
    for line in text.split("\n"):
        for d in check(line, select, ignore):
            out.append(Diagnostic(d.code, d.category, d.message, d.start + pos, d.end + pos, d.fix))
        pos += len(line) + 1
    return out
