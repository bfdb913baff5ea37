"""An Azure deployment answered by another model than the one it is mapped to: the
message names the deployment once and the model it stands for, and the model that
answered (issue 31)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from devtools.local_openai import LocalServer

from conftest import write_suite

SUITE = """
    suite: azure
    checks:
      - similarity: {min: 0}
    cases:
      - id: refund
        messages: [{role: user, content: "I want my money back for order 123."}]
"""


def _ini(baseline_model: str) -> str:
    return f"""
[pytest]
migrate_check_azure_models =
    prod-mini = {baseline_model}
    prod-41 = gpt-4.1-mini
"""


@pytest.fixture
def azure(
    server: LocalServer, no_openai_env: None, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalServer]:
    """The local server as an Azure resource whose `prod-mini` runs gpt-4o-mini."""
    server.set_azure_deployments({"prod-mini": "gpt-4o-mini", "prod-41": "gpt-4.1-mini"})
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", server.azure_endpoint)
    monkeypatch.setenv("OPENAI_API_VERSION", "2024-10-21")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "azure-test-key-0123456789")
    yield server
    server.set_azure_deployments({})


def test_a_mismatch_names_the_model_the_deployment_stands_for(
    pytester: pytest.Pytester, azure: LocalServer
) -> None:
    write_suite(pytester.path, "azure", SUITE)
    # The mapping says gpt-4.1, the deployment answers with gpt-4o-mini: recorded live.
    pytester.makeini(_ini("gpt-4.1"))
    run = pytester.runpytest(
        "--model-pair", "prod-mini:prod-41", "-p", "no:cacheprovider", "--record-mode", "once"
    )
    run.assert_outcomes(failed=1)
    report = json.loads((pytester.path / "migrate-check-report/report.json").read_text())
    (case,) = report["cases"]
    (answer,) = [c for c in case["checks"] if c["check"] == "answer"]
    reason = answer["reason"]
    assert "answered by 'gpt-4o-mini-" in reason, reason
    assert "not by 'gpt-4.1'" in reason, reason
    assert reason.count("prod-mini") == 1, reason
    assert answer["evidence"]["asked"] == "gpt-4.1"
    assert answer["evidence"]["deployment"] == "prod-mini"
    run.stdout.fnmatch_lines(["*answered by 'gpt-4o-mini-*', not by 'gpt-4.1'*'prod-mini'*"])
