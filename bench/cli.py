"""Benchmark: start-up of the `gongwen` command, next to `python -c pass` measured in the same run.

Not a test: it prints a table and writes a JSON report (bench/results/cli-<timestamp>.json).

    .venv/bin/python bench/cli.py                  # demo corpus (examples/), SQLite
    .venv/bin/python bench/cli.py --corpus ../shared/data/gov-corpus --runs 30
    .venv/bin/python bench/cli.py --db postgresql://postgres@127.0.0.1/test   # an existing DB

Each command runs as a fresh process, as a person at a shell would run it: `--warmup` untimed
runs (which also write the modules' bytecode, into a private PYTHONPYCACHEPREFIX: an installed
program starts from cached bytecode, even where PYTHONDONTWRITEBYTECODE=1 keeps the shared
checkout free of it; `--no-bytecode-cache` measures every start compiling its modules), then
`--runs` timed ones, in rotation (so a busy moment of the machine hits every command
alike). Wall time and CPU time (user + system, from the children's rusage) are both reported;
the CPU time is the steadier of the two on a shared machine. The target (issues 6 and 18) is
a wall time of at most 0.3 s for every `gongwen` command measured: `--help` (which imports no
command module: src/gongwen/cli/__init__.py), `list`, `search`, `show`, and an error (an id out
of range: one line, exit status 2) on a built database.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, machine_info, write_report  # noqa: E402  (bench/ is on sys.path when run)
from rich.console import Console
from rich.table import Table

PYTHON = ROOT / ".venv" / "bin" / "python"
GONGWEN = ROOT / ".venv" / "bin" / "gongwen"
TARGET_S = 0.3


def commands(db: str) -> dict[str, list[str]]:
    gw = [str(GONGWEN), "--db", db]
    return {
        "python -c pass": [str(PYTHON), "-c", "pass"],
        "gongwen --help": [str(GONGWEN), "--help"],
        "gongwen list --json": [*gw, "list", "--json"],
        "gongwen search 疫情防控 --json": [*gw, "search", "疫情防控", "--json"],
        "gongwen search 工作 --section 存在问题": [*gw, "search", "工作", "--section", "存在问题"],
        "gongwen show 1": [*gw, "show", "1"],
        "gongwen show 2**64 (error)": [*gw, "show", str(2**64)],
    }


EXPECTED_STATUS = {"gongwen show 2**64 (error)": 2}


def run_once(argv: list[str], status: int = 0) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh process, which must exit with `status`."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != status:
        raise SystemExit(
            f"{' '.join(argv)} exited {done.returncode}: {done.stderr.decode()[-500:]}"
        )
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


ENV = {**os.environ, "COLUMNS": "120"}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def build(db: str, corpus: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(GONGWEN), "--db", db, "ingest", "--json", str(corpus)],
        capture_output=True,
        env=ENV,
    )
    if done.returncode not in (0, 1):  # 1: some file refused (the gov-corpus manifest)
        raise SystemExit(f"ingest failed: {done.stderr.decode()[-500:]}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", help="an existing, built database (default: build one from --corpus)")
    ap.add_argument("--corpus", type=Path, default=ROOT / "examples", help="corpus to build from")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json", type=Path, help="report path (default bench/results/cli-<ts>.json)")
    ap.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep the environment's bytecode setting (PYTHONDONTWRITEBYTECODE=1: compile each start)",
    )
    args = ap.parse_args(argv)
    console = Console()
    report: dict[str, object] = {"machine": machine_info(("click", "sqlalchemy", "rich"))}
    with tempfile.TemporaryDirectory(prefix="gw-cli-bench-") as tmp:
        if not args.no_bytecode_cache:
            ENV.pop("PYTHONDONTWRITEBYTECODE", None)
            ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        report["bytecode_cache"] = "PYTHONPYCACHEPREFIX" in ENV
        db = args.db or f"sqlite:///{Path(tmp) / 'cli.sqlite3'}"
        if not args.db:
            seconds = build(db, args.corpus)
            report["build"] = {"corpus": str(args.corpus), "seconds": round(seconds, 2)}
            console.print(f"built {db} from {args.corpus} in {seconds:.1f} s")
        cmds = commands(db)
        for name, argv in cmds.items():
            for _ in range(args.warmup):
                run_once(argv, EXPECTED_STATUS.get(name, 0))
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in cmds}
        for _ in range(args.runs):
            for name, argv in cmds.items():
                samples[name].append(run_once(argv, EXPECTED_STATUS.get(name, 0)))
    with open("/proc/loadavg") as f:
        report["loadavg_after"] = f.read().split()[:3]
    baseline_wall = statistics.median(w for w, _ in samples["python -c pass"])
    baseline_cpu = statistics.median(c for _, c in samples["python -c pass"])
    rows = {}
    table = Table(title=f"fresh processes, {args.runs} runs each (db: {db.split('?')[0]})")
    for column in ("command", "wall p50", "wall p95", "cpu p50", "p50 − python", "target"):
        table.add_column(column, justify="left" if column == "command" else "right")
    for name, values in samples.items():
        walls = [w for w, _ in values]
        cpus = [c for _, c in values]
        row = {
            "wall_p50_s": round(statistics.median(walls), 4),
            "wall_p95_s": round(percentile(walls, 0.95), 4),
            "wall_max_s": round(max(walls), 4),
            "cpu_p50_s": round(statistics.median(cpus), 4),
            "wall_over_python_s": round(statistics.median(walls) - baseline_wall, 4),
            "cpu_over_python_s": round(statistics.median(cpus) - baseline_cpu, 4),
        }
        targeted = name.startswith("gongwen")
        row["target"] = ("PASS" if row["wall_p50_s"] <= TARGET_S else "FAIL") if targeted else ""
        rows[name] = row
        table.add_row(
            name,
            f"{row['wall_p50_s'] * 1000:.0f} ms",
            f"{row['wall_p95_s'] * 1000:.0f} ms",
            f"{row['cpu_p50_s'] * 1000:.0f} ms",
            f"{row['wall_over_python_s'] * 1000:+.0f} ms",
            f"≤ {TARGET_S * 1000:.0f} ms: {row['target']}" if targeted else "",
        )
    console.print(table)
    report["commands"] = rows
    report["runs"] = args.runs
    console.print(f"report: {write_report(report, args.json, 'cli')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
