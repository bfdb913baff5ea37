"""`embedding`: cosine of the two answers' embeddings, through the SDK and recorded.

Known pairs go to the local server's `/v1/embeddings` (hashed word features: shared words
drive similarity, as with real embeddings), so a paraphrase that keeps the words passes,
and so do a negation and a changed day: what the check cannot see, and says so.
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path

import pytest
import yaml
from devtools.local_openai import LocalServer

from helpers.graded_cases import CLOSED_PORT, answers, grade
from migrate_check.checks import CheckConfigError
from migrate_check.checks.builtin.embedding import EmbeddingCheck, parse_embeddings
from migrate_check.core.results import Outcome
from migrate_check.sending.grading import GraderReply

REFUND = "The refund of $40 was issued today and will reach your card within 5 business days."
MEETING = "The meeting moves to Thursday at 10am."
PAIRS = {
    "paraphrase": (
        [REFUND],
        ["We issued your $40 refund today; it reaches your card within 5 business days."],
    ),
    "negated": ([REFUND], [REFUND.replace("was issued", "was not issued")]),
    "redated": ([MEETING], [MEETING.replace("Thursday", "Tuesday")]),
    "unrelated": ([REFUND], ["Our office plants need watering twice a week in summer."]),
    "empty": ([REFUND], [""]),
}


def _check(options: object = None) -> EmbeddingCheck:
    return EmbeddingCheck.from_options(options, Path("."))


def test_known_pairs_and_what_it_cannot_see(
    server: LocalServer, tmp_path: Path, no_openai_env: None
) -> None:
    results, grader = grade(_check(), PAIRS, tmp_path, base_url=server.base_url)
    outcomes = {case_id: r.outcome for case_id, r in results.items()}
    assert outcomes == {
        "paraphrase": Outcome.SAME,
        # Shared words drive embeddings: a lost "not" or a changed day scores high.
        "negated": Outcome.SAME,
        "redated": Outcome.SAME,
        "unrelated": Outcome.CHANGED,
        "empty": Outcome.CHANGED,
    }
    assert results["negated"].evidence["cosine"] > 0.85
    assert results["unrelated"].evidence["cosine"] < 0.5
    assert "answer is empty" in results["empty"].reason
    for result in results.values():
        assert "not facts" in result.evidence["measures"]
        assert "not facts" in result.reason
        assert result.evidence["model"] == "text-embedding-3-small"
    # One request per case, and what it spent is kept apart.
    assert [(g.model, g.calls) for g in results["paraphrase"].grader] == [
        ("text-embedding-3-small", 1)
    ]
    assert results["paraphrase"].grader[0].usage.input_tokens > 0
    cassette = tmp_path / "pairs" / "paraphrase" / "grader.text-embedding-3-small.yaml"
    (interaction,) = yaml.safe_load(cassette.read_text())["interactions"]
    assert interaction["request"]["uri"].endswith("/embeddings")
    assert "authorization" not in str(interaction["request"]["headers"]).lower()


def test_offline_replay_gives_the_same_verdicts_with_the_network_blocked(
    server: LocalServer, tmp_path: Path, no_openai_env: None
) -> None:
    live, _ = grade(_check(), PAIRS, tmp_path, base_url=server.base_url)
    before = server.stats.requests
    offline, _ = grade(_check(), PAIRS, tmp_path, base_url=CLOSED_PORT, record_mode="none")
    assert server.stats.requests == before
    assert {k: (r.outcome, r.reason) for k, r in offline.items()} == {
        k: (r.outcome, r.reason) for k, r in live.items()
    }


def test_all_samples_go_in_one_request_and_the_noise_floor_applies(
    server: LocalServer, tmp_path: Path, no_openai_env: None
) -> None:
    base = [REFUND, REFUND.replace("today", "this morning"), REFUND.replace("card", "bank card")]
    pairs = {
        "close": (base, [REFUND.replace("5", "five"), REFUND, REFUND.replace("40", "forty")]),
        "far": (base, ["Our office plants need watering twice a week."] * 3),
    }
    results, _ = grade(_check(0.9), pairs, tmp_path, base_url=server.base_url)
    assert results["close"].outcome is Outcome.SAME
    assert results["far"].outcome is Outcome.CHANGED
    assert results["far"].noise is not None and "self-cosine" in results["far"].noise
    assert results["far"].evidence["self_score"] > 90
    for result in results.values():
        assert [g.calls for g in result.grader] == [1]
    body = yaml.safe_load(
        (tmp_path / "pairs" / "far" / "grader.text-embedding-3-small.yaml").read_text()
    )["interactions"][0]["request"]["body"]
    assert len(yaml.safe_load(body)["input"]) == 4  # each distinct text once


def test_a_missing_recording_names_the_case_the_model_and_the_command(tmp_path: Path) -> None:
    results, _ = grade(
        _check(), {"new": ([REFUND], ["x"])}, tmp_path, base_url=CLOSED_PORT, record_mode="none"
    )
    result = results["new"]
    assert result.outcome is Outcome.ERROR
    assert "no recording of the grader 'text-embedding-3-small' for case 'pairs::new'" in (
        result.reason
    )
    assert "pytest pairs.yaml::new --record-mode once" in result.reason


def test_min_reads_a_cosine_or_a_percentage_and_options_are_checked() -> None:
    assert _check(0.8).minimum == _check(80).minimum == 80
    assert _check({"model": "text-embedding-3-large"}).model == "text-embedding-3-large"
    for bad in ({"min": 120}, {"mni": 0.8}, {"model": ""}, {"max_chars": 0}):
        with pytest.raises(CheckConfigError):
            _check(bad)


def test_malformed_answers_are_the_checks_error() -> None:
    check = _check()
    base, cand = answers(["a b"], "gpt-4o-mini"), answers(["c d"], "gpt-4.1-mini")
    (call,) = check.grader_calls(base, cand)
    for text, why in (
        ("not json", "malformed"),
        ('{"data": [{"index": 0, "embedding": "!!"}]}', "malformed"),
        ('{"data": [{"index": 0, "embedding": [1.0]}]}', "2 inputs"),
    ):
        reply = GraderReply("text-embedding-3-small", text=text)
        result = check.judge_with(base, cand, {call.key: reply})
        assert result.outcome is Outcome.ERROR and why in result.reason, result.reason


def test_base64_and_float_vectors_read_alike() -> None:
    values = [0.5, -0.25, 0.125]
    packed = base64.b64encode(struct.pack("<3f", *values)).decode()
    body = {"data": [{"index": 1, "embedding": packed}, {"index": 0, "embedding": values}]}
    assert parse_embeddings(body, 2) == [values, values]
    with pytest.raises(ValueError, match="index"):
        parse_embeddings({"data": [{"index": 3, "embedding": values}]}, 1)
    with pytest.raises(ValueError, match="finite"):
        parse_embeddings({"data": [{"embedding": [float("nan")]}]}, 1)
