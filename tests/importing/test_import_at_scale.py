"""`migrate-check import` at scale: a request log streams through in flat memory and
linear time, a large import becomes several suite files pytest loads, and a line nested
too deep is an error naming the file and the line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import PAIR
from migrate_check.cli import main
from migrate_check.suites.loading import MAX_SUITE_BYTES, load_suite

TICKET_SCHEMA = {
    "type": "object",
    "properties": {
        "queue": {"type": "string", "enum": ["billing", "technical", "shipping", "other"]},
        "priority": {"type": "string", "enum": ["low", "normal", "high", "urgent"]},
        "summary": {"type": "string"},
    },
    "required": ["queue", "priority", "summary"],
}


def logged(n: int, words: int = 12) -> dict[str, Any]:
    """Logged request number `n` of a structured-output app: each one differs."""
    return {
        "model": "gpt-4o-mini",
        "temperature": 0,
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "ticket", "strict": True, "schema": TICKET_SCHEMA},
        },
        "messages": [
            {"role": "system", "content": "Classify the ticket. Reply in JSON."},
            {"role": "user", "content": f"Ticket {n}: " + "where is my order " * (words // 4)},
        ],
    }


def write_log(path: Path, lines: int, words: int = 12) -> Path:
    with path.open("w") as handle:
        for n in range(lines):
            handle.write(json.dumps(logged(n, words)) + "\n")
    return path


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [100_000, 900, 101])
def test_a_line_nested_too_deep_is_an_error_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int
) -> None:
    log = tmp_path / "log.jsonl"
    deep = '{"messages": [{"role": "user", "content": "hi"}], "metadata": ' + nested(depth) + "}"
    log.write_text(json.dumps(logged(0)) + "\n" + deep + "\n")
    code = main(["import", str(log), "--suite", str(tmp_path / "s.yaml")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        f"migrate-check: error: {log}: line 2: nested deeper than 100 levels, more than a "
        "suite file holds\n"
    )
    assert not (tmp_path / "s.yaml").exists()


def test_a_request_nested_100_levels_is_imported(tmp_path: Path) -> None:
    log = tmp_path / "log.jsonl"
    body = {"messages": [{"role": "user", "content": "hi"}], "metadata": json.loads(nested(98))}
    log.write_text(json.dumps(body) + "\n")
    assert main(["import", str(log), "--suite", str(tmp_path / "s.yaml")]) == 0
    [case] = load_suite(tmp_path / "s.yaml").cases
    assert case.request["metadata"] == body["metadata"]


def test_a_cassette_request_nested_too_deep_is_skipped_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def interaction(request_body: str) -> dict[str, Any]:
        answer = {
            "model": "gpt-4o-mini",
            "choices": [
                {"message": {"role": "assistant", "content": "Hi"}, "finish_reason": "stop"}
            ],
        }
        return {
            "request": {
                "method": "POST",
                "uri": "https://api.openai.com/v1/chat/completions",
                "body": request_body,
                "headers": {},
            },
            "response": {
                "status": {"code": 200, "message": "OK"},
                "headers": {"Content-Type": ["application/json"]},
                "body": {"string": json.dumps(answer)},
            },
        }

    shallow = json.dumps(logged(1))
    deep = shallow[:-1] + ', "metadata": ' + nested(5000) + "}"
    cassette = tmp_path / "c.yaml"
    cassette.write_text(yaml.safe_dump({"interactions": [interaction(shallow), interaction(deep)]}))
    suite = tmp_path / "suites" / "s.yaml"
    assert main(["import", str(cassette), "--suite", str(suite)]) == 0
    out = capsys.readouterr().out
    assert f"skipped {cassette}: interaction 1: request body nested too deep" in out
    assert len(load_suite(suite).cases) == 1


def test_a_large_import_is_split_into_suite_files_pytest_loads(
    pytester: pytest.Pytester, offline: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """18 requests of 1 MiB: one file would be over the 16 MiB a suite file may hold."""
    log = write_log(pytester.path / "log.jsonl", 18, words=240_000)
    assert log.stat().st_size > MAX_SUITE_BYTES
    assert main(["import", str(log), "--suite", "suites/big.yaml"]) == 0
    out = capsys.readouterr().out
    parts = sorted((pytester.path / "suites" / "big").glob("*.yaml"))
    assert len(parts) >= 3 and not (pytester.path / "suites" / "big.yaml").exists()
    assert all(part.stat().st_size <= MAX_SUITE_BYTES for part in parts)
    suites = [load_suite(part) for part in parts]
    assert len({s.name for s in suites}) == len(parts)
    assert sum(len(s.cases) for s in suites) == 18
    assert f"wrote 18 cases in {len(parts)} suite files under suites/big/" in out, out
    assert "next: pytest suites/big/ --model-pair gpt-4o-mini:gpt-4.1-mini" in out, out
    result = pytester.runpytest("--model-pair", PAIR, "--collect-only", "-q", "suites/big/")
    result.stdout.fnmatch_lines(["18 tests collected*"])


def test_a_request_logged_many_times_is_one_case_keeping_its_first_origins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run from the project, as a team does: pytest's rootdir is the common ancestor of
    # where it runs and the suite, so from elsewhere it depends on where both happen to be.
    monkeypatch.chdir(tmp_path)
    log = tmp_path / "log.jsonl"
    log.write_text((json.dumps(logged(7)) + "\n") * 60)
    assert main(["import", str(log), "--suite", str(tmp_path / "s.yaml")]) == 0
    [case] = load_suite(tmp_path / "s.yaml").cases
    assert case.origin[:2] == ("log.jsonl: line 1", "log.jsonl: line 2")  # from the rootdir
    assert len(case.origin) == 21 and case.origin[-1] == "... and 40 more"


IMPORT_AND_MEASURE = """
import resource, sys, time
from pathlib import Path
from migrate_check.cli import main
from migrate_check.suites.loading import load_suite
started = time.process_time()
code = main(["import", sys.argv[1], "--suite", sys.argv[2], "--cassette-dir", sys.argv[3]])
imported = time.process_time() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.process_time()
cases = len(load_suite(Path(sys.argv[2])).cases)
print(code, cases, imported, time.process_time() - started, peak)
"""


def _import(tmp_path: Path, lines: int) -> tuple[float, float, float]:
    """Seconds to import `lines` logged requests, seconds for the suite loader to read
    the suite written (the same machine, as busy), and the import's peak RSS in MB."""
    log = write_log(tmp_path / f"log-{lines}.jsonl", lines)
    suite, cassettes = tmp_path / f"s{lines}" / "s.yaml", tmp_path / "cassettes"
    args = [sys.executable, "-c", IMPORT_AND_MEASURE, str(log), str(suite), str(cassettes)]
    done = subprocess.run(args, capture_output=True, text=True, timeout=120, check=False)
    code, cases, seconds, load_seconds, rss_kib = done.stdout.split()[-5:]
    assert (code, cases) == ("0", str(lines)), done.stdout + done.stderr
    return float(seconds), float(load_seconds), int(rss_kib) / 1024


