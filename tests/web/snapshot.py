"""What a refused request must leave as it was: a digest of every table of the world."""

from __future__ import annotations

import hashlib

from sqlalchemy import inspect, text

from .conftest import World


def state(world: World) -> dict[str, str]:
    """Each table's name -> a digest of its rows (in any order)."""
    out = {}
    with world.lib.engine.connect() as conn:
        for name in sorted(inspect(conn).get_table_names()):
            rows = conn.execute(text(f'SELECT * FROM "{name}"')).all()
            out[name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """The tables whose rows differ."""
    return [name for name in after if before.get(name) != after[name]]
