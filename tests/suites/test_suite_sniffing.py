"""Collection never passes over a suite file silently: a `cases:` key late in a long file
is found, and a YAML file too large to read far enough is named in the run's summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import PAIR
from migrate_check.suites import loading
from migrate_check.suites.loading import MAX_SUITE_BYTES, looks_like_suite

SHORT = """\
suite: short
cases:
  - id: a
    messages: [{role: user, content: a}]
  - id: b
    messages: [{role: user, content: b}]
"""


def late_cases(name: str, header: str, cases: int = 3) -> str:
    """A suite whose `cases:` key comes after `header` (a comment, a tools list...)."""
    lines = [f"suite: {name}", header.rstrip("\n"), "cases:"]
    for n in range(cases):
        lines += [f"  - id: c{n}", f"    messages: [{{role: user, content: q{n}}}]"]
    return "\n".join(lines) + "\n"


LONG_COMMENT = "".join(f"# {'header line ' * 6}{n}\n" for n in range(4000))  # ~330 KiB
TOOLS = [
    {
        "type": "function",
        "function": {
            "name": f"tool_{n}",
            "description": "Looks something up. " * 20,
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}},
        },
    }
    for n in range(800)
]
LARGE_TOOLS = "request:\n  tools: " + json.dumps(TOOLS)  # ~400 KiB on one line


@pytest.mark.parametrize("header", [LONG_COMMENT, LARGE_TOOLS], ids=["comment", "tools-list"])
def test_a_suite_whose_cases_come_after_256_kib_is_collected(
    pytester: pytest.Pytester, offline: None, header: str
) -> None:
    suites = pytester.path / "suites"
    suites.mkdir()
    (suites / "short.yaml").write_text(SHORT)
    late = suites / "late.yaml"
    late.write_text(late_cases("late", header))
    assert late.read_text().index("\ncases:") > 256 * 1024
    result = pytester.runpytest(
        "--model-pair", PAIR, "--collect-only", "-q", "-p", "no:cacheprovider"
    )
    result.stdout.fnmatch_lines(
        ["suites/late.yaml::c0", "suites/late.yaml::c2", "5 tests collected*"]
    )


def test_a_yaml_file_too_large_to_read_far_enough_is_named_in_the_summary(
    pytester: pytest.Pytester, offline: None
) -> None:
    suites = pytester.path / "suites"
    suites.mkdir()
    (suites / "short.yaml").write_text(SHORT)
    filler = "# " + "x" * 1000 + "\n"
    big = suites / "huge.yaml"
    big.write_text(filler * (MAX_SUITE_BYTES // len(filler) + 10) + late_cases("huge", ""))
    result = pytester.runpytest("--model-pair", PAIR, "--no-report", "-p", "no:cacheprovider")
    text = result.stdout.str()
    assert "suites/huge.yaml was not read: larger than 16 MiB" in text, text
    assert loading.sniff_suite(big).unread is not None and not looks_like_suite(big)


def test_sniffing_reads_whole_lines_across_its_chunks(tmp_path: Path) -> None:
    """`cases:` split across two reads, or after one very long line, is still found; a
    `cases:` that does not start a line is not."""
    for prefix in ("#" * (1024 * 1024 - 3) + "\n", "#" * (3 * 1024 * 1024) + "\n"):
        path = tmp_path / "s.yaml"
        path.write_text(prefix + "cases:\n  - id: a\n")
        assert looks_like_suite(path)
        path.write_text(prefix + " cases:\n" + "#" * (1024 * 1024) + "cases\n")
        assert not looks_like_suite(path)
        assert loading.sniff_suite(path).unread is None
    path.write_bytes(b"\xef\xbb\xbfcases:\n  - id: a\n")
    assert looks_like_suite(path)
