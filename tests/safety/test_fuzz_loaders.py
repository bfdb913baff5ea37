"""Fuzzing the loaders: any suite, cassette or approvals file ends in a result or in the
loader's own one-line error, never in an unexpected exception."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migrate_check.cassettes.files import CassetteLoadError, open_case_cassette
from migrate_check.importing.cassette_reader import read_cassette
from migrate_check.importing.errors import SourceError
from migrate_check.judging.approvals import ApprovalsError, ApprovalStore
from migrate_check.suites.loading import parse_suite_text
from migrate_check.suites.reader import CASE_KEYS, SUITE_KEYS
from migrate_check.suites.suite import Suite, SuiteError

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.text(max_size=8),
    st.sampled_from(["user", "system", "a", "chat", "responses", "schema", "$.x", "hi"]),
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6) | st.sampled_from(CASE_KEYS), inner, max_size=3)
    ),
    max_leaves=12,
)
messages = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "system", "robot"]), "content": values}
    ),
    max_size=2,
)
cases = st.dictionaries(
    st.sampled_from(CASE_KEYS) | st.text(max_size=5),
    st.one_of(values, messages),
    max_size=5,
)
suites = st.dictionaries(
    st.sampled_from(SUITE_KEYS) | st.text(max_size=5),
    st.one_of(values, st.lists(cases, max_size=3)),
    max_size=5,
)


def _dump(document: Any) -> str:
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


@FUZZ
@given(document=suites)
def test_a_generated_suite_document_loads_or_is_a_suite_error(document: Any) -> None:
    try:
        suite = parse_suite_text(_dump(document), Path("suites/fuzz.yaml"))
    except SuiteError as exc:
        assert str(exc).startswith("suites/fuzz.yaml")
        assert "\n" not in exc.message
    else:
        assert isinstance(suite, Suite) and suite.cases


@FUZZ
@given(text=st.text(max_size=200), cut=st.integers(0, 400))
def test_arbitrary_or_truncated_suite_text_loads_or_is_a_suite_error(text: str, cut: int) -> None:
    valid = "suite: s\ncases:\n  - id: a\n    messages: [{role: user, content: hi}]\n"
    for candidate in (text, valid[:cut] + text, valid[: cut % len(valid)]):
        try:
            parse_suite_text(candidate, Path("s.yaml"))
        except SuiteError as exc:
            assert str(exc).startswith("s.yaml")


def _interaction(model: str = "gpt-4o-mini") -> dict[str, Any]:
    body = {"choices": [{"message": {"role": "assistant", "content": "hi"}}], "model": model}
    return {
        "request": {
            "method": "POST",
            "uri": "https://api.openai.com/v1/chat/completions",
            "body": json.dumps({"model": model, "messages": [{"role": "user", "content": "hi"}]}),
            "headers": {"content-type": ["application/json"]},
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"content-type": ["application/json"]},
            "body": {"string": json.dumps(body)},
        },
    }


VALID_CASSETTE = _dump({"interactions": [_interaction()], "version": 1})


@st.composite
def cassettes(draw: st.DrawFn) -> str:
    """A cassette with some of its parts replaced by generated values, or cut short."""
    document: Any = {"interactions": [_interaction()], "version": 1}
    for _ in range(draw(st.integers(0, 3))):
        target = draw(
            st.sampled_from(
                [
                    "root",
                    "interactions",
                    "interaction",
                    "request",
                    "response",
                    "body",
                    "status",
                    "headers",
                    "version",
                ]
            )
        )
        value = draw(values)
        interaction = (
            document["interactions"][0]
            if (
                isinstance(document, dict)
                and isinstance(document.get("interactions"), list)
                and document["interactions"]
                and isinstance(document["interactions"][0], dict)
            )
            else None
        )
        if target == "root":
            document = value
        elif target in ("interactions", "version") and isinstance(document, dict):
            document[target] = value
        elif interaction is not None and target == "interaction":
            document["interactions"][0] = value
        elif interaction is not None and target in ("request", "response"):
            interaction[target] = value
        elif interaction is not None and isinstance(interaction.get("response"), dict):
            response = interaction["response"]
            key = {"body": "body", "status": "status", "headers": "headers"}[target]
            response[key] = value
    text = _dump(document)
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))]
    return text


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


@FUZZ
@given(text=cassettes())
def test_a_generated_cassette_loads_or_is_a_cassette_error(folder: Path, text: str) -> None:
    path = folder / "case" / "gpt-4o-mini.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    try:
        cassette = open_case_cassette(path, "none")
    except CassetteLoadError as exc:
        assert str(exc).startswith(f"cassette {path} cannot be read: ")
        assert "\n" not in str(exc)
    else:
        assert len(cassette) >= 0
    try:
        read_cassette(path)
    except SourceError as exc:
        assert str(exc).startswith(str(path))


def test_the_unbroken_cassette_loads(folder: Path) -> None:
    path = folder / "whole.yaml"
    path.write_text(VALID_CASSETTE)
    assert len(open_case_cassette(path, "none")) == 1
    (exchange,) = read_cassette(path)
    assert exchange.status == 200


approvals = st.dictionaries(
    st.sampled_from(["approvals", "x"]),
    st.lists(
        st.dictionaries(
            st.sampled_from(
                ["case", "check", "baseline", "candidate", "approved_on", "reason", "zzz"]
            ),
            values | st.dates().map(str),
            max_size=6,
        ),
        max_size=3,
    )
    | values,
    max_size=2,
)


@FUZZ
@given(document=approvals, cut=st.integers(0, 300))
def test_a_generated_approvals_file_loads_or_is_an_approvals_error(
    folder: Path, document: Any, cut: int
) -> None:
    path = folder / "approvals.yaml"
    text = _dump(document)
    for candidate in (text, text[:cut]):
        path.write_text(candidate, encoding="utf-8")
        try:
            store = ApprovalStore.load(path)
        except ApprovalsError as exc:
            assert str(exc).startswith(str(path))
        else:
            assert len(store) >= 0


@st.composite
def replayed_answers(draw: st.DrawFn) -> dict[str, Any]:
    """A recorded answer to the case's exact request, with a generated body and headers."""
    interaction = _interaction()
    response = interaction["response"]
    body = draw(
        st.one_of(
            st.text(max_size=40),
            values.map(json.dumps),
            st.sampled_from(['data: {"choices": [\n\n', "data: [DONE]\n\n", "{}", "null"]),
        )
    )
    response["body"] = {"string": body}
    response["status"]["code"] = draw(st.sampled_from([200, 201, 204, 299]))
    response["headers"] = draw(
        st.sampled_from(
            [
                {"content-type": ["application/json"]},
                {"content-type": ["text/event-stream"]},
                {"openai-processing-ms": [draw(st.text(max_size=5))]},
                {},
            ]
        )
    )
    return interaction


