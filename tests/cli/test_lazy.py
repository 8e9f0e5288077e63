"""Commands imported on first use: the root's table names every command, and the help it
prints from that table is what the commands themselves would print."""

from __future__ import annotations

import importlib

import click
import pytest

from gongwen.cli import COMMANDS, app

from ..gw import gw


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_line_of_help_is_the_commands_own(name: str) -> None:
    target, line = COMMANDS[name]
    module, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command) and command.name == name
    assert (command.help or "").split("\n\n")[0].strip() == line


def test_the_help_lists_every_command_once(db: str) -> None:
    listed = gw(db, "--help").stdout.split("Commands:\n", 1)[1].splitlines()
    assert [row.split()[0] for row in listed] == sorted(COMMANDS)
    assert app.list_commands(click.Context(app)) == sorted(COMMANDS)


def test_a_subgroup_runs_its_commands(db: str) -> None:
    assert "add" in gw(db, "user", "--help").stdout
    assert gw(db, "codes", "nosuch", check=False).exit_code == 2
