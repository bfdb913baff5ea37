"""`migrate-check import FOLDER` never stops at one bad file (issue 28, items 4 and 6).

vcrpy's old httpx layout and gzipped cassettes are read; a file or an interaction that
cannot be read is one skipped line, under the suite it belongs to, while the rest imports.
"""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import httpx2
import pytest
import yaml
from imported_cassettes import (
    cassette_text,
    interaction,
    old_httpx_interaction,
    section,
    write_cassette,
)
from vcr.stubs.httpx_stubs import _deserialize_response

from migrate_check.cli import main
from migrate_check.importing import read_cassette
from migrate_check.suites.loading import load_suite


@pytest.fixture(autouse=True)
def _in_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The import runs where a user stands: the project's folder (the rootdir)."""
    monkeypatch.chdir(tmp_path)


def _import(folder: Path, suite: Path, *more: str) -> int:
    return main(["import", str(folder), "--suite", str(suite), *more])


def _answers(cassettes: Path) -> dict[str, str]:
    """Each written cassette's model file name -> the recorded answer's text."""
    texts = {}
    for path in sorted(cassettes.rglob("*.yaml")):
        [recorded] = yaml.safe_load(path.read_text())["interactions"]
        body = json.loads(recorded["response"]["body"]["string"])
        texts[f"{path.parent.name}/{path.name}"] = body["choices"][0]["message"]["content"]
    return texts


def test_vcrpy_s_old_httpx_layout_imports_and_replays_as_vcrpy_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old = old_httpx_interaction("gpt-4o-mini", "Say hi", "Hi!")
    # The layout is one vcrpy still replays: its own httpx stub reads this response.
    response = yaml.safe_load(cassette_text(old))["interactions"][0]["response"]
    replayed = _deserialize_response(response, httpx2)
    assert replayed.status_code == 200 and json.loads(replayed.read())["model"] == "gpt-4o-mini"

    write_cassette(tmp_path / "recorded" / "old.yaml", old)
    suite = tmp_path / "suites" / "app.yaml"
    assert _import(tmp_path / "recorded", suite) == 0, capsys.readouterr().err
    [case] = load_suite(suite).cases
    assert case.recorded_with == ("gpt-4o-mini",)
    assert list(_answers(tmp_path / "cassettes").values()) == ["Hi!"]
    assert "skipped" not in capsys.readouterr().out


def test_every_unreadable_file_and_interaction_is_one_skipped_line_and_the_rest_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "recorded"
    good = interaction("gpt-4o-mini", "Say one", "One.")
    no_status = interaction("gpt-4o-mini", "Say two", "Two.")
    del no_status["response"]["status"]
    write_cassette(recorded / "a_mixed.yaml", good, no_status, {"request": {}})
    (recorded / "b_fixture.json").write_text('{"users": [1, 2]}')  # a test fixture, no cassette
    (recorded / "c_broken.yaml").write_text("interactions: [\n")
    write_cassette(recorded / "d_old.yml", old_httpx_interaction("gpt-4o-mini", "Say 3", "3."))
    suite = tmp_path / "suites" / "app.yaml"

    assert _import(recorded, suite) == 0
    out = capsys.readouterr().out
    assert sorted(_answers(tmp_path / "cassettes").values()) == ["3.", "One."]
    assert [c.origin for c in load_suite(suite).cases] == [
        ("recorded/a_mixed.yaml: interaction 0",),
        ("recorded/d_old.yml: interaction 0",),
    ]
    skipped = [line.strip() for line in out.splitlines() if line.startswith("  skipped")]
    assert len(skipped) == 4, out
    assert any(
        "a_mixed.yaml: interaction 1: unreadable: response status None has no integer code" in line
        for line in skipped
    )
    assert any(
        "a_mixed.yaml: interaction 2: unreadable: no request or no response" in s for s in skipped
    )
    assert any("b_fixture.json: not a vcrpy cassette" in line for line in skipped)
    assert any("c_broken.yaml: invalid YAML" in line for line in skipped)


def test_nothing_readable_is_exit_2_naming_why_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    (recorded / "a.json").write_text("[]")
    (recorded / "b.yaml").write_text("just: a mapping\n")
    suite = tmp_path / "suites" / "app.yaml"
    assert _import(recorded, suite) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing to import" in err
    assert "a.json: not a vcrpy cassette" in err and "b.yaml: not a vcrpy cassette" in err
    assert not suite.parent.exists()  # the folder made for the import is gone again


