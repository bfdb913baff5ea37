"""Several candidates in one run: named variants judged against one baseline, side by side."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer

from conftest import PAIR, write_suite
from migrate_check.suites.loading import load_suite
from migrate_check.suites.suite import SuiteError
from migrate_check.suites.variant_selection import VariantSelection

NOTE = (
    "Summarise this incident for customers: on Tuesday a database failover took 14 "
    "minutes. Some API calls failed with errors during the switch. No customer data was "
    "lost. We added a second replica so a failover is now instant."
)
VARIANTS_SUITE = f"""
    suite: notes
    request: {{temperature: 0, max_tokens: 200}}
    variants:
      new-prompt:
        system: {{file: prompts/v2.md}}
      nano: {{model: gpt-4.1-nano}}
    checks:
      - contains: {{text: "second replica"}}
    cases:
      - id: failover
        messages:
          - {{role: system, content: {{file: prompts/v1.md}}}}
          - {{role: user, content: "{NOTE}"}}
      - id: plain
        messages: [{{role: user, content: "Say hello to the second replica."}}]
"""
V1 = "You write incident notes for customers. Answer in 20 words."
V2 = (
    "You write incident notes for customers. Answer in at most 40 words, and always end "
    "with what we changed so it does not happen again."
)


def _project(root: Path) -> Path:
    suite = write_suite(root, "notes", VARIANTS_SUITE)
    (suite.parent / "prompts").mkdir()
    (suite.parent / "prompts" / "v1.md").write_text(V1)
    (suite.parent / "prompts" / "v2.md").write_text(V2)
    return suite


def test_a_variant_is_the_suite_s_cases_with_its_model_and_changes(tmp_path: Path) -> None:
    suite = load_suite(_project(tmp_path))
    assert sorted(suite.variants) == ["nano", "new-prompt"]
    failover = suite.variants["new-prompt"][0]
    assert failover.key == "notes::failover[new-prompt]" and failover.base_key == "notes::failover"
    assert failover.request_for("candidate")["messages"][0]["content"] == V2
    assert failover.request_for("baseline")["messages"][0]["content"] == V1
    nano = suite.variants["nano"][1]
    assert (nano.name, nano.variant_model, nano.differs_by_side) == (
        "plain[nano]",
        "gpt-4.1-nano",
        False,
    )


def test_a_selection_follows_each_case_with_its_chosen_variants(tmp_path: Path) -> None:
    suite = load_suite(_project(tmp_path))
    every = VariantSelection(tmp_path, ini_variants=(("mini", "gpt-4.1-mini"),))
    assert [case.name for case in every.cases_of(suite)] == [
        "failover",
        "failover[new-prompt]",
        "failover[nano]",
        "failover[mini]",
        "plain",
        "plain[new-prompt]",
        "plain[nano]",
        "plain[mini]",
    ]
    assert every.defined == {"new-prompt", "nano", "mini"}
    assert every.by_suite == {"notes": {"new-prompt", "nano", "mini"}}
    assert every.unknown_note() is None
    chosen = VariantSelection(tmp_path, chosen=("nano", "nanoo"))
    assert [case.name for case in chosen.cases_of(suite)] == [
        "failover",
        "failover[nano]",
        "plain",
        "plain[nano]",
    ]
    assert chosen.unknown_note() == (
        "--variant nanoo: no suite collected defines it (known: nano, new-prompt)"
    )


def test_a_selection_refuses_a_variant_name_meaning_two_models(tmp_path: Path) -> None:
    selection = VariantSelection(tmp_path)
    selection.cases_of(load_suite(_project(tmp_path)))
    other = tmp_path / "other.yaml"
    other.write_text(
        "variants:\n  NANO: {model: gpt-4.1-nano}\n"
        "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n"
    )
    with pytest.raises(SuiteError, match="variant 'NANO' .* as 'nano' .*rename one") as info:
        selection.cases_of(load_suite(other))
    assert info.value.file == Path("other.yaml")


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("variants: [a]\n", "'variants' must map a name"),
        ("variants:\n  'a b': {model: x}\n", "variant name 'a b' must be a plain slug"),
        ("variants:\n  a: {modle: x}\n", "did you mean 'model'"),
        ("variants:\n  a: {model: ''}\n", "'model' must be a model name"),
    ],
)
def test_a_mistake_in_variants_is_located(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(text + "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n")
    with pytest.raises(SuiteError, match=words) as info:
        load_suite(path)
    assert info.value.line in (1, 2)


def test_each_variant_is_an_item_judged_against_one_baseline(
    pytester: pytest.Pytester,
    plugin_args: tuple[str, ...],
    live: LocalServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _project(pytester.path)
    recorded = pytester.runpytest(
        *plugin_args, "--model-pair", PAIR, "--record-mode", "once", "-rA"
    )
    # Two cases x (the baseline once + the candidate as is + two variants). Under xdist a
    # worker holding a variant whose case ran elsewhere may ask the baseline again.
    by_model = live.stats.by_model
    assert (by_model["gpt-4.1-mini"], by_model["gpt-4.1-nano"]) == (4, 2)
    assert by_model["gpt-4o-mini"] == 2 if not plugin_args else 2 <= by_model["gpt-4o-mini"] <= 4
    for line in (
        "REGRESSED suites/notes.yaml::failover - *",
        "PASSED suites/notes.yaml::failover[[]new-prompt[]]",
        "REGRESSED suites/notes.yaml::failover[[]nano[]] - *",
        "PASSED suites/notes.yaml::plain[[]nano[]]",
    ):
        recorded.stdout.fnmatch_lines([line])
    folder = pytester.path / "cassettes" / "notes" / "failover"
    assert sorted(p.name for p in folder.glob("*.yaml")) == [
        "gpt-4.1-mini.yaml",
        "gpt-4o-mini.yaml",
        "variant.nano.gpt-4.1-nano.yaml",
        "variant.new-prompt.gpt-4.1-mini.yaml",
    ]
    recorded.stdout.fnmatch_lines(
        [
            "candidates against gpt-4o-mini:",
            "*gpt-4.1-mini as is*NO-GO*",
            "*new-prompt (gpt-4.1-mini)*GO*",
            "changes least on the 2 cases every candidate ran: new-prompt (gpt-4.1-mini)*",
        ]
    )
    report = json.loads((pytester.path / "migrate-check-report" / "report.json").read_text())
    assert [c["key"] for c in report["cases"]] == ["notes::failover", "notes::plain"]
    candidates = report["variants"]["candidates"]
    assert [(c["name"], c["model"]) for c in candidates] == [
        ("nano", "gpt-4.1-nano"),
        ("new-prompt", "gpt-4.1-mini"),
    ]
    assert [c["verdict"]["decision"] for c in candidates] == ["NO-GO", "GO"]
    assert [c["key"] for c in candidates[1]["cases"]] == [
        "notes::failover[new-prompt]",
        "notes::plain[new-prompt]",
    ]
    page = (pytester.path / "migrate-check-report" / "report.html").read_text()
    assert 'id="variants"' in page and "notes::failover[new-prompt]" in page

    # Offline, -k picks a variant; the baseline it needs replays though its item is not run.
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    picked = pytester.runpytest(*plugin_args, "--model-pair", PAIR, "-k", "new-prompt")
    picked.assert_outcomes(passed=2, deselected=0 if plugin_args else 4)
    # Serially: --variant chooses at collection, in each worker as in a serial run.
    only_nano = pytester.runpytest("--model-pair", PAIR, "--variant", "nano", "--no-report")
    only_nano.assert_outcomes(passed=2, failed=2)  # failover regresses on both candidates


def test_ini_variants_apply_to_every_suite_and_an_unknown_name_is_said(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    write_suite(
        pytester.path,
        "s",
        """
        suite: s
        cases:
          - id: a
            messages: [{role: user, content: "Explain refunds."}]
        """,
    )
    pytester.makeini(
        textwrap.dedent(
            """
            [pytest]
            migrate_check_variants =
                nano = gpt-4.1-nano
            """
        )
    )
    result = pytester.runpytest(
        "--model-pair", PAIR, "--record-mode", "once", "--variant", "nano,mini", "-rA"
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*suites/s.yaml::a[[]nano[]]*"])
    result.stdout.fnmatch_lines(["*--variant mini: no suite collected defines it (known: nano)*"])
    bad = pytester.runpytest("--model-pair", PAIR, "-o", "migrate_check_variants=nano")
    bad.stderr.fnmatch_lines(["*migrate_check_variants: 'nano' is not 'name = model'*"])


def test_one_worker_keeps_a_case_s_baseline_for_its_variants(
    pytester: pytest.Pytester, live: LocalServer
) -> None:
    _project(pytester.path)
    # Items reach an xdist worker one by one; re-recording must still ask each baseline once.
    pytester.runpytest("-n", "1", "--model-pair", PAIR, "--record-mode", "all", "--no-report")
    assert live.stats.by_model["gpt-4o-mini"] == 2


def test_choosing_variants_keeps_the_others_approvals_and_renaming_one_leaves_stale_files(
    pytester: pytest.Pytester, live: LocalServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    suite = _project(pytester.path)
    accept = ("--accept", "--accept-reason", "reviewed", "--no-report")
    pytester.runpytest("--model-pair", PAIR, "--record-mode", "once", *accept)
    approvals = (pytester.path / "migrate-check-approvals.yaml").read_text()
    assert "notes::failover[nano]" in approvals
    monkeypatch.setenv("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("OPENAI_API_KEY")
    chosen = pytester.runpytest("--model-pair", PAIR, "--variant", "new-prompt", "--no-report")
    chosen.stdout.fnmatch_lines(["approvals: * used, 0 stale*"])
    # Only the variants ran, and under --fail-on changed they decide (all pass here).
    only_variants = pytester.runpytest(
        "--model-pair", PAIR, "-k", "new-prompt", "--fail-on", "changed", "--no-report"
    )
    assert only_variants.ret == 0
    # A variant renamed: its old cassettes are stale and --prune-recordings removes them.
    suite.write_text(suite.read_text().replace("nano:", "tiny:"))
    old = pytester.path / "cassettes" / "notes" / "failover" / "variant.nano.gpt-4.1-nano.yaml"
    assert old.exists()
    pruned = pytester.runpytest(
        "--model-pair", PAIR, "--variant", "new-prompt", "--prune-recordings"
    )
    pruned.stdout.fnmatch_lines(["*stale*"])
    assert not old.exists()


@pytest.mark.parametrize(
    ("second", "words"),
    [
        (
            "variants:\n  nano: {model: gpt-4.1-mini}\n",
            "variant 'nano' (gpt-4.1-mini) is also defined",
        ),
        (
            "variants:\n  Nano: {model: gpt-4.1-nano}\n",
            "variant 'Nano' (gpt-4.1-nano) is also defined",
        ),
    ],
)
def test_a_variant_name_means_one_model_in_every_suite(
    pytester: pytest.Pytester, offline: None, second: str, words: str
) -> None:
    _project(pytester.path)
    write_suite(
        pytester.path,
        "other",
        "suite: other\n"
        + second
        + "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n",
    )
    result = pytester.runpytest("--model-pair", PAIR, "--collect-only", "-q")
    result.stdout.fnmatch_lines([f"*{words}*one name, one model*"])


def test_variant_names_are_file_safe_and_prompt_files_are_not_hidden(tmp_path: Path) -> None:
    body = "cases:\n  - id: a\n    messages: [{role: user, content: hi}]\n"
    for head, words in (
        ("variants:\n  a.b: {model: x}\n", "must be a plain slug"),
        ("variants:\n  nano: {model: x}\n  NANO: {model: y}\n", "only in letter case"),
        ("candidate:\n  system: {file: .env}\n", "is hidden"),
    ):
        (tmp_path / ".env").write_text("OPENAI_API_KEY=sk-secret")
        path = tmp_path / "s.yaml"
        path.write_text(head + body)
        with pytest.raises(SuiteError, match=words) as info:
            load_suite(path)
        assert "sk-secret" not in str(info.value)
