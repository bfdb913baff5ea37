"""Bad input, end to end: each mistake is one line naming where it is, never a traceback.

Every entry of `CATALOGUE` runs pytest on a tiny project (offline: a closed port and no
key) and looks for one output line naming the file, line, case or model at fault.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PAIR
from migrate_check.cassettes.files import write_interactions
from migrate_check.cassettes.paths import cassette_path

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


# -- hostile answers and files -------------------------------------------------------------
EVIL = "https://evil.example"
NESTED_100 = '{"a": ' * 100 + '"deep"' + "}" * 100
CUT_NESTED_100 = "[" * 100 + '{"a": "b'
TERMINAL_ESCAPES = "\x1b[31mred\x1b[0m \x1b]0;pwned\x07 \x9b2J erased\rrewritten\x08"
MARKDOWN = (
    f"[click]({EVIL}/a) ![pixel]({EVIL}/p.png) <img src=x onerror=alert(1)> "
    "www.evil.example admin@evil.example **bold**"
)


def raw_answer(model: str, body: bytes, encoding: str | None = None, case: str = "a") -> Setup:
    """A cassette written byte for byte (vcrpy's format), bypassing every filter."""

    def setup(root: Path) -> None:
        headers = {"content-type": ["application/json"]}
        if encoding:
            headers["content-encoding"] = [encoding]
        document = {
            "version": 1,
            "interactions": [
                {
                    "request": {
                        "method": "POST",
                        "uri": "http://127.0.0.1:9/v1/chat/completions",
                        "body": json.dumps(
                            {"messages": [{"role": "user", "content": "hi"}], "model": model}
                        ),
                        "headers": {"content-type": ["application/json"]},
                    },
                    "response": {
                        "status": {"code": 200, "message": "OK"},
                        "headers": headers,
                        "body": {"string": body},
                    },
                }
            ],
        }
        path = cassette_path(root / "cassettes", "s", case, model)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(document))

    return setup


def both(*setups: Setup) -> Setup:
    def run(root: Path) -> None:
        for setup in setups:
            setup(root)

    return run


def escaping_model_name(root: Path) -> None:
    write_cassette(root, CANDIDATE, chat_body("gpt-4.1-mini\x1b[2J", "hi"))


def alias_bomb(levels: int = 9) -> str:
    """The billion laughs: a few hundred bytes standing for 9**levels strings."""
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels + 1):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def bomb_candidate_cassette(root: Path) -> None:
    candidate_cassette(root).write_text(alias_bomb())


def python_tag_cassette(root: Path) -> None:
    candidate_cassette(root).write_text(
        "interactions:\n- !!python/object/apply:os.system ['touch pwned']\n"
    )


def fifo_prompt_file(root: Path) -> None:
    """A named pipe where a prompt file should be: opening it would wait for a writer."""
    os.mkfifo(root / "suites" / "prompt.md")


def prompt_from(name: str) -> str:
    return ONE_CASE.replace("content: hi", f"content: {{file: {name}}}")


def oversize_yaml(root: Path) -> None:
    """A YAML file beyond a suite's 16 MiB whose `cases:` comes after that: not read."""
    filler = "# " + "x" * 1000 + "\n"
    (root / "suites" / "huge.yaml").write_text(filler * 16_800 + ONE_CASE)


def reports_of(root: Path) -> dict[str, str]:
    """The three reports, each decoded strictly (every byte written is UTF-8)."""
    out = root / "migrate-check-report"
    texts = {name: (out / name).read_bytes().decode("utf-8") for name in REPORTS}
    json.loads(texts["report.json"], parse_constant=_no_constant)  # strict JSON: no NaN
    return texts


REPORTS = ("report.json", "report.md", "report.html")


def _no_constant(name: str) -> None:
    raise AssertionError(f"report.json holds {name}, which JSON has no place for")


def reports_hold(*needles: str, where: tuple[str, ...] = REPORTS) -> Callable[[Path], None]:
    """Every report is written, is valid UTF-8 (and JSON), and shows the case's answer."""

    def check(root: Path) -> None:
        texts = reports_of(root)
        document = json.loads(texts["report.json"])
        assert [case["key"] for case in document["cases"]] == ["s::a"]
        for needle in needles:
            for name in where:
                assert needle in texts[name], f"{needle!r} not in {name}"

    return check


