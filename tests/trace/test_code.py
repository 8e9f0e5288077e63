"""The code and its statistics: symbols come from the key alone, an innocent member's score is
bounded honestly, and the leaker stands out."""

from __future__ import annotations

import random

from gongwen.trace import accuse, code

KEY = b"k" * 32


def test_symbols_depend_on_key_revision_and_member_only() -> None:
    biases = [code.bias(KEY, 7, i) for i in range(200)]
    assert all(code.CUTOFF <= p <= 1 - code.CUTOFF for p in biases)
    assert code.symbols(KEY, 7, 1, biases) == code.symbols(KEY, 7, 1, biases)
    assert code.symbols(KEY, 7, 1, biases) != code.symbols(KEY, 7, 2, biases)
    assert code.symbols(b"other" * 7, 7, 1, biases) != code.symbols(KEY, 7, 1, biases)
    assert code.copy_id(KEY, 7, 1) != code.copy_id(KEY, 7, 2)


def test_the_bound_holds_for_innocents_in_simulation() -> None:
    """Over many innocent members, the share scoring above a threshold stays under the bound."""
    rng = random.Random(3)
    biases = [code.bias(KEY, 9, i) for i in range(60)]
    leaked = code.symbols(KEY, 9, 0, biases)
    reads = [code.Read(p, y) for p, y in zip(biases, leaked, strict=True)]
    scores = [
        code.score(
            (p, y, x)
            for p, y, x in zip(
                biases, leaked, code.symbols(KEY, 9, rng.randrange(1, 10**9), biases), strict=True
            )
        )
        for _ in range(4000)
    ]
    for threshold in (4.0, 8.0, 12.0):
        share = sum(s >= threshold for s in scores) / len(scores)
        assert share <= code.innocent_tail(reads, threshold) + 1e-9


def test_the_leaker_is_identified_and_nobody_else() -> None:
    biases = [code.bias(KEY, 5, i) for i in range(120)]
    leaked = code.symbols(KEY, 5, 42, biases)
    evidence = accuse.Evidence(5, biases, list(enumerate(leaked)))
    verdict = accuse.accuse(KEY, [evidence], range(1, 201))
    assert verdict.verdict == "identified"
    assert [s.member_id for s in verdict.suspects] == [42]
    assert verdict.suspects[0].bound <= accuse.POLICY_BOUND


def test_too_little_evidence_is_inconclusive() -> None:
    biases = [code.bias(KEY, 5, i) for i in range(6)]
    leaked = code.symbols(KEY, 5, 42, biases)
    verdict = accuse.accuse(
        KEY, [accuse.Evidence(5, biases, list(enumerate(leaked)))], range(1, 201)
    )
    assert verdict.verdict == "inconclusive"
    assert verdict.suspects[0].bound > accuse.POLICY_BOUND
