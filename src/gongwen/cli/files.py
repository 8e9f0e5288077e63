"""The user's data files (fill --data/--csv, compose --plan): text in any encoding the library
reads, JSON or YAML no deeper than MAX_DEPTH, CSV with a header. Every refusal is an
InvalidInput naming the file."""

from __future__ import annotations

import re
from pathlib import Path

from gongwen.errors import InvalidInput

# A data file is a flat object of field values or a plan of sections (depth 3 or 4); refusing
# deep nesting before parsing keeps json/yaml clear of Python's recursion limit.
MAX_DEPTH = 50
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def read_text(path: Path) -> str:
    """The file's text (UTF-8, GB18030, UTF-16 …, decided as ingest decides), or the reason
    it is not text, naming the file."""
    from gongwen.ingest.text import decode_text

    return decode_text(path.read_bytes(), path)[0]


def load_mapping(path: Path) -> dict[str, object]:
    """A YAML or JSON object (.json is JSON, anything else YAML)."""
    import json

    import yaml

    text = read_text(path)
    is_json = path.suffix.lower() == ".json"
    kind = "JSON" if is_json else "YAML"
    try:
        depth = _json_depth(text) if is_json else _yaml_depth(text)
        if depth > MAX_DEPTH:
            raise InvalidInput(str(path), f"嵌套超过 {MAX_DEPTH} 层")
        loaded = json.loads(text) if is_json else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as err:
        reason = " ".join(str(err).split())
        raise InvalidInput(str(path), f"不是有效的 {kind}：{reason}") from None
    if not isinstance(loaded, dict):
        raise InvalidInput(str(path), "应为对象：字段名 → 值")
    return {str(k): v for k, v in loaded.items()}


def _json_depth(text: str) -> int:
    """How deep the brackets nest outside strings (stops counting past MAX_DEPTH)."""
    depth = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            break
    return depth


def _yaml_depth(text: str) -> int:
    """How deep the collections nest, from the parser's events (the parser keeps a stack of
    its own; only composing the nodes recurses). Aliases are refused: a data file has no use
    for them, and they can make a small file expand without bound."""
    import yaml

    depth = deepest = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                break
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            raise yaml.YAMLError("不支持别名（*）")
    return deepest


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """(the header: the first row that is not blank, each data row with its line number);
    refused when it holds no row, only the header, a repeated column or malformed CSV."""
    import csv
    import io

    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((reader.line_num, row))
    except csv.Error as err:
        raise InvalidInput(str(path), f"第 {reader.line_num} 行不是有效的 CSV：{err}") from None
    if not rows:
        raise InvalidInput(str(path), "没有内容：第一行应为表头（字段名），其后每行一个单位")
    (_, header), data = rows[0], rows[1:]
    header = [name.strip() for name in header]
    repeated = sorted({name for name in header if name and header.count(name) > 1})
    if repeated:
        raise InvalidInput(str(path), f"表头有重复的列：{'、'.join(repeated)}")
    if not data:
        raise InvalidInput(str(path), "只有表头，没有数据行")
    return header, data