def markdown_prose(text: str) -> str:
    """report.md as Markdown renders it: without code (fences and inline code show text
    literally) and without the `<summary>` lines (raw HTML, escaped, never Markdown)."""
    summaries = re.findall(r"(?m)^<details><summary>.*$", text)
    assert summaries and not any("<img" in line or "<a " in line for line in summaries)
    text = re.sub(r"(?m)^<details><summary>.*$", "", text)
    text = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\n", "", text)
    return re.sub(r"`[^`\n]*`", "", text)


def no_live_markdown(root: Path) -> None:
    texts = reports_of(root)
    prose = markdown_prose(texts["report.md"])
    assert "click" in prose, "the answer is not in the Markdown prose, so nothing was tested"
    assert re.search(r"(?<!\\)\]\(", prose) is None, "a live link or image in report.md"
    assert re.search(r"(?<!\\)!\\?\[", prose) is None or "\\!\\[" in prose
    assert "<img" not in prose and f"{EVIL}" not in prose and "www.evil" not in prose
    assert "admin@evil" not in prose


def controls_visible(root: Path) -> None:
    texts = reports_of(root)
    assert "\x1b" not in texts["report.md"] and "\\x1b[31mred" in texts["report.md"]
    assert "\\u001b[31mred" in texts["report.json"]


def schema_file(name: str, schema: dict[str, Any]) -> dict[str, str]:
    return {f"suites/{name}": json.dumps(schema)}


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
    # Given: the reports are written too, and this checks the bytes written.
    written: Callable[[Path], None] | None = None


SUITE_AT = "*suites/s.yaml"
GOOD_ANSWERS = answers("hello there", "hello there")


def candidate_names_no_model(root: Path) -> None:
    """A proxy that blanks the response's `model`: no proof of who answered."""
    write_cassette(root, BASELINE, chat_body(BASELINE, "hello there"))
    write_cassette(root, CANDIDATE, {**chat_body(CANDIDATE, "hello there"), "model": ""})


def deployments_answered_by_gpt_4o_mini(root: Path) -> None:
    """Azure deployments replayed offline; `prod-mini` runs gpt-4o-mini whatever the
    mapping says."""
    for deployment, model in (("prod-mini", "gpt-4o-mini"), ("prod-41", "gpt-4.1-mini")):
        write_cassette(root, deployment, chat_body(f"{model}-2025-04-14", "hello there"))


def report_md_in_the_way(root: Path) -> None:
    GOOD_ANSWERS(root)
    (root / "migrate-check-report" / "report.md").mkdir(parents=True)


