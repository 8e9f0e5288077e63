"""Leak tracing on the command line: prepare-marks, a member's export, trace a file or stdin."""

from __future__ import annotations

import json
from pathlib import Path

from ..gw import assert_user_error, gw


def _member_copies(db: str, tmp_path: Path) -> tuple[str, str]:
    """Material 3 exported for members a@ and b@: their two texts."""
    for name in ("a", "b"):
        gw(db, "user", "add", f"{name}@example.cn", input="a-long-password\n")
        gw(db, "subscription", "grant", f"{name}@example.cn", "--plan", "year")
        out = tmp_path / f"{name}.txt"
        gw(db, "export", "3", "--member", f"{name}@example.cn", "--format", "txt", "-o", str(out))
    a, b = ((tmp_path / f"{n}.txt").read_text(encoding="utf-8") for n in ("a", "b"))
    return a, b


def test_prepare_marks_export_for_a_member_and_trace(seeded: str, tmp_path: Path) -> None:
    assert json.loads(gw(seeded, "prepare-marks", "--json").stdout)["revisions"] == 6
    assert json.loads(gw(seeded, "prepare-marks", "--json").stdout)["revisions"] == 0  # done once
    a, b = _member_copies(seeded, tmp_path)
    assert a != b and a.startswith("仅供学习 禁止外传")
    whole = json.loads(gw(seeded, "trace", str(tmp_path / "b.txt"), "--json").stdout)
    assert whole["verdict"] == "identified" and whole["layers"] == ["file"]
    assert [m["email"] for m in whole["members"]] == ["b@example.cn"]
    pasted = json.loads(gw(seeded, "trace", "-", "--json", input=a.split("\n", 2)[2][:2000]).stdout)
    assert pasted["layers"] == ["text"] and pasted["members"][0]["email"] == "a@example.cn"
    assert pasted["verdict"] == "identified"
    assert "结论：已查明" in gw(seeded, "trace", str(tmp_path / "a.txt")).stdout


def test_a_members_copy_has_no_pdf(seeded: str, tmp_path: Path) -> None:
    gw(seeded, "user", "add", "a@example.cn", input="a-long-password\n")
    args = ("export", "3", "--member", "a@example.cn", "--format", "pdf")
    refused = gw(seeded, *args, "-o", str(tmp_path / "a.pdf"), check=False)
    assert_user_error(refused, "--format")


def test_trace_names_the_users_file_not_a_temporary_copy(seeded: str, tmp_path: Path) -> None:
    broken = tmp_path / "泄露.pdf"
    broken.write_bytes(b"%PDF-1.4 not really")
    line = assert_user_error(gw(seeded, "trace", str(broken), check=False), str(broken))
    assert "suspect" not in line
    odd = tmp_path / "leak.xyz"
    odd.write_text("文字", encoding="utf-8")
    assert_user_error(gw(seeded, "trace", str(odd), check=False), str(odd), ".xyz")
    assert_user_error(gw(seeded, "trace", str(tmp_path / "无.txt"), check=False), "无.txt")
    binary = tmp_path / "leak.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    assert_user_error(gw(seeded, "trace", str(binary), check=False), str(binary))
