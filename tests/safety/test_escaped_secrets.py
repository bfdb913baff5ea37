"""A key in another spelling: a response body that carries the API key JSON-escaped
(`\\u0073\\u006b-...`, which any JSON reader decodes to `sk-...`) is scrubbed in the
cassette as the plain spelling is. The local server's `[fault:echo_auth_escaped]` echoes
the request's key that way; the SDK sends it and vcrpy records it, over real HTTP."""

from __future__ import annotations

import json

import openai
import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite
from migrate_check.safety import secrets

KEY = "sk-SENTINELKEY-0123456789abcdef"
SUITE = """
suite: escaped
checks: [{similarity: {min: 0}}]
cases:
  - id: echoed
    messages: [{role: user, content: "Echo me [fault:echo_auth_escaped:always]"}]
"""


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(char):04x}" for char in text)


def test_the_server_echoes_the_key_escaped(live: LocalServer) -> None:
    client = openai.OpenAI(base_url=live.base_url, api_key=KEY, max_retries=0)
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini",
        messages=[{"role": "user", "content": "Echo me [fault:echo_auth_escaped]"}],
    )
    body = raw.http_response.read()
    assert KEY.encode() not in body and _escaped(KEY).encode() in body
    assert json.loads(body)["system_fingerprint"] == KEY


def test_a_json_escaped_key_in_a_response_body_is_scrubbed_from_the_cassette(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    write_suite(pytester.path, "escaped", SUITE)
    args = ("--model-pair", PAIR, "-p", "no:cacheprovider", "--max-retries", "0")
    pytester.runpytest(*args, "--record-mode", "once").assert_outcomes(passed=1)
    for cassette in sorted((pytester.path / "cassettes").rglob("*.yaml")):
        text = cassette.read_text()
        assert "\\u0073" not in text.lower() and KEY not in text
        (exchange,) = yaml.safe_load(text)["interactions"]
        decoded = json.loads(exchange["response"]["body"]["string"])
        assert decoded["system_fingerprint"] == "[redacted]", cassette
    # What was kept still replays, offline.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    pytester.runpytest(*args, "--no-report").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    "spelled",
    [
        _escaped(KEY),  # every character escaped
        "s\\u006B" + KEY[2:],  # one, with upper-case hex
        KEY.replace("-", "\\u002d"),
        _escaped("sk-") + KEY[3:],
    ],
)
def test_every_json_spelling_of_a_secret_is_scrubbed_and_nothing_else(spelled: str) -> None:
    scrubber = secrets.from_environment({"OPENAI_API_KEY": KEY})
    body = f'{{"a": "{spelled}", "b": "caf\\u00e9 \\u0073k-other"}}'
    assert scrubber.text(body) == '{"a": "[redacted]", "b": "caf\\u00e9 \\u0073k-other"}'
    assert scrubber.raw(body.encode()) == scrubber.text(body).encode()


def test_escapes_of_a_slash_and_of_characters_beyond_the_bmp_are_scrubbed() -> None:
    scrubber = secrets.Scrubber(["pass/word\U0001f511-0123"])
    assert scrubber.text('"pass\\/word\\ud83d\\udd11-0123"') == '"[redacted]"'
    assert scrubber.text('"pass\\u002fword\\uD83D\\uDD11-0123"') == '"[redacted]"'
