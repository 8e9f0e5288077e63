"""Benchmark: throughput and latency of the web platform (`gongwen serve`) under wrk.

Not a test: it prints a table and writes a JSON report, and never fails on a missed target.
It needs wrk (Debian's package: `apt-get install -y wrk`).

    .venv/bin/python bench/web.py                          # fresh DB, 2 workers, wrk -t2 -c32 -d15s
    .venv/bin/python bench/web.py --keep                   # keep var/bench-web/<run>/ (DB included)
    .venv/bin/python bench/web.py --skip-ingest var/bench-web/<run>/web.sqlite3   # reuse a DB

Setup: a fresh SQLite database under var/bench-web/ gets the gov-corpus and examples/ ingested
(`gongwen ingest --no-announce`, which publishes at once) and `gongwen prepare-marks` (unless
--cold-marks: every material's variant sites found and frozen, as docs/deploy.md asks after an
ingest; a member reads their own marked copy), a member with a year subscription
(`gongwen user add`, `gongwen subscription grant`), who logs in through POST /login for a
`gw_session` cookie, and 2 x --readers (500) more members, made in this process through the
platform's functions (create_user, grant, start_session; one argon2 hash for all): every
full-text read is limited per member (60 an hour, 200 a day by default, kept) and recorded in
copy_reads, so reads are spread over many members rather than limits lifted. One pool (with
the logged-in member) serves the checks, the warm-ups and the search and healthz runs; the other
only the timed material run, so its members start with empty budgets (more are added if the
warm-up's rate says one would pass the hourly limit). Then `gongwen serve --workers 2` runs as a
subprocess and each route is loaded by wrk on the same machine (as in
../shared/docs/web-calibration.md): a 3 s warm-up run, then the timed run, with a Lua script
(bench/web_paths.lua) that rotates through a list of paths and, with each request, the next
member's cookie. The script counts every status (response()) and its done() prints wrk's own
numbers as JSON. After the material run, the rows of copy_reads (kind page) of its members are
counted (after 2.5 s: the workers' read logs write a batch once a read has waited a second, and
again after the server stopped) against the pages served: each 200 is one read.

- search: >= 200 distinct queries (common words, plus words and two-word phrases of 2-6 Han
  characters that jieba cuts from paragraphs drawn with a seed), so no result cache could stand in
  for the search.
- material: every published material, as covered members (full text), one member after another.
- healthz: the constant JSON route, the ceiling of the stack on this machine.

Before timing, every search path and a seeded sample of material paths are fetched once, as
members of the first pool: a search page must show grouped hits (class="card hit material-hit")
and a material page the full text (id="fulltext"). Queries without hits are dropped (and listed
in the JSON).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import quote, urlencode

from common import ROOT, human_bytes, machine_info  # noqa: E402  (bench/ is on sys.path when run)
from rich.console import Console
from rich.table import Table

BENCH = ROOT / "bench"
CORPUS = ROOT.parent / "shared" / "data" / "gov-corpus"
EXAMPLES = ROOT / "examples"
RESULTS = BENCH / "results"
WORK = ROOT / "var" / "bench-web"
GONGWEN = ROOT / ".venv" / "bin" / "gongwen"
SEED = 20240601
HOST = "127.0.0.1"
HAN_ONLY = re.compile(r"[\u4e00-\u9fff]{2,6}")

# Common words and phrases of official writing: very frequent ones (capped candidate lists) first.
COMMON = [
    "法",
    "国",
    "工作",
    "人民",
    "国家",
    "发展",
    "建设",
    "改革",
    "政府",
    "经济",
    "社会",
    "企业",
    "管理",
    "安全",
    "服务",
    "创新",
    "监督",
    "责任",
    "依法",
    "教育",
    "就业",
    "医疗",
    "民生",
    "疫情防控",
    "乡村振兴",
    "高质量发展",
    "生态环境",
    "人民法院",
    "营商环境",
    "数字经济",
    "脱贫攻坚",
    "全面深化改革",
    "行政处罚",
    "法律责任",
    "基层治理",
]


@dataclass(frozen=True, slots=True)
class Route:
    name: str
    script: str  # the wrk Lua script, in bench/
    target_rps: float
    target_p99_ms: float
    note: str
    target_max_ms: float | None = None


ROUTES = {
    "healthz": Route(
        "healthz",
        "web_paths.lua",
        8000,
        10,
        "calibration's recommendation; the stack's ceiling, for information",
    ),
    # Issue 7: grouped search (every match ranked) ≥ 300 requests/s, p99 ≤ 300 ms, max ≤ 600 ms.
    "search": Route("search", "web_paths.lua", 300, 300, "issue 7 target (grouped)", 600),
    # Issue 19: every full-text page is a read, limited per member and recorded in copy_reads.
    "material": Route(
        "material", "web_paths.lua", 1500, 60, "issue 19 target (reads limited and recorded)"
    ),
}

console = Console(highlight=False, width=None if sys.stdout.isatty() else 180)


# --- setup: database, member, server -----------------------------------------------------------


def gongwen(
    db_url: str, *args: str, stdin: str | None = None, ok: tuple[int, ...] = (0,)
) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [str(GONGWEN), "--db", db_url, *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode not in ok:
        raise SystemExit(
            f"gongwen {' '.join(args)} exited {proc.returncode}:\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    return proc


def ingest(db_url: str, folder: Path) -> dict[str, object]:
    started = time.perf_counter()
    # The corpus has a manifest CSV without a text column: one failed file (exit 1) is expected.
    proc = gongwen(db_url, "ingest", "--no-announce", "--json", str(folder), ok=(0, 1))
    wall = time.perf_counter() - started
    report = json.loads(proc.stdout)
    failures = [r.get("error") for r in report["results"] if not r.get("ok", True)]
    out = {
        "folder": str(folder),
        "files": report["files"],
        "failed": report["failed"],
        "failures": failures[:10],
        "documents": report["documents"],
        "wall_s": round(wall, 2),
    }
    console.print(
        f"  ingest {folder}: {report['files']} files, {report['documents']}, "
        f"{report['failed']} failed, {wall:.1f} s"
    )
    return out


def prepare_marks(db_url: str) -> dict[str, object]:
    """The deployment step after an ingest (docs/deploy.md): every material's variant sites
    found and frozen, so that no reader's first view pays for it."""
    started = time.perf_counter()
    proc = gongwen(db_url, "prepare-marks", "--json")
    wall = time.perf_counter() - started
    console.print(
        f"  prepare-marks: {json.loads(proc.stdout)['revisions']} revisions, {wall:.1f} s"
    )
    return {"revisions": json.loads(proc.stdout)["revisions"], "wall_s": round(wall, 2)}


