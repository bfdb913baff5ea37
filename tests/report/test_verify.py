"""A sign-off that can be re-checked (issue 29, item 5): report.json hashes every input the
verdict rests on, `migrate-check verify` passes on a fresh report and fails, naming the
file, when a cassette, a prompt file or an approval is tampered with; a hand-edited path
that leaves the project root is refused; each approval says who accepted it and when."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from devtools.local_openai import LocalServer

from conftest import PAIR, copy_project, record_once, write_suite
from migrate_check.cli import main
from migrate_check.judging.approvals import ApprovalStore
from migrate_check.report.writers import json_report

SUITE = """
    suite: triage
    request:
      temperature: 0
    cases:
      - id: refund
        messages:
          - {role: system, content: {file: prompts/system.md}}
          - {role: user, content: "I want my money back for order 123."}
        checks:
          - similarity: {min: 99}
          - schema: order.schema.json
"""
APPROVER = "Ana Lima <ana@example.com>"
REPORT = Path("migrate-check-report") / "report.json"


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory, local_server: LocalServer) -> Path:
    """The suite, its prompt file and schema, recorded once from the local server."""
    root = tmp_path_factory.mktemp("verify-recording")
    suite = write_suite(root, "triage", SUITE)
    (suite.parent / "prompts").mkdir()
    (suite.parent / "prompts" / "system.md").write_text("Classify the ticket.\n")
    (suite.parent / "order.schema.json").write_text('{"type": "string"}\n')
    recorded = record_once(root, local_server)
    assert recorded.returncode in (0, 1), recorded.stdout + recorded.stderr
    return root


@pytest.fixture
def project(pytester: pytest.Pytester, recording: Path, offline: None) -> Path:
    """An accept run's report over the recorded suite, in this test's own folder."""
    copy_project(recording, pytester.path)
    done = pytester.runpytest(
        "-p", "no:cacheprovider", "--model-pair", PAIR, "--accept", "--approved-by", APPROVER
    )
    assert (pytester.path / "migrate-check-approvals.yaml").is_file(), done.stdout.str()
    return pytester.path


def verify(project: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = main(["verify", str(project / REPORT), *extra])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def inputs(project: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((project / REPORT).read_text())
    found: dict[str, Any] = document["inputs"]
    # The shipped schema's own account of `inputs` (the rest is other tests' to hold).
    schema = json_report.schema()
    jsonschema.Draft202012Validator(schema["properties"]["inputs"]).validate(found)
    return found


def test_a_fresh_report_lists_every_input_and_verifies(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = {f["path"]: f["kind"] for f in inputs(project)["files"]}
    assert listed["suites/triage.yaml"] == "suite"
    assert listed["suites/prompts/system.md"] == "suite-file"
    assert listed["suites/order.schema.json"] == "suite-file"
    assert listed["migrate-check-approvals.yaml"] == "approvals"
    cassettes = [p for p, kind in listed.items() if kind == "cassette"]
    assert {Path(p).name for p in cassettes} >= {"gpt-4o-mini.yaml", "gpt-4.1-mini.yaml"}
    options = inputs(project)["options"]
    assert options["pair"] == {"baseline": "gpt-4o-mini", "candidate": "gpt-4.1-mini"}
    assert options["accept"] is True
    assert inputs(project)["report_depth"] == 1  # migrate-check-report/, a depth not a name
    monkeypatch.chdir(project.parent)  # the root is found from the report's place
    code, out = verify(project, capsys)
    assert code == 0, out
    assert f"verified: all {len(listed)} input files match the report" in out


@pytest.mark.parametrize(
    "tampered",
    [
        "cassettes/triage/refund/gpt-4.1-mini.yaml",
        "suites/prompts/system.md",
        "migrate-check-approvals.yaml",
    ],
)
def test_tampering_with_an_input_fails_naming_the_file(
    project: Path, capsys: pytest.CaptureFixture[str], tampered: str
) -> None:
    path = project / tampered
    path.write_text(path.read_text().replace("a", "b", 1) + "\n")
    code, out = verify(project, capsys)
    assert code == 1
    assert f"changed: {tampered}" in out
    assert "NOT verified: 1 of the report's inputs no longer match" in out


def test_a_removed_cassette_is_missing_and_an_added_one_is_new(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = project / "cassettes" / "triage" / "refund"
    (folder / "gpt-4o-mini.yaml").rename(folder / "gpt-4o.yaml")
    code, out = verify(project, capsys)
    assert code == 1
    assert "missing: cassettes/triage/refund/gpt-4o-mini.yaml" in out
    assert "new: cassettes/triage/refund/gpt-4o.yaml" in out


@pytest.mark.parametrize("escape", ["../../etc/passwd", "/etc/passwd", "suites/../../x"])
def test_a_path_leaving_the_root_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], escape: str
) -> None:
    document = json.loads((project / REPORT).read_text())
    document["inputs"]["files"][0]["path"] = escape
    (project / REPORT).write_text(json.dumps(document))
    code, out = verify(project, capsys)
    assert code == 2
    assert "project root" in out and escape in out


def test_a_symbolic_link_out_of_the_root_is_refused(
    project: Path, capsys: pytest.CaptureFixture[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (project / "link").symlink_to(outside, target_is_directory=True)
    document = json.loads((project / REPORT).read_text())
    document["inputs"]["folders"].append("link")
    (project / REPORT).write_text(json.dumps(document))
    code, out = verify(project, capsys)
    assert code == 2 and "resolves outside the project root" in out


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("not json", "not JSON"),
        ('{"format": "migrate-check-report"}', "has no 'inputs'"),
        (
            '{"format": "migrate-check-report", "inputs": {"files": [{"path": 1}], "folders": []}}',
            "needs a string 'path'",
        ),
        (
            '{"format": "migrate-check-report", "inputs": {"files": [{"path": "a", "sha256": "x"}],'
            ' "folders": []}}',
            "not a sha256",
        ),
    ],
)
def test_a_bad_report_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, says: str
) -> None:
    (tmp_path / "report.json").write_text(text)
    assert main(["verify", str(tmp_path / "report.json")]) == 2
    assert says in capsys.readouterr().err


def test_approvals_carry_who_and_when(project: Path) -> None:
    entries = yaml.safe_load((project / "migrate-check-approvals.yaml").read_text())["approvals"]
    assert entries and all(e["approved_by"] == APPROVER for e in entries)
    when = dt.datetime.fromisoformat(entries[0]["approved_at"])
    assert when.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - when) < dt.timedelta(minutes=10)
    document = json.loads((project / REPORT).read_text())
    notes = [k["approval"] for c in document["cases"] for k in c["checks"] if k["approval"]]
    assert notes and all(n["approved_by"] == APPROVER for n in notes)
    assert all(n["approved_at"] == entries[0]["approved_at"] for n in notes)


def test_approvals_written_before_who_and_when_stay_valid(tmp_path: Path) -> None:
    old = tmp_path / "approvals.yaml"
    old.write_text(
        "approvals:\n- case: s::c\n  check: similarity\n  baseline: aa\n  candidate: bb\n"
        "  approved_on: 2026-01-02\n"
    )
    (approval,) = ApprovalStore.load(old)
    assert (approval.approved_by, approval.approved_at) == (None, None)
    assert approval.approved_on == dt.date(2026, 1, 2)
