"""Benchmark: do members' copies damage the text? Variant sites over every gov-corpus report.

Not a test: it prints a table and writes a JSON report, and never fails on a missed target.

    make bench-damage                       # thulac installed by the bench dependency group
    .venv/bin/python bench/damage.py --limit 20 --json out.json

Setup: a temporary library ingests the seed (examples/) and every report of the gov-corpus
(national work reports and NPC resolutions, gwr-national; the 31 provincial reports of 2026).
For each material the variant sites of its body paragraphs are found as a member's copy finds
them (platform/tracing.py), with today's catalogue and with the previous release's
(`--before`, default the commit before issue 17: its trace/sites.py is loaded from git), and
judged by what the issue asks:

- inside a word: a site whose start or end is not a word boundary for an independent
  segmenter, THULAC (thulac 0.2.2, Tsinghua; its model ships in the package), on the site's
  sentence — also counted for the listed breakages (之都 → 之均, 共赢 → 共计赢 …);
- inside a protected unit: a site overlapping a quotation, a title, a formulation of the
  formulary, an official campaign name or a fixed collocation (trace/sites.py protected_spans);
- proofreader findings: per site, `check()` on the whole sentence with the other wording against
  the published sentence; a site counts when the other wording adds a finding (by code and
  message: a finding that moves to other characters is a new one);
- characters per site, before and after;
- a whole copy: for --whole documents, every site turned to its other wording and the whole
  text checked: no finding (code and message) the published text does not have.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import subprocess
import sys
import tempfile
import time
import types
from collections import Counter
from pathlib import Path

from common import ROOT, machine_info, write_report
from rich.console import Console
from rich.table import Table

from gongwen.config import Settings
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.platform.marking import paragraph_spans
from gongwen.proofread.catalogue import check
from gongwen.proofread.diagnostic import Diagnostic
from gongwen.store import materials
from gongwen.trace import mark
from gongwen.trace import sites as current

CORPUS = ROOT.parent / "shared" / "data" / "gov-corpus"
BEFORE = "6f7ec12"  # main before issue 17
# The breakages seen in members' copies (issue 17): a site at one of these is damage.
BREAKAGES = ("之都", "共赢", "医共体", "共驻共建", "全力争取", "纵向争取", "修改完善")
REGISTER = ("我省", "我市", "我县", "我区", "我局")
_SENTENCE_END = "。！？；!?;\n"


def legacy_module(commit: str) -> types.ModuleType:
    """trace/sites.py as it was at `commit` (the previous release, measured in the same run)."""
    source = subprocess.run(
        ["git", "show", f"{commit}:src/gongwen/trace/sites.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    spec = importlib.util.spec_from_loader("legacy_sites", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["legacy_sites"] = module
    exec(compile(source, f"{commit}:trace/sites.py", "exec"), module.__dict__)  # noqa: S102
    return module


def legacy_sites(module: types.ModuleType, detail: MaterialDetail) -> list[current.Site]:
    spans = paragraph_spans(detail)
    out = []
    for s in module.find_sites(detail.text):
        if any(a <= s.start and s.end <= b for a, b in spans):
            out.append(current.Site(s.start, s.end, s.kind, s.forms, s.base))
    return out


def sentence_of(text: str, start: int, end: int) -> tuple[int, int]:
    lo = start
    while lo > 0 and text[lo - 1] not in _SENTENCE_END:
        lo -= 1
    hi = end
    while hi < len(text) and text[hi] not in _SENTENCE_END:
        hi += 1
    return lo, min(len(text), hi + 1)


class Judge:
    """THULAC word boundaries, per sentence (cached: old and new lists share sentences)."""

    def __init__(self) -> None:
        import thulac

        self.model = thulac.thulac(seg_only=True)
        self.cache: dict[str, set[int]] = {}

    def boundaries(self, sentence: str) -> set[int]:
        found = self.cache.get(sentence)
        if found is None:
            found = {0}
            at = 0
            for word in self.model.cut(sentence, text=True).split(" "):
                at += len(word)
                found.add(at)
            self.cache[sentence] = found
        return found

    def inside_word(self, text: str, site: current.Site) -> bool:
        lo, hi = sentence_of(text, site.start, site.end)
        sentence = text[lo:hi]
        # thulac drops spaces; the corpus sentences keep theirs out of the comparison.
        if " " in sentence or "\u3000" in sentence:
            return False
        bounds = self.boundaries(sentence)
        return site.start - lo not in bounds or site.end - lo not in bounds


def finding(d: Diagnostic) -> tuple[str, str]:
    """A finding as the proofreader words it; the two placeholder forms (XX, ××) are one."""
    return d.code, d.message.replace("××", "XX")


def new_findings(text: str, site: current.Site) -> list[str]:
    lo, hi = sentence_of(text, site.start, site.end)
    published = text[lo:hi]
    other = text[lo : site.start] + site.forms[1 - site.base] + text[site.end : hi]
    before = Counter(finding(d) for d in check(published))
    after = Counter(finding(d) for d in check(other))
    return sorted(code for code, _ in (after - before).elements())


def breakage(text: str, site: current.Site) -> str:
    around = text[max(0, site.start - 3) : site.end + 3]
    for word in BREAKAGES:
        at = around.find(word)
        if at >= 0 and at < site.end - site.start + 3 + 3 and word_overlaps(text, site, word):
            return word
    if site.forms[site.base] in REGISTER or site.forms[1 - site.base] in REGISTER:
        return site.forms[site.base]
    if set(site.forms) == {"支持", "扶持"}:
        return "支持/扶持"
    return ""


def word_overlaps(text: str, site: current.Site, word: str) -> bool:
    lo = max(0, site.start - len(word))
    at = text.find(word, lo)
    while 0 <= at < site.end:
        if at < site.end and site.start < at + len(word):
            return True
        at = text.find(word, at + 1)
    return False


def judge_list(
    judge: Judge,
    detail: MaterialDetail,
    sites: list[current.Site],
    examples: list[str],
    findings: bool = True,
) -> dict[str, int]:
    text = detail.text
    protected = current.protected_spans(text)
    row = Counter(sites=len(sites))
    for s in sites:
        if s.kind == "placeholder":
            continue
        if judge.inside_word(text, s):
            row["inside_word"] += 1
            if len(examples) < 400:
                examples.append(f"inside word: {context(text, s)}")
        if any(a < s.end and s.start < b for a, b in protected):
            row["inside_protected"] += 1
            if len(examples) < 400:
                examples.append(f"protected: {context(text, s)}")
        broken = breakage(text, s)
        if broken:
            row["listed_breakage"] += 1
        found = new_findings(text, s) if findings else []
        if found:
            row["new_findings"] += 1
            if len(examples) < 400:
                examples.append(f"finding {','.join(found)}: {context(text, s)}")
    return dict(row)


def context(text: str, s: current.Site) -> str:
    other = s.forms[1 - s.base] or "∅"
    return f"{text[max(0, s.start - 8) : s.start]}[{text[s.start : s.end]}→{other}]{text[s.end : s.end + 8]}"


def whole_copy(
    detail: MaterialDetail, sites: list[current.Site]
) -> tuple[Counter[str], Counter[str], list[str]]:
    """Findings per code in the published text and in the copy with every other wording, and
    the copy's findings (code: message) the published text does not have."""
    other = mark.apply(detail.text, sites, [1 - s.base for s in sites])
    published = Counter(finding(d) for d in check(detail.text))
    copy = Counter(finding(d) for d in check(other))
    new = [f"{code}: {message}" for code, message in (copy - published).elements()]
    per_code: Counter[str] = Counter()
    copy_code: Counter[str] = Counter()
    for (code, _), n in published.items():
        per_code[code] += n
    for (code, _), n in copy.items():
        copy_code[code] += n
    return per_code, copy_code, new