def test_gzipped_cassettes_import_and_a_gzip_bomb_is_refused_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "recorded"
    recorded.mkdir()
    text = cassette_text(interaction("gpt-4o-mini", "Say gz", "Gz."))
    (recorded / "langchain.yaml.gz").write_bytes(gzip.compress(text.encode()))
    (recorded / "json.json.gz").write_bytes(
        gzip.compress(
            json.dumps(yaml.safe_load(text.replace("Gz", "Js").replace("gz", "js"))).encode()
        )
    )
    (recorded / "not_gzip.yaml.gz").write_text(text)
    bomb = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # gzip, made a MiB at a time
    chunks = [bomb.compress(b" " * (1 << 20)) for _ in range(65)]
    (recorded / "bomb.yaml.gz").write_bytes(b"".join([*chunks, bomb.flush()]))
    assert (recorded / "bomb.yaml.gz").stat().st_size < 1 << 20  # 65 MiB inflated
    (recorded / "notes.txt.gz").write_bytes(gzip.compress(b"not an input"))
    suite = tmp_path / "suites" / "app.yaml"

    assert _import(recorded, suite) == 0
    out = capsys.readouterr().out
    assert sorted(_answers(tmp_path / "cassettes").values()) == ["Gz.", "Js."]
    assert "from the 2 files read" in out
    assert "bomb.yaml.gz: inflates beyond 64 MiB (a compression bomb?); refused" in out
    assert "not_gzip.yaml.gz: not a gzip file that decompresses" in out
    assert "notes.txt.gz" not in out  # not an input: never read
    [exchange] = read_cassette(recorded / "langchain.yaml.gz")
    assert exchange.completion is not None and exchange.completion.text == "Gz."


def test_skipped_lines_print_under_the_suite_their_file_or_model_belongs_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "recorded"
    not_a_call = interaction("gpt-4.1-mini", "x", "y")
    not_a_call["request"]["uri"] = "https://api.openai.com/v1/responses/input_tokens"
    write_cassette(recorded / "a_mini.yaml", interaction("gpt-4o-mini", "Say a", "A."))
    write_cassette(recorded / "b_41.yaml", interaction("gpt-4.1-mini", "Say b", "B."), not_a_call)
    # A 400 from gpt-4o-mini, in a file of its own: it belongs to gpt-4o-mini's suite.
    write_cassette(recorded / "c_error.yaml", interaction("gpt-4o-mini", "Say c", "C.", status=400))
    (recorded / "d_junk.json").write_text('{"not": "a cassette"}')
    suite = tmp_path / "suites" / "app.yaml"

    assert _import(recorded, suite) == 0
    out = capsys.readouterr().out
    blocks = {
        "gpt-4o-mini": section(out, f"wrote {tmp_path / 'suites' / 'app-gpt-4o-mini.yaml'}"),
        "gpt-4.1-mini": section(out, f"wrote {tmp_path / 'suites' / 'app-gpt-4.1-mini.yaml'}"),
        None: section(out, "in no suite"),
    }
    skipped = {k: [x for x in v if x.startswith("  skipped")] for k, v in blocks.items()}
    assert (
        len(skipped["gpt-4o-mini"]) == 1
        and "c_error.yaml: interaction 0" in (skipped["gpt-4o-mini"][0])
    )
    assert (
        len(skipped["gpt-4.1-mini"]) == 1
        and "b_41.yaml: interaction 1: not a model call" in (skipped["gpt-4.1-mini"][0])
    )
    assert len(skipped[None]) == 1 and "d_junk.json: not a vcrpy cassette" in skipped[None][0]
    assert out.splitlines()[-2].startswith("in no suite")  # after every suite, once


def test_an_unreadable_interaction_goes_under_the_suite_of_the_model_its_request_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not under the suite the rest of its file went into: its request says gpt-4.1-mini,
    though the response cannot be read (README, "Importing recordings you already have")."""
    recorded = tmp_path / "recorded"
    odd_status = interaction("gpt-4.1-mini", "Say two", "Two.")
    odd_status["response"]["status"] = {"code": "abc"}
    no_response = interaction("gpt-4.1-mini", "Say three", "Three.")
    del no_response["response"]
    snapshot = interaction("gpt-4.1-mini-2025-04-14", "Say five", "Five.")  # counts for its model
    snapshot["response"]["status"] = {"code": "abc"}
    good = interaction("gpt-4o-mini", "Say one", "One.")
    write_cassette(recorded / "x.yaml", good, odd_status, no_response, snapshot)
    write_cassette(recorded / "y.yaml", interaction("gpt-4.1-mini", "Say four", "Four."))

    assert _import(Path("recorded"), Path("suites/dl.yaml")) == 0
    out = capsys.readouterr().out
    mini, four_one = (
        section(out, f"wrote suites/dl-{m}.yaml") for m in ("gpt-4o-mini", "gpt-4.1-mini")
    )
    assert not [line for line in mini if "skipped" in line], out
    assert [line for line in four_one if "skipped" in line] == [
        "  skipped recorded/x.yaml: interaction 1: unreadable: "
        "response status {'code': 'abc'} has no integer code",
        "  skipped recorded/x.yaml: interaction 2: unreadable: no request or no response recorded",
        "  skipped recorded/x.yaml: interaction 3 (recorded with gpt-4.1-mini-2025-04-14): "
        "unreadable: response status {'code': 'abc'} has no integer code",
    ], out


def test_nothing_to_import_names_the_folder_given_not_a_file_in_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "rec").mkdir()
    (tmp_path / "rec" / "broken.yaml").write_text("interactions: [\n")
    (tmp_path / "other.yaml").write_text("just: a mapping\n")
    assert _import(Path("rec"), Path("suites/app.yaml")) == 2
    err = capsys.readouterr().err
    assert err.startswith("migrate-check: error: rec: nothing to import (rec/broken.yaml: "), err
    assert main(["import", "rec", "other.yaml", "--suite", "suites/app.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("migrate-check: error: rec, other.yaml: nothing to import ("), err
