"""The catalogue: stable codes, documented rules whose own examples hold, docs/rules.md fresh."""

from __future__ import annotations

from pathlib import Path

import pytest

from gongwen.proofread import apply_fixes, check, selected_rules
from gongwen.proofread.catalogue import CATALOGUE
from gongwen.proofread.diagnostic import Category
from gongwen.proofread.docs import parse, render

ROOT = Path(__file__).resolve().parents[2]
ALL = selected_rules(select=["GW"])  # opt-in rules too


def test_codes_are_stable_families_and_categories_are_the_fixed_list() -> None:
    assert len(ALL) >= 25
    for rule in ALL:
        assert rule.code[:2] == "GW" and len(rule.code) == 5 and rule.code[2:].isdigit()
        assert isinstance(rule.category, Category)
    assert {r.code for r in ALL} == set(CATALOGUE)


@pytest.mark.parametrize("rule", ALL, ids=lambda r: r.code)
def test_each_rules_documented_examples_hold(rule) -> None:
    """Every 错误 example is reported by its rule, every 正确 is not, and 修正 is what
    applying the rule's fixes gives."""
    doc = parse(type(rule))
    assert doc.bad and doc.good, f"{rule.code} documents no examples"
    for example in doc.bad:
        found = check(example.bad, select=[rule.code])
        assert found, f"{rule.code} misses its own example {example.bad!r}"
        if example.fixed is not None:
            assert apply_fixes(example.bad, found, suggested=True) == example.fixed
            # A fixed text is clean for this rule.
            assert not check(example.fixed, select=[rule.code])
    for good in doc.good:
        assert not check(good, select=[rule.code]), f"{rule.code} flags its good example {good!r}"


def test_docs_rules_md_is_generated_from_the_catalogue() -> None:
    path = ROOT / "docs" / "rules.md"
    assert path.read_text(encoding="utf-8") == render(), (
        "docs/rules.md is stale: python -m gongwen.proofread.docs > docs/rules.md"
    )


def test_select_and_ignore_by_prefix() -> None:
    text = "截止2020年6月底,完成了了任务。"
    codes = {d.code for d in check(text, ignore=["GW110"])}
    assert {"GW101", "GW201", "GW602"} <= codes
    assert {d.code for d in check(text, select=["GW6"])} == {"GW602"}
    assert "GW201" not in {d.code for d in check(text, ignore=["GW2", "GW110"])}
    with pytest.raises(ValueError, match="GW999"):
        check(text, select=["GW999"])
