"""Benchmark: ingest speed, index size and query latency of gongwen's Chinese full-text search.

Not a test: it prints tables and writes a JSON report, and never fails on a missed target.

    .venv/bin/python bench/search.py                    # 1x and 10x (default --scales 1,10)
    .venv/bin/python bench/search.py --scales 1 --keep  # 1x only, keep the database
    .venv/bin/python bench/search.py --queries-only sqlite:////abs/path/scale1.sqlite3

1x ingests the gov-corpus folder as is. Nx (N > 1) is a synthetic corpus of N times as many
documents as the 1x database has materials, each a unique title line followed by paragraphs drawn
(seeded) from the 1x paragraphs, as many as a randomly chosen real document has.

Queries are timed warm: the whole set runs once untimed, then a second pass is timed. Next to
gongwen's search, the same queries run on a tantivy index of the same current materials (one
token per character, BM25: bench/reference.py), timed the same way, and the top 20 materials of
both are compared (overlap). The baseline is a naive `LIKE '%q%' LIMIT 20` scan of `paragraphs`
plus a Python snippet, also timed the same way. Percentiles are linearly interpolated (numpy's
default).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import re
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from contextlib import closing
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import reference  # bench/reference.py: the tantivy reference
from common import ROOT, human_bytes, machine_info  # noqa: E402  (bench/ is on sys.path when run)
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from gongwen.config import Settings
from gongwen.errors import GongwenError
from gongwen.ingest.readers import read_source
from gongwen.ingest.service import expand_paths, ingest
from gongwen.library import Library
from gongwen.parse.metadata import is_title_line
from gongwen.search.service import Filters, search
from gongwen.store.index import index_path

CORPUS = ROOT.parent / "shared" / "data" / "gov-corpus"
RESULTS = ROOT / "bench" / "results"
SEED = 20240601
SHARD = 1000  # synthetic files per subfolder
SAMPLED_LONG = 17  # long queries sampled from the corpus, on top of the fixed ones
LIMIT = 20  # materials per page, ours and tantivy's
SNIPPET = 60  # baseline snippet: +/- this many characters around the first hit

# --- the query set ---------------------------------------------------------------------------

SHORT = [  # 1-2 characters: very common ones first, then rare ones
    "法",
    "国",
    "人民",
    "工作",
    "国家",
    "建设",
    "县",
    "罚",
    "政府",
    "发展",
    "改革",
    "企业",
    "税",
    "农村",
    "扶贫",
    "营商",
    "双拥",
    "碳汇",
    "雄安",
    "冬奥",
    "鼠",
    "蝗",
    "医保",
    "彝",
]
MEDIUM = [  # 3-4 characters
    "疫情防控",
    "营商环境",
    "脱贫攻坚",
    "人民法院",
    "专精特新",
    "乡村振兴",
    "生态环境",
    "行政处罚",
    "安全生产",
    "知识产权",
    "一带一路",
    "食品安全",
    "社会保障",
    "数字经济",
    "新能源",
    "人工智能",
    "城镇化",
    "未成年人",
    "公积金",
    "碳达峰",
]
LONG_FIXED = ["中华人民共和国", "县级以上地方人民政府", "依照本法规定"]  # + SAMPLED_LONG sampled
MULTI = [
    "扶贫 教育",
    "疫情防控 企业",
    "人民法院 行政处罚",
    "乡村振兴 人才",
    "营商环境 改革",
    "法 国",
]
FILTERED: list[tuple[str, Filters]] = [
    ("疫情", Filters(section_kind="存在问题")),
    ("营商环境", Filters(section_kind="存在问题")),
    ("就业", Filters(doc_type="政府工作报告")),
    ("法", Filters(doc_type="政府工作报告")),
]
# The tantivy reference stores the text of these section kinds (the section_kind filter).
SECTION_KINDS = tuple(sorted({f.section_kind for _, f in FILTERED if f.section_kind}))
CLASSES = {
    "short": "1–2 字",
    "medium": "3–4 字",
    "long": "6–12 字",
    "multi": "AND 多词",
    "filtered": "带过滤",
}

# Targets (information only): (scale, metric, limit). Metrics: ingest_s, p95_ms, max_ms (search,
# all queries) and p95_vs_tantivy (our p95 / tantivy's p95 on the same queries, at most 1).
PG_TARGETS: list[tuple[int, str, float]] = [
    (1, "p95_ms", 20.0),
    (1, "max_ms", 100.0),
    (10, "p95_ms", 60.0),
]
TARGETS: list[tuple[int, str, float]] = [
    (1, "ingest_s", 30.0),
    (1, "p95_ms", 10.0),
    (1, "max_ms", 50.0),
    (1, "p95_vs_tantivy", 1.0),
    (10, "p95_ms", 50.0),
    (10, "max_ms", 200.0),
    (10, "p95_vs_tantivy", 1.0),
]
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{6,}")
_PURE_HAN = re.compile(r"[\u4e00-\u9fff]+")


@dataclass(frozen=True, slots=True)
class Query:
    cls: str
    text: str
    filters: Filters = field(default_factory=Filters)

    @property
    def filter_json(self) -> dict[str, object]:
        return {k: v for k, v in asdict(self.filters).items() if v is not None}

    @property
    def label(self) -> str:
        extra = " ".join(f"{k}={v}" for k, v in self.filter_json.items())
        return f"{self.text} [{extra}]" if extra else self.text


def build_queries(sampled_long: list[str]) -> list[Query]:
    queries = [Query("short", q) for q in SHORT]
    queries += [Query("medium", q) for q in MEDIUM]
    queries += [Query("long", q) for q in LONG_FIXED + sampled_long]
    queries += [Query("multi", q) for q in MULTI]
    queries += [Query("filtered", q, f) for q, f in FILTERED]
    return queries


def sample_long_queries(db_path: Path, seed: int, count: int = SAMPLED_LONG) -> list[str]:
    """Substrings of 6-12 Han characters from indexed (current) paragraphs, seeded."""
    with sqlite3.connect(db_path) as conn:
        ids = [
            r[0]
            for r in conn.execute(
                "SELECT p.id FROM paragraphs p JOIN materials m ON m.current_revision_id = p.revision_id "
                "ORDER BY p.id"
            )
        ]
        rng = random.Random(seed)
        taken: list[str] = []
        excluded = set(SHORT + MEDIUM + LONG_FIXED)
        for _ in range(100_000):
            if len(taken) >= count or not ids:
                break
            pid = ids[rng.randrange(len(ids))]
            (ptext,) = conn.execute("SELECT text FROM paragraphs WHERE id = ?", (pid,)).fetchone()
            runs = _HAN_RUN.findall(ptext)
            if not runs:
                continue
            run = runs[rng.randrange(len(runs))]
            length = rng.randint(6, min(12, len(run)))
            start = rng.randint(0, len(run) - length)
            sub = run[start : start + length]
            if sub not in excluded and sub not in taken:
                taken.append(sub)
    return taken


# --- helpers -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def stats(values: list[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50": round(percentile(values, 0.50), 3),
        "p95": round(percentile(values, 0.95), 3),
        "max": round(max(values), 3) if values else float("nan"),
        "mean": round(sum(values) / len(values), 3) if values else float("nan"),
    }


def human_count(n: float) -> str:
    if n >= 1e6:
        return f"{n / 1e6:.2f} M"
    if n >= 1e3:
        return f"{n / 1e3:.1f} k"
    return f"{n:.0f}"


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def url_path(url: str) -> Path:
    if "://" not in url:
        return Path(url).resolve()
    if not url.startswith("sqlite"):
        raise SystemExit(f"--queries-only needs a SQLite database, got {url}")
    return Path(url.split("///", 1)[1])


# --- ingest --------------------------------------------------------------------------------------


def run_ingest(
    console: Console, db_url: str, folder: Path, chars_by_path: dict[str, int] | None, label: str
) -> dict[str, object]:
    """Ingest `folder` into a fresh database at `db_url`, timed, with a progress bar."""
    files = expand_paths([folder])
    lib = Library.open(Settings(db_url=db_url))
    statuses: Counter[str] = Counter()
    failures: list[str] = []
    ok_files = documents = chars = 0
    last_result = started = 0.0
    try:
        with Progress(
            TextColumn(f"[bold]{label}[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[docs]} docs"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        ) as progress:
            task = progress.add_task("ingest", total=len(files), docs=0)
            started = time.perf_counter()
            for result in ingest(lib, files):
                if result.ok:
                    ok_files += 1
                    documents += len(result.documents)
                    statuses.update(d.status for d in result.documents)
                    if chars_by_path is not None:
                        chars += chars_by_path.get(result.path, 0)
                else:
                    failures.append(result.error)
                progress.update(task, advance=1, docs=documents)
                last_result = time.perf_counter()
            finished = time.perf_counter()
    finally:
        lib.close()
    wall = finished - started
    return {
        "folder": str(folder),
        "files": len(files),
        "files_ok": ok_files,
        "files_failed": len(failures),
        "failures": failures[:10],
        "documents": documents,
        "statuses": dict(statuses),
        "chars": chars,
        "wall_s": round(wall, 3),
        # After the last file: the search index applies the queue.
        "optimize_s": round(finished - last_result, 3),
        "docs_per_s": round(documents / wall, 1) if wall else None,
        "chars_per_s": round(chars / wall) if wall else None,
        # high-water marks so far (this process, and the reaped parse workers)
        "peak_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
        "peak_rss_worker_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }


def source_chars(files: list[Path]) -> dict[str, int]:
    """Characters of every file's document text(s), as the readers decode them."""
    out: dict[str, int] = {}
    for path in files:
        try:
            out[str(path)] = sum(len(s.text) for s in read_source(path))
        except (GongwenError, ValueError):
            out[str(path)] = 0
    return out


