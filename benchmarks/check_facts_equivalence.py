"""Whether a change to `facts`' mechanics kept what it says, pair for pair.

    .venv/bin/python benchmarks/check_facts_equivalence.py record /tmp/facts-before.json
    .venv/bin/python benchmarks/check_facts_equivalence.py compare /tmp/facts-before.json

Speeding up the reading (tokenizing, scanning, matching) must not change one outcome,
reason or piece of evidence; the labelled pairs alone are too few and too clean to show
it. This judges every pair of `data/*.jsonl`, the ~200-word pairs `bench_free_text.py`
times, and `--generated` (3000) seeded pairs built from their sentences (shuffled,
spliced, numbers and words swapped, case changed, punctuation, list markers and
non-ASCII characters added) and short hostile texts (the linear-time test's, cut), with
the default check and with one that sets every option, and records each result (outcome,
reason, evidence) and each text's extraction (facts, steps, words). `record` writes them
from the code as it is (run it on the unchanged tree first); `compare` judges again and
prints how many differ, with the first few. The snapshot is large: keep it out of the
repository.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path
from typing import Any

from migrate_check.checks import build_check
from migrate_check.checks.base import Check
from migrate_check.checks.builtin.fact_extraction import extract
from migrate_check.checks.builtin.fact_lexicon import Lexicon, words
from migrate_check.core.case import CheckSpec
from migrate_check.core.completion import Completion

DATA = Path(__file__).resolve().parent / "data"
#: Every option set, so ignored kinds, regress_on, a suite's lexicon and a cut text count.
OPTIONS = {
    "ignore": ["entities"],
    "regress_on": ["amounts", "dates", "negation", "polarity"],
    "opposites": [["shipped", ["pending", "held"]], ["refundable", "final"]],
    "modals": {"gotta": "must", "may": "should"},
    "max_chars": 700,
}
#: Words swapped in: the lexicon's claims, number words, names, units and currencies.
SWAPS = words(
    """
    not no never cannot can't won't must may should can might could need to approved
    declined accepted rejected open closed higher lower minimum maximum if unless only
    probably likely perhaps expected to one two three seven twenty-one first second
    third half quarter double twice hundred thousand dozen a an the hour hours minutes
    days business working kg mg dollars euros pounds percent cents Monday Tuesday
    Friday today tomorrow noon midnight March June Maria Lopez Dr. St. Northwind
    non-refundable unavailable incorrect refundable available correct then next
    finally click select enter and but or because which at least up to in stock sold out
    """
)
NOISE = list(".,;:!?()[]\"'-–—/|•*#$€@%&") + ["\n", "\n\n", "\n- ", "\n1. ", "\n2) ", " ", "  "]
#: Characters whose case, digits or width are not ASCII's: "ß" casefolds to "ss", "٣" is
#: a digit to `\d`, "İ" lower-cases to two characters.
UNICODE = list("ßİǅ½²٣é’“”‣·\u00a0\u2009\u212a\u017f\u0131")  # Kelvin, long s: (?i) k, s
UNICODE += ["ﬁ", "Ⅻ", "𝟓", "\u212ag", "\u017fec"]
#: Short hostile texts (the test's are 100,000 characters), as pairs of their own.
HOSTILE = ["1", "1,", "1.", "-1", "a", "a@", "a.b@", "http://", "www.", "10:", "+1 ", "Nov "]
HOSTILE += ["3 Nov ", "$", "$1", "no ", "not. ", "not a. ", " ", "Dr. ", "1. ", "\n- a"]
_NUMBER = re.compile(r"\d++")
_WORD = re.compile(r"[^\W\d_][\w'’-]*+")
_SENTENCE = re.compile(r"[^.!?\n]++[.!?\n]*+")


def load_pairs() -> list[tuple[str, str, str]]:
    """(id, baseline, candidate) of the labelled pairs, then of the bench's long pairs."""
    pairs: list[tuple[str, str, str]] = []
    for path in sorted(DATA.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            rows = [json.loads(line) for line in lines if line.strip()]
        pairs += [(f"{path.stem}:{r['id']}", r["baseline"], r["candidate"]) for r in rows]
        for index in range(0, len(rows) - 4, 4):  # as bench_free_text.timing builds them
            group = rows[index : index + 4]
            pairs.append(
                (
                    f"{path.stem}:long{index}",
                    " ".join(p["baseline"] for p in group),
                    " ".join(p["candidate"] for p in group),
                )
            )
    return pairs


def mutate(rng: random.Random, text: str) -> str:
    """`text` with a few seeded edits of the kinds an answer's rewording or change makes."""
    for _ in range(rng.randint(1, 6)):
        edit = rng.randrange(7)
        if edit == 0 and (numbers := list(_NUMBER.finditer(text))):
            match = rng.choice(numbers)
            digits = "".join(rng.choice("0123456789") for _ in match.group())
            text = text[: match.start()] + digits + text[match.end() :]
        elif edit == 1 and (found := list(_WORD.finditer(text))):
            match = rng.choice(found)
            text = text[: match.start()] + rng.choice(SWAPS) + text[match.end() :]
        elif edit == 2 and (found := list(_WORD.finditer(text))):
            match = rng.choice(found)
            word = match.group()
            cased = rng.choice([word.upper(), word.lower(), word.capitalize(), word.swapcase()])
            text = text[: match.start()] + cased + text[match.end() :]
        elif edit == 3:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(NOISE) + text[at:]
        elif edit == 4 and text:
            at = rng.randrange(len(text))
            text = text[:at] + text[at + 1 :]
        elif edit == 5 and rng.random() < 0.3:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + rng.choice(["", " "]) + rng.choice(UNICODE) + text[at:]
        elif edit == 5:
            at = rng.randrange(len(text) + 1)
            text = text[:at] + " " + rng.choice(SWAPS) + " " + text[at:]
        else:
            sentences = _SENTENCE.findall(text)
            rng.shuffle(sentences)
            text = " ".join(s.strip() for s in sentences)
    return text


def generated(pairs: list[tuple[str, str, str]], count: int) -> list[tuple[str, str, str]]:
    """`count` seeded pairs: a splice of the sets' sentences, and that text edited."""
    rng = random.Random(25)
    sentences = [s.strip() for _, b, c in pairs for s in _SENTENCE.findall(b + "\n" + c)]
    sentences = [s for s in sentences if s]
    found = []
    for number in range(count):
        picked = rng.sample(sentences, rng.randint(1, 14))
        joiner = rng.choice([" ", " ", "\n", "\n- ", "\n\n"])
        baseline = joiner.join(picked)
        if rng.random() < 0.3:
            baseline = mutate(rng, baseline)
        candidate = baseline if rng.random() < 0.1 else mutate(rng, baseline)
        if rng.random() < 0.1:
            candidate = candidate.upper() if rng.random() < 0.5 else candidate.lower()
        found.append((f"gen{number}", baseline, candidate))
    for number, piece in enumerate(HOSTILE):
        text = piece * (3000 // len(piece))
        found.append((f"hostile{number}", text, mutate(rng, text)))
    return found


def result_of(check: Check, baseline: str, candidate: str) -> dict[str, Any]:
    result = check.judge(
        [Completion(model="gpt-4o-mini", text=baseline)],
        [Completion(model="gpt-4.1-mini", text=candidate)],
    )
    return {"outcome": result.outcome.value, "reason": result.reason, "evidence": result.evidence}


def _plain(value: Any) -> Any:
    """A JSON-able form of an extraction's parts; sets sorted, so hash order does not count."""
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return [[_plain(k), _plain(v)] for k, v in sorted(value.items(), key=repr)]
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    return value


def extraction_of(text: str, lexicon: Lexicon) -> Any:
    facts = extract(text, 100_000, lexicon)
    t = facts.tokens
    words = [t.words, t.raw, t.starts, t.sentence, t.clause, t.initial, t.item, t.numbered]
    parts = {
        "facts": facts.facts,
        "steps": facts.steps,
        "prefixed": facts.prefixed,
        "words": words,
        "spans": t.sentence_spans,
        "stems": t.stems,
        "marked": t.marked,
        "blanked": t.blanked,
    }
    return {name: _plain(part) for name, part in parts.items()}


def snapshot(count: int) -> dict[str, Any]:
    pairs = load_pairs()
    pairs += generated(pairs, count)
    default = build_check(CheckSpec("facts", None), Path("."))
    configured = build_check(CheckSpec("facts", OPTIONS), Path("."))
    lexicon = Lexicon.build()
    found: dict[str, Any] = {}
    for name, baseline, candidate in pairs:
        found[name] = {
            "default": result_of(default, baseline, candidate),
            "options": result_of(configured, baseline, candidate),
            "baseline": extraction_of(baseline, lexicon),
            "candidate": extraction_of(candidate, lexicon),
        }
    # JSON round trip, so tuples and lists compare as what the file holds
    plain: dict[str, Any] = json.loads(json.dumps(found, ensure_ascii=False))
    return plain


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["record", "compare"])
    parser.add_argument("snapshot", type=Path, help="the JSON file (keep it outside the repo)")
    parser.add_argument("--generated", type=int, default=3000)
    args = parser.parse_args()
    now = snapshot(args.generated)
    if args.action == "record":
        args.snapshot.write_text(json.dumps(now, ensure_ascii=False), encoding="utf-8")
        print(f"recorded {len(now)} pairs to {args.snapshot}")
        return
    before = json.loads(args.snapshot.read_text(encoding="utf-8"))
    differing: dict[str, list[str]] = {"results": [], "extractions": []}
    for name, entry in before.items():
        if name not in now:
            differing["results"].append(f"{name}: not judged now")
            continue
        for part in ("default", "options"):
            if entry[part] != now[name][part]:
                differing["results"].append(f"{name} ({part}): {entry[part]} -> {now[name][part]}")
        for part in ("baseline", "candidate"):
            if entry[part] != now[name][part]:
                keys = [k for k in entry[part] if entry[part][k] != now[name][part].get(k)]
                differing["extractions"].append(f"{name} ({part}): {', '.join(keys)} differ")
    results = len(before) * 2
    print(
        f"{len(before)} pairs ({results} results, {len(before) * 2} extractions) compared: "
        f"{len(differing['results'])} results differ, "
        f"{len(differing['extractions'])} extractions differ"
    )
    for line in (differing["results"] + differing["extractions"])[:10]:
        print("  " + line[:600])
    sys.exit(1 if differing["results"] or differing["extractions"] else 0)


if __name__ == "__main__":
    main()
