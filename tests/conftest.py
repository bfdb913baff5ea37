"""Shared fixtures: the project's local OpenAI-compatible server and small suite projects."""

from __future__ import annotations

import os
import pkgutil
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator, Mapping
from pathlib import Path

import httpcore2  # noqa: F401
import httpx2  # noqa: F401
import openai  # noqa: F401
import pytest
import vcr  # noqa: F401
from devtools.local_openai import FaultPlan, LocalServer

# Imported once, before any in-process pytester run: pytester restores sys.modules after
# each inner run, and a second generation of httpx2/httpcore2 (or of our lazily imported
# modules) breaks exception mapping and class identity between tests.
import migrate_check.apps.jobs  # noqa: F401
import migrate_check.judging.engine  # noqa: F401
import migrate_check.report  # noqa: F401
import migrate_check.sending.runner  # noqa: F401
from migrate_check.checks.registry import BUILTIN_CHECKS

# The built-in checks' modules too: jsonpath-ng's parser (the `equal` check) looks itself up
# in sys.modules, so a second generation of it raises KeyError when an outer test uses it.
for _check in BUILTIN_CHECKS.values():
    pkgutil.resolve_name(_check)

PAIR = "gpt-4o-mini:gpt-4.1-mini"


@pytest.fixture(params=[(), ("-n", "2")], ids=["serial", "xdist"])
def plugin_args(request: pytest.FixtureRequest) -> tuple[str, ...]:
    """Arguments an option's integration test runs with: serially, and under two xdist
    workers, where the controller merges what the workers judged (syrupy's pattern)."""
    return tuple(request.param)


REPO = Path(__file__).resolve().parents[1]
CORPUS_ENV = "MIGRATE_CHECK_CORPUS"
# Real cassettes from public projects, kept beside the repository, never copied into it.
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus" / "openai-cassettes"


def corpus_dir(environ: Mapping[str, str] = os.environ, default: Path = DEFAULT_CORPUS) -> Path:
    """Where the shared cassette corpus should be: $MIGRATE_CHECK_CORPUS, else beside the repo."""
    named = environ.get(CORPUS_ENV)
    return Path(named) if named else default


def require_corpus(environ: Mapping[str, str] = os.environ, default: Path = DEFAULT_CORPUS) -> Path:
    """The corpus folder, or a skip with a one-line reason where a clean clone lacks it.

    Absent under CI, or where $MIGRATE_CHECK_CORPUS names it, is a failure instead: a
    skip there would let the importers rot unnoticed.
    """
    path = corpus_dir(environ, default)
    if (path / "MANIFEST.tsv").is_file():
        return path
    if environ.get(CORPUS_ENV):
        pytest.fail(f"${CORPUS_ENV} names {path}, which has no MANIFEST.tsv", pytrace=False)
    if environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        pytest.fail(
            f"the shared cassette corpus is missing under CI (no MANIFEST.tsv in {path}): put "
            f"shared/ beside the repository or set ${CORPUS_ENV} to corpus/openai-cassettes",
            pytrace=False,
        )
    pytest.skip(f"no shared cassette corpus at {path} (set ${CORPUS_ENV} to run these)")


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus of real cassettes; skips without it, fails without it under CI."""
    return require_corpus()


# A callable module written next to suites in pytester projects: a team's own assertions.
TEAM_CALLABLES = '''
def is_baseline(output, completion):
    """Passes only on the baseline model: makes a deterministic regression."""
    return completion.model == "gpt-4o-mini"


def is_candidate(output, completion):
    return completion.model == "gpt-4.1-mini"


def never(output):
    return False


def length(output):
    return len(str(output))
'''


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    """One local OpenAI-compatible server for the session (real HTTP on 127.0.0.1)."""
    with LocalServer(latency_ms=0) as server:
        yield server


@pytest.fixture
def server(local_server: LocalServer) -> LocalServer:
    """The session's server with counters reset, no faults and no latency."""
    local_server.set_faults(FaultPlan())
    local_server.set_latency(0)
    local_server.set_processing_header(True)
    local_server.reset_counters()
    local_server.stats.reset()
    return local_server


@pytest.fixture
def no_openai_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key and no base URL from the developer's environment leaks into a test."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN"):
        monkeypatch.delenv(name, raising=False)  # Azure settings would send to Azure


@pytest.fixture
def live(monkeypatch: pytest.MonkeyPatch, server: LocalServer, no_openai_env: None) -> LocalServer:
    """Point the SDK at the local server with a throwaway key, as a recording run would."""
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-local-0000")
    return server


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch, no_openai_env: None) -> None:
    """Replay with the network blocked: the base URL points at a closed port, no key is set."""
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")


def write_suite(root: Path, name: str, body: str) -> Path:
    """Write a suite file (and the team's callables beside it)."""
    folder = root / "suites"
    folder.mkdir(exist_ok=True)
    (folder / "team_checks.py").write_text(TEAM_CALLABLES)
    path = folder / f"{name}.yaml"
    path.write_text(textwrap.dedent(body).lstrip())
    return path


TRIAGE_SUITE = """
    suite: triage
    request:
      temperature: 0
    checks:
      - similarity: {min: 10}
    cases:
      - id: refund
        messages:
          - {role: system, content: "Classify the ticket."}
          - {role: user, content: "I want my money back for order 123."}
      - id: login
        messages:
          - {role: user, content: "I cannot log in to my account."}
      - id: regress
        messages:
          - {role: user, content: "Say hello."}
        checks:
          - assert: team_checks:is_baseline
"""


def record_once(root: Path, server: LocalServer) -> subprocess.CompletedProcess[str]:
    """Record the suites under `root` through the plugin: pytest in a subprocess, against
    `server`, with a throwaway key and nothing else from the environment."""
    server.set_faults(FaultPlan())
    server.set_latency(0)
    server.set_processing_header(True)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("OPENAI_", "AZURE_OPENAI_", "PYTEST_"))
    }
    env.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test-local-0000")
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--no-report"]
    command += ["--model-pair", PAIR, "--record-mode", "once", "suites"]
    return subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, check=False)


def copy_project(recording: Path, project: Path) -> None:
    """A recorded project's suites and cassettes, copied for one test to use (and change)."""
    for folder in ("suites", "cassettes"):
        shutil.copytree(recording / folder, project / folder, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def triage_recording(tmp_path_factory: pytest.TempPathFactory, local_server: LocalServer) -> Path:
    """The triage suite recorded once per session (per xdist worker) through the plugin;
    tests that only replay it copy it (`recorded`) instead of recording it again."""
    root = tmp_path_factory.mktemp("triage-recording")
    write_suite(root, "triage", TRIAGE_SUITE)
    done = record_once(root, local_server)
    assert done.returncode == pytest.ExitCode.TESTS_FAILED, done.stdout + done.stderr
    assert "2 passed" in done.stdout and "1 failed" in done.stdout, done.stdout
    assert len(list((root / "cassettes").rglob("*.yaml"))) == 6
    return root


@pytest.fixture
def recorded(pytester: pytest.Pytester, triage_recording: Path, offline: None) -> None:
    """The triage suite recorded (once per session) in a pytester project, the network cut."""
    copy_project(triage_recording, pytester.path)
