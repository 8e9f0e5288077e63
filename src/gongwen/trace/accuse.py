"""From the sites read in a suspect text to a verdict: who scores highest, and how sure that is.

One source at a time: the sites read from one material's text (any revisions of it read
together add up) accuse the members who received that material. A leak pasted together from
several materials is accused material by material (platform/tracing.py), each with its own
members and bounds.

Two levels: `identified` when the chance that an innocent member scores as high is at most
POLICY_BOUND (the only level that may suspend anyone), `probable` at most PROBABLE_BOUND (shown
to editors, who ask for more text). Below both, nobody is named.

Wording normalised: colluders who diff their copies learn the pairs and may write one form
wherever a pair occurs. A pair read the same way at so many sites that a genuine copy would
almost never show it carries no mark: its sites are left out of the score and reported.
Leaving sites out depends on the text read only, never on any member's symbols, so the bound
on an innocent's score still holds over the sites kept.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gongwen.trace import code

POLICY_BOUND = 1e-6  # `identified` only below this chance of accusing an innocent member
PROBABLE_BOUND = 1e-3  # `probable`: editors only, never a suspension
NORMALISED_MIN_READS = 4  # a pair is judged from this many sites read
NORMALISED_CHANCE = 1e-3  # ... flagged when a genuine copy reads that uniformly this rarely

IDENTIFIED, PROBABLE, INCONCLUSIVE = "identified", "probable", "inconclusive"
STRENGTH = {IDENTIFIED: 2, PROBABLE: 1, INCONCLUSIVE: 0}


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sites read from one revision's text, and how that revision's copies were marked."""

    marking: code.Marking  # every site of the list the copies were made with
    reads: Sequence[tuple[int, int]]  # (site index, symbol read)
    forms: Sequence[tuple[str, str]] = ()  # each site's two wordings (normalisation check)

    @property
    def revision_id(self) -> int:
        return self.marking.revision_id


@dataclass(frozen=True, slots=True)
class Suspect:
    member_id: int
    score: float
    bound: float  # chance that an innocent member scores this high (union over recipients)

    @property
    def level(self) -> str:
        return level(self.bound)


@dataclass(frozen=True, slots=True)
class Normalised:
    """A pair of wordings read one way at every site: (form 0, form 1, the form everywhere)."""

    forms: tuple[str, str]
    everywhere: str
    sites: int  # how many sites read it
    chance: float  # how often a genuine copy reads so uniformly (over the pairs judged)


@dataclass(slots=True)
class Verdict:
    verdict: str  # identified | probable | inconclusive
    suspects: list[Suspect] = field(default_factory=list)  # named (probable or better), best first
    sites_read: int = 0
    recipients: int = 0
    ranking: list[Suspect] = field(default_factory=list)  # the best `limit`, named or not
    sites_informative: int = 0  # sites read minus those of normalised pairs
    normalised: list[Normalised] = field(default_factory=list)


def level(bound: float) -> str:
    if bound <= POLICY_BOUND:
        return IDENTIFIED
    return PROBABLE if bound <= PROBABLE_BOUND else INCONCLUSIVE


def normalised(evidence: Evidence) -> tuple[list[Normalised], set[int]]:
    """The pairs of one revision's reads that read one way at every site, too uniformly for a
    genuine copy, and the indices of their sites (to leave out of the score)."""
    if not evidence.forms:
        return [], set()
    by_pair: dict[tuple[str, str], list[tuple[int, str, float]]] = defaultdict(list)
    for i, y in evidence.reads:
        a, b = evidence.forms[i]
        if a == b:
            continue
        p = evidence.marking.biases[i]
        by_pair[(min(a, b), max(a, b))].append((i, evidence.forms[i][y], p))
    found: list[Normalised] = []
    excluded: set[int] = set()
    # Every pair read often enough is a test: a genuine copy is flagged for any of them with
    # a chance below NORMALISED_CHANCE (a union over the pairs judged).
    judged = sum(len(sites) >= NORMALISED_MIN_READS for sites in by_pair.values())
    for pair, sites in sorted(by_pair.items()):
        words = {w for _, w, _ in sites}
        if len(sites) < NORMALISED_MIN_READS or len(words) != 1:
            continue
        # P(a genuine copy reads these sites all as form a, or all as form b) under the biases.
        log_a = log_b = 0.0
        for i, _, p in sites:
            take_1 = evidence.forms[i][1] == pair[0]
            log_a += math.log(p if take_1 else 1 - p)
            log_b += math.log(1 - p if take_1 else p)
        chance = judged * (math.exp(log_a) + math.exp(log_b))
        if chance < NORMALISED_CHANCE:
            found.append(Normalised(pair, words.pop(), len(sites), chance))
            excluded.update(i for i, _, _ in sites)
    return found, excluded


def accuse(
    evidence: Sequence[Evidence], recipients: Iterable[int], limit: int = 5, tries: int = 1
) -> Verdict:
    """Score every member who received the source; the best `limit`, with bounds, and those
    named at `probable` or better.

    `tries`: how many ways of reading the text were tried before this one was chosen (a
    revision copied under two site lists is read with both and the better kept; several
    materials accused from one text): the bound is a union over them too."""
    members = sorted(set(recipients))
    kept: list[tuple[Evidence, list[tuple[int, int]]]] = []
    pairs: list[Normalised] = []
    sites_read = 0
    for e in evidence:
        found, excluded = normalised(e)
        pairs += found
        sites_read += len(e.reads)
        kept.append((e, [(i, y) for i, y in e.reads if i not in excluded]))
    reads = [code.Read(e.marking.biases[i], y) for e, rs in kept for i, y in rs]
    if not reads or not members:
        return Verdict(INCONCLUSIVE, [], sites_read, len(members), [], len(reads), pairs)
    scores = []
    for member in members:
        total = 0.0
        for e, rs in kept:
            mine = e.marking.symbols(member)
            total += code.score((e.marking.biases[i], y, mine[i]) for i, y in rs)
        scores.append((total, member))
    scores.sort(reverse=True)
    ranking = [
        Suspect(member, total, min(1.0, tries * len(members) * code.innocent_tail(reads, total)))
        for total, member in scores[:limit]
    ]
    named = [s for s in ranking if s.bound <= PROBABLE_BOUND]
    best = max((STRENGTH[s.level] for s in named), default=0)
    verdict = next(v for v, n in STRENGTH.items() if n == best)
    return Verdict(verdict, named, sites_read, len(members), ranking, len(reads), pairs)
