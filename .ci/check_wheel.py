"""CI: build the wheel, check it ships the product only, install it in a fresh virtual
environment and replay the bundled example from it, as a user who ran `pip install` would.

Usage: python .ci/check_wheel.py WORKDIR (tox passes its env's temporary folder).
The example regresses on purpose, so its run must exit 1 with the verdict NO-GO.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAIR = "gpt-4o-mini:gpt-4.1-mini"
REPORTS = ("report.json", "report.md", "report.html", "comment.md")
# Test and development tools that must never reach a user's site-packages.
NOT_SHIPPED = ("devtools/", "local_openai", "synthetic_runs", "tests/", "benchmarks/")


def run(*args: str | Path, cwd: Path = REPO, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(
            f"check_wheel: {' '.join(map(str, args))} exited {done.returncode}:\n"
            f"{done.stdout}{done.stderr}"
        )
    return done.stdout


def build(out: Path) -> Path:
    run(sys.executable, "-m", "build", "--wheel", "--outdir", out, REPO)
    [wheel] = out.glob("pytest_migrate_check-*.whl")
    return wheel


def check_contents(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    stray = [n for n in names if any(part in n for part in NOT_SHIPPED)]
    if stray:
        sys.exit(f"check_wheel: {wheel.name} ships test or development files: {stray}")
    dist, version = wheel.name.split("-")[:2]
    tops = {n.split("/")[0] for n in names}
    if tops != {"migrate_check", f"{dist}-{version}.dist-info"}:
        sys.exit(f"check_wheel: unexpected top-level entries in {wheel.name}: {sorted(tops)}")
    for needed in (
        "migrate_check/py.typed",
        "migrate_check/report/report.schema.json",
        "migrate_check/core/prices.json",
        "migrate_check/report/writers/templates/report.html.j2",
    ):
        if needed not in names:
            sys.exit(f"check_wheel: {wheel.name} lacks {needed}")
    if not any(n.endswith(".dist-info/licenses/LICENSE") for n in names):
        sys.exit(f"check_wheel: {wheel.name} lacks its LICENSE")
    print(f"check_wheel: {wheel.name}: {len(names)} files, only migrate_check/ and its metadata")


def install(wheel: Path, where: Path) -> Path:
    venv.EnvBuilder(with_pip=True, clear=True).create(where)
    python = where / "bin" / "python"
    run(python, "-m", "pip", "install", "-q", "--disable-pip-version-check", wheel)
    return python


def replay_example(python: Path, project: Path) -> None:
    """The README's first command, in a folder holding only the example's files (outside
    the repository, whose pyproject.toml would otherwise make it pytest's rootdir)."""
    shutil.rmtree(project, ignore_errors=True)
    for folder in ("suites", "cassettes"):
        shutil.copytree(REPO / folder, project / folder)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "PYTEST_"))}
    env.pop("GITHUB_STEP_SUMMARY", None)
    env["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"  # a closed port: replay needs no network
    where = run(python, "-c", "import migrate_check; print(migrate_check.__file__)", cwd=project)
    if not where.startswith(str(python.parents[1])):
        sys.exit(f"check_wheel: migrate_check imported from {where.strip()}, not the fresh venv")
    devtools = subprocess.run(
        [python, "-c", "import devtools"], cwd=project, capture_output=True, check=False
    )
    if devtools.returncode == 0:
        sys.exit("check_wheel: devtools is importable from the installed wheel")
    done = subprocess.run(
        [python.parent / "pytest", "-p", "no:cacheprovider", "--model-pair", PAIR, "suites/"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    tail = "\n".join(done.stdout.splitlines()[-25:])
    if done.returncode != 1 or "NO-GO" not in done.stdout:
        sys.exit(
            f"check_wheel: the example should exit 1 with NO-GO, got {done.returncode}:\n"
            f"{tail}\n{done.stderr}"
        )
    missing = [r for r in REPORTS if not (project / "migrate-check-report" / r).is_file()]
    if missing:
        sys.exit(f"check_wheel: the example's run wrote no {', '.join(missing)}")
    print(
        "check_wheel: the example replayed from the installed wheel: exit 1, NO-GO, "
        f"{', '.join(REPORTS)} written"
    )


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.exit("usage: python .ci/check_wheel.py WORKDIR")
    work = Path(argv[0]).resolve()
    shutil.rmtree(work, ignore_errors=True)
    wheel = build(work / "dist")
    check_contents(wheel)
    python = install(wheel, work / "venv")
    with tempfile.TemporaryDirectory(prefix="migrate-check-wheel-") as project:
        replay_example(python, Path(project) / "example")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
