"""What the stored import says: never the key (an ids file holds whatever the logs held),
the reasons when no id could be read, which source needs the key, the `/v1` a base URL
lacks, and `--seed` without `--sample`. The real SDK over HTTP to the local server.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from devtools.local_openai import LocalServer

from migrate_check.cli import main

KEY = "sk-proj-IdsFile0Key0Never0Shown0123456789"


@pytest.fixture
def server(
    live: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalServer]:
    """The SDK pointed at the server with `KEY`, nothing stored, a folder of its own."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    live.clear_stored()
    yield live
    live.clear_stored()


def _responses(server: LocalServer, count: int) -> list[str]:
    requests = [{"model": "gpt-4o-mini", "input": f"Question {n}"} for n in range(count)]
    return server.add_stored("responses", requests, created=1_750_000_000)


def _import(*args: str) -> int:
    return main(["import", "--suite", "suites/app.yaml", *args])


def test_a_key_in_the_ids_file_is_never_printed_nor_written(
    server: LocalServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first, last = _responses(server, 2)
    Path("ids.txt").write_text(f"{first}\n{KEY}\n{last}\n")  # the logs held the key
    printed = []
    assert _import("--stored-responses", "ids.txt") == 0
    printed.append(capsys.readouterr().out)
    assert "skipped stored response [redacted]: not read from the API: HTTP 404" in printed[-1]

    server.fail_stored_reads("500", after=3)  # the first response, its items, the key's 404
    assert _import("--stored-responses", "ids.txt", "--force") == 3
    printed.append(capsys.readouterr().out)
    assert "the same command with --stored-responses-after [redacted] and another" in printed[-1]

    server.fail_stored_reads(None)
    for flags in (
        ["--stored-responses", "ids.txt", "--stored-responses-after", f"{KEY}x"],
        ["--stored-completions", "--metadata", f"feature={KEY}"],
        ["--stored-completions", "--since", KEY],
    ):
        assert _import(*flags, "--force") == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "[redacted]" in err, err
        printed.append(err)
    assert not any(KEY in text for text in printed)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.name != "ids.txt"]
    assert written and not any(KEY in p.read_text(errors="replace") for p in written)


def test_an_ids_file_whose_ids_all_fail_names_the_first_reasons(
    server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("bad.txt").write_text("resp_gone\nresp_lost\n")
    assert _import("--stored-responses", "bad.txt") == 2
    err = capsys.readouterr().err
    assert err == (
        "migrate-check: error: stored objects: none could be read (responses in bad.txt): "
        "stored response resp_gone: not read from the API: HTTP 404: No response found with "
        "id 'resp_gone'.; stored response resp_lost: not read from the API: HTTP 404: No "
        "response found with id 'resp_lost'.\n"
    )


def test_the_missing_key_error_names_the_source_asked_for(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY")
    Path("ids.txt").write_text("resp_1\n")
    assert _import("--stored-responses", "ids.txt") == 2
    err = capsys.readouterr().err
    assert err.startswith("migrate-check: error: reading stored responses needs OPENAI_API_KEY")
    assert "a local server takes any non-empty key" in err
    assert _import("--stored-responses", "ids.txt", "--stored-completions") == 2
    assert "reading stored completions and stored responses needs" in capsys.readouterr().err
    assert sum(server.stored_reads.values()) == 0


def test_a_base_url_without_v1_gets_the_hint(
    server: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = server.base_url.removesuffix("/v1")
    monkeypatch.setenv("OPENAI_BASE_URL", bare)
    assert _import("--stored-completions") == 2
    err = capsys.readouterr().err
    assert "the API failed before any was fetched: HTTP 404" in err
    assert "does not end in /v1, where OpenAI-compatible servers serve the API: try " in err
    assert f"OPENAI_BASE_URL={bare}/v1)" in err
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    Path("ids.txt").write_text("resp_gone\n")
    assert _import("--stored-responses", "ids.txt") == 2
    assert "does not end in /v1" not in capsys.readouterr().err  # a 404 of its own


def test_a_seed_without_a_sample_is_a_usage_error(
    server: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _import("--stored-completions", "--seed", "5") == 2
    assert capsys.readouterr().err == (
        "migrate-check: error: --seed is the seed of a sample: add --sample N\n"
    )
    assert sum(server.stored_reads.values()) == 0
    assert not Path("suites").exists()
