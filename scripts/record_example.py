"""Re-record the bundled example cassettes from the project's local server.

The example's recordings come from `devtools.local_openai` (a local OpenAI-compatible
server), not from the OpenAI API; this script is how they were made:

    python scripts/record_example.py                              # every suite
    python scripts/record_example.py suites/customer_updates.yaml # one suite

The grader calls of the `embedding` and `judge` checks are answered by the same server
(deterministic embeddings and judge verdicts) and recorded beside each case.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root: devtools/

from devtools.local_openai import LocalServer

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    targets = argv or ["suites/"]
    with LocalServer(latency_ms=120.0, seed=0) as server:
        env = {
            **os.environ,
            "OPENAI_BASE_URL": server.base_url,
            "OPENAI_API_KEY": "sk-local-example-not-a-secret",
        }
        command = [
            sys.executable,
            "-m",
            "pytest",
            *targets,
            "-q",
            "--no-report",
            "--model-pair",
            "gpt-4o-mini:gpt-4.1-mini",
            "--record-mode",
            "all",
            "-p",
            "no:cacheprovider",
        ]
        done = subprocess.run(command, cwd=ROOT, env=env, check=False)
    # Regressions are expected in the example; only a crash (exit >= 2) is a failure here.
    return 0 if done.returncode in (0, 1) else done.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
