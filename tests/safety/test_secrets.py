"""Secrets: the key, organization, project, cookies and the base URL's credentials never
land in a written byte.

Recording runs with sentinel values: a key the server accepts and one it rejects (its
401 body echoes part of the key back), then `user:pass@` credentials in OPENAI_BASE_URL
that a gateway accepts and ones it rejects (its 401 body echoes the `Basic` header),
with every output pytest can write switched on and a case whose answer echoes the
credential in a response header and the body; then every byte written is searched.
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

GOOD_KEY = "sk-SENTINELKEY-0123456789abcdef"
BAD_KEY = "sk-invalidSENTINELKEY-fedcba9876543210"
ORG = "org-SENTINELORG"
PROJECT = "proj_SENTINELPROJECT"
# What the server's 401 body echoes of BAD_KEY, and the cookie and org it answers with.
ECHOED = BAD_KEY[:8] + "***" + BAD_KEY[-4:]
URL_USER = "SENTINELUSER"
URL_PASSWORD = "SENTINELPASS-0123"
BAD_URL_PASSWORD = "invalidSENTINELPASS-0123"
BASIC = (
    base64.b64encode(f"{URL_USER}:{URL_PASSWORD}".encode()).decode(),
    base64.b64encode(f"{URL_USER}:{BAD_URL_PASSWORD}".encode()).decode(),
)
SENTINELS = (
    *BASIC,
    GOOD_KEY,
    BAD_KEY,
    ECHOED,
    "SENTINEL",
    ORG,
    PROJECT,
    "local-cookie",
    "org-localtest",
    "proj_localtest",
    "Bearer ",
)

SUITE = """
suite: secret
checks: [{similarity: {min: 0}}]
cases:
  - id: plain
    messages: [{role: user, content: "Hello"}]
  - id: streamed
    request: {stream: true}
    messages: [{role: user, content: "Hello again"}]
  - id: failing
    messages: [{role: user, content: "Hi [fault:500:always]"}]
  - id: responses
    api: responses
    input: "Hello there"
  - id: echoed
    messages: [{role: user, content: "Echo me [fault:echo_auth:always]"}]
"""


def _record(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, key: str, name: str) -> str:
    monkeypatch.setenv("OPENAI_API_KEY", key)
    result = pytester.runpytest(
        "--model-pair",
        PAIR,
        "-p",
        "no:cacheprovider",
        "--record-mode",
        "once",
        "--max-retries",
        "0",
        "-rA",
        "-vv",
        "--report-dir",
        f"report-{name}",
        "--junitxml",
        f"junit-{name}.xml",
        "--log-file",
        f"log-{name}.txt",
        "--log-file-level",
        "DEBUG",
        "--log-level",
        "DEBUG",
    )
    return result.stdout.str() + result.stderr.str()


def test_no_secret_in_any_cassette_report_log_or_output(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_ORG_ID", ORG)
    monkeypatch.setenv("OPENAI_PROJECT_ID", PROJECT)
    write_suite(pytester.path, "secret", SUITE)
    accepted = _record(pytester, monkeypatch, GOOD_KEY, "good")
    rejected = _record(pytester, monkeypatch, BAD_KEY, "bad")
    host = live.base_url.removeprefix("http://")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://{URL_USER}:{BAD_URL_PASSWORD}@{host}")
    url_rejected = _record(pytester, monkeypatch, GOOD_KEY, "url-bad")
    monkeypatch.setenv("OPENAI_BASE_URL", f"http://{URL_USER}:{URL_PASSWORD}@{host}")
    (pytester.path / "cassettes").rename(pytester.path / "cassettes-key")
    url_accepted = _record(pytester, monkeypatch, GOOD_KEY, "url-good")

    # The runs did what they should, so the search below covers real output.
    assert "API error 401: Incorrect API key provided" in rejected
    assert "API error 401: Invalid credentials in the authorization header" in url_rejected
    assert "API error 500" in accepted
    assert "API error 500" in url_accepted
    for folder in ("cassettes-key", "cassettes"):
        assert len(list((pytester.path / folder).rglob("*.yaml"))) == 8
    echoed = (pytester.path / "cassettes/secret/echoed/gpt-4o-mini.yaml").read_text()
    assert "system_fingerprint" in echoed and "[redacted]" in echoed
    assert "x-echo-authorization" not in echoed  # not on the allow-list of response headers
    assert "uri: http://127.0.0.1:" in echoed  # the user info is gone from the recorded uri
    written: dict[str, bytes] = {"stdout (accepted key)": accepted.encode()}
    written["stdout (rejected key)"] = rejected.encode()
    written["stdout (accepted URL credentials)"] = url_accepted.encode()
    written["stdout (rejected URL credentials)"] = url_rejected.encode()
    for path in sorted(pytester.path.rglob("*")):
        if path.is_file() and "suites" not in path.parts:
            written[str(path.relative_to(pytester.path))] = path.read_bytes()
    names = set(written)
    for expected in ("report-good/report.json", "report-bad/report.html", "junit-bad.xml"):
        assert expected in names
    assert "report-url-bad/report.md" in names
    assert len(written["log-good.txt"]) > 1000, "the DEBUG log is nearly empty"
    assert len(written["log-url-good.txt"]) > 1000, "the DEBUG log is nearly empty"
    for name, data in written.items():
        for sentinel in SENTINELS:
            assert sentinel.encode().lower() not in data.lower(), f"{sentinel!r} in {name}"


def test_what_a_cassette_keeps_is_what_latency_and_cost_need(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_suite(pytester.path, "secret", SUITE)
    _record(pytester, monkeypatch, GOOD_KEY, "good")
    text = Path(pytester.path / "cassettes/secret/plain/gpt-4o-mini.yaml").read_text()
    assert "openai-processing-ms" in text
    assert "usage" in text
    assert "x-ratelimit-remaining-requests" in text
    # Response headers are kept by an allow-list of what replay, latency and pacing read.
    for dropped in ("x-request-id", "openai-version", "set-cookie", "openai-organization"):
        assert dropped not in text