def test_a_long_log_imports_in_linear_time_and_flat_memory(tmp_path: Path) -> None:
    """6,000 lines took 12 s, twelve times as long as loading the suite they make, and
    90 MB more than 500 lines (100,000: 436 s and 5 GB; 1,000,000 never finished); now
    about three times the load, in the memory of 500 lines.

    The time is the process's CPU time, read against the suite loader's on the same suite
    in the same process: other work on a busy machine takes wall time, not this CPU time
    (wall time failed once at 6.1 times the load while four other jobs ran;
    benchmarks/bench_import_scale.py has the wall-clock figures)."""
    _, _, small_mb = _import(tmp_path, 500)
    seconds, load_seconds, large_mb = _import(tmp_path, 6_000)
    figures = f"6,000 lines: {seconds:.1f} s, the suite loads in {load_seconds:.1f} s; "
    figures += f"peak RSS {small_mb:.0f} MB at 500 lines, {large_mb:.0f} MB at 6,000"
    assert seconds < 6 * load_seconds, figures
    assert large_mb - small_mb < 25, figures


def test_a_suite_in_parts_is_never_overwritten_without_force_and_leaves_no_stale_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from migrate_check.importing import writing

    monkeypatch.setattr(writing, "PART_BYTES", 8 * 1024)  # parts of a few cases each
    suite = tmp_path / "suites" / "app.yaml"
    args = ["import", "--suite", str(suite), "--cassette-dir", str(tmp_path / "cassettes")]
    assert main([*args[:1], str(write_log(tmp_path / "big.jsonl", 60)), *args[1:]]) == 0
    parts = sorted((tmp_path / "suites" / "app").glob("app-*.yaml"))
    assert len(parts) >= 3 and not suite.exists()
    assert [load_suite(p).name for p in parts] == [f"app-{n:03d}" for n in range(1, len(parts) + 1)]
    small = str(write_log(tmp_path / "small.jsonl", 2))
    capsys.readouterr()
    assert main([*args[:1], small, *args[1:]]) == 2
    assert f"{parts[0]} exists; pass --force to overwrite it" in capsys.readouterr().err
    assert main([*args[:1], small, *args[1:], "--force"]) == 0
    assert len(load_suite(suite).cases) == 2
    assert not list((tmp_path / "suites" / "app").glob("app-*.yaml"))  # no stale part runs


FULL_DISK = """
import resource, signal, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails, as on a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))
from migrate_check.cli import main
sys.exit(main(["import", sys.argv[1], "--suite", sys.argv[2]]))
"""


def test_no_room_for_the_import_s_working_copy_is_one_line_naming_the_folder(
    tmp_path: Path,
) -> None:
    log = write_log(tmp_path / "log.jsonl", 3_000)
    args = [sys.executable, "-c", FULL_DISK, str(log), str(tmp_path / "s.yaml")]
    done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("migrate-check: error: the import's working copy in ")
    assert "(TMPDIR names another folder for it)" in done.stderr
    assert done.stderr.count("\n") == 1 and not (tmp_path / "s.yaml").exists()
