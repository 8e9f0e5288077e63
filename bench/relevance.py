"""Relevance: nDCG@10 of gongwen's search and of a full-BM25 reference, on judged queries.

Not a test: it prints a table and writes a JSON report, and never fails.

    .venv/bin/python bench/relevance.py                       # builds a 1x gov-corpus DB (~40 s)
    .venv/bin/python bench/relevance.py --db var/bench/gov1.sqlite3
    .venv/bin/python bench/relevance.py --db … --pool          # judging sheet of unjudged results

The queries are what a writer of 公文 would type; bench/relevance_judgments.tsv grades
(query, material) pairs 0-3 (the rule is at the top of that file and in bench/README.md).
Materials are named by a stable key (materials.key relative to the corpus folder, or the
record's URL), never by a numeric id, so the judgments survive a re-ingest.

Systems, each asked for its top 10 on the same database:
- gongwen: `search(lib, q, limit=10)`, one result per material (grouped);
- tantivy: bench/reference.py, one document per material (title + full text), one token per
  character, BM25; the reference "full BM25" ranking;
- tantivy-passages: the same, one document per paragraph (a passage-level engine, as most
  search boxes are); its top 10 passages map to materials, so a material can repeat. A repeat
  gains nothing (the writer has already seen that material), and its results were not pooled.

nDCG@10: gain 2^grade - 1, discount log2(rank + 1); the ideal ordering is of every judged
grade of the query. Results without a judgment count as 0 (they are listed as "unjudged").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import reference  # bench/reference.py
from common import ROOT, machine_info  # noqa: E402  (bench/ is on sys.path when run)
from rich.console import Console
from rich.table import Table

from gongwen.config import Settings
from gongwen.library import Library
from gongwen.search.service import search

CORPUS = ROOT.parent / "shared" / "data" / "gov-corpus"
RESULTS = ROOT / "bench" / "results"
JUDGMENTS = ROOT / "bench" / "relevance_judgments.tsv"
K = 10
SYSTEMS = ("gongwen", "tantivy", "tantivy-passages")
POOLED = ("gongwen", "tantivy")  # the pool judged for each query: the union of their top 10

# What a writer of a report would type tonight: topics, phrases and two-term queries.
QUERIES = [
    "扶贫",
    "营商环境",
    "优化营商环境",
    "优化营商环境 措施",
    "一网通办",
    "拖欠农民工工资",
    "欠薪",
    "督查",
    "乡村振兴",
    "乡村振兴 产业",
    "安全生产",
    "安全生产 责任制",
    "河长制",
    "疫情防控",
    "生态环境保护",
    "招商引资",
    "民生实事",
    "基层治理",
    "党风廉政建设",
    "数字政府",
    "就业 稳岗",
    "垃圾分类",
    "养老服务",
    "食品安全",
    "防汛",
    "耕地保护",
    "放管服",
    "网格化管理",
    "粮食安全",
    "碳达峰",
    "减税降费",
    "高质量发展",
    "老旧小区改造",
    "12345热线",
    "污染防治攻坚战",
    "中小企业 融资",
    "农村人居环境",
    "政务公开",
    "民营经济",
    "住房公积金",
    "应急管理",
    "大气污染防治",
    "主要预期目标",
    "形式主义 官僚主义",
    "托育",
]


# --- materials and judgments ---------------------------------------------------------------------


def stable_key(key: str, corpus: Path) -> str:
    """materials.key without the machine's corpus folder: a path relative to it, or the URL."""
    prefix = str(corpus.resolve()) + "/"
    return key[len(prefix) :] if key.startswith(prefix) else key


@dataclass(frozen=True, slots=True)
class Material:
    id: int
    key: str  # stable_key
    title: str
    doc_type: str


def load_materials(db: Path, corpus: Path) -> dict[int, Material]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return {
            mid: Material(mid, stable_key(key, corpus), title, doc_type)
            for mid, key, title, doc_type in conn.execute(
                "SELECT id, key, title, doc_type FROM materials WHERE current_revision_id IS NOT NULL"
            )
        }


