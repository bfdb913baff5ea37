"""`migrate-check import` end to end: the whole real corpus becomes a suite whose imported
answers replay, through the real openai SDK and vcrpy, exactly as they were recorded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migrate_check.cli import main
from migrate_check.importing.by_model import ModelGroup, split_by_model
from migrate_check.importing.destination import read_project
from migrate_check.importing.sources import Reading, collect
from migrate_check.importing.to_suite import merge_prompts
from migrate_check.sending.runner import Runner
from migrate_check.sending.settings import RunnerSettings
from migrate_check.suites.loading import load_suite


@pytest.fixture(scope="module")
def corpus_import(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Path:
    root = tmp_path_factory.mktemp("imported")
    suite = root / "suites" / "corpus.yaml"
    code = main(
        ["import", str(corpus), "--suite", str(suite), "--cassette-dir", str(root / "cassettes")]
    )
    assert code == 0
    return root


def _groups(root: Path, corpus: Path) -> list[ModelGroup]:
    """The suites an import of the corpus writes: one per recorded model, origins named
    from the suites' rootdir."""
    suite = root / "suites" / "corpus.yaml"
    how = Reading(root=read_project(suite).rootdir)
    return split_by_model(collect([corpus], how=how), suite, None)


def test_corpus_imports_into_one_loadable_suite_per_model(
    corpus_import: Path, corpus: Path
) -> None:
    groups = _groups(corpus_import, corpus)
    assert len(groups) >= 4  # the corpus mixes gpt-4o-mini, gpt-4.1-mini, gpt-4o, gpt-4.1...
    written = sorted((corpus_import / "suites").glob("corpus*.yaml"))
    assert written == sorted(g.suite_path for g in groups)
    all_expected = []
    for group in groups:
        suite = load_suite(group.suite_path)
        expected = merge_prompts(group.collected.prompts)
        all_expected += expected
        assert [c.id for c in suite.cases] == [c.id for c in expected]
        assert len({c.id for c in suite.cases}) == len(suite.cases)
        by_id = {c.id: c for c in suite.cases}
        for case in expected:
            loaded = by_id[case.id]
            assert loaded.request == case.request
            assert loaded.api == case.api
            assert loaded.samples == case.samples
            assert loaded.recorded_with == tuple(sorted(case.recordings))
            assert group.model is None or loaded.recorded_with == (group.model,)
            assert loaded.origin == tuple(case.origins)
    # identical requests in two crewAI files became one case with two samples
    assert any(c.samples == 2 and len(c.origins) == 2 for c in all_expected)
    streamed = [
        c for g in groups for c in load_suite(g.suite_path).cases if c.request.get("stream")
    ]
    assert streamed and any(c.api == "responses" for c in streamed)


def test_imported_answers_replay_as_recorded(corpus_import: Path, corpus: Path) -> None:
    """Request cases, through the plugin's runner; loop cases replay every step through
    the loop runner (test_import_loop_cases)."""
    runner = Runner(
        RunnerSettings(record_mode="none", cassette_dir=corpus_import / "cassettes"),
        lambda case, model, mode: "",
    )
    checked = 0
    for group in _groups(corpus_import, corpus):
        suite = load_suite(group.suite_path)
        expected = {c.id: c for c in merge_prompts(group.collected.prompts)}
        for model in sorted({m for c in expected.values() for m in c.recordings}):
            cases = [
                c for c in suite.cases if c.loop is None and model in expected[c.id].recordings
            ]
            results = runner.fetch(cases, [model])
            for case in cases:
                recorded = expected[case.id].recordings[model]
                for replayed, answer in zip(results[(case.key, model)], recorded, strict=False):
                    original = answer.completion
                    assert original is not None
                    assert replayed.error is None, f"{case.id}: {replayed.error}"
                    assert replayed.text == original.text, case.id
                    assert replayed.tool_calls == original.tool_calls, case.id
                    assert replayed.usage == original.usage, case.id
                    assert replayed.finish_reason == original.finish_reason, case.id
                    assert replayed.latency_ms == original.latency_ms, case.id
                    checked += 1
    assert checked >= 80


def test_cassettes_hold_no_secrets_and_are_plain_vcrpy(corpus_import: Path) -> None:
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    files = sorted((corpus_import / "cassettes").rglob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text()
        requests, responses = deserialize(text, yamlserializer)
        assert requests and len(requests) == len(responses)
        lowered = text.lower()
        for banned in ("authorization", "openai-organization", "openai-project", "cookie"):
            assert banned not in lowered, f"{path}: {banned}"


def test_evals_and_logged_requests(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    evals = tmp_path / "evals.jsonl"
    evals.write_text(json.dumps({"input": "Capital of France?", "ideal": "Paris"}) + "\n")
    log = tmp_path / "requests.jsonl"
    body = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}
    log.write_text(json.dumps(body) + "\n" + json.dumps(body) + "\n")
    suite_path = tmp_path / "suites" / "mixed.yaml"
    assert main(["import", str(evals), str(log), "--suite", str(suite_path)]) == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "2 cases" in out
    assert "--model-pair gpt-4o-mini:gpt-4.1-mini --record-mode once" in out
    assert "records both models" in out
    suite = load_suite(suite_path)
    assert [c.checks[-1].name for c in suite.cases] == ["contains", "similarity"]
    assert not (tmp_path / "cassettes").exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda d: d / "missing.yaml", "missing.yaml: no such file or directory"),
        (lambda d: _write(d / "notes.yaml", "hello: world\n"), "notes.yaml: not a vcrpy cassette"),
        (
            lambda d: _write(d / "log.jsonl", '{"messages": []}\n{oops\n'),
            "log.jsonl: line 2: not JSON",
        ),
        (lambda d: _write(d / "empty.jsonl", "\n"), "nothing to import"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: object, message: str
) -> None:
    source = setup(tmp_path)  # type: ignore[operator]
    code = main(["import", str(source), "--suite", str(tmp_path / "s.yaml"), "--format", "auto"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("migrate-check: error: ") and message in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "s.yaml").exists()


def test_existing_suite_needs_force(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = _write(
        tmp_path / "log.jsonl", json.dumps({"messages": [{"role": "user", "content": "x"}]})
    )
    suite = _write(tmp_path / "s.yaml", "keep me\n")
    assert main(["import", str(log), "--suite", str(suite)]) == 2
    assert "pass --force" in capsys.readouterr().err
    assert suite.read_text() == "keep me\n"
    assert main(["import", str(log), "--suite", str(suite), "--force"]) == 0
    assert load_suite(suite).cases


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["import", "x.yaml"])
    assert info.value.code == 2
    assert "--suite" in capsys.readouterr().err


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path
