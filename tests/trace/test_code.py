"""The code and its statistics: symbols come from the key alone, an innocent member's score is
bounded honestly, and the leaker stands out — under both marking schemes."""

from __future__ import annotations

import random

import pytest

from gongwen.trace import accuse, code

KEY = b"k" * 32


def _anchored(material: int, revision: int, n: int) -> code.Marking:
    return code.Marking.of(KEY, material, revision, range(n), [f"a{i:04d}" for i in range(n)])


def _legacy(revision: int, n: int) -> code.Marking:
    return code.Marking.of(KEY, 1, revision, range(n), [])


def test_legacy_symbols_depend_on_key_revision_and_member_only() -> None:
    biases = [code.bias(KEY, 7, i) for i in range(200)]
    assert all(code.CUTOFF <= p <= 1 - code.CUTOFF for p in biases)
    assert code.symbols(KEY, 7, 1, biases) == code.symbols(KEY, 7, 1, biases)
    assert code.symbols(KEY, 7, 1, biases) != code.symbols(KEY, 7, 2, biases)
    assert code.symbols(b"other" * 7, 7, 1, biases) != code.symbols(KEY, 7, 1, biases)
    assert code.copy_id(KEY, 7, 1) != code.copy_id(KEY, 7, 2)
    # A legacy list's marking is exactly the legacy derivation: old copies read back as made.
    assert _legacy(7, 200).biases == tuple(biases)
    assert _legacy(7, 200).symbols(1) == code.symbols(KEY, 7, 1, biases)


def test_anchored_symbols_follow_the_site_not_the_revision() -> None:
    first, second = _anchored(3, 10, 300), _anchored(3, 11, 300)
    assert all(code.CUTOFF <= p <= 1 - code.CUTOFF for p in first.biases)
    # The same anchors in another revision of the material: the same wording for everyone.
    assert first.biases == second.biases
    assert first.symbols(5) == second.symbols(5)
    assert first.symbols(5) != first.symbols(6)
    # Another material with the same anchors is another code.
    assert _anchored(4, 10, 300).symbols(5) != first.symbols(5)
    # A site is keyed by its own anchor: dropping the sites before it changes nothing.
    shifted = code.Marking.of(KEY, 3, 12, range(100), [f"a{i:04d}" for i in range(200, 300)])
    assert shifted.symbols(5) == first.symbols(5)[200:]
    # About the bias share of members take forms[1].
    share = sum(first.symbols(m)[0] for m in range(2000)) / 2000
    assert abs(share - first.biases[0]) < 0.05


@pytest.mark.parametrize("scheme", ["legacy", "anchored"])
def test_the_bound_holds_for_innocents_in_simulation(scheme: str) -> None:
    """Over many innocent members, the share scoring above a threshold stays under the bound."""
    rng = random.Random(3)
    marking = _legacy(9, 60) if scheme == "legacy" else _anchored(9, 9, 60)
    leaked = marking.symbols(0)
    reads = [code.Read(p, y) for p, y in zip(marking.biases, leaked, strict=True)]
    scores = []
    for _ in range(4000):
        mine = marking.symbols(rng.randrange(1, 10**9))
        scores.append(code.score(zip(marking.biases, leaked, mine, strict=True)))
    for threshold in (4.0, 8.0, 12.0):
        share = sum(s >= threshold for s in scores) / len(scores)
        assert share <= code.innocent_tail(reads, threshold) + 1e-9


@pytest.mark.parametrize("scheme", ["legacy", "anchored"])
def test_the_leaker_is_identified_and_nobody_else(scheme: str) -> None:
    marking = _legacy(5, 120) if scheme == "legacy" else _anchored(5, 5, 120)
    leaked = marking.symbols(42)
    verdict = accuse.accuse([accuse.Evidence(marking, list(enumerate(leaked)))], range(1, 201))
    assert verdict.verdict == "identified"
    assert [s.member_id for s in verdict.suspects] == [42]
    assert verdict.suspects[0].bound <= accuse.POLICY_BOUND
