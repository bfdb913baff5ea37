"""A recording run that cannot work says so at once: no key, a host that does not answer,
a base URL without /v1. Real pytest runs; name lookups are counted at the socket (they
pass through), so a retried request would show as more than the one check."""

from __future__ import annotations

import importlib.util
import json
import socket
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, copy_project, write_suite

KEY_MISSING = (
    "OPENAI_API_KEY is not set (set it to record from the OpenAI API, or set "
    "OPENAI_BASE_URL to an OpenAI-compatible server)"
)


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every host name looked up while the test runs (asyncio's resolver calls this too)."""
    return _count_lookups(monkeypatch)


def _count_lookups(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    seen: Counter[str] = Counter()
    real = socket.getaddrinfo

    def counted(host: Any, *args: Any, **kwargs: Any) -> Any:
        seen[host.decode() if isinstance(host, bytes) else str(host)] += 1
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", counted)
    return seen


@pytest.fixture
def project(pytester: pytest.Pytester, triage_recording: Path, no_openai_env: None) -> Path:
    """The triage suite recorded, with the login case's recordings gone: it needs sending."""
    copy_project(triage_recording, pytester.path)
    for cassette in (pytester.path / "cassettes" / "triage" / "login").glob("*.yaml"):
        cassette.unlink()
    return pytester.path


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider", *args)


def _errors(root: Path, case_id: str) -> list[str | None]:
    report = json.loads((root / "migrate-check-report" / "report.json").read_text())
    (case,) = [c for c in report["cases"] if c["id"] == case_id]
    return [c["error"] for side in ("baseline", "candidate") for c in case[side]["completions"]]


def _not_sent(problem: str, model: str, mode: str = "once") -> str:
    return (
        f"not sent: {problem}. Record case 'triage::login' on '{model}' with: "
        f"OPENAI_API_KEY=... pytest suites/triage.yaml::login --model-pair {PAIR} "
        f"--record-mode {mode}"
    )


def test_no_key_is_one_line_naming_the_variable_and_nothing_is_sent(
    pytester: pytest.Pytester, project: Path, lookups: Counter[str]
) -> None:
    result = _run(pytester, "--record-mode", "once")
    result.assert_outcomes(passed=1, failed=2)  # login not sent, regress regressed
    result.stdout.fnmatch_lines(
        [f"migrate-check: 2 answers needed recording and none was sent: {KEY_MISSING}"]
    )
    assert _errors(project, "login") == [
        _not_sent(KEY_MISSING, "gpt-4o-mini"),
        _not_sent(KEY_MISSING, "gpt-4.1-mini"),
    ]
    assert _errors(project, "refund") == [None, None]  # replayed from its cassettes
    assert "connection error" not in result.stdout.str()
    assert not lookups, lookups  # no request, no retry, no shutdown-date lookup


@pytest.mark.parametrize("mode", ["once", "new_episodes"])
def test_every_answer_recorded_replays_with_no_key_and_no_network(
    pytester: pytest.Pytester,
    triage_recording: Path,
    no_openai_env: None,
    lookups: Counter[str],
    mode: str,
) -> None:
    copy_project(triage_recording, pytester.path)
    result = _run(pytester, "--record-mode", mode)
    result.assert_outcomes(passed=2, failed=1)
    assert "not sent" not in result.stdout.str()
    assert not lookups, lookups


def test_record_mode_all_without_a_key_keeps_every_recording(
    pytester: pytest.Pytester, triage_recording: Path, no_openai_env: None
) -> None:
    copy_project(triage_recording, pytester.path)
    before = {p: p.read_bytes() for p in (pytester.path / "cassettes").rglob("*.yaml")}
    result = _run(pytester, "--record-mode", "all")
    result.assert_outcomes(failed=3)
    result.stdout.fnmatch_lines(
        [f"migrate-check: 6 answers needed recording and none was sent: {KEY_MISSING}"]
    )
    assert _errors(pytester.path, "login")[0] == _not_sent(KEY_MISSING, "gpt-4o-mini", "all")
    assert {p: p.read_bytes() for p in before} == before


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_a_refused_connection_is_one_line_naming_the_url_and_is_not_retried(
    pytester: pytest.Pytester,
    project: Path,
    lookups: Counter[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    port = _closed_port()
    url = f"http://localhost:{port}/v1"
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-local-0000")
    monkeypatch.setenv("OPENAI_BASE_URL", url)
    result = _run(pytester, "--record-mode", "once")  # the SDK would retry 4 times
    problem = f"OPENAI_BASE_URL {url} cannot be reached: localhost:{port} refused the connection"
    result.stdout.fnmatch_lines(
        [f"migrate-check: 2 answers needed recording and none was sent: {problem}"]
    )
    assert _errors(project, "login")[1] == _not_sent(problem, "gpt-4.1-mini")
    assert lookups["localhost"] == 1  # the check, once for the run


def test_a_host_that_does_not_resolve_is_named_and_looked_up_once(
    pytester: pytest.Pytester,
    project: Path,
    lookups: Counter[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-local-0000")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://no-such-host.invalid/v1")
    result = _run(pytester, "--record-mode", "once")
    result.stdout.fnmatch_lines(
        [
            "migrate-check: 2 answers needed recording and none was sent: OPENAI_BASE_URL "
            "http://no-such-host.invalid/v1 cannot be reached: its host no-such-host.invalid "
            "does not resolve (*)"
        ]
    )
    assert lookups["no-such-host.invalid"] == 1


def test_a_base_url_without_v1_that_answers_404_gets_the_hint(
    pytester: pytest.Pytester, project: Path, server: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = server.base_url.removesuffix("/v1")
    monkeypatch.setenv("OPENAI_BASE_URL", root)  # no key: a base URL is a server that needs none
    result = _run(pytester, "--record-mode", "once")
    result.assert_outcomes(passed=1, failed=2)
    hint = (
        f"OPENAI_BASE_URL {root} does not end in /v1, where OpenAI-compatible servers serve "
        f"the API: try OPENAI_BASE_URL={root}/v1"
    )
    assert (
        _errors(project, "login")
        == [f"API error 404: Invalid URL (POST /chat/completions) ({hint})"] * 2
    )
    # Two answers asked once each (404 is not retried), and each model's shutdown date.
    assert server.stats.requests == 4


@pytest.mark.skipif(
    importlib.util.find_spec("azure") is not None
    and importlib.util.find_spec("azure.identity") is not None,
    reason="azure-identity gives a credential of its own",
)
def test_azure_without_a_credential_names_its_variable(
    pytester: pytest.Pytester,
    project: Path,
    lookups: Counter[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://example-resource.openai.azure.com")
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    result = _run(pytester, "--record-mode", "once")
    result.stdout.fnmatch_lines(
        [
            "migrate-check: 2 answers needed recording and none was sent: AZURE_OPENAI_ENDPOINT "
            "is set but there is no credential: set AZURE_OPENAI_API_KEY (or "
            "AZURE_OPENAI_AD_TOKEN, or install azure-identity for a token provider)"
        ]
    )
    assert not lookups, lookups


GRADED_SUITE = """
    suite: notes
    checks:
      - judge: {rubric: "Keep every number."}
    cases:
      - id: outage
        messages:
          - {role: user, content: "Summarise: a failover took 14 minutes."}
"""


def test_grader_calls_without_a_recording_are_not_sent_either(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pair's answers are recorded, the judge's are not: no key, so the judge's call
    is not sent (no lookup), its missing recording is the error, and one line says why."""
    write_suite(pytester.path, "notes", GRADED_SUITE.replace("- judge:", "- similarity: 10  #"))
    _run(pytester, "--record-mode", "once").assert_outcomes(passed=1)
    write_suite(pytester.path, "notes", GRADED_SUITE)
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.delenv("OPENAI_BASE_URL")
    seen = _count_lookups(monkeypatch)
    result = _run(pytester, "--record-mode", "once")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "*no recording of the grader 'gpt-4.1' for case 'notes::outage'*",
            f"migrate-check: grader calls needed recording and none was sent: {KEY_MISSING}",
        ]
    )
    assert not seen, seen
