"""Personal data in an import: counted per suite, and with `--redact` replaced by
placeholders consistent within a case, in the suite and in the baseline's cassettes
alike, so the redacted suite still records the candidate and replays offline."""

from __future__ import annotations

import contextlib
import io
import json
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from devtools.local_openai import LocalServer
from imported_cassettes import interaction, write_cassette

from migrate_check.cli import main
from migrate_check.importing.redaction import CaseRedaction, kinds_of, parse_kinds
from migrate_check.importing.redaction_bodies import Parts, Privacy
from migrate_check.suites.loading import load_suite

MODEL = "gpt-4o-mini"
EMAIL, OTHER_EMAIL = "Alice.Smith@example.com", "bob.jones@example.org"
PHONE, CARD = "+1 415 555 0100", "4111 1111 1111 1111"
IBAN, IP = "DE89 3704 0044 0532 0130 00", "192.168.10.20"
#: Every original value, as a written file could hold it.
ORIGINALS = [EMAIL, EMAIL.lower(), OTHER_EMAIL, PHONE, CARD, "4111111111111111", IBAN, IP]


def test_a_value_keeps_its_placeholder_within_a_case() -> None:
    case = CaseRedaction(frozenset({"email", "phone"}))
    first = case.text(f"Write to {EMAIL} or {OTHER_EMAIL}, call {PHONE}.")
    again = case.value({"answer": [f"Done: {EMAIL.lower()} was told ({PHONE})."]})
    assert first == "Write to <email-1> or <email-2>, call <phone-1>."
    assert again == {"answer": ["Done: <email-1> was told (<phone-1>)."]}
    assert kinds_of(case.found) == ["email", "phone"]
    assert "2 e-mail addresses, 1 phone number" in case.note()
    other = CaseRedaction(frozenset({"email"}))  # another case numbers from 1 again
    assert other.text(f"cc {OTHER_EMAIL}") == "cc <email-1>"


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (f"card {CARD} please", ["card"]),
        ("card 4111 1111 1111 1112 please", []),  # fails the Luhn check
        ("order 1234567890123 shipped", []),  # a long number that is no card
        (f"pay to {IBAN} today", ["iban"]),
        ("pay to DE89 3704 0044 0532 0130 01 today", []),  # wrong check digits
        ("SSN 123-45-6789 on file", ["ssn"]),
        (f"from {IP} and 2001:db8::8a2e:370:7334", ["ip"]),
        ("version 3.12 at 10:30, ratio 1:2", []),
        ("mail me: a@b", []),  # no domain
    ],
)
def test_kinds_are_found_and_checked(text: str, kinds: list[str]) -> None:
    case = CaseRedaction(frozenset())
    assert case.text(text) == text  # found, not replaced: nothing asked
    assert kinds_of(case.found) == kinds


def test_patterns_stay_linear_on_hostile_text() -> None:
    hostile = [
        "1 " * 200_000,
        "a@" * 200_000,
        "+1" + "-" * 200_000,
        "DE00" + " A" * 200_000,
        "1." * 200_000,
        "a:" * 200_000 + "::",
        "1234-" * 100_000,
    ]
    for text in hostile:
        started = time.perf_counter()
        CaseRedaction(frozenset({"email", "phone", "card", "iban", "ssn", "ip"})).text(text)
        assert time.perf_counter() - started < 2, text[:12]


def test_a_responses_stream_that_splits_a_value_is_refused() -> None:
    """Replay reads a Responses stream's final event (redacted as a whole), but its deltas
    still spell the address out: the prompt is not imported."""
    final = {"type": "response.completed", "response": {"output_text": f"Hi {EMAIL}"}}
    events = [
        {"type": "response.output_text.delta", "delta": piece}
        for piece in ["Hi alice.smith", "@example", ".com"]
    ]
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in [*events, final])
    streamed = {
        "request": {"method": "POST", "uri": "https://api.openai.com/v1/responses", "body": "{}"},
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"content-type": ["text/event-stream; charset=utf-8"]},
            "body": {"string": body},
        },
    }
    parts = Parts({"input": "Say hi"}, [], "", None, streamed)
    refused = Privacy(frozenset({"email"})).apply(parts)
    assert refused == (
        "its recorded stream holds 1 e-mail address split across events, which --redact "
        "cannot replace"
    )
    found = Privacy().apply(parts)  # counted, nothing asked to be replaced: imported
    assert isinstance(found, Parts) and kinds_of(found.found) == ["email"]
    assert found.interactions is streamed


