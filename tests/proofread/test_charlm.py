"""The statistical wrong-character checker, as a user of GW110 sees it."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from gongwen.proofread.charlm import DEFAULT_PATH, CharModel, default_model


def fixed(text: str) -> str:
    chars = list(text)
    for c in default_model().corrections(text):
        chars[c.start] = c.replacement
    return "".join(chars)


@pytest.mark.parametrize(
    ("wrong", "right"),
    [
        ("会议对下一阶段工作作出布署。", "会议对下一阶段工作作出部署。"),
        ("要建立长效机智，巩固整改成果。", "要建立长效机制，巩固整改成果。"),
        (
            "内蒙古自治区乌兰察布市大力培育发展大数局产业。",
            "内蒙古自治区乌兰察布市大力培育发展大数据产业。",
        ),
    ],
)
def test_fixes_common_slips(wrong: str, right: str) -> None:
    assert fixed(wrong) == right


def test_shape_slip_is_found_at_a_lower_threshold() -> None:
    # 因/困 share no reading: the glyph-neighbour candidate pays a penalty, so the conservative
    # shipped threshold (14) lets it pass; a user who lowers the threshold gets it.
    model = default_model().with_params(threshold=10.0)
    found = model.corrections("各地要精准帮扶贫因户，确保如期脱贫。")
    assert [(c.start, c.original, c.replacement) for c in found] == [(8, "因", "困")]


def test_correction_fields() -> None:
    [c] = default_model().corrections("会议对下一阶段工作作出布署。")
    assert (c.start, c.end, c.original, c.replacement) == (11, 12, "布", "部")
    assert c.gain > default_model().params.threshold


def test_clean_report_text_is_left_alone() -> None:
    text = (
        "过去一年，我国发展历程很不平凡。党的二十届三中全会胜利召开，对进一步全面深化改革、"
        "推进中国式现代化作出部署。全年经济社会发展主要目标任务顺利完成，高质量发展扎实推进，"
        "新质生产力稳步发展，我国经济实力、科技实力、综合国力持续增强。"
    )
    assert default_model().corrections(text) == []


def test_offsets_in_multiline_mixed_text() -> None:
    text = (
        "一、总体要求\n"
        "  2024年GDP增长5%（初步核算），\tAI应用加快。\r\n"
        "要建立长效机智，巩固整改成果；会议对下一阶段工作作出布署！\n"
        "See https://example.org/a_b?x=1 — 完。"
    )
    found = default_model().corrections(text)
    assert [(c.original, c.replacement) for c in found] == [("智", "制"), ("布", "部")]
    for c in found:
        assert text[c.start : c.end] == c.original
        assert c.end == c.start + 1


def test_non_han_is_never_changed() -> None:
    text = "ABC abc 123 ４５６ ，。；：“”（）《》 https://gov.cn/x?y=1 é ß Ω ① 😀\n\t"
    assert default_model().corrections(text) == []
    mixed = "2025年Q3季度完成投资1.2亿元，同比增长8%；会议对下一阶段工作作出布署。"
    for c in default_model().corrections(mixed):
        assert "\u4e00" <= c.original <= "\u9fff"
        assert "\u4e00" <= c.replacement <= "\u9fff"


def test_empty_and_blank_text() -> None:
    assert default_model().corrections("") == []
    assert default_model().corrections("\n\n  \n") == []


def test_shipped_model_is_small_enough() -> None:
    assert DEFAULT_PATH.exists()
    assert DEFAULT_PATH.stat().st_size <= 40 * 1024 * 1024


def test_model_loads_from_its_file_alone(tmp_path: Path) -> None:
    # A copy elsewhere proves the runtime needs nothing but the file (no corpus, no pypinyin).
    copy = tmp_path / "charlm.npz"
    shutil.copy(DEFAULT_PATH, copy)
    blocked = {name: sys.modules.pop(name) for name in list(sys.modules) if "pypinyin" in name}
    sys.modules["pypinyin"] = None  # type: ignore[assignment]  # any import now fails
    try:
        model = CharModel.load(copy)
        found = model.corrections("要建立长效机智。")
        assert [(c.start, c.end, c.original, c.replacement) for c in found] == [(6, 7, "智", "制")]
    finally:
        del sys.modules["pypinyin"]
        sys.modules.update(blocked)


def test_default_model_is_cached() -> None:
    assert default_model() is default_model()
