"""Benchmark: leak tracing's text layer against resellers' attacks, 200 recipients per material.

Not a test: it prints a table and writes a JSON report, and never fails on a missed target.

    .venv/bin/python bench/trace.py                 # 200 members, 30 trials per row
    .venv/bin/python bench/trace.py --trials 6 --reports 8 --members 200   # a quick look

Setup: a temporary library gets the six sample reports (examples/) and 24 provincial work
reports of the gov-corpus; every one of --members simulated members received every material
(the recipients each bound is a union over). Each member's copy is made exactly as a download
makes it (the member's wording at every site of the paragraphs); each row attacks copies and
traces the result as platform/tracing.py does: the text read with every candidate material's
reader (trace/read.py), each material accused on its own among its recipients, the bounds a
union over the materials read (trace/accuse.py):

- whole text; saved as GBK .txt; docx→txt (GB/T 9704 .docx, its text extracted, format
  characters stripped, NFKC); excerpts of 150/300/600/1,200 characters at random offsets;
  re-wrapped at 28; Simplified→Traditional (OpenCC; the reader converts back); 15 %/30 % of the
  variant phrases reworded (half to the other wording, half to a third word); placeholders
  filled with figures; paragraphs reordered;
- OCR: one and two pages of the copy rendered as PDF (GB/T 9704, LibreOffice), rasterised at
  150 dpi (pdftoppm) and read back by tesseract 5 (chi_sim);
- a mixed leak: ~1,500 characters of three materials, each from another member, pasted
  together (two more materials read as candidates, as the service reads up to five);
- collusion: two members interleaving paragraphs, three voting site by site; bundles of 6 and
  24 documents interleaved by two colluders, pasted together; normalisation by 2, 3 and 5
  colluders (they diff their copies, learn every pair whose wording differs, and write one
  wording per learned pair everywhere);
- controls: an unmarked copy (the base text) and genuine official text of another material;
- through the platform itself (--members accounts): the whole .docx forwarded (SHA-256), the
  .docx saved again (copy id), and a page reader who never downloaded: the member's copy shown
  on the reading page (`reading.material_view`, recorded as a read), its text traced by
  `tracing.trace`.

Per row: the guilty member (or a colluder; for a mixed leak, each material's member) ranked
first; named at `probable` or better; `identified` (bound ≤ 1e-6, only colluders accused);
traces in which an innocent was identified (must be 0) or reached `probable` (target: at most
0.2 % of traces); traces flagged as normalised; the median sites read and informative.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from common import ROOT, machine_info, write_report
from rich.console import Console
from rich.table import Table

from gongwen.config import Settings
from gongwen.export.render import Format, render, to_pdf
from gongwen.ingest.readers import read_source
from gongwen.ingest.service import ingest
from gongwen.library import Library
from gongwen.model.material import MaterialDetail
from gongwen.platform.marking import sites_for
from gongwen.store import materials
from gongwen.trace import accuse, code, mark
from gongwen.trace import read as reading

CORPUS = ROOT.parent / "shared" / "data" / "gov-corpus" / "gwr-provincial-2026"
# attack -> [(measure, target share)]; innocents: 0 identified in every row, probable ≤ 0.2 %.
TARGETS: dict[str, list[tuple[str, float]]] = {
    "whole file forwarded (.docx, platform)": [("identified", 1.0)],
    "whole text": [("identified", 1.0)],
    "page reader, never downloaded (platform)": [("identified", 1.0)],
    "excerpt 1200": [("identified", 0.9)],
    "excerpt 600": [("named", 0.8), ("first", 0.95)],
    "mixed leak, 3 materials × 3 members": [("named", 0.9)],
    "normalised by 2 colluders": [("flagged", 0.9)],
    "normalised by 3 colluders": [("flagged", 0.9)],
    "normalised by 5 colluders": [("flagged", 0.9)],
}
PROBABLE_SHARE = 0.002  # innocents reaching `probable`: at most this share of traces


class CachedMarking:
    """A marking whose members' symbols are computed once (200 members × 30 materials)."""

    def __init__(self, marking: code.Marking) -> None:
        self.marking = marking
        self.biases = marking.biases
        self.revision_id = marking.revision_id
        self.material_id = marking.material_id
        self._symbols: dict[int, list[int]] = {}

    def symbols(self, member: int) -> list[int]:
        found = self._symbols.get(member)
        if found is None:
            found = self._symbols[member] = self.marking.symbols(member)
        return found


