"""The shape of the code, as ARCHITECTURE.md draws it: dependencies point one way, and every
SQL statement lives in store/."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "gongwen"
SQL = re.compile(r"\b(SELECT|INSERT INTO|UPDATE \w+ SET|DELETE FROM|CREATE TABLE)\b")


def _modules(package: str) -> list[Path]:
    return sorted((SRC / package).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


@pytest.mark.parametrize(
    "package", ["platform", "web", "cli", "search", "compose", "export", "model"]
)
def test_no_sql_outside_the_store(package: str) -> None:
    for path in _modules(package):
        imports = _imports(path)
        assert not any(i == "sqlalchemy" or i.startswith("sqlalchemy.") for i in imports), path
        assert not any(i.startswith("gongwen.store.schema") for i in imports), path
        assert not any(i.startswith("gongwen.store.platform_schema") for i in imports), path
        statements = [s for s in _strings(path) if SQL.search(s)]
        assert statements == [], (path, statements)


@pytest.mark.parametrize("package", ["model", "parse", "export", "proofread", "trace"])
def test_pure_packages_know_nothing_of_the_database_or_the_web(package: str) -> None:
    for path in _modules(package):
        imports = _imports(path)
        bad = {
            i
            for i in imports
            if i.startswith(("gongwen.store", "gongwen.web", "gongwen.platform", "gongwen.library"))
            or i.startswith(("sqlalchemy", "fastapi"))
        }
        assert bad == set(), (path, bad)


def test_nothing_imports_the_web_or_the_cli() -> None:
    for path in SRC.rglob("*.py"):
        # The command line is the cli/ package, which `python -m gongwen` runs.
        parts = path.relative_to(SRC).parts
        if parts[0] in ("web", "cli") or parts == ("__main__.py",):
            continue
        imports = _imports(path)
        assert not any(i.startswith(("gongwen.web", "gongwen.cli")) for i in imports), path
