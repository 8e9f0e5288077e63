"""Platform fixtures: a seeded library (on both databases) and members of each role."""

from __future__ import annotations

import pytest

from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member, Role
from gongwen.platform.accounts import create_user

from ..conftest import SEED

PASSWORD = "正确的密码-correct-horse"


@pytest.fixture
def seeded(lib: Library) -> Library:
    # The seed is back catalogue: published, not announced, so tests see only their own events.
    assert all(r.ok for r in ingest(lib, [SEED], announce=False))
    return lib


@pytest.fixture
def editor(seeded: Library) -> Member:
    return create_user(seeded, OPERATOR, "editor@example.cn", PASSWORD, Role.EDITOR)


@pytest.fixture
def member(seeded: Library) -> Member:
    return create_user(seeded, OPERATOR, "member@example.cn", PASSWORD, Role.MEMBER)