def corpus_paths() -> list[Path]:
    """The seed, the national reports (with the NPC resolutions on them) and the provincial
    reports (not the folder's run manifest)."""
    paths = [ROOT / "examples"]
    if (CORPUS / "gwr-national").exists():
        paths.append(CORPUS / "gwr-national")
    paths += sorted((CORPUS / "gwr-provincial-2026").glob("*政府工作报告.csv"))
    return paths


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--limit", type=int, default=0, help="only the first N materials (0 = all)")
    p.add_argument("--whole", type=int, default=8, help="documents checked as whole copies")
    p.add_argument("--before", default=BEFORE, help="git commit of the previous release")
    p.add_argument("--no-findings", action="store_true", help="skip the per-site proofreading")
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    console = Console(width=150)
    legacy = legacy_module(args.before)
    judge = Judge()
    report: dict[str, object] = {"machine": machine_info(("jieba", "thulac", "numpy"))}
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library.open(Settings(db_url=f"sqlite:///{tmp}/gw.sqlite3"))
        failed = [r for r in ingest(lib, corpus_paths()) if not r.ok]
        if failed:
            console.print(f"not ingested: {failed}")
        with lib.db.read() as conn:
            ids = [m.id for m in materials.summaries(conn, limit=100_000)]
            if args.limit:
                ids = ids[: args.limit]
            details = [materials.detail(conn, i) for i in ids]
        totals = {"before": Counter(), "after": Counter()}
        examples: dict[str, list[str]] = {"before": [], "after": []}
        chars = 0
        timing = {"before": 0.0, "after": 0.0}
        whole_rows = []
        rng = random.Random(17)
        whole_ids = set(rng.sample(range(len(details)), min(args.whole, len(details))))
        for n, detail in enumerate(details):
            chars += sum(b - a for a, b in paragraph_spans(detail))
            t0 = time.perf_counter()
            old = legacy_sites(legacy, detail)
            t1 = time.perf_counter()
            new = current.find_sites(detail.text, spans=paragraph_spans(detail))
            t2 = time.perf_counter()
            timing["before"] += t1 - t0
            timing["after"] += t2 - t1
            findings = not args.no_findings
            totals["before"].update(judge_list(judge, detail, old, examples["before"], findings))
            totals["after"].update(judge_list(judge, detail, new, examples["after"], findings))
            if n in whole_ids:
                published, copy, added = whole_copy(detail, new)
                whole_rows.append(
                    {
                        "material": detail.summary.title,
                        "sites": len(new),
                        "published": dict(published),
                        "copy": dict(copy),
                        "new_in_copy": added,
                        "equal": published == copy and not added,
                    }
                )
            console.print(f"[{n + 1}/{len(details)}] {detail.summary.title[:30]}", end="\r")
        lib.close()
    table = Table(title=f"variant sites over {len(details)} reports ({chars:,} body characters)")
    table.add_column("catalogue")
    for name in (
        "sites",
        "chars/site",
        "inside a word (THULAC)",
        "inside protected",
        "listed breakage",
        "adds a finding",
        "find s",
    ):
        table.add_column(name, justify="right")
    rows = {}
    for name in ("before", "after"):
        t = totals[name]
        sites = max(t["sites"], 1)
        rows[name] = {
            "sites": t["sites"],
            "chars_per_site": round(chars / sites, 1),
            "inside_word": t["inside_word"],
            "inside_protected": t["inside_protected"],
            "listed_breakage": t["listed_breakage"],
            "new_findings": t["new_findings"],
            "find_seconds": round(timing[name], 1),
        }
        r = rows[name]
        label = f"{name} ({args.before if name == 'before' else current.version()})"
        table.add_row(
            label,
            f"{r['sites']:,}",
            f"{r['chars_per_site']}",
            str(r["inside_word"]),
            str(r["inside_protected"]),
            str(r["listed_breakage"]),
            str(r["new_findings"]),
            str(r["find_seconds"]),
        )
    console.print(table)
    equal = sum(1 for w in whole_rows if w["equal"])
    console.print(
        f"whole copies (every site turned): findings equal to the published text in {equal}/{len(whole_rows)}"
    )
    for w in whole_rows:
        if not w["equal"]:
            console.print(f"  {w['material']}: {w['new_in_copy']}")
    console.print("examples (after):")
    for line in examples["after"][:40]:
        console.print("  " + line)
    report.update(
        {
            "materials": len(details),
            "body_characters": chars,
            "rows": rows,
            "whole_copies": whole_rows,
            "examples": examples,
        }
    )
    console.print(f"JSON: {write_report(report, args.json, 'damage')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
