"""The site's name, tagline and notice: shown on every page, changed by the admin."""

from __future__ import annotations

from dataclasses import replace

from gongwen.errors import InvalidInput
from gongwen.library import Library
from gongwen.model.member import Member
from gongwen.model.platform import SiteInfo
from gongwen.platform.access import require_admin
from gongwen.store import audit
from gongwen.store import site as store
from gongwen.util.text import printable

LIMITS = {"name": 30, "tagline": 80, "notice": 300}


def info(lib: Library) -> SiteInfo:
    """The current texts (kept a minute per process, and dropped at once when changed here)."""

    def make() -> SiteInfo:
        with lib.db.read() as conn:
            stored = store.values(conn)
        return replace(SiteInfo(), **{k: v for k, v in stored.items() if k in LIMITS})

    return lib.caches.get(lib.caches.facets, "site", make)


def update(lib: Library, actor: Member | None, name: str, tagline: str, notice: str) -> SiteInfo:
    admin = require_admin(actor)
    values = {"name": name, "tagline": tagline, "notice": notice}
    clean: dict[str, str] = {}
    for key, value in values.items():
        # One line: no control characters, no runs of spaces.
        text = printable(" ".join(value.split()))
        if len(text) > LIMITS[key]:
            raise InvalidInput(key, f"最多 {LIMITS[key]} 个字，收到 {len(text)} 个")
        clean[key] = text
    if not clean["name"]:
        raise InvalidInput("name", "站点名称不能为空")
    before = info(lib)
    changed: dict[str, object] = {k: v for k, v in clean.items() if getattr(before, k) != v}
    if changed:
        with lib.db.write() as conn:
            store.save(conn, {k: str(v) for k, v in changed.items()}, admin.id)
            audit.record(conn, admin.id, "site.update", "", changed)
        lib.caches.forget(lib.caches.facets, "site")
    return replace(before, **clean)
