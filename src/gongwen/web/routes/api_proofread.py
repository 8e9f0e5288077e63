"""/api/v1's proofreading operations (审校): check a text or a .docx, take the .docx back with
the accepted fixes; and the models they accept and answer. Their router is included in
api.router (web/routes/api.py), as the pages are in web/routes/proofread.py."""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Coroutine
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from gongwen.export.render import MEDIA_TYPES, Format, Rendered
from gongwen.platform import proofreading
from gongwen.platform.proofreading import MAX_CHARACTERS
from gongwen.proofread.documents import MAX_BYTES
from gongwen.web.deps import CtxDep
from gongwen.web.routes.catalogue import attachment
from gongwen.web.routes.proofread import limited_stream
from gongwen.web.schemas import STRICT_IN, ErrorOut, Out, errors

# Included in api.router, which gives the prefix (/api/v1), the tag and the shared checks.
router = APIRouter()

RuleCode = Annotated[str, Field(pattern=r"^GW\d{0,3}$", max_length=5)]
CodeList = Annotated[
    str,
    Query(
        max_length=200,
        pattern=r"^(GW\d{0,3}(,GW\d{0,3})*)?$",
        description="Rule code prefixes, comma-separated (GW1,GW604)",
    ),
]
AcceptList = Annotated[
    str,
    Query(
        max_length=2000,
        pattern=r"^(\d{1,5}(,\d{1,5})*)?$",
        description="Numbers of the diagnostics whose fixes to apply (their order in the check)",
    ),
]


class ProofreadIn(BaseModel):
    """A text to check; `select`/`ignore` are rule code prefixes (docs/rules.md)."""

    model_config = STRICT_IN

    text: str = Field(min_length=1, max_length=MAX_CHARACTERS)
    select: list[RuleCode] = Field(default=[], max_length=40)
    ignore: list[RuleCode] = Field(default=[], max_length=40)
    lines: bool = Field(default=False, description="Check each line as its own text")


class DiagnosticOut(Out):
    code: str = Field(pattern=r"^GW\d{3}$")
    category: Literal[
        "char",
        "duplicate",
        "missing",
        "numbering",
        "date",
        "number",
        "formulation",
        "punctuation",
        "repeat",
        "placeholder",
        "format",
        "other",
    ]
    message: str
    line: int = Field(ge=1, description="1-based")
    column: int = Field(ge=1, description="1-based, in characters")
    start: int = Field(ge=0, description="0-based character offset into the checked text")
    end: int = Field(ge=0)
    text: str
    suggestion: str | None
    fix: Literal["safe", "suggested"] | None


class ProofreadSummaryOut(Out):
    file: str
    characters: int
    diagnostics: int
    fixable: int = Field(description="Diagnostics with a safe fix")
    by_category: dict[str, int]
    by_code: dict[str, int]


class ProofreadOut(Out):
    diagnostics: list[DiagnosticOut]
    summary: ProofreadSummaryOut


_DOCX_BODY = {
    "requestBody": {
        "required": True,
        "content": {MEDIA_TYPES[Format.DOCX]: {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _codes(value: str) -> list[str]:
    return [c for c in value.split(",") if c]


# A JSON body holds at most MAX_CHARACTERS characters of text, each at most 12 bytes (an
# escaped surrogate pair), plus the rule codes: read no further than that.
_JSON_BYTES = 12 * MAX_CHARACTERS + 64 * 1024
_TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorOut, "description": "The body is larger than the proofreader reads"}
}


def _too_large(what: str) -> Callable[[], Exception]:
    return lambda: HTTPException(413, f"{what}，请分段审校")


class _LimitedRequest(Request):
    """A request whose body is read no further than the JSON limit."""

    async def stream(self) -> AsyncGenerator[bytes, None]:
        too_large = _too_large(
            f"请求超过 {_JSON_BYTES // 1024:,} KB（文字最多 {MAX_CHARACTERS:,} 字）"
        )
        async for chunk in limited_stream(self, super().stream(), _JSON_BYTES, too_large):
            yield chunk


class _LimitedRoute(APIRoute):
    """FastAPI reads and parses the body before the handler runs: the limit goes in first."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def limited(request: Request) -> Response:
            return await handler(_LimitedRequest(request.scope, request.receive))

        return limited


def proofread(ctx: CtxDep, payload: ProofreadIn) -> ProofreadOut:
    """审校: diagnostics of the text, the shape of `gongwen check --json` (docs/cli.md)."""
    checked = proofreading.proofread_text(
        ctx.lib, ctx.viewer, payload.text, payload.select, payload.ignore, payload.lines
    )
    return ProofreadOut.model_validate(checked.as_json())


router.add_api_route(
    "/proofread",
    proofread,
    methods=["POST"],
    responses={**errors(400, 401, 403, 429), **_TOO_LARGE},
    route_class_override=_LimitedRoute,
)


async def _docx_body(request: Request) -> bytes:
    too_large = _too_large(f"文件超过 {MAX_BYTES // 2**20} MB")
    chunks = limited_stream(request, request.stream(), MAX_BYTES, too_large)
    return b"".join([chunk async for chunk in chunks])


@router.post(
    "/proofread/docx",
    responses={**errors(400, 401, 403, 429), **_TOO_LARGE},
    openapi_extra=_DOCX_BODY,
)
async def proofread_docx(
    ctx: CtxDep,
    request: Request,
    select: CodeList = "",
    ignore: CodeList = "",
) -> ProofreadOut:
    """审校 an uploaded .docx (the request body); offsets are into its text, one line per
    paragraph with Word's numbering spelled out."""
    data = await _docx_body(request)
    checked = await run_in_threadpool(
        proofreading.proofread_file,
        ctx.lib,
        ctx.viewer,
        data,
        "upload.docx",
        _codes(select),
        _codes(ignore),
    )
    return ProofreadOut.model_validate(checked.as_json())


@router.post(
    "/proofread/docx/fixed",
    response_class=Response,
    responses={
        200: {"description": "修改后的文档", "content": {MEDIA_TYPES[Format.DOCX]: {}}},
        **errors(400, 401, 403, 429),
        **_TOO_LARGE,
    },
    openapi_extra=_DOCX_BODY,
)
async def proofread_docx_fixed(
    ctx: CtxDep,
    request: Request,
    accept: AcceptList = "",
    select: CodeList = "",
    ignore: CodeList = "",
) -> Response:
    """The .docx with the fixes of the accepted diagnostics written into its own runs."""
    data = await _docx_body(request)
    out, _ = await run_in_threadpool(
        proofreading.corrected_docx,
        ctx.lib,
        ctx.viewer,
        data,
        "upload.docx",
        [int(i) for i in _codes(accept)],
        _codes(select),
        _codes(ignore),
    )
    return attachment(Rendered(out, "审校后.docx", MEDIA_TYPES[Format.DOCX]))