def plain_read(console: Console, folder: Path, label: str) -> dict[str, object]:
    """Read and decode every file as the readers do (read_source over expand_paths), twice:
    the first pass warms the page cache and counts characters, the second is the timed plain
    read that ingest is compared with (ingest also runs with a warm cache)."""
    with console.status(f"{label}: reading the corpus (characters; warms the page cache)"):
        t0 = time.perf_counter()
        files = expand_paths([folder])
        chars = source_chars(files)
        first = time.perf_counter() - t0
    with console.status(f"{label}: plain read of the corpus, timed"):
        t0 = time.perf_counter()
        source_chars(expand_paths([folder]))
        warm = time.perf_counter() - t0
    return {
        "files": len(files),
        "chars": sum(chars.values()),
        "first_s": round(first, 3),
        "wall_s": round(warm, 3),
        "chars_by_path": chars,
    }


def add_read_ratio(entry: dict[str, object]) -> None:
    """Ingest wall time as a multiple of the plain read of the same files."""
    ing, read = entry["ingest"], entry["plain_read"]
    ing["plain_read_s"] = read["wall_s"]  # type: ignore[index]
    ing["ratio_to_plain_read"] = (  # type: ignore[index]
        round(ing["wall_s"] / read["wall_s"], 1) if read["wall_s"] else None  # type: ignore[index]
    )


