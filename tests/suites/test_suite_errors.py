"""Every mistake in a suite is one line naming the file, the line and the case."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import PAIR
from migrate_check.suites.loading import load_suite
from migrate_check.suites.suite import SuiteError

GOOD_CASE = """
cases:
  - id: ok
    messages:
      - {role: user, content: hi}
"""

# (name, suite text, expected line, expected case, expected words in the message)
CATALOGUE = [
    ("yaml-syntax", "cases:\n  - id: a\n    messages: [\n", 3, None, "YAML syntax error"),
    ("empty-file", "", 1, None, "the suite is empty"),
    ("not-a-mapping", "- a\n- b\n", 1, None, "must be a mapping"),
    ("no-cases", "suite: x\n", 1, None, "no 'cases:' list"),
    ("empty-cases", "cases: []\n", 1, None, "'cases' is empty"),
    ("cases-not-list", "cases: {a: 1}\n", 1, None, "'cases' must be a list"),
    ("unknown-top-key", "suit: x\n" + GOOD_CASE, 1, None, "unknown key 'suit'"),
    (
        "unknown-case-key",
        "cases:\n  - id: a\n    mesages: [{role: user, content: hi}]\n",
        3,
        "a",
        "did you mean 'messages'",
    ),
    (
        "duplicate-id",
        GOOD_CASE + "  - id: ok\n    messages: [{role: user, content: again}]\n",
        6,
        "ok",
        "duplicate case id (first used on line 3)",
    ),
    (
        "case-without-id",
        "cases:\n  - messages: [{role: user, content: hi}]\n",
        2,
        None,
        "has no 'id'",
    ),
    (
        "bad-id",
        "cases:\n  - id: 'a b'\n    messages: [{role: user, content: hi}]\n",
        2,
        "a b",
        "case id",
    ),
    ("no-messages", "cases:\n  - id: a\n", 2, "a", "needs 'messages'"),
    ("messages-not-list", "cases:\n  - id: a\n    messages: hi\n", 3, "a", "non-empty list"),
    (
        "bad-role",
        "cases:\n  - id: a\n    messages:\n      - {role: robot, content: hi}\n",
        4,
        "a",
        "role 'robot'",
    ),
    (
        "message-without-content",
        "cases:\n  - id: a\n    messages:\n      - {role: user}\n",
        4,
        "a",
        "has no 'content'",
    ),
    ("request-not-mapping", "request: 3\n" + GOOD_CASE, 1, None, "'request' must be a mapping"),
    (
        "model-in-request",
        "cases:\n  - id: a\n    request: {model: gpt-4o}\n"
        "    messages: [{role: user, content: hi}]\n",
        2,
        "a",
        "'model' is set by --model-pair",
    ),
    ("bad-samples", "samples: 0\n" + GOOD_CASE, 1, None, "'samples' must be a whole number"),
    ("bad-api", "api: completions\n" + GOOD_CASE, 1, None, "'api' must be one of chat, responses"),
    (
        "input-on-chat",
        "cases:\n  - id: a\n    input: hi\n",
        3,
        "a",
        "'input' is for 'api: responses'",
    ),
    ("checks-not-list", "checks: {schema: x}\n" + GOOD_CASE, 1, None, "'checks' must be a list"),
    (
        "check-two-keys",
        "checks:\n  - {schema: {type: object}, similarity: 80}\n" + GOOD_CASE,
        2,
        None,
        "each check is one 'name: options' pair",
    ),
    (
        "date-in-request",
        "cases:\n  - id: a\n    messages: [{role: user, content: 2024-05-01}]\n",
        2,
        "a",
        "JSON cannot carry",
    ),
    (
        "description-not-string",
        "description: [a]\n" + GOOD_CASE,
        1,
        None,
        "'description' must be a string",
    ),
]


@pytest.mark.parametrize(
    ("text", "line", "case", "words"),
    [pytest.param(t, ln, c, w, id=name) for name, t, ln, c, w in CATALOGUE],
)
def test_each_mistake_is_located(
    tmp_path: Path, text: str, line: int, case: str | None, words: str
) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(SuiteError) as caught:
        load_suite(path, Path("suites/broken.yaml"))
    error = caught.value
    message = str(error)
    assert "\n" not in message
    assert message.startswith(f"suites/broken.yaml:{line}:"), message
    assert (error.line, error.case) == (line, case)
    assert words in message
    if case:
        assert f"case {case!r}:" in message


def test_defaults_merge_into_cases_and_paths_stay_relative_to_the_suite(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "s.yaml"
    path.parent.mkdir()
    path.write_text(
        textwrap.dedent(
            """
            request: {temperature: 0, max_tokens: 50}
            checks: [{similarity: 90}]
            samples: 2
            cases:
              - id: a
                request: {max_tokens: 10}
                samples: 3
                messages: [{role: user, content: hi}]
                checks: [finish_reason]
              - id: b
                api: responses
                input: hello
            """
        )
    )
    suite = load_suite(path)
    a, b = suite.cases
    assert suite.name == "s"
    assert a.request == {
        "temperature": 0,
        "max_tokens": 10,
        "messages": [{"role": "user", "content": "hi"}],
    }
    assert [s.name for s in a.checks] == ["similarity", "finish_reason"]
    assert (a.samples, b.samples) == (3, 2)
    assert b.api == "responses" and b.request["input"] == "hello"
    assert a.file == path and a.line == 6


def test_a_collection_error_is_one_line_without_traceback(pytester: pytest.Pytester) -> None:
    folder = pytester.path / "suites"
    folder.mkdir()
    (folder / "bad.yaml").write_text(
        "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n    checks:\n"
        "      - similarity: {min: high}\n"
    )
    result = pytester.runpytest("--model-pair", PAIR, "suites")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*suites/bad.yaml:5: case 'a': similarity*"])
    assert "Traceback" not in result.stdout.str()


def test_a_check_that_does_not_exist_lists_the_known_ones(pytester: pytest.Pytester) -> None:
    folder = pytester.path / "suites"
    folder.mkdir()
    (folder / "bad.yaml").write_text(
        "checks: [{shema: x.json}]\ncases:\n  - id: a\n    messages: [{role: user, content: hi}]\n"
    )
    result = pytester.runpytest("--model-pair", PAIR, "suites")
    result.stdout.fnmatch_lines(["*suites/bad.yaml:1: case 'a': *shema*schema*"])
