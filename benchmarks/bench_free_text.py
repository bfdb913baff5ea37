"""How well the free-text checks tell a harmless rewording from a change a reader acts on.

    .venv/bin/python benchmarks/bench_free_text.py                  # dev, then holdout
    .venv/bin/python benchmarks/bench_free_text.py --set dev --errors facts
    .venv/bin/python benchmarks/bench_free_text.py --per-file       # each dev file apart too
    .venv/bin/python benchmarks/bench_free_text.py --embeddings-url http://127.0.0.1:8765/v1

Reads the labelled pairs in `benchmarks/data/`. The development set is every
`free_text_pairs*.jsonl` there but the held-out one (`SETS` lists them): most were
held-out sets whose errors have since been read and the rules fixed on them, so they no
longer measure unseen text. The held-out set is `free_text_pairs_holdout.jsonl`,
written by people who never saw the rules and never read while they were written; it is
skipped, with a line saying so, if that file is absent.
Each pair is judged with each check as a suite would (`build_check` and `judge`, no
pytest; `facts` also with `rewritten_below: 0`, every finding counted), and the bench
prints per check the share of rewordings flagged (anything but `same`) and of changes
caught, then for `facts` the same per kind of change and kind of
rewording, and its time per pair (on `free_text_pairs.jsonl`, so the figure compares with
earlier runs).
`--per-file` also reports each development file on its own.
`--embeddings-url` adds the `embedding` check against an
OpenAI-compatible `/v1/embeddings` server (for example a real sentence-embedding model
served locally, see `serve_embeddings.py`); without it `embedding` is left out, as no
model is at hand. `embedding` is graded as a suite records it: live through the SDK and
vcrpy (record mode `all`) into throwaway grader cassettes. `--cosines` adds its median
whole-answer cosine for rewordings, changes, hard changes and changes of at most 3 words.
`--errors CHECK` lists that check's wrong calls on the development set only (reading the
held-out set's errors would tune the rules to it and spend it).
"""

from __future__ import annotations

import argparse
import difflib
import json
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from migrate_check.checks import build_check
from migrate_check.checks.base import Check
from migrate_check.checks.graded import GradedCheck
from migrate_check.core.case import Case, CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome
from migrate_check.sending.grading import Grader
from migrate_check.sending.settings import RunnerSettings

DATA = Path(__file__).resolve().parent / "data"
# The development set: the rules are written and fixed on these. b, c, d, e, f, i, k, l, m,
# n, o, p, q, r, s, u, v, w, x, y, z, aa, ab, ac and ad were held-out sets, each
# measured once before its errors were read;
# g and h were written as development data (rewordings heavy with formatting, then with
# claims restated), j too (long rewordings that reformat and restructure at once). The
# held-out set: never read while the rules were written (its errors are never listed).
SETS: dict[str, list[Path]] = {
    "dev": [
        DATA / "free_text_pairs.jsonl",
        DATA / "free_text_pairs_b.jsonl",
        DATA / "free_text_pairs_c.jsonl",
        DATA / "free_text_pairs_d.jsonl",
        DATA / "free_text_pairs_e.jsonl",
        DATA / "free_text_pairs_f.jsonl",
        DATA / "free_text_pairs_g.jsonl",
        DATA / "free_text_pairs_h.jsonl",
        DATA / "free_text_pairs_i.jsonl",
        DATA / "free_text_pairs_j.jsonl",
        DATA / "free_text_pairs_k.jsonl",
        DATA / "free_text_pairs_l.jsonl",
        DATA / "free_text_pairs_m.jsonl",
        DATA / "free_text_pairs_n.jsonl",
        DATA / "free_text_pairs_o.jsonl",
        DATA / "free_text_pairs_p.jsonl",
        DATA / "free_text_pairs_q.jsonl",
        DATA / "free_text_pairs_r.jsonl",
        DATA / "free_text_pairs_s.jsonl",
        DATA / "free_text_pairs_u.jsonl",
        DATA / "free_text_pairs_v.jsonl",
        DATA / "free_text_pairs_w.jsonl",
        DATA / "free_text_pairs_x.jsonl",
        DATA / "free_text_pairs_y.jsonl",
        DATA / "free_text_pairs_z.jsonl",
        DATA / "free_text_pairs_aa.jsonl",
        DATA / "free_text_pairs_ab.jsonl",
        DATA / "free_text_pairs_ac.jsonl",
        DATA / "free_text_pairs_ad.jsonl",
    ],
    "holdout": [DATA / "free_text_pairs_holdout.jsonl"],
}
CHECKS: dict[str, tuple[str, Any]] = {
    "facts": ("facts", None),
    # what counting every finding costs and gains: one-sided claims and worded values in
    # answers rewritten throughout count too (fact_rewrites)
    "facts (rewritten_below 0)": ("facts", {"rewritten_below": 0}),
    "similarity (ratio, 80)": ("similarity", {"min": 80, "scorer": "ratio"}),
    "similarity (partial_ratio, 85)": ("similarity", {"min": 85, "scorer": "partial_ratio"}),
    "similarity (token_set_ratio, 90)": ("similarity", {"min": 90, "scorer": "token_set_ratio"}),
}


