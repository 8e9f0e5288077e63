"""Member-facing bytes of a material: txt, md, docx (GB/T 9704-2012). Only
platform.downloads.download serves them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from gongwen.errors import InvalidInput
from gongwen.export import gbt9704
from gongwen.model.material import MaterialDetail, body_blocks


class Format(StrEnum):
    TXT = "txt"
    MD = "md"
    DOCX = "docx"


MEDIA_TYPES = {
    Format.TXT: "text/plain; charset=utf-8",
    Format.MD: "text/markdown; charset=utf-8",
    Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True, slots=True)
class Rendered:
    data: bytes
    filename: str
    media_type: str


def parse_format(value: str) -> Format:
    try:
        return Format(value)
    except ValueError:
        raise InvalidInput("fmt", f"格式只能是 txt、md 或 docx，收到 {value!r}") from None


def file_stem(title: str, fallback: str) -> str:
    """A title as a file name: characters no file system takes, and spaces, become _."""
    return re.sub(r'[\\/:*?"<>|\s]+', "_", title).strip("_") or fallback


def filename_for(detail: MaterialDetail, fmt: Format) -> str:
    return f"{file_stem(detail.summary.title, f'material-{detail.summary.id}')}.{fmt}"


def render(detail: MaterialDetail, fmt: Format, site_name: str = "公文库") -> Rendered:
    """The material's bytes; a .docx is laid out as GB/T 9704-2012 (export/gbt9704.py) and
    names `site_name` as its author."""
    if fmt is Format.TXT:
        data = (_notice_lines(detail) + detail.text).encode("utf-8")
    elif fmt is Format.MD:
        data = (_notice_lines(detail) + render_markdown(detail)).encode("utf-8")
    else:
        data = gbt9704.document(detail, site_name)
    return Rendered(data, filename_for(detail, fmt), MEDIA_TYPES[fmt])


def _notice_lines(detail: MaterialDetail) -> str:
    """A member's copy opens with whose it is (trace/mark.py's notice)."""
    return f"{detail.notice}\n\n" if detail.notice else ""


def render_markdown(detail: MaterialDetail) -> str:
    """The material as Markdown: title, headings by level, paragraphs, in text order."""
    out = [f"# {detail.summary.title}", ""]
    for kind, level, text in body_blocks(detail):
        out += ["#" * min(6, level + 1) + f" {text}" if kind == "heading" else text, ""]
    return "\n".join(out).rstrip() + "\n"


def to_pdf(docx: bytes) -> bytes:
    """A .docx converted to PDF by LibreOffice (`soffice`), or an ExportError saying why not."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    from gongwen.errors import ExportError

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ExportError("导出 PDF 需要 LibreOffice（apt-get install libreoffice-writer-nogui）")
    with tempfile.TemporaryDirectory(prefix="gongwen-pdf-") as tmp:
        source = Path(tmp) / "material.docx"
        source.write_bytes(docx)
        # A profile of its own: a second soffice (the user's) must not block this one.
        profile = Path(tmp) / "profile"
        done = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                tmp,
                str(source),
            ],
            capture_output=True,
            timeout=300,
            check=False,
        )
        pdf = Path(tmp) / "material.pdf"
        if done.returncode != 0 or not pdf.exists():
            raise ExportError(
                f"LibreOffice 未能转换：{done.stderr.decode(errors='replace')[-300:]}"
            )
        return pdf.read_bytes()
