"""A full-BM25 reference for gongwen's search: tantivy over the same current materials.

Used by bench/search.py (latency, top-20 overlap) and bench/relevance.py (nDCG@10). Not part of
gongwen: a plain, well-known engine configured the simplest robust way for Chinese.

- One tantivy document per material (or, with `passages=True`, per paragraph) (its current revision): `title` (materials.title) and
  `body` (revisions.text, the full text of the current revision), plus `material_id` (stored,
  fast), `doc_type` (raw: one term, for the doc_type filter) and `sections` (a JSON field:
  section kind -> the text of that revision's title/heading/body paragraphs in sections of
  that kind, only for the section kinds the caller asks for; the section_kind filter).
- Text is analysed ONE TOKEN PER CHARACTER: tantivy's regex tokenizer `[\\p{L}\\p{N}]` (every
  letter or digit is a token, everything else is dropped), then lowercase and ASCII folding
  (which also folds full-width Ａ１ to a1, as gongwen's normalize does). The analyser is
  registered as `char1` on the index and used for the query side too.
- Scoring is tantivy's default BM25 (k1 = 1.2, b = 0.75, per field), no field boosts.
- A query term (split on whitespace, like gongwen's) is a phrase query of its characters (a
  term query for one character) on `title` OR on `body`; several terms are ANDed. A filter is a
  term query on `doc_type`, or the terms are searched in `sections.<kind>` instead of
  title/body. Other filters are not supported (`UnsupportedFilter`).

Known differences from gongwen's own matching (so counts may differ a little): punctuation is
dropped here, so a phrase may match across a comma or a line break (gongwen's bigrams never
straddle punctuation), and a non-Han word (5G, ISO) matches inside a longer word here.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tantivy

from gongwen.model.search import Filters

ANALYZER = "char1"
TOKEN_PATTERN = r"[\p{L}\p{N}]"
HEAP_BYTES = 256 * 1024 * 1024  # the writer's total heap, split between its threads
BATCH = 500  # rows fetched from SQLite at a time


class UnsupportedFilter(ValueError):
    """A filter the reference index does not model (only doc_type and the built section kinds)."""


def analyzer() -> Any:
    return (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.regex(TOKEN_PATTERN))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
        .build()
    )


def schema() -> Any:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("material_id", stored=True, indexed=True, fast=True)
    sb.add_text_field("title", stored=False, tokenizer_name=ANALYZER)
    sb.add_text_field("body", stored=False, tokenizer_name=ANALYZER)
    sb.add_text_field("doc_type", stored=False, tokenizer_name="raw", index_option="basic")
    sb.add_json_field("sections", stored=False, tokenizer_name=ANALYZER)
    return sb.build()


@dataclass(slots=True)
class Reference:
    """An open tantivy index of a database's current materials."""

    index: Any
    schema: Any
    analyzer: Any
    path: Path | None
    section_kinds: tuple[str, ...]
    documents: int = 0
    build: dict[str, object] = field(default_factory=dict)
    _searcher: Any = None

    @property
    def searcher(self) -> Any:
        if self._searcher is None:
            self.index.reload()
            self._searcher = self.index.searcher()
        return self._searcher

    def chars(self, text: str) -> list[str]:
        """The tokens of a text as the index has them: one per letter or digit, folded."""
        return list(self.analyzer.analyze(text))

    def query(self, text: str, filters: Filters | None = None) -> Any:
        """AND of the whitespace-separated terms; each a phrase of its characters."""
        f = filters or Filters()
        fields = ("title", "body")
        extra: list[Any] = []
        for name in ("organisation_kind", "year", "period"):
            if getattr(f, name) not in (None, ""):
                raise UnsupportedFilter(f"the reference does not model the {name} filter")
        if f.section_kind:
            if f.section_kind not in self.section_kinds:
                raise UnsupportedFilter(f"section kind {f.section_kind} was not indexed")
            fields = (f"sections.{f.section_kind}",)
        if f.doc_type:
            extra.append(tantivy.Query.term_query(self.schema, "doc_type", f.doc_type))
        musts: list[Any] = []
        for term in text.split():
            if term == "AND":
                continue
            chars = self.chars(term.strip('"'))
            if not chars:
                continue
            alternatives = [
                tantivy.Query.term_query(self.schema, name, chars[0])
                if len(chars) == 1
                else tantivy.Query.phrase_query(self.schema, name, chars)
                for name in fields
            ]
            musts.append(
                alternatives[0]
                if len(alternatives) == 1
                else tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in alternatives])
            )
        musts += extra
        if not musts:
            return tantivy.Query.empty_query()
        if len(musts) == 1:
            return musts[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in musts])

    def search(
        self, text: str, filters: Filters | None = None, limit: int = 20
    ) -> tuple[int, list[tuple[int, float]]]:
        """(matching materials, [(material id, score)] of the top `limit`), best first."""
        searcher = self.searcher
        result = searcher.search(self.query(text, filters), limit=limit, count=True)
        top = [(searcher.doc(addr)["material_id"][0], score) for score, addr in result.hits]
        return result.count, top

    def close(self, remove: bool = True) -> None:
        self._searcher = None
        self.index = None
        if remove and self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)


