"""The stored fetch is paged and bounded: messages a page at a time, an object too large
skipped, an answer too large refused, and an ids file resumed where the API failed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from devtools.local_openai import LocalServer

from migrate_check.cli import main
from migrate_check.importing import stored
from migrate_check.importing.stored import StoredFetch, StoredQuery, client_from_environment


@pytest.fixture
def server_only(
    live: LocalServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LocalServer]:
    """The SDK pointed at the server, nothing stored, the import run in a folder of its own."""
    monkeypatch.chdir(tmp_path)
    live.clear_stored()
    yield live
    live.clear_stored()


def _conversation(turns: int, padding: int = 0) -> dict[str, Any]:
    messages = [{"role": "system", "content": "Be brief." + " pad" * padding}]
    for n in range(turns):
        messages += [
            {"role": "user", "content": f"Question {n}"},
            {"role": "assistant", "content": f"Answer {n}"},
        ]
    messages.append({"role": "user", "content": "Last question"})
    return {"model": "gpt-4o-mini", "messages": messages}


def test_messages_come_a_page_at_a_time_and_a_large_object_is_skipped(
    server_only: LocalServer,
) -> None:
    small, large = server_only.add_stored(
        "chat", [_conversation(2), _conversation(0, padding=2000)], created=1_750_000_000
    )
    query = StoredQuery(completions=True, page_size=2, max_object_bytes=4000)
    fetch = StoredFetch(query, client_from_environment())
    (prompt,) = list(fetch.prompts())
    assert prompt.origin.startswith(f"stored completion {small} ")
    assert [m["content"] for m in prompt.request["messages"]][-2:] == ["Answer 1", "Last question"]
    assert len(prompt.request["messages"]) == 6
    assert server_only.stored_reads["messages"] == 3 + 1  # 6 messages in pages of 2; the large
    assert server_only.stored_reads["list"] == 1
    (skipped,) = fetch.skipped
    assert skipped.origin == f"stored completion {large}"
    assert skipped.reason.startswith("larger than ") and "MiB with its input" in skipped.reason
    assert fetch.stop is None and fetch.taken == 2


def test_an_answer_over_the_page_bound_is_refused(
    server_only: LocalServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server_only.add_stored("chat", [_conversation(1)], created=1_750_000_000)
    monkeypatch.setattr(stored, "MAX_PAGE_BYTES", 500)
    assert main(["import", "--suite", "suites/app.yaml", "--stored-completions"]) == 2
    err = capsys.readouterr().err
    assert "the API failed before any was fetched: an answer of" in err
    assert "bytes, over the 500 byte bound" in err
    assert server_only.stored_reads["list"] == 1  # refused, not retried


def test_an_ids_file_resumes_after_the_last_response_read(
    server_only: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    requests = [{"model": "gpt-4o-mini", "input": f"Question {n}"} for n in range(3)]
    ids = server_only.add_stored("responses", requests, created=1_750_000_000)
    Path("ids.txt").write_text("\n".join(ids) + "\n")
    server_only.fail_stored_reads("500", after=2)  # the first response and its items
    args = ["import", "--stored-responses", "ids.txt"]
    assert main([*args, "--suite", "suites/first.yaml"]) == 3
    out = capsys.readouterr().out
    assert f"the same command with --stored-responses-after {ids[0]} and another" in out
    assert _origins("suites/first.yaml") == ids[:1]

    server_only.fail_stored_reads(None)
    resumed = [*args, "--stored-responses-after", ids[0], "--suite", "suites/rest.yaml"]
    assert main(resumed) == 0
    assert sorted(_origins("suites/rest.yaml")) == sorted(ids[1:])
    assert main([*args, "--stored-responses-after", "resp_other", "--suite", "x.yaml"]) == 2
    assert "--stored-responses-after resp_other: no such id in the file" in capsys.readouterr().err


def test_an_ids_file_holds_ids_only(
    server_only: LocalServer, capsys: pytest.CaptureFixture[str]
) -> None:
    Path("ids.txt").write_text("resp_1\nrm -rf /\n")
    assert main(["import", "--stored-responses", "ids.txt", "--suite", "s.yaml"]) == 2
    assert "ids.txt: line 2: not a response id" in capsys.readouterr().err
    assert sum(server_only.stored_reads.values()) == 0


def _origins(path: str) -> list[str]:
    return [c["origin"].split()[2] for c in yaml.safe_load(Path(path).read_text())["cases"]]