@dataclass
class Copy:
    material: int
    detail: MaterialDetail
    sites: list
    marking: CachedMarking
    reader: reading.Reader


@dataclass
class Traced:
    """One trace: each candidate material's verdict."""

    verdicts: dict[int, accuse.Verdict] = field(default_factory=dict)

    @property
    def sites_read(self) -> int:
        return sum(v.sites_read for v in self.verdicts.values())

    @property
    def sites_informative(self) -> int:
        return sum(v.sites_informative for v in self.verdicts.values())


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
            self.docs.append(
                Copy(
                    d.summary.id,
                    d,
                    sites,
                    CachedMarking(marking),
                    reading.Reader(d.text, sites),
                )
            )

    def copy_text(self, doc: Copy, member: int) -> str:
        return mark.apply(doc.detail.text, doc.sites, self.choice(doc, member))

    def choice(self, doc: Copy, member: int) -> list[int]:
        return doc.marking.symbols(member)

    def trace(self, text: str, docs: list[Copy]) -> Traced:
        """As the service traces: every candidate reads the whole text, each material is
        accused among its recipients, the bound a union over the materials read."""
        suspect = reading.normalize(text)
        evidence = []
        for doc in docs:
            reads = doc.reader.read(suspect)
            if reads:
                forms = [s.forms for s in doc.sites]
                evidence.append((doc, accuse.Evidence(doc.marking, reads, forms)))  # type: ignore[arg-type]
        return Traced(
            {
                doc.material: accuse.accuse([e], self.members, tries=len(evidence))
                for doc, e in evidence
            }
        )


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
    return mark.put(doc.detail.text, doc.sites, forms)


def normalise(rng: random.Random, lab: Lab, doc: Copy, colluders: list[int]) -> str:
    """The colluders diff their copies, learn every pair whose wording differs somewhere, and
    write one wording per learned pair everywhere (elsewhere they all agree)."""
    choices = [lab.choice(doc, m) for m in colluders]
    learned = {
        frozenset(s.forms) for i, s in enumerate(doc.sites) if len({c[i] for c in choices}) > 1
    }
    everywhere = {pair: rng.choice(sorted(pair)) for pair in learned}
    words = [
        everywhere.get(frozenset(s.forms), s.forms[choices[0][i]]) for i, s in enumerate(doc.sites)
    ]
    return mark.put(doc.detail.text, doc.sites, words)


class Ocr:
    """Pages of a member's copy rendered as PDF, rasterised and read back by tesseract."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp

    def pages(self, lab: Lab, doc: Copy, member: int, first: int, count: int) -> list[str]:
        chosen = lab.choice(doc, member)
        words = [s.forms[c] for s, c in zip(doc.sites, chosen, strict=True)]
        data = to_pdf(render(mark.marked_detail(doc.detail, doc.sites, words), Format.DOCX).data)
        pdf = self.tmp / "copy.pdf"
        pdf.write_bytes(data)
        texts = []
        for page in range(first, first + count):
            png = self.tmp / "page"
            subprocess.run(
                ["pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-png",
                 "-singlefile", str(pdf), str(png)],
                check=True,
            )  # fmt: skip
            texts.append(
                subprocess.run(
                    ["tesseract", f"{png}.png", "-", "-l", "chi_sim"],
                    check=True,
                    capture_output=True,
                    text=True,
                    # One thread: OpenMP on two shared cores is slower than one.
                    env={**os.environ, "OMP_THREAD_LIMIT": "1"},
                ).stdout
            )
        return texts


# A trial: (the text, the candidate materials, each source material's guilty members).
Trial = tuple[str, list[Copy], dict[int, set[int]]]


def score_row(
    name: str, trials: list[Callable[[], Trial]], lab: Lab, any_source: bool = False
) -> dict[str, object]:
    """`any_source`: a trial succeeds when one source material's verdict does (a bundle of one
    pair of colluders); else every source material's must (a mixed leak of several members)."""
    first = named = identified = innocent_identified = innocent_probable = flagged = 0
    sites_read, informative = [], []
    started = time.perf_counter()
    guilty_rows = False
    for make in trials:
        text, docs, guilty = make()
        traced = lab.trace(text, docs)
        sites_read.append(traced.sites_read)
        informative.append(traced.sites_informative)
        flagged += any(v.normalised for v in traced.verdicts.values())
        innocent_level = 0
        for mid, v in traced.verdicts.items():
            for s in v.suspects:
                if s.member_id not in guilty.get(mid, set()):
                    innocent_level = max(innocent_level, accuse.STRENGTH[s.level])
        innocent_identified += innocent_level == 2
        innocent_probable += innocent_level == 1
        if guilty:
            guilty_rows = True
            oks: list[tuple[bool, bool, bool]] = []
            for mid, who in guilty.items():
                v = traced.verdicts.get(mid)
                ranking = v.ranking if v else []
                oks.append(
                    (
                        bool(ranking) and ranking[0].member_id in who,
                        bool(v and any(s.member_id in who for s in v.suspects)),
                        bool(v and v.verdict == "identified"),
                    )
                )
            combine = any if any_source else all
            first += combine(o[0] for o in oks)
            named += combine(o[1] for o in oks)
            identified += combine(o[2] for o in oks) and innocent_level < 2
    n = len(trials)
    row = {
        "attack": name,
        "trials": n,
        "first": first / n if guilty_rows else None,
        "named": named / n if guilty_rows else None,
        "identified": identified / n if guilty_rows else None,
        "innocents_identified": innocent_identified,
        "innocents_probable": innocent_probable,
        "flagged": flagged / n,
        "median_sites_read": statistics.median(sites_read),
        "median_sites_informative": statistics.median(informative),
        "seconds": round(time.perf_counter() - started, 1),
    }
    print(f"  {name}: {row}", file=sys.stderr)
    return row


