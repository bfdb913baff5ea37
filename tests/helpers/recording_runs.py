"""Recording runs in a real pytest subprocess, and what a whole cassette looks like.

Shared by the fault, interrupt and sharded-recording tests.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from pathlib import Path

from devtools.local_openai import LocalServer

from conftest import PAIR


def assert_complete_cassette(path: Path) -> int:
    """Load with plain vcrpy; every interaction is a whole 200 whose body parses."""
    from vcr.serialize import deserialize
    from vcr.serializers import yamlserializer

    requests, responses, *_metadata = deserialize(path.read_text(encoding="utf-8"), yamlserializer)
    assert requests, f"{path} holds no interaction"
    for request, response in zip(requests, responses, strict=True):
        assert response["status"]["code"] == 200, path
        json.loads(request.body)
        body = response["body"]["string"]
        text = body.decode() if isinstance(body, bytes) else body
        if "event-stream" in str(response["headers"]).lower():
            events = [line[5:].strip() for line in text.splitlines() if line.startswith("data:")]
            assert events, path
            for event in events:
                if event != "[DONE]":
                    json.loads(event)
        else:
            assert "usage" in json.loads(text), path
    return len(requests)


def suite_text(count: int) -> str:
    lines = ["suite: many", "cases:"]
    for i in range(count):
        lines += [f"  - id: c{i:02d}", f'    messages: [{{role: user, content: "Question {i}"}}]']
    return "\n".join(lines) + "\n"


def cassettes(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted((root / "cassettes").rglob("*.yaml"))
    }


def pytest_command(*args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "pytest",
        "--model-pair",
        PAIR,
        "-p",
        "no:cacheprovider",
        "suites",
        *args,
    ]


def environment(server: LocalServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PYTEST_"))}
    env.update(OPENAI_BASE_URL=server.base_url, OPENAI_API_KEY="sk-test-interrupt")
    return env


def interruptible() -> None:
    """`preexec_fn` for a run a test interrupts: Ctrl-C takes its default action in the
    child even where the tests were started with SIGINT ignored (a shell's background
    job, nohup), which the child would inherit and so never be interrupted."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