@settings(max_examples=25, deadline=None)
@given(interaction=replayed_answers(), stream=st.booleans())
def test_a_generated_answer_replays_as_a_completion_or_an_error_never_a_crash(
    folder: Path, interaction: dict[str, Any], stream: bool
) -> None:
    from migrate_check.cassettes.files import write_interactions
    from migrate_check.cassettes.paths import cassette_path
    from migrate_check.core.case import Case
    from migrate_check.sending.runner import Runner
    from migrate_check.sending.settings import RunnerSettings

    request: dict[str, Any] = {"messages": [{"role": "user", "content": "hi"}]}
    if stream:
        request["stream"] = True
    sent = {**request, "model": "gpt-4o-mini"}
    interaction["request"]["body"] = json.dumps(sent)
    case = Case(suite="fuzz", id="a", request=request, checks=())
    path = cassette_path(folder / "cassettes", "fuzz", "a", "gpt-4o-mini")
    path.unlink(missing_ok=True)
    write_interactions(path, [interaction])
    runner = Runner(
        RunnerSettings(
            record_mode="none",
            cassette_dir=folder / "cassettes",
            base_url="http://127.0.0.1:9/v1",
        ),
        lambda case, model, mode: "record it",
    )
    (completion,) = runner.fetch([case], ["gpt-4o-mini"])[(case.key, "gpt-4o-mini")]
    assert completion.error is None or "\n" not in completion.error
    assert completion.error is not None or isinstance(completion.text, str)
