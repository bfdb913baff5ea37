"""The `migrate-check` command: `migrate-check import PATH... --suite suites/NAME.yaml`.

Pytest runs suites; this command only makes them from what teams already have
(cassettes, OpenAI Evals samples, logged request bodies). Every user mistake is
one line on stderr and exit code 2, never a traceback. Without arguments it prints its
help, which says how pytest runs the suites.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from migrate_check import __version__
from migrate_check.importing.errors import SourceError
from migrate_check.suite import SuiteError

EXIT_USAGE = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="migrate-check",
        description="What changes downstream when an LLM feature switches models.",
        epilog=(
            "Suites run under pytest: pytest --model-pair gpt-4o-mini:gpt-4.1-mini suites/ "
            "(add --record-mode once to record what is missing; see pytest --help)."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    imp = commands.add_parser(
        "import",
        help="Turn cassettes, an OpenAI Evals JSONL or logged requests into a suite",
        description=(
            "Make a suite with one case per distinct request. Answers recorded in "
            "cassettes become the baseline's recordings, so only the candidate needs calling."
        ),
    )
    imp.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="Files or folders to read")
    imp.add_argument(
        "--suite", required=True, type=Path, help="Suite file to write, e.g. suites/app.yaml"
    )
    imp.add_argument(
        "--cassette-dir",
        type=Path,
        default=Path("cassettes"),
        help="Where the baseline's recordings go (default: cassettes)",
    )
    imp.add_argument(
        "--format",
        choices=("auto", "cassette", "evals", "requests"),
        default="auto",
        help="Kind of input; auto: .jsonl with 'ideal' is Evals, other .jsonl logged requests",
    )
    imp.add_argument("--name", help="Suite name (default: the suite file's stem)")
    imp.add_argument("--force", action="store_true", help="Overwrite an existing suite file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    try:
        return run_import(args, sys.stdout)
    except (SourceError, SuiteError, OSError, ValueError) as exc:
        print(f"migrate-check: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug of ours; still one line, named so it can be reported
        print(
            f"migrate-check: internal error: {type(exc).__name__}: {_one_line(exc)}",
            file=sys.stderr,
        )
        return EXIT_USAGE


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    from migrate_check.importing.sources import collect
    from migrate_check.importing.to_suite import write_import

    suite_path: Path = args.suite
    if suite_path.exists() and not args.force:
        raise FileExistsError(f"{suite_path} exists; pass --force to overwrite it")
    if suite_path.suffix not in (".yaml", ".yml"):
        raise ValueError(f"{suite_path}: a suite file ends in .yaml")
    collected = collect(list(args.paths), args.format)
    result = write_import(collected, suite_path, args.cassette_dir, name=args.name)
    print(
        f"wrote {suite_path}: {len(result.cases)} cases from {len(collected.files)} files", file=out
    )
    recorded = result.recorded_models
    if result.cassettes:
        per_model = ", ".join(f"{m} ({n} cases)" for m, n in recorded.most_common())
        print(
            f"baseline recordings: {len(result.cassettes)} cassettes under "
            f"{args.cassette_dir / result.suite}: {per_model}",
            file=out,
        )
    for skipped in result.skipped:
        print(f"skipped {skipped}", file=out)
    for warning in result.warnings:
        print(f"warning: {warning}", file=out)
    print(_next_step(result.models.most_common(1), bool(recorded), suite_path), file=out)
    return 0


def _next_step(top: list[tuple[str, int]], recorded: bool, suite_path: Path) -> str:
    baseline = top[0][0] if top else "<baseline>"
    what = "records only the candidate" if recorded else "records both models"
    return (
        f"next: pytest {suite_path} --model-pair {baseline}:<candidate> --record-mode once  "
        f"({what})"
    )


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
