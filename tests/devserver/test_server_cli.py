"""`python -m devtools.local_openai` as a user starts it: its help and its banner say the
port and the base URL to export, and the exported URL is one the real SDK records through.

The README's "Trying recording without a key" recipe relies on both: a user who has only
the command learns from `--help` where the server listens and what to export.
"""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import openai

REPO = Path(__file__).resolve().parents[2]
COMMAND = [sys.executable, "-m", "devtools.local_openai"]


def _run_help() -> str:
    done = subprocess.run(
        [*COMMAND, "--help"], cwd=REPO, capture_output=True, text=True, timeout=60, check=True
    )
    return done.stdout


def _banner(process: subprocess.Popen[bytes], wait_s: float) -> str:
    """The server's output up to its export line, or what came within `wait_s`: a banner
    without one must fail the test, not hang it on a read that never returns."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    deadline = time.monotonic() + wait_s
    seen = b""
    while not re.search(rb"OPENAI_BASE_URL=.*\n", seen) and len(seen) < 64 * 1024:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        seen += chunk
    return seen.decode()


def test_help_names_the_default_port_and_the_base_url_to_export() -> None:
    text = _run_help()
    port_help = re.search(r"--port PORT\s+(.*)", text)
    assert port_help is not None, text
    assert "default 8765" in port_help.group(1)
    assert "export OPENAI_BASE_URL=http://127.0.0.1:8765/v1" in text
    assert "export OPENAI_API_KEY=" in text
    # Where --host and --port move it, the help says how the URL follows them.
    assert "http://HOST:PORT/v1" in text


def test_banner_export_line_is_a_url_the_sdk_records_through() -> None:
    # Port 0: any free one, so this never collides with a server a user (or test) runs.
    process = subprocess.Popen(
        [*COMMAND, "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        banner = _banner(process, wait_s=30.0)
        exported = re.search(
            r"export OPENAI_BASE_URL=(http://127\.0\.0\.1:(\d+)/v1) OPENAI_API_KEY=(\S+)",
            banner,
        )
        assert exported is not None, banner
        assert exported.group(2) != "0"  # the port it bound, not the one asked for
        client = openai.OpenAI(
            base_url=exported.group(1), api_key=exported.group(3), max_retries=0, timeout=30
        )
        answer = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": "Say hello."}]
        )
        assert answer.model.startswith("gpt-4o-mini")
        assert answer.choices[0].message.content
    finally:
        # SIGTERM, not Ctrl-C's SIGINT: a pytest started in the background (CI, nohup)
        # passes on an ignored SIGINT, and the server would never see it.
        process.terminate()
        try:
            process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()
