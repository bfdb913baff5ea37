"""Bad input, end to end: each mistake is one line naming where it is, never a traceback.

Every entry of `CATALOGUE` runs pytest on a tiny project (offline: a closed port and no
key) and looks for one output line naming the file, line, case or model at fault.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import PAIR
from migrate_check.recording import cassette_path, write_interactions

BASELINE, CANDIDATE = PAIR.split(":")
Setup = Callable[[Path], None]

ONE_CASE = """
suite: s
cases:
  - id: a
    messages: [{role: user, content: hi}]
"""

# Callables a team might name in a suite, some of them wrong.
TEAM = """
import time

CONSTANT = 3


def zero():
    return 1


def three(output, completion, extra):
    return 1


def hang(output):
    time.sleep(5)


def route(output):
    return output
"""


def with_checks(*checks: str) -> str:
    return ONE_CASE + "    checks:\n" + "".join(f"      - {check}\n" for check in checks)


def chat_body(model: str, content: str | None, refusal: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-local",
        "object": "chat.completion",
        "created": 1700000000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }


def write_cassette(
    root: Path,
    model: str,
    body: dict[str, Any],
    request: dict[str, Any] | None = None,
    case: str = "a",
) -> Path:
    """A plain vcrpy cassette of case `s::<case>` on `model`, as a recording would write it."""
    sent = request or {"messages": [{"role": "user", "content": "hi"}], "model": model}
    path = cassette_path(root / "cassettes", "s", case, model)
    write_interactions(
        path,
        [
            {
                "request": {
                    "method": "POST",
                    "uri": "http://127.0.0.1:9/v1/chat/completions",
                    "body": json.dumps(sent),
                    "headers": {"content-type": ["application/json"]},
                },
                "response": {
                    "status": {"code": 200, "message": "OK"},
                    "headers": {"content-type": ["application/json"]},
                    "body": {"string": json.dumps(body)},
                },
            }
        ],
    )
    return path


def answers(baseline: str | None, candidate: str | None, refusal: str | None = None) -> Setup:
    def setup(root: Path) -> None:
        write_cassette(root, BASELINE, chat_body(BASELINE, baseline))
        write_cassette(root, CANDIDATE, chat_body(CANDIDATE, candidate, refusal))

    return setup


def then(setup: Setup, change: Callable[[Path], None]) -> Setup:
    def both(root: Path) -> None:
        setup(root)
        change(root)

    return both


def candidate_cassette(root: Path) -> Path:
    return cassette_path(root / "cassettes", "s", "a", CANDIDATE)


def garble(root: Path) -> None:
    candidate_cassette(root).write_text("interactions: [ {request: \n  - ::: !!python/object x\n")


def truncate(root: Path) -> None:
    path = candidate_cassette(root)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def not_a_cassette(root: Path) -> None:
    candidate_cassette(root).write_text("- just\n- a list\n")


def empty_file(root: Path) -> None:
    candidate_cassette(root).write_text("")


def bad_approvals(root: Path) -> None:
    (root / "approvals.yaml").write_text("approvals:\n  - case: s::a\n    check: [unclosed\n")


def approvals_with_bad_date(root: Path) -> None:
    (root / "approvals.yaml").write_text(
        "approvals:\n  - case: s::a\n    check: similarity\n    baseline: x\n"
        "    candidate: y\n    approved_on: yesterday\n"
    )


@dataclass(frozen=True)
class Bad:
    """One broken input: the suite, what else is on disk, the options, the line expected."""

    name: str
    expect: str  # an fnmatch pattern that one output line must match
    suite: str = ONE_CASE
    args: tuple[str, ...] = ()
    setup: Setup | None = None
    pair: str | None = PAIR
    files: dict[str, str] = field(default_factory=dict)


SUITE_AT = "*suites/s.yaml"
GOOD_ANSWERS = answers("hello there", "hello there")

CATALOGUE = [
    # -- the suite file, re-checked end to end --------------------------------------------
    Bad("yaml-syntax", f"{SUITE_AT}:3: YAML syntax error*", "cases:\n  - id: a\n    x: [\n"),
    Bad("unknown-top-key", f"{SUITE_AT}:1: unknown key 'suit'*", "suit: x\n" + ONE_CASE),
    Bad(
        "unknown-case-key",
        f"{SUITE_AT}:5: case 'a': unknown key 'mesages'*did you mean 'messages'*",
        ONE_CASE + "    mesages: []\n",
    ),
    Bad(
        "wrong-type",
        f"{SUITE_AT}:5: case 'a': 'samples' must be a whole number*'many'*",
        ONE_CASE + "    samples: many\n",
    ),
    Bad(
        "duplicate-id",
        f"{SUITE_AT}:5: case 'a': duplicate case id (first used on line 3)*",
        ONE_CASE + "  - id: a\n    messages: [{role: user, content: again}]\n",
    ),
    Bad("empty-suite", f"{SUITE_AT}:2: 'cases' is empty*", "suite: s\ncases: []\n"),
    Bad(
        "bad-role",
        f"{SUITE_AT}:4: case 'a': message #1 has role 'robot'*",
        ONE_CASE.replace("role: user", "role: robot"),
    ),
    Bad("not-utf8", f"{SUITE_AT}: cannot read the suite*", "cases:\n  - id: \xff\xfe\n"),
    # -- checks ------------------------------------------------------------------------------
    Bad(
        "missing-schema-file",
        f"{SUITE_AT}:6: case 'a': schema: cannot read 'schemas/nope.json'*",
        with_checks("schema: schemas/nope.json"),
    ),
    Bad(
        "schema-file-not-json",
        f"{SUITE_AT}:6: case 'a': schema: 'broken.json' does not parse*",
        with_checks("schema: broken.json"),
        files={"suites/broken.json": '{"type": "object",'},
    ),
    Bad(
        "invalid-json-schema",
        f"{SUITE_AT}:6: case 'a': schema: inline schema is not a valid JSON Schema*",
        with_checks("schema: {type: 12}"),
    ),
    Bad(
        "dotted-path-does-not-import",
        f"{SUITE_AT}:6: case 'a': *cannot import 'nosuchmodule.triage:route'*",
        with_checks("downstream: nosuchmodule.triage:route"),
    ),
    Bad(
        "dotted-path-missing-attribute",
        f"{SUITE_AT}:6: case 'a': *cannot import 'team:nope'*",
        with_checks("assert: team:nope"),
    ),
    Bad(
        "callable-without-arguments",
        f"{SUITE_AT}:6: case 'a': *'team:zero' takes 0 arguments*",
        with_checks("assert: team:zero"),
    ),
    Bad(
        "callable-with-three-arguments",
        f"{SUITE_AT}:6: case 'a': *'team:three' takes 3 arguments*",
        with_checks("downstream: team:three"),
    ),
    Bad(
        "not-callable",
        f"{SUITE_AT}:6: case 'a': *'team:CONSTANT' is not callable*",
        with_checks("assert: team:CONSTANT"),
    ),
    Bad(
        "unknown-check",
        f"{SUITE_AT}:6: case 'a': unknown check 'simlarity'*known checks:*similarity*",
        with_checks("simlarity: {min: 80}"),
    ),
    Bad(
        "check-option-of-wrong-type",
        f"{SUITE_AT}:6: case 'a': similarity*",
        with_checks("similarity: {min: high}"),
    ),
    # -- options -----------------------------------------------------------------------------
    Bad(
        "model-pair-without-colon",
        "*--model-pair: 'gpt-4o-mini' is not BASELINE:CANDIDATE*",
        pair="gpt-4o-mini",
    ),
    Bad(
        "model-pair-with-itself",
        "*--model-pair: 'gpt-4o-mini:gpt-4o-mini' compares 'gpt-4o-mini' with itself*",
        pair="gpt-4o-mini:gpt-4o-mini",
    ),
    Bad(
        "record-mode-option",
        "*--record-mode: invalid choice: 'bogus'*",
        args=("--record-mode", "bogus"),
    ),
    Bad(
        "record-mode-ini",
        "*migrate_check_record_mode: 'bogus' is not one of none, once, new_episodes, all*",
        files={"pytest.ini": "[pytest]\nmigrate_check_record_mode = bogus\n"},
    ),
    Bad(
        "negative-retries",
        "*argument --max-retries: '-1' must be at least 0*",
        args=("--max-retries=-1",),
    ),
    Bad("zero-samples", "*--samples: '0' must be at least 1*", args=("--samples", "0")),
    # -- recordings --------------------------------------------------------------------------
    Bad(
        "missing-recording",
        "*no recording of case 's::a' on model 'gpt-4o-mini'*record it with: OPENAI_API_KEY=*",
    ),
    Bad(
        "corrupted-cassette",
        "*cassette cassettes/s/a/gpt-4.1-mini.yaml cannot be read: not valid YAML at line 2: *; "
        "delete it and record again*",
        setup=then(GOOD_ANSWERS, garble),
    ),
    Bad(
        "truncated-cassette",
        "*cassette cassettes/s/a/gpt-4.1-mini.yaml cannot be read: not valid YAML at line *",
        setup=then(GOOD_ANSWERS, truncate),
    ),
    Bad(
        "cassette-not-a-mapping",
        "*cassette cassettes/s/a/gpt-4.1-mini.yaml cannot be read: not a vcrpy cassette*",
        setup=then(GOOD_ANSWERS, not_a_cassette),
    ),
    Bad(
        "empty-cassette-file",
        "*cassette cassettes/s/a/gpt-4.1-mini.yaml cannot be read: the file is empty*",
        setup=then(GOOD_ANSWERS, empty_file),
    ),
    Bad(
        "request-no-longer-matches",
        "*recording of case 's::a' on model 'gpt-4o-mini'*does not match the case's request "
        "(request body differs in messages)*",
        suite=ONE_CASE.replace("content: hi", "content: hello"),
        setup=GOOD_ANSWERS,
    ),
    # -- answers -----------------------------------------------------------------------------
    Bad(
        "non-json-output-with-a-schema",
        "*regressed*schema*candidate output is not JSON*",
        with_checks("schema: {type: object}"),
        setup=answers('{"queue": "billing"}', "Sure! The queue is billing."),
    ),
    Bad(
        "empty-answer",
        "*changed*similarity 0 < 80 (ratio): the candidate answer is empty*",
        with_checks("similarity: {min: 80}"),
        args=("--fail-on", "changed"),
        setup=answers("hello there", ""),
    ),
    Bad(
        "refusal",
        "*candidate gpt-4.1-mini: REFUSED: I can't help with that.",
        with_checks("similarity: {min: 80}"),
        args=("--fail-on", "changed"),
        setup=answers("hello there", None, refusal="I can't help with that."),
    ),
    Bad(
        "hanging-downstream",
        "*error*downstream team:hang*timed out after 0.2 s*",
        with_checks("downstream: {callable: 'team:hang', timeout: 0.2}"),
        setup=GOOD_ANSWERS,
    ),
    Bad(
        "approvals-not-yaml",
        "*approvals.yaml: line 3: not valid YAML*",
        args=("--approvals", "approvals.yaml"),
        setup=then(GOOD_ANSWERS, bad_approvals),
    ),
    Bad(
        "approvals-bad-date",
        "*approvals.yaml: line 2: approval 1 has 'approved_on' 'yesterday', not a date*",
        args=("--approvals", "approvals.yaml"),
        setup=then(GOOD_ANSWERS, approvals_with_bad_date),
    ),
    Bad(
        "prices-file-missing",
        "*cannot read price table*nope.json*",
        args=("--prices", "nope.json"),
        setup=GOOD_ANSWERS,
    ),
]


def test_the_catalogue_is_large_and_its_names_unique() -> None:
    names = [bad.name for bad in CATALOGUE]
    assert len(names) >= 25
    assert len(set(names)) == len(names)


def _params() -> list[Any]:
    return [pytest.param(bad, id=bad.name) for bad in CATALOGUE]


@pytest.mark.parametrize("bad", _params())
def test_bad_input_is_one_line_naming_where_without_traceback(
    pytester: pytest.Pytester, offline: None, bad: Bad
) -> None:
    suites = pytester.path / "suites"
    suites.mkdir()
    (suites / "team.py").write_text(TEAM)
    (suites / "s.yaml").write_bytes(textwrap.dedent(bad.suite).lstrip().encode("latin-1"))
    for name, text in bad.files.items():
        (pytester.path / name).write_text(text)
    if bad.setup is not None:
        bad.setup(pytester.path)
    pair = ("--model-pair", bad.pair) if bad.pair else ()
    result = pytester.runpytest(*pair, "-p", "no:cacheprovider", "--no-report", *bad.args)
    output = result.stdout.lines + result.stderr.lines
    text = "\n".join(output)
    assert result.ret != pytest.ExitCode.OK, text
    assert_no_traceback(text)
    matching = [line for line in output if _fnmatch(line, bad.expect)]
    assert matching, f"no line matches {bad.expect!r} in:\n{text}"


# pytest shows an unexpected exception as source lines and `path.py:LINE: ErrorType`.
_TRACEBACK = re.compile(r"^(Traceback|INTERNALERROR|\S+\.py:\d+: \w+)", re.MULTILINE)


def assert_no_traceback(text: str) -> None:
    found = _TRACEBACK.search(text)
    assert found is None, f"a traceback ({found.group(0) if found else ''!r}) in:\n{text}"


def _fnmatch(line: str, pattern: str) -> bool:
    from fnmatch import fnmatchcase

    return fnmatchcase(line, pattern)
