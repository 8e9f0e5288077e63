"""Writing tools for members on the website and the API: a material as a template, filled with
the member's figures, or re-dated as this year's draft. Only readers of the material use them,
and every .docx they take away goes through downloads.deliver (checked, counted, logged)."""

from __future__ import annotations

from gongwen.compose.fill import Filled, fill
from gongwen.compose.redate import Redated, redate
from gongwen.compose.template import Field, fields_of
from gongwen.export import gbt9704
from gongwen.export.render import MEDIA_TYPES, Format, Rendered, file_stem
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.platform import site
from gongwen.platform.access import Viewer
from gongwen.platform.downloads import deliver, readable_detail


def template(lib: Library, viewer: Viewer, material_id: int) -> tuple[MaterialDetail, list[Field]]:
    detail = readable_detail(lib, viewer, material_id)
    return detail, fields_of(detail)


def check(lib: Library, viewer: Viewer, material_id: int, values: dict[str, object]) -> Filled:
    """The filled text and its problems, without taking a copy away."""
    return fill(readable_detail(lib, viewer, material_id), values)


def filled_copy(
    lib: Library, viewer: Viewer, material_id: int, values: dict[str, object]
) -> Rendered:
    check(lib, viewer, material_id, values)  # refuses bad values before a copy is counted

    def make(detail: MaterialDetail) -> Rendered:
        document = gbt9704.document(fill(detail, values).detail, site.info(lib).name)
        return Rendered(document, _name(detail, "填写稿"), MEDIA_TYPES[Format.DOCX])

    return deliver(lib, viewer, material_id, "filled", make)


def redated_copy(
    lib: Library, viewer: Viewer, material_id: int, year: int, period: str | None
) -> Rendered:
    def make(detail: MaterialDetail) -> Rendered:
        draft = redate(detail, year, period)
        document = gbt9704.document(draft.detail, site.info(lib).name)
        return Rendered(document, _name(draft.detail, "草稿"), MEDIA_TYPES[Format.DOCX])

    return deliver(lib, viewer, material_id, "redated", make)


def redated_preview(
    lib: Library, viewer: Viewer, material_id: int, year: int, period: str | None
) -> Redated:
    """What a re-dated draft changes and what to review, without taking a copy away."""
    return redate(readable_detail(lib, viewer, material_id), year, period)


def _name(detail: MaterialDetail, what: str) -> str:
    return f"{file_stem(detail.summary.title, 'material')}（{what}）.docx"
