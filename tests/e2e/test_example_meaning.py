"""The bundled example's customer-updates suite shows what each check really sees, replayed
offline from the committed cassettes (the grader's included): a paraphrase that rapidfuzz
flags and embeddings pass; a changed day and a negation that rapidfuzz and embeddings
pass and the facts check and the judge catch (a difference a reader acts on, listed by the
judge in both orders: `regressed`)."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import PAIR, REPO

SUITE = "suites/customer_updates.yaml"
EXPECTED = {
    "reworded-release": {
        "similarity": "changed",
        "embedding": "same",
        "facts": "same",
        "judge": "same",
    },
    "moved-review": {
        "similarity": "same",
        "embedding": "same",
        "facts": "regressed",
        "judge": "regressed",
    },
    "warranty-decision": {
        "similarity": "same",
        "embedding": "same",
        "facts": "regressed",
        "judge": "regressed",
    },
}


def test_each_check_does_what_it_really_does(pytester: pytest.Pytester, offline: None) -> None:
    shutil.copytree(REPO / "suites", pytester.path / "suites")
    shutil.copytree(
        REPO / "cassettes" / "customer-updates", pytester.path / "cassettes" / "customer-updates"
    )
    result = pytester.runpytest(SUITE, "--model-pair", PAIR, "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    seen = {
        case["id"]: {check["check"]: check["outcome"] for check in case["checks"]}
        for case in report["cases"]
    }
    for case_id, outcomes in EXPECTED.items():
        assert {k: seen[case_id][k] for k in outcomes} == outcomes, case_id
    judge = next(c for c in report["cases"] if c["id"] == "moved-review")["checks"]
    evidence = next(c for c in judge if c["check"] == "judge")["evidence"]
    moved = [{"kind": "weekdays", "baseline": "Thursday", "candidate": "Tuesday"}]
    assert evidence["orders"]["baseline_first"]["acting"] == moved
    assert evidence["orders"]["candidate_first"]["acting"] == moved
    assert evidence["request_messages"] == 2  # the judge saw the case's system and user
    # Which model judged, asked and answering, where a reader of report.md sees it.
    assert (evidence["model"], evidence["answered_by"]) == ("gpt-4.1", "gpt-4.1-2025-04-14")
    markdown = (pytester.path / "migrate-check-report" / "report.md").read_text()
    assert '"answered_by":"gpt-4.1-2025-04-14","model":"gpt-4.1"' in markdown
    html = (pytester.path / "migrate-check-report" / "report.html").read_text()
    assert "gpt-4.1-2025-04-14" in html
    embedding = next(c for c in judge if c["check"] == "embedding")
    assert "not facts" in embedding["evidence"]["measures"]
    assert {m["model"] for m in report["grading"]["models"]} == {
        "gpt-4.1",
        "text-embedding-3-small",
    }
    result.stdout.fnmatch_lines(["*grading (apart from the pair's cost)*"])
