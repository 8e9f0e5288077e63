"""Running the platform: backup and restore from the command line, serve's bounds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..gw import assert_user_error, gw


def test_backup_and_restore_into_a_fresh_database(seeded: str, tmp_path: Path) -> None:
    archive = tmp_path / "backups" / "gongwen-1.sqlite3"
    done = json.loads(gw(seeded, "backup", str(archive), "--json").stdout)
    assert done["path"] == str(archive) and done["bytes"] == archive.stat().st_size > 0
    fresh = f"sqlite:///{tmp_path / 'restored' / 'gw.sqlite3'}"
    assert "已从" in gw(fresh, "restore", str(archive)).stdout
    assert len(json.loads(gw(fresh, "list", "--json").stdout)) == 6
    refused = gw(fresh, "restore", str(archive), check=False)  # it holds materials now
    assert_user_error(refused, "--force")
    gw(fresh, "restore", str(archive), "--force")


def test_restore_checks_the_file_before_the_target(seeded: str, tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.bak"
    garbage.write_text("not a backup\n", encoding="utf-8")
    # The target holds materials, but the file is the mistake to report.
    line = assert_user_error(gw(seeded, "restore", str(garbage), check=False), str(garbage))
    assert "--force" not in line
    missing = tmp_path / "missing.bak"
    assert_user_error(gw(seeded, "restore", str(missing), check=False), str(missing), "不存在")


def test_backup_into_a_file_it_cannot_write_names_it(db: str) -> None:
    assert_user_error(gw(db, "backup", "/proc/version", check=False), "/proc/version")


@pytest.mark.parametrize("port", ["0", "65536", "99999999999999999999"])
def test_serve_refuses_a_port_out_of_range(db: str, port: str) -> None:
    assert_user_error(gw(db, "serve", "--port", port, check=False), "--port")
