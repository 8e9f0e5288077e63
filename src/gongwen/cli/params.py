"""Parameter types the commands share, bounded so that a hostile number is click's own clear
error naming the argument, never an overflow deep in SQLite, PostgreSQL or the index."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

# Ids are SQL INTEGER columns: 32 bits on PostgreSQL (web/schemas.py bounds its paths alike).
INT32_MAX = 2**31 - 1
ID = click.IntRange(1, INT32_MAX)
YEAR = click.IntRange(1, 9999)
COUNT = click.IntRange(1, INT32_MAX)


def json_option(f: Any) -> Any:
    return click.option("--json", "as_json", is_flag=True, help="输出 JSON（格式见 docs/cli.md）")(
        f
    )


def require_folder(
    path: Path,
    ctx: click.Context | None,
    param: click.Parameter | None = None,
    param_hint: str | None = None,
) -> None:
    """Refuse a file to write whose folder is missing, before any work is done."""
    folder = path.parent
    if not folder.is_dir():
        raise click.BadParameter(
            f"文件夹 {folder} 不存在", ctx=ctx, param=param, param_hint=param_hint
        )


class OutputFile(click.Path):
    """A file the command writes (-o): its folder must exist."""

    name = "file"

    def __init__(self) -> None:
        super().__init__(dir_okay=False, path_type=Path)

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        path = super().convert(value, param, ctx)
        assert isinstance(path, Path)  # path_type=Path
        require_folder(path, ctx, param)
        return path
