"""`gongwen` run inside the test process: the one helper every command-line test uses.

In-process runs cost milliseconds where a fresh `python -m gongwen` costs a quarter of a
second (more once jieba or the proofreader's model loads); tests/cli/test_process.py keeps the
few checks only a real process can make.
"""

from __future__ import annotations

from collections.abc import Mapping

from click.testing import CliRunner, Result


def gw(
    db: str | None,
    *args: str,
    input: str | bytes | None = None,
    check: bool = True,
    env: Mapping[str, str | None] | None = None,
) -> Result:
    """`gongwen [--db DB] ARGS…` with `input` on stdin: .stdout, .stderr, .exit_code.

    With `check`, a non-zero exit fails the test, showing stderr. GONGWEN_DEBUG=1, so that a
    bug shows its traceback (and a test that wants no traceback fails on it).
    """
    from gongwen.cli import app, output

    output.reset()  # a previous run's library, --db and consoles
    argv = [*(["--db", db] if db else []), *args]
    result = CliRunner().invoke(
        app,
        argv,
        input=input,
        env={"GONGWEN_DEBUG": "1", "COLUMNS": "100", **(env or {})},
        prog_name="gongwen",
    )
    output.reset()
    if check and result.exit_code != 0:
        raise AssertionError(f"gongwen {' '.join(args)}: exit {result.exit_code}\n{result.stderr}")
    return result


def assert_user_error(result: Result, *names: str) -> str:
    """Exit status 2 and one line on stderr, naming each of `names`; that line."""
    lines = result.stderr.splitlines()
    assert result.exit_code == 2, (result.exit_code, result.stderr)
    assert len(lines) == 1 and lines[0].startswith("错误："), result.stderr
    assert all(name in lines[0] for name in names), (names, lines[0])
    return lines[0]
