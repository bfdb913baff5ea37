"""Azure OpenAI: deployments in the pair, the SDK's Azure client, the local server's Azure
paths; cassettes keyed by the deployments, without the key, replayed offline."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from devtools.local_openai import BatchPlan, LocalServer

from conftest import write_suite

PAIR = "prod-mini:prod-41"
KEY = "azure-SENTINEL-key-0123456789"
MODELS_INI = """
[pytest]
migrate_check_azure_models =
    prod-mini = gpt-4o-mini
    prod-41 = gpt-4.1-mini
"""
SUITE = """
    suite: azure
    request:
      temperature: 0
    checks:
      - similarity: {min: 0}
    cases:
      - id: refund
        messages: [{role: user, content: "I want my money back for order 123."}]
      - id: login
        messages: [{role: user, content: "I cannot log in to my account."}]
"""


@pytest.fixture
def azure(
    server: LocalServer, no_openai_env: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalServer]:
    """The local server as an Azure resource with two deployments; no OpenAI settings."""
    server.set_azure_deployments({"prod-mini": "gpt-4o-mini", "prod-41": "gpt-4.1-mini"})
    server.set_batch_plan(BatchPlan(in_progress_s=0.1))
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.azure_endpoint)
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", KEY)
    yield server
    server.set_azure_deployments({})
    server.set_batch_plan(BatchPlan())


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider", *args)


def _texts(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(errors="replace")
        for p in root.rglob("*")
        if p.is_file() and p.suffix in (".yaml", ".json", ".md", ".html", ".txt", ".log")
    }


def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION", "AZURE_OPENAI_API_KEY"):
        monkeypatch.delenv(name)
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")


def test_azure_deployments_record_without_the_key_and_replay_offline(
    pytester: pytest.Pytester, azure: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini(MODELS_INI)
    write_suite(pytester.path, "azure", SUITE)
    recorded = _run(
        pytester, "--record-mode", "once", "--log-file", "run.log", "--log-file-level", "DEBUG"
    )
    recorded.assert_outcomes(passed=2)
    assert azure.stats.completions == 4
    assert "/openai/deployments/prod-41/chat/completions" in (pytester.path / "run.log").read_text()
    cassette = pytester.path / "cassettes" / "azure" / "refund" / "prod-mini.yaml"
    (exchange,) = yaml.safe_load(cassette.read_text())["interactions"]
    assert (
        "/openai/deployments/prod-mini/chat/completions?api-version=2024-10-21"
        in (exchange["request"]["uri"])
    )
    assert json.loads(exchange["request"]["body"])["model"] == "prod-mini"
    for name, text in _texts(pytester.path).items():
        assert "SENTINEL" not in text, f"the Azure key is in {name}"
        if name.endswith(".yaml"):
            assert "api-key" not in text.lower(), name
    report = json.loads((pytester.path / "migrate-check-report/report.json").read_text())
    models = report["aggregates"]["models"]
    # Priced as the models the deployments stand for; their shutdown dates from the table.
    assert models["baseline"]["cost_complete"] and models["baseline"]["cost_usd"] > 0
    assert models["candidate"]["cost_complete"] and models["candidate"]["cost_usd"] > 0
    assert {w["model"] for w in report["warnings"]} == {"prod-mini", "prod-41"}

    _offline(monkeypatch)
    replayed = _run(pytester, "-rA")
    replayed.assert_outcomes(passed=2)
    assert azure.stats.completions == 4

    # The answering-model check compares with the mapped model: a wrong mapping shows.
    pytester.makeini(MODELS_INI.replace("prod-mini = gpt-4o-mini", "prod-mini = gpt-4.1"))
    wrong = _run(pytester, "-rA", "--no-report")
    wrong.assert_outcomes(failed=2)
    wrong.stdout.fnmatch_lines(["*the baseline was answered by 'gpt-4o-mini*'prod-mini'*"])


def test_azure_records_through_batches_too(
    pytester: pytest.Pytester, azure: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeini(MODELS_INI)
    write_suite(pytester.path, "azure", SUITE)
    _run(pytester, "--record-mode", "once", "--cassette-dir", "live", "--no-report")
    azure.stats.reset()
    azure.reset_counters()
    args = ("--record-mode", "once", "--batch", "--batch-poll", "0.05", "--no-report")
    batched = _run(pytester, *args, "--cassette-dir", "batched")
    batched.assert_outcomes(passed=2)
    assert azure.stats.completions == 0
    for case in ("refund", "login"):
        for deployment in ("prod-mini", "prod-41"):
            where = f"azure/{case}/{deployment}.yaml"
            (live,) = yaml.safe_load((pytester.path / "live" / where).read_text())["interactions"]
            (batch,) = yaml.safe_load((pytester.path / "batched" / where).read_text())[
                "interactions"
            ]
            assert batch["request"]["uri"] == live["request"]["uri"]
            assert json.loads(batch["request"]["body"]) == json.loads(live["request"]["body"])
            assert "openai-batch-id" in batch["response"]["headers"]
    for name, text in _texts(pytester.path).items():
        assert "SENTINEL" not in text, f"the Azure key is in {name}"
    _offline(monkeypatch)
    _run(pytester, "--cassette-dir", "batched", "--no-report").assert_outcomes(passed=2)


def test_azure_without_an_api_version_is_one_line(
    pytester: pytest.Pytester, azure: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_VERSION")
    write_suite(pytester.path, "azure", SUITE)
    result = _run(pytester, "--record-mode", "once")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*AZURE_OPENAI_ENDPOINT is set but OPENAI_API_VERSION is not*2024-10-21*"]
    )
