"""Reading the sites of a base text back from a suspect text (a leaked file or a pasted excerpt).

Both texts are normalised the same way, so that what a reseller does to a copy does not matter:
NFKC (full-width letters and punctuation), format and zero-width characters and all white space
removed (re-wrapped or joined lines), Traditional characters turned back into Simplified
(OpenCC). Each site is then looked for with a few characters of its context on either side
(a neighbouring site in that context may read either way; a placeholder may have been filled
in), and read when every place it is found agrees on one wording.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from gongwen.trace.sites import Site

CONTEXT = 6  # normalised characters on each side
MIN_LITERAL = 5  # a pattern needs this many fixed characters around the site


@lru_cache(maxsize=1)
def _t2s() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def _fold(ch: str) -> str:
    if ch.isspace() or unicodedata.category(ch) == "Cf":
        return ""
    return unicodedata.normalize("NFKC", ch)


def normalize(text: str) -> str:
    """A suspect text as the reader compares it."""
    folded = "".join(_fold(ch) for ch in text)
    converted: str = _t2s().convert(folded)  # type: ignore[attr-defined]
    return converted


def normalize_with_map(text: str) -> tuple[str, list[int]]:
    """A base text normalised (no Traditional conversion: it is Simplified), and for every
    normalised character the offset of the character it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold(ch)
        out.append(folded)
        where.extend([i] * len(folded))
    return "".join(out), where


def patterns(norm: str, where: list[int], sites: Sequence[Site]) -> list[re.Pattern[str] | None]:
    """One pattern per site of the base text normalised as `norm` (`where`: each normalised
    character's offset in the base), None when its context is too thin to be sure."""
    # Each site's span in the normalised text.
    starts = [0] * len(sites)
    ends = [0] * len(sites)
    j = 0
    for i, s in enumerate(sites):
        while j < len(where) and where[j] < s.start:
            j += 1
        starts[i] = j
        k = j
        while k < len(where) and where[k] < s.end:
            k += 1
        ends[i] = k
    span_of = {}
    for i in range(len(sites)):
        for pos in range(starts[i], ends[i]):
            span_of[pos] = i

    def alternatives(i: int) -> str:
        if sites[i].kind == "placeholder":
            return "(?:XX|××|.{1,12}?)"  # a template's XX may have been filled in
        forms = sorted({_norm_form(f) for f in sites[i].forms}, key=len, reverse=True)
        return "(?:" + "|".join(re.escape(f) for f in forms) + ")"

    def context(pos: int, step: int, own: int) -> tuple[str, int]:
        pieces: list[str] = []
        literal = 0
        while 0 <= pos < len(norm) and literal < CONTEXT:
            other = span_of.get(pos)
            if other is not None and other != own:
                pieces.append(alternatives(other))
                pos = ends[other] if step > 0 else starts[other] - 1
                continue
            pieces.append(re.escape(norm[pos]))
            literal += 1
            pos += step
        if step < 0:
            pieces.reverse()
        return "".join(pieces), literal

    out: list[re.Pattern[str] | None] = []
    for i, site in enumerate(sites):
        left, n_left = context(starts[i] - 1, -1, i)
        right, n_right = context(ends[i], 1, i)
        if n_left + n_right < MIN_LITERAL or site.kind == "placeholder" and not left:
            out.append(None)
            continue
        forms = [_norm_form(f) for f in site.forms]
        order = sorted(range(2), key=lambda k: -len(forms[k]))
        groups = "|".join(f"(?P<f{k}>{re.escape(forms[k])})" for k in order)
        out.append(re.compile(f"{left}(?:{groups}){right}"))
    return out


def _norm_form(form: str) -> str:
    return "".join(_fold(ch) for ch in form)


ANCHOR = 12  # characters of the suspect looked up in the base to place it
ANCHOR_EVERY = 150
WINDOW = 400  # a site is looked for this far either side of where the anchors put it


class Reader:
    """The sites of one base text, ready to be read from any number of suspects."""

    def __init__(self, base: str, sites: Sequence[Site]) -> None:
        self.norm, where = normalize_with_map(base)
        self.compiled = patterns(self.norm, where, sites)
        # Where each site lies in the normalised base.
        self.at = []
        j = 0
        for s in sites:
            while j < len(where) and where[j] < s.start:
                j += 1
            self.at.append(j)

    def _shifts(self, suspect: str) -> list[tuple[int, int]]:
        """(base offset, base − suspect offset) of passages of the suspect found in the base."""
        found = []
        for a in range(0, max(1, len(suspect) - ANCHOR + 1), ANCHOR_EVERY):
            chunk = suspect[a : a + ANCHOR]
            b = self.norm.find(chunk)
            if len(chunk) == ANCHOR and b >= 0 and self.norm.find(chunk, b + 1) < 0:
                found.append((b, b - a))
        return found

    def read(self, suspect_norm: str) -> list[tuple[int, int]]:
        """(site index, symbol) for every site found unambiguously in the normalised suspect.

        Sites are looked for near where the suspect's anchors place them (a whole document
        has a thousand sites; searching each everywhere is quadratic); a suspect with no
        anchor (heavily reworded) is searched everywhere."""
        shifts = self._shifts(suspect_norm)
        bases = [b for b, _ in shifts]
        found: list[tuple[int, int]] = []
        for i, pattern in enumerate(self.compiled):
            if pattern is None:
                continue
            if shifts:
                k = min(range(len(shifts)), key=lambda k: abs(bases[k] - self.at[i]))
                expected = self.at[i] - shifts[k][1]
                if not -WINDOW <= expected <= len(suspect_norm) + WINDOW:
                    continue
                hits = pattern.finditer(
                    suspect_norm, max(0, expected - WINDOW), max(0, expected + WINDOW)
                )
            else:
                hits = pattern.finditer(suspect_norm)
            seen: set[int] = set()
            for m in hits:
                seen.add(0 if m.group("f0") is not None else 1)
            if len(seen) == 1:
                found.append((i, seen.pop()))
        return found
