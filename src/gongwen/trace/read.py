"""Reading the sites of a base text back from a suspect text (a leaked file or a pasted excerpt).

Both texts are normalised the same way, so that what a reseller does to a copy does not matter:
NFKC (full-width letters and punctuation), format and zero-width characters and all white space
removed (re-wrapped or joined lines), Traditional characters turned back into Simplified
(OpenCC). Each site is then looked for with a few characters of its context on either side
(a neighbouring site in that context may read either way; a placeholder may have been filled
in), near where the suspect's anchors place it or, when not there (paragraphs reordered, texts
pasted together), anywhere in the suspect, and read when every place it is found agrees on one
wording.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection, Sequence
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


def patterns(
    norm: str,
    where: list[int],
    sites: Sequence[Site],
    breaks: frozenset[int] | None = None,
    reach: int = CONTEXT,
    only_cut: bool = False,
    side: str = "both",
    chosen: Collection[int] | None = None,
) -> list[re.Pattern[str] | None]:
    """One pattern per site of the base text normalised as `norm` (`where`: each normalised
    character's offset in the base), None when its context is too thin to be sure: `reach`
    characters of context on each side.

    `breaks` (where the base's paragraphs begin in `norm`): patterns for a suspect whose
    paragraphs were moved: a context stops at its paragraph's edge, and the other side then
    reaches twice as far; `only_cut`: None for the sites whose context stays in their
    paragraph (their usual pattern says the same).

    `side` "left" or "right": the context on that side only, for a suspect whose characters
    near a site were misread (OCR), and only where the two wordings are words that cannot be
    mistaken for each other from that side (None for every other site). `chosen`: only these
    sites' patterns (None for the others)."""
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

    def context(pos: int, step: int, own: int, wanted: int) -> tuple[str, int, bool]:
        pieces: list[str] = []
        literal = 0
        cut = False  # stopped at a paragraph's edge
        while 0 <= pos < len(norm) and literal < wanted:
            if breaks is not None and (pos if step > 0 else pos + 1) in breaks:
                cut = True
                break
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
        return "".join(pieces), literal, cut

    out: list[re.Pattern[str] | None] = []
    for i, site in enumerate(sites):
        if chosen is not None and i not in chosen:
            out.append(None)
            continue
        left, n_left, cut_left = context(starts[i] - 1, -1, i, reach)
        right, n_right, cut_right = context(ends[i], 1, i, reach)
        if only_cut and not (cut_left or cut_right):
            out.append(None)
            continue
        if cut_left and not cut_right:
            right, n_right, _ = context(ends[i], 1, i, 2 * reach)
        elif cut_right and not cut_left:
            left, n_left, _ = context(starts[i] - 1, -1, i, 2 * reach)
        forms = [_norm_form(f) for f in site.forms]
        if side != "both":
            a, b = forms
            ambiguous = (
                not a
                or not b
                or site.kind == "placeholder"
                or (a.startswith(b) or b.startswith(a) if side == "left" else False)
                or (a.endswith(b) or b.endswith(a) if side == "right" else False)
            )
            if ambiguous:
                out.append(None)
                continue
            left, n_left = (left, n_left) if side == "left" else ("", 0)
            right, n_right = (right, n_right) if side == "right" else ("", 0)
        if n_left + n_right < MIN_LITERAL or site.kind == "placeholder" and not left:
            out.append(None)
            continue
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
        breaks = frozenset(
            k for k in range(1, len(where)) if "\n" in base[where[k - 1] + 1 : where[k]]
        )
        # Patterns for the whole suspect, where the anchors misplace a site (moved
        # paragraphs): each site's own, its context within its paragraph (at a paragraph's
        # edge), and a wider context for a sentence said twice. Only a pattern no other site
        # shares is searched in the whole suspect.
        within = patterns(self.norm, where, sites, breaks, only_cut=True)
        count = Counter(c.pattern for c in (*self.compiled, *within) if c is not None)
        self.repeated = {
            i for i, c in enumerate(self.compiled) if c is not None and count[c.pattern] > 1
        }
        wide = patterns(self.norm, where, sites, breaks, 3 * CONTEXT, chosen=self.repeated)
        wide_count = Counter(c.pattern for c in wide if c is not None)
        # One-sided patterns, for a site whose other side was misread, read near the anchors
        # only: those that match the base once (at the site itself), checked when first used.
        self._halves = [
            [h for h in pair if h is not None]
            for pair in zip(
                patterns(self.norm, where, sites, side="left"),
                patterns(self.norm, where, sites, side="right"),
                strict=True,
            )
        ]
        self._halves_checked: dict[int, list[re.Pattern[str]]] = {}
        self.everywhere: list[list[re.Pattern[str]]] = []
        for i, (c, w, d) in enumerate(zip(self.compiled, within, wide, strict=True)):
            tries = [c] if c is not None and i not in self.repeated else []
            if w is not None and count[w.pattern] == 1:
                tries.append(w)
            if i in self.repeated and d is not None and wide_count[d.pattern] == 1:
                tries.append(d)
            self.everywhere.append(tries)

    def halves(self, i: int) -> list[re.Pattern[str]]:
        """Site i's one-sided patterns that match the base only at the site."""
        found = self._halves_checked.get(i)
        if found is None:
            found = [h for h in self._halves[i] if _matches(h, self.norm) == 1]
            self._halves_checked[i] = found
        return found

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
        has a thousand sites; searching each everywhere is quadratic); a site not found there
        (its paragraph moved, or a suspect with no anchor at all) is looked for in the whole
        suspect, and read only when its pattern matches once there and no other site of the
        list has the same pattern (a site at a paragraph's edge also by its context within the
        paragraph, a sentence said twice by a wider context). Near the anchors, a site whose
        context on one side was misread (OCR) is read by its other side alone."""
        shifts = self._shifts(suspect_norm)
        bases = [b for b, _ in shifts]
        found: list[tuple[int, int]] = []
        for i, pattern in enumerate(self.compiled):
            if pattern is None:
                continue
            seen: set[int] = set()
            if shifts:
                k = min(range(len(shifts)), key=lambda k: abs(bases[k] - self.at[i]))
                expected = self.at[i] - shifts[k][1]
                if -WINDOW <= expected <= len(suspect_norm) + WINDOW:
                    span = (max(0, expected - WINDOW), max(0, expected + WINDOW))
                    for m in pattern.finditer(suspect_norm, *span):
                        seen.add(0 if m.group("f0") is not None else 1)
                    for half in self.halves(i) if not seen else ():
                        for m in half.finditer(suspect_norm, *span):
                            seen.add(0 if m.group("f0") is not None else 1)
            for other in self.everywhere[i] if not seen else ():
                seen = _once(other, suspect_norm)
                if seen:
                    break
            if len(seen) == 1:
                found.append((i, seen.pop()))
        return found


def _once(pattern: re.Pattern[str], suspect: str) -> set[int]:
    """The symbol the pattern reads where it matches the suspect exactly once (else none)."""
    hits = pattern.finditer(suspect)
    first = next(hits, None)
    if first is None or next(hits, None) is not None:
        return set()
    return {0 if first.group("f0") is not None else 1}


def _matches(pattern: re.Pattern[str], text: str, most: int = 2) -> int:
    """How many times the pattern matches the text, counting no further than `most`."""
    n = 0
    for _ in pattern.finditer(text):
        n += 1
        if n >= most:
            break
    return n
