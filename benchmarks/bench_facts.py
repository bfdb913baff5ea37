"""Time the `facts` check alone: judging N pairs of ~200-word answers, median of 3 runs.

    .venv/bin/python benchmarks/bench_facts.py [--pairs N] [--words W]

The texts are support-style answers built from sentences that carry the usual facts
(amounts, dates, weekdays, times, percentages, an e-mail, a URL, a phone number, a
negation) among plain filler; one candidate in four changes a fact. Completions are built
before timing, so the figure is extraction plus comparison.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

from migrate_check.checks import build_check
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion
from migrate_check.core.results import Outcome

FACTS = [
    "Your refund of ${amount} was issued on {month} {day}, 2026.",
    "We issued a {amount} dollar refund to you on {day} {month_short} 2026.",
    "The meeting is moved to {weekday} at {hour}am.",
    "Your plan renews at {pct}% off until {year}-11-{day:02d}.",
    "Write to billing@example.com or call 555-0{hour:02d}0 before {hour}:30 PM.",
    "Details are at https://example.com/orders/{order}.",
    "The order {order} will not ship before {weekday}.",
    "About {thousands},000 customers saw the change last quarter.",
]
FILLER_TEXT = (
    "Thank you for reaching out to us about this and for your patience while we looked "
    "into the details of your account so that we could give you a complete answer"
)
FILLER = FILLER_TEXT.split()


def answer(rng: random.Random, words: int, values: dict[str, object]) -> str:
    sentences: list[str] = []
    count = 0
    while count < words:
        if rng.random() < 0.4:
            sentence = rng.choice(FACTS).format(**values)
        else:
            length = rng.randint(8, 20)
            start = rng.randrange(len(FILLER) - length)
            sentence = " ".join(FILLER[start : start + length]).capitalize() + "."
        sentences.append(sentence)
        count += len(sentence.split())
    return " ".join(sentences)


def fact_values(rng: random.Random) -> dict[str, object]:
    return {
        "amount": rng.randint(5, 500),
        "month": rng.choice(["March", "November"]),
        "month_short": rng.choice(["Mar", "Nov"]),
        "day": rng.randint(1, 28),
        "weekday": rng.choice(["Monday", "Thursday", "Friday"]),
        "hour": rng.randint(1, 11),
        "pct": rng.randint(5, 40),
        "year": rng.choice([2026, 2027]),
        "order": rng.randint(10_000, 99_999),
        "thousands": rng.randint(1, 99),
    }


def _load() -> str:
    """The 1-minute load average: figures from a busy machine read slower than they are."""
    try:
        return f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    except OSError:
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10_000)
    parser.add_argument("--words", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(18)
    pairs: list[tuple[Completion, Completion]] = []
    for _ in range(args.pairs):
        values = fact_values(rng)
        state = rng.getstate()
        baseline = answer(rng, args.words, values)
        if rng.random() < 0.25:
            values = {**values, "weekday": "Tuesday", "pct": 50}
        rng.setstate(state)  # the same sentences, so only the changed facts differ
        candidate = answer(rng, args.words, values)
        pairs.append(
            (
                Completion(model="gpt-4o-mini", text=baseline),
                Completion(model="gpt-4.1-mini", text=candidate),
            )
        )
    check = build_check(CheckSpec("facts", None), Path("."))
    times: list[float] = []
    cpu: list[float] = []
    outcomes: dict[Outcome, int] = {}
    for _ in range(args.runs):
        outcomes = {}
        started, started_cpu = time.perf_counter(), time.process_time()
        for baseline_answer, candidate_answer in pairs:
            outcome = check.judge([baseline_answer], [candidate_answer]).outcome
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    chars = statistics.mean(len(b.text) + len(c.text) for b, c in pairs) / 2
    median = statistics.median(times)
    print(f"facts: {args.pairs:,} pairs of ~{args.words} words (~{chars:.0f} characters each)")
    print(f"  runs: {', '.join(f'{t:.2f} s' for t in times)}")
    print(f"  median: {median:.2f} s, {median / args.pairs * 1e6:.0f} µs per pair")
    print(f"  CPU time (median): {statistics.median(cpu):.2f} s; load average {_load()}")
    print(f"  outcomes: {', '.join(f'{o.value} {n}' for o, n in sorted(outcomes.items()))}")


if __name__ == "__main__":
    main()
