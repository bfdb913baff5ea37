"""The README's "Trying recording without a key" recipe, run as written against the local
server: it records the copied suite's 18 exchanges, then replays them sending nothing.

Only what differs on a test machine is swapped: the server's port (a free one, not
8765), the scratch folder (this test's), and `source .venv/bin/activate` (the Python
running the tests, so tox's environments count too).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from devtools.local_openai import LocalServer

from helpers.readme import code_blocks, section

REPO = Path(__file__).resolve().parents[2]
TITLE = "### Trying recording without a key"


def recipe() -> tuple[str, str]:
    """The recipe's two shell blocks: starting the server, and recording then replaying."""
    text = section("Recording against the real API")
    assert TITLE in text, f"README.md has no '{TITLE}'"
    blocks = code_blocks(text[text.index(TITLE) :].split("\n### ", 1)[0], "bash")
    assert len(blocks) == 2, blocks
    return blocks[0], blocks[1]


def test_recipe_starts_the_server_the_tests_use_on_its_default_port() -> None:
    start, steps = recipe()
    assert re.search(r"^\.venv/bin/python -m devtools\.local_openai\b", start, re.MULTILINE)
    assert "http://127.0.0.1:8765/v1" in start  # what `--help` says (test_server_cli.py)
    assert "export OPENAI_BASE_URL=http://127.0.0.1:8765/v1 " in steps


def test_recipe_records_then_replays_offline(server: LocalServer, tmp_path: Path) -> None:
    _, steps = recipe()
    scratch = tmp_path / "mc-try"
    script = steps.replace("http://127.0.0.1:8765/v1", server.base_url)
    script = script.replace("/tmp/mc-try", str(scratch))
    script = script.replace(
        "source .venv/bin/activate", f'export PATH="{Path(sys.executable).parent}:$PATH"'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PYTEST_"))}
    server.stats.reset()
    done = subprocess.run(
        ["bash", "-e", "-c", script],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    cassettes = sorted(scratch.glob("cassettes/travel-assistant/*/*.yaml"))
    assert len(cassettes) == 18  # 9 cases, 2 models, as the README says
    assert server.stats.completions == 18  # the replay sent nothing
    verdicts = re.findall(
        r"gpt-4o-mini -> gpt-4\.1-mini: (\S+) .*?(\d+) cases? changed", done.stdout
    )
    assert verdicts == [("REVIEW", "3"), ("REVIEW", "3")], done.stdout[-3000:]
