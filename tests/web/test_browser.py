"""A member's journey in a real browser: Playwright driving Debian's Chromium against `gongwen serve`.

Visitor home page and preview, registration, redeeming a code, search with highlights, reading and
downloading a material, proofreading a draft, and a live publication by an editor arriving on the member's open page.
Full-page screenshots of the main pages go to var/screenshots/ for a human look.

Skips when /usr/bin/chromium is missing, unless GONGWEN_REQUIRE_BROWSER=1 (set by CI), in which
case it fails: CI can never pass by skipping it. `playwright install` is never needed.

It waits for states, never for times, so that it passes on a loaded machine too:
- `gongwen ingest` leaves the seeds unannounced; the server announces them (a "published" event
  each, pushed to every open page) a couple of seconds after /healthz answers. The fixture waits
  for those six events before any page opens, or live.js would add six more cards to a home page
  under test (and move the link about to be clicked).
- A page counts as live once its stream has said `hello`: the server sends it after subscribing
  the stream to new events, and live.js then marks the page (`<html data-live="connected">`),
  so nothing published after that is missed. The editor publishes only then.
- Every wait has one generous limit (WAIT_MS); a fast machine never waits it out.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("GONGWEN_REQUIRE_BROWSER") == "1"
SHOTS = ROOT / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine's network is closed: no update checks, no component downloads, no sync.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "正确的密码-correct-horse"
SEED_TITLES = [
    f"2020年上半年工作总结（{org}）"
    for org in ("退役军人事务局", "市场监管局", "交通运输局", "科技局", "科技馆", "高速公路公司")
]
NEW_TITLE = "2020年下半年工作计划（退役军人事务局）"
NEW_TEXT = (
    f"{NEW_TITLE}\n一、总体思路\n"
    "坚持以服务退役军人为中心，健全服务保障体系，推动各项政策落地见效。\n"
    "二、重点任务\n（一）抓好思想政治工作。深入开展主题教育，凝聚思想共识。\n"
)
WAIT_MS = 30_000  # an upper bound for a loaded 2-core machine, never a wait in itself
START_S = 120  # the server's start-up: imports, migrations, the seeds' announcement


@dataclass(frozen=True)
class Server:
    base: str
    code: str
    editor: str
    tmp: Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _announced(base: str) -> list[str]:
    """Titles of the stored "published" events, in order (the public /api/v1/events)."""
    try:
        with urllib.request.urlopen(f"{base}/api/v1/events", timeout=5) as response:
            return [e["title"] for e in json.load(response) if e["kind"] == "published"]
    except (urllib.error.URLError, OSError):
        return []


def _need_chromium() -> None:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install -y chromium fonts-noto-cjk)"
        if REQUIRE_BROWSER:
            pytest.fail(f"a browser is required (GONGWEN_REQUIRE_BROWSER=1) but {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def chromium(server: Server) -> Iterator[object]:
    """Started after the server and closed before it: no page holds an event stream at shutdown."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    _need_chromium()  # before the slow set-up
    tmp = tmp_path_factory.mktemp("browser")
    unset = ("GONGWEN_DB", "GONGWEN_REDIS", "GONGWEN_WEBHOOK")  # one SQLite file, one process
    env = {k: v for k, v in os.environ.items() if k not in unset}
    gw = [sys.executable, "-m", "gongwen", "--db", f"sqlite:///{tmp}/b.sqlite3"]

    def run(*args: str, stdin: str | None = None) -> str:
        # cwd=tmp: the server's var/ directory lands there, not in the repository.
        done = subprocess.run(
            [*gw, *args], input=stdin, text=True, capture_output=True, env=env, cwd=tmp
        )
        assert done.returncode == 0, (
            f"gongwen {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
        )
        return done.stdout

    run("ingest", str(ROOT / "examples"))
    run("user", "add", "admin@example.cn", "--role", "admin", stdin=PASSWORD + "\n")
    run("user", "add", "editor@example.cn", "--role", "editor", stdin=PASSWORD + "\n")
    codes = json.loads(run("codes", "create", "--plan", "year", "--count", "1", "--json"))
    code = codes["codes"][0]

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*gw, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        # Ready means: answering, and done announcing the ingested seeds (the server does that
        # on its second poll tick, ~2 s after start). Polls a state; the deadline only bounds it.
        deadline = time.monotonic() + START_S

        def waiting(what: str) -> None:
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"gongwen serve {what} within {START_S} s:\n{log.read_text()}")
            time.sleep(0.1)

        while not _healthy(f"{base}/healthz"):
            waiting("did not answer /healthz")
        while len(_announced(base)) < len(SEED_TITLES):
            waiting("did not announce the seeds")
        # Each seed announced exactly once, and by this server (not one that took the port).
        assert sorted(_announced(base)) == sorted(SEED_TITLES)
        assert proc.poll() is None, log.read_text()
        yield Server(base, code, "editor@example.cn", tmp)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _shot(page: object, name: str) -> None:
    page.screenshot(path=str(SHOTS / name), full_page=True)  # type: ignore[attr-defined]


