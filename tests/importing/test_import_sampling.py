"""`migrate-check import --sample N`: a log of thousands of calls becomes a suite that
covers every template the traffic holds, in proportion, the same for the same seed."""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from migrate_check.cli import main
from migrate_check.importing.sampling import shares
from migrate_check.importing.sampling_keys import near_key, template_key, user_text
from migrate_check.suites.loading import load_suite

CALLS = 10_000
RARE_CALLS = 3
TOOL = {
    "type": "function",
    "function": {"name": "lookup_order", "parameters": {"type": "object", "properties": {}}},
}
REFUND = {
    "type": "function",
    "function": {"name": "refund", "parameters": {"type": "object", "properties": {}}},
}
SCHEMA = {
    "type": "json_schema",
    "json_schema": {
        "name": "ticket",
        "schema": {"type": "object", "properties": {"label": {"type": "string"}}},
    },
}
#: Twelve templates, each a request's fixed part; their weights are skewed like traffic.
TEMPLATES: list[dict[str, Any]] = [
    {"system": "You are the billing assistant."},
    {"system": "You are the shipping assistant."},
    {"system": "Summarise the customer's message in one line."},
    {"system": "You are the order desk.", "tools": [TOOL]},
    {"system": "You are the order desk.", "tools": [TOOL, REFUND]},
    {"system": "Label the ticket.", "response_format": SCHEMA},
    {"instructions": "Answer as the returns desk."},
    {"instructions": "Answer as the returns desk.", "tools": [REFUND]},
    {"system": "Translate the message to French."},
    {"system": "Today is {date}. You are the scheduling assistant."},  # a date in it
    {},  # no system prompt at all
    {"system": "You handle legal complaints."},  # the rare one
]
WEIGHTS = [30, 20, 12, 9, 7, 6, 5, 4, 3, 2, 2]
TOPICS = ["invoice", "parcel", "refund", "password", "meeting", "contract", "delivery"]
PLACES = [
    "Oslo",
    "Lima",
    "Accra",
    "Hanoi",
    "Quito",
    "Perth",
    "Riga",
    "Doha",
    "Turin",
    "Cork",
    "Nice",
]
MOODS = [
    "late",
    "odd",
    "new",
    "old",
    "big",
    "small",
    "lost",
    "broken",
    "urgent",
    "second",
    "first",
    "wrong",
    "extra",
]