def make_synthetic(db1: Path, out: Path, scale: int, seed: int) -> dict[str, object]:
    """Write scale x (materials of db1) synthetic .txt documents under `out`; their characters."""
    started = time.perf_counter()
    with sqlite3.connect(db1) as conn:
        pool = [r[0] for r in conn.execute("SELECT text FROM paragraphs ORDER BY id")]
        counts = [
            r[1]
            for r in conn.execute(
                "SELECT revision_id, COUNT(*) FROM paragraphs GROUP BY revision_id ORDER BY revision_id"
            )
        ]
        (materials,) = conn.execute("SELECT COUNT(*) FROM materials").fetchone()
    # A paragraph that looks like a 公文 title line (2020年上半年工作总结…) would start a new
    # document inside a synthetic file; leave those out of the pool.
    usable = [p for p in pool if p.strip() and not is_title_line(p)]
    rng = random.Random(seed + scale)
    n_docs = scale * materials
    chars = 0
    out.mkdir(parents=True, exist_ok=True)
    for i in range(n_docs):
        k = counts[rng.randrange(len(counts))]
        body = "\n".join(rng.choices(usable, k=k))
        text = f"合成文档第{i:06d}号\n{body}\n"
        shard = out / f"{i // SHARD:03d}"
        if i % SHARD == 0:
            shard.mkdir(exist_ok=True)
        (shard / f"{i:06d}.txt").write_text(text, encoding="utf-8")
        chars += len(text)
    return {
        "documents": n_docs,
        "chars": chars,
        "pool_paragraphs": len(pool),
        "pool_dropped_title_lines": len(pool) - len(usable),
        "source_materials": materials,
        "generate_s": round(time.perf_counter() - started, 3),
        "folder": str(out),
    }


