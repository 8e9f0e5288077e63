"""The formulary: standard political formulations, fixed slogans and the official names of
campaigns, one versioned and sourced list (data/formulations.yaml) shared by the proofreader
(GW5xx: misquotations, fixed lists) and by leak tracing (a variant site is never taken inside
a protected unit: trace/sites.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class Formulation:
    canonical: str
    source: str
    name: str = ""
    wrong: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _raw() -> dict[str, object]:
    import yaml

    text = (
        resources.files("gongwen.proofread").joinpath("data/formulations.yaml").read_text("utf-8")
    )
    loaded: dict[str, object] = yaml.safe_load(text)
    return loaded


@lru_cache(maxsize=1)
def formulations() -> tuple[str, tuple[Formulation, ...]]:
    """(version, entries) of the shipped list."""
    raw = _raw()
    entries = tuple(
        Formulation(
            e["canonical"],
            e["source"],
            e.get("name", ""),
            tuple(e.get("wrong", ())),
            tuple(e.get("items", ())),
        )
        for e in raw["entries"]  # type: ignore[attr-defined]
    )
    return str(raw["version"]), entries


def version() -> str:
    return formulations()[0]


@lru_cache(maxsize=1)
def protected_phrases() -> tuple[str, ...]:
    """Every wording that stays word for word: canonical forms (with and without their
    punctuation), the members of fixed lists, and the misquotations the proofreader knows
    (a misquoted formulation is still not a place to vary wording)."""
    phrases: set[str] = set()
    for f in formulations()[1]:
        for wording in (f.canonical, *f.wrong):
            phrases.add(wording.strip("“”"))
            # Reports often quote a formulation without its 、 or ，: protect that form too.
            phrases.add(re.sub(r"[、，,]", "", wording.strip("“”")))
        phrases.update(f.items)
    return tuple(sorted((p for p in phrases if len(p) >= 2), key=len, reverse=True))


@lru_cache(maxsize=1)
def name_endings() -> tuple[str, ...]:
    """How the official names of campaigns and programmes end (…学习教育, …专项行动): the run
    of Han characters before such an ending is a name and stays as written."""
    endings = _raw().get("name_endings", [])
    return tuple(str(e) for e in endings)  # type: ignore[attr-defined]