def add_member(db_url: str) -> tuple[str, str]:
    email = f"bench-web-{datetime.now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}@bench.example.com"
    password = secrets.token_urlsafe(16)
    gongwen(db_url, "user", "add", email, "--role", "member", stdin=password + "\n")
    gongwen(db_url, "subscription", "grant", email, "--plan", "year")
    return email, password


@dataclass(frozen=True, slots=True)
class Reader:
    user_id: int
    email: str
    cookie: str  # "gw_session=…"


def add_readers(db_url: str, count: int, tag: str) -> list[Reader]:
    """`count` members with a year subscription and a session each, made in this process through
    the platform's own functions (accounts.create_user, subscriptions.grant,
    accounts.start_session: what `gongwen user add`, `gongwen subscription grant` and POST /login
    do), so that reads can be spread over many members.

    One password is hashed once (argon2 at production cost is 0.1-0.3 s here) and that hash is
    stored for every reader: they never log in with it, their sessions are made directly.
    """
    from gongwen.config import Settings
    from gongwen.library import Library
    from gongwen.model.member import OPERATOR, Role
    from gongwen.platform import accounts
    from gongwen.platform.subscriptions import grant

    lib = Library.open(Settings.from_env(db_url))
    password = secrets.token_urlsafe(16)
    hashed = accounts._hash(password)
    real_hash = accounts._hash
    accounts._hash = lambda _password: hashed  # only in this process, only while they are made
    prefix = f"bench-web-{datetime.now():%Y%m%d%H%M%S}-{secrets.token_hex(3)}-{tag}"
    readers = []
    try:
        for k in range(count):
            member = accounts.create_user(
                lib, OPERATOR, f"{prefix}-{k:05d}@bench.example.com", password, Role.MEMBER
            )
            grant(lib, OPERATOR, member.id, "year")
            token, _csrf = accounts.start_session(lib, member)
            readers.append(Reader(member.id, member.email, f"gw_session={token}"))
    finally:
        accounts._hash = real_hash
        lib.close()
    return readers


