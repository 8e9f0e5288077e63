"""The proofreader's budget: the character model reads in windows (same findings, memory of one
window), and no checker is handed more text than the limit by the command line."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from gongwen.proofread import charlm, documents
from gongwen.proofread.charlm import default_model, windows
from gongwen.proofread.documents import MAX_CHARACTERS

from ..conftest import SEED


def _slipped(n: int) -> str:
    """n characters of a real report, repeated as needed, with slips the model finds."""
    text = SEED.read_text(encoding="utf-8").replace("部署", "布署").replace("机制", "机智")
    return (text * (n // len(text) + 1))[:n]


def test_windows_cover_the_text_at_line_breaks_and_cut_long_lines_after_sentences() -> None:
    text = "一、总体要求\n" + "加强领导。" * 30 + "\n\n" + "完善制度，" * 50 + "\n特此通知。\n"
    pieces = list(windows(text, 64))
    assert all(len(piece) <= 64 for _, piece in pieces)
    assert all(text[at : at + len(piece)] == piece for at, piece in pieces)
    # Whole lines where they fit; a long line cut right after a sentence end when it has one.
    assert pieces[0] == (0, "一、总体要求")
    assert pieces[1][1].endswith("加强领导。") and pieces[1][1].startswith("加强领导。")
    assert "".join(piece for _, piece in pieces).replace("\n", "") == text.replace("\n", "")
    assert list(windows("短文。\n", 64)) == [(0, "短文。\n")]


def test_windowed_findings_are_those_of_the_whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = _slipped(12_000)  # the seed's longest line is 552 characters: whole lines fit in 600
    monkeypatch.setattr(charlm, "WINDOW", 600)
    windowed = default_model().corrections(text)
    monkeypatch.setattr(charlm, "WINDOW", 10**9)
    whole = default_model().corrections(text)
    assert len(windowed) >= 10 and windowed == whole
    assert {(c.original, c.replacement) for c in windowed} >= {("布", "部"), ("智", "制")}


def test_the_models_memory_does_not_grow_with_the_text() -> None:
    model = default_model()
    peaks = []
    for n in (6_000, MAX_CHARACTERS):
        tracemalloc.start()
        try:
            found = model.corrections(_slipped(n))
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert found
    # Ten times the text, not ten times the memory (the whole text at once: ~11 times).
    assert peaks[1] < 1.5 * peaks[0]


def test_the_command_line_checks_nothing_over_the_limit(
    checkers: list[int], tmp_path: Path
) -> None:
    from gongwen.cli import app

    def check(*args: str, stdin: bytes | None = None) -> tuple[int, str]:
        result = CliRunner().invoke(app, ["check", *args], input=stdin)
        return result.exit_code, result.output

    at_limit = "字" * MAX_CHARACTERS
    assert check("-", stdin=at_limit.encode())[0] == 0
    assert checkers == [MAX_CHARACTERS]  # the spy sees what is checked
    over = tmp_path / "长稿.txt"
    over.write_text(at_limit + "。", encoding="utf-8")
    for args, stdin in (
        ((str(over),), None),
        (("-", "--lines"), (at_limit + "\n。").encode()),
        (("-",), b"x" * 50 * 2**20),
        ((str(_long_docx(tmp_path)),), None),
    ):
        status, output = check(*args, stdin=stdin)
        assert status == 2 and "文字超过 60,000 字" in output, output
        assert output.count("\n") == 1  # one line
    assert checkers == [MAX_CHARACTERS]


def _long_docx(tmp_path: Path) -> Path:
    import docx

    document = docx.Document()
    for _ in range(MAX_CHARACTERS // 1000 + 1):
        document.add_paragraph("字" * 999)
    path = tmp_path / "长稿.docx"
    document.save(str(path))
    return path


def test_no_rule_is_run_on_text_over_the_limit_whoever_calls(checkers: list[int]) -> None:
    from gongwen.errors import InvalidInput

    with pytest.raises(InvalidInput, match="60,000"):
        documents.check_text("字" * (MAX_CHARACTERS + 1))
    assert checkers == []
