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
    Item,
    Paragraph,
    ParsedFile,
    Section,
    SectionKind,
    SourceFacts,
)
from gongwen.parse.dates import document_date, iso_date
from gongwen.parse.enumerations import find_items
from gongwen.parse.headings import (
    ARTICLE_RANK,
    BARE_RANK,
    is_bare_heading,
    match_article,
    match_heading,
    match_label,
    section_kind,
)
from gongwen.parse.metadata import (
    LAW_TYPES,
    REPORT_TYPES,
    doc_type_of,
    is_organisation,
    is_title_line,
    issuer_of,
    organisation_kind,
    title_facts,
)
from gongwen.parse.placeholders import find_placeholders
from gongwen.util.text import plain_title

NO_FACTS = SourceFacts()
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
    facts: SourceFacts = NO_FACTS,
    source_key: str = "",
) -> ParsedFile:
    """Split a file's text into documents and parse each one.

    `split=False` keeps the whole text as one document (an editor's revision of one material, a
    corpus record), titled by its first line when that is a title line, else by `title_hint`.
    `facts` are what the source states (title, date, organisation, URL); they win over guesses.
    `source_key` is the source's identity; each document's key adds its title when a file holds
    several, so one document never takes another's place.
    """
    if facts.title and not split:
        title_hint = facts.title
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
            return _finish(text, blocks + doc.blocks, [doc], source_file, facts, source_key)
    first_title = title_lines[0][0]
    for i in range(first_title):
        blocks.append(Block(BlockKind.PREAMBLE, lines[i], starts[i]))
    for n, (i, title) in enumerate(title_lines):
        end = title_lines[n + 1][0] if n + 1 < len(title_lines) else len(lines)
        doc = _parse_document(lines, starts, i, end, title, True)
        blocks.extend(doc.blocks)
        documents.append(doc)
    if len(documents) == 1 and facts.title:
        documents[0].title = facts.title  # the source names its one document
    return _finish(text, blocks, documents, source_file, facts, source_key)


def _finish(
    text: str,
    blocks: list[Block],
    documents: list[Document],
    source: str,
    facts: SourceFacts,
    source_key: str,
) -> ParsedFile:
    seen: dict[str, int] = {}
    for doc in documents:
        doc.title = plain_title(doc.title) or doc.title
        doc.source_file = source
        doc.content_hash = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        doc.placeholders = find_placeholders(doc.text)
        if source_key:
            doc.source_key = source_key
            if len(documents) > 1:
                name = re.sub(r"[\s\u3000]+", "", doc.title)
                seen[name] = seen.get(name, 0) + 1
                doc.source_key += f"#{name}" + (f"#{seen[name]}" if seen[name] > 1 else "")
        title = title_facts(doc.title)
        doc.doc_type = title.doc_type or doc_type_of(doc.title, doc.text)
        doc.doc_date = facts.doc_date or document_date(doc.text)
        if not doc.doc_date and doc.doc_type in LAW_TYPES:
            doc.doc_date = iso_date(_law_header(doc))  # 2020年1月1日施行
        doc.url = facts.url
        doc.year = title.year
        if doc.year is None and doc.doc_date:
            doc.year = int(doc.doc_date[:4])
        if doc.year is None:
            m = _YEAR_IN_TEXT.search(doc.text[:300])
            doc.year = int(m.group(1)) if m else None
        doc.period = title.period
        organisation = facts.organisation if is_organisation(facts.organisation) else ""
        organisation = organisation or title.organisation or issuer_of(doc.title)
        if not organisation and doc.doc_type in LAW_TYPES:
            organisation = issuer_of(_law_header(doc))
        doc.organisation, doc.organisation_kind = organisation, organisation_kind(organisation)
        if doc.doc_type not in REPORT_TYPES:
            for section in doc.sections:
                section.kind = SectionKind.OTHER  # report families mean nothing in a law
    return ParsedFile(text=text, blocks=blocks, documents=documents)


def _law_header(doc: Document) -> str:
    """The lines before a legal text's first chapter or article: who passed it, and when."""
    first = min([s.start for s in doc.sections] + [len(doc.text), 400])
    return doc.text[:first]


def _parse_document(
    lines: list[str], starts: list[int], first: int, end: int, title: str, has_title_line: bool
) -> Document:
    base = starts[first]
    # A legal text (第一条 … 第二条 …): articles nest under 编/章/节, and （一）/1. lines inside an
    # article are its enumerated items, never headings.
    law = sum(1 for i in range(first, min(end, first + 400)) if match_article(lines[i])) >= 2
    in_article = False
    blocks: list[Block] = []
    sections: list[Section] = []
    paragraphs: list[Paragraph] = []
    stack: list[tuple[float, int]] = []  # (rank, section index) from the top level down

    def open_section(rank: float, label: str, heading: str, offset: int) -> None:
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

    def add_paragraph(raw: str, offset: int, items: list[Item] | None = None) -> None:
        blocks.append(Block(BlockKind.PARAGRAPH, raw, offset))
        body = raw.rstrip("\r\n")
        found = find_items(body) if items is None else items
        paragraphs.append(Paragraph(body, offset - base, stack[-1][1] if stack else None, found))

    for i in range(first, end):
        raw, offset = lines[i], starts[i]
        bare = raw.rstrip("\r\n")
        if i == first and has_title_line:
            blocks.append(Block(BlockKind.TITLE, raw, offset))
            continue
        if not bare.strip() or _COMMENT_LINE.fullmatch(bare):
            blocks.append(Block(BlockKind.BLANK, raw, offset))
            continue
        if law:
            article = match_article(bare)
            if article is not None:
                in_article = True
                label = article.label.strip(" \t\u3000")
                blocks.append(Block(BlockKind.HEADING, article.label, offset))
                open_section(ARTICLE_RANK, label, "", offset)
                add_paragraph(raw[len(article.label) :], offset + len(article.label))
                continue
            enumerated = match_label(bare) if in_article else None
            if enumerated is not None:
                # （七）及时、如实报告… inside 第十八条 is the article's item, not a heading.
                indent = len(bare) - len(bare.lstrip(" \t\u3000"))
                add_paragraph(raw, offset, [Item(enumerated[1], indent, len(bare))])
                continue
        heading = match_heading(bare)
        if heading is not None:
            if heading.rank < ARTICLE_RANK:
                in_article = False
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