def build(
    db_path: Path,
    index_dir: Path | None = None,
    section_kinds: tuple[str, ...] = (),
    threads: int = 0,
    *,
    passages: bool = False,
) -> Reference:
    """Index every current material of the SQLite database at `db_path` (in RAM if no dir).

    With `passages`, one document per passage instead (every title, heading and body
    paragraph of a current revision, in `body`; `title` empty): a passage-level reference whose
    hits are paragraphs, several of them possibly from the same material.

    `build` on the result holds the timings: extract_s (reading the rows from SQLite, text
    included), index_s (add_document + commit + waiting for merges: tantivy's own work,
    tokenising included) and wall_s (both), plus the index size on disk.
    """
    if index_dir is not None:
        shutil.rmtree(index_dir, ignore_errors=True)
        index_dir.mkdir(parents=True)
    sch = schema()
    index = tantivy.Index(sch, path=str(index_dir) if index_dir else None, reuse=False)
    an = analyzer()
    index.register_tokenizer(ANALYZER, an)
    ref = Reference(index, sch, an, index_dir, tuple(section_kinds))
    writer = index.writer(HEAP_BYTES, threads)
    extract = index_s = 0.0
    started = time.perf_counter()
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        sections: dict[int, dict[str, list[str]]] = {}
        t0 = time.perf_counter()
        if section_kinds:
            marks = ", ".join("?" * len(section_kinds))
            for mid, kind, text in conn.execute(
                "SELECT m.id, s.kind, p.text FROM materials m"
                " JOIN paragraphs p ON p.revision_id = m.current_revision_id"
                " JOIN sections s ON s.revision_id = p.revision_id AND s.ord = p.section_ord"
                f" WHERE p.kind <> 'preview' AND s.kind IN ({marks}) ORDER BY p.id",
                section_kinds,
            ):
                sections.setdefault(mid, {}).setdefault(kind, []).append(text)
        extract += time.perf_counter() - t0
        cur = conn.execute(
            "SELECT m.id, '', m.doc_type, p.text FROM materials m"
            " JOIN paragraphs p ON p.revision_id = m.current_revision_id"
            " WHERE p.kind <> 'preview' ORDER BY p.id"
            if passages
            else "SELECT m.id, m.title, m.doc_type, r.text FROM materials m"
            " JOIN revisions r ON r.id = m.current_revision_id ORDER BY m.id"
        )
        while True:
            t0 = time.perf_counter()
            rows = cur.fetchmany(BATCH)
            t1 = time.perf_counter()
            extract += t1 - t0
            if not rows:
                break
            for mid, title, doc_type, text in rows:
                doc = tantivy.Document(material_id=mid, title=title, body=text, doc_type=doc_type)
                if mid in sections and not passages:
                    doc.add_json("sections", {k: "\n".join(v) for k, v in sections[mid].items()})
                writer.add_document(doc)
                ref.documents += 1
            index_s += time.perf_counter() - t1
    finally:
        conn.close()
    t0 = time.perf_counter()
    writer.commit()
    writer.wait_merging_threads()
    index_s += time.perf_counter() - t0
    ref.build = {
        "documents": ref.documents,
        "extract_s": round(extract, 3),
        "index_s": round(index_s, 3),
        "wall_s": round(time.perf_counter() - started, 3),
        "threads": threads or "auto",
        "heap_bytes": HEAP_BYTES,
        "index_bytes": (
            sum(p.stat().st_size for p in index_dir.rglob("*") if p.is_file())
            if index_dir
            else None
        ),
        "section_kinds": list(section_kinds),
        "level": "passage" if passages else "material",
    }
    return ref


def version() -> str:
    try:
        return importlib.metadata.version("tantivy")
    except importlib.metadata.PackageNotFoundError:
        return "?"
