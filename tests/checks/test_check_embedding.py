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
from migrate_check.checks.builtin.embedding import (
    MAX_SENTENCES,
    SENTENCE_CHARS,
    EmbeddingCheck,
    parse_embeddings,
)
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
        assert result.evidence["answered_by"] == "text-embedding-3-small"
        assert "lowest_sentence" not in result.evidence
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
    assert _check().min_sentence is None
    assert _check({"min_sentence": 0.9}).min_sentence == _check({"min_sentence": 90}).min_sentence
    assert _check({"min_sentence": 0.9}).min_sentence == 90
    bad_options = ({"min": 120}, {"mni": 0.8}, {"model": ""}, {"max_chars": 0})
    for bad in (*bad_options, {"min_sentence": -1}, {"min_sentence": "high"}):
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


# ---------------------------------------------------------------- the model that answered


def test_the_evidence_names_the_model_that_answered(
    server: LocalServer, tmp_path: Path, no_openai_env: None
) -> None:
    # The API answers text-embedding-ada-002 as "text-embedding-ada-002-v2".
    check = _check({"model": "text-embedding-ada-002"})
    results, _ = grade(
        check, {"paraphrase": PAIRS["paraphrase"]}, tmp_path, base_url=server.base_url
    )
    result = results["paraphrase"]
    assert result.evidence["model"] == "text-embedding-ada-002"
    assert result.evidence["answered_by"] == "text-embedding-ada-002-v2"
    assert "(text-embedding-ada-002, answered by text-embedding-ada-002-v2;" in result.reason
    offline, _ = grade(
        check,
        {"paraphrase": PAIRS["paraphrase"]},
        tmp_path,
        base_url=CLOSED_PORT,
        record_mode="none",
    )
    assert offline["paraphrase"].evidence["answered_by"] == "text-embedding-ada-002-v2"


# ---------------------------------------------------------------- sentence by sentence

DELIVERY_SENTENCES = (
    "Your order 4521 shipped this morning from our Leeds warehouse.",
    "The courier will deliver it on Thursday between 9am and noon.",
    "Someone must sign for the parcel at the door.",
    "You can follow the parcel with the tracking link in this email.",
    "Reply to this message if the delivery window does not suit you.",
)
DELIVERY = " ".join(DELIVERY_SENTENCES)
SIGN = "Someone must sign for the parcel at the door."
LONG_PAIRS = {
    # One sentence of five dropped: the whole answer still scores high.
    "dropped": ([DELIVERY], [DELIVERY.replace(f"{SIGN} ", "")]),
    # The same sentences in another order.
    "reordered": ([DELIVERY], [" ".join(DELIVERY_SENTENCES[::-1])]),
    # One word changed: that sentence still scores high, so neither cosine sees it.
    "redated": ([DELIVERY], [DELIVERY.replace("Thursday", "Tuesday")]),
}


def test_the_lowest_sentence_catches_a_dropped_sentence_the_whole_answer_hides(
    server: LocalServer, tmp_path: Path, no_openai_env: None
) -> None:
    whole, _ = grade(_check(0.85), LONG_PAIRS, tmp_path / "whole", base_url=server.base_url)
    assert {k: r.outcome for k, r in whole.items()} == dict.fromkeys(LONG_PAIRS, Outcome.SAME)
    assert "lowest_sentence" not in whole["dropped"].evidence

    check = _check({"min": 0.85, "min_sentence": 0.8})
    results, _ = grade(check, LONG_PAIRS, tmp_path / "sentences", base_url=server.base_url)
    assert {k: r.outcome for k, r in results.items()} == {
        "dropped": Outcome.CHANGED,
        "reordered": Outcome.SAME,
        "redated": Outcome.SAME,  # what it cannot see: a one-word change scores high
    }
    dropped = results["dropped"]
    assert dropped.evidence["cosine"] >= 0.85  # the whole answer passes alone
    lowest = dropped.evidence["lowest_sentence"]
    assert lowest["baseline"] == SIGN and lowest["cosine"] < 0.8 and lowest["min"] == 0.8
    assert lowest["candidate"] in DELIVERY  # its closest sentence, quoted
    assert f"lowest sentence cosine {lowest['cosine']:.3f} < 0.8: '{SIGN}'" in dropped.reason
    assert results["reordered"].evidence["lowest_sentence"]["cosine"] == 1.0
    assert results["redated"].evidence["lowest_sentence"]["cosine"] > 0.9
    # Still one request per case, recorded and replayed offline with no key.
    assert [g.calls for g in dropped.grader] == [1]
    offline, _ = grade(
        check, LONG_PAIRS, tmp_path / "sentences", base_url=CLOSED_PORT, record_mode="none"
    )
    assert {k: (r.outcome, r.reason) for k, r in offline.items()} == {
        k: (r.outcome, r.reason) for k, r in results.items()
    }


