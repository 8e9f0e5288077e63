"""The operator's account commands: user add, subscription grant, codes, bootstrap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ..gw import assert_user_error, gw


def test_user_add_reads_the_password_from_stdin_or_prints_a_generated_one(db: str) -> None:
    given = json.loads(
        gw(db, "user", "add", "a@example.cn", "--json", input="long-password\n").stdout
    )
    assert given["email"] == "a@example.cn" and given["role"] == "member"
    assert given["password"] is None  # the operator typed it
    made = json.loads(gw(db, "user", "add", "b@example.cn", "--role", "editor", "--json").stdout)
    assert made["role"] == "editor" and len(made["password"]) >= 12
    out = gw(db, "user", "add", "c@example.cn").stdout
    assert "已添加 c@example.cn（member）" in out and "密码（只显示这一次）" in out
    assert_user_error(
        gw(db, "user", "add", "d@example.cn", "--role", "boss", check=False), "--role"
    )


def test_subscription_grant_extends_and_checks_the_start(db: str) -> None:
    gw(db, "user", "add", "a@example.cn", input="long-password\n")
    first = json.loads(
        gw(db, "subscription", "grant", "a@example.cn", "--start", "2024-01-01", "--json").stdout
    )
    assert first["starts_at"].startswith("2024-01-01") and first["ends_at"].startswith("2025-01-01")
    assert gw(db, "subscription", "grant", "a@example.cn", "--plan", "month").stdout.startswith(
        "a@example.cn：month，"
    )
    for start in ("1.1.2024", "9999-12-31"):
        refused = gw(db, "subscription", "grant", "a@example.cn", "--start", start, check=False)
        assert_user_error(refused, "--start", start)
    assert_user_error(gw(db, "subscription", "grant", "x@example.cn", check=False), "x@example.cn")


def test_codes_are_created_once_and_redeemed_once(db: str) -> None:
    gw(db, "user", "add", "a@example.cn", input="long-password\n")
    created = json.loads(gw(db, "codes", "create", "--count", "2", "--json").stdout)
    assert created["plan"] == "year" and len(set(created["codes"])) == 2
    code = created["codes"][0]
    redeemed = json.loads(gw(db, "codes", "redeem", "a@example.cn", code, "--json").stdout)
    assert redeemed["email"] == "a@example.cn" and redeemed["plan"] == "year"
    assert_user_error(gw(db, "codes", "redeem", "a@example.cn", code, check=False))
    assert_user_error(gw(db, "codes", "create", "--count", "0", check=False), "数量")


def test_bootstrap_creates_the_first_admin_once(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the password is written to var/ under the working folder
    first = gw(db, "bootstrap").stdout
    note = tmp_path / "var" / "first-admin.txt"
    email, password = note.read_text(encoding="utf-8").split()
    assert email == "admin@gongwen.local" and password in first
    assert note.stat().st_mode & 0o777 == 0o600
    again = gw(db, "bootstrap").stdout
    assert again.startswith("管理员：admin@gongwen.local") and password not in again
