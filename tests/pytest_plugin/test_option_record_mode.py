"""--record-mode: vcrpy's words and meanings, one cassette per case per model.

Recording and replaying under xdist workers, and a replay error crossing from a worker,
run serially and under `-n 2`; how each mode treats a cassette is decided inside the
worker that holds the case, by the code a serial run uses, so those run serially."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, TRIAGE_SUITE, write_suite


def _run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("--model-pair", PAIR, "-p", "no:cacheprovider", "--no-report", *args)


def _cassettes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root / "cassettes")): p.read_text()
        for p in sorted((root / "cassettes").rglob("*.yaml"))
    }


def test_record_once_then_replay_offline_gives_the_same_outcomes(
    pytester: pytest.Pytester,
    plugin_args: tuple[str, ...],
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Recording and replaying serially and under workers: the cassettes are plain vcrpy
    with no secret in them, and replay with the network gone gives the same outcomes."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-SENTINELKEY-4242")
    monkeypatch.setenv("OPENAI_ORG_ID", "org-SENTINELORG")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj_SENTINELPROJ")
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    recorded = _run(pytester, *plugin_args, "--record-mode", "once", "-rA")
    recorded.assert_outcomes(passed=2, failed=1)
    assert live.stats.completions == 6
    texts = _cassettes(pytester.path)
    assert sorted(texts) == [
        f"triage/{case}/{model}.yaml"
        for case in ("login", "refund", "regress")
        for model in ("gpt-4.1-mini", "gpt-4o-mini")
    ]
    for name, text in texts.items():
        for secret in (
            "SENTINEL",
            "authorization",
            "set-cookie",
            "openai-organization",
            "openai-project",
            "x-stainless",
            "user-agent",
        ):
            assert secret not in text.lower(), f"{secret} in {name}"
        data = yaml.safe_load(text)
        assert data["version"] == 1
        (interaction,) = data["interactions"]
        assert interaction["response"]["status"]["code"] == 200
        headers = interaction["response"]["headers"]
        assert "openai-processing-ms" in headers
        assert '"usage"' in interaction["response"]["body"]["string"]
    _plain_vcrpy_replays(
        pytester.path / "cassettes" / "triage" / "login" / "gpt-4o-mini.yaml", live
    )
    # The network is gone: a closed port and no key. Replay must not need either.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    replayed = _run(pytester, *plugin_args, "-rA")
    replayed.assert_outcomes(passed=2, failed=1)
    assert live.stats.completions == 6
    replayed.stdout.fnmatch_lines(["*regressed*assert team_checks:is_baseline*"])


def _plain_vcrpy_replays(cassette: Path, live: LocalServer) -> None:
    """Plain vcrpy, without the plugin, replays a cassette the plugin recorded."""
    import openai
    import vcr

    client = openai.OpenAI(base_url=live.base_url, api_key="sk-other", max_retries=0)
    before = live.stats.completions
    with vcr.use_cassette(str(cassette), record_mode="none", match_on=["method", "path"]):
        answer = client.chat.completions.create(
            model="gpt-4o-mini",
            messages=[{"role": "user", "content": "I cannot log in to my account."}],
            temperature=0,
        )
    assert answer.choices[0].message.content
    assert live.stats.completions == before


def test_a_missing_recording_names_the_case_the_model_and_the_command(
    pytester: pytest.Pytester, plugin_args: tuple[str, ...], offline: None
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    result = _run(pytester, *plugin_args, "-k", "refund")
    # Under xdist the controller does not learn the workers' deselection counts.
    result.assert_outcomes(failed=1, deselected=0 if plugin_args else 2)
    result.stdout.fnmatch_lines(
        [
            "*error*no recording of case 'triage::refund' on model 'gpt-4o-mini'*"
            "record it with: OPENAI_API_KEY=... pytest suites/triage.yaml::refund "
            f"--model-pair {PAIR} --record-mode once*",
        ]
    )
    assert "Can't overwrite existing cassette" not in result.stdout.str()


def test_once_never_rerecords_and_new_episodes_records_only_what_is_new(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    suite = write_suite(pytester.path, "triage", TRIAGE_SUITE)
    _run(pytester, "--record-mode", "once")
    first = _cassettes(pytester.path)
    assert live.stats.completions == 6
    _run(pytester, "--record-mode", "once")
    assert live.stats.completions == 6
    assert _cassettes(pytester.path) == first
    suite.write_text(
        suite.read_text()
        + '  - id: added\n    messages:\n      - {role: user, content: "A new case."}\n'
    )
    _run(pytester, "--record-mode", "new_episodes")
    assert live.stats.completions == 8
    after = _cassettes(pytester.path)
    assert {k: v for k, v in after.items() if not k.startswith("triage/added/")} == first


def test_all_rerecords_every_case_without_churn_in_requests(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    _run(pytester, "--record-mode", "once")
    first = _cassettes(pytester.path)
    _run(pytester, "--record-mode", "all")
    assert live.stats.completions == 12
    second = _cassettes(pytester.path)
    assert sorted(first) == sorted(second)
    for name in first:
        old, new = yaml.safe_load(first[name]), yaml.safe_load(second[name])
        assert len(new["interactions"]) == 1
        assert old["interactions"][0]["request"] == new["interactions"][0]["request"], name


def test_a_changed_case_is_a_missing_recording_not_a_stale_answer(
    pytester: pytest.Pytester,
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    suite = write_suite(pytester.path, "triage", TRIAGE_SUITE)
    _run(pytester, "--record-mode", "once")
    suite.write_text(suite.read_text().replace("order 123", "order 456"))
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    result = _run(pytester, "-k", "refund")
    result.assert_outcomes(failed=1, deselected=2)
    result.stdout.fnmatch_lines(["*does not match the case's request*body differs in messages*"])


def test_an_api_failure_is_an_error_for_that_case_and_is_not_recorded(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    write_suite(
        pytester.path,
        "faulty",
        """
        suite: faulty
        cases:
          - id: broken
            messages:
              - {role: user, content: "Hello [fault:500:always]"}
          - id: fine
            messages:
              - {role: user, content: "Hello"}
        """,
    )
    result = _run(pytester, "--record-mode", "once", "--max-retries", "0")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*error*API error 500*"])
    assert sorted(_cassettes(pytester.path)) == [
        "faulty/fine/gpt-4.1-mini.yaml",
        "faulty/fine/gpt-4o-mini.yaml",
    ]


@pytest.mark.parametrize("where", ["addopts", "PYTEST_ADDOPTS", "ini"])
def test_record_mode_from_addopts_env_or_ini_works_as_on_the_command_line(
    pytester: pytest.Pytester,
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    if where == "addopts":
        pytester.makeini(f"[pytest]\naddopts = --model-pair {PAIR} --record-mode once\n")
    elif where == "PYTEST_ADDOPTS":
        monkeypatch.setenv("PYTEST_ADDOPTS", f"--model-pair {PAIR} --record-mode=once")
    else:
        pytester.makeini(
            f"[pytest]\nmigrate_check_model_pair = {PAIR}\nmigrate_check_record_mode = once\n"
        )
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, failed=1)
    assert sum(live.stats.by_model.values()) == 6  # recorded: 3 cases on 2 models
    assert len(_cassettes(pytester.path)) == 6
