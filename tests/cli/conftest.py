"""Databases for the command-line tests: an empty one, or one holding the six seed reports
(ingested once per session, copied for each test that asks)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import SEED
from ..gw import gw


@pytest.fixture
def db(tmp_path: Path) -> str:
    """A fresh SQLite database's URL."""
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


@pytest.fixture(scope="session")
def _seeded_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seeded")
    gw(f"sqlite:///{folder / 'cli.sqlite3'}", "ingest", str(SEED))
    return folder


@pytest.fixture
def seeded(tmp_path: Path, _seeded_folder: Path) -> str:
    """A database holding the six seed reports (ids 1–6), this test's own copy with its
    search index."""
    folder = tmp_path / "seeded"
    shutil.copytree(_seeded_folder, folder)
    return f"sqlite:///{folder / 'cli.sqlite3'}"
