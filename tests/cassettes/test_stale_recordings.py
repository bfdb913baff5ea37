"""Stale recordings are counted in every run's summary and removed only when asked."""

from __future__ import annotations

import json

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite

SUITE = """
suite: stale
cases:
  - id: kept
    messages: [{role: user, content: "Say hello."}]
  - id: edited
    messages: [{role: user, content: "%s"}]
%s"""
GONE = """  - id: gone
    messages: [{role: user, content: "Say goodbye."}]
"""


def test_stale_cassettes_and_exchanges_are_reported_then_pruned(
    pytester: pytest.Pytester, live: LocalServer, plugin_args: tuple[str, ...]
) -> None:
    write_suite(pytester.path, "stale", SUITE % ("First wording.", GONE))
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", "--no-report")
    # The team edits one prompt (recorded again beside its old answer) and drops a case.
    write_suite(pytester.path, "stale", SUITE % ("Second wording.", ""))
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "new_episodes", "--no-report")
    cassettes = pytester.path / "cassettes" / "stale"
    assert (cassettes / "gone").is_dir()
    edited = cassettes / "edited" / "gpt-4o-mini.yaml"
    assert edited.read_text().count("uri:") == 2

    result = pytester.runpytest("--model-pair", PAIR, *plugin_args)
    result.stdout.fnmatch_lines(
        [
            "*stale recordings: 2 cassettes of cases no suite has; 2 exchanges in 2 cassettes "
            "that no current request matches (--prune-recordings removes them)*"
        ]
    )
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    assert report["stale_recordings"]["exchanges"] == 2
    assert sorted(report["stale_recordings"]["cassettes"]) == [
        "cassettes/stale/gone/gpt-4.1-mini.yaml",
        "cassettes/stale/gone/gpt-4o-mini.yaml",
    ]
    assert (cassettes / "gone").is_dir()  # reported, not removed

    # Serially: pruning is the controller's, on the stale exchanges merged above.
    pruned = pytester.runpytest("--model-pair", PAIR, "--prune-recordings")
    pruned.stdout.fnmatch_lines(["*stale recordings removed: 2 cassettes*2 exchanges*"])
    assert not (cassettes / "gone").exists()
    assert edited.read_text().count("uri:") == 1 and "Second wording" in edited.read_text()
    clean = pytester.runpytest("--model-pair", PAIR)  # what the prune left on disk
    assert "stale recordings" not in clean.stdout.str()
    clean.assert_outcomes(passed=2)