def logged_request(n: int) -> dict[str, Any]:
    """Call number `n` of the generated traffic: template by weight, the rare template
    `RARE_CALLS` times, and user text that repeats now and then, as traffic does."""
    rare = n in (17, CALLS // 2, CALLS - 5)
    template = 11 if rare else _weighted(n)
    spec = TEMPLATES[template]
    text = f"My {MOODS[n % 13]} {TOPICS[n % 7]} from {PLACES[n % 11]}: case {n % 41} needs help."
    system = spec.get("system", "").replace("{date}", f"2024-05-{1 + n % 28:02d}")
    body: dict[str, Any] = {"model": "gpt-4o-mini"}
    if "instructions" in spec:
        body["instructions"] = spec["instructions"]
        body["input"] = [{"role": "user", "content": text}]
    else:
        messages = [{"role": "system", "content": system}] if system else []
        body["messages"] = [*messages, {"role": "user", "content": text}]
    for key in ("tools", "response_format"):
        if key in spec:
            body[key] = spec[key]
    return body


def _weighted(n: int) -> int:
    point = (n * 7919) % sum(WEIGHTS)
    for template, weight in enumerate(WEIGHTS):
        if point < weight:
            return template
        point -= weight
    raise AssertionError


@pytest.fixture(scope="module")
def traffic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("traffic")
    log = root / "calls.jsonl"
    log.write_text("".join(json.dumps(logged_request(n)) + "\n" for n in range(CALLS)))
    (root / "pytest.ini").write_text("[pytest]\n")
    return log


@pytest.fixture(scope="module")
def sampled(traffic: Path) -> tuple[Path, str]:
    """The sample of 200 with the default seed, and what the import printed."""
    return _import(traffic, "first")


def _import(log: Path, name: str, *extra: str) -> tuple[Path, str]:
    suite = log.parent / "suites" / f"{name}.yaml"
    args = ["import", str(log), "--suite", str(suite), "--sample", "200", *extra]
    return suite, _run(args)


def _run(args: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    return out.getvalue()


def _groups(suite: Path) -> Counter[int]:
    """Cases per template number, as each case's description names its group."""
    found: Counter[int] = Counter()
    for case in load_suite(suite).cases:
        match = re.match(r"Sample group: template (\d+) of 12 \(", case.description)
        assert match, case.description
        found[int(match.group(1))] += 1
    return found


def test_a_sample_of_200_from_10000_calls_covers_all_12_templates_and_repeats(
    traffic: Path, sampled: tuple[Path, str]
) -> None:
    suite, out = sampled
    line = next(line for line in out.splitlines() if "sample:" in line)
    assert "10,000 calls in 12 templates; the suite holds 200 cases covering 12 of 12" in line
    assert "--seed 0" in line
    groups = _groups(suite)
    assert len(load_suite(suite).cases) == 200
    assert "A sample (--sample 200, --seed 0) of 10,000 calls in 12 templates, covering 12;" in (
        load_suite(suite).description
    )
    assert sorted(groups) == list(range(1, 13))
    # proportional: the most called template holds the most cases, the rare one one
    calls = Counter(template_key(*_api_request(logged_request(n))) for n in range(CALLS))
    biggest = max(groups.values())
    assert biggest >= 50 and groups.most_common(1)[0][1] == biggest
    assert sorted(calls.values())[0] == RARE_CALLS
    assert min(groups.values()) == 1

    again, _ = _import(traffic, "again")
    assert again.read_text().replace("suite: again", "") == suite.read_text().replace(
        "suite: first", ""
    )
    other, _ = _import(traffic, "other", "--seed", "7")
    ids = {c.id for c in load_suite(suite).cases}
    assert {c.id for c in load_suite(other).cases} != ids
    assert sorted(_groups(other)) == list(range(1, 13))


def test_the_rare_template_is_kept_and_named(sampled: tuple[Path, str]) -> None:
    suite, _ = sampled
    rare = [c for c in load_suite(suite).cases if "legal complaints" in c.description]
    assert len(rare) == 1
    assert f"({RARE_CALLS} of the 10,000 calls)" in rare[0].description
    assert rare[0].request["messages"][0]["content"] == "You handle legal complaints."


def test_near_duplicates_are_left_out_and_counted(tmp_path: Path) -> None:
    """Requests whose user text differs only in case, spacing or digits are one; the
    sample never takes two of them."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    lines = []
    for n in range(60):
        text = ["Where is order 12?", "where  is ORDER 9913 ?", "Where is order 7?"][n % 3]
        lines.append({"model": "m", "messages": [{"role": "user", "content": f"{text} {n}"}]})
    lines.append({"model": "m", "messages": [{"role": "user", "content": "Cancel my plan."}]})
    log = tmp_path / "log.jsonl"
    log.write_text("".join(json.dumps(body) + "\n" for body in lines))
    suite = tmp_path / "suites" / "near.yaml"
    out = _run(["import", str(log), "--suite", str(suite), "--sample", "50"])
    assert "61 calls in 1 template; the suite holds 3 cases covering 1 of 1" in out
    # 61 distinct requests; normalised, three: "where is order 0? 0" (two spellings),
    # "where is order 0 ? 0" and "cancel my plan."
    assert "58 near duplicates left out" in out
    keys = [near_key(b"", user_text("chat", c.request)) for c in _cases(suite)]
    assert len(set(keys)) == len(keys) == 3


def test_more_templates_than_the_sample_keeps_the_most_called(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    bodies = [
        {"messages": [{"role": "system", "content": f"Role {chr(65 + t)}"}, _user(n)]}
        for t in range(5)
        for n in range(5 - t)
    ]
    log = tmp_path / "log.jsonl"
    log.write_text("".join(json.dumps(body) + "\n" for body in bodies))
    suite = tmp_path / "suites" / "few.yaml"
    out = _run(["import", str(log), "--suite", str(suite), "--sample", "3"])
    assert "15 calls in 5 templates; the suite holds 3 cases covering 3 of 5" in out
    assert "more templates than --sample" in out
    systems = sorted(c.request["messages"][0]["content"] for c in _cases(suite))
    assert systems == ["Role A", "Role B", "Role C"]


def test_an_invalid_case_taken_is_skipped_and_the_sample_taken_again(tmp_path: Path) -> None:
    """Only the cases a sample takes are checked; one that fails is listed as skipped,
    and the sample is taken again from the rest, still N cases."""
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    bodies = [
        {"messages": [_user(n % 8), {"role": "user", "content": TOPICS[n % 7]}]} for n in range(20)
    ]
    bodies.append({"messages": [{"role": "system", "content": "Odd."}, {"role": "wizard"}]})
    log = tmp_path / "log.jsonl"
    log.write_text("".join(json.dumps(body) + "\n" for body in bodies))
    suite = tmp_path / "suites" / "retaken.yaml"
    out = _run(["import", str(log), "--suite", str(suite), "--sample", "4"])
    assert "line 21: not a valid case: message #2 has role 'wizard'" in out
    assert "20 calls in 1 template; the suite holds 4 cases covering 1 of 1" in out
    assert len(_cases(suite)) == 4


def test_shares_are_proportional_with_one_each_and_capped() -> None:
    assert shares([900, 90, 10], [1000, 1000, 1000], 100) == [90, 9, 1]
    assert sum(shares([5, 1, 1, 1], [100, 100, 100, 100], 20)) == 20
    assert shares([1000, 10], [3, 50], 20) == [3, 17]  # the big one has only 3 to give
    assert shares([5, 1, 9], [9, 9, 9], 2) == [1, 0, 1]
    assert shares([], [], 10) == []


def test_sample_must_be_positive(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as info:
        main(["import", str(tmp_path), "--suite", str(tmp_path / "s.yaml"), "--sample", "0"])
    assert info.value.code == 2
    assert "--sample: 0 is not a positive number" in capsys.readouterr().err


def _user(n: int) -> dict[str, str]:
    return {"role": "user", "content": f"Question {'abcdefgh'[n]} please"}


def _cases(suite: Path) -> list[Any]:
    return list(load_suite(suite).cases)


def _api_request(body: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    api = "responses" if "input" in body else "chat"
    return api, {k: v for k, v in body.items() if k != "model"}