def rows(lab: Lab, trials: int, only: str = "", ocr_dir: Path | None = None) -> list[dict]:
    rng = lab.rng
    reports = [d for d in lab.docs if len(d.detail.text) > 3000]
    import opencc

    s2t = opencc.OpenCC("s2t")
    out: list[dict] = []

    def row(name: str, make: Callable[[], Trial], n: int = trials, **kw: bool) -> None:
        if only and only not in name:
            return
        out.append(score_row(name, [make] * n, lab, **kw))

    def one(f: Callable[[Copy, int], str]) -> Callable[[], Trial]:
        def make() -> Trial:
            doc = rng.choice(reports)
            member = rng.choice(lab.members)
            return f(doc, member), [doc], {doc.material: {member}}

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

    def reordered(d: Copy, m: int) -> str:
        paragraphs = lab.copy_text(d, m).split("\n")
        rng.shuffle(paragraphs)
        return "\n".join(paragraphs)

    row("paragraphs reordered", one(reordered))

    def reordered_excerpt(d: Copy, m: int) -> str:
        return excerpt(rng, reordered(d, m), 1200)

    row("paragraphs reordered, excerpt 1200", one(reordered_excerpt))

    ocr_rows = ("OCR, 1 rendered page", "OCR, 2 rendered pages")
    if ocr_dir is not None and any(not only or only in name for name in ocr_rows):
        # One rendering per trial, read for both rows: pages 2 and 3 (the first page holds
        # the notice and the title).
        n = max(3, trials // 2)
        rendered = []
        for _ in range(n):
            doc, member = rng.choice(reports), rng.choice(lab.members)
            rendered.append((doc, member, Ocr(ocr_dir).pages(lab, doc, member, 2, 2)))
        for count, name in enumerate(ocr_rows, start=1):
            pending = iter(rendered)

            def page(count: int = count, pending=pending) -> Trial:
                doc, member, texts = next(pending)
                return "\n".join(texts[:count]), [doc], {doc.material: {member}}

            row(name, page, n=n)

    def mixed() -> Trial:
        sources = rng.sample(reports, 3)
        decoys = rng.sample([d for d in reports if d not in sources], 2)
        members = rng.sample(lab.members, 3)
        text = "\n".join(
            excerpt(rng, lab.copy_text(d, m), 1500) for d, m in zip(sources, members, strict=True)
        )
        return (
            text,
            sources + decoys,
            {d.material: {m} for d, m in zip(sources, members, strict=True)},
        )

    row("mixed leak, 3 materials × 3 members", mixed)

    def interleave(doc: Copy, a: int, b: int) -> str:
        pa = lab.copy_text(doc, a).split("\n")
        pb = lab.copy_text(doc, b).split("\n")
        return "\n".join(
            x if i % 2 == 0 else y for i, (x, y) in enumerate(zip(pa, pb, strict=False))
        )

    def two() -> Trial:
        doc = rng.choice(reports)
        a, b = rng.sample(lab.members, 2)
        return interleave(doc, a, b), [doc], {doc.material: {a, b}}

    row("two members interleaving", two)

    def vote() -> Trial:
        doc = rng.choice(reports)
        guilty = rng.sample(lab.members, 3)
        choices = [lab.choice(doc, m) for m in guilty]
        majority = [1 if sum(c) >= 2 else 0 for c in zip(*choices, strict=True)]
        return mark.apply(doc.detail.text, doc.sites, majority), [doc], {doc.material: set(guilty)}

    row("three members voting", vote)
    for size in (6, 24):

        def bundle(size: int = size) -> Trial:
            docs = rng.sample(reports, min(size, len(reports)))
            a, b = rng.sample(lab.members, 2)
            text = "\n".join(interleave(d, a, b) for d in docs)
            return text, docs, {d.material: {a, b} for d in docs}

        row(f"bundle of {size}, two colluders", bundle, n=max(3, trials // 3), any_source=True)
    for count in (2, 3, 5):

        def normalised(count: int = count) -> Trial:
            doc = rng.choice(reports)
            guilty = rng.sample(lab.members, count)
            return normalise(rng, lab, doc, guilty), [doc], {doc.material: set(guilty)}

        row(f"normalised by {count} colluders", normalised)

    def unmarked() -> Trial:
        doc = rng.choice(reports)
        return doc.detail.text, [doc], {}

    row("control: unmarked copy", unmarked)

    def unrelated() -> Trial:
        doc, other = rng.sample(reports, 2)
        return other.detail.text, [doc], {}  # genuine official text, not this material

    row("control: unrelated official text", unrelated)
    return out


def platform_rows(lib: Library, members: int, trials: int, seed: int) -> list[dict[str, object]]:
    """Through the platform itself: `members` accounts download material 1's .docx (the
    download path marks it and logs its SHA-256); half of them download material 2 too and the
    other half only read it on its page (`reading.material_view`, recorded as a read). A
    forwarded file, the same file saved again by Word (other bytes, same copy id), and the text
    of a page reader's page are traced by `tracing.trace`."""
    from gongwen.model.member import OPERATOR, Role
    from gongwen.platform.access import Viewer
    from gongwen.platform.accounts import create_user
    from gongwen.platform.downloads import download
    from gongwen.platform.reading import material_view
    from gongwen.platform.subscriptions import active_subscription, grant
    from gongwen.platform.tracing import trace

    rng = random.Random(seed)
    copies: dict[int, tuple[str, bytes]] = {}
    pages: dict[int, tuple[str, str]] = {}  # page readers of material 2: (email, page text)
    started = time.perf_counter()
    for i in range(members):
        member = create_user(
            lib, OPERATOR, f"m{i}@bench.example.cn", "bench-password-1", Role.MEMBER
        )
        grant(lib, OPERATOR, member.id, "year")
        viewer = Viewer(member, active_subscription(lib, member.id))
        copies[member.id] = (member.email, download(lib, viewer, 1, Format.DOCX).data)
        if i % 2:
            view = material_view(lib, viewer, 2, with_text=True)
            assert view.marks is not None and view.marks.text
            pages[member.id] = (member.email, view.marks.text)
        else:
            download(lib, viewer, 2, Format.TXT)
    print(f"  {members} members downloaded: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    out = []
    for name, pick in (
        ("whole file forwarded (.docx, platform)", lambda: (copies, {"data": None})),
        ("file saved again (.docx copy id, platform)", lambda: (copies, {"data": _resave})),
        ("page reader, never downloaded (platform)", lambda: (pages, {"text": None})),
    ):
        first = named = identified = innocent_identified = innocent_probable = 0
        sites = []
        started = time.perf_counter()
        for _ in range(trials):
            pool, how = pick()
            expected, payload = pool[rng.choice(list(pool))]
            if "text" in how:
                report = trace(lib, OPERATOR, text=str(payload))
            else:
                alter = how["data"] or (lambda b: b)
                report = trace(lib, OPERATOR, data=alter(payload), filename="x.docx")
            sites.append(report.sites_read)
            emails = [str(m["email"]) for m in report.members]
            first += bool(emails) and emails[0] == expected
            named += expected in emails
            levels = {str(m["email"]): str(m["verdict"]) for m in report.members}
            identified += levels.get(expected) == "identified"
            wrong = [v for e, v in levels.items() if e != expected]
            innocent_identified += "identified" in wrong
            innocent_probable += "probable" in wrong and "identified" not in wrong
        out.append(
            {
                "attack": name,
                "trials": trials,
                "first": first / trials,
                "named": named / trials,
                "identified": identified / trials,
                "innocents_identified": innocent_identified,
                "innocents_probable": innocent_probable,
                "flagged": 0.0,
                "median_sites_read": statistics.median(sites),
                "median_sites_informative": statistics.median(sites),
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


def _pct(value: object) -> str:
    return "-" if value is None else f"{float(value):.0%}"  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--members", type=int, default=200)
    p.add_argument("--trials", type=int, default=30)
    p.add_argument("--reports", type=int, default=24, help="gov-corpus reports added (24)")
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument("--json", type=Path)
    p.add_argument("--only", default="", help="run only the rows whose attack contains this")
    p.add_argument("--no-ocr", action="store_true", help="skip the OCR rows (tesseract)")
    args = p.parse_args(argv)
    console = Console(width=200)
    with tempfile.TemporaryDirectory(prefix="gongwen-trace-") as tmp:
        lib = Library.open(Settings(db_url=f"sqlite:///{tmp}/gw.sqlite3"))
        files = sorted(CORPUS.glob("*政府工作报告.csv"))[: args.reports]
        list(ingest(lib, [ROOT / "examples", *files]))
        lab = Lab(lib, args.members, args.seed)
        n_sites = sum(len(d.sites) for d in lab.docs)
        n_chars = sum(len(d.detail.text) for d in lab.docs)
        console.print(
            f"{len(lab.docs)} materials, {n_sites:,} sites "
            f"({n_chars / max(1, n_sites):.1f} characters per site), "
            f"{args.members} recipients per material"
        )
        ocr_dir = None if args.no_ocr else Path(tmp) / "ocr"
        if ocr_dir is not None:
            ocr_dir.mkdir()
        results = rows(lab, args.trials, args.only, ocr_dir)
        if not args.only or args.only in "platform":
            results = platform_rows(lib, args.members, args.trials, args.seed) + results
        lib.close()
    traces = sum(int(r["trials"]) for r in results)
    probable = sum(int(r["innocents_probable"]) for r in results)
    table = Table(
        title=(
            f"leak tracing, {args.members} recipients per material, {args.trials} trials a row "
            f"(identified: bound ≤ {accuse.POLICY_BOUND:g}; probable: ≤ {accuse.PROBABLE_BOUND:g})"
        )
    )
    columns = (
        "attack",
        "trials",
        "ranked first",
        "probable+",
        "identified",
        "innocents identified",
        "innocents probable",
        "normalised flagged",
        "sites read / informative",
        "target",
    )
    for col in columns:
        table.add_column(col, justify="right" if col != "attack" else "left")
    for r in results:
        verdicts = []
        for measure, share in TARGETS.get(str(r["attack"]), []):
            value = r[measure]
            ok = value is not None and float(value) >= share  # type: ignore[arg-type]
            verdicts.append(f"{measure} ≥ {share:.0%} {'PASS' if ok else 'MISS'}")
        if r["innocents_identified"]:
            verdicts.append("innocent identified: MISS")
        table.add_row(
            str(r["attack"]),
            str(r["trials"]),
            _pct(r["first"]),
            _pct(r["named"]),
            _pct(r["identified"]),
            str(r["innocents_identified"]),
            str(r["innocents_probable"]),
            _pct(r["flagged"]),
            f"{r['median_sites_read']:.0f} / {r['median_sites_informative']:.0f}",
            "; ".join(verdicts),
        )
    console.print(table)
    share = probable / max(1, traces)
    console.print(
        f"innocents reaching probable: {probable} of {traces} traces ({share:.2%}; target ≤ "
        f"{PROBABLE_SHARE:.1%} {'PASS' if share <= PROBABLE_SHARE else 'MISS'}); innocents "
        f"identified: {sum(int(r['innocents_identified']) for r in results)} (target 0)"
    )
    report = {
        "machine": machine_info(("tantivy", "opencc")),
        "args": {k: str(v) for k, v in vars(args).items()},
        "recipients_per_material": args.members,
        "cutoff": code.CUTOFF,
        "policy_bound": accuse.POLICY_BOUND,
        "probable_bound": accuse.PROBABLE_BOUND,
        "innocents_probable": {"traces": traces, "count": probable, "share": share},
        "rows": results,
    }
    console.print(f"JSON: {write_report(report, args.json, 'trace')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
