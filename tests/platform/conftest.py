"""Platform fixtures: members of each role in the seeded library (`seeded`: tests/conftest.py)."""

from __future__ import annotations

import pytest

from gongwen.library import Library
from gongwen.model.member import OPERATOR, Member, Role
from gongwen.platform.accounts import create_user

PASSWORD = "正确的密码-correct-horse"


@pytest.fixture
def editor(seeded: Library) -> Member:
    return create_user(seeded, OPERATOR, "editor@example.cn", PASSWORD, Role.EDITOR)


@pytest.fixture
def member(seeded: Library) -> Member:
    return create_user(seeded, OPERATOR, "member@example.cn", PASSWORD, Role.MEMBER)
