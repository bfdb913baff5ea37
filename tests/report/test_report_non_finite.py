"""No report shows or writes infinity or NaN (issue 31).

Prices are bounded where they are read, but usage is what a response says: a recorded
response that claims 10^308 tokens each way still makes a cost overflow to infinity, and
the candidate/baseline ratio NaN. The terminal, report.md and report.html then say "n/a"
(not "$inf" or "nanx"), and report.json has null there (not "Infinity" strings that
break its own schema). Recorded live against the local server, replayed offline.
"""

from __future__ import annotations

import json
import re

import jsonschema
import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite
from migrate_check.report.writers import json_report

SUITE = """
    suite: figures
    cases:
      - id: huge
        messages: [{role: user, content: "Say hello to the team."}]
"""
HUGE = 10**308  # an integer in JSON: finite, but times a price it overflows a float
NON_FINITE = re.compile(r"\$-?inf|\binf\b|\bnan|Infinity|NaN", re.IGNORECASE)


def _claim_huge_usage(path: str) -> None:
    with open(path, encoding="utf-8") as handle:
        cassette = yaml.safe_load(handle)
    (exchange,) = cassette["interactions"]
    body = json.loads(exchange["response"]["body"]["string"])
    body["usage"]["prompt_tokens"] = body["usage"]["completion_tokens"] = HUGE
    exchange["response"]["body"]["string"] = json.dumps(body)
    with open(path, "w", encoding="utf-8") as handle:
        yaml.safe_dump(cassette, handle)


def test_an_infinite_cost_is_not_available_in_every_report(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, "figures", SUITE)
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once").assert_outcomes(passed=1)
    for model in ("gpt-4o-mini", "gpt-4.1-mini"):
        _claim_huge_usage(str(pytester.path / "cassettes" / "figures" / "huge" / f"{model}.yaml"))
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    result = pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    terminal = result.stdout.str()
    summary = terminal[terminal.index("migrate-check ===") :]
    assert not NON_FINITE.search(summary), summary
    # The candidate's cost overflowed; the baseline's is absurd but finite (0.75e302).
    assert re.search(r"gpt-4.1-mini \(candidate\) +n/a +n/a ", summary), summary
    assert re.search(r"gpt-4o-mini \(baseline\) +\$7.5e\+301 +\$7.5e\+304 .* 1e\+308", summary)

    folder = pytester.path / "migrate-check-report"
    text = (folder / "report.json").read_text()
    assert not NON_FINITE.search(text), NON_FINITE.search(text)
    document = json.loads(text)
    jsonschema.Draft202012Validator(json_report.schema()).validate(document)
    candidate = document["aggregates"]["models"]["candidate"]
    assert candidate["cost_usd"] is None and candidate["input_tokens"] == HUGE
    assert document["aggregates"]["ratios"]["cost"] is None
    cheaper = [c for c in document["aggregates"]["claims"] if c["claim"] == "cheaper"]
    assert cheaper and all(c["finding"] == "no data" for c in cheaper), cheaper
    for name in ("report.md", "comment.md", "report.html"):
        found = NON_FINITE.search((folder / name).read_text())
        assert found is None, (name, found)
