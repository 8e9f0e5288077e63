"""Benchmark: leak tracing's text layer against resellers' attacks, with 200 members.

Not a test: it prints a table and writes a JSON report, and never fails on a missed target.

    .venv/bin/python bench/trace.py                 # 200 members, 30 trials per row
    .venv/bin/python bench/trace.py --members 200 --trials 10 --json out.json

Setup: a temporary library gets the six sample reports (examples/) and 24 provincial work
reports of the gov-corpus; every one of --members simulated members received every material
(the download log the bound is computed over). Each member's copy is made exactly as a download
makes it (platform/tracing.py: the member's wording at every site of the paragraphs), and each
row attacks copies and traces the result (trace/read.py, trace/accuse.py):

- whole text; docx→txt (the copy rendered as GB/T 9704 .docx, its text extracted) with every
  format character stripped and NFKC; excerpts of 150/300/600/1,200 characters at random offsets
  (of the stripped, NFKC text); re-wrapped at 28 characters; Simplified→Traditional (OpenCC
  s2t; the reader converts back); 15 % and 30 % of the variant phrases reworded (half of them to
  the other wording, half to a third word); placeholders filled with figures;
- collusion: two members interleaving their copies paragraph by paragraph, three members
  voting site by site; bundles of 6 and 24 documents interleaved by two colluders;
- controls: an unmarked copy (the base text) and genuine official text of a material nobody
  received (innocents must never be accused).

- the file layers, through the platform itself: --members accounts (argon2, subscriptions)
  download a material's .docx through `downloads.download`; the whole file forwarded (its
  SHA-256 was logged) and the same file saved again (other bytes, the .docx copy id) are traced
  by `tracing.trace`; also the text saved as a GBK .txt and read back.

Per row: the true member ranked first (any colluder), identified at the policy bound (1e-6, a
colluder accused), innocents accused (must be 0), and the median number of sites read.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from common import ROOT, machine_info, write_report
from rich.console import Console
from rich.table import Table

from gongwen.config import Settings
from gongwen.export.render import Format, render
from gongwen.ingest.readers import read_source
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.platform.marking import sites_for
from gongwen.store import materials
from gongwen.trace import accuse, code, mark
from gongwen.trace import read as reading

CORPUS = ROOT.parent / "shared" / "data" / "gov-corpus" / "gwr-provincial-2026"
TARGETS = {
    "whole file forwarded (.docx, platform)": ("identified", 1.0),
    "whole text": ("identified", 1.0),
    "docx→txt, stripped, NFKC": ("identified", 1.0),
    "excerpt 600": ("identified", 0.95),
    "excerpt 300": ("first", 0.95),
    "bundle of 6, two colluders": ("identified", 0.95),
}


@dataclass
class Copy:
    material: int
    detail: MaterialDetail
    sites: list
    marking: code.Marking
    reader: reading.Reader


def strip(text: str) -> str:
    return "".join(
        unicodedata.normalize("NFKC", ch) for ch in text if unicodedata.category(ch) != "Cf"
    )


class Lab:
    def __init__(self, lib: Library, members: int, seed: int) -> None:
        self.lib = lib
        self.key = b"bench-key-" + bytes(22)
        self.members = list(range(1, members + 1))
        self.rng = random.Random(seed)
        with lib.db.read() as conn:
            ids = [int(r[0]) for r in conn.execute("SELECT id FROM materials ORDER BY id")]
            details = [materials.detail(conn, i) for i in ids]
        self.docs: list[Copy] = []
        for d in details:
            sites = sites_for(lib, d).sites
            marking = code.Marking.of(
                self.key,
                d.summary.id,
                d.revision_id,
                [s.start for s in sites],
                [s.anchor for s in sites],
            )
            self.docs.append(Copy(d.summary.id, d, sites, marking, reading.Reader(d.text, sites)))

    def copy_text(self, doc: Copy, member: int) -> str:
        return mark.apply(doc.detail.text, doc.sites, self.choice(doc, member))

    def choice(self, doc: Copy, member: int) -> list[int]:
        return doc.marking.symbols(member)

    def trace(self, texts: list[tuple[Copy, str]]) -> accuse.Verdict:
        evidence = [
            accuse.Evidence(doc.marking, doc.reader.read(reading.normalize(t))) for doc, t in texts
        ]
        return accuse.accuse(evidence, self.members)


def excerpt(rng: random.Random, text: str, n: int) -> str:
    text = strip(text)
    start = rng.randrange(0, max(1, len(text) - n))
    return text[start : start + n]


def reword(rng: random.Random, doc: Copy, chosen: list[int], share: float) -> str:
    """The member's copy with `share` of its variant phrases reworded: half to the other
    wording (the reseller happens to pick it), half to a third word."""
    forms = [s.forms[c] for s, c in zip(doc.sites, chosen, strict=True)]
    for i in rng.sample(range(len(forms)), int(share * len(forms))):
        site = doc.sites[i]
        forms[i] = site.forms[1 - chosen[i]] if rng.random() < 0.5 else "相应"
    out, pos = [], 0
    for site, form in zip(doc.sites, forms, strict=True):
        out += [doc.detail.text[pos : site.start], form]
        pos = site.end
    return "".join(out) + doc.detail.text[pos:]


def rows(lab: Lab, trials: int, only: str = "") -> list[dict[str, object]]:
    rng = lab.rng
    reports = [d for d in lab.docs if len(d.detail.text) > 3000]
    import opencc

    s2t = opencc.OpenCC("s2t")
    out = []

    def row(name: str, make, guilty_count: int = 1, n: int = trials) -> None:
        if only and only not in name:
            return
        first = identified = accused_innocent = 0
        sites_read = []
        started = time.perf_counter()
        for _ in range(n):
            guilty = rng.sample(lab.members, guilty_count) if guilty_count else []
            texts = make(guilty)
            v = lab.trace(texts)
            sites_read.append(v.sites_read)
            top = v.suspects[0].member_id if v.suspects else None
            first += bool(guilty) and top in guilty
            if v.verdict == "identified":
                accused = {s.member_id for s in v.suspects}
                if accused - set(guilty):
                    accused_innocent += 1
                elif guilty:
                    identified += 1
        out.append(
            {
                "attack": name,
                "trials": n,
                "first": first / n if guilty_count else None,
                "identified": identified / n if guilty_count else None,
                "innocents_accused": accused_innocent,
                "median_sites_read": statistics.median(sites_read),
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        print(f"  {name}: {out[-1]}", file=sys.stderr)

    def one(f):
        def make(guilty):
            doc = rng.choice(reports)
            return [(doc, f(doc, guilty[0]))]

        return make

    row("whole text", one(lambda d, m: lab.copy_text(d, m)))

    def gbk(d: Copy, m: int) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "copy.txt"
            path.write_bytes(lab.copy_text(d, m).encode("gbk", errors="replace"))
            return "\n".join(s.text for s in read_source(path))

    row("saved as GBK .txt", one(gbk))

    def docx_txt(d: Copy, m: int) -> str:
        chosen = lab.choice(d, m)
        copy = mark.marked_detail(
            d.detail, d.sites, [s.forms[c] for s, c in zip(d.sites, chosen, strict=True)]
        )
        data = render(copy, Format.DOCX).data
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "copy.docx"
            path.write_bytes(data)
            return strip("\n".join(s.text for s in read_source(path)))

    row("docx→txt, stripped, NFKC", one(docx_txt), n=max(3, trials // 3))
    for n in (150, 300, 600, 1200):
        row(f"excerpt {n}", one(lambda d, m, n=n: excerpt(rng, lab.copy_text(d, m), n)))
    row(
        "re-wrapped at 28",
        one(lambda d, m: "\n".join(re.findall(".{1,28}", lab.copy_text(d, m).replace("\n", "")))),
    )
    row("Traditional round trip", one(lambda d, m: s2t.convert(lab.copy_text(d, m))))
    for share in (0.15, 0.30):
        row(
            f"{int(share * 100)}% of variants reworded",
            one(lambda d, m, s=share: reword(rng, d, lab.choice(d, m), s)),
        )
    row(
        "placeholders filled",
        one(
            lambda d, m: re.sub("XX|××", lambda _: str(rng.randrange(2, 999)), lab.copy_text(d, m))
        ),
    )

    def interleave(doc: Copy, a: int, b: int) -> str:
        pa = lab.copy_text(doc, a).split("\n")
        pb = lab.copy_text(doc, b).split("\n")
        return "\n".join(
            x if i % 2 == 0 else y for i, (x, y) in enumerate(zip(pa, pb, strict=False))
        )

    def two(guilty):
        doc = rng.choice(reports)
        return [(doc, interleave(doc, guilty[0], guilty[1]))]

    row("two members interleaving", two, guilty_count=2)

    def vote(guilty):
        doc = rng.choice(reports)
        choices = [lab.choice(doc, m) for m in guilty]
        majority = [1 if sum(c) >= 2 else 0 for c in zip(*choices, strict=True)]
        return [(doc, mark.apply(doc.detail.text, doc.sites, majority))]

    row("three members voting", vote, guilty_count=3)
    for size in (6, 24):

        def bundle(guilty, size=size):
            docs = rng.sample(reports, min(size, len(reports)))
            return [(d, interleave(d, guilty[0], guilty[1])) for d in docs]

        row(f"bundle of {size}, two colluders", bundle, guilty_count=2, n=max(3, trials // 3))
    row(
        "control: unmarked copy",
        lambda g: [(d := rng.choice(reports), d.detail.text)],
        guilty_count=0,
    )

    def unrelated(_):
        doc, other = rng.sample(reports, 2)
        return [(doc, other.detail.text)]  # genuine official text, not this material

    row("control: unrelated official text", unrelated, guilty_count=0)
    return out


def platform_rows(lib: Library, members: int, trials: int, seed: int) -> list[dict[str, object]]:
    """The file layers through the platform itself: `members` accounts download a material's
    .docx (the download path marks it and logs its SHA-256); a forwarded file, and the same file
    saved again by Word (other bytes, same copy id), are traced by `tracing.trace`."""
    from gongwen.model.member import OPERATOR, Role
    from gongwen.platform.access import Viewer
    from gongwen.platform.accounts import create_user
    from gongwen.platform.downloads import download
    from gongwen.platform.subscriptions import active_subscription, grant
    from gongwen.platform.tracing import trace

    rng = random.Random(seed)
    copies: dict[int, tuple[str, bytes]] = {}
    started = time.perf_counter()
    for i in range(members):
        member = create_user(
            lib, OPERATOR, f"m{i}@bench.example.cn", "bench-password-1", Role.MEMBER
        )
        grant(lib, OPERATOR, member.id, "year")
        viewer = Viewer(member, active_subscription(lib, member.id))
        copies[member.id] = (member.email, download(lib, viewer, 1, Format.DOCX).data)
    print(f"  {members} members downloaded: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    out = []
    for name, alter in (
        ("whole file forwarded (.docx, platform)", lambda b: b),
        ("file saved again (.docx copy id, platform)", _resave),
    ):
        first = identified = innocents = 0
        started = time.perf_counter()
        for _ in range(trials):
            expected, data = copies[rng.choice(list(copies))]
            report = trace(lib, OPERATOR, data=alter(data), filename="x.docx")
            named = [m["email"] for m in report.members]
            first += bool(named) and named[0] == expected
            if report.verdict == "identified":
                identified += named == [expected]
                innocents += any(n != expected for n in named)
        out.append(
            {
                "attack": name,
                "trials": trials,
                "first": first / trials,
                "identified": identified / trials,
                "innocents_accused": innocents,
                "median_sites_read": 0,
                "seconds": round(time.perf_counter() - started, 1),
            }
        )
        print(f"  {name}: {out[-1]}", file=sys.stderr)
    return out


def _resave(data: bytes) -> bytes:
    import io

    import docx

    document = docx.Document(io.BytesIO(data))
    document.add_paragraph("（转发时加的一段）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--members", type=int, default=200)
    p.add_argument("--trials", type=int, default=30)
    p.add_argument("--reports", type=int, default=24, help="gov-corpus reports added (24)")
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument("--json", type=Path)
    p.add_argument("--only", default="", help="run only the rows whose attack contains this")
    args = p.parse_args(argv)
    console = Console(width=160)
    with tempfile.TemporaryDirectory(prefix="gongwen-trace-") as tmp:
        lib = Library.open(Settings(db_url=f"sqlite:///{tmp}/gw.sqlite3"))
        files = sorted(CORPUS.glob("*政府工作报告.csv"))[: args.reports]
        list(ingest(lib, [ROOT / "examples", *files]))
        lab = Lab(lib, args.members, args.seed)
        console.print(
            f"{len(lab.docs)} materials, {sum(len(d.sites) for d in lab.docs):,} sites "
            f"({sum(len(d.detail.text) for d in lab.docs) / max(1, sum(len(d.sites) for d in lab.docs)):.1f} characters per site), "
            f"{args.members} members"
        )
        results = rows(lab, args.trials, args.only)
        if not args.only or args.only in "whole file forwarded (.docx, platform)":
            results = platform_rows(lib, args.members, args.trials, args.seed) + results
        lib.close()
    table = Table(
        title=f"leak tracing, {args.members} members (policy: identified when bound ≤ 1e-6)"
    )
    for col in (
        "attack",
        "trials",
        "ranked first",
        "identified",
        "innocents accused",
        "sites read",
        "target",
    ):
        table.add_column(col, justify="right" if col != "attack" else "left")
    for r in results:
        target = TARGETS.get(str(r["attack"]))
        met = ""
        if target:
            value = r[target[0]]
            met = f"{target[0]} ≥ {target[1]:.0%} {'PASS' if value is not None and value >= target[1] else 'FAIL'}"
        table.add_row(
            str(r["attack"]),
            str(r["trials"]),
            "-" if r["first"] is None else f"{r['first']:.0%}",
            "-" if r["identified"] is None else f"{r['identified']:.0%}",
            str(r["innocents_accused"]),
            f"{r['median_sites_read']:.0f}",
            met,
        )
    console.print(table)
    report = {
        "machine": machine_info(("tantivy", "opencc")),
        "args": {k: str(v) for k, v in vars(args).items()},
        "cutoff": code.CUTOFF,
        "policy_bound": accuse.POLICY_BOUND,
        "rows": results,
    }
    console.print(f"JSON: {write_report(report, args.json, 'trace')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