def test_without_min_sentence_the_request_is_the_whole_answers_only() -> None:
    base = answers([DELIVERY, DELIVERY], "gpt-4o-mini")
    cand = answers([DELIVERY.replace("Thursday", "Friday")], "gpt-4.1-mini")
    (call,) = _check().grader_calls(base, cand)
    assert call.body == {
        "model": "text-embedding-3-small",
        "input": [DELIVERY, DELIVERY.replace("Thursday", "Friday")],
        "encoding_format": "base64",
    }
    (with_sentences,) = _check({"min_sentence": 0.9}).grader_calls(base, cand)
    inputs = with_sentences.body["input"]
    assert inputs[:2] == call.body["input"] and SIGN in inputs
    assert "The courier will deliver it on Friday between 9am and noon." in inputs
    assert len(inputs) == len(set(inputs)) == 2 + 5 + 1  # each distinct sentence once


def test_sentences_are_bounded_and_many_inputs_split_into_calls() -> None:
    many = " ".join(f"Point {i} of the plan is {'long ' * 200}indeed." for i in range(60))
    check = _check({"min_sentence": 90, "max_chars": 10**6})
    (call,) = check.grader_calls(answers([many], "a"), answers(["Short answer."], "b"))
    sentences = call.body["input"][2:]
    # The first 20 of 60 (the candidate's one sentence is its whole answer, sent once).
    assert len(sentences) == MAX_SENTENCES
    assert max(map(len, sentences)) == SENTENCE_CHARS
    # 120 samples of 20 sentences per side: past the API's 2,048 inputs per request.
    texts = [" ".join(f"Sample {s} says {i}." for i in range(20)) for s in range(120)]
    calls = check.grader_calls(answers(texts[:60], "a"), answers(texts[60:], "b"))
    sent = [text for c in calls for text in c.body["input"]]
    assert len(calls) == 2 and all(len(c.body["input"]) <= 2048 for c in calls)
    assert len(sent) == len(set(sent)) == 120 + 120 * 20
    assert len(_check().grader_calls(answers(texts[:60], "a"), answers(texts[60:], "b"))) == 1


def test_with_samples_the_noise_floor_reads_the_lowest_sentence_too(
    server: LocalServer, tmp_path: Path, no_openai_env: None
) -> None:
    base = [DELIVERY, DELIVERY.replace("this morning", "today"), DELIVERY]
    dropped = DELIVERY.replace(f"{SIGN} ", "")
    pairs = {"dropped": (base, [dropped, dropped.replace("noon", "12pm"), dropped])}
    check = _check({"min": 0.85, "min_sentence": 0.8})
    results, _ = grade(check, pairs, tmp_path, base_url=server.base_url)
    result = results["dropped"]
    assert result.outcome is Outcome.CHANGED
    assert result.evidence["cross_score"] >= 85  # the whole answers stay close
    assert result.evidence["sentence_cross_score"] < 80
    assert result.evidence["sentence_self_score"] > result.evidence["sentence_cross_score"] + 5
    assert result.noise is not None and "self-sentence-cosine%" in result.noise
    assert result.evidence["example"]["lowest_sentence"]["baseline"] == SIGN