def load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def load_set(paths: list[Path]) -> list[dict[str, Any]]:
    """A set's pairs, its files' in order."""
    return [pair for path in paths for pair in load(path)]


def flagged(check: Check, pair: dict[str, Any]) -> bool:
    result = check.judge(
        [Completion(model="gpt-4o-mini", text=pair["baseline"])],
        [Completion(model="gpt-4.1-mini", text=pair["candidate"])],
    )
    return result.outcome is not Outcome.SAME


def graded(check: GradedCheck, pairs: list[dict[str, Any]]) -> list[CheckResult]:
    """Each pair's verdict from a grader model (`judge` alone cannot call one): live at
    OPENAI_BASE_URL, recorded into a temporary folder; an error stops the bench, as
    counting it as flagged would read as a change caught."""
    with tempfile.TemporaryDirectory() as cassettes:
        settings = RunnerSettings(record_mode="all", cassette_dir=Path(cassettes), max_retries=0)
        grader = Grader(settings, lambda case, model, mode: f"--record-mode {mode}")
        jobs = [
            (
                Case("free-text", pair["id"], {}, ()),
                [Completion(model="gpt-4o-mini", text=pair["baseline"])],
                [Completion(model="gpt-4.1-mini", text=pair["candidate"])],
            )
            for pair in pairs
        ]
        grader.fetch([(case, check.grader_calls(b, c)) for case, b, c in jobs])
        results = [check.judge_with(b, c, grader.replies(case)) for case, b, c in jobs]
    for result in results:
        if result.outcome is Outcome.ERROR:
            raise SystemExit(f"{check.label}: {result.reason}")
    return results


def words_changed(pair: dict[str, Any]) -> int:
    """Words replaced, added or dropped between the pair's texts (the larger side of each)."""
    a, b = pair["baseline"].split(), pair["candidate"].split()
    opcodes = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    return sum(max(i2 - i1, j2 - j1) for op, i1, i2, j1, j2 in opcodes if op != "equal")


def print_cosines(label: str, pairs: list[dict[str, Any]], results: list[CheckResult]) -> None:
    """The median whole-answer cosine per group of pairs."""
    found = [(p, (r.evidence or {}).get("cosine")) for p, r in zip(pairs, results, strict=True)]
    groups: dict[str, Callable[[dict[str, Any]], bool]] = {
        "rewordings": lambda p: p["label"] == "reword",
        "changes": lambda p: p["label"] == "change",
        "changes, hard": lambda p: p["label"] == "change" and bool(p.get("hard")),
        "changes, <= 3 words": lambda p: p["label"] == "change" and words_changed(p) <= 3,
    }
    print(f"\n{label}: median whole-answer cosine")
    for name, chosen in groups.items():
        values = [c for p, c in found if chosen(p) and isinstance(c, float)]
        median = f"{statistics.median(values):.3f}" if values else "-"
        low = f", lowest {min(values):.3f}" if values else ""
        print(f"  {name:22} {median} over {len(values)} pairs{low}")


def share(hits: int, total: int) -> str:
    return f"{100 * hits / total:5.1f}% ({hits}/{total})" if total else "    -"


