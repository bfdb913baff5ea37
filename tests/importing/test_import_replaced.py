"""An import run again with `--force` replaces the suite and removes the recordings of the
cases it no longer has: above all, redacting an earlier import must not leave the
unredacted recordings (and ids made from the prompt's text) on disk to be committed."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest
from imported_cassettes import interaction, write_cassette

from migrate_check.cli import main
from migrate_check.importing.replaced import remove_replaced_cases

MODEL = "gpt-4o-mini"
EMAIL = "alice.smith@example.com"


def _run(args: list[str]) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(args) == 0
    return out.getvalue()


def _everything(folder: Path) -> str:
    """Every path and every file's text under a folder."""
    return "\n".join(
        str(path) + (path.read_text() if path.is_file() else "") for path in folder.rglob("*")
    )


def test_redacting_with_force_leaves_no_earlier_recording(
    pytester: pytest.Pytester,
) -> None:
    recorded = pytester.path / "recorded"
    write_cassette(
        recorded / "support.yaml",
        interaction(MODEL, f"Customer {EMAIL} asks for a refund", f"Refund sent to {EMAIL}."),
        interaction(MODEL, "Where is my parcel?", "It arrives on Tuesday."),
    )
    suite = ["--suite", "suites/leak.yaml"]
    first = _run(["import", str(recorded), *suite])
    cassettes = pytester.path / "cassettes" / "leak"
    assert EMAIL in _everything(cassettes) and "removed:" not in first
    kept_id = next(p.name for p in cassettes.iterdir() if "parcel" in p.name)
    other_suite = pytester.path / "cassettes" / "other" / "case" / f"{MODEL}.yaml"
    other_suite.parent.mkdir(parents=True)
    other_suite.write_text("interactions: []\n")  # another suite's: never touched

    again = _run(["import", str(recorded), *suite, "--redact", "all", "--force"])
    assert "removed: the recordings of 1 case the suite held before" in again
    assert EMAIL not in _everything(cassettes)  # not in a file, nor in a folder's name
    assert (cassettes / kept_id / f"{MODEL}.yaml").is_file()  # the same case: rewritten
    assert len(list(cassettes.iterdir())) == 2 and other_suite.is_file()


def test_only_the_suites_own_case_folders_go(tmp_path: Path) -> None:
    for folder in ("app/old", "app/new", "app-001/old", "app-001/kept", "apple/old"):
        (tmp_path / folder).mkdir(parents=True)
    (tmp_path / "app" / "notes.txt").write_text("a file beside the cases stays")
    removed = remove_replaced_cases(tmp_path, "app", [("app", "new"), ("app-001", "kept")])
    assert removed == 2
    left = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    assert left == [
        "app",
        "app-001",
        "app-001/kept",
        "app/new",
        "app/notes.txt",
        "apple",
        "apple/old",
    ]