def report_json_whole_and_no_temporary_file(root: Path) -> None:
    folder = root / "migrate-check-report"
    json.loads((folder / "report.json").read_text())
    assert not list(folder.glob(".*.tmp")), list(folder.iterdir())


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
        "case-ids-differing-in-letter-case",
        f"{SUITE_AT}:5: case 'Refund': case id 'Refund' shares its cassette folder 'Refund' "
        "with case 'refund' (line 3)*",
        "suite: s\ncases:\n  - id: refund\n    messages: [{role: user, content: a}]\n"
        "  - id: Refund\n    messages: [{role: user, content: b}]\n",
    ),
    Bad(
        "model-names-sharing-a-cassette-file",
        "*--model-pair: 'ft:gpt-4o-mini:acme::x1' and 'ft_gpt-4o-mini_acme__x1' would share "
        "one cassette file*",
        pair="ft:gpt-4o-mini:acme::x1,ft_gpt-4o-mini_acme__x1",
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
    # -- hostile answers: judged, every report written, nothing live or raw -----------------
    Bad(
        "lone-surrogate-answer",
        "s::a: changed*",
        with_checks("similarity: {min: 99}"),
        args=("--fail-on", "changed"),
        setup=answers("hello there", "hello \ud800 there"),
        written=reports_hold("hello \ufffd there"),
    ),
    Bad(
        "invalid-utf8-answer",
        "s::a: changed*",
        with_checks("similarity: {min: 99}"),
        args=("--fail-on", "changed"),
        setup=both(
            answers("hello there", None),
            raw_answer(
                CANDIDATE,
                json.dumps(chat_body(CANDIDATE, "caf_X")).encode().replace(b"_X", b"\xe9 \xff\xfe"),
            ),
        ),
        written=reports_hold("caf\ufffd \ufffd\ufffd"),
    ),
    Bad(
        "nested-json-cut-off",
        "*regressed*schema*candidate output is not JSON*",
        with_checks("schema: {type: array}", "similarity: {min: 0}"),
        setup=answers("[1]", CUT_NESTED_100),
        written=reports_hold("s::a"),
    ),
    Bad(
        "nested-json-100-levels",
        "s::a: changed*",
        with_checks("equal: {}", "schema: {type: object}", "similarity: {min: 0}"),
        args=("--fail-on", "changed"),
        setup=answers('{"a": "shallow"}', NESTED_100),
        written=reports_hold("deep", where=("report.json", "report.html")),
    ),
    Bad(
        "nan-and-infinity",
        "s::a: changed*",
        with_checks("equal: {}", "schema: {type: object}"),
        args=("--fail-on", "changed"),
        setup=answers('{"score": 1, "high": 2}', '{"score": NaN, "high": Infinity}'),
        written=reports_hold("Infinity"),
    ),
    Bad(
        "markdown-in-answer",
        "s::a: changed*",
        with_checks("equal: {path: '$.note'}"),
        args=("--fail-on", "changed"),
        setup=answers('{"note": "plain"}', json.dumps({"note": MARKDOWN})),
        written=no_live_markdown,
    ),
    Bad(
        "terminal-escapes-in-answer",
        "*candidate gpt-4.1-mini: \\x1b[[]31mred\\x1b[[]0m \\x1b]0;pwned\\x07*",
        with_checks("similarity: {min: 99}"),
        args=("--fail-on", "changed"),
        setup=answers("hello there", TERMINAL_ESCAPES),
        written=controls_visible,
    ),
    Bad(
        "terminal-escapes-in-a-model-name",
        "*gpt-4.1-mini\\x1b[[]2J*",
        with_checks("similarity: {min: 99}"),
        args=("--fail-on", "changed"),
        setup=both(
            answers("hello there", None),
            escaping_model_name,
        ),
        written=reports_hold("s::a"),
    ),
    # -- hostile files: refused with one line, before they exhaust memory or run code ------
    Bad(
        "yaml-alias-bomb-in-suite",
        f"{SUITE_AT}:7: *expands to more than 1,000,000 nodes*alias bomb*",
        alias_bomb() + ONE_CASE,
    ),
    Bad(
        "yaml-alias-bomb-in-cassette",
        "*cassette cassettes/s/a/gpt-4.1-mini.yaml cannot be read: line 7: *alias bomb*",
        setup=then(GOOD_ANSWERS, bomb_candidate_cassette),
    ),
    Bad(
        "gzip-bomb-in-cassette",
        "*cassette cassettes/s/a/gpt-4.1-mini.yaml cannot be read: *inflates beyond 32 MiB*",
        setup=both(
            answers("hello there", None),
            raw_answer(CANDIDATE, gzip.compress(b" " * (40 * 1024 * 1024)), "gzip"),
        ),
    ),
    Bad(
        "python-tag-in-cassette",
        "*cassette cassettes/s/a/gpt-4.1-mini.yaml cannot be read: *python/object/apply*",
        setup=then(GOOD_ANSWERS, python_tag_cassette),
        written=lambda root: None if not (root / "pwned").exists() else pytest.fail("ran code"),
    ),
    # -- offline schemas and bounded checks ---------------------------------------------
    Bad(
        "remote-schema-ref",
        f"{SUITE_AT}:6: case 'a': schema: remote.json at /: $ref refers to the remote schema "
        "'https://example.invalid/x.json'; migrate-check never fetches schemas*",
        with_checks("schema: remote.json"),
        files=schema_file("remote.json", {"$ref": "https://example.invalid/x.json"}),
    ),
    Bad(
        "schema-ref-outside-the-suite-folder",
        f"{SUITE_AT}:6: case 'a': schema: inline schema at /properties/x: $ref refers to "
        "'../../outside.json', outside the suite's folder*",
        with_checks("schema: {properties: {x: {$ref: '../../outside.json'}}}"),
    ),
    Bad(
        "schema-ref-to-a-missing-file",
        f"{SUITE_AT}:6: case 'a': schema: ticket.json at /properties/x: $ref refers to "
        "'nope.json', which cannot be read*",
        with_checks("schema: ticket.json"),
        files=schema_file("ticket.json", {"properties": {"x": {"$ref": "nope.json"}}}),
    ),
    Bad(
        "catastrophic-regex",
        "*error*regex /(x+x+)+y/ gave up after 1 s on 3,000 characters*",
        with_checks("regex: '(x+x+)+y'"),
        setup=answers("x" * 3000 + "y", "x" * 3000),
        written=reports_hold("gave up after 1 s"),
    ),
    Bad(
        "catastrophic-schema-pattern",
        "*error*schema pattern '(x+x+)+y' gave up after 1 s on 3,000 characters*",
        with_checks("schema: {type: string, pattern: '(x+x+)+y'}"),
        setup=answers('"xy"', json.dumps("x" * 3000)),
    ),
    Bad(
        "similarity-of-long-texts",
        "*changed*similarity * < 99 (trigram_dice, not partial_ratio: both texts over 1,000 "
        "characters for partial_ratio)*",
        with_checks("similarity: {min: 99, scorer: partial_ratio}"),
        args=("--fail-on", "changed"),
        setup=answers("lorem ipsum " * 2000, "dolor sit amet " * 2000),
        written=reports_hold('"method":"trigram_dice"', where=("report.json",)),
    ),
    Bad(
        "price-infinite",
        "*migrate-check prices: price of 'gpt-4o-mini' in '*prices.json' has input inf; a "
        "price is a finite number of USD per 1M tokens, 0 or more*",
        args=("--prices", "prices.json"),
        files={"prices.json": '{"models": {"gpt-4o-mini": {"input": Infinity, "output": 1}}}'},
    ),
    Bad(
        "price-not-a-number",
        "*migrate-check prices: price 'nan/0.6' has input nan; a price is a finite number*",
        files={
            "pytest.ini": "[pytest]\nmigrate_check_price_overrides =\n  gpt-4o-mini = nan/0.6\n"
        },
    ),
    Bad(
        "price-negative",
        "*migrate-check prices: price of 'gpt-4.1-mini' in '*prices.json' has output -1.6*",
        args=("--prices", "prices.json"),
        files={"prices.json": '{"models": {"gpt-4.1-mini": {"input": 0.4, "output": -1.6}}}'},
    ),
    Bad(
        "approvals-path-is-a-folder",
        "*migrate-check approvals: *approvals: is a folder; --approvals names a YAML file*",
        args=("--approvals", "approvals"),
        setup=lambda root: (root / "approvals").mkdir(),
    ),
    Bad(
        "prices-file-missing",
        "*cannot read price table*nope.json*",
        args=("--prices", "nope.json"),
        setup=GOOD_ANSWERS,
    ),
    # -- prompt files and suite files that are not what they seem ------------------------
    Bad(
        "prompt-file-name-with-a-nul-byte",
        f"{SUITE_AT}:4: case 'a': 'message #1': the prompt file name 'a\\x00b.md' holds a NUL "
        "byte*",
        prompt_from('"a\\0b.md"'),
    ),
    Bad(
        "prompt-file-is-a-fifo",
        f"{SUITE_AT}:4: case 'a': 'message #1': the prompt file 'prompt.md' is not a regular "
        "file (a FIFO)*",
        prompt_from("prompt.md"),
        setup=fifo_prompt_file,
    ),
    Bad(
        "yaml-file-too-large-to-find-its-cases",
        "*suites/huge.yaml was not read: larger than 16 MiB, the most a suite file holds, with "
        "no top-level 'cases:' in its first 16 MiB*",
        setup=oversize_yaml,
    ),
    # issue 31: an answer naming no model, the Azure mapped model, absurd prices, a report
    # file in the way
    Bad(
        "answer-names-no-model",
        "*answer: the candidate's answer names no model (its response's `model` is empty or "
        "missing): that is not proof that 'gpt-4.1-mini' answered*",
        setup=candidate_names_no_model,
    ),
    Bad(
        "azure-deployment-answered-by-another-model",
        "*answer: the baseline was answered by 'gpt-4o-mini-2025-04-14', not by 'gpt-4.1' that "
        "it asked for (through deployment 'prod-mini')*",
        pair="prod-mini:prod-41",
        files={
            "pytest.ini": "[pytest]\nmigrate_check_azure_models =\n"
            "  prod-mini = gpt-4.1\n  prod-41 = gpt-4.1-mini\n"
        },
        setup=deployments_answered_by_gpt_4o_mini,
    ),
    Bad(
        "price-absurdly-large",
        "*migrate-check prices: price '1e308/0.6' has input 1e+308; a price is a finite number "
        "of USD per 1M tokens, 0 or more and at most 10,000 (migrate_check_price_overrides, "
        "line 1: 'gpt-4o-mini = 1e308/0.6')*",
        files={
            "pytest.ini": "[pytest]\nmigrate_check_price_overrides =\n  gpt-4o-mini = 1e308/0.6\n"
        },
    ),
    Bad(
        "price-absurdly-large-in-a-table-file",
        "*migrate-check prices: price of 'gpt-4o-mini' in '*prices.json' has output 1e+308; a "
        "price is a finite number of USD per 1M tokens, 0 or more and at most 10,000*",
        args=("--prices", "prices.json"),
        files={"prices.json": '{"models": {"gpt-4o-mini": {"input": 0.15, "output": 1e308}}}'},
    ),
    Bad(
        "report-file-in-the-way",
        "migrate-check: could not write */migrate-check-report/report.md: Is a directory",
        setup=report_md_in_the_way,
        written=report_json_whole_and_no_temporary_file,
    ),
]


