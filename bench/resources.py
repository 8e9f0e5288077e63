"""Benchmark: what hostile and maximal inputs cost the proofreader, the leak report and the tracer.

Not a test: it prints a table and writes a JSON report, and never fails on a missed target.

    .venv/bin/python bench/resources.py            # make bench-resources (~3 min)
    .venv/bin/python bench/resources.py --keep     # keep var/bench-resources/<run>/

Setup: a fresh SQLite database under var/bench-resources/ gets examples/ ingested (`gongwen
ingest --no-announce`), members with a year subscription (`gongwen user add`, `gongwen
subscription grant`; one per group of requests, so the per-member limits answer no 429), and
`gongwen serve --workers 2` runs as a subprocess (GONGWEN_TRUSTED_PROXIES=127.0.0.1, so each
anonymous /report case can come from its own X-Forwarded-For address under the 5-an-hour limit).
Members log in like a browser: GET / for the `gw_csrf` cookie, POST /login with the form field
`csrf`; the page's token goes in the form field `csrf`, and in the header X-CSRF-Token for the API.

The proofreader is warmed first (checks of 3,000 characters until every worker has loaded the
character model, jieba and the rules' lists) and that cost reported apart; then each case is one
request (or one `gongwen check`/`gongwen trace` process), measured: status or exit code, the
message, wall time, and the peak RSS growth of the whole server process tree (supervisor +
workers, /proc sampled every 20 ms) above what it held just before the case, sampled on for a
second after the answer (five for /report, which may trace after answering). For a command, its
own peak RSS (the kernel's high-water mark) above that of the same command on the text that
warms the server. After each case GET /healthz must answer 200.

The hostile files (made fresh each run, sizes in the report):
- expand-10mb.docx: a small .docx whose text expands to ~10 MB;
- expand-150mb.docx: ~2 MB expanding to ~150 MB, a compression ratio under the 200:1 check;
- text-heavy.docx: 1,000,000 characters at ~3:1 (passes every zip check: the count stops it);
- zip-bomb.docx: 1 GiB of zeros in one entry, declared honestly;
- zip-lying.docx: word/document.xml declared 16 KB, inflating to 1 GiB;
- billion-laughs.docx: document.xml with a DOCTYPE of nested entities (10^10 expansions);
- text-10mb.txt: 10 MB of Chinese text.
They go to POST /api/v1/proofread/docx (the .docx ones), POST /api/v1/proofread (the text as
JSON), the /proofread page (as a file; the text also in the text field), POST /report (as a
file), `gongwen check` and `gongwen trace`. Targets: a clear 4xx or exit 2, peak growth
<= 300 MB, the server still answering. The largest accepted inputs (the proofreader's
60,000 characters as text and as .docx; the tracer's 200,000 characters) are measured too.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from common import ROOT, human_bytes, machine_info, write_report
from rich.console import Console
from rich.table import Table

WORK = ROOT / "var" / "bench-resources"
GONGWEN = ROOT / ".venv" / "bin" / "gongwen"
SEED_TEXT = ROOT / "examples" / "000_e1677e278ead848c.txt"
HOST = "127.0.0.1"
MB = 2**20
TARGET_GROWTH = 300 * MB
_API, _DOCX, _PAGE = "/api/v1/proofread", "/api/v1/proofread/docx", "/proofread"
WARM = "要建立长效机智，按时完成了了任务，加强监督监督检查；一是加强领导；三是强化考核。\n"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PACKAGES = ("fastapi", "starlette", "uvicorn", "lxml", "numpy", "docx")

console = Console(highlight=False, width=None if sys.stdout.isatty() else 160)


# --- the files -----------------------------------------------------------------------------------


def _base_docx() -> dict[str, bytes]:
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    with zipfile.ZipFile(buffer) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _docx(path: Path, document: Callable[[], Iterator[bytes]], extra: str = "") -> Path:
    """A .docx with python-docx's parts and this word/document.xml, streamed in (and, with
    `extra`, one more entry of zeros: see zip_bomb)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _base_docx().items():
            if name != "word/document.xml":
                zf.writestr(name, data)
        with zf.open("word/document.xml", "w", force_zip64=True) as fh:
            for chunk in document():
                fh.write(chunk)
    return path