def db_sizes(db_path: Path) -> dict[str, object]:
    """File sizes (the database and its search index directory), and with dbstat the pages of
    the content tables."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        counts = {
            name: conn.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]
            for name in ("materials", "revisions", "paragraphs", "sections")
        }
        counts["indexed_paragraphs"] = conn.execute(
            "SELECT COUNT(*) FROM paragraphs p JOIN materials m ON m.current_revision_id = p.revision_id"
        ).fetchone()[0]
        counts["paragraph_chars"] = (
            conn.execute("SELECT SUM(LENGTH(text)) FROM paragraphs").fetchone()[0] or 0
        )
        owner = dict(
            conn.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type IN ('table', 'index')"
            )
        )
        try:
            pages = conn.execute("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name").fetchall()
        except sqlite3.OperationalError:
            pages = None
    wal = Path(f"{db_path}-wal")
    out: dict[str, object] = {
        "file_bytes": db_path.stat().st_size,
        "wal_bytes": wal.stat().st_size if wal.exists() else 0,
        "dbstat": pages is not None,
        "counts": counts,
    }
    out["index_bytes"] = dir_bytes(Path(f"{db_path}.index"))
    if pages is not None:
        by_table: Counter[str] = Counter()
        for name, size in pages:
            by_table[owner.get(name, name)] += size  # indexes count with their table
        out["table_bytes"] = dict(by_table.most_common())
        out["paragraphs_bytes"] = by_table.get("paragraphs", 0)
        out["revisions_bytes"] = by_table.get("revisions", 0)
    return out


# --- queries -------------------------------------------------------------------------------------


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def scan_sql(q: Query) -> tuple[str, list[object]]:
    """The naive baseline: LIKE per term over `paragraphs`, first 20 rows, filters as joins."""
    terms = q.text.split()
    sql = "SELECT p.id, p.text FROM paragraphs p"
    where = [r"p.text LIKE ? ESCAPE '\'" for _ in terms]
    params: list[object] = [_like(t) for t in terms]
    f = q.filters
    doc_facets = {
        "organisation_kind": f.organisation_kind,
        "doc_type": f.doc_type,
        "year": f.year,
        "period": f.period,
    }
    doc_facets = {k: v for k, v in doc_facets.items() if v is not None}
    if doc_facets:
        sql += " JOIN revisions r ON r.id = p.revision_id JOIN materials m ON m.id = r.material_id"
        for k, v in doc_facets.items():
            where.append(f"m.{k} = ?")
            params.append(v)
    if f.section_kind is not None:
        sql += " JOIN sections s ON s.revision_id = p.revision_id AND s.ord = p.section_ord"
        where.append("s.kind = ?")
        params.append(f.section_kind)
    return f"{sql} WHERE {' AND '.join(where)} LIMIT {LIMIT}", params


def scan(lib: Library, q: Query) -> tuple[int, list[str]]:
    sql, params = scan_sql(q)
    if lib.dialect != "sqlite":  # psycopg: %s placeholders, a literal % doubled
        sql = sql.replace("%", "%%").replace("?", "%s")
    needles = q.text.split()
    with lib.engine.connect() as conn:
        rows = conn.exec_driver_sql(sql, tuple(params)).all()
    snippets = []
    for _, ptext in rows:
        first = min((i for n in needles if (i := ptext.find(n)) >= 0), default=0)
        snippets.append(ptext[max(0, first - SNIPPET) : first + SNIPPET])
    return len(rows), snippets


def time_queries(
    lib: Library, queries: list[Query], console: Console, ref: reference.Reference | None = None
) -> list[dict[str, object]]:
    """Warm pass (untimed), then a timed pass, for search, the scan baseline and (if given) the
    tantivy reference, each system on its own."""
    records: list[dict[str, object]] = [
        {"class": q.cls, "query": q.text, "filters": q.filter_json} for q in queries
    ]

    def tantivy_search(q: Query) -> tuple[int, list[tuple[int, float]]] | None:
        assert ref is not None
        try:
            return ref.search(q.text, q.filters, limit=LIMIT)
        except reference.UnsupportedFilter:
            return None

    systems: list[tuple[str, object]] = [
        ("search", lambda q: search(lib, q.text, q.filters, limit=LIMIT)),
        ("scan", lambda q: scan(lib, q)),
    ]
    if ref is not None:
        systems.append(("tantivy", tantivy_search))
    for name, fn in systems:
        with console.status(f"{name}: warm-up pass"):
            for q in queries:
                fn(q)  # type: ignore[operator]
        gc.collect()  # start the timed pass with no garbage from the warm-up pending
        with console.status(f"{name}: timed pass"):
            for q, rec in zip(queries, records, strict=True):
                t0 = time.perf_counter()
                result = fn(q)  # type: ignore[operator]
                ms = (time.perf_counter() - t0) * 1000
                if name == "search":
                    rec["search_ms"] = round(ms, 3)
                    # What the hits are, to compare databases: titles and snippets, in order.
                    shown = "\n".join(f"{h.title}|{h.kind}|{h.snippet_text}" for h in result.hits)
                    rec["hits_digest"] = hashlib.sha256(shown.encode()).hexdigest()[:16]
                    rec["total"] = result.total
                    rec["materials"] = len(result.materials)
                    rec["hits"] = len(result.hits)
                    rec["hits_with_heading_path"] = sum(1 for h in result.hits if h.heading_path)
                    rec["top"] = [m.material_id for m in result.materials]
                elif name == "scan":
                    rec["scan_ms"] = round(ms, 3)
                    rec["scan_rows"] = result[0]
                elif result is None:
                    rec["tantivy_ms"] = None  # a filter the reference does not model
                else:
                    rec["tantivy_ms"] = round(ms, 3)
                    rec["tantivy_total"] = result[0]
                    rec["tantivy_top"] = [mid for mid, _ in result[1]]
    for rec in records:
        if rec.get("tantivy_ms") is not None and not rec["filters"]:
            ours, theirs = rec["top"], rec["tantivy_top"]
            expected = min(LIMIT, int(rec["total"]))  # type: ignore[call-overload]
            rec["overlap"] = (
                round(len(set(ours) & set(theirs)) / expected, 4) if expected else None  # type: ignore[arg-type]
            )
    return records


def check_counts(db_path: Path, records: list[dict[str, object]]) -> dict[str, object]:
    """Single-term pure-Han queries without a filter: search's total vs the current materials
    with a title, heading or body paragraph (kind <> 'preview') that contains the term.

    Read once: each current revision's paragraphs (joined by a line break, so a term never
    spans two) are checked with Python's `in` for every term (much faster than one SQLite
    instr() per paragraph and term). Differences are reported, never failed.
    """
    checked = [r for r in records if not r["filters"] and _PURE_HAN.fullmatch(str(r["query"]))]
    if not checked:
        return {"checked": 0, "mismatches": 0, "examples": [], "seconds": 0.0}
    started = time.perf_counter()
    terms = [str(r["query"]) for r in checked]
    counts = [0] * len(terms)
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        for (text,) in conn.execute(
            "SELECT group_concat(p.text, char(10)) FROM paragraphs p"
            " JOIN materials m ON m.current_revision_id = p.revision_id"
            " WHERE p.kind <> 'preview' GROUP BY p.revision_id"
        ):
            for i, term in enumerate(terms):
                if term in text:
                    counts[i] += 1
    diffs = [
        {"query": r["query"], "total": r["total"], "instr_count": c}
        for r, c in zip(checked, counts, strict=True)
        if c != r["total"]
    ]
    return {
        "checked": len(checked),
        "mismatches": len(diffs),
        "examples": diffs[:5],
        "seconds": round(time.perf_counter() - started, 2),
    }


def summarise(records: list[dict[str, object]]) -> dict[str, object]:
    out: dict[str, object] = {}
    names = ["search", "scan"]
    if any(r.get("tantivy_ms") is not None for r in records):
        names.append("tantivy")
    for name in names:
        key = f"{name}_ms"
        timed = [r for r in records if r.get(key) is not None]
        out[name] = {
            "overall": stats([float(r[key]) for r in timed]),  # type: ignore[arg-type]
            "by_class": {
                c: stats([float(r[key]) for r in timed if r["class"] == c])  # type: ignore[arg-type]
                for c in CLASSES
                if any(r["class"] == c for r in timed)
            },
        }
    s, b = out["search"]["overall"], out["scan"]["overall"]  # type: ignore[index]
    out["speedup"] = {
        "p50": round(b["p50"] / s["p50"], 1) if s["p50"] else None,
        "p95": round(b["p95"] / s["p95"], 1) if s["p95"] else None,
    }
    if "tantivy" in out:
        t = out["tantivy"]["overall"]  # type: ignore[index]
        out["vs_tantivy"] = {  # ours ÷ tantivy's: below 1 is faster than tantivy
            k: round(s[k] / t[k], 2) if t[k] else None for k in ("p50", "p95", "max")
        }
        with_overlap = [r for r in records if r.get("overlap") is not None]
        out["overlap"] = {
            "n": len(with_overlap),
            "mean": _mean([float(r["overlap"]) for r in with_overlap]),  # type: ignore[arg-type]
            "by_class": {
                c: _mean([float(r["overlap"]) for r in with_overlap if r["class"] == c])  # type: ignore[arg-type]
                for c in CLASSES
                if any(r["class"] == c for r in with_overlap)
            },
            "excluded_filtered": sum(1 for r in records if r["filters"]),
            "lowest": [
                {k: r[k] for k in ("class", "query", "overlap", "total", "tantivy_total")}
                for r in sorted(with_overlap, key=lambda r: float(r["overlap"]))[:5]  # type: ignore[arg-type]
            ],
        }
        out["tantivy_total_differs"] = [
            {k: r[k] for k in ("query", "filters", "total", "tantivy_total")}
            for r in records
            if r.get("tantivy_ms") is not None and r["total"] != r["tantivy_total"]
        ]
    slow = sorted(records, key=lambda r: -float(r["search_ms"]))[:5]  # type: ignore[arg-type]
    out["slowest"] = [
        {
            k: r.get(k)
            for k in ("class", "query", "filters", "search_ms", "total", "tantivy_ms", "scan_ms")
        }
        for r in slow
    ]
    return out


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def evaluate_targets(scale: int, report: dict[str, object]) -> list[dict[str, object]]:
    targets = PG_TARGETS if report.get("database") == "postgresql" else TARGETS
    values: dict[str, float | None] = {}
    if "ingest" in report:
        values["ingest_s"] = report["ingest"]["wall_s"]  # type: ignore[index]
    if "queries" in report:
        q = report["queries"]
        values["p95_ms"] = q["search"]["overall"]["p95"]  # type: ignore[index]
        values["max_ms"] = q["search"]["overall"]["max"]  # type: ignore[index]
        if "vs_tantivy" in q:  # type: ignore[operator]
            values["p95_vs_tantivy"] = q["vs_tantivy"]["p95"]  # type: ignore[index]
    out = []
    for tscale, metric, limit in targets:
        if tscale != scale or metric not in values or values[metric] is None:
            continue
        v = float(values[metric])  # type: ignore[arg-type]
        out.append(
            {
                "metric": metric,
                "value": v,
                "target": f"≤ {limit:g}",
                "pass": v <= limit,
            }
        )
    return out


def build_reference(
    console: Console, db_path: Path, index_dir: Path, label: str
) -> reference.Reference:
    """The tantivy index of the database's current materials, timed (bench/reference.py)."""
    with console.status(f"{label}: building the tantivy reference index"):
        ref = reference.build(db_path, index_dir, SECTION_KINDS)
    b = ref.build
    console.print(
        f"  {label}: tantivy {reference.version()} index of {b['documents']:,} materials: "
        f"{b['index_s']:.1f} s indexing + {b['extract_s']:.1f} s reading SQLite, "
        f"{human_bytes(b['index_bytes'])}"  # type: ignore[arg-type]
    )
    return ref