# -- `migrate-check import`: one line naming the file and the line, nothing written ------
@dataclass(frozen=True)
class BadImport:
    """A request log the importer refuses (made when the test runs), the line expected."""

    name: str
    expect: str  # an fnmatch pattern for the one line on stderr
    log: Callable[[], str | bytes]


LOGGED = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]})
# A suite reads `content: {file: ...}` from disk: a logged request may not ask for that.
OBJECT_CONTENT = LOGGED.replace('"hi"', '{"file": "secret.md"}')


def nested_line(depth: int) -> str:
    return '{"messages": [{"role": "user", "content": "hi"}], "metadata": ' + (
        "[" * depth + "]" * depth + "}"
    )


IMPORT_AT = "migrate-check: error: */log.jsonl: line 2: "
IMPORT_CATALOGUE = [
    BadImport(
        "log-line-nested-100000-levels",
        f"{IMPORT_AT}nested deeper than 100 levels, more than a suite file holds",
        lambda: f"{LOGGED}\n{nested_line(100_000)}\n",
    ),
    BadImport(
        "log-line-nested-900-levels",
        f"{IMPORT_AT}nested deeper than 100 levels, more than a suite file holds",
        lambda: f"{LOGGED}\n{nested_line(900)}\n",
    ),
    BadImport(
        "log-line-over-16-mib",
        f"{IMPORT_AT}longer than 16 MiB; refused without reading it",
        lambda: f'{LOGGED}\n{nested_line(1)[:-1]}, "x": "{"x" * (16 * 2**20)}"}}\n',
    ),
    BadImport(
        "log-line-not-utf8",
        f"{IMPORT_AT}not UTF-8 (invalid start byte at byte 68)",
        lambda: f"{LOGGED}\n".encode() + LOGGED.encode().replace(b"hi", b"h\xff"),
    ),
    BadImport(
        "log-line-content-an-object",
        f"{IMPORT_AT}message #1's content is an object, which the API does not take; expected "
        "one request body per line",
        lambda: f"{LOGGED}\n{OBJECT_CONTENT}\n",
    ),
]


