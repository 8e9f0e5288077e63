"""Benchmark of the statistical wrong-character checker (gongwen.proofread.charlm).

    .venv/bin/python bench/proofread_charlm.py [--model PATH] [--holdout-model PATH]
        [--json bench/results/proofread-charlm-<timestamp>.json]

Rows: ECSpell odw.test (all 500 lines, and the 219 "unseen" lines whose target sentence is
not an odw.train target), sentence-level detection and correction P/R/F1 (SIGHAN style) and
the share of error-free sentences changed; false alarms per 10,000 characters on the national
government work reports 2000-2025 (which are in the training corpus) and, with
``--holdout-model`` (a model built with ``build_model --holdout-provincial 4``), on the texts
that model never saw; throughput on a ~10,000-character report; load time; model file size.
A "change nothing" peer is scored in the same run. The bench never fails on a missed target.

Tuning (odw.train only; needs a ``--train-half A`` build):
``--eval-train-half B --sweep threshold=8,10,12`` scores odw.train half B instead of odw.test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from common import write_report  # noqa: E402

from gongwen.proofread import corpus  # noqa: E402
from gongwen.proofread.charlm import DEFAULT_PATH, CharModel  # noqa: E402

CORPUS = ROOT.parent / "shared" / "data" / "gov-corpus"
ODW = ROOT.parent / "shared" / "data" / "ecspell-odw"


def apply(text: str, model: CharModel) -> str:
    chars = list(text)
    for c in model.corrections(text):
        chars[c.start] = c.replacement
    return "".join(chars)


def score(lines: list[tuple[str, str]], predict: Callable[[str], str]) -> dict[str, Any]:
    """Sentence-level detection and correction P/R/F1 and the clean-changed share."""
    n_err = n_pred = det_ok = cor_ok = clean = clean_changed = 0
    for src, tgt in lines:
        pred = predict(src)
        has_err = src != tgt
        changed = pred != src
        n_err += has_err
        n_pred += changed
        if not has_err:
            clean += 1
            clean_changed += changed
        if has_err and changed and len(pred) == len(src) == len(tgt):
            gold = {i for i, (a, b) in enumerate(zip(src, tgt, strict=True)) if a != b}
            mine = {i for i, (a, b) in enumerate(zip(src, pred, strict=True)) if a != b}
            det_ok += gold == mine
            cor_ok += pred == tgt

    def prf(ok: int) -> tuple[float, float, float]:
        p = ok / n_pred if n_pred else 0.0
        r = ok / n_err if n_err else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)

    dp, dr, df = prf(det_ok)
    cp, cr, cf = prf(cor_ok)
    return {
        "lines": len(lines),
        "with_errors": n_err,
        "det_p": dp,
        "det_r": dr,
        "det_f1": df,
        "cor_p": cp,
        "cor_r": cr,
        "cor_f1": cf,
        "clean_changed": clean_changed / clean if clean else 0.0,
    }


def false_alarms(model: CharModel, texts: list[str]) -> dict[str, Any]:
    chars = sum(len(t) for t in texts)
    found = [c for t in texts for c in model.corrections(t)]
    examples = []
    for t in texts:
        for c in model.corrections(t)[:2]:
            examples.append(t[max(0, c.start - 8) : c.end + 8] + f"  {c.original}->{c.replacement}")
        if len(examples) >= 12:
            break
    return {
        "chars": chars,
        "corrections": len(found),
        "per_10k": 1e4 * len(found) / chars if chars else 0.0,
        "examples": examples[:12],
    }


def national_texts(years: range) -> list[str]:
    out = []
    for year, content in corpus.national_reports(CORPUS / "gwr-national"):
        if year.isdigit() and int(year) in years:
            out.append("\n".join(corpus.national_lines(content)))
    return out


def throughput(model: CharModel, text: str, runs: int = 7) -> dict[str, Any]:
    model.corrections(text)  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        model.corrections(text)
        times.append(time.perf_counter() - t0)
    med = statistics.median(times)
    return {"chars": len(text), "median_s": med, "chars_per_s": len(text) / med}


def odw_rows(model: CharModel | None, args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    train = corpus.read_odw(args.odw / "odw.train")

    def predict(s: str) -> str:
        return apply(s, model) if model is not None else s

    if args.eval_train_half:
        half = [(s, t) for s, t in train if corpus.train_half(t) == args.eval_train_half]
        return {f"odw.train half {args.eval_train_half}": score(half, predict)}
    test = corpus.read_odw(args.odw / "odw.test")
    train_targets = {t for _, t in train}
    unseen = [(s, t) for s, t in test if t not in train_targets]
    return {"odw.test all": score(test, predict), "odw.test unseen": score(unseen, predict)}


def odw_table(title: str, rows: dict[str, dict[str, Any]]) -> Table:
    tab = Table(title=title)
    for col in (
        "set",
        "lines",
        "det P",
        "det R",
        "det F1",
        "cor P",
        "cor R",
        "cor F1",
        "clean changed",
    ):
        tab.add_column(col, justify="right")
    for name, r in rows.items():
        tab.add_row(
            name,
            f"{r['lines']} ({r['with_errors']} err)",
            *(f"{r[k]:.3f}" for k in ("det_p", "det_r", "det_f1", "cor_p", "cor_r", "cor_f1")),
            f"{100 * r['clean_changed']:.1f}%",
        )
    return tab


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--model", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--holdout-model", type=Path, default=None)
    ap.add_argument("--odw", type=Path, default=ODW)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--eval-train-half", choices=("A", "B"), default=None)
    ap.add_argument("--sweep", action="append", default=[], help="NAME=v1,v2 (odw rows only)")
    args = ap.parse_args()
    con = Console(width=150)

    loads = []
    for _ in range(3):
        t0 = time.perf_counter()
        model = CharModel.load(args.model)
        loads.append(time.perf_counter() - t0)
    report: dict[str, Any] = {
        "command": " ".join(sys.argv),
        "model": str(args.model),
        "model_bytes": args.model.stat().st_size,
        "load_s": statistics.median(loads),
        "params": {k: getattr(model.params, k) for k in model.params.__slots__},
        "meta": {k: v for k, v in model.meta.items() if k not in ("vocab",)},
    }

    if args.sweep:
        settings: list[dict[str, Any]] = [{}]
        for spec in args.sweep:
            name, values = spec.split("=", 1)
            settings = [
                {**s, name: type(getattr(model.params, name))(v)}
                for s in settings
                for v in values.split(",")
            ]
        report["sweep"] = []
        for s in settings:
            rows = odw_rows(model.with_params(**s), args)
            report["sweep"].append({"params": s, "rows": rows})
            con.print(odw_table(str(s), rows))
    else:
        rows = odw_rows(model, args)
        report["odw"] = rows
        report["odw_peer_change_nothing"] = odw_rows(None, args)
        con.print(odw_table(f"charlm ({args.model.name})", rows))
        con.print(odw_table("peer: change nothing", report["odw_peer_change_nothing"]))
        if not args.eval_train_half:
            fa = {
                "national 2000-2025 (in training)": false_alarms(
                    model, national_texts(range(2000, 2026))
                )
            }
            if args.holdout_model:
                # Same decoding settings as the model under test, only the counts differ.
                hm = CharModel.load(args.holdout_model).with_params(**report["params"])
                fa[f"held out by {args.holdout_model.name}"] = false_alarms(
                    hm, corpus.named_texts(CORPUS, set(hm.meta.get("holdout", [])))
                )
            report["false_alarms"] = fa
            text = "\n".join(national_texts(range(2024, 2025)))[:10_000]
            report["speed"] = throughput(model, text)
            tab = Table(title="clean text, speed, size")
            tab.add_column("measure")
            tab.add_column("value", justify="right")
            tab.add_column("target", justify="right")
            for name, r in fa.items():
                tab.add_row(
                    f"false alarms / 10k chars, {name} ({r['chars']:,} chars)",
                    f"{r['per_10k']:.2f}",
                    "<= 2",
                )
            sp = report["speed"]
            tab.add_row(
                f"chars/s on a {sp['chars']:,}-char report (median of 7)",
                f"{sp['chars_per_s']:,.0f}",
                ">= 20,000",
            )
            tab.add_row("load time (median of 3)", f"{report['load_s']:.2f} s", "< 1 s")
            tab.add_row("model file", f"{report['model_bytes'] / 1e6:.1f} MB", "<= 40 MB")
            con.print(tab)
            for name, r in fa.items():
                con.print(f"[bold]{name}[/]: " + " | ".join(r["examples"][:8]))

    con.print(f"wrote {write_report(report, args.json, 'proofread-charlm')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