def bench_queries(
    console: Console,
    db_path: Path,
    queries: list[Query],
    db_url: str | None = None,
    ref: reference.Reference | None = None,
) -> dict[str, object]:
    """Time the queries on the SQLite database at `db_path` (or on `db_url`, PostgreSQL;
    `db_path` then only checks totals against the SQLite copy), and on `ref` if given."""
    lib = Library.open(Settings(db_url=db_url or sqlite_url(db_path)))
    try:
        records = time_queries(lib, queries, console, ref)
    finally:
        lib.close()
    summary = summarise(records)
    if ref is not None:
        summary["tantivy_build"] = ref.build
    with console.status("checking totals against a plain text scan"):
        summary["correctness"] = check_counts(db_path, records)
    summary["per_query"] = records
    return summary


# --- PostgreSQL ----------------------------------------------------------------------------------


def pg_schema_url(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options=-csearch_path%3D{schema}"


def dir_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def pg_sizes(db_url: str) -> dict[str, object]:
    """Bytes of the schema, of the search index directory and of the content tables; row
    counts as for SQLite."""
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url)
    try:
        with engine.connect() as conn:
            size = {
                name: conn.execute(text(f"SELECT pg_total_relation_size('{name}')")).scalar_one()
                for name in (
                    "paragraphs",
                    "revisions",
                    "sections",
                    "materials",
                )
            }
            schema_bytes = conn.execute(
                text(
                    "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c"
                    " JOIN pg_namespace n ON n.oid = c.relnamespace"
                    " WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'm')"
                )
            ).scalar_one()
            counts = {
                name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
                for name in ("materials", "revisions", "paragraphs", "sections")
            }
            counts["indexed_paragraphs"] = conn.execute(
                text(
                    "SELECT count(*) FROM paragraphs p"
                    " JOIN materials m ON m.current_revision_id = p.revision_id"
                )
            ).scalar_one()
            counts["paragraph_chars"] = conn.execute(
                text("SELECT coalesce(sum(length(text)), 0) FROM paragraphs")
            ).scalar_one()
    finally:
        engine.dispose()
    return {
        "schema_bytes": int(schema_bytes),
        "index_bytes": dir_bytes(index_path(db_url, None, ROOT / "var")),
        "paragraphs_bytes": int(size["paragraphs"]),
        "revisions_bytes": int(size["revisions"]),
        "counts": counts,
    }


