"""The one place an exception becomes what the user sees: one line on stderr, an exit status.

2: the user's mistake (an argument, a file, the database they named), the line naming it and
saying why; 1: a bug, "内部错误", its traceback only with GONGWEN_DEBUG=1; 130: interrupted.
"""

from __future__ import annotations

import errno
import os
import re
import sys
import traceback
from urllib.parse import urlsplit

import click

from gongwen.errors import GongwenError, InvalidInput

USER_ERROR = 2
BUG = 1
INTERRUPTED = 130

_OS_REASONS = {
    errno.ENOENT: "文件或文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "是文件夹，不是文件",
    errno.EACCES: "没有权限",
    errno.EPERM: "不允许这样操作",
    errno.EROFS: "所在的文件系统只读",
    errno.ENOSPC: "磁盘已满",
    errno.EEXIST: "已经存在",
}


def report(err: BaseException) -> int:
    """Print `err` for the user; the exit status the command ends with."""
    if isinstance(err, click.exceptions.NoArgsIsHelpError):
        err.show()  # `gongwen` alone: the help, as click prints it
        return err.exit_code
    if isinstance(err, click.Abort | KeyboardInterrupt):
        _line("已中止")
        return INTERRUPTED
    if isinstance(err, click.UsageError):
        hint = f"（用法：{err.ctx.command_path} -h）" if err.ctx else ""
        _line(f"错误：{err.format_message()}{hint}")
        return USER_ERROR
    if isinstance(err, click.ClickException):
        _line(f"错误：{err.format_message()}")
        return USER_ERROR
    if isinstance(err, GongwenError):
        _line(f"错误：{_message(err)}")
        return USER_ERROR
    if _database_unusable(err):
        _line(f"错误：无法连接数据库 {_database_url()}: {_first_line(getattr(err, 'orig', err))}")
        return USER_ERROR
    if isinstance(err, UnicodeDecodeError):
        # Files are decoded where they are read, naming them (files.py); this is the rest.
        _line(f"错误：输入不是已知编码的文字（{err.encoding}: {err.reason}）")
        return USER_ERROR
    if isinstance(err, OSError):
        _line(f"错误：{_os_message(err)}")
        return USER_ERROR
    if isinstance(err, RecursionError):
        # Data files are refused beyond files.MAX_DEPTH before parsing; this is a safety net.
        _line("错误：输入嵌套过深，无法处理")
        return USER_ERROR
    # Read here, not through Settings: the settings themselves may be what failed.
    if os.environ.get("GONGWEN_DEBUG") == "1":
        traceback.print_exception(err, file=sys.stderr)
    _line(f"内部错误：{type(err).__name__}: {_first_line(err)} (GONGWEN_DEBUG=1 显示详情)")
    return BUG


def _line(text: str) -> None:
    click.echo(" ".join(text.split("\n")), err=True)


def _first_line(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[0] if lines else type(err).__name__


def _message(err: GongwenError) -> str:
    # A file's or path's reason already names it ("x.docx：…"): no "file: " in front.
    if isinstance(err, InvalidInput) and err.field in ("file", "path"):
        return err.reason
    return str(err)


def _os_message(err: OSError) -> str:
    reason = _OS_REASONS.get(err.errno or 0) or err.strerror or str(err)
    paths = [str(p) for p in (err.filename, err.filename2) if p is not None]
    return f"{' → '.join(paths)}: {reason}" if paths else reason


def _database_unusable(err: BaseException) -> bool:
    """A database that cannot be reached or opened (the driver's OperationalError, a file
    that is not SQLite), told by name: the CLI does not import SQLAlchemy or a driver."""
    cause = getattr(err, "orig", None) or err  # SQLAlchemy wraps the driver's error
    for kind in type(cause).__mro__:
        package = kind.__module__.split(".")[0]
        if package in ("sqlite3", "psycopg") and kind.__name__ == "OperationalError":
            return True
    return type(cause).__module__ == "sqlite3" and type(cause).__name__ == "DatabaseError"


def _database_url() -> str:
    """--db (or its default) without its password."""
    from gongwen.cli.output import state

    try:
        url = state.db_url()
    except GongwenError:
        url = state.db or ""
    password = urlsplit(url).password
    if password:
        url = url.replace(f":{password}@", "@", 1)
    return re.sub(r"([?&])password=[^&]*&?", r"\1", url).rstrip("?&")
