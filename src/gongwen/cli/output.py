"""What every command shares: the library it opens, its consoles, tables and JSON.

Imported by `gongwen --help`: what it imports at the top, every start pays for.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from gongwen.library import Library

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _Consoles:
    """rich consoles, made on first use (importing rich costs 0.1 s)."""

    _out: Console | None = None
    _err: Console | None = None

    @property
    def out(self) -> Console:
        if self._out is None:
            from rich.console import Console

            self._out = Console(highlight=False)
        return self._out

    @property
    def err(self) -> Console:
        if self._err is None:
            from rich.console import Console

            self._err = Console(stderr=True, highlight=False)
        return self._err

    def reset(self) -> None:
        self._out = self._err = None


consoles = _Consoles()


class State:
    """The one invocation's --db and the library it opened (closed when the command ends)."""

    db: str | None = None
    lib: Library | None = None

    def db_url(self) -> str:
        from gongwen.config import Settings

        return Settings.from_env(self.db).db_url

    def close(self) -> None:
        lib, self.lib = self.lib, None
        if lib is not None:
            lib.close()


state = State()


def reset() -> None:
    """Forget the last invocation (for running the app more than once in one process)."""
    state.close()
    state.db = None
    consoles.reset()


def library() -> Library:
    if state.lib is None:
        from gongwen.config import Settings
        from gongwen.library import Library

        state.lib = Library.open(Settings.from_env(state.db))
    return state.lib


def _width(text: str) -> int:
    """Columns a text takes in a terminal: CJK characters take two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A plain aligned table (rich would cost 0.1 s of start-up for the same thing)."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: tuple[str, ...]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True))

    click.secho(line(header).rstrip(), bold=True)
    for row in rows:
        click.echo(line(row).rstrip())


def write_file(path: Path, data: bytes) -> None:
    """Write what the command made; an error names the file even when the OS does not (a
    failed write() carries no file name)."""
    try:
        path.write_bytes(data)
    except OSError as err:
        err.filename = err.filename or str(path)
        raise


def emit_json(data: Any) -> None:
    import json  # not at the top: `gongwen --help` and most errors never print JSON

    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def counted(label: str, as_json: bool, work: Any) -> tuple[Any, float]:
    """Run `work(progress)` under a progress bar on stderr (none with --json or off a terminal),
    where progress(done, total) moves the bar; (what it returned, seconds it took)."""
    import time

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    started = time.perf_counter()
    with Progress(
        TextColumn(f"[bold]{label}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=consoles.err,
        disable=as_json or not consoles.err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=None)
        result = work(lambda done, total: progress.update(task, completed=done, total=total))
    return result, time.perf_counter() - started