def load_judgments(path: Path) -> dict[str, dict[str, int]]:
    """query -> stable key -> grade. Lines: query TAB grade TAB key TAB title; # comments."""
    out: dict[str, dict[str, int]] = {}
    if not path.exists():
        return out
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 3 or parts[1] not in ("0", "1", "2", "3"):
            raise SystemExit(f"{path}:{n}: expected query<TAB>grade 0-3<TAB>key<TAB>title")
        out.setdefault(parts[0], {})[parts[2]] = int(parts[1])
    return out


# --- metrics -------------------------------------------------------------------------------------


def dcg(grades: list[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:K]))


def evaluate(keys: list[str], judged: dict[str, int]) -> dict[str, object]:
    """nDCG@10 and coverage of one ranked list of material keys (repeats gain nothing)."""
    seen: set[str] = set()
    grades: list[int] = []
    for key in keys[:K]:
        grades.append(0 if key in seen else judged.get(key, 0))
        seen.add(key)
    ideal = dcg(sorted(judged.values(), reverse=True))
    top = keys[:K]
    return {
        "ndcg": round(dcg(grades) / ideal, 4) if ideal else None,
        "distinct": len(set(top)),
        "results": len(top),
        "unjudged": sum(1 for k in set(top) if k not in judged),
        "relevant": sum(1 for k in set(top) if judged.get(k, 0) >= 2),  # grade 2 or 3
        "grades": [judged.get(k) for k in top],
    }


def mean(values: list[float | None]) -> float | None:
    vs = [v for v in values if v is not None]
    return round(sum(vs) / len(vs), 4) if vs else None


# --- the database --------------------------------------------------------------------------------


def db_path_of(arg: str) -> Path:
    if "://" in arg:
        if not arg.startswith("sqlite"):
            raise SystemExit(f"--db must be a SQLite database, got {arg}")
        return Path(arg.split("///", 1)[1])
    return Path(arg).resolve()


def build_db(console: Console, corpus: Path, folder: Path) -> Path:
    """Ingest the corpus with the command line. It exits non-zero because one file fails (the
    corpus's manifest CSV has no text column), so success is judged by the materials stored."""
    db = folder / "gov1.sqlite3"
    console.print(f"ingesting {corpus} into {db} (about 40 s)")
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "gongwen"), "--db", f"sqlite:///{db}", "ingest", str(corpus)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
    )
    stored = 0
    if db.exists():
        with closing(sqlite3.connect(db)) as conn:
            stored = conn.execute("SELECT COUNT(*) FROM materials").fetchone()[0]
    if not stored:
        raise SystemExit(f"ingest failed (exit {done.returncode}):\n{done.stderr}")
    console.print(
        f"  {stored:,} materials (exit {done.returncode}: the manifest CSV fails, as expected)"
    )
    return db


# --- the judging sheet ---------------------------------------------------------------------------


