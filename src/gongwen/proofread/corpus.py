"""The texts the proofreader's model is counted from, read as the model builder and the
benchmarks need them: gov-corpus laws, national and provincial work reports, ECSpell odw.

Offline only (needs ../shared/data); nothing here runs when a text is checked.
"""

from __future__ import annotations

import csv
import json
import re
import zlib
from pathlib import Path

import numpy as np

# Lines of the provincial reports' web pages that are not the report.
_FURNITURE = ("下载 打印", "您的位置", "当前位置", "相关报道", "来源：", "【字号")


def read_laws(root: Path) -> list[str]:
    lines: list[str] = []
    for path in sorted(root.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        if "<!-- INFO END -->" in text:
            text = text.split("<!-- INFO END -->", 1)[1]
        for raw in text.splitlines():
            line = raw.strip().lstrip("#").strip()
            if not line or line.startswith("<!--") or line.startswith("|"):
                continue
            lines.append(line)
    return lines


def national_reports(root: Path) -> list[tuple[str, str]]:
    """(year or title, text) of the national reports and resolutions, 1954 skipped."""
    out: list[tuple[str, str]] = []
    for path in sorted(root.glob("*.jsonl")):
        for raw in path.read_text(encoding="utf-8").splitlines():
            if not raw.strip():
                continue
            rec = json.loads(raw)
            if rec.get("year") == "1954":
                continue  # traditional characters
            out.append((str(rec.get("year") or rec.get("title")), rec["content"]))
    return out


def national_lines(content: str) -> list[str]:
    """Paragraphs are separated by blank lines; single newlines inside one are link breaks."""
    out = []
    for para in re.split(r"\n\s*\n", content):
        line = "".join(p.strip() for p in para.split("\n"))
        if line:
            out.append(line)
    return out


def provincial_reports(root: Path) -> list[tuple[str, str]]:
    csv.field_size_limit(1 << 30)
    out = []
    for path in sorted(root.glob("2026_*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                out.append((path.name, row["full_text"]))
    return out


def provincial_lines(text: str) -> list[str]:
    out = []
    for raw in text.splitlines():
        line = raw.strip()
        if len(line) < 2 or any(f in line for f in _FURNITURE):
            continue
        out.append(line)
    return out


def read_odw(path: Path) -> list[tuple[str, str]]:
    pairs = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        parts = raw.split("\t")
        if len(parts) == 3:
            pairs.append((parts[1].strip(), parts[2].strip()))
    return pairs


def train_half(target: str) -> str:
    return "A" if zlib.crc32(target.encode("utf-8")) % 2 == 0 else "B"


def decontaminate(lines: list[str], targets: list[str]) -> tuple[list[str], int]:
    """Drop every line that contains an odw.test target sentence verbatim."""
    big = "\n".join(lines)
    starts = np.cumsum([0] + [len(x) + 1 for x in lines[:-1]])
    bad: set[int] = set()
    for t in set(targets):
        if not t:
            continue
        i = big.find(t)
        while i >= 0:
            bad.add(int(np.searchsorted(starts, i, side="right")) - 1)
            i = big.find(t, i + 1)
    return [x for j, x in enumerate(lines) if j not in bad], len(bad)


def named_texts(corpus: Path, names: set[str]) -> list[str]:
    """The reports named as the builder names what it holds out ("national:2025",
    "provincial:<file name>"), each as its cleaned lines joined."""
    texts = [
        "\n".join(national_lines(c))
        for y, c in national_reports(corpus / "gwr-national")
        if f"national:{y}" in names
    ]
    texts += [
        "\n".join(provincial_lines(t))
        for name, t in provincial_reports(corpus / "gwr-provincial-2026")
        if f"provincial:{name}" in names
    ]
    return texts
