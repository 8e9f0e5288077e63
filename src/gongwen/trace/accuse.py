"""From the sites read in a suspect text to a verdict: who scores highest, and how sure that is.

Evidence from several documents (a bundle) adds up: a member's score is summed over every
revision read, and the innocent's tail is bounded over all the sites read together.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gongwen.trace import code

POLICY_BOUND = 1e-6  # `identified` only below this chance of accusing an innocent member


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sites read from one revision's text, and how that revision's copies were marked."""

    marking: code.Marking  # every site of the list the copies were made with
    reads: Sequence[tuple[int, int]]  # (site index, symbol read)

    @property
    def revision_id(self) -> int:
        return self.marking.revision_id


@dataclass(frozen=True, slots=True)
class Suspect:
    member_id: int
    score: float
    bound: float  # chance that an innocent member scores this high (union over recipients)


@dataclass(slots=True)
class Verdict:
    verdict: str  # identified | inconclusive
    suspects: list[Suspect] = field(default_factory=list)  # best first
    sites_read: int = 0
    recipients: int = 0


def accuse(
    evidence: Sequence[Evidence], recipients: Iterable[int], limit: int = 5, tries: int = 1
) -> Verdict:
    """Score every member who received one of the revisions; the best `limit`, with bounds.

    `tries`: how many ways of reading the text were tried before this one was chosen (a
    revision copied under two site lists is read with both and the better kept): the bound
    is a union over them too."""
    members = sorted(set(recipients))
    reads = [code.Read(e.marking.biases[i], y) for e in evidence for i, y in e.reads]
    if not reads or not members:
        return Verdict("inconclusive", [], len(reads), len(members))
    scores = []
    for member in members:
        total = 0.0
        for e in evidence:
            mine = e.marking.symbols(member)
            total += code.score((e.marking.biases[i], y, mine[i]) for i, y in e.reads)
        scores.append((total, member))
    scores.sort(reverse=True)
    suspects = [
        Suspect(member, total, min(1.0, tries * len(members) * code.innocent_tail(reads, total)))
        for total, member in scores[:limit]
    ]
    identified = [s for s in suspects if s.bound <= POLICY_BOUND]
    return Verdict(
        "identified" if identified else "inconclusive",
        identified or suspects[:1],
        len(reads),
        len(members),
    )
