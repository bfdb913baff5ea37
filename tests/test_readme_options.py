"""The README's Options table lists every flag and ini key the plugin registers, and its
Reports section every file a run writes (issue 28): adding an option, or a report,
without documenting it fails here.

What the plugin registers is read from `pytest --help` itself, once with the plugin and
once without it, so the table is held to what users see, whatever module adds an option.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from devtools.synthetic_runs import make_run

from helpers.readme import section
from migrate_check.core.pricing import PriceTable
from migrate_check.report import RunReport, write_reports

# An option line of `pytest --help`: two spaces, then the flags, then two spaces or the
# line's end; an ini line: two spaces, the key, its type in parentheses and a colon.
_OPTION_LINE = re.compile(r"^ {2}(-[^ ].*?)(?: {2,}|$)")
_FLAG = re.compile(r"--[a-z][\w-]*")
_INI_LINE = re.compile(r"^ {2}([\w.-]+) \(([a-z]+)\):")


def _help(cwd: Path, *args: str) -> str:
    """`pytest --help` in an empty folder; pytest-recording blocked, so `--record-mode`
    is ours to list (with it installed, its group lists the shared flag instead)."""
    command = [sys.executable, "-m", "pytest", "--help", "-p", "no:recording", *args]
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def registered(text: str) -> tuple[set[str], set[str]]:
    """The flags and the ini keys a `pytest --help` text lists."""
    flags: set[str] = set()
    inis: set[str] = set()
    for line in text.splitlines():
        if option := _OPTION_LINE.match(line):
            flags.update(_FLAG.findall(option.group(1)))
        elif ini := _INI_LINE.match(line):
            inis.add(ini.group(1))
    return flags, inis


@pytest.fixture(scope="module")
def ours(tmp_path_factory: pytest.TempPathFactory) -> tuple[set[str], set[str]]:
    """The flags and ini keys migrate-check adds to pytest's."""
    cwd = tmp_path_factory.mktemp("help")
    with_plugin = registered(_help(cwd))
    without = registered(_help(cwd, "-p", "no:migrate_check"))
    found = (with_plugin[0] - without[0], with_plugin[1] - without[1])
    # Not vacuous: the plugin's first flag and key are among what was told apart.
    assert "--model-pair" in found[0] and "migrate_check_model_pair" in found[1], found
    return found


def options_table() -> list[list[str]]:
    """The Options table's rows, each a list of its cells (`\\|` inside a cell kept)."""
    rows = []
    for line in section("Options").splitlines():
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line):
            cells = re.split(r"(?<!\\)\|", line.strip())[1:-1]
            rows.append([cell.strip() for cell in cells])
    assert rows and rows[0][:2] == ["option", "ini"], rows[:1]
    return rows[1:]


def test_help_lines_are_read_as_flags_and_ini_keys() -> None:
    sample = (
        "  --model-pair=BASELINE:CANDIDATE\n"
        "                        Compare the two models\n"
        "  -n numprocesses, --numprocesses=numprocesses\n"
        "  --cassette-dir=DIR    Where cassettes live (default: --not-a-flag)\n"
        "  model_pair (string):  Deprecated name of migrate_check_model_pair\n"
        "  migrate_check_batch (bool):\n"
    )
    assert registered(sample) == (
        {"--model-pair", "--numprocesses", "--cassette-dir"},
        {"model_pair", "migrate_check_batch"},
    )


def test_every_flag_is_in_the_options_table(ours: tuple[set[str], set[str]]) -> None:
    listed = {flag for row in options_table() for flag in _FLAG.findall(row[0])}
    missing = sorted(ours[0] - listed)
    assert not missing, f"README's Options table lacks {missing} (first column)"


def test_every_ini_key_is_in_the_options_table(ours: tuple[set[str], set[str]]) -> None:
    listed = {key for row in options_table() for key in re.findall(r"`([\w.-]+)`", row[1])}
    missing = sorted(ours[1] - listed)
    assert not missing, f"README's Options table lacks the ini keys {missing} (second column)"


def test_the_table_names_no_option_the_plugin_lacks(ours: tuple[set[str], set[str]]) -> None:
    rows = options_table()
    flags = {flag for row in rows for flag in _FLAG.findall(row[0])}
    inis = {key for row in rows for key in re.findall(r"`([\w.-]+)`", row[1])}
    assert flags <= ours[0], sorted(flags - ours[0])
    assert inis <= ours[1], sorted(inis - ours[1])


def test_every_report_file_is_in_the_reports_section(tmp_path: Path) -> None:
    report = RunReport.build(make_run(1), PriceTable.default(), "2026-11-20T10:00:00Z")
    written = write_reports(report, tmp_path)
    assert written, "write_reports wrote nothing"
    text = section("Reports")
    missing = [p.name for p in written if not re.search(rf"^- `{re.escape(p.name)}`", text, re.M)]
    assert not missing, f"README's Reports section does not list {missing}"
