"""Domain dataclasses; see document.py."""

from gongwen.model.document import (
    Block,
    BlockKind,
    Document,
    Item,
    Paragraph,
    ParsedFile,
    Placeholder,
    Section,
    SectionKind,
    SourceFacts,
)

__all__ = [
    "Block",
    "BlockKind",
    "Document",
    "Item",
    "Paragraph",
    "ParsedFile",
    "Placeholder",
    "Section",
    "SectionKind",
    "SourceFacts",
]
