"""The proofreader on the website: paste or upload, see findings marked in the text, accept or
ignore each, take back the corrected .docx (its own formatting kept) or text."""

from __future__ import annotations

import base64
import binascii
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Coroutine
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from gongwen.errors import InvalidInput
from gongwen.export.render import MEDIA_TYPES, Format, Rendered
from gongwen.platform import proofreading
from gongwen.platform.access import require_member
from gongwen.proofread.documents import MAX_BYTES, MAX_CHARACTERS, Checked
from gongwen.web.deps import CtxDep, render
from gongwen.web.routes.catalogue import attachment

if TYPE_CHECKING:
    from starlette._utils import AwaitableOrContextManager


def _codes(value: object) -> list[str]:
    return [c.strip().upper() for c in str(value or "").split(",") if c.strip()]


# A page's form holds at most a file (base64 when sent back for the corrected copy) and a text
# (9 bytes a character when percent-encoded), plus a few small fields and ticked findings.
_FORM_BYTES = MAX_BYTES * 4 // 3 + 9 * MAX_CHARACTERS + 256 * 1024


async def limited_stream(
    request: Request, chunks: AsyncIterable[bytes], limit: int, too_large: Callable[[], Exception]
) -> AsyncGenerator[bytes, None]:
    """The body's chunks, refused with `too_large()` as soon as it is known to pass `limit`
    bytes: from Content-Length before anything is read, else while counting."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise too_large()
    seen = 0
    async for chunk in chunks:
        seen += len(chunk)
        if seen > limit:
            raise too_large()
        yield chunk


class _LimitedForm(Request):
    """A proofreading page's request: its body read no further than the page can need, and its
    form parsed within the page's limits, by whoever reads it first (the CSRF check reads the
    `csrf` field, the handler the rest: the same parsed form)."""

    async def stream(self) -> AsyncGenerator[bytes, None]:
        async for chunk in limited_stream(self, super().stream(), _FORM_BYTES, _form_too_large):
            yield chunk

    def form(
        self,
        *,
        max_files: int | float = 1,
        max_fields: int | float = 20_000,
        max_part_size: int = _FORM_BYTES,
    ) -> AwaitableOrContextManager[FormData]:
        # The page's limits, whatever the caller asks: one file, a field as large as the form.
        return super().form(max_files=1, max_fields=20_000, max_part_size=_FORM_BYTES)


class _LimitedFormRoute(APIRoute):
    """The pages' handlers and their dependencies get a `_LimitedForm` (FastAPI would give a
    plain Request, whose form has no limit on its size)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            return await handler(_LimitedForm(request.scope, request.receive))

        return limited


router = APIRouter(include_in_schema=False, route_class=_LimitedFormRoute)


def _form_too_large() -> Exception:
    return InvalidInput(
        "file",
        f"提交的内容过大（文件最多 {MAX_BYTES // 2**20} MB，文字最多 {MAX_CHARACTERS:,} 字）",
    )


async def _form(request: Request) -> tuple[FormData, tuple[bytes, str] | None]:
    """The posted form (read once, within the page's limits: `_LimitedForm`) and its file's
    (bytes, name); the file's spool closed."""
    form = await request.form()
    try:
        return form, await _upload(form)
    finally:
        await form.close()


async def _upload(form: object) -> tuple[bytes, str] | None:
    upload = form.get("file")  # type: ignore[attr-defined]
    if upload is None or isinstance(upload, str) or not upload.filename:
        return None
    data = await upload.read(MAX_BYTES + 1)
    return data, str(upload.filename)


@router.get("/proofread", response_class=HTMLResponse)
def proofread_page(ctx: CtxDep) -> Response:
    require_member(ctx.member)
    return render(ctx, "proofread.html", checked=None, segments=[], source="", docx="", name="")


@router.get("/proofread/rules", response_class=HTMLResponse)
def proofread_rules(ctx: CtxDep) -> Response:
    """The rule catalogue (docs/rules.md in short): code, category, what it checks."""
    from gongwen.proofread.catalogue import selected_rules
    from gongwen.proofread.docs import parse
    from gongwen.proofread.rules.formulations import formulations

    rules = [(r, parse(type(r))) for r in selected_rules(select=["GW"])]
    version, entries = formulations()
    return render(ctx, "proofread_rules.html", rules=rules, version=version, entries=entries)


@router.post("/proofread", response_class=HTMLResponse)
async def proofread_check(ctx: CtxDep, request: Request) -> Response:
    form, upload = await _form(request)
    select, ignore = _codes(form.get("select")), _codes(form.get("ignore"))
    docx = ""
    if upload is not None:
        data, name = upload
        checked = await run_in_threadpool(
            proofreading.proofread_file, ctx.lib, ctx.viewer, data, name, select, ignore
        )
        if checked.kind == "docx":
            docx = base64.b64encode(data).decode("ascii")  # sent back for the corrected copy
    else:
        checked = await run_in_threadpool(
            proofreading.proofread_text,
            ctx.lib,
            ctx.viewer,
            str(form.get("text", "")),
            select,
            ignore,
        )
        name = ""
    return render(
        ctx,
        "proofread.html",
        checked=checked,
        segments=_segments(checked),
        source=checked.text,
        docx=docx,
        name=name,
        select=",".join(select),
        ignore=",".join(ignore),
    )


@router.post("/proofread/fixed")
async def proofread_fixed(ctx: CtxDep, request: Request) -> Response:
    """The corrected copy with the fixes the member ticked."""
    form, _ = await _form(request)
    select, ignore = _codes(form.get("select")), _codes(form.get("ignore"))
    accept = [int(str(v)) for v in form.getlist("accept") if str(v).isascii() and str(v).isdigit()]
    if form.get("docx"):
        try:
            data = base64.b64decode(str(form.get("docx")), validate=True)
        except (binascii.Error, ValueError) as err:
            raise InvalidInput("docx", "文档数据已损坏，请重新上传") from err
        name = str(form.get("name") or "文稿.docx")
        out, _ = await run_in_threadpool(
            proofreading.corrected_docx, ctx.lib, ctx.viewer, data, name, accept, select, ignore
        )
        stem = name.rsplit(".", 1)[0]
        return attachment(Rendered(out, f"{stem}（审校）.docx", MEDIA_TYPES[Format.DOCX]))
    text = await run_in_threadpool(
        proofreading.corrected_text,
        ctx.lib,
        ctx.viewer,
        str(form.get("source", "")),
        accept,
        select,
        ignore,
    )
    return attachment(Rendered(text.encode("utf-8"), "审校后.txt", "text/plain; charset=utf-8"))


def _segments(checked: Checked) -> list[tuple[str, int | None]]:
    """The text cut into (piece, diagnostic number or None) for marking; where findings
    overlap, the first one marks the shared characters."""
    out: list[tuple[str, int | None]] = []
    pos = 0
    for i, d in enumerate(checked.diagnostics):
        if d.start < pos:
            continue
        out.append((checked.text[pos : d.start], None))
        # An empty span (a missing mark) still gets a visible marker.
        out.append((checked.text[d.start : d.end] or "∧", i))
        pos = d.end
    out.append((checked.text[pos:], None))
    return out