def test_member_journey_in_a_real_browser(chromium: object, server: Server) -> None:
    from playwright.sync_api import Browser, expect

    browser: Browser = chromium  # type: ignore[assignment]
    base = server.base
    SHOTS.mkdir(parents=True, exist_ok=True)
    expect.set_options(timeout=WAIT_MS)

    # 1. A visitor sees the six seed materials on the home page, and only a preview of one.
    visitor = browser.new_context(base_url=base, locale="zh-CN")
    visitor.set_default_timeout(WAIT_MS)
    page = visitor.new_page()
    page.goto("/")
    latest = page.locator("#latest")
    for title in SEED_TITLES:
        expect(latest).to_contain_text(title)
    expect(latest.locator(".card")).to_have_count(6)
    for title in SEED_TITLES:
        expect(latest.get_by_role("link", name=title, exact=True)).to_have_count(1)
    expect(page.locator("#new-this-week")).to_have_text("本周新增 6 篇")
    expect(page.locator("#shelves .shelf[data-type='工作总结']")).to_contain_text("6 篇")
    _shot(page, "home.png")
    latest.get_by_role("link", name=SEED_TITLES[2], exact=True).click()
    page.wait_for_url("**/materials/*")
    expect(page.locator("h1")).to_have_text(SEED_TITLES[2])
    expect(page.locator("#preview")).to_be_visible()
    expect(page.locator("#fulltext")).to_have_count(0)
    expect(page.locator("#downloads")).to_have_count(0)
    _shot(page, "material-preview.png")
    visitor.close()

    # 2. Registration logs the new member in; the account page says there is no subscription.
    member = browser.new_context(base_url=base, locale="zh-CN", accept_downloads=True)
    member.set_default_timeout(WAIT_MS)
    page = member.new_page()
    script_errors: list[str] = []
    page.on("pageerror", lambda err: script_errors.append(str(err)))
    page.goto("/register")
    page.fill("#email", "reader@example.cn")
    page.fill("#password", PASSWORD)
    page.fill("#password2", PASSWORD)
    page.click("form[action='/register'] button[type=submit]")
    page.wait_for_url("**/account")
    expect(page.locator("#account-link")).to_have_text("reader@example.cn")
    expect(page.locator("#subscription")).to_contain_text("还没有有效的订阅")

    # 3. Redeeming the code opens a year's subscription.
    page.fill("input[name=code]", server.code)
    page.click("form[action='/account/redeem'] button[type=submit]")
    expect(page.locator("#message")).to_contain_text("兑换成功")
    expect(page.locator("#subscription")).to_contain_text("年度会员")
    _shot(page, "account.png")

    # 4. The header search box finds 疫情防控, highlighted.
    page.fill("header form.search input[name=q]", "疫情防控")
    page.press("header form.search input[name=q]", "Enter")
    page.wait_for_url("**/search?q=*")
    results = page.locator("#results")
    expect(results.locator("mark").first).to_be_visible()
    expect(results.locator("mark").first).to_have_text("疫情防控")
    cards = results.locator(".material-hit")
    ids = [cards.nth(i).get_attribute("data-material") for i in range(cards.count())]
    assert ids and len(ids) == len(set(ids)), ids  # one result per material
    expect(page.locator("#facet-counts")).to_contain_text("工作总结")
    _shot(page, "search.png")

    # 4b. Five materials a page: the pager reaches the rest, a facet narrows the search.
    page.goto("/search?q=工作&per=5")
    expect(page.locator("#summary")).to_contain_text("第 1/2 页")
    first_page = results.locator(".material-hit").first.get_attribute("data-material")
    page.get_by_role("link", name="下一页").click()
    expect(page.locator("#summary")).to_contain_text("第 2/2 页")
    expect(results.locator(f".material-hit[data-material='{first_page}']")).to_have_count(0)
    page.locator("#facet-counts").get_by_role("link", name="交通运输局").click()
    expect(page.locator("#summary")).to_contain_text("1 篇材料命中")
    _shot(page, "search-grouped.png")
    page.goto("/search?q=疫情防控")

    # 5. A result opens the full text and the download links for a covered member.
    first = results.locator(".hit a").first
    title = first.inner_text().strip()
    first.click()
    page.wait_for_url("**/materials/*")
    expect(page.locator("h1")).to_have_text(title)
    expect(page.locator("#fulltext")).to_be_visible()
    expect(page.locator("#preview")).to_have_count(0)
    downloads = page.locator("#downloads")
    expect(downloads.locator("a")).to_have_count(3)
    # Placeholders are marked in the reading view, each labelled with what to fill in.
    expect(page.locator("#fulltext mark.ph").first).to_be_visible()
    assert page.locator("#fulltext mark.ph").first.get_attribute("data-label")
    expect(page.locator("#related li")).not_to_have_count(0)
    _shot(page, "material.png")

    # 5b. Keep it among favourites; the favourites page lists it.
    page.get_by_role("button", name="☆ 收藏").click()
    expect(page.get_by_role("button", name="★ 已收藏（取消）")).to_be_visible()
    page.goto("/account/favourites")
    expect(page.locator("#favourites")).to_contain_text(title)
    page.go_back()

    # 6. Downloads: a real .docx (a zip) and a .txt holding the title.
    with page.expect_download() as info:
        downloads.locator("a[href$='fmt=docx']").click()
    docx = info.value
    assert docx.suggested_filename.endswith(".docx"), docx.suggested_filename
    saved = server.tmp / docx.suggested_filename
    docx.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
    assert zipfile.is_zipfile(saved)
    with zipfile.ZipFile(saved) as z:
        assert "word/document.xml" in z.namelist()
    with page.expect_download() as info:
        downloads.locator("a[href$='fmt=txt']").click()
    txt = info.value
    assert txt.suggested_filename.endswith(".txt"), txt.suggested_filename
    txt.save_as(server.tmp / txt.suggested_filename)
    assert title in (server.tmp / txt.suggested_filename).read_text(encoding="utf-8")

    # 6b. Proofreading a draft: findings marked in the text, only the ticked fix is applied.
    page.get_by_role("link", name="审校").click()
    page.wait_for_url("**/proofread")
    draft = "截止2020年6月底,全市完成了了投资XX亿元。\n一是加强领导；二是完善制度；四是强化考核。"
    page.fill("#text", draft)
    page.click("#proofread-form button[type=submit]")
    expect(page.locator("#summary")).to_contain_text("处问题")
    expect(page.locator("#marked mark.dg").first).to_have_text("截止")
    expect(page.locator("#findings tr.finding[data-code='GW303']")).to_contain_text("三是")
    _shot(page, "proofread.png")
    boxes = page.locator("#findings input[name=accept]")
    for i in range(boxes.count()):
        boxes.nth(i).set_checked(i == 0)  # accept 截止 → 截至 only
    with page.expect_download() as info:
        page.click("#fix-form button[type=submit]")
    fixed = info.value
    fixed.save_as(server.tmp / "审校后.txt")
    text = (server.tmp / "审校后.txt").read_text(encoding="utf-8")
    assert text.startswith("截至2020年6月底,") and "了了" in text, text

    # 7. Live: the member's home page stays open while an editor publishes elsewhere.
    with page.expect_response(lambda r: r.url.endswith("/events")) as stream:
        page.goto("/")
    assert stream.value.ok
    # This page's stream has said hello, so the server already delivers to it: only now may the
    # editor publish.
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    latest = page.locator("#latest")
    expect(latest.locator(".card")).to_have_count(6)
    expect(latest).not_to_contain_text(NEW_TITLE)
    expect(page.locator("#live-banner")).to_be_hidden()
    page.evaluate("window.stillTheSamePage = true")  # gone if the page reloads

    editor = browser.new_context(base_url=base, locale="zh-CN")
    editor.set_default_timeout(WAIT_MS)
    desk = editor.new_page()
    desk.goto("/login")
    desk.fill("#email", server.editor)
    desk.fill("#password", PASSWORD)
    desk.click("form[action='/login'] button[type=submit]")
    desk.wait_for_url(base + "/")
    desk.goto("/editor")
    expect(desk.locator("h1")).to_have_text("编辑工作台")
    upload = server.tmp / "2020年下半年工作计划.txt"
    upload.write_text(NEW_TEXT, encoding="utf-8")
    desk.set_input_files("input[name=files]", str(upload))
    desk.click("form[action='/editor/upload'] button[type=submit]")
    expect(desk.locator("#message")).to_contain_text(NEW_TITLE)
    _shot(desk, "editor.png")

    banner = page.locator("#live-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(NEW_TITLE)
    expect(latest).to_contain_text(NEW_TITLE)
    expect(latest.locator(".card")).to_have_count(7)  # one live card, added once
    expect(latest.locator(".card").first).to_contain_text(NEW_TITLE)
    assert page.evaluate("window.stillTheSamePage") is True
    _shot(page, "live.png")

    # The banner links to the new material, readable by the member.
    banner.get_by_role("link", name=NEW_TITLE, exact=True).click()
    page.wait_for_url("**/materials/*")
    expect(page.locator("h1")).to_have_text(NEW_TITLE)
    expect(page.locator("#fulltext")).to_contain_text("一、总体思路")
    assert script_errors == []

    editor.close()
    member.close()
