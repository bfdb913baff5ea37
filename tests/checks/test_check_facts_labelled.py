"""`facts` on the project's labelled pairs of free-text answers (benchmarks/data/): the
figures measured when the sets were last judged still hold, per kind as well as overall,
so a rule that breaks a kind fails here. `benchmarks/bench_free_text.py` prints the same
figures in full."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from migrate_check.checks import build_check
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import Outcome

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"


def _pairs(names: tuple[str, ...]) -> list[dict[str, Any]]:
    pairs = []
    for name in names:
        with (DATA / name).open(encoding="utf-8") as lines:
            pairs += [json.loads(line) for line in lines if line.strip()]
    return pairs


def _flagged(pairs: list[dict[str, Any]]) -> list[bool]:
    check = build_check(CheckSpec("facts", None), Path("."))
    return [
        check.judge(
            [Completion(model="gpt-4o-mini", text=pair["baseline"])],
            [Completion(model="gpt-4.1-mini", text=pair["candidate"])],
        ).outcome
        is not Outcome.SAME
        for pair in pairs
    ]


# The development set (the rules are written and fixed on it) is twenty-nine files:
# twenty-five were held-out sets, spent once their errors were read; three were written
# as development data (heavy rewordings). It is held to what it measures (5.0% of
# rewordings flagged, 92.6% of changes caught), so a change that makes it worse fails. The held-out
# set (220 pairs in 12 domains, written by people who never saw the rules, never read
# while they were written) is held to what it measures now (9.1% flagged, 92.7% caught;
# when it was added, 12.7% and 93.6%).
DEV_FILES = tuple(
    f"free_text_pairs{suffix}.jsonl"
    for suffix in ("", "_b", "_c", "_d", "_e", "_f", "_g", "_h", "_i", "_j", "_k", "_l", "_m")
    + ("_n", "_o", "_p", "_q", "_r", "_s", "_u", "_v", "_w", "_x", "_y", "_z")
    + ("_aa", "_ab", "_ac", "_ad")
)
HOLDOUT = (0.10, 0.92)
SETS: dict[str, tuple[tuple[str, ...], tuple[float, float]]] = {
    "dev": (DEV_FILES, (0.05, 0.925)),
    "holdout": (("free_text_pairs_holdout.jsonl",), HOLDOUT),
}


@pytest.mark.parametrize("name", list(SETS))
def test_rewordings_pass_and_changes_are_caught(name: str) -> None:
    files, (most_flagged, least_caught) = SETS[name]
    pairs = _pairs(files)
    assert len(pairs) >= 100 and len({p["domain"] for p in pairs}) >= 5
    calls = _flagged(pairs)
    rewords = [c for c, p in zip(calls, pairs, strict=True) if p["label"] == "reword"]
    changes = [c for c, p in zip(calls, pairs, strict=True) if p["label"] == "change"]
    assert sum(rewords) / len(rewords) <= most_flagged
    assert sum(changes) / len(changes) >= least_caught
    by_kind: dict[str, list[bool]] = defaultdict(list)
    for call, pair in zip(calls, pairs, strict=True):
        if pair["label"] == "change":
            by_kind[pair["kind"]].append(call)
    weak = {kind: f"{sum(c)}/{len(c)}" for kind, c in by_kind.items() if sum(c) / len(c) < 0.5}
    assert not weak, f"kinds caught in fewer than half their pairs: {weak}"
