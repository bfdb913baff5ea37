"""--samples and the ini key migrate_check_samples: how often each model answers a case."""

from __future__ import annotations

import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

SUITE = """
suite: sampled
samples: 1
request: {temperature: 0.7}
cases:
  - id: invoice
    messages: [{role: user, content: "Why is my invoice higher this month?"}]
"""


def _answers_recorded(root: pytest.Pytester) -> dict[str, int]:
    """Exchanges in each model's cassette of the one case."""
    folder = root.path / "cassettes" / "sampled" / "invoice"
    return {
        model: len(yaml.safe_load((folder / f"{model}.yaml").read_text())["interactions"])
        for model in PAIR.split(":")
    }


def test_the_ini_key_samples_every_case(
    pytester: pytest.Pytester, live: LocalServer, plugin_args: tuple[str, ...]
) -> None:
    write_suite(pytester.path, "sampled", SUITE)
    pytester.makeini("[pytest]\nmigrate_check_samples = 3\n")
    result = pytester.runpytest(
        "--model-pair", PAIR, "--record-mode", "once", "--no-report", *plugin_args
    )
    result.assert_outcomes(passed=1)
    assert _answers_recorded(pytester) == dict.fromkeys(PAIR.split(":"), 3)


def test_the_command_line_overrides_the_ini_key(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    write_suite(pytester.path, "sampled", SUITE)
    pytester.makeini("[pytest]\nmigrate_check_samples = 3\n")
    result = pytester.runpytest(
        "--model-pair", PAIR, "--record-mode", "once", "--no-report", "--samples", "2"
    )
    result.assert_outcomes(passed=1)
    assert _answers_recorded(pytester) == dict.fromkeys(PAIR.split(":"), 2)


@pytest.mark.parametrize(
    ("value", "message"),
    [("many", "'many' is not a whole number"), ("0", "'0' must be at least 1")],
)
def test_a_value_that_is_no_count_is_a_usage_error(
    pytester: pytest.Pytester, value: str, message: str
) -> None:
    pytester.makeini(f"[pytest]\nmigrate_check_samples = {value}\n")
    result = pytester.runpytest("--model-pair", PAIR)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"*migrate_check_samples: {message}*"])
