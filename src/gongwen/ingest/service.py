"""Ingest: files -> parsed documents -> stored materials.

Reading, parsing and tokenising run in a worker process while this process writes, so both
cores work. Files are committed in batches; a batch is one transaction, so an ingest killed at
any moment leaves each material either complete (stored and indexed) or absent. A bad file is
reported and skipped; if a batch fails in the database, its files are retried one by one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from gongwen.errors import GongwenError, ReadError
from gongwen.ingest.readers import READERS, SourceText, read_source
from gongwen.library import Library
from gongwen.model import ParsedFile
from gongwen.parse.structure import parse_text
from gongwen.search.tokens import tokens
from gongwen.store.library_store import Saved, optimize_index, record_source, save_document

BATCH_FILES = 64
BATCH_CHARS = 2_000_000
POOL_THRESHOLD = 16  # fewer files than this are not worth a worker process


@dataclass(slots=True)
class FileResult:
    path: str
    ok: bool
    error: str = ""
    documents: list[Saved] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "ok": self.ok,
            "error": self.error,
            "documents": [
                {
                    "status": d.status,
                    "material_id": d.material_id,
                    "revision_id": d.revision_id,
                    "title": d.title,
                }
                for d in self.documents
            ],
        }


@dataclass(slots=True)
class Prepared:
    """A file read and parsed, with every paragraph's search tokens, ready to store."""

    path: str
    sources: list[SourceText]
    parsed: list[ParsedFile]
    bodies: list[list[list[str]]]  # [source][document][paragraph] -> token string
    chars: int


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files under folders named (recursively, sorted, known types only)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and p.suffix.lower() in READERS and not p.name.startswith(".")
            )
        else:
            files.append(path)
    return files


def prepare(path: Path) -> Prepared | FileResult:
    """Read and parse one file; a FileResult with the reason if it cannot be used."""
    try:
        sources = read_source(path)
        parsed = [
            parse_text(s.text, source_file=s.name, title_hint=s.title_hint, markdown=s.markdown)
            for s in sources
        ]
    except ReadError as err:
        return FileResult(str(path), False, str(err))
    except (GongwenError, ValueError, RecursionError) as err:
        return FileResult(str(path), False, f"{path}: 解析失败 ({err})")
    if not any(p.documents for p in parsed):
        return FileResult(str(path), False, f"{path}: 没有可识别的文档")
    bodies = [
        [[" ".join(tokens(p.text)) for p in doc.paragraphs] for doc in result.documents]
        for result in parsed
    ]
    return Prepared(str(path), sources, parsed, bodies, sum(len(s.text) for s in sources))


def _store(lib: Library, batch: list[Prepared]) -> list[FileResult]:
    with lib.engine.begin() as conn:
        results = []
        for prep in batch:
            saved: list[Saved] = []
            for source, result, bodies in zip(prep.sources, prep.parsed, prep.bodies, strict=True):
                digest = hashlib.sha256(source.text.encode("utf-8")).hexdigest()
                record_source(conn, source.name, digest, source.encoding, result.preamble)
                for doc, doc_bodies in zip(result.documents, bodies, strict=True):
                    saved.append(save_document(conn, doc, bodies=doc_bodies))
            results.append(FileResult(prep.path, True, documents=saved))
    return results


def _store_batch(lib: Library, batch: list[Prepared]) -> list[FileResult]:
    try:
        return _store(lib, batch)
    except SQLAlchemyError:
        if len(batch) == 1:
            return [FileResult(batch[0].path, False, f"{batch[0].path}: 写入数据库失败")]
    # Retry one by one so that one bad file does not cost the batch.
    results = []
    for prep in batch:
        try:
            results.extend(_store(lib, [prep]))
        except SQLAlchemyError as err:
            reason = str(err.orig if hasattr(err, "orig") else err).splitlines()[0]
            results.append(FileResult(prep.path, False, f"{prep.path}: 写入数据库失败 ({reason})"))
    return results


def ingest(
    lib: Library,
    paths: Iterable[Path],
    on_file: Callable[[FileResult], None] | None = None,
) -> Iterator[FileResult]:
    """Ingest every file under `paths`, yielding one result per file once it is committed."""
    files = expand_paths(paths)
    stored = False

    def emit(results: list[FileResult]) -> Iterator[FileResult]:
        nonlocal stored
        for result in results:
            stored = stored or any(d.status != "unchanged" for d in result.documents)
            if on_file:
                on_file(result)
            yield result

    pool = ProcessPoolExecutor(max_workers=1) if len(files) >= POOL_THRESHOLD else None
    try:
        prepared = pool.map(prepare, files, chunksize=8) if pool else map(prepare, files)
        batch: list[Prepared] = []
        chars = 0
        for item in prepared:
            if isinstance(item, FileResult):
                yield from emit([item])
                continue
            batch.append(item)
            chars += item.chars
            if len(batch) >= BATCH_FILES or chars >= BATCH_CHARS:
                yield from emit(_store_batch(lib, batch))
                batch, chars = [], 0
        if batch:
            yield from emit(_store_batch(lib, batch))
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    if stored:
        with lib.engine.begin() as conn:
            optimize_index(conn)
