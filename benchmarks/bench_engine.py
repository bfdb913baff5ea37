"""Time the comparison engine alone on 10,000 case pairs with a typical check set.

    /work/venv/bin/python benchmarks/bench_engine.py [--cases N] [--samples K]

Checks: schema + similarity + equal $.queue. One case in five changes queue, one in
twenty fails the schema on the candidate (a fenced answer), the rest differ in wording.
Completions are built before timing; JSON parsing happens inside the engine, as in a run.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

from migrate_check.checks import build_check
from migrate_check.core.case import Case, CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import Outcome
from migrate_check.judging.engine import judge_case

SCHEMA = {
    "type": "object",
    "properties": {
        "queue": {"enum": ["billing", "tech", "refunds"]},
        "priority": {"type": "integer", "minimum": 1, "maximum": 5},
        "summary": {"type": "string"},
    },
    "required": ["queue", "priority", "summary"],
    "additionalProperties": False,
}
SUMMARIES = [
    "Customer wants a refund for order {n}; the parcel arrived damaged.",
    "The customer asks for their money back on order {n} because it arrived broken.",
    "Login fails with error 500 after the password reset on account {n}.",
    "User {n} cannot sign in since resetting the password; server error shown.",
]


def answer(model: str, rng: random.Random, n: int, queue: str, fenced: bool) -> Completion:
    body = json.dumps(
        {
            "queue": queue,
            "priority": rng.randint(1, 5),
            "summary": rng.choice(SUMMARIES).format(n=n),
        }
    )
    return Completion(model=model, text=f"```json\n{body}\n```" if fenced else body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(1234)
    specs = (
        CheckSpec("schema", SCHEMA),
        CheckSpec("similarity", {"min": 85}),
        CheckSpec("equal", {"path": "$.queue"}),
    )
    checks = [build_check(spec, Path.cwd()) for spec in specs]
    work = []
    for n in range(args.cases):
        queue = rng.choice(["billing", "tech", "refunds"])
        moved = rng.choice(["billing", "tech", "refunds"]) if n % 5 == 0 else queue
        case = Case("bench", f"case-{n}", {}, specs, samples=args.samples)
        baseline = [answer("gpt-4o-mini", rng, n, queue, False) for _ in range(args.samples)]
        candidate = [
            answer("gpt-4.1-mini", rng, n, moved, n % 20 == 0) for _ in range(args.samples)
        ]
        work.append((case, baseline, candidate))

    started = time.perf_counter()
    results = [judge_case(case, base, cand, checks) for case, base, cand in work]
    elapsed = time.perf_counter() - started

    counts = {o.value: 0 for o in Outcome}
    for result in results:
        counts[result.outcome.value] += 1
    print(f"{args.cases} cases x {args.samples} sample(s), checks: schema, similarity, equal")
    print(f"total {elapsed:.2f} s, {args.cases / elapsed:,.0f} cases/s")
    print("case outcomes:", ", ".join(f"{k} {v}" for k, v in counts.items() if v))


if __name__ == "__main__":
    main()