def _xml(paragraphs: Iterator[str], prolog: str = "") -> Iterator[bytes]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<w:document xmlns:w="{W}"><w:body>'.encode()
    batch: list[str] = []
    for text in paragraphs:
        batch.append(f"<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
        if len(batch) >= 256:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</w:body></w:document>").encode()


def _lines(text: str, total: int, width: int = 200) -> Iterator[str]:
    """`total` characters of `text` (repeated as needed) in lines of `width`."""
    done = 0
    while done < total:
        for start in range(0, len(text), width):
            piece = text[start : start + width][: total - done]
            if not piece:
                return
            done += len(piece)
            yield piece


def _limit_docx(path: Path, text: str, characters: int) -> Path:
    """A .docx whose text (lines joined by line breaks) is exactly `characters` long."""
    width = 199
    lines = list(_lines(text, characters - characters // (width + 1), width))
    while len("\n".join(lines)) > characters:
        lines[-1] = lines[-1][:-1]
    lines[-1] += text[: characters - len("\n".join(lines))]
    return _docx(path, lambda: _xml(iter(lines)))


def zip_bomb(path: Path, gib: int = 1) -> Path:
    """A valid little .docx plus one entry of `gib` GiB of zeros, its size declared honestly."""
    _docx(path, lambda: _xml(iter(["通知"])))
    archive = zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED)
    with archive as zf, zf.open("word/media/image1.png", "w", force_zip64=True) as fh:
        zeros = bytes(16 * MB)
        for _ in range(gib * 64):
            fh.write(zeros)
    return path


def declare(path: Path, entry: str, size: int) -> Path:
    """Rewrite `entry`'s uncompressed size as `size` in its local and central headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        struct.pack_into("<I", data, zf.getinfo(entry).header_offset + 22, size)
    at = data.index(b"PK\x01\x02")
    while data[at : at + 4] == b"PK\x01\x02":
        n, m, k = struct.unpack_from("<HHH", data, at + 28)
        if data[at + 46 : at + 46 + n] == entry.encode():
            struct.pack_into("<I", data, at + 24, size)
        at += 46 + n + m + k
    path.write_bytes(bytes(data))
    return path


def make_files(folder: Path, text: str, rng: random.Random) -> dict[str, Path]:
    han = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    short = text[:1500]  # repeats within deflate's 32 KB window: tiny files
    laughs = '<!ENTITY a "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY {b} "{("&" + a + ";") * 10}">'
        for a, b in zip("abcdefghi", "bcdefghij", strict=True)
    )

    def big_filler() -> Iterator[str]:  # ~150 MB at ~75:1: random characters among repeats
        for _ in range(150 * MB // 9_000):
            yield "".join(rng.choices(han, k=30)) + "的" * 2_970

    def lying() -> Iterator[str]:
        for _ in range(2**30 // 30_000):
            yield "字" * 10_000

    files = {
        "expand-10mb.docx": _docx(
            folder / "expand-10mb.docx", lambda: _xml(_lines(short, 3_500_000, 1500))
        ),
        "expand-150mb.docx": _docx(folder / "expand-150mb.docx", lambda: _xml(big_filler())),
        "text-heavy.docx": _docx(folder / "text-heavy.docx", lambda: _xml(_lines(text, 10**6))),
        "zip-bomb.docx": zip_bomb(folder / "zip-bomb.docx"),
        "zip-lying.docx": declare(
            _docx(folder / "zip-lying.docx", lambda: _xml(lying())), "word/document.xml", 16_384
        ),
        "billion-laughs.docx": _docx(
            folder / "billion-laughs.docx",
            lambda: _xml(iter(["&j;"]), f"<!DOCTYPE w:document [{laughs}]>"),
        ),
    }
    ten = folder / "text-10mb.txt"
    ten.write_text("\n".join(_lines(text, 10 * MB // 3)), encoding="utf-8")
    files["text-10mb.txt"] = ten
    return files


def accepted_files(folder: Path, text: str) -> dict[str, Path]:
    files = {}
    for name, characters in (("limit-60k.txt", 60_000), ("limit-200k.txt", 200_000)):
        content = "\n".join(_lines(text, characters - characters // 200))
        files[name] = folder / name
        files[name].write_text(content + text[: characters - len(content)], encoding="utf-8")
    files["limit-60k.docx"] = _limit_docx(folder / "limit-60k.docx", text, 60_000)
    files["warm.txt"] = folder / "warm.txt"  # what warms the server's workers, as a baseline
    files["warm.txt"].write_text(WARM + text[:3000], encoding="utf-8")
    return files


# --- processes and memory ------------------------------------------------------------------------


def descendants(pid: int) -> list[int]:
    """pid and every process below it (the uvicorn supervisor and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


class Sampler(threading.Thread):
    """The RSS of a process tree every 20 ms: the current value and the peak since reset();
    a tree above `cap` is killed (this bench started it) so that a bomb cannot take the
    machine the other engineers share."""

    def __init__(self, root: int, cap: int) -> None:
        super().__init__(daemon=True)
        self.root, self.cap = root, cap
        self.pids = descendants(root)
        self.current = self.peak = sum(map(rss, self.pids))
        self.capped = False
        self._stop = threading.Event()

    def run(self) -> None:
        tick = 0
        while not self._stop.is_set():
            if tick % 25 == 0:
                self.pids = descendants(self.root)
            self.current = sum(map(rss, self.pids))
            self.peak = max(self.peak, self.current)
            if self.current > self.cap and not self.capped:
                self.capped = True
                os.killpg(self.root, signal.SIGKILL)
            tick += 1
            time.sleep(0.02)

    def reset(self) -> int:
        self.peak = self.current
        return self.current

    def stop(self) -> None:
        self._stop.set()


def per_worker(root: int) -> list[int]:
    return [rss(p) for p in descendants(root)[1:]]


# --- the server and its clients ------------------------------------------------------------------


def gongwen(db_url: str, *args: str, stdin: str | None = None) -> str:
    proc = subprocess.run(
        [str(GONGWEN), "--db", db_url, *args], cwd=ROOT, input=stdin, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise SystemExit(f"gongwen {' '.join(args)} exited {proc.returncode}: {proc.stderr[-500:]}")
    return proc.stdout


def add_member(db_url: str, tag: str) -> tuple[str, str]:
    email = f"bench-res-{tag}-{secrets.token_hex(4)}@bench.example.com"
    password = secrets.token_urlsafe(16)
    gongwen(db_url, "user", "add", email, "--role", "member", stdin=password + "\n")
    gongwen(db_url, "subscription", "grant", email, "--plan", "year")
    return email, password


class Server:
    """`gongwen serve` in its own session, stopped by its own process group."""

    def __init__(self, db_url: str, port: int, log: Path, workers: int = 2) -> None:
        self.port, self.workers = port, workers
        self.log = log.open("a")
        env = {**os.environ, "GONGWEN_TRUSTED_PROXIES": HOST}
        self.proc = subprocess.Popen(
            [str(GONGWEN), "--db", db_url, "serve", "--host", HOST, "--port", str(port),
             "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}")
            if healthy(self.port) and len(descendants(self.proc.pid)) >= self.workers + 1:
                time.sleep(1.0)
                return
            time.sleep(0.25)
        raise SystemExit("the server did not answer /healthz in time")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def post(port: int, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    status, _, answer = request(port, "POST", path, body, headers)
    return status, answer


def healthy(port: int) -> bool:
    try:
        return request(port, "GET", "/healthz", timeout=5)[0] == 200
    except OSError:
        return False


def request(
    port: int,
    method: str,
    path: str,
    body: bytes | Iterator[bytes] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 300,
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})  # type: ignore[arg-type]
        resp = conn.getresponse()
        cookies = {
            c.split("=", 1)[0]: c.split("=", 1)[1].split(";", 1)[0]
            for c in resp.headers.get_all("Set-Cookie") or []
        }
        return resp.status, cookies, resp.read()
    finally:
        conn.close()


@dataclass
class Session:
    """A browser's cookies and the page's CSRF token."""

    port: int
    cookies: dict[str, str]
    csrf: str = ""

    def headers(self, **more: str) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **more}

    def get(self, path: str) -> bytes:
        status, cookies, body = request(self.port, "GET", path, headers=self.headers())
        self.cookies.update(cookies)
        return body

    @classmethod
    def open(cls, port: int, email: str = "", password: str = "", page: str = "/") -> Session:
        session = cls(port, {})
        session.get("/")
        if email:
            form = {"email": email, "password": password, "csrf": session.cookies["gw_csrf"]}
            status, cookies, _ = request(
                port, "POST", "/login", urlencode(form).encode(),
                session.headers(**{"Content-Type": "application/x-www-form-urlencoded"}),
            )  # fmt: skip
            if status != 303 or "gw_session" not in cookies:
                raise SystemExit(f"POST /login gave {status}")
            session.cookies.update(cookies)
        match = re.search(rb'name="csrf" value="([^"]+)"', session.get(page))
        session.csrf = match.group(1).decode() if match else session.cookies["gw_csrf"]
        return session


def multipart(fields: dict[str, str], file: tuple[str, Path] | None) -> tuple[bytes, str]:
    boundary = "----gongwen-bench-" + secrets.token_hex(8)
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(value.encode() + b"\r\n")
    if file is not None:
        field, path = file
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{path.name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        )
        out.write(path.read_bytes() + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def message_of(status: int, body: bytes) -> str:
    try:
        return str(json.loads(body)["message"])
    except (ValueError, KeyError, TypeError):
        pass
    match = re.search(rb'id="error">(.*?)</div>', body, re.S)
    text = (match.group(1) if match else body[:200]).decode("utf-8", "replace")
    return "" if status in (200, 303) else " ".join(re.sub(r"<[^>]+>", "", text).split())


# --- the cases -----------------------------------------------------------------------------------


@dataclass
class Bench:
    db_url: str
    work: Path
    cap: int
    server: Server | None = None
    sampler: Sampler | None = None

    @property
    def port(self) -> int:
        assert self.server is not None
        return self.server.port

    def start(self) -> None:
        self.server = Server(self.db_url, free_port(), self.work / "server.log")
        self.server.wait_ready()
        self.sampler = Sampler(self.server.proc.pid, self.cap)
        self.sampler.start()

    def stop(self) -> None:
        if self.sampler is not None:
            self.sampler.stop()
        if self.server is not None:
            self.server.stop()


def warm(bench: Bench, session: Session) -> dict[str, object]:
    """3,000-character checks, two at a time, until every worker has loaded the proofreader."""
    assert bench.server is not None and bench.sampler is not None
    root = bench.server.proc.pid
    before, workers_before = bench.sampler.current, per_worker(root)
    # Every lazily loaded part: the character model (GW110), jieba (GW201/GW202), the lists.
    body = json.dumps({"text": WARM + SEED_TEXT.read_text(encoding="utf-8")[:3000]}).encode()
    headers = session.headers(**{"X-CSRF-Token": session.csrf, "Content-Type": "application/json"})
    started, first, sent = time.perf_counter(), 0.0, 0
    while sent < 24:
        threads = [
            threading.Thread(target=request, args=(bench.port, "POST", "/api/v1/proofread", body, headers))
            for _ in range(2)
        ]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        sent += 2
        first = first or time.perf_counter() - started
        grown = [a - b for a, b in zip(per_worker(root), workers_before, strict=False)]
        if len(grown) >= bench.server.workers and sorted(grown)[-bench.server.workers] > 150 * MB:
            break  # the workers (not the supervisor's helper) hold the model
    time.sleep(1.0)
    return {
        "requests": sent,
        "first_request_s": round(first, 2),
        "tree_rss_before": before,
        "tree_rss_after": bench.sampler.current,
        "model_bytes": bench.sampler.current - before,
        "per_worker_growth": [
            a - b for a, b in zip(per_worker(root), workers_before, strict=False)
        ],
    }


def run_http(
    bench: Bench, case: str, target: str, send: Callable[[], tuple[int, bytes]], settle: float = 1.0
) -> dict[str, object]:
    assert bench.sampler is not None
    before = bench.sampler.reset()
    started = time.perf_counter()
    try:
        status, body = send()
    except OSError as err:  # the connection dropped: a worker died
        status, body = 0, str(err).encode()
    wall = time.perf_counter() - started
    time.sleep(settle)
    capped = bench.sampler.capped
    result = {
        "case": case,
        "target": target,
        "status": status,
        "message": message_of(status, body),
        "wall_s": round(wall, 3),
        "peak_growth": bench.sampler.peak - before,
        "healthy": not capped and healthy(bench.port),
        "killed_at_cap": capped,
    }
    if not result["healthy"]:
        console.print(f"  [red]{case} → {target}: the server is down; restarting it[/]")
        bench.stop()
        bench.start()
    return result


def run_cli(
    bench: Bench, case: str, args: list[str], stdin: Path | None = None, baseline: int = 0
) -> dict[str, object]:
    """One `gongwen` process: exit status, the last line of stderr, wall time, and its peak RSS
    (ru_maxrss of the reaped process) above `baseline`."""
    out, err = bench.work / "cli.out", bench.work / "cli.err"
    with out.open("wb") as o, err.open("wb") as e, (stdin or Path(os.devnull)).open("rb") as i:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(GONGWEN), "--db", bench.db_url, *args], cwd=ROOT, stdin=i, stdout=o, stderr=e
        )
        timer = threading.Timer(300, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
    lines = err.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    peak = usage.ru_maxrss * 1024
    return {
        "case": case,
        "target": f"gongwen {args[0]}" + (" -" if stdin else ""),
        "status": proc.returncode,
        "message": lines[-1].replace(f"{bench.work}/", "") if lines else "",
        "wall_s": round(wall, 3),
        "peak_rss": peak,
        "peak_growth": peak - baseline,
        "healthy": True,
    }


def judge(result: dict[str, object], accepted: bool) -> str:
    status, target = int(result["status"]), str(result["target"])  # type: ignore[call-overload]
    cli = target.startswith("gongwen")
    if accepted:
        ok = status in ((0, 1) if cli else (200,))
    elif target == "/report":
        ok = True  # what /report answers is recorded, not judged (it may trace later)
    else:
        ok = status == 2 if cli else 400 <= status < 500
    memory = int(result["peak_growth"]) <= TARGET_GROWTH  # type: ignore[call-overload]
    return "PASS" if ok and memory and result["healthy"] else "FAIL"


def server_cases(
    bench: Bench, files: dict[str, Path], sessions: dict[str, Session], text_10mb: str
) -> list[dict[str, object]]:
    api, page = sessions["api"], sessions["page"]

    def api_docx(session: Session, path: Path) -> Callable[[], tuple[int, bytes]]:
        headers = session.headers(**{"X-CSRF-Token": session.csrf, "Content-Type": DOCX_TYPE})
        return lambda: post(bench.port, "/api/v1/proofread/docx", path.read_bytes(), headers)

    def api_text(session: Session, text: str) -> Callable[[], tuple[int, bytes]]:
        headers = session.headers(
            **{"X-CSRF-Token": session.csrf, "Content-Type": "application/json"}
        )
        body = json.dumps({"text": text}, ensure_ascii=False).encode()
        return lambda: post(bench.port, "/api/v1/proofread", body, headers)

    def page_form(
        session: Session, text: str = "", file: Path | None = None
    ) -> Callable[[], tuple[int, bytes]]:
        body, kind = multipart(
            {"csrf": session.csrf, "text": text}, ("file", file) if file else None
        )
        headers = session.headers(**{"Content-Type": kind})
        return lambda: post(bench.port, "/proofread", body, headers)

    def report(path: Path, n: int) -> Callable[[], tuple[int, bytes]]:
        visitor = Session.open(bench.port, page="/report")
        fields = {"contact": "bench@example.com", "text": "", "link": "", "csrf": visitor.csrf}
        body, kind = multipart(fields, ("file", path))
        headers = visitor.headers(**{"Content-Type": kind, "X-Forwarded-For": f"10.77.0.{n}"})
        return lambda: post(bench.port, "/report", body, headers)

    results = []
    for n, (name, path) in enumerate(files.items(), start=1):
        console.print(f"  {name}")
        if path.suffix == ".docx":
            results.append(run_http(bench, name, "API .docx", api_docx(api, path)))
        else:
            results.append(run_http(bench, name, "API text", api_text(api, text_10mb)))
            results.append(run_http(bench, name, "page text", page_form(page, text=text_10mb)))
        results.append(run_http(bench, name, "page file", page_form(page, file=path)))
        results.append(run_http(bench, name, "/report", report(path, n), settle=5.0))
    for result in results:
        result["verdict"] = judge(result, accepted=False)
    return results


def accepted_cases(
    bench: Bench, files: dict[str, Path], sessions: dict[str, Session]
) -> list[dict[str, object]]:
    limit_text = files["limit-60k.txt"].read_text(encoding="utf-8")
    d, e, f = sessions["limit-api"], sessions["limit-docx"], sessions["limit-page"]
    headers = d.headers(**{"X-CSRF-Token": d.csrf, "Content-Type": "application/json"})
    body = json.dumps({"text": limit_text}, ensure_ascii=False).encode()
    docx_headers = e.headers(**{"X-CSRF-Token": e.csrf, "Content-Type": DOCX_TYPE})
    docx = files["limit-60k.docx"].read_bytes()
    form, kind = multipart({"csrf": f.csrf, "text": ""}, ("file", files["limit-60k.docx"]))
    form_headers = f.headers(**{"Content-Type": kind})
    results = [
        run_http(bench, "limit-60k.txt", "API text", lambda: post(bench.port, _API, body, headers)),
        run_http(
            bench,
            "limit-60k.docx",
            "API .docx",
            lambda: post(bench.port, _DOCX, docx, docx_headers),
        ),
        run_http(
            bench,
            "limit-60k.docx",
            "page file",
            lambda: post(bench.port, _PAGE, form, form_headers),
        ),
    ]
    for result in results:
        result["verdict"] = judge(result, accepted=True)
    return results


def cli_cases(
    bench: Bench, files: dict[str, Path], accepted: dict[str, Path]
) -> tuple[dict[str, object], list[dict[str, object]]]:
    warm = str(accepted["warm.txt"])
    baselines = {
        "check": run_cli(bench, "warm.txt", ["check", warm, "--select", "GW3"]),
        "check+model": run_cli(bench, "warm.txt", ["check", warm]),
        "trace": run_cli(bench, "warm.txt", ["trace", warm]),
    }
    base = {k: int(v["peak_rss"]) for k, v in baselines.items()}  # type: ignore[call-overload]
    results = []
    for name, path in files.items():
        console.print(f"  {name}")
        results.append(run_cli(bench, name, ["check", str(path)], baseline=base["check"]))
        results.append(run_cli(bench, name, ["trace", str(path)], baseline=base["trace"]))
        if path.suffix == ".txt":
            results.append(run_cli(bench, name, ["check", "-"], path, base["check"]))
            results.append(run_cli(bench, name, ["trace", "-"], path, base["trace"]))
    for result in results:
        result["verdict"] = judge(result, accepted=False)
    limits = [
        run_cli(bench, "limit-60k.txt", ["check", str(accepted["limit-60k.txt"])], baseline=base["check+model"]),
        run_cli(bench, "limit-60k.docx", ["check", str(accepted["limit-60k.docx"])], baseline=base["check+model"]),
        run_cli(bench, "limit-200k.txt", ["trace", str(accepted["limit-200k.txt"])], baseline=base["trace"]),
    ]  # fmt: skip
    for result in limits:
        result["verdict"] = judge(result, accepted=True)
    return baselines, results + limits


# --- report ---------------------------------------------------------------------------------------


def print_table(report: dict[str, object]) -> None:
    warmed = report["model"]
    console.print(
        f"model loading: {human_bytes(warmed['model_bytes'])} for the tree "  # type: ignore[index]
        f"(per worker {', '.join(human_bytes(g) for g in warmed['per_worker_growth'])}), "  # type: ignore[index]
        f"first check {warmed['first_request_s']} s"  # type: ignore[index]
    )
    table = Table(title="hostile and maximal inputs: answer, time, peak RSS growth (≤ 300 MB)")
    for column in ("case", "target", "status", "message", "wall s", "peak growth", "up", ""):
        table.add_column(column, overflow="fold")
    for r in report["cases"]:  # type: ignore[attr-defined]
        table.add_row(
            r["case"],
            r["target"],
            str(r["status"]),
            str(r["message"])[:60],
            f"{r['wall_s']:.2f}",
            human_bytes(r["peak_growth"]),
            "yes" if r["healthy"] else "NO",
            r["verdict"],
        )
    console.print(table)
    console.print(
        "peak growth: the server tree's RSS (supervisor + workers, every 20 ms, 1 s after the "
        "answer, 5 s for /report) above what it held just before; a command's own peak RSS "
        "above the same command on the 3,000 characters that warm the server (check: only GW3, "
        "no model, or every rule for the accepted checks). up: GET /healthz answered 200 after."
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--keep", action="store_true", help="keep the work folder (files, database)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument(
        "--rss-cap", type=int, default=6144, help="MB: kill the server tree above this (6144)"
    )
    ap.add_argument(
        "--json", type=Path, help="report path (default bench/results/resources-<ts>.json)"
    )
    args = ap.parse_args(argv)

    started_at = datetime.now().astimezone()
    WORK.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f"{started_at:%Y%m%d-%H%M%S}-", dir=WORK))
    console.print(f"[bold]bench/resources.py[/]: work folder {work}")
    text = SEED_TEXT.read_text(encoding="utf-8")
    files = make_files(work, text, random.Random(args.seed))
    accepted = accepted_files(work, text)
    described = {}
    for name, path in {**files, **accepted}.items():
        entry: dict[str, object] = {"bytes": path.stat().st_size}
        if path.suffix == ".docx":
            with zipfile.ZipFile(path) as zf:
                entry["declared_expanded"] = sum(i.file_size for i in zf.infolist())
        described[name] = entry
        console.print(f"  made {name}: {human_bytes(path.stat().st_size)}")
    described["zip-lying.docx"]["actual_expanded"] = 2**30

    db_url = f"sqlite:///{work / 'resources.sqlite3'}"
    gongwen(db_url, "ingest", "--no-announce", "--json", str(SEED_TEXT.parent))
    bench = Bench(db_url, work, args.rss_cap * MB)
    report: dict[str, object] = {
        "version": 1,
        "started_at": started_at.isoformat(timespec="seconds"),
        "machine": machine_info(PACKAGES),
        "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()},
        "files": described,
    }
    try:
        bench.start()
        sessions = {
            tag: Session.open(bench.port, *add_member(db_url, tag), page="/proofread")
            for tag in ("warm", "api", "page", "limit-api", "limit-docx", "limit-page")
        }
        console.print("warming the proofreader's model")
        report["model"] = warm(bench, sessions["warm"])
        console.print("the server: hostile inputs")
        text_10mb = files["text-10mb.txt"].read_text(encoding="utf-8")
        cases = server_cases(bench, files, sessions, text_10mb)
        console.print("the server: the largest accepted inputs")
        cases += accepted_cases(bench, accepted, sessions)
        report["server_rss_end"] = bench.sampler.current if bench.sampler else None
        console.print("the commands")
        report["cli_baselines"], more = cli_cases(bench, files, accepted)
        report["cases"] = cases + more
    finally:
        bench.stop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report["finished_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
    print_table(report)
    path = write_report(report, args.json, "resources")
    console.print(f"report: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
