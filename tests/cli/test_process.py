"""What only a real `gongwen` process shows: the installed command starts, imports only what
it runs, prints an error as one line with exit status 2, and reads a real pipe."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

GONGWEN = Path(sys.executable).with_name("gongwen")  # the [project.scripts] entry point
COMMAND_MODULES = {"library", "accounts", "writing", "trace", "proofread", "ops"}


def run(*argv: str, input: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, input=input, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("argv", [[str(GONGWEN)], [sys.executable, "-m", "gongwen"]])
def test_the_command_starts_and_prints_its_help(argv: list[str]) -> None:
    done = run(*argv, "--help")
    assert done.returncode == 0 and done.stderr == ""
    assert "公文库 gongwen" in done.stdout and "  check " in done.stdout


def _imported(*args: str) -> set[str]:
    """The modules a fresh interpreter has loaded after `gongwen ARGS`."""
    script = (
        "import json, sys\n"
        "from gongwen.cli import app\n"
        "try:\n"
        f"    app.main({list(args)!r}, prog_name='gongwen')\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write(json.dumps(sorted(sys.modules)))\n"
    )
    done = run(sys.executable, "-c", script)
    return set(json.loads(done.stderr))


def test_the_help_imports_no_command_and_check_only_its_own() -> None:
    helped = _imported("--help")
    assert not {f"gongwen.cli.{m}" for m in COMMAND_MODULES} & helped
    assert not {"rich", "sqlalchemy", "gongwen.library"} & helped
    checked = _imported("check", "--help")
    assert {m for m in COMMAND_MODULES if f"gongwen.cli.{m}" in checked} == {"proofread"}


def test_an_error_from_a_real_process_is_one_line_and_exit_2(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'gw.sqlite3'}"
    done = run(str(GONGWEN), "--db", db, "show", str(2**64))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "MATERIAL_ID" in done.stderr


def test_check_reads_its_standard_input() -> None:
    clean = "2020年上半年，我局认真贯彻落实各项决策部署，圆满完成各项任务。\n"
    done = run(str(GONGWEN), "check", "-", input=clean)
    assert done.returncode == 0 and "未发现问题" in done.stdout
