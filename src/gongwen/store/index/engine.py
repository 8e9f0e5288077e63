"""The search index: tantivy, on disk beside the database, derived from it.

Why tantivy: it ranks every match with BM25 per field and keeps a top-k heap (block-max WAND)
where SQLite's FTS5 or PostgreSQL's ts_rank score and sort every matching row in SQL; at ten
times the gov-corpus a common word matched 70,000 documents and took 200 ms there
(bench/search.py). It also counts facets over all matches from column storage. The database
stays the source of truth: the index holds nothing that cannot be rebuilt from it.

- Documents: store/index/documents.py (two per current revision: full and public side).
- Text is analysed one token per Han character, one per run of other letters and digits, one per
  punctuation mark (so a phrase never straddles a comma or a paragraph), lower-cased and folded
  to ASCII (full-width Ａ１ finds A1). A query term is a phrase of its tokens.
- Ranking: BM25 in each field (title ×4; headings and body), summed; filters and the viewer's
  scope are constant-score clauses, so they select without ranking.
- Freshness: writers mark revisions in the database's `search_queue` (store/index/queue.py);
  `sync` applies the queue. Every search syncs first when the queue is not empty, so a change
  is searchable as soon as its transaction commits, in any process. Only one process writes
  at a time (tantivy's directory lock); the others search what is committed and leave the
  queue to it.
- The index directory records which library it was built for (`gongwen.json`); an index of
  another database, or of this one before a restore, is rebuilt from the database.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gongwen.model.search import Scope, Term
from gongwen.store.index import documents, queue

log = logging.getLogger(__name__)

ANALYZER = "gw"
# Han (and kana) one per character; other letters and digits as words; punctuation one each.
TOKEN_PATTERN = (
    r"[\p{Han}\p{Hiragana}\p{Katakana}]"
    r"|[\p{L}\p{N}--\p{Han}--\p{Hiragana}--\p{Katakana}]+"
    r"|[^\s\p{L}\p{N}]"
)
# bench/relevance.py, nDCG@10: 0.909 (a separate headings field ×2: 0.903, ×1: 0.909, and
# phrase matching in it doubled the cost of a query at 10×, so headings are in the body).
FIELD_BOOSTS = {"title": 4.0, "body": 1.0}
# Bump when the schema, the analyzer or what a document holds changes: indexes are rebuilt.
# 3: reports' sections of kind 其他 are indexed (the section filter had never matched them).
SCHEMA_VERSION = 3
MARKER = "gongwen.json"
# A few revisions (an editor's change) are indexed by one thread; many (an ingest, a rebuild)
# by two with a larger heap: the gov-corpus in 4.2 s instead of 9.2 s.
SMALL_WRITER = (32 * 1024 * 1024, 1)
BULK_WRITER = (96 * 1024 * 1024, 2)
BULK = 500  # queued revisions from which the bulk writer is used
BATCH = 200  # revisions read from the database at a time
FACET_FIELDS = {"doc_type": "doc_type", "organisation_kind": "organisation_kind", "year": "year"}


@dataclass(frozen=True, slots=True)
class Ranked:
    """A page of ranked materials, the number of all matches and their facet counts."""

    total: int
    rows: list[tuple[int, int, float, bool]]  # (revision id, material id, score, reads)
    facets: dict[str, list[tuple[str, int]]]


def _analyzer() -> Any:
    import tantivy

    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(TOKEN_PATTERN))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def _schema() -> Any:
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("revision", indexed=True, fast=True)
    sb.add_integer_field("material", indexed=True, fast=True)
    sb.add_integer_field("side", indexed=True, fast=True)
    sb.add_integer_field("published", indexed=True, fast=True)
    sb.add_integer_field("retired", indexed=True, fast=True)
    sb.add_text_field("doc_type", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_text_field("organisation_kind", tokenizer_name="raw", index_option="basic", fast=True)
    sb.add_integer_field("year", indexed=False, fast=True)
    sb.add_text_field("facets", tokenizer_name="raw", index_option="basic")
    for name in FIELD_BOOSTS:
        sb.add_text_field(name, tokenizer_name=ANALYZER)
    sb.add_json_field("sections", tokenizer_name=ANALYZER)
    return sb.build()


class SearchIndex:
    """One library's tantivy index; safe to share between the threads of one process."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # one sync at a time in this process
        self._open_lock = threading.Lock()
        self._index: Any = None
        self._schema: Any = None
        self._analyzer: Any = None
        self._meta_mtime = -1
        self._threads: ThreadPoolExecutor | None = None

    # --- opening -------------------------------------------------------------------------

    def _open(self) -> Any:
        if self._index is None:
            with self._open_lock:
                if self._index is None:
                    import tantivy

                    schema = _schema()
                    self.path.mkdir(parents=True, exist_ok=True)
                    marker = self._marker()
                    if marker.get("schema") != SCHEMA_VERSION and any(self.path.iterdir()):
                        self._wipe()
                    index = tantivy.Index(schema, str(self.path), reuse=True)
                    index.register_tokenizer(ANALYZER, _analyzer())
                    self._schema, self._analyzer = schema, _analyzer()
                    self._index = index
        return self._index

    def _marker(self) -> dict[str, Any]:
        try:
            data = json.loads((self.path / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _write_marker(self, identity: str) -> None:
        tmp = self.path / f"{MARKER}.tmp"
        tmp.write_text(json.dumps({"schema": SCHEMA_VERSION, "library": identity}), "utf-8")
        os.replace(tmp, self.path / MARKER)

    def _wipe(self) -> None:
        for child in self.path.iterdir():
            if child.is_dir():
                shutil.rmtree(child)
            else:
                child.unlink()

    def _searcher(self) -> Any:
        index = self._open()
        # Another process's commit rewrites meta.json: reload then (a stat, not a read).
        try:
            mtime = (self.path / "meta.json").stat().st_mtime_ns
        except OSError:
            mtime = 0
        if mtime != self._meta_mtime:
            index.reload()
            self._meta_mtime = mtime
        return index.searcher()

    # --- keeping up with the database ----------------------------------------------------

    def sync(
        self,
        db: Any,
        progress: Callable[[int, int], None] | None = None,
        *,
        limit: int | None = None,
    ) -> int:
        """Apply the database's queue (or rebuild an index built for another library).
        `limit` bounds the work in queued rows (a search applies a few and leaves the rest of
        a bulk load to the next search or to the loader itself).
        Returns the revisions applied; 0 when another thread or process is writing."""
        if not self._lock.acquire(blocking=False):
            return 0
        try:
            return self._sync(db, progress, limit)
        finally:
            self._lock.release()

    def _sync(self, db: Any, progress: Callable[[int, int], None] | None, limit: int | None) -> int:
        index = self._open()
        with db.read() as conn:
            identity = queue.identity(conn)
            pending = queue.size(conn, BULK)
        rebuild = self._marker().get("library") != identity
        if not pending and not rebuild:
            return 0
        try:
            writer = index.writer(*(BULK_WRITER if rebuild or pending >= BULK else SMALL_WRITER))
        except ValueError:  # LockBusy: another process is writing; it applies the queue
            return 0
        try:
            if rebuild:
                done = self._rebuild(db, writer, progress)
                self._write_marker(identity)
            else:
                done = self._apply_queue(db, writer, progress, limit)
        finally:
            writer.wait_merging_threads()  # releases the lock
        self._meta_mtime = -1
        return done

    def _apply_queue(
        self,
        db: Any,
        writer: Any,
        progress: Callable[[int, int], None] | None,
        limit: int | None = None,
    ) -> int:
        applied = 0
        left = limit
        while left is None or left > 0:
            with db.read() as conn:
                rows = queue.pending(conn, BATCH * 5 if left is None else min(left, BATCH * 5))
            if left is not None:
                left -= len(rows)
            if not rows:
                return applied
            revisions = sorted({r for _, r in rows})
            for rev in revisions:
                writer.delete_documents_by_term("revision", rev)
            for start in range(0, len(revisions), BATCH):  # a batch's texts at a time
                with db.read() as conn:
                    _, docs = documents.read(conn, revisions[start : start + BATCH])
                self._add(writer, docs)
            writer.commit()
            with db.write() as conn:
                queue.done(conn, [i for i, _ in rows])
            applied += len(revisions)
            if progress:
                progress(applied, applied + len(rows))
        return applied

    def _rebuild(self, db: Any, writer: Any, progress: Callable[[int, int], None] | None) -> int:
        with db.read() as conn:
            # Rows read now are committed, so the documents read after them show their changes.
            queued = [i for i, _ in queue.pending(conn)]
            batches = list(documents.current_revisions(conn, BATCH))
        total = sum(len(b) for b in batches)
        writer.delete_all_documents()
        done = 0
        for batch in batches:
            with db.read() as conn:
                _, docs = documents.read(conn, batch)
            self._add(writer, docs)
            done += len(batch)
            if progress:
                progress(done, total)
        writer.commit()
        with db.write() as conn:
            queue.done(conn, queued)
        # Rows queued while rebuilding are applied too.
        return done + self._apply_queue(db, writer, progress)

    def _add(self, writer: Any, docs: list[documents.IndexDoc]) -> None:
        import tantivy

        for d in docs:
            doc = tantivy.Document(
                revision=d.revision_id,
                material=d.material_id,
                side=d.side,
                published=d.published,
                retired=int(d.retired),
                doc_type=d.doc_type,
                organisation_kind=d.organisation_kind,
                facets=d.facets,
                title=d.title,
                body=d.body,
            )
            if d.year is not None:
                doc.add_integer("year", d.year)
            if d.sections:
                doc.add_json("sections", d.sections)
            writer.add_document(doc)

    def rebuild(self, db: Any, progress: Callable[[int, int], None] | None = None) -> int:
        """Rebuild from the database whatever the marker says."""
        with self._lock:
            index = self._open()
            writer = index.writer(*BULK_WRITER)
            try:
                with db.read() as conn:
                    identity = queue.identity(conn)
                done = self._rebuild(db, writer, progress)
                self._write_marker(identity)
            finally:
                writer.wait_merging_threads()
            self._meta_mtime = -1
            return done

    # --- searching -----------------------------------------------------------------------

    def tokens(self, text: str) -> list[str]:
        """The tokens of a text as the index has them, without punctuation at either end."""
        self._open()
        toks = list(self._analyzer.analyze(text))
        while toks and not toks[0][0].isalnum():
            toks.pop(0)
        while toks and not toks[-1][-1].isalnum():
            toks.pop()
        return toks

    def _text_query(self, fields: tuple[str, ...], terms: list[Term]) -> Any:
        import tantivy

        schema = self._schema
        musts = []
        for term in terms:
            toks: list[str | tuple[int, str]] = list(self.tokens(term.text))
            if not toks:
                continue
            alternatives = []
            for name in fields:
                q = (
                    tantivy.Query.term_query(schema, name, toks[0])
                    if len(toks) == 1
                    else tantivy.Query.phrase_query(schema, name, toks)
                )
                boost = FIELD_BOOSTS.get(name, 1.0)
                alternatives.append(
                    (
                        tantivy.Occur.Should,
                        q if boost == 1.0 else tantivy.Query.boost_query(q, boost),
                    )
                )
            musts.append((tantivy.Occur.Must, tantivy.Query.boolean_query(alternatives)))
        if not musts:
            return tantivy.Query.empty_query()
        return tantivy.Query.boolean_query(musts)

    def _scope_query(self, scope: Scope) -> list[Any]:
        import tantivy

        schema = self._schema

        def side(value: int) -> Any:
            return tantivy.Query.term_query(schema, "side", value)

        def published(lo: int | None, hi: int | None) -> Any:
            return tantivy.Query.range_query(schema, "published", tantivy.FieldType.Integer, lo, hi)

        if scope.everything:
            return [side(documents.FULL)]
        at = documents.epoch(scope.at)
        clauses = [published(None, at), tantivy.Query.term_query(schema, "retired", 0)]
        if scope.readable is None:
            return [*clauses, side(documents.PUBLIC)]
        lo, hi = (documents.epoch(t) for t in scope.readable)
        inside = published(lo, hi)
        reads = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, side(documents.FULL)), (tantivy.Occur.Must, inside)]
        )
        public = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, side(documents.PUBLIC)), (tantivy.Occur.MustNot, inside)]
        )
        either = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, reads), (tantivy.Occur.Should, public)]
        )
        return [*clauses, either]

    def rank(
        self,
        terms: list[Term],
        facets: list[str],
        scope: Scope,
        *,
        section_kind: str | None = None,
        material_id: int | None = None,
        offset: int = 0,
        limit: int = 10,
    ) -> Ranked:
        """Every material document matching every term and facet within the scope (one per
        material: its full side where the viewer reads it, else its public side); the page
        [offset, offset + limit) best first, the count of all and their facet counts."""
        import tantivy

        searcher = self._searcher()
        schema = self._schema
        fields = (f"sections.{section_kind}",) if section_kind else tuple(FIELD_BOOSTS)
        selectors = [tantivy.Query.term_query(schema, "facets", f) for f in facets]
        selectors += self._scope_query(scope)
        if material_id is not None:
            selectors.append(tantivy.Query.term_query(schema, "material", material_id))
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, self._text_query(fields, terms))]
            + [(tantivy.Occur.Must, tantivy.Query.const_score_query(s, 0.0)) for s in selectors]
        )
        # The facet counts walk every match again: on the other core, while this one ranks
        # (tantivy releases the GIL).
        counting = self._pool().submit(
            searcher.aggregate,
            query,
            {name: {"terms": {"field": f, "size": 1000}} for name, f in FACET_FIELDS.items()},
        )
        # Equal scores are common (field lengths are quantised) and tantivy orders them by
        # where documents lie in its segments, which merges change: ties go to the newer
        # material, over enough hits that a tie never straddles the page's end.
        wanted = offset + max(1, limit)
        fetch = wanted + 16
        while True:
            found = searcher.search(query, limit=max(1, fetch), count=True)
            hits = found.hits
            if len(hits) < fetch or len(hits) <= wanted or hits[-1][0] < hits[wanted - 1][0]:
                break
            fetch *= 4
        aggs = counting.result()
        addresses = [a for _, a in hits]
        revs = searcher.fast_field_values("revision", addresses)
        mids = searcher.fast_field_values("material", addresses)
        sides = searcher.fast_field_values("side", addresses)
        ranked = sorted(
            (
                (int(r), int(m), float(score), s == documents.FULL)
                for (score, _), r, m, s in zip(hits, revs, mids, sides, strict=True)
            ),
            key=lambda row: (-row[2], -row[1]),
        )
        rows = ranked[offset:wanted]
        counts: dict[str, list[tuple[str, int]]] = {}
        for name in FACET_FIELDS:
            buckets = aggs.get(name, {}).get("buckets", [])
            counts[name] = sorted(
                ((_bucket_key(b["key"]), int(b["doc_count"])) for b in buckets),
                key=lambda kv: (-kv[1], kv[0]),
            )
        return Ranked(int(found.count or 0), rows, counts)

    def _pool(self) -> ThreadPoolExecutor:
        if self._threads is None:
            with self._open_lock:
                if self._threads is None:
                    self._threads = ThreadPoolExecutor(2, thread_name_prefix="gongwen-facets")
        return self._threads

    def close(self) -> None:
        if self._threads is not None:
            self._threads.shutdown(wait=False)
            self._threads = None

    def count(self) -> int:
        """Documents in the index (two per current revision)."""
        return int(self._searcher().num_docs)

    def check(self, db: Any) -> None:
        """Raise if the index does not hold both sides of every current revision."""
        from gongwen.errors import GongwenError

        self.sync(db)
        with db.read() as conn:
            expected = 2 * sum(len(b) for b in documents.current_revisions(conn, 10_000))
        if self.count() != expected:
            raise GongwenError(
                f"检索索引 {self.path} 有 {self.count()} 个文档，应有 {expected} 个；"
                "请运行 gongwen reindex"
            )


def _bucket_key(key: object) -> str:
    # Integer fast fields come back as floats in tantivy's aggregation JSON.
    if isinstance(key, float) and key.is_integer():
        return str(int(key))
    return str(key)