def test_kinds_are_named_or_all(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert parse_kinds("all") == parse_kinds("email,phone,card,iban,ssn,ip")
    assert parse_kinds(" Email , ip") == {"email", "ip"}
    log = tmp_path / "log.jsonl"
    log.write_text(json.dumps({"messages": [{"role": "user", "content": "hi"}]}) + "\n")
    code = main(["import", str(log), "--suite", str(tmp_path / "s.yaml"), "--redact", "mail"])
    err = capsys.readouterr().err
    assert code == 2 and "--redact 'mail': mail is not one of email, phone" in err
    assert not (tmp_path / "s.yaml").exists()


def test_personal_data_is_counted_and_left_as_is_without_redact(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    log = tmp_path / "log.jsonl"
    texts = [f"I am {EMAIL}", f"Call {PHONE} or {OTHER_EMAIL}", "Nothing personal here"]
    log.write_text("".join(json.dumps(_body(text)) + "\n" for text in texts))
    suite = tmp_path / "suites" / "plain.yaml"
    out = _run(["import", str(log), "--suite", str(suite)])
    assert "personal data: 2 of 3 cases hold some: e-mail addresses in 2, phone numbers in 1" in out
    assert "not redacted: --redact email,phone (or all) replaces them" in out
    assert EMAIL in suite.read_text()


def test_redacted_import_replays_offline_and_holds_no_original(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = pytester.path / "recorded"
    write_cassette(
        recorded / "support.yaml",
        interaction(
            MODEL,
            f"Email {EMAIL} and call {PHONE} about card {CARD}.",
            f"I have written to {EMAIL.lower()} and will call {PHONE}.",
        ),
        interaction(MODEL, f"My IBAN is {IBAN}, from {IP}.", f"Noted; {OTHER_EMAIL} is copied."),
        _streamed(f"Reach me at {OTHER_EMAIL}.", ["Sure", ", I will."]),
        _streamed(f"Who owns {EMAIL}?", ["alice.smith", "@example", ".com"]),  # split
    )
    out = _run(["import", str(recorded), "--suite", "suites/app.yaml", "--redact", "all"])
    assert "wrote suites/app.yaml: 3 cases" in out
    assert "personal data: 3 of 3 cases hold some: e-mail addresses in 3" in out
    assert "redacted (e-mail addresses, phone numbers, card numbers, IBANs" in out
    assert "3 cases, each saying so in its description" in out
    assert "split across events, which --redact cannot replace" in out  # the 4th: left out

    suite = load_suite(pytester.path / "suites" / "app.yaml")
    first = suite.cases[0]
    assert first.request["messages"][0]["content"] == (
        "Email <email-1> and call <phone-1> about card <card-1>."
    )
    assert all("Redacted by the import" in case.description for case in suite.cases)
    cassette = pytester.path / "cassettes" / "app" / first.id / f"{MODEL}.yaml"
    (recorded_interaction,) = yaml.safe_load(cassette.read_text())["interactions"]
    sent = json.loads(recorded_interaction["request"]["body"])
    assert sent == {**first.request, "model": MODEL}
    answer = json.loads(recorded_interaction["response"]["body"]["string"])
    text = answer["choices"][0]["message"]["content"]
    assert text == "I have written to <email-1> and will call <phone-1>."
    second = suite.cases[1]
    assert second.request["messages"][0]["content"] == "My IBAN is <iban-1>, from <ip-1>."
    assert "Noted; <email-1> is copied." in _files_text(pytester.path / "cassettes")

    result = pytester.runpytest(
        "--model-pair", f"{MODEL}:gpt-4.1-mini", "--record-mode", "once", "suites"
    )
    assert result.parseoutcomes().get("error", 0) == 0, result.stdout.str()[-2000:]
    assert live.stats.by_model == {"gpt-4.1-mini": 3}  # the baseline replayed, all three

    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")  # no network, no key
    monkeypatch.delenv("OPENAI_API_KEY")
    replay = pytester.runpytest(
        "--model-pair", f"{MODEL}:gpt-4.1-mini", "--record-mode", "none", "suites"
    )
    assert replay.parseoutcomes().get("error", 0) == 0, replay.stdout.str()[-2000:]
    assert sum(replay.parseoutcomes().get(k, 0) for k in ("passed", "failed")) == 3

    written = _files_text(pytester.path / "suites") + _files_text(pytester.path / "cassettes")
    report = pytester.path / "migrate-check-report"
    written += _files_text(report) if report.exists() else ""
    for original in ORIGINALS:
        assert original not in written, original


def _streamed(prompt: str, pieces: list[str]) -> dict[str, Any]:
    """A streamed chat call as vcrpy records it: the answer in `pieces`, one per chunk."""
    request = {"model": MODEL, "messages": [{"role": "user", "content": prompt}], "stream": True}
    head = {"id": "chatcmpl-2", "object": "chat.completion.chunk", "created": 1, "model": MODEL}
    chunks = [
        {**head, "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}]}
        for piece in pieces
    ]
    chunks.append({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    body = "".join(f"data: {json.dumps(chunk)}\n\n" for chunk in chunks) + "data: [DONE]\n\n"
    done = interaction(MODEL, prompt, "")
    done["request"]["body"] = json.dumps(request)
    done["response"]["headers"] = {"content-type": ["text/event-stream; charset=utf-8"]}
    done["response"]["body"] = {"string": body}
    return done


def _body(text: str) -> dict[str, Any]:
    return {"model": MODEL, "messages": [{"role": "user", "content": text}]}


def _run(args: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    return out.getvalue()


def _files_text(folder: Path) -> str:
    return "".join(p.read_text() for p in sorted(folder.rglob("*")) if p.is_file())