def reads_limits(db_url: str) -> dict[str, int]:
    """The server's reading limits (it runs with this process's environment); 0 = none (or
    code from before the limits, run through PYTHONPATH for a comparison)."""
    from gongwen.config import Settings

    settings = Settings.from_env(db_url)
    return {
        "per_hour": getattr(settings, "reads_per_hour", 0),
        "per_day": getattr(settings, "reads_per_day", 0),
    }


def page_reads(db_path: Path, readers: list[Reader]) -> dict[str, int]:
    """copy_reads rows of kind "page" of these members: how many, and the most and fewest of
    one member (members without a row count as 0)."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        con.execute("CREATE TEMP TABLE bench_readers (id INTEGER PRIMARY KEY)")
        con.executemany("INSERT INTO bench_readers VALUES (?)", [(r.user_id,) for r in readers])
        per_member = [
            n
            for (n,) in con.execute(
                "SELECT count(c.id) FROM bench_readers b LEFT JOIN copy_reads c"
                " ON c.user_id = b.id AND c.kind = 'page' GROUP BY b.id"
            )
        ]
    finally:
        con.close()
    return {
        "rows": sum(per_member),
        "members": len(per_member),
        "max_per_member": max(per_member, default=0),
        "min_per_member": min(per_member, default=0),
    }


def more_readers(
    db_url: str,
    readers: list[Reader],
    warm_rps: float | None,
    duration: float,
    per_hour: int,
) -> list[Reader]:
    """Readers to add so that the timed material run stays well within every member's hourly
    reading limit: requests are spread evenly over the members, and the warm-up's rate, with half
    again for luck, predicts the timed run's. Limits are never raised: members are added."""
    if not warm_rps or per_hour <= 0:
        return []
    expected = warm_rps * duration * 1.25
    budget = max(1, per_hour - 4)  # reads per member the run may use (even spread, ± 1/thread)
    needed = int(expected // budget) + 1
    if needed <= len(readers):
        return []
    console.print(
        f"  [yellow]{len(readers)} readers would read ~{expected / len(readers):.0f} pages each "
        f"(limit {per_hour} an hour): adding {needed - len(readers)}[/]"
    )
    return add_readers(db_url, needed - len(readers), "x")


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def http_get(
    port: int, path: str, cookie: str = "", timeout: float = 30
) -> tuple[int, dict[str, list[str]], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        resp = conn.getresponse()
        headers: dict[str, list[str]] = {}
        for k, v in resp.getheaders():
            headers.setdefault(k.lower(), []).append(v)
        return resp.status, headers, resp.read()
    finally:
        conn.close()


def cookies_from(headers: dict[str, list[str]]) -> dict[str, str]:
    jar: SimpleCookie = SimpleCookie()
    for line in headers.get("set-cookie", []):
        jar.load(line)
    return {k: m.value for k, m in jar.items()}


def login(port: int, email: str, password: str) -> str:
    """GET / for the visitor's gw_csrf cookie, then POST /login: 303 with gw_session."""
    status, headers, _ = http_get(port, "/")
    csrf = cookies_from(headers).get("gw_csrf")
    if status != 200 or not csrf:
        raise SystemExit(f"GET / gave {status} and no gw_csrf cookie")
    body = urlencode({"email": email, "password": password, "csrf": csrf, "next": "/"})
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(
            "POST",
            "/login",
            body=body,
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"gw_csrf={csrf}",
            },
        )
        resp = conn.getresponse()
        resp.read()
        set_cookies = cookies_from({"set-cookie": resp.headers.get_all("Set-Cookie") or []})
    finally:
        conn.close()
    token = set_cookies.get("gw_session")
    if resp.status != 303 or not token:
        raise SystemExit(f"POST /login gave {resp.status} and no gw_session cookie")
    return token


def descendants(pid: int) -> list[int]:
    """pid and every process below it (the uvicorn supervisor and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (their reaped children not included)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / tick


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    total = sum(values[:8])  # guest time is already inside user
    return total - idle, total


class Server:
    """`gongwen serve` in its own session, stopped by its own pid (SIGTERM, then SIGKILL)."""

    def __init__(self, db_url: str, port: int, workers: int, log: Path, redis: str = "") -> None:
        self.port = port
        self.workers = workers
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [
                str(GONGWEN),
                "--db",
                db_url,
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=ROOT,
            # wrk is one client hammering from one address: the per-session and per-address
            # search limits (a defence against probing) would answer 429s, not measure search.
            env={
                **os.environ,
                "GONGWEN_SEARCH_PER_MINUTE": "0",
                "GONGWEN_SEARCH_PER_MINUTE_PER_ADDRESS": "0",
                # Redis (--redis) counts the non-durable limits, reads among them, off the DB.
                **({"GONGWEN_REDIS": redis} if redis else {}),
            },
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(
                    f"the server exited with {self.proc.returncode}; see {self.log.name}"
                )
            try:
                status, _, _ = http_get(self.port, "/healthz", timeout=2)
            except OSError:
                status = 0
            # Workers are spawned children of the supervisor (plus multiprocessing helpers).
            if status == 200 and len(descendants(self.proc.pid)) >= self.workers + 1:
                time.sleep(1.0)  # let the last worker finish its startup
                return
            time.sleep(0.25)
        raise SystemExit(f"the server did not answer /healthz within {timeout:.0f} s")

    def pids(self) -> list[int]:
        return descendants(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group this script started
                self.proc.wait(10)
        self.log.close()


# --- the paths to rotate through ----------------------------------------------------------------


def sample_queries(db_path: Path, n: int, seed: int) -> list[str]:
    """COMMON plus terms and phrases of random paragraphs: distinct, seeded, 2-6 Han characters.

    A paragraph is cut into words by jieba (a dependency of gongwen); half the picks are one
    word, half two adjacent words (a phrase such as 加强监管), kept when 2-6 Han characters.
    """
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    rng = random.Random(seed)
    chosen = list(dict.fromkeys(COMMON))
    seen = set(chosen)
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        lo, hi = con.execute("SELECT min(id), max(id) FROM paragraphs").fetchone()
        attempts = 0
        while len(chosen) < n and attempts < 50 * n:
            attempts += 1
            row = con.execute(
                "SELECT text FROM paragraphs WHERE id = ?", (rng.randint(lo, hi),)
            ).fetchone()
            if not row:
                continue
            words = jieba.lcut(row[0])
            if len(words) < 2:
                continue
            i = rng.randrange(len(words) - 1)
            q = words[i] if rng.random() < 0.5 else words[i] + words[i + 1]
            if HAN_ONLY.fullmatch(q) and q not in seen:
                seen.add(q)
                chosen.append(q)
    finally:
        con.close()
    rng.shuffle(chosen)
    return chosen


def material_ids(db_path: Path) -> list[int]:
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT id FROM materials WHERE published_at IS NOT NULL AND retired_at IS NULL"
            " ORDER BY id"
        ).fetchall()
    finally:
        con.close()
    return [r[0] for r in rows]


def search_path(q: str) -> str:
    return "/search?q=" + quote(q, safe="")


def check_paths(
    port: int, cookies: list[str], paths: list[str], marker: bytes
) -> dict[str, object]:
    """GET each path once (4 at a time), path k as member k (mod the list): status 200 and the
    marker in the HTML."""

    def one(k: int) -> tuple[str, int, bool, int]:
        status, _, body = http_get(port, paths[k], cookies[k % len(cookies)])
        return paths[k], status, marker in body, len(body)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(one, range(len(paths))))
    bad_status = [(p, s) for p, s, _, _ in results if s != 200]
    missing = [p for p, s, has, _ in results if s == 200 and not has]
    sizes = [n for _, s, _, n in results if s == 200]
    return {
        "checked": len(paths),
        "bad_status": bad_status,
        "missing_marker": missing,
        "mean_body_bytes": round(sum(sizes) / len(sizes)) if sizes else 0,
    }


# --- wrk -----------------------------------------------------------------------------------------


def run_wrk(
    args: argparse.Namespace,
    port: int,
    route: Route,
    paths_file: Path,
    cookies_file: Path,
    duration: float,
    server: Server,
) -> dict[str, object]:
    cmd = [
        "wrk",
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{duration:g}s",
        "--timeout",
        f"{args.timeout:g}s",
        "-s",
        str(BENCH / route.script),
        f"http://{HOST}:{port}",
        str(paths_file),
        str(cookies_file),
        str(args.threads),
    ]
    pids = server.pids()
    server_cpu0, (busy0, total0) = cpu_seconds(pids), machine_ticks()
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        server_cpu1, (busy1, total1) = cpu_seconds(pids), machine_ticks()
        out.seek(0)
        text = out.read()
    line = next((ln for ln in text.splitlines() if ln.startswith("WRK_JSON ")), None)
    if proc.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({proc.returncode}):\n{text}")
    raw = json.loads(line.split(" ", 1)[1])
    seconds = raw["duration_us"] / 1e6
    lat = {k: round(v / 1000, 3) for k, v in raw["latency_us"].items()}  # ms
    e = raw["errors"]
    socket_errors = e["connect"] + e["read"] + e["write"] + e["timeout"]
    requests = raw["requests"]
    statuses = {int(k): v for k, v in sorted(raw["statuses"].items(), key=lambda kv: int(kv[0]))}
    return {
        "wrk_cmd": " ".join(cmd),
        "duration_s": round(seconds, 3),
        "requests": requests,
        "rps": round(requests / seconds, 1) if seconds else 0.0,
        "latency_ms": lat,
        "errors": e,
        "socket_errors": socket_errors,
        "statuses": statuses,  # counted by the script's response()
        "ok_2xx": sum(v for k, v in statuses.items() if 200 <= k < 300),
        "non_2xx": sum(v for k, v in statuses.items() if not 200 <= k < 300),
        "status_429": statuses.get(429, 0),
        "bytes": raw["bytes"],
        "avg_response_bytes": round(raw["bytes"] / requests) if requests else 0,
        "cpu": {
            "wall_s": round(wall, 3),
            "server_cores": round((server_cpu1 - server_cpu0) / wall, 3),
            "server_cpu_ms_per_request": round((server_cpu1 - server_cpu0) * 1000 / requests, 3)
            if requests
            else None,
            "wrk_cores": round((usage.ru_utime + usage.ru_stime) / wall, 3),
            "machine_busy_pct": round(100 * (busy1 - busy0) / max(1, total1 - total0), 1),
            "server_pids": len(pids),
        },
        "wrk_output": text.strip().splitlines()[:12],
    }


def judge(route: Route, m: dict[str, object]) -> dict[str, object]:
    errors = int(m["socket_errors"]) + int(m["non_2xx"])  # type: ignore[call-overload]
    p99 = m["latency_ms"]["p99"]  # type: ignore[index]
    ok_rps = m["rps"] >= route.target_rps  # type: ignore[operator]
    ok_p99 = p99 <= route.target_p99_ms
    worst = m["latency_ms"]["max"]  # type: ignore[index]
    ok_max = route.target_max_ms is None or worst <= route.target_max_ms
    reads = m.get("reads")
    extra: dict[str, object] = {}
    if reads:  # every page served is one read (a few more: responses wrk did not wait for)
        extra["reads_pass"] = reads["recorded"]["rows"] >= reads["pages_served"]  # type: ignore[index]
    return {
        "rps": route.target_rps,
        "p99_ms": route.target_p99_ms,
        "max_ms": route.target_max_ms,
        "errors": 0,
        "rps_pass": ok_rps,
        "p99_pass": ok_p99,
        "max_pass": ok_max,
        "errors_pass": errors == 0,
        **extra,
        "pass": ok_rps and ok_p99 and ok_max and errors == 0 and extra.get("reads_pass", True),
        "note": route.note,
    }


# --- report --------------------------------------------------------------------------------------


WEB_PACKAGES = ("fastapi", "starlette", "uvicorn", "jinja2", "sqlalchemy", "uvloop", "httptools")


def wrk_version() -> str:
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True, check=False)
    out = wrk.stdout + wrk.stderr
    return out.splitlines()[0] if out else ""


def print_table(report: dict[str, object]) -> None:
    a = report["args"]
    t = Table(
        title=f"gongwen serve --workers {a['workers']}: wrk -t{a['threads']} "  # type: ignore[index]
        f"-c{a['connections']} -d{a['duration']:g}s, after a {a['warmup']:g} s warm-up"
    )  # type: ignore[index]
    for col in (
        "route",
        "paths",
        "members",
        "req/s",
        "÷hz",
        "p50 ms",
        "p99 ms",
        "max ms",
        "errors",
        "non-2xx",
        "429",
        "avg size",
        "srv CPU",
        "wrk CPU",
        "busy",
        "target",
        "result",
    ):
        t.add_column(col, justify="left" if col in ("route", "target", "result") else "right")
    routes = report["routes"]
    healthz = next((r["rps"] for r in routes if r["route"] == "healthz"), None)  # type: ignore[attr-defined]
    for r in routes:  # type: ignore[attr-defined]
        lat, tg, cpu = r["latency_ms"], r["target"], r["cpu"]
        verdict = "[green]PASS[/]" if tg["pass"] else "[red]FAIL[/]"
        t.add_row(
            r["route"],
            f"{r['paths']:,}",
            f"{r['members']:,}",
            f"{r['rps']:,.0f}",
            f"{r['rps'] / healthz:.3f}" if healthz else "",
            f"{lat['p50']:.1f}",
            f"{lat['p99']:.1f}",
            f"{lat['max']:.1f}",
            str(r["socket_errors"]),
            str(r["non_2xx"]),
            str(r["status_429"]),
            human_bytes(r["avg_response_bytes"]),
            f"{cpu['server_cores']:.2f}",
            f"{cpu['wrk_cores']:.2f}",
            f"{cpu['machine_busy_pct']:.0f}%",
            f"≥{tg['rps']:,.0f}/s p99≤{tg['p99_ms']:g}"
            + (f" max≤{tg['max_ms']:g}" if tg.get("max_ms") else "")
            + (" +reads" if "reads_pass" in tg else ""),
            verdict,
        )
    console.print(t)
    for r in routes:  # type: ignore[attr-defined]
        reads = r.get("reads")
        if reads:
            rec, lim = reads["recorded"], reads["limits"]
            console.print(
                f"  {r['route']}: reads recorded (copy_reads, kind page, the run's members) "
                f"{rec['rows']:,} for {reads['pages_served']:,} pages served (200); "
                f"{reads.get('recorded_after_stop', rec['rows']):,} after the server stopped; "
                f"{rec['min_per_member']}-{rec['max_per_member']} per member over "
                f"{rec['members']:,} members (limits {lim['per_hour']}/hour, "
                f"{lim['per_day']}/day)"
            )
    console.print(
        "  [dim]members: the sessions the timed run rotates through (the material run has its "
        "own). ÷hz: req/s over healthz's in the same run (the machine is shared: compare "
        "runs by this). errors: wrk socket errors (connect/read/write/timeout). non-2xx: "
        "responses with a status outside 200-299, redirects included; 429: refused by a limit "
        "(both counted by the script's response()). avg size: bytes read per response, headers "
        "included. CPU: cores used during the timed run (server: supervisor + workers); busy: "
        "the whole machine, all processes. target: req/s, p99 and max in ms; +reads: every "
        "page served recorded as a read. PASS needs all of the target, zero errors and "
        "non-2xx. The healthz target is the calibration's, for information.[/]"
    )


# --- main ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--duration", type=float, default=15, help="seconds per timed run (15)")
    ap.add_argument("--warmup", type=float, default=3, help="seconds of untimed wrk first (3)")
    ap.add_argument("--connections", type=int, default=32, help="wrk -c (32)")
    ap.add_argument("--threads", type=int, default=2, help="wrk -t (2)")
    ap.add_argument("--workers", type=int, default=2, help="gongwen serve --workers (2)")
    ap.add_argument("--timeout", type=float, default=2, help="wrk --timeout in seconds (2)")
    ap.add_argument(
        "--routes",
        default="healthz,search,material",
        help="comma-separated, from healthz, search, material",
    )
    ap.add_argument(
        "--readers",
        type=int,
        default=500,
        help="members the timed material run is spread over (500; as many again for the "
        "checks and warm-ups); more are added if the warm-up's rate says one would pass the "
        "hourly reading limit",
    )
    ap.add_argument(
        "--redis",
        default="",
        metavar="URL",
        help="GONGWEN_REDIS for the server (default: none, every limit counted in the database; "
        "with it, the per-member reading limit is counted in Redis, as docs/deploy.md deploys)",
    )
    ap.add_argument("--queries", type=int, default=300, help="distinct search queries (300)")
    ap.add_argument(
        "--check-materials",
        type=int,
        default=100,
        help="material pages fetched and checked before timing (100; 0 = all)",
    )
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--keep", action="store_true", help="keep the work folder and its database")
    ap.add_argument(
        "--cold-marks",
        action="store_true",
        help="skip `gongwen prepare-marks`: every reader's first view of a material finds its "
        "variant sites (what a library that skipped the step pays)",
    )
    ap.add_argument(
        "--skip-ingest",
        metavar="DB_PATH",
        type=Path,
        help="reuse this SQLite database (a new member is added to it)",
    )
    ap.add_argument("--json", type=Path, help="report path (default bench/results/web-<ts>.json)")
    args = ap.parse_args(argv)
    routes = [ROUTES[name.strip()] for name in args.routes.split(",") if name.strip()]
    if args.readers < 1:
        ap.error("--readers must be at least 1")
    if args.queries < 200:
        ap.error("--queries must be at least 200 (no cache may stand in for the search)")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")

    started_at = datetime.now().astimezone()
    stamp = started_at.strftime("%Y%m%d-%H%M%S")
    json_path = args.json or RESULTS / f"web-{stamp}.json"
    WORK.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=WORK))
    report: dict[str, object] = {
        "version": 1,
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": {**machine_info(WEB_PACKAGES), "wrk": wrk_version()},
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "work_dir": str(work),
        # Set when the server runs another tree's code (an older commit, for a before/after).
        "pythonpath": os.environ.get("PYTHONPATH"),
    }
    console.print(f"[bold]bench/web.py[/]: work folder {work}")

    setup: dict[str, object] = {}
    if args.skip_ingest:
        db_path = args.skip_ingest.resolve()
        if not db_path.exists():
            raise SystemExit(f"{db_path} does not exist")
        setup["ingest"] = None
    else:
        db_path = work / "web.sqlite3"
        setup["ingest"] = [
            ingest(f"sqlite:///{db_path}", args.corpus),
            ingest(f"sqlite:///{db_path}", EXAMPLES),
        ]
    db_url = f"sqlite:///{db_path}"
    setup["db_url"] = db_url
    setup["redis"] = args.redis or os.environ.get("GONGWEN_REDIS", "")
    setup["prepare_marks"] = None if args.cold_marks else prepare_marks(db_url)
    setup["db_bytes"] = db_path.stat().st_size
    email, password = add_member(db_url)
    setup["member"] = email
    limits = reads_limits(db_url)
    started = time.perf_counter()
    # Two pools of readers: one for the checks, the warm-up runs and the search and healthz
    # runs, one only for the timed material run, which therefore starts on empty reading budgets.
    warm_readers = add_readers(db_url, args.readers, "w")
    timed_readers = add_readers(db_url, args.readers, "t")
    wall = time.perf_counter() - started
    setup["readers"] = {
        "warm": len(warm_readers),
        "timed": len(timed_readers),
        "wall_s": round(wall, 2),
        "reads_limits": limits,
    }
    console.print(
        f"  {len(warm_readers) + len(timed_readers)} readers (year subscription, session): "
        f"{wall:.1f} s; reading limits {limits['per_hour']}/hour, {limits['per_day']}/day"
    )

    queries = sample_queries(db_path, args.queries, args.seed)
    ids = material_ids(db_path)
    if not ids:
        raise SystemExit("no published material in the database")
    paths = {
        "healthz": ["/healthz"],
        "search": [search_path(q) for q in queries],
        "material": [f"/materials/{i}" for i in ids],
    }

    port = free_port()
    server = Server(db_url, port, args.workers, work / "server.log", args.redis)
    results = []
    try:
        server.wait_ready()
        token = login(port, email, password)
        warm_cookies = [f"gw_session={token}"] + [r.cookie for r in warm_readers]
        setup["server"] = {"port": port, "workers": args.workers, "pids": len(server.pids())}

        # Check before timing: real result pages and the member's full text.
        checks = {}
        if "search" in {r.name for r in routes}:
            c = check_paths(port, warm_cookies, paths["search"], b'class="card hit material-hit"')
            if c["bad_status"]:
                raise SystemExit(f"search pages not 200: {c['bad_status'][:5]}")
            empty = set(c["missing_marker"])  # type: ignore[arg-type]
            paths["search"] = [p for p in paths["search"] if p not in empty]
            c["dropped_queries"] = [q for q in queries if search_path(q) in empty]
            queries = [q for q in queries if search_path(q) not in empty]
            if len(queries) < 200:
                raise SystemExit(f"only {len(queries)} queries have hits; need 200")
            checks["search"] = c
            console.print(
                f"  checked {c['checked']} search pages: {len(queries)} with hits, "
                f"{len(empty)} without (dropped); mean page {c['mean_body_bytes']:,} B"
            )
        if "material" in {r.name for r in routes}:
            sample = paths["material"]
            if 0 < args.check_materials < len(sample):
                sample = sorted(
                    random.Random(args.seed).sample(sample, args.check_materials),
                    key=lambda p: int(p.rsplit("/", 1)[1]),
                )
            c = check_paths(port, warm_cookies, sample, b'id="fulltext"')
            if c["bad_status"] or c["missing_marker"]:
                raise SystemExit(
                    f"material pages without the full text: {c['bad_status'][:5]} "
                    f"{c['missing_marker'][:5]}"
                )  # type: ignore[index]
            checks["material"] = c
            console.print(
                f"  checked {c['checked']} of {len(ids)} material pages: full text; "
                f"mean page {c['mean_body_bytes']:,} B"
            )
        setup["checks"] = checks
        setup["queries"] = queries
        setup["materials"] = {"count": len(ids), "min_id": ids[0], "max_id": ids[-1]}

        busy0, total0 = machine_ticks()
        time.sleep(1.0)
        busy1, total1 = machine_ticks()
        idle_busy = round(100 * (busy1 - busy0) / max(1, total1 - total0), 1)
        setup["machine_busy_before_pct"] = idle_busy  # the server idle: other load on the machine
        if idle_busy > 10:
            console.print(
                f"  [yellow]the machine is {idle_busy:.0f}% busy before the runs: "
                f"something else is running[/]"
            )
        warm_file = work / "warm.cookies"
        warm_file.write_text("\n".join(warm_cookies) + "\n", encoding="ascii")
        for route in routes:
            paths_file = work / f"{route.name}.paths"
            paths_file.write_text("\n".join(paths[route.name]) + "\n", encoding="ascii")
            warm_rps, warmup = None, None
            if args.warmup > 0:
                w = run_wrk(args, port, route, paths_file, warm_file, args.warmup, server)
                warm_rps = w["rps"]
                warmup = {k: w[k] for k in ("requests", "rps", "statuses", "socket_errors")}
                if w["non_2xx"] or w["socket_errors"]:
                    console.print(
                        f"  [yellow]{route.name} warm-up: statuses {w['statuses']}, "
                        f"{w['socket_errors']} socket errors[/]"
                    )
            cookies = warm_cookies
            if route.name == "material":
                timed_readers += more_readers(
                    db_url, timed_readers, warm_rps, args.duration, limits["per_hour"]
                )
                cookies = [r.cookie for r in timed_readers]
            cookies_file = work / f"{route.name}.cookies"
            cookies_file.write_text("\n".join(cookies) + "\n", encoding="ascii")
            console.print(
                f"  wrk {route.name}: {len(paths[route.name])} paths, {len(cookies)} members, "
                f"{args.duration:g} s …"
            )
            m = run_wrk(args, port, route, paths_file, cookies_file, args.duration, server)
            m = {
                "route": route.name,
                "paths": len(paths[route.name]),
                "members": len(cookies),
                **m,
                "warmup": warmup,
            }
            if route.name == "material":
                # The workers' read logs write what has waited a second: give them 2.5 s.
                time.sleep(2.5)
                reads = {
                    "pages_served": m["ok_2xx"],
                    "recorded": page_reads(db_path, timed_readers),
                    "limits": limits,
                }
                m["reads"] = reads
                console.print(
                    f"  reads recorded: {reads['recorded']['rows']:,} for "
                    f"{m['ok_2xx']:,} pages served"
                )
            m["target"] = judge(route, m)
            results.append(m)
    finally:
        server.stop()
        for m in results:
            if "reads" in m:  # the server stopped: anything still waiting in a read log is lost
                m["reads"]["recorded_after_stop"] = page_reads(db_path, timed_readers)["rows"]
                m["target"] = judge(ROUTES[m["route"]], m)
        report["setup"] = setup
        report["routes"] = results
        report["finished_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
        report["kept"] = args.keep
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(
            json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    print_table(report)
    console.print(f"JSON: {json_path}" + (f"  (kept {work})" if args.keep else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
