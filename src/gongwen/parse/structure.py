"""Parse decoded text into documents: titles, preamble, heading tree, paragraphs, items, placeholders.

Loss-free: every character of the input lands in exactly one block, in order, so
`"".join(b.raw for b in parsed.blocks) == text` always holds.
"""

from __future__ import annotations

import hashlib
import re

from gongwen.model import (
    Block,
    BlockKind,
    Document,
    Paragraph,
    ParsedFile,
    Section,
    SectionKind,
)
from gongwen.parse.enumerations import find_items
from gongwen.parse.headings import BARE_RANK, is_bare_heading, match_heading, section_kind
from gongwen.parse.metadata import is_title_line, title_facts
from gongwen.parse.placeholders import find_placeholders

_MD_TITLE = re.compile(r"#[ \t]+(\S.*)")
_COMMENT_LINE = re.compile(r"[ \t]*<!--.*-->[ \t]*")
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d{2})\s*年")


def parse_text(
    text: str,
    *,
    source_file: str = "",
    title_hint: str = "",
    markdown: bool = False,
    split: bool = True,
) -> ParsedFile:
    """Split a file's text into documents and parse each one.

    `split=False` keeps the whole text as one document (an editor's revision of one material),
    titled by its first line when that is a title line, else by `title_hint`.
    """
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def title_at(i: int) -> str | None:
        bare = lines[i].rstrip("\r\n")
        if markdown:
            m = _MD_TITLE.fullmatch(bare)
            return m.group(1).strip() if m else None
        if match_heading(bare) is None and is_title_line(bare):
            return bare.strip(" \t\u3000")
        return None

    title_lines = [(i, t) for i in range(len(lines)) if (t := title_at(i))]
    if markdown and title_lines:
        title_lines = title_lines[:1]  # one Markdown file, one document: "# " opens it
    if not split:
        first_text = next((i for i, ln in enumerate(lines) if ln.strip()), None)
        title_lines = [t for t in title_lines[:1] if t[0] == first_text]
    blocks: list[Block] = []
    documents: list[Document] = []
    if not title_lines:
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
        lead = lines[first].strip(" \t\u3000\r\n") if first is not None else ""
        if (
            lead
            and len(lead) <= 60
            and lead[-1] not in "。；;：:，,"
            and match_heading(lead) is None
        ):
            title_lines = [(first, lead)]  # type: ignore[list-item]
        else:
            title_lines = [(0, title_hint or source_file or "无标题")]
            # No title line in the text: the document starts at the top, with no title block.
            doc = _parse_document(lines, starts, 0, len(lines), title_lines[0][1], False)
            return _finish(text, blocks + doc.blocks, [doc], source_file)
    first_title = title_lines[0][0]
    for i in range(first_title):
        blocks.append(Block(BlockKind.PREAMBLE, lines[i], starts[i]))
    for n, (i, title) in enumerate(title_lines):
        end = title_lines[n + 1][0] if n + 1 < len(title_lines) else len(lines)
        doc = _parse_document(lines, starts, i, end, title, True)
        blocks.extend(doc.blocks)
        documents.append(doc)
    return _finish(text, blocks, documents, source_file)


def _finish(text: str, blocks: list[Block], documents: list[Document], source: str) -> ParsedFile:
    for doc in documents:
        doc.source_file = source
        doc.content_hash = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        doc.placeholders = find_placeholders(doc.text)
        facts = title_facts(doc.title)
        doc.year = facts.year
        if doc.year is None:
            m = _YEAR_IN_TEXT.search(doc.text[:300])
            doc.year = int(m.group(1)) if m else None
        doc.period, doc.doc_type = facts.period, facts.doc_type
        doc.organisation, doc.organisation_kind = facts.organisation, facts.organisation_kind
    return ParsedFile(text=text, blocks=blocks, documents=documents)


def _parse_document(
    lines: list[str], starts: list[int], first: int, end: int, title: str, has_title_line: bool
) -> Document:
    base = starts[first]
    blocks: list[Block] = []
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    stack: list[tuple[int, int]] = []  # (rank, section index) from the top level down

    def open_section(rank: int, label: str, heading: str, offset: int) -> None:
        while stack and stack[-1][0] >= rank:
            stack.pop()
        parent = stack[-1][1] if stack else None
        kind = section_kind(heading)
        if parent is not None and sections[parent].kind is not SectionKind.OTHER:
            # A sub-heading is a detail of its family: （五）…解决热点问题 under 下半年工作思路
            # is still a plan, whatever words it uses.
            kind = sections[parent].kind
        sections.append(
            Section(len(stack) + 1, label, heading.strip(), kind, offset - base, parent)
        )
        stack.append((rank, len(sections) - 1))

    def add_paragraph(raw: str, offset: int) -> None:
        blocks.append(Block(BlockKind.PARAGRAPH, raw, offset))
        body = raw.rstrip("\r\n")
        paragraphs.append(
            Paragraph(body, offset - base, stack[-1][1] if stack else None, find_items(body))
        )

    for i in range(first, end):
        raw, offset = lines[i], starts[i]
        bare = raw.rstrip("\r\n")
        if i == first and has_title_line:
            blocks.append(Block(BlockKind.TITLE, raw, offset))
            continue
        if not bare.strip() or _COMMENT_LINE.fullmatch(bare):
            blocks.append(Block(BlockKind.BLANK, raw, offset))
            continue
        heading = match_heading(bare)
        if heading is not None:
            head_raw = heading.label + heading.heading
            if not heading.rest:
                head_raw = raw  # the whole line, with its line ending
            blocks.append(Block(BlockKind.HEADING, head_raw, offset))
            label = heading.label.lstrip(" \t\u3000").lstrip("#").lstrip(" \t")
            open_section(heading.rank, label, heading.heading, offset)
            if heading.rest:
                add_paragraph(raw[len(head_raw) :], offset + len(head_raw))
            continue
        next_line = next((ln for ln in lines[i + 1 : end] if ln.strip()), None)
        if is_bare_heading(bare, next_line):
            blocks.append(Block(BlockKind.HEADING, raw, offset))
            open_section(BARE_RANK, "", bare.strip(" \t\u3000"), offset)
            continue
        add_paragraph(raw, offset)
    text = "".join(b.raw for b in blocks)
    return Document(title=title, text=text, sections=sections, paragraphs=paragraphs, blocks=blocks)