@pytest.mark.parametrize("bad", [pytest.param(b, id=b.name) for b in IMPORT_CATALOGUE])
def test_bad_import_is_one_line_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: BadImport
) -> None:
    from migrate_check.cli import main

    log = bad.log()
    path = tmp_path / "log.jsonl"
    path.write_bytes(log if isinstance(log, bytes) else log.encode())
    suite = tmp_path / "suites" / "s.yaml"
    code = main(["import", str(path), "--suite", str(suite)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert_no_traceback(err)
    assert err.count("\n") == 1 and _fnmatch(err.rstrip("\n"), bad.expect), (bad.expect, err)
    assert not suite.parent.exists()


# -- live recording against the local server: bounds and faults of the machine -----------
TRICKLED = """
suite: s
cases:
  - id: a
    messages: [{role: user, content: "Hello [fault:trickle:always]"}]
"""


def cassette_folder_in_the_way(root: Path) -> None:
    """A cassette folder that cannot be written (as a read-only or full disk refuses it)."""
    (root / "cassettes").write_text("a file where the cassette folder should be\n")


def answers_reported_without_cassettes(root: Path) -> None:
    texts = reports_of(root)
    document = json.loads(texts["report.json"])
    assert [case["key"] for case in document["cases"]] == ["s::a"]
    for side in ("baseline", "candidate"):
        completion = document["cases"][0][side]["completions"][0]
        assert completion["error"] is None and completion["text"], completion
    assert (root / "cassettes").is_file()


LIVE_CATALOGUE = [
    Bad(
        "answer-trickled-a-byte-at-a-time",
        "*API timeout: no whole answer within 0.5 s (--request-timeout)*",
        TRICKLED,
        args=("--request-timeout", "0.5", "--max-retries", "0"),
    ),
    Bad(
        "cassette-folder-not-writable",
        "migrate-check: could not write the cassette cassettes/s/a/gpt-4*.yaml: Not a "
        "directory (and 1 more cassettes); the answers are in the report*",
        ONE_CASE + "    checks: [{similarity: {min: 0}}]\n",
        setup=cassette_folder_in_the_way,
        written=answers_reported_without_cassettes,
    ),
    # issue 31: a batch output line that is not JSON fails its own case only
    Bad(
        "batch-result-line-not-json",
        "*failed: batch batch_* line mc-*: its result is not JSON; it stays in "
        ".migrate-check-batches.json*",
        ONE_CASE + "    checks: [{similarity: {min: 0}}]\n"
        "  - id: b\n    messages: [{role: user, content: 'hi [batch:garble]'}]\n",
        args=("--batch", "--batch-poll", "0.05"),
    ),
]


@pytest.mark.parametrize("bad", [pytest.param(b, id=b.name) for b in LIVE_CATALOGUE])
def test_live_bad_input_is_one_line_within_its_bound(
    pytester: pytest.Pytester, live: Any, bad: Bad
) -> None:
    (pytester.path / "suites").mkdir()
    (pytester.path / "suites" / "s.yaml").write_text(textwrap.dedent(bad.suite).lstrip())
    if bad.setup is not None:
        bad.setup(pytester.path)
    reports = () if bad.written else ("--no-report",)
    started = time.perf_counter()
    result = pytester.runpytest(
        "--model-pair", PAIR, "--record-mode", "once", "-p", "no:cacheprovider", *reports, *bad.args
    )
    elapsed = time.perf_counter() - started
    output = result.stdout.lines + result.stderr.lines
    text = "\n".join(output)
    assert result.ret != pytest.ExitCode.OK, text
    assert elapsed < 15, f"took {elapsed:.1f} s"  # a trickled answer alone takes ~50 s
    assert_no_traceback(text)
    assert [line for line in output if _fnmatch(line, bad.expect)], (bad.expect, text)
    if bad.written is not None:
        bad.written(pytester.path)


def test_the_catalogue_is_large_and_its_names_unique() -> None:
    entries: list[Bad | BadImport] = [*CATALOGUE, *LIVE_CATALOGUE, *IMPORT_CATALOGUE]
    names = [bad.name for bad in entries]
    assert len(names) >= 61
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
    reports = () if bad.written else ("--no-report",)
    result = pytester.runpytest(*pair, "-p", "no:cacheprovider", *reports, *bad.args)
    output = result.stdout.lines + result.stderr.lines
    text = "\n".join(output)
    assert result.ret != pytest.ExitCode.OK, text
    assert_no_traceback(text)
    assert_no_raw_controls(text)
    matching = [line for line in output if _fnmatch(line, bad.expect)]
    assert matching, f"no line matches {bad.expect!r} in:\n{text}"
    if bad.written is not None:
        bad.written(pytester.path)


def assert_no_raw_controls(text: str) -> None:
    """Nothing from an answer reaches the terminal raw: no escape sequence, no control."""
    raw = sorted({c for c in text if (ord(c) < 32 and c not in "\n\t") or 0x7F <= ord(c) < 0xA0})
    assert not raw, f"raw control characters {raw!r} in the output:\n{text}"


# pytest shows an unexpected exception as source lines and `path.py:LINE: ErrorType`.
_TRACEBACK = re.compile(r"^(Traceback|INTERNALERROR|\S+\.py:\d+: \w+)", re.MULTILINE)


def assert_no_traceback(text: str) -> None:
    found = _TRACEBACK.search(text)
    assert found is None, f"a traceback ({found.group(0) if found else ''!r}) in:\n{text}"


def _fnmatch(line: str, pattern: str) -> bool:
    from fnmatch import fnmatchcase

    return fnmatchcase(line, pattern)
