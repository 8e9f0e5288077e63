"""Ingest: files -> parsed documents -> stored materials.

Reading and parsing run in a worker process while this process writes, so both cores work.
Files are committed in batches; a batch is one transaction (with its search-index queue rows),
so an ingest killed at any moment leaves each material either complete or absent; the index
catches up with the queue at the end, or at the next search. A bad file is
reported and skipped; if a batch fails in the database, its files are retried one by one.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from gongwen.errors import GongwenError, ReadError
from gongwen.ingest.readers import READERS, read_source
from gongwen.library import Library
from gongwen.model import Document
from gongwen.parse.structure import parse_text
from gongwen.store import materials
from gongwen.store.materials import Saved

BATCH_FILES = 64
BATCH_CHARS = 2_000_000
POOL_THRESHOLD = 16  # fewer files than this are not worth a worker process
IN_FLIGHT = 32  # files parsed ahead of the writer


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
class PreparedSource:
    """One source text after parsing, trimmed to what the store needs (it crosses processes)."""

    name: str
    digest: str
    encoding: str
    preamble: str
    documents: list[Document]


@dataclass(slots=True)
class Prepared:
    """A file read and parsed, ready to store."""

    path: str
    sources: list[PreparedSource]
    chars: int


def exit_with_parent(parent_pid: int) -> None:
    """Make a worker process end when the process that started it dies (even by kill -9):
    otherwise it waits forever on a pipe nobody will write to.

    Linux delivers SIGKILL on the parent's death (prctl PR_SET_PDEATHSIG); elsewhere, and in
    case the parent died before the prctl, a watchdog thread notices the re-parenting.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG = 1
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watchdog", daemon=True).start()


# A folder's own notes are not materials: README.md describes a corpus, it is not part of it.
# Named on the command line they are still ingested (the user asked for that file).
_FOLDER_NOTES = ("readme", "license", "licence", "changelog", "copying", "contributing", "notice")


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named, and files under folders named (recursively, sorted, known types only,
    without hidden files and the folder's README/LICENSE notes)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in READERS
                and not p.name.startswith(".")
                and not p.stem.lower().startswith(_FOLDER_NOTES)
            )
        else:
            files.append(path)
    return files


def prepare(path: Path) -> Prepared | FileResult:
    """Read and parse one file; a FileResult with the reason if it cannot be used."""
    try:
        sources = read_source(path)
        parsed = [
            parse_text(
                s.text,
                source_file=s.name,
                title_hint=s.title_hint,
                markdown=s.markdown,
                split=not s.record,
                facts=s.facts,
                source_key=s.key,
            )
            for s in sources
        ]
    except ReadError as err:
        return FileResult(str(path), False, str(err))
    except (GongwenError, ValueError, RecursionError) as err:
        return FileResult(str(path), False, f"{path}: 解析失败 ({err})")
    if not any(p.documents for p in parsed):
        return FileResult(str(path), False, f"{path}: 没有可识别的文档")
    prepared = []
    for source, result in zip(sources, parsed, strict=True):
        for doc in result.documents:
            doc.blocks = []  # the loss-free blocks are not stored; no need to ship them
        prepared.append(
            PreparedSource(
                source.name,
                hashlib.sha256(source.text.encode("utf-8")).hexdigest(),
                source.encoding,
                result.preamble,
                result.documents,
            )
        )
    return Prepared(str(path), prepared, sum(len(s.text) for s in sources))


def _store(lib: Library, batch: list[Prepared], announce: bool = True) -> list[FileResult]:
    with lib.db.write() as conn:
        results = []
        for prep in batch:
            saved: list[Saved] = []
            for source in prep.sources:
                materials.record_source(
                    conn, source.name, source.digest, source.encoding, source.preamble
                )
                for doc in source.documents:
                    saved.append(
                        materials.save_document(
                            conn,
                            doc,
                            preview_chars=lib.settings.preview_chars,
                            announce=announce,
                        )
                    )
            results.append(FileResult(prep.path, True, documents=saved))
    return results


def _store_batch(lib: Library, batch: list[Prepared], announce: bool) -> list[FileResult]:
    try:
        return _store(lib, batch, announce)
    except SQLAlchemyError:
        if len(batch) == 1:
            return [FileResult(batch[0].path, False, f"{batch[0].path}: 写入数据库失败")]
    # Retry one by one so that one bad file does not cost the batch.
    results = []
    for prep in batch:
        try:
            results.extend(_store(lib, [prep], announce))
        except SQLAlchemyError as err:
            reason = str(err.orig if hasattr(err, "orig") else err).splitlines()[0]
            results.append(FileResult(prep.path, False, f"{prep.path}: 写入数据库失败 ({reason})"))
    return results


def _bounded_map(pool: ProcessPoolExecutor, files: list[Path]) -> Iterator[Prepared | FileResult]:
    """Results in order, with at most IN_FLIGHT files parsed ahead of the writer.

    Executor.map would submit every file at once and let parsed files pile up in memory
    whenever the writer is the slower side (it is, on 2 cores).
    """
    pending: deque[Future[Prepared | FileResult]] = deque()
    queue = iter(files)
    for path in queue:
        pending.append(pool.submit(prepare, path))
        if len(pending) >= IN_FLIGHT:
            break
    while pending:
        result = pending.popleft().result()
        nxt = next(queue, None)
        if nxt is not None:
            pending.append(pool.submit(prepare, nxt))
        yield result


def ingest(
    lib: Library,
    paths: Iterable[Path],
    on_file: Callable[[FileResult], None] | None = None,
    *,
    announce: bool = True,
    batch_files: int = BATCH_FILES,
    on_index: Callable[[int, int], None] | None = None,
) -> Iterator[FileResult]:
    """Ingest every file under `paths`, yielding one result per file once it is committed.

    New materials are published at once; with `announce` the platform tells members about them.
    `batch_files` files (or BATCH_CHARS characters) are committed together. When the last
    file is stored, the new revisions are indexed (`on_index(done, total)` reports progress).
    """
    files = expand_paths(paths)
    stored = False

    def emit(results: list[FileResult]) -> Iterator[FileResult]:
        nonlocal stored
        for result in results:
            stored = stored or any(d.status != "unchanged" for d in result.documents)
            if on_file:
                on_file(result)
            yield result

    pool = (
        ProcessPoolExecutor(max_workers=1, initializer=exit_with_parent, initargs=(os.getpid(),))
        if len(files) >= POOL_THRESHOLD
        else None
    )
    try:
        prepared = _bounded_map(pool, files) if pool else map(prepare, files)
        batch: list[Prepared] = []
        chars = 0
        for item in prepared:
            if isinstance(item, FileResult):
                yield from emit([item])
                continue
            batch.append(item)
            chars += item.chars
            if len(batch) >= batch_files or chars >= BATCH_CHARS:
                yield from emit(_store_batch(lib, batch, announce))
                batch, chars = [], 0
        if batch:
            yield from emit(_store_batch(lib, batch, announce))
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    if stored:
        # The search index applies what the batches queued, once (a commit per batch would
        # cost a segment each); a search meanwhile sees what was indexed before.
        lib.index.sync(lib.db, on_index)
