"""Every way into the platform, as data: each route of the site and the API, and each command
of the CLI, with who may call it and whether it returns material text.

`ROUTES` and `COMMANDS` are declared by hand; `table(app)` joins ROUTES with the app's routes
and `command_table(cli)` joins COMMANDS with the click command tree (gongwen.cli.app, passed in:
the web imports no CLI), so a route or command missing from them (or an entry naming none) is an
error that tests/web/test_routes.py reports. The
CSRF column is not declared but read from the app: every POST/PUT/PATCH/DELETE must have the
app-wide `require_csrf` dependency (web/app.py), and there are no exceptions — the forms a
visitor sends (sign-up, login, report, appeal) carry the visitor's double-submit token.

"Returns material text" means text of a material beyond its public passages (title, headings,
preview): full text, copies (downloads, filled, re-dated), drafts, diffs, search passages,
a template's places in context, variant sites in context. `material_text_routes` lists them
for the test that every one goes out through the member-copy service.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import click
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from gongwen.web.deps import SAFE_METHODS, require_csrf


class Who(IntEnum):
    """The least privileged caller a route answers (each kind includes the ones above it)."""

    VISITOR = 0  # anyone, logged in or not
    MEMBER = 1  # a logged-in member in good standing
    SUBSCRIBER = 2  # a member whose subscription covers the material (editors read everything)
    EDITOR = 3
    ADMIN = 4
    OPERATOR = 5  # whoever runs the CLI on the server

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Access:
    who: Who
    text: bool  # returns material text (see the module's docstring)
    own: bool = False  # the caller's own things: another member sees and changes only theirs


V, M, S, E, A = Who.VISITOR, Who.MEMBER, Who.SUBSCRIBER, Who.EDITOR, Who.ADMIN
PUBLIC = Access(V, False)
TEXT_FOR_READERS = Access(V, True)  # everyone; the text only to readers, the preview to others

ROUTES: dict[str, Access] = {
    # The framework's own: the API's document and its viewer, the static files.
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /api/v1/docs": PUBLIC,
    "GET /docs/oauth2-redirect": PUBLIC,
    "GET /static": PUBLIC,
    "GET /healthz": PUBLIC,
    # Catalogue pages.
    "GET /": PUBLIC,
    "GET /materials": PUBLIC,
    "GET /search": TEXT_FOR_READERS,
    "GET /materials/{material_id}": TEXT_FOR_READERS,
    "POST /materials/{material_id}/favourite": Access(M, False, own=True),
    "GET /materials/{material_id}/download": Access(S, True),
    "GET /materials/{material_id}/template": Access(S, True),  # each place in its context
    "POST /materials/{material_id}/fill": Access(S, True),  # action=download: the filled copy
    "POST /materials/{material_id}/redate": Access(S, True),
    "GET /materials/{material_id}/revisions": PUBLIC,  # numbers, dates, notes
    "GET /materials/{material_id}/revisions/{number}": Access(S, True),
    # Accounts.
    "GET /register": PUBLIC,
    "POST /register": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "POST /logout": PUBLIC,
    "GET /account": Access(M, False, own=True),
    "POST /account/redeem": Access(M, False, own=True),
    "POST /account/password": Access(M, False, own=True),
    "POST /account/feed": Access(M, False, own=True),
    "POST /account/feed/revoke": Access(M, False, own=True),
    "GET /account/favourites": Access(M, False, own=True),
    "GET /account/downloads": Access(M, False, own=True),
    "GET /new": Access(M, False, own=True),
    "GET /feed/{token}.atom": PUBLIC,  # the member's secret token; titles and links only
    # Writing tools.
    "GET /compose": Access(M, False),  # the usual outline: headings are public
    "POST /compose": Access(M, True),  # paragraphs to borrow, from materials the member reads
    "POST /compose/draft": Access(S, True),
    "GET /proofread": Access(M, False),
    "GET /proofread/rules": PUBLIC,
    "POST /proofread": Access(M, False),  # the member's own text
    "POST /proofread/fixed": Access(M, False),
    # Editors.
    "GET /editor": Access(E, False),
    "POST /editor/upload": Access(E, False),
    "GET /editor/materials/{material_id}": Access(E, True),
    "POST /editor/materials/{material_id}/metadata": Access(E, False),
    "POST /editor/materials/{material_id}/revision": Access(E, False),
    "POST /editor/materials/{material_id}/schedule": Access(E, False),
    "POST /editor/materials/{material_id}/retire": Access(E, False),
    "GET /editor/materials/{material_id}/variants": Access(E, True),  # each site in context
    "POST /editor/materials/{material_id}/variants": Access(E, False),
    "POST /editor/variants/pairs": Access(E, False),
    # Admins.
    "GET /admin": Access(A, False),
    "GET /admin/site": Access(A, False),
    "POST /admin/site": Access(A, False),
    "POST /admin/users/{user_id}/role": Access(A, False),
    "POST /admin/users/{user_id}/subscription": Access(A, False),
    "POST /admin/users/{user_id}/revoke": Access(A, False),
    "POST /admin/users/{user_id}/suspend": Access(A, False),
    "POST /admin/codes": Access(A, False),
    "GET /admin/audit": Access(A, False),
    # Material requests.
    "GET /requests": PUBLIC,
    "POST /requests": Access(M, False),
    "POST /requests/{request_id}/vote": Access(M, False),
    "POST /requests/{request_id}/status": Access(E, False),
    # Reseller reports, their review, appeals.
    "GET /report": PUBLIC,
    "POST /report": PUBLIC,
    "GET /report/status/{token}": PUBLIC,  # the reporter's secret token; never the trace
    "GET /admin/reports": Access(E, False),
    "GET /admin/reports/{report_id}": Access(E, False),  # the evidence as the reporter sent it
    "POST /admin/reports/{report_id}/confirm": Access(E, False),
    "POST /admin/reports/{report_id}/reject": Access(E, False),
    "POST /admin/reports/{report_id}/combine": Access(E, False),
    "GET /appeal": PUBLIC,
    "POST /appeal": PUBLIC,  # a suspended member, by e-mail and password
    "GET /admin/trace": Access(E, False),
    "POST /admin/trace": Access(E, False),  # the verdict: members and materials, no text
    # Live updates: titles of published materials.
    "GET /events": PUBLIC,
    # The API.
    "GET /api/v1/me": Access(M, False, own=True),
    "GET /api/v1/materials": PUBLIC,
    "GET /api/v1/materials/{material_id}": TEXT_FOR_READERS,
    "GET /api/v1/search": TEXT_FOR_READERS,
    "GET /api/v1/materials/{material_id}/download": Access(S, True),
    "GET /api/v1/materials/{material_id}/template": Access(S, True),
    "POST /api/v1/materials/{material_id}/fill": Access(S, False),  # field names and problems
    "POST /api/v1/materials/{material_id}/fill.docx": Access(S, True),
    "GET /api/v1/compose/outline": Access(M, False),
    "GET /api/v1/compose/suggest": Access(M, True),
    "POST /api/v1/compose/draft.docx": Access(S, True),
    "GET /api/v1/favourites": Access(M, False, own=True),
    "PUT /api/v1/favourites/{material_id}": Access(M, False, own=True),
    "DELETE /api/v1/favourites/{material_id}": Access(M, False, own=True),
    "GET /api/v1/downloads": Access(M, False, own=True),
    "GET /api/v1/requests": PUBLIC,
    "POST /api/v1/requests": Access(M, False),
    "GET /api/v1/events": PUBLIC,
    "POST /api/v1/proofread": Access(M, False),
    "POST /api/v1/proofread/docx": Access(M, False),
    "POST /api/v1/proofread/docx/fixed": Access(M, False),
}


# Every command is the operator's: whoever runs `gongwen` on the server owns the database. Their
# copies are unmarked (export --member makes a member's marked copy).
COMMANDS: dict[str, Access] = {
    "backup": Access(Who.OPERATOR, True),  # the whole database, to a file
    "bootstrap": Access(Who.OPERATOR, False),
    "check": Access(Who.OPERATOR, False),  # the operator's own text
    "codes create": Access(Who.OPERATOR, False),
    "codes redeem": Access(Who.OPERATOR, False),
    "compose": Access(Who.OPERATOR, True),  # --plan: a draft of borrowed paragraphs
    "demo": Access(Who.OPERATOR, True),  # a sample search: passages
    "export": Access(Who.OPERATOR, True),
    "fill": Access(Who.OPERATOR, True),
    "ingest": Access(Who.OPERATOR, False),
    "list": Access(Who.OPERATOR, False),
    "outline": Access(Who.OPERATOR, False),  # headings and placeholders
    "prepare-marks": Access(Who.OPERATOR, False),
    "redate": Access(Who.OPERATOR, True),
    "reindex": Access(Who.OPERATOR, False),
    "restore": Access(Who.OPERATOR, False),
    "search": Access(Who.OPERATOR, True),
    "serve": Access(Who.OPERATOR, False),
    "show": Access(Who.OPERATOR, True),
    "subscription grant": Access(Who.OPERATOR, False),
    "template": Access(Who.OPERATOR, True),  # each place in its context
    "trace": Access(Who.OPERATOR, False),  # the verdict
    "user add": Access(Who.OPERATOR, False),
}


@dataclass(frozen=True, slots=True)
class Row:
    method: str
    path: str
    who: Who
    csrf: bool  # the app-wide CSRF check guards it
    text: bool
    own: bool
    endpoint: str  # module.function, or the framework's name for its own routes

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


class UnlistedRoutes(LookupError):
    """Routes (commands) that ROUTES (COMMANDS) does not classify, or entries naming none."""


def _routes(app: FastAPI) -> Iterator[tuple[str, str, Any]]:
    """(method, path, route) of every route of `app`, HEAD left out (it answers as GET)."""
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if isinstance(route.original_route, Mount):
            yield "GET", path, route
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                yield method, path, route


def _guarded(route: Any) -> bool:
    dependant = getattr(route, "dependant", None)
    return dependant is not None and any(d.call is require_csrf for d in dependant.dependencies)


def _endpoint(route: Any) -> str:
    function = route.endpoint
    if function is None:
        return type(route.original_route).__name__
    return f"{function.__module__.removeprefix('gongwen.web.routes.')}.{function.__name__}"


def table(app: FastAPI) -> list[Row]:
    """Every route of `app` with its classification, in the order the app matches them."""
    rows, unlisted = [], []
    for method, path, route in _routes(app):
        key = f"{method} {path}"
        if key not in ROUTES:
            unlisted.append(key)
            continue
        access = ROUTES[key]
        csrf = method not in SAFE_METHODS and _guarded(route)
        rows.append(Row(method, path, access.who, csrf, access.text, access.own, _endpoint(route)))
    stale = sorted(set(ROUTES) - {r.key for r in rows})
    if unlisted or stale:
        raise UnlistedRoutes(f"not in ROUTES: {unlisted}; in ROUTES but not routes: {stale}")
    return rows


def material_text_routes(app: FastAPI) -> list[Row]:
    """The routes that return material text: each must go out through the member-copy service."""
    return [row for row in table(app) if row.text]


def _commands(group: click.Group, prefix: str = "") -> Iterator[tuple[str, click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)  # imports a lazy command's module
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        elif command is not None:
            yield f"{prefix}{name}", command


def command_table(cli: click.Group) -> list[Row]:
    """Every command of `cli` (gongwen.cli.app) with its classification, as rows whose method
    is "CLI" and whose path is the command line."""
    rows, unlisted = [], []
    for name, command in _commands(cli):
        if name not in COMMANDS:
            unlisted.append(name)
            continue
        access = COMMANDS[name]
        callback = command.callback
        endpoint = f"{callback.__module__}.{callback.__name__}" if callback else name
        rows.append(Row("CLI", f"gongwen {name}", access.who, False, access.text, False, endpoint))
    stale = sorted(set(COMMANDS) - {r.path.removeprefix("gongwen ") for r in rows})
    if unlisted or stale:
        raise UnlistedRoutes(f"not in COMMANDS: {unlisted}; in COMMANDS but not commands: {stale}")
    return rows


def markdown(rows: list[Row]) -> str:
    """The table as Markdown (method and path, who, CSRF, returns text, own)."""
    lines = ["| route | who | CSRF | text | own |", "|---|---|---|---|---|"]
    for r in rows:
        marks = ["yes" if flag else "" for flag in (r.csrf, r.text, r.own)]
        lines.append(f"| `{r.key}` | {r.who} | " + " | ".join(marks) + " |")
    return "\n".join(lines)
