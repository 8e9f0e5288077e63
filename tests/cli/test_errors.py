"""Every error is one line on stderr naming the argument or file and the reason, exit status 2;
a bug is one line and exit status 1, its traceback only with GONGWEN_DEBUG=1 (cli/errors.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..gw import assert_user_error, gw

HUGE = str(2**64)  # above every integer SQLite, PostgreSQL or the search index holds


def _write(path: Path, data: bytes | str) -> None:
    path.write_bytes(data.encode() if isinstance(data, str) else data)


BINARY = bytes(range(256)) * 16
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_PLAN = '{"sections": ' + DEEP_JSON + "}"


@pytest.mark.parametrize(
    ("files", "args", "named"),
    [
        ({"d.yaml": BINARY}, ["fill", "1", "--data", "@d.yaml", "-o", "@out.docx"], "d.yaml"),
        ({"d.csv": BINARY}, ["fill", "1", "--csv", "@d.csv", "-o", "@out"], "d.csv"),
        ({"d.json": DEEP_JSON}, ["fill", "1", "--data", "@d.json", "-o", "@o.docx"], "d.json"),
        ({"d.yaml": "a: " + "[" * 100_000}, ["fill", "1", "--data", "@d.yaml", "-o", "@o"], "50"),
        ({"p.json": DEEP_PLAN}, ["compose", "--plan", "@p.json", "-o", "@o.docx"], "p.json"),
        (
            {"p.json": '{"sections": [{"heading": "一", "paragraphs": ["abc"]}]}'},
            ["compose", "--plan", "@p.json", "-o", "@o.docx"],
            "'abc'",
        ),
        (
            {"p.json": json.dumps({"sections": [{"paragraphs": [2**64]}]})},
            ["compose", "--plan", "@p.json", "-o", "@o.docx"],
            HUGE,
        ),
        (
            {"a.yaml": "a: &x [1, 2]\nb: *x\n"},
            ["fill", "1", "--data", "@a.yaml", "-o", "@o"],
            "*",
        ),
        ({}, ["show", HUGE], "MATERIAL_ID"),
        ({}, ["show", "1", "--revision", HUGE], "--revision"),
        ({}, ["outline", HUGE], "MATERIAL_ID"),
        ({}, ["template", HUGE], "MATERIAL_ID"),
        ({"x.yaml": "a: 1\n"}, ["fill", HUGE, "--data", "@x.yaml", "-o", "@x.docx"], "MATERIAL_ID"),
        ({}, ["export", HUGE, "-o", "x.docx"], "MATERIAL_ID"),
        ({}, ["redate", HUGE, "--year", "2021", "-o", "x.docx"], "MATERIAL_ID"),
        ({}, ["list", "--year", HUGE], "--year"),
        ({}, ["list", "--limit", HUGE], "--limit"),
        ({}, ["search", "疫情", "--material", HUGE], "--material"),
        ({}, ["search", "疫情", "--year", HUGE], "--year"),
        ({}, ["export", "1", "-o", "@missing/x.docx"], "missing"),
        ({}, ["redate", "1", "--year", "2021", "-o", "@missing/x.docx"], "missing"),
        ({"p.json": "{}"}, ["compose", "--plan", "@p.json", "-o", "@missing/x.docx"], "missing"),
        ({"d.yaml": "a: 1\n"}, ["fill", "1", "--data", "@d.yaml", "-o", "@missing/x"], "missing"),
    ],
    ids=[
        "fill-data-binary",
        "fill-csv-binary",
        "fill-data-deep-json",
        "fill-data-deep-yaml",
        "compose-plan-deep-json",
        "compose-plan-paragraph-abc",
        "compose-plan-paragraph-huge",
        "fill-data-yaml-alias",
        "show-id",
        "show-revision",
        "outline-id",
        "template-id",
        "fill-id",
        "export-id",
        "redate-id",
        "list-year",
        "list-limit",
        "search-material",
        "search-year",
        "export-missing-folder",
        "redate-missing-folder",
        "compose-missing-folder",
        "fill-missing-folder",
    ],
)
def test_hostile_input_is_one_line_naming_it_and_exit_2(
    db: str, tmp_path: Path, files: dict[str, bytes | str], args: list[str], named: str
) -> None:
    for name, data in files.items():
        _write(tmp_path / name, data)
    argv = [str(tmp_path / a[1:]) if a.startswith("@") else a for a in args]  # @: in tmp_path
    line = assert_user_error(gw(db, *argv, check=False), named)
    assert "Traceback" not in line


def test_an_unreachable_postgresql_is_named_without_its_password() -> None:
    url = "postgresql://gongwen:s3cret@127.0.0.1:1/gongwen"
    line = assert_user_error(gw(url, "list", check=False), "无法连接数据库")
    assert "gongwen@127.0.0.1:1/gongwen" in line and "s3cret" not in line


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.sqlite3"
    bogus.write_text("这不是数据库\n" * 100, encoding="utf-8")
    url = f"sqlite:///{bogus}"
    assert_user_error(gw(url, "list", check=False), "无法连接数据库", url)


def test_an_os_error_names_the_path_even_when_the_os_does_not(seeded: str) -> None:
    # Writing /proc/version fails in write(), whose error carries no file name.
    assert_user_error(
        gw(seeded, "export", "1", "-o", "/proc/version", check=False), "/proc/version"
    )


def test_usage_errors_are_one_line_and_gongwen_alone_shows_the_help(db: str) -> None:
    assert_user_error(gw(db, "nosuch", check=False), "nosuch", "gongwen -h")
    assert_user_error(gw(db, "show", check=False), "MATERIAL_ID", "gongwen show -h")
    assert_user_error(gw(db, "list", "--year", "二〇二〇", check=False), "--year")
    alone = gw(None, check=False)
    assert alone.exit_code == 2 and "Commands:" in alone.stderr


def test_a_bug_is_one_line_and_exit_1_with_its_traceback_only_when_asked(
    db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr("gongwen.materials.list_materials", broken)
    quiet = gw(db, "list", check=False, env={"GONGWEN_DEBUG": None})
    assert quiet.exit_code == 1
    assert quiet.stderr == "内部错误：RuntimeError: boom (GONGWEN_DEBUG=1 显示详情)\n"
    loud = gw(db, "list", check=False, env={"GONGWEN_DEBUG": "1"})
    assert loud.exit_code == 1 and "Traceback" in loud.stderr and "broken" in loud.stderr


@pytest.mark.parametrize(
    ("raised", "status", "line"),
    [
        (KeyboardInterrupt(), 130, "\n已中止"),  # click ends the ^C line first
        (RecursionError("maximum recursion depth exceeded"), 2, "错误：输入嵌套过深，无法处理"),
        (
            UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
            2,
            "错误：输入不是已知编码的文字（utf-8: invalid start byte）",
        ),
    ],
    ids=["interrupted", "recursion", "undecodable"],
)
def test_what_reaches_the_handler_unnamed_is_still_one_line(
    db: str, monkeypatch: pytest.MonkeyPatch, raised: BaseException, status: int, line: str
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise raised

    monkeypatch.setattr("gongwen.materials.list_materials", broken)
    done = gw(db, "list", check=False)
    assert (done.exit_code, done.stderr) == (status, line + "\n")