def pool_sheet(
    console: Console,
    db: Path,
    materials: dict[int, Material],
    runs: dict[str, dict[str, list[int]]],
    judgments: dict[str, dict[str, int]],
    everything: bool,
) -> None:
    """Print the pooled materials of each query that lack a judgment, in an order that says
    nothing about either system's ranking (by a hash of query and key), with what a judge
    needs: the title, type, length, each term's count, the headings and the paragraphs with the
    most query terms. The passages are chosen here, not by either system."""

    def out(line: str) -> None:  # one line per entry, never wrapped or styled
        console.print(line, soft_wrap=True, markup=False, highlight=False)

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for q in QUERIES:
            pool = {mid for name in POOLED for mid in runs[name][q][:K]}
            judged = judgments.get(q, {})
            todo = [materials[m] for m in pool if everything or materials[m].key not in judged]
            if not todo:
                continue
            todo.sort(key=lambda m: hashlib.sha1(f"{q}|{m.key}".encode()).hexdigest())
            terms = q.split()
            out(f"\n#### {q}  ({len(todo)} to judge)")
            for m in todo:
                (text,) = conn.execute(
                    "SELECT r.text FROM revisions r JOIN materials m ON m.current_revision_id ="
                    " r.id WHERE m.id = ?",
                    (m.id,),
                ).fetchone()
                counts = " ".join(f"{t}×{text.count(t)}" for t in terms)
                rows = conn.execute(
                    "SELECT p.kind, p.text FROM paragraphs p JOIN materials m"
                    " ON m.current_revision_id = p.revision_id"
                    " WHERE m.id = ? AND p.kind IN ('heading', 'body') ORDER BY p.id",
                    (m.id,),
                ).fetchall()
                heads = [t for k, t in rows if k == "heading" and any(x in t for x in terms)]
                bodies = [t for k, t in rows if k == "body" and any(x in t for x in terms)]
                bodies.sort(
                    key=lambda t: (
                        -sum(1 for x in terms if x in t),
                        -sum(t.count(x) for x in terms),
                    )
                )
                out(
                    f"- {m.key} | {m.title} | [{m.doc_type or '-'}] {len(text):,} 字 {counts}; "
                    f"{len(bodies)} paragraphs"
                )
                for h in heads[:4]:
                    out(f"    H: {h[:80]}")
                for b in bodies[:3]:
                    first = min((i for x in terms if (i := b.find(x)) >= 0), default=0)
                    start = max(0, first - 60)
                    out(f"    P: {'…' if start else ''}{b[start : first + 90]}")
    finally:
        conn.close()


# --- output --------------------------------------------------------------------------------------


def print_table(console: Console, per_query: list[dict[str, object]], summary: dict) -> None:
    t = Table(title=f"Relevance on {len(per_query)} judged queries: nDCG@{K} (unjudged = 0)")
    t.add_column("query")
    t.add_column("total", justify="right")
    t.add_column("judged", justify="right")
    for name in SYSTEMS:
        t.add_column(f"{name} nDCG", justify="right")
    for name in SYSTEMS:
        t.add_column(
            f"{name[:7] if name != 'tantivy-passages' else 'passages'} d/u", justify="right"
        )
    for r in per_query:
        cells = [str(r["query"]), f"{r['total']:,}", str(r["judged"])]
        for name in SYSTEMS:
            v = r[name]["ndcg"]  # type: ignore[index]
            cells.append("-" if v is None else f"{v:.3f}")
        for name in SYSTEMS:
            cells.append(f"{r[name]['distinct']}/{r[name]['unjudged']}")  # type: ignore[index]
        t.add_row(*cells)
    cells = ["[bold]mean[/]", "", ""]
    for name in SYSTEMS:
        v = summary[name]["ndcg"]
        cells.append("-" if v is None else f"[bold]{v:.3f}[/]")
    for name in SYSTEMS:
        s = summary[name]
        cells.append(f"{s['distinct']:.1f}/{s['unjudged']:.1f}")
    t.add_row(*cells)
    console.print(t)
    console.print(
        f"  [dim]d/u = distinct materials / unjudged materials in the top {K}. nDCG: gain "
        "2^grade−1, log2 discount, ideal = the query's judged grades; unjudged results count "
        "as 0; queries without a relevant judgment are left out of the mean. "
        "tantivy-passages was not pooled (its extra materials show as unjudged).[/]"
    )
    s = Table(title="Summary (mean over queries)")
    for col in (
        "system",
        f"nDCG@{K}",
        f"distinct in top {K}",
        "unjudged in top 10",
        "grade ≥ 2 in top 10",
    ):
        s.add_column(col, justify="left" if col == "system" else "right")
    for name in SYSTEMS:
        v = summary[name]
        s.add_row(
            name,
            "-" if v["ndcg"] is None else f"{v['ndcg']:.3f}",
            f"{v['distinct']:.2f}",
            f"{v['unjudged']:.2f}",
            f"{v['relevant']:.2f}",
        )
    console.print(s)


