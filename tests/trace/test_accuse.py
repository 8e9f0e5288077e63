"""The verdict: two levels (identified, probable), nobody named below them, and pairs of
wordings normalised by colluders left out of the score."""

from __future__ import annotations

import random

from gongwen.trace import accuse, code

KEY = b"k" * 32
MEMBERS = range(1, 201)
LEAKER = 42


def _marking(n: int, material: int = 5) -> code.Marking:
    return code.Marking.of(KEY, material, material, range(n), [f"a{i:04d}" for i in range(n)])


def _verdict(marking: code.Marking, reads: list[tuple[int, int]], **kw: object) -> accuse.Verdict:
    return accuse.accuse([accuse.Evidence(marking, reads, **kw)], MEMBERS)  # type: ignore[arg-type]


def test_probable_lies_between_the_two_bounds_and_names_the_leaker() -> None:
    marking = _marking(120)
    leaked = list(enumerate(marking.symbols(LEAKER)))
    levels = {}
    for n in range(4, 121, 3):
        verdict = _verdict(marking, leaked[:n])
        levels[n] = verdict.verdict
        if verdict.verdict == "probable":
            assert [s.member_id for s in verdict.suspects] == [LEAKER]
            assert accuse.POLICY_BOUND < verdict.suspects[0].bound <= accuse.PROBABLE_BOUND
        for s in verdict.suspects:
            assert s.level == accuse.level(s.bound) != "inconclusive"
    # More text, a stronger verdict: inconclusive, then probable, then identified.
    seen = list(dict.fromkeys(levels.values()))
    assert seen == ["inconclusive", "probable", "identified"]


def test_an_inconclusive_result_names_nobody() -> None:
    marking = _marking(6)
    verdict = _verdict(marking, list(enumerate(marking.symbols(LEAKER))))
    assert verdict.verdict == "inconclusive" and verdict.suspects == []
    assert verdict.ranking and verdict.ranking[0].bound > accuse.PROBABLE_BOUND


def test_text_nobody_received_is_never_probable() -> None:
    """Reads independent of every recipient's symbols (another member's copy, or one wording
    throughout): nobody reaches even the probable level."""
    rng = random.Random(7)
    for trial in range(12):
        marking = _marking(80, material=100 + trial)
        outsider = marking.symbols(10_000 + trial)
        for reads in (outsider, [rng.randrange(2) for _ in range(80)], [0] * 80):
            verdict = _verdict(marking, list(enumerate(reads)))
            assert verdict.verdict == "inconclusive" and verdict.suspects == []


def _forms(n: int) -> list[tuple[str, str]]:
    """Sites 0, 4, 8, …: the pair 支持/扶持; the rest, pairs of their own."""
    return [("支持", "扶持") if i % 4 == 0 else (f"甲{i}", f"乙{i}") for i in range(n)]


def test_a_pair_read_one_way_everywhere_is_left_out() -> None:
    n = 160
    marking = _marking(n)
    forms = _forms(n)
    mine = marking.symbols(LEAKER)
    # Colluders write 扶持 wherever the pair occurs: forms[1] at every one of its 40 sites.
    copy = [1 if i % 4 == 0 else y for i, y in enumerate(mine)]
    verdict = _verdict(marking, list(enumerate(copy)), forms=forms)
    assert [(x.forms, x.everywhere, x.sites) for x in verdict.normalised] == [
        (("扶持", "支持"), "扶持", 40)
    ]
    assert verdict.sites_read == n and verdict.sites_informative == n - 40
    assert [s.member_id for s in verdict.suspects] == [LEAKER]
    # The same copy without the check: the uniform pair is evidence against nobody in
    # particular, but it costs the leaker score.
    plain = _verdict(marking, list(enumerate(copy)))
    assert plain.normalised == [] and plain.sites_informative == n


def test_a_genuine_copy_is_not_flagged_and_no_innocent_is_accused_when_normalised() -> None:
    n = 160
    forms = _forms(n)
    for material in range(20, 28):
        marking = _marking(n, material)
        genuine = list(enumerate(marking.symbols(LEAKER)))
        assert _verdict(marking, genuine, forms=forms).normalised == []
        # One wording everywhere and nothing else of the leaker's: the rest from an outsider.
        outsider = marking.symbols(99_999)
        normalised = [(i, 0 if i % 4 == 0 else y) for i, y in enumerate(outsider)]
        verdict = _verdict(marking, normalised, forms=forms)
        assert verdict.normalised and verdict.suspects == []