def report(
    name: str,
    pairs: list[dict[str, Any]],
    checks: dict[str, Check],
    errors: str | None,
    cosines: bool = False,
) -> None:
    print(f"\n## {name}: {len(pairs)} pairs, {len({p['domain'] for p in pairs})} domains")
    print(f"{'check':36} {'rewordings flagged':>22} {'changes caught':>22}")
    calls: dict[str, list[bool]] = {}
    graded_results: dict[str, list[CheckResult]] = {}
    for label, check in checks.items():
        if isinstance(check, GradedCheck):
            graded_results[label] = graded(check, pairs)
            calls[label] = [r.outcome is not Outcome.SAME for r in graded_results[label]]
        else:
            calls[label] = [flagged(check, pair) for pair in pairs]
        rewords = [c for c, p in zip(calls[label], pairs, strict=True) if p["label"] == "reword"]
        changes = [c for c, p in zip(calls[label], pairs, strict=True) if p["label"] == "change"]
        print(
            f"{label:36} {share(sum(rewords), len(rewords)):>22}"
            f" {share(sum(changes), len(changes)):>22}"
        )
    facts = calls["facts"]
    for label_name, heading in (
        ("change", "facts: changes caught"),
        ("reword", "facts: rewordings flagged"),
    ):
        by_kind: dict[str, list[bool]] = defaultdict(list)
        hard: list[bool] = []
        for call, pair in zip(facts, pairs, strict=True):
            if pair["label"] == label_name:
                by_kind[pair["kind"]].append(call)
                if pair.get("hard"):
                    hard.append(call)
        print(f"\n{heading}, by kind")
        for kind in sorted(by_kind):
            print(f"  {kind:14} {share(sum(by_kind[kind]), len(by_kind[kind]))}")
        print(f"  {'(hard ones)':14} {share(sum(hard), len(hard))}")
    for label, results in graded_results.items() if cosines else ():
        print_cosines(label, pairs, results)
    if errors:
        check = checks[errors]
        print(f"\n{errors}: wrong calls")
        for index, (call, pair) in enumerate(zip(calls[errors], pairs, strict=True)):
            if call != (pair["label"] == "change"):
                if errors in graded_results:
                    result = graded_results[errors][index]
                else:
                    result = check.judge(
                        [Completion(model="a", text=pair["baseline"])],
                        [Completion(model="b", text=pair["candidate"])],
                    )
                print(f"- {pair['id']} [{pair['label']}/{pair['kind']}] {result.reason}")
                print(f"    why: {pair['why']}")


def timing(pairs: list[dict[str, Any]], check: Check, rounds: int = 9) -> None:
    """facts' time per pair on the set, and on pairs of ~200-word answers built from it."""
    long_pairs = []
    for index in range(0, len(pairs) - 4, 4):
        group = pairs[index : index + 4]
        long_pairs.append(
            {
                "baseline": " ".join(p["baseline"] for p in group),
                "candidate": " ".join(p["candidate"] for p in group),
            }
        )
    for label, chosen in (("the labelled pairs", pairs), ("~200-word answers", long_pairs)):
        words = statistics.mean(len(p["baseline"].split()) for p in chosen)
        runs = []
        for _ in range(rounds):
            started = time.perf_counter()
            for pair in chosen:
                flagged(check, pair)
            runs.append((time.perf_counter() - started) / len(chosen))
        # The median says what a run takes on this machine as it is; the best of the
        # rounds is the figure least disturbed by other work on it (as timeit reports).
        print(
            f"facts, {label} (mean {words:.0f} words): "
            f"{1000 * statistics.median(runs):.3f} ms per pair "
            f"(best of {rounds}: {1000 * min(runs):.3f} ms)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", choices=[*SETS, "both"], default="both")
    parser.add_argument("--errors", help="list this check's wrong calls (development set)")
    parser.add_argument(
        "--per-file", action="store_true", help="also report each development file apart"
    )
    parser.add_argument("--embeddings-url", help="an OpenAI-compatible /v1 base URL")
    parser.add_argument("--embedding-model", default="text-embedding-3-small")
    parser.add_argument("--cosines", action="store_true", help="median cosines (embedding)")
    args = parser.parse_args()
    checks: dict[str, Check] = {
        label: build_check(CheckSpec(name, options), Path("."))
        for label, (name, options) in CHECKS.items()
    }
    if args.embeddings_url:
        os.environ["OPENAI_BASE_URL"] = args.embeddings_url
        os.environ.setdefault("OPENAI_API_KEY", "sk-local-benchmark")
        options = {"min": 0.85, "model": args.embedding_model}
        checks["embedding (0.85)"] = build_check(CheckSpec("embedding", options), Path("."))
    chosen = list(SETS) if args.set == "both" else [args.set]
    for name in chosen:
        missing = [path.name for path in SETS[name] if not path.exists()]
        if missing:
            print(f"\n## {name}: skipped, {', '.join(missing)} not in benchmarks/data/")
            continue
        # Errors are listed for the development set only: never the held-out set's.
        errors = args.errors if name == "dev" else None
        if name == "dev" and args.per_file and len(SETS[name]) > 1:
            for path in SETS[name]:
                report(f"{name}, {path.name}", load(path), checks, None, args.cosines)
        report(name, load_set(SETS[name]), checks, errors, args.cosines)
    print()
    # Timed on the first development file alone, so the figure compares with earlier runs.
    timing(load(SETS["dev"][0]), checks["facts"])


if __name__ == "__main__":
    main()