# --- main ----------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument(
        "--db", help="a SQLite gov-corpus 1× database (URL or path); default: build one now"
    )
    p.add_argument("--keep", action="store_true", help="keep the database built without --db")
    p.add_argument(
        "--json", type=Path, help="report path (default bench/results/relevance-<ts>.json)"
    )
    p.add_argument("--judgments", type=Path, default=JUDGMENTS)
    p.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus folder (for keys)")
    p.add_argument(
        "--pool",
        action="store_true",
        help="print the judging sheet of pooled results that have no judgment, and stop",
    )
    p.add_argument("--pool-all", action="store_true", help="--pool, judged results included")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    console = Console() if sys.stdout.isatty() else Console(width=200)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    tmp: Path | None = None
    if args.db:
        db = db_path_of(args.db)
        if not db.exists():
            raise SystemExit(f"no database at {db}")
    else:
        (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix="relevance-", dir=ROOT / "var" / "bench"))
        db = build_db(console, args.corpus.resolve(), tmp)
    try:
        return run(args, console, db, stamp)
    finally:
        if tmp is not None and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, console: Console, db: Path, stamp: str) -> int:
    materials = load_materials(db, args.corpus)
    by_key = {m.key: m for m in materials.values()}
    judgments = load_judgments(args.judgments)
    missing = sorted({k for js in judgments.values() for k in js if k not in by_key})
    if missing:
        console.print(f"[yellow]{len(missing)} judged keys are not in this database[/]")
    with console.status("building the tantivy references (materials, passages)"):
        # One indexing thread: one segment in insertion order, so equal scores always come
        # out in the same order (with several threads, ties may swap from run to run).
        refs = {
            "tantivy": reference.build(db, threads=1),
            "tantivy-passages": reference.build(db, threads=1, passages=True),
        }
    lib = Library.open(Settings(db_url=f"sqlite:///{db}"))
    runs: dict[str, dict[str, list[int]]] = {name: {} for name in SYSTEMS}
    totals: dict[str, int] = {}
    try:
        for q in QUERIES:
            result = search(lib, q, limit=K)
            totals[q] = result.total
            runs["gongwen"][q] = [m.material_id for m in result.materials]
            for name, ref in refs.items():
                runs[name][q] = [mid for mid, _ in ref.search(q, None, limit=K)[1]]
    finally:
        lib.close()
        for ref in refs.values():
            ref.close()
    if args.pool or args.pool_all:
        pool_sheet(console, db, materials, runs, judgments, args.pool_all)
        return 0

    per_query: list[dict[str, object]] = []
    for q in QUERIES:
        judged = judgments.get(q, {})
        row: dict[str, object] = {"query": q, "total": totals[q], "judged": len(judged)}
        row["relevant_judged"] = sum(1 for g in judged.values() if g >= 2)
        for name in SYSTEMS:
            keys = [materials[mid].key for mid in runs[name][q]]
            row[name] = {**evaluate(keys, judged), "top": keys}
        per_query.append(row)
    summary = {
        name: {
            metric: mean([r[name][metric] for r in per_query])  # type: ignore[index]
            for metric in ("ndcg", "distinct", "unjudged", "relevant")
        }
        for name in SYSTEMS
    }
    for name in SYSTEMS:
        summary[name]["queries_with_ndcg"] = sum(
            1
            for r in per_query
            if r[name]["ndcg"] is not None  # type: ignore[index]
        )
    print_table(console, per_query, summary)
    report = {
        "version": 1,
        "finished_at": datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine_info(("tantivy",)),
        "db": str(db),
        "judgments": str(args.judgments),
        "judged_pairs": sum(len(v) for v in judgments.values()),
        "missing_keys": missing,
        "k": K,
        "systems": {
            "gongwen": "gongwen.search.service.search, materials (grouped), limit 10",
            "tantivy": "bench/reference.py: a document per material, 1 token/char, BM25",
            "tantivy-passages": "bench/reference.py: a document per paragraph, 1 token/char, BM25;"
            " not pooled",
        },
        "summary": summary,
        "per_query": per_query,
    }
    json_path: Path = args.json or RESULTS / f"relevance-{stamp}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    console.print(f"JSON: {json_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
