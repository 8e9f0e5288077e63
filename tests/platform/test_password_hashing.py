"""Production hashes passwords with argon2id at the cost it was set for. (Every other test hashes
at argon2's cheapest: tests/conftest.py.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from argon2 import Parameters, PasswordHasher, Type, extract_parameters
from sqlalchemy import select

from gongwen.library import Library
from gongwen.model.member import OPERATOR, Role
from gongwen.platform import accounts
from gongwen.store.platform_schema import users

from .conftest import PASSWORD

# argon2-cffi's RFC 9106 low-memory profile: 3 passes over 64 MiB in 4 lanes.
PRODUCTION = (Type.ID, 3, 64 * 1024, 4)


def _stored(lib: Library, email: str) -> Parameters:
    with lib.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash).where(users.c.email == email))
        return extract_parameters(stored.scalar_one())


def _cost(p: Parameters) -> tuple[Type, int, int, int]:
    return (p.type, p.time_cost, p.memory_cost, p.parallelism)


def test_production_hashes_with_argon2id_at_production_cost(
    sqlite_lib: Library,
    production_hasher: Callable[[], PasswordHasher],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cheap = accounts.create_user(sqlite_lib, OPERATOR, "old@example.cn", PASSWORD, Role.MEMBER)
    assert _cost(_stored(sqlite_lib, "old@example.cn")) != PRODUCTION  # the tests' own hasher
    monkeypatch.setattr(accounts, "_hasher", production_hasher)

    accounts.create_user(sqlite_lib, OPERATOR, "new@example.cn", PASSWORD, Role.MEMBER)
    assert _cost(_stored(sqlite_lib, "new@example.cn")) == PRODUCTION

    # A hash made at a lower cost still signs its member in, and is replaced by production's.
    assert accounts.authenticate(sqlite_lib, "old@example.cn", PASSWORD).id == cheap.id
    assert _cost(_stored(sqlite_lib, "old@example.cn")) == PRODUCTION