def pg_scale(
    console: Console,
    base_url: str,
    scale: int,
    folder: Path,
    chars: dict[str, int],
    sqlite_db: Path,
    sqlite_entry: dict[str, object],
    queries: list[Query],
    stamp: str,
    keep: bool,
) -> dict[str, object]:
    """The same corpus and queries on PostgreSQL, in a schema of its own; the hits compared
    with SQLite's query by query."""
    from sqlalchemy import create_engine, text

    schema = f"gw_bench_x{scale}_{stamp.replace('-', '_')}"
    admin = create_engine(base_url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = pg_schema_url(base_url, schema)
    entry: dict[str, object] = {
        "scale": scale,
        "label": f"PostgreSQL {scale}×",
        "database": "postgresql",
        "db_url": url,
    }
    try:
        entry["ingest"] = run_ingest(console, url, folder, chars, f"PostgreSQL {scale}× ingest")
        entry["sizes"] = pg_sizes(url)
        entry["queries"] = bench_queries(console, sqlite_db, queries, db_url=url)
        ours = entry["queries"]["per_query"]  # type: ignore[index]
        theirs = sqlite_entry["queries"]["per_query"]  # type: ignore[index]
        differ = [
            a["query"]
            for a, b in zip(ours, theirs, strict=True)
            if (a["total"], a["hits_digest"]) != (b["total"], b["hits_digest"])
        ]
        entry["same_as_sqlite"] = {"queries": len(ours), "differ": differ}
    finally:
        if not keep:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            shutil.rmtree(index_path(url, None, ROOT / "var"), ignore_errors=True)
        admin.dispose()
    return entry


def print_side_by_side(console: Console, scales: list[dict[str, object]]) -> None:
    """SQLite and PostgreSQL at each scale: ingest, index size, latency, identical hits."""
    pg = {s["scale"]: s for s in scales if s.get("database") == "postgresql"}
    if not pg:
        return
    t = Table(title="SQLite and PostgreSQL, same corpus, same queries (warm, ms)")
    for col in ("scale", "database", "ingest s", "index", "p50", "p95", "max", "same hits"):
        t.add_column(col, justify="left" if col in ("scale", "database") else "right")
    for s in scales:
        if s.get("database") == "postgresql" or s.get("scale") not in pg or "queries" not in s:
            continue
        for entry, name in ((s, "SQLite"), (pg[s["scale"]], "PostgreSQL")):
            q = entry["queries"]["search"]["overall"]  # type: ignore[index]
            sizes = entry.get("sizes", {})
            index = sizes.get("index_bytes")  # type: ignore[union-attr]
            same = entry.get("same_as_sqlite")
            t.add_row(
                f"{s['scale']}×",
                name,
                f"{entry['ingest']['wall_s']:.1f}",  # type: ignore[index]
                human_bytes(index) if index else "n/a",
                f"{q['p50']:.2f}",
                f"{q['p95']:.2f}",
                f"{q['max']:.2f}",
                f"{same['queries'] - len(same['differ'])}/{same['queries']}" if same else "",  # type: ignore[index]
            )
    console.print(t)


# --- output --------------------------------------------------------------------------------------


def print_machine(console: Console, m: dict[str, object]) -> None:
    t = Table(title="Machine", show_header=False)
    t.add_column("", style="bold")
    t.add_column("")
    for k in (
        "nproc",
        "cpu",
        "memory_bytes",
        "platform",
        "python",
        "sqlite",
        "packages",
        "git_commit",
        "src_dirty",
    ):
        v = m.get(k)
        t.add_row(k, human_bytes(v) if k == "memory_bytes" and v else str(v))
    console.print(t)


def print_ingest(console: Console, scales: list[dict[str, object]]) -> None:
    t = Table(title="Ingest and index size")
    t.add_column("scale")
    for col in (
        "files",
        "failed",
        "documents",
        "characters",
        "wall s",
        "index s",
        "plain read s",
        "× read",
        "docs/s",
        "chars/s",
        "DB file",
        "index dir",
        "paragraphs",
        "revisions",
        "peak RSS",
    ):
        t.add_column(col, justify="right")
    for s in scales:
        ing = s.get("ingest")
        sizes = s.get("sizes", {})
        if not ing:
            continue
        t.add_row(
            f"{s['scale']}×",
            str(ing["files"]),
            str(ing["files_failed"]),
            f"{ing['documents']:,}",
            human_count(ing["chars"]),
            f"{ing['wall_s']:.1f}",
            f"{ing['optimize_s']:.1f}",
            f"{ing['plain_read_s']:.2f}" if "plain_read_s" in ing else "",
            f"{ing['ratio_to_plain_read']:.0f}×" if ing.get("ratio_to_plain_read") else "",
            f"{ing['docs_per_s']:,.0f}",
            human_count(ing["chars_per_s"]),
            human_bytes(sizes["file_bytes"] + sizes["wal_bytes"]),
            human_bytes(sizes["index_bytes"]),
            human_bytes(sizes["paragraphs_bytes"]) if sizes.get("dbstat") else "n/a",
            human_bytes(sizes["revisions_bytes"]) if sizes.get("dbstat") else "n/a",
            human_bytes(ing["peak_rss_bytes"]),
        )
    console.print(t)
    console.print(
        "  [dim]plain read = read_source over every file (decoded as the readers do), warm cache; "
        "× read = ingest wall ÷ plain read (the tantivy build time is in the gongwen/tantivy table)[/]"
    )
    for s in scales:
        ing = s.get("ingest")
        if ing and ing["failures"]:
            for err in ing["failures"][:5]:
                console.print(f"  [dim]{s['scale']}× failed file: {err}[/]")
        if ing:
            print_counts(console, f"{s['scale']}×", s["sizes"], ing["statuses"])


def print_counts(console: Console, label: str, sizes: dict, statuses: dict | None = None) -> None:
    c = sizes["counts"]
    line = (
        f"  [dim]{label}: {c['materials']:,} materials, {c['revisions']:,} revisions, "
        f"{c['paragraphs']:,} paragraphs ({c['indexed_paragraphs']:,} indexed, "
        f"{human_count(c['paragraph_chars'])} chars), {c['sections']:,} sections"
    )
    if statuses:
        line += "; documents " + ", ".join(f"{k} {v:,}" for k, v in statuses.items())
    console.print(line + "[/]")


def print_latency(console: Console, s: dict[str, object]) -> None:
    q = s["queries"]
    has_tv = "tantivy" in q
    title = "search vs tantivy vs LIKE scan" if has_tv else "search vs LIKE scan"
    t = Table(title=f"{s['label']}: query latency, ms (warm; {title})")
    t.add_column("class")
    cols = ["n", "search p50", "p95", "max"]
    if has_tv:
        cols += ["tantivy p50", "p95", "max", "overlap@20"]
    cols += ["scan p50", "p95", "max"]
    for col in cols:
        t.add_column(col, justify="right")
    rows = [(CLASSES[c], c) for c in q["search"]["by_class"]]
    rows.append(("all", None))
    for name, c in rows:
        a = q["search"]["overall"] if c is None else q["search"]["by_class"][c]
        b = q["scan"]["overall"] if c is None else q["scan"]["by_class"][c]
        cells = [str(a["n"]), f"{a['p50']:.2f}", f"{a['p95']:.2f}", f"{a['max']:.2f}"]
        if has_tv:
            tv = q["tantivy"]["overall"] if c is None else q["tantivy"]["by_class"].get(c)
            ov = q["overlap"]["mean"] if c is None else q["overlap"]["by_class"].get(c)
            cells += (
                [f"{tv['p50']:.2f}", f"{tv['p95']:.2f}", f"{tv['max']:.2f}"] if tv else ["-"] * 3
            )
            cells.append(f"{ov:.2f}" if ov is not None else "-")
        cells += [f"{b['p50']:.2f}", f"{b['p95']:.2f}", f"{b['max']:.2f}"]
        t.add_row(f"[bold]{name}[/]" if name == "all" else name, *cells)
    console.print(t)
    if has_tv:
        console.print(
            f"  [dim]overlap@20 = |our top {LIMIT} ∩ tantivy's top {LIMIT}| ÷ min({LIMIT}, total), "
            f"unfiltered queries only ({q['overlap']['n']}; the "
            f"{q['overlap']['excluded_filtered']} filtered ones are timed on both but not "
            "compared)[/]"
        )
        low = ", ".join(
            f"{r['query']} {r['overlap']:.2f} ({r['total']}/{r['tantivy_total']})"
            for r in q["overlap"]["lowest"]
        )
        console.print(f"  [dim]lowest overlap (query, overlap, totals ours/tantivy): {low}[/]")
        differ = q["tantivy_total_differs"]
        if differ:
            console.print(
                f"  [dim]{len(differ)} queries match a different number of materials in tantivy: "
                + ", ".join(f"{d['query']} {d['total']}/{d['tantivy_total']}" for d in differ[:8])
                + "[/]"
            )
    slow = Table(title=f"{s['label']}: slowest 5 searches")
    for col in ("query", "class", "ms", "total", "tantivy ms", "scan ms"):
        slow.add_column(col, justify="left" if col in ("query", "class") else "right")
    for r in q["slowest"]:
        label = Query(r["class"], r["query"], Filters(**r["filters"])).label
        slow.add_row(
            label,
            CLASSES[r["class"]],
            f"{r['search_ms']:.2f}",
            f"{r['total']:,}",
            f"{r['tantivy_ms']:.2f}" if r.get("tantivy_ms") is not None else "-",
            f"{r['scan_ms']:.1f}",
        )
    console.print(slow)
    c = q["correctness"]
    console.print(
        f"  total vs materials whose title/heading/body paragraphs contain the term (single-term "
        f"pure-Han, unfiltered): {c['checked']} checked, {c['mismatches']} differ"
    )
    for e in c["examples"]:
        console.print(f"    {e['query']}: search {e['total']}, text scan {e['instr_count']}")


def print_tantivy(console: Console, scales: list[dict[str, object]]) -> None:
    """Ours and tantivy side by side at each scale: build/ingest time and latency."""
    entries = [
        s for s in scales if s.get("database") != "postgresql" and "tantivy" in s.get("queries", {})
    ]
    if not entries:
        return
    t = Table(title="gongwen and tantivy, same materials, same queries (warm, ms)")
    for col in (
        "scale",
        "engine",
        "build s",
        "index",
        "p50",
        "p95",
        "max",
        "overlap@20",
        "p95 ÷ tantivy",
    ):
        t.add_column(col, justify="left" if col in ("scale", "engine") else "right")
    for s in entries:
        q = s["queries"]
        b = q["tantivy_build"]  # type: ignore[index]
        ing = s.get("ingest")
        sizes = s.get("sizes", {})
        for name in ("search", "tantivy"):
            o = q[name]["overall"]  # type: ignore[index]
            ours = name == "search"
            t.add_row(
                str(s["label"]) if ours else "",
                "gongwen (its tantivy index)" if ours else f"tantivy {reference.version()}",
                (f"{ing['wall_s']:.1f}" if ing else "-") if ours else f"{b['index_s']:.1f}",  # type: ignore[index]
                (human_bytes(sizes["index_bytes"]) if sizes.get("index_bytes") else "n/a")  # type: ignore[union-attr,index]
                if ours
                else human_bytes(b["index_bytes"]),  # type: ignore[arg-type]
                f"{o['p50']:.2f}",
                f"{o['p95']:.2f}",
                f"{o['max']:.2f}",
                f"{q['overlap']['mean']:.2f}" if ours else "",  # type: ignore[index]
                f"{q['vs_tantivy']['p95']:.2f}" if ours else "",  # type: ignore[index]
            )
    console.print(t)
    console.print(
        "  [dim]build s: ours = the whole ingest (read, parse, store, index); tantivy = indexing "
        "rows already read from our database (reading them is reported as extract_s in the "
        "JSON). index: our index directory (two documents per material, positions, fast "
        "fields) vs the reference's files.[/]"
    )


def print_targets(console: Console, scales: list[dict[str, object]]) -> None:
    t = Table(title="Targets")
    for col in ("scale", "metric", "measured", "target", "result"):
        t.add_column(col, justify="right" if col in ("measured", "target") else "left")
    for s in scales:
        for tg in s.get("targets", []):
            t.add_row(
                str(s["label"]),
                tg["metric"],
                f"{tg['value']:.2f}",
                tg["target"],
                "[green]PASS[/]" if tg["pass"] else "[red]FAIL[/]",
            )
    if t.row_count:
        console.print(t)


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--scale", type=int, help="one scale (1 = gov-corpus, N>1 = synthetic N×)")
    p.add_argument("--scales", default="1,10", help="comma-separated scales (default 1,10)")
    p.add_argument(
        "--db-dir", type=Path, help="where databases go (default: temp dir in var/bench)"
    )
    p.add_argument("--keep", action="store_true", help="keep databases and the synthetic corpus")
    p.add_argument(
        "--queries-only",
        metavar="DB_URL",
        help="only time queries against an existing SQLite database (URL or path)",
    )
    p.add_argument("--json", type=Path, help="report path (default bench/results/search-<ts>.json)")
    p.add_argument("--corpus", type=Path, default=CORPUS, help="the 1× corpus folder")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument(
        "--db",
        help="also measure PostgreSQL: a database URL (each scale in a new schema of it, "
        "dropped afterwards unless --keep), e.g. postgresql://postgres@127.0.0.1:5432/test",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console() if sys.stdout.isatty() else Console(width=180)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path: Path = args.json or RESULTS / f"search-{stamp}.json"
    machine = machine_info(("sqlalchemy", "tantivy"))
    report: dict[str, object] = {
        "version": 2,
        "started_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine,
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()},
        "limit": LIMIT,
        "reference": {
            "engine": f"tantivy {reference.version()}",
            "tokens": f"one per character: regex {reference.TOKEN_PATTERN} + lowercase + "
            "ascii_fold",
            "fields": "title, body (full current revision text); doc_type; sections.<kind> "
            f"for {', '.join(SECTION_KINDS)}",
            "scoring": "BM25 (tantivy default, no field boosts)",
            "query": "term = phrase of its characters on title OR body; terms ANDed",
        },
        "scales": [],
    }
    print_machine(console, machine)
    scales_out: list[dict[str, object]] = report["scales"]  # type: ignore[assignment]

    if args.queries_only:
        db = url_path(args.queries_only)
        if not db.exists():
            raise SystemExit(f"no database at {db}")
        long_q = sample_long_queries(db, args.seed)
        queries = build_queries(long_q)
        report["queries"] = {c: [q.label for q in queries if q.cls == c] for c in CLASSES}
        entry: dict[str, object] = {
            "scale": None,
            "label": db.name,
            "db_url": sqlite_url(db),
            "kept": True,
            "sizes": db_sizes(db),
        }
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="tantivy-", dir=ROOT / "var" / "bench"))
        ref = build_reference(console, db, tmp / "index", db.name)
        try:
            entry["queries"] = bench_queries(console, db, queries, ref=ref)
        finally:
            ref.close()
            shutil.rmtree(tmp, ignore_errors=True)
        scales_out.append(entry)
        print_counts(console, db.name, entry["sizes"])  # type: ignore[arg-type]
        print_latency(console, entry)
    else:
        wanted = (
            [args.scale] if args.scale else [int(x) for x in args.scales.split(",") if x.strip()]
        )
        if any(s < 1 for s in wanted):
            raise SystemExit("scales must be ≥ 1")
        own_dir = args.db_dir is None
        if own_dir:
            (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
            db_dir = Path(tempfile.mkdtemp(prefix="search-", dir=ROOT / "var" / "bench"))
        else:
            db_dir = args.db_dir.resolve()
            db_dir.mkdir(parents=True, exist_ok=True)
        created: list[Path] = []
        try:
            corpus = args.corpus.resolve()
            db1 = db_dir / f"scale1-{stamp}.sqlite3"
            created += [db1, Path(f"{db1}-wal"), Path(f"{db1}-shm")]
            read = plain_read(console, corpus, "1×")
            chars = read.pop("chars_by_path")
            entry = {
                "scale": 1,
                "label": "1× gov-corpus",
                "db_url": sqlite_url(db1),
                "corpus": {"folder": str(corpus), "files": read["files"], "synthetic": False},
                "plain_read": read,
            }
            entry["ingest"] = run_ingest(console, sqlite_url(db1), corpus, chars, "1× ingest")
            add_read_ratio(entry)
            entry["sizes"] = db_sizes(db1)
            queries = build_queries(sample_long_queries(db1, args.seed))
            report["queries"] = {c: [q.label for q in queries if q.cls == c] for c in CLASSES}
            if 1 in wanted:
                tv1 = db_dir / f"tantivy-x1-{stamp}"
                created.append(tv1)
                ref = build_reference(console, db1, tv1, "1×")
                try:
                    entry["queries"] = bench_queries(console, db1, queries, ref=ref)
                finally:
                    ref.close(remove=not args.keep)
                scales_out.append(entry)
                if args.db:
                    scales_out.append(
                        pg_scale(
                            console,
                            args.db,
                            1,
                            corpus,
                            chars,
                            db1,
                            entry,
                            queries,
                            stamp,
                            args.keep,
                        )
                    )
            else:
                entry["note"] = "built only as the paragraph pool for the synthetic scales"
                scales_out.append(entry)
            for scale in sorted(s for s in set(wanted) if s > 1):
                folder = db_dir / f"corpus-x{scale}-{stamp}"
                created.append(folder)
                with console.status(f"writing the {scale}× synthetic corpus"):
                    synth = make_synthetic(db1, folder, scale, args.seed)
                console.print(
                    f"  {scale}× corpus: {synth['documents']:,} files, "
                    f"{human_count(synth['chars'])} characters, "
                    f"written in {synth['generate_s']:.1f} s"
                )
                dbn = db_dir / f"scale{scale}-{stamp}.sqlite3"
                created += [dbn, Path(f"{dbn}-wal"), Path(f"{dbn}-shm")]
                read_n = plain_read(console, folder, f"{scale}×")
                chars_n = read_n.pop("chars_by_path")
                e: dict[str, object] = {
                    "scale": scale,
                    "label": f"{scale}× synthetic",
                    "db_url": sqlite_url(dbn),
                    "corpus": {**synth, "synthetic": True},
                    "plain_read": read_n,
                }
                e["ingest"] = run_ingest(
                    console, sqlite_url(dbn), folder, chars_n, f"{scale}× ingest"
                )
                add_read_ratio(e)
                e["sizes"] = db_sizes(dbn)
                tvn = db_dir / f"tantivy-x{scale}-{stamp}"
                created.append(tvn)
                ref = build_reference(console, dbn, tvn, f"{scale}×")
                try:
                    e["queries"] = bench_queries(console, dbn, queries, ref=ref)
                finally:
                    ref.close(remove=not args.keep)
                scales_out.append(e)
                if args.db:
                    scales_out.append(
                        pg_scale(
                            console,
                            args.db,
                            scale,
                            folder,
                            chars_n,
                            dbn,
                            e,
                            queries,
                            stamp,
                            args.keep,
                        )
                    )
        finally:
            for s in scales_out:
                s["kept"] = args.keep
            if not args.keep:
                if own_dir:
                    shutil.rmtree(db_dir, ignore_errors=True)
                else:
                    for p in created:
                        if p.is_dir():
                            shutil.rmtree(p, ignore_errors=True)
                        else:
                            p.unlink(missing_ok=True)
        print_ingest(console, [s for s in scales_out if s.get("database") != "postgresql"])
        for s in scales_out:
            if "queries" in s:
                print_latency(console, s)
        print_side_by_side(console, scales_out)

    print_tantivy(console, scales_out)
    for s in scales_out:
        if s.get("scale"):
            s["targets"] = evaluate_targets(int(s["scale"]), s)  # type: ignore[arg-type]
    print_targets(console, scales_out)
    report["finished_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    console.print(f"JSON: {json_path}")
    if not args.keep and not args.queries_only:
        console.print("[dim]databases and tantivy indexes removed (use --keep to keep them)[/]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
