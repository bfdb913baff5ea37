"""First contacts: what a newcomer sees before passing a model pair, the command without
arguments, the ini key's name, and `pytest --help` beside pytest-recording."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, TRIAGE_SUITE, write_suite
from migrate_check.cli import main

HINT = "migrate-check: prompt suites such as suites/triage.yaml run only with a model pair: "

# Options of the group, as `pytest --help` spells them (others may join them).
OPTIONS = [
    "--model-pair=BASELINE:CANDIDATE",
    "--record-mode={none,once,new_episodes,all}",
    "--cassette-dir=DIR",
    "--report-dir=DIR",
    "--fail-on={regressed,changed}",
    "--samples=N",
    "--concurrency=N",
    "--max-retries=N",
    "--request-timeout=SECONDS",
    "--accept",
    "--accept-reason=TEXT",
    "--approvals=FILE",
    "--prices=FILE",
    "--record-baseline",
    "--prune-recordings",
    "--no-report",
]


def test_suites_without_a_pair_say_how_to_run_them(
    pytester: pytest.Pytester, plugin_args: tuple[str, ...]
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    result = pytester.runpytest("-p", "no:cacheprovider", "suites/", *plugin_args)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED
    [hint] = [line for line in result.outlines if line.startswith("migrate-check:")]
    command = hint.removeprefix(HINT).split()
    assert command[:3] == ["pytest", "--model-pair", "BASELINE:CANDIDATE"]
    assert "suites/" in command and all(arg in command for arg in plugin_args)


def test_the_hint_comes_beside_other_tests_and_not_with_a_pair(
    pytester: pytest.Pytester, offline: None
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([HINT + "pytest --model-pair BASELINE:CANDIDATE *"])

    paired = pytester.runpytest("-p", "no:cacheprovider", "--model-pair", PAIR, "--co")
    assert "run only with a model pair" not in paired.stdout.str()


def test_no_suite_no_hint(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", config="name: not a suite\nitems: [1, 2]\n")
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)
    assert not [line for line in result.outlines if line.startswith("migrate-check")]


def test_the_fixture_skips_without_a_pair(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_cases="def test_x(migrate_check_case):\n    raise AssertionError\n")
    result = pytester.runpytest("-p", "no:cacheprovider", "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(
        [
            "SKIPPED * migrate_check_case needs a model pair: pass --model-pair "
            "BASELINE:CANDIDATE or set migrate_check_model_pair in the ini file"
        ]
    )


@pytest.mark.parametrize("key", ["migrate_check_model_pair", "model_pair"])
def test_both_ini_keys_turn_the_plugin_on(
    pytester: pytest.Pytester, offline: None, key: str
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    pytester.makeini(f"[pytest]\n{key} = {PAIR}\n")
    result = pytester.runpytest("--collect-only", "-q", "-p", "no:cacheprovider")
    result.stdout.fnmatch_lines(["suites/triage.yaml::refund"])


def test_the_new_ini_key_wins_and_names_itself_in_errors(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nmodel_pair = a:b\nmigrate_check_model_pair = gpt-4o-mini\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*migrate_check_model_pair: 'gpt-4o-mini' is not*"])


def test_the_command_without_arguments_prints_help_and_points_to_pytest(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main([]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: migrate-check")
    assert "import" in out
    assert "pytest --model-pair gpt-4o-mini:gpt-4.1-mini suites/" in " ".join(out.split())


def test_the_installed_command_without_arguments(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "migrate-check"
    done = subprocess.run([command], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    assert "usage: migrate-check" in done.stdout and "pytest --model-pair" in done.stdout
    assert done.stderr == ""


def _group(help_text: str, title: str) -> list[str]:
    """The option lines of one `--help` group (each option's first line)."""
    lines = help_text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    body = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        body.append(line)
    return [m.group(1) for line in body if (m := re.match(r"  (--\S+)", line))]


def test_help_lists_every_option_in_the_group(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:recording", "--help")
    listed = _group(result.stdout.str(), "migrate-check: compare two models on prompt suites:")
    assert listed[:2] == OPTIONS[:2]
    assert set(OPTIONS) <= set(listed)
    result.stdout.fnmatch_lines(["*migrate_check_model_pair (string)*"])


@pytest.mark.parametrize(
    "order",
    [["-p", "recording", "-p", "migrate_check"], ["-p", "migrate_check", "-p", "recording"]],
    ids=["recording-first", "recording-second"],
)
def test_beside_pytest_recording_help_shows_where_record_mode_is(
    pytester: pytest.Pytester, order: list[str]
) -> None:
    alone = pytester.runpytest("-p", "no:recording", "--help").stdout.str()  # in-process
    ours = _group(alone, "migrate-check:")
    result = pytester.runpytest_subprocess(*order, "--help")
    assert result.ret == pytest.ExitCode.OK, result.stderr.str()
    text = result.stdout.str()
    title = "migrate-check: compare two models on prompt suites (also --record-mode, listed under"
    assert _group(text, title) == [o for o in ours if not o.startswith("--record-mode")]
    assert _group(text, "recording:")[0].startswith("--record-mode={once,new_episodes,none,all")


@pytest.mark.parametrize("mode", ["once", "rewrite"])
def test_beside_pytest_recording_its_record_mode_records(
    pytester: pytest.Pytester, live: LocalServer, mode: str
) -> None:
    write_suite(pytester.path, "triage", TRIAGE_SUITE)
    result = pytester.runpytest_subprocess(
        "-p", "recording", "--model-pair", PAIR, "--record-mode", mode, "--no-report"
    )
    assert result.parseoutcomes() == {"passed": 2, "failed": 1}
    assert len(list((pytester.path / "cassettes").rglob("*.yaml"))) == 6
