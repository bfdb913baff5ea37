"""The `migrate-check` command: `migrate-check import PATH... --suite suites/NAME.yaml`.

Pytest runs suites; this command only makes them from what teams already have
(cassettes, OpenAI Evals samples, logged request bodies). Every user mistake is
one line on stderr and exit code 2, never a traceback. Without arguments it prints its
help, which says how pytest runs the suites.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from migrate_check import __version__
from migrate_check.core.paths import shown_path
from migrate_check.importing.errors import SourceError
from migrate_check.suites.suite import SuiteError

if TYPE_CHECKING:
    from migrate_check.core.case import ModelPair
    from migrate_check.importing.sampling import Sampling
    from migrate_check.importing.sources import Collected, Skipped
    from migrate_check.importing.spool import Spool
    from migrate_check.importing.suite_text import ImportResult

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
    import_parser = commands.add_parser(
        "import",
        help="Turn cassettes, an OpenAI Evals JSONL or logged requests into a suite",
        description=(
            "Make a suite with one case per distinct request. Answers recorded in "
            "cassettes become the baseline's recordings, so only the candidate needs calling."
        ),
    )
    import_parser.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="Files or folders to read (optional with a stored source below)",
    )
    import_parser.add_argument(
        "--suite", required=True, type=Path, help="Suite file to write, e.g. suites/app.yaml"
    )
    import_parser.add_argument(
        "--cassette-dir",
        type=Path,
        help="Where the recordings go (default: where pytest reads them for the suite: "
        "the rootdir's migrate_check_cassette_dir, else cassettes)",
    )
    import_parser.add_argument(
        "--model",
        help="Import only answers recorded with this model (default: one suite per recorded model)",
    )
    import_parser.add_argument(
        "--format",
        choices=("auto", "cassette", "evals", "requests", "otlp"),
        default="auto",
        help="Kind of input; auto: .json or .jsonl starting with 'resourceSpans' is OTLP "
        "traces (otlp), other .jsonl with 'ideal' is Evals, other .jsonl logged requests",
    )
    import_parser.add_argument(
        "--keep-snapshots",
        action="store_true",
        help="Keep answers recorded with a dated snapshot (gpt-4o-mini-2024-07-18) in a suite "
        "of their own; by default they count as their model's (gpt-4o-mini), each origin "
        "naming the snapshot",
    )
    import_parser.add_argument(
        "--sample",
        type=_positive,
        metavar="N",
        help="Write at most N cases per suite, stratified by template (system prompt, tools, "
        "response format): each template its share of the calls and at least one case, near "
        "duplicates left out",
    )
    import_parser.add_argument(
        "--seed",
        type=int,
        help="The sample's seed (default 0; with --sample): the same seed, the same sample",
    )
    import_parser.add_argument(
        "--redact",
        metavar="KINDS",
        help="Replace personal data with placeholders consistent within a case: a comma list "
        "of email, phone, card, iban, ssn, ip, or all",
    )
    import_parser.add_argument("--name", help="Suite name (default: the suite file's stem)")
    import_parser.add_argument(
        "--force", action="store_true", help="Overwrite an existing suite file"
    )
    from migrate_check.importing.stored_cli import add_arguments as add_stored_arguments

    add_stored_arguments(import_parser)
    from migrate_check.report import verify

    verify.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    if not (sys.argv[1:] if argv is None else argv):
        parser.print_help()
        return 0
    args = parser.parse_args(argv)
    try:
        if args.command == "verify":
            from migrate_check.report import verify

            return verify.run(args.report, args.root, sys.stdout)
        return run_import(args, sys.stdout)
    except (SourceError, SuiteError, OSError, ValueError) as exc:
        print(f"migrate-check: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - a bug of ours; still one line, named so it can be reported
        print(
            f"migrate-check: internal error: {type(exc).__name__}: {_one_line(exc)}",
            file=sys.stderr,
        )
        return EXIT_USAGE


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    """Read the inputs, write a suite per recorded model; 0 when a suite was written
    (what was skipped is listed), 3 when the API cut a stored fetch short (the suite holds
    what came first), 2 when nothing could be imported."""
    from migrate_check.importing.by_model import suite_for_model
    from migrate_check.importing.destination import read_project, suite_folder
    from migrate_check.importing.sources import Collected, Reading, stream
    from migrate_check.importing.spool import Spool
    from migrate_check.importing.stored_cli import described, fetch_for, print_summary, read_text
    from migrate_check.importing.stored_cli import spool_into as spool_stored
    from migrate_check.importing.to_suite import describe_sources
    from migrate_check.importing.writing import write_suite

    suite_path: Path = args.suite
    if suite_path.suffix not in (".yaml", ".yml"):
        raise ValueError(f"{suite_path}: a suite file ends in .yaml")
    if args.seed is not None and args.sample is None:
        raise ValueError("--seed is the seed of a sample: add --sample N")
    with suite_folder(suite_path), Spool.temporary() as spool:  # inputs on disk: flat memory
        redact, sample = _privacy_and_sample(spool, args)
        project = read_project(suite_path)
        how = Reading(root=project.rootdir, fold_snapshots=not args.keep_snapshots)
        fetch = fetch_for(args, how.fold_snapshots)  # stored objects: the key checked first
        seen = Collected()
        for prompt in stream(list(args.paths), args.format, seen, how):
            spool.add(prompt)
            _spool_skipped(spool, seen)  # kept on disk too, as they come
        _spool_skipped(spool, seen)  # those of files after the last prompt
        if fetch is not None:
            spool_stored(spool, fetch, len(seen.files))
        groups = spool.group_by_model(args.model)
        if not groups:
            raise ValueError(f"nothing recorded with {args.model!r} in the inputs")
        models = [g.model for g in groups if g.model is not None]
        targets = [(g, *suite_for_model(suite_path, args.name, g.model, models)) for g in groups]
        for _, path, _ in targets:
            if not args.force:
                _refuse_existing(path)
        pytest_dir = project.cassette_dir
        cassette_dir: Path = args.cassette_dir or pytest_dir
        root = project.rootdir
        for group, path, name in targets:
            result = write_suite(
                spool,
                group.number,
                path,
                cassette_dir,
                name=name,
                description=lambda sources: described(
                    sources, lambda files: describe_sources(files, seen.kind_of, root)
                ),
                inputs=_named(args.paths) or "the stored objects fetched",
                replace=args.force,
                sample=sample,
            )
            _print_result(out, result, read_text(len(seen.files), fetch), cassette_dir, root)
            _print_sample_and_privacy(out, result, redact)
            explicit_dir = None if cassette_dir.resolve() == pytest_dir.resolve() else cassette_dir
            step = _next_step(group.model, result, explicit_dir, project.pair)
            print(f"  next: {step}", file=out)
        _print_unplaced(out, spool, root)
        return print_summary(out, fetch) if fetch is not None else 0  # 3: the API cut it short


def _positive(text: str) -> int:
    number = int(text)
    if number < 1:
        raise argparse.ArgumentTypeError(f"{text} is not a positive number")
    return number


def _privacy_and_sample(
    spool: Spool, args: argparse.Namespace
) -> tuple[frozenset[str], Sampling | None]:
    """Personal data is always looked for (and replaced with --redact); templates are
    kept when a sample is asked for."""
    from migrate_check.importing.redaction import parse_kinds
    from migrate_check.importing.redaction_bodies import Privacy
    from migrate_check.importing.sampling import Sampling

    redact = parse_kinds(args.redact) if args.redact is not None else frozenset()
    spool.privacy = Privacy(redact)
    spool.templates = args.sample is not None
    seed = 0 if args.seed is None else args.seed
    return redact, (Sampling(args.sample, seed) if args.sample is not None else None)


def _print_sample_and_privacy(out: TextIO, result: ImportResult, redact: frozenset[str]) -> None:
    from migrate_check.importing.redaction import personal_lines

    if result.coverage is not None:
        print(f"  sample: {result.coverage.line()}", file=out)
    for line in personal_lines(result, redact):
        print(f"  {line}", file=out)


def _named(paths: list[Path], listed: int = 3) -> str:
    """The inputs as the user gave them, for an error about all of them: `rec`, or
    `rec, more.jsonl` (the first few, then how many more)."""
    names = ", ".join(str(p) for p in paths[:listed])
    return names + (f" and {len(paths) - listed} more" if len(paths) > listed else "")


def _spool_skipped(spool: Spool, seen: Collected) -> None:
    for skipped in seen.skipped:
        spool.skip(skipped)
    seen.skipped.clear()


def _print_unplaced(out: TextIO, spool: Spool, root: Path) -> None:
    """What was skipped in files no suite took anything from (a file that is no cassette,
    say): listed once, after the suites, not under one it has nothing to do with."""
    listed, count = spool.skipped(None)
    if count:
        print(f"in no suite (nothing of their files was imported): {count} skipped", file=out)
        _print_skipped(out, listed, count, root)


def _print_skipped(out: TextIO, listed: list[Skipped], count: int, root: Path) -> None:
    """Each skipped input, its file named from where the user stands, or in full when
    outside (a suite's origins name it from the rootdir)."""
    for skipped in listed:
        origin = skipped.origin
        if skipped.source and origin.startswith(skipped.source):
            here = shown_path(Path(os.path.abspath(root / skipped.source)))
            origin = f"{here}{origin[len(skipped.source) :]}"
        print(f"  skipped {origin}: {skipped.reason}", file=out)
    if count > len(listed):
        print(f"  ... and {count - len(listed)} more skipped", file=out)


def _refuse_existing(suite_path: Path) -> None:
    """An import never overwrites a suite, nor the parts of one, unless --force."""
    from migrate_check.importing.writing import part_pattern

    existing = [suite_path] if suite_path.exists() else []
    folder = suite_path.with_suffix("")
    if folder.is_dir():
        pattern = part_pattern(suite_path)
        existing += sorted(p for p in folder.iterdir() if pattern.fullmatch(p.name))
    if existing:
        raise FileExistsError(f"{existing[0]} exists; pass --force to overwrite it")


def _print_result(
    out: TextIO, result: ImportResult, read: str, cassette_dir: Path, root: Path
) -> None:
    cases = _counted(result.case_count, "case")
    if len(result.files) == 1:
        print(f"wrote {result.files[0]}: {cases} from {read}", file=out)
    else:
        print(
            f"wrote {cases} in {len(result.files)} suite files under "
            f"{result.suite_path}/ (a suite file holds at most 16 MiB): "
            f"{result.files[0].name} to {result.files[-1].name}, from {read}",
            file=out,
        )
    if result.cassette_count:
        per_model = ", ".join(
            f"{m} ({_counted(n, 'case')})" for m, n in result.recorded_models.most_common()
        )
        print(
            f"  recordings: {_counted(result.cassette_count, 'cassette')} under "
            f"{shown_path(cassette_dir / result.suite)}: {per_model}",
            file=out,
        )
    if result.replaced_cases:
        print(
            f"  removed: the recordings of {_counted(result.replaced_cases, 'case')} the suite "
            f"held before and no longer does, under {shown_path(cassette_dir)}",
            file=out,
        )
    _print_skipped(out, result.skipped, result.skipped_count, root)
    for warning in result.warnings:
        print(f"  warning: {warning}", file=out)
    if result.warning_count > len(result.warnings):
        print(f"  ... and {result.warning_count - len(result.warnings)} more warnings", file=out)


def _counted(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def _next_step(
    model: str | None, result: ImportResult, cassette_dir: Path | None, pair: ModelPair | None
) -> str:
    """The command that runs this suite (all its files) with its recordings as the
    baseline's, runnable as printed from where the import ran: the candidate is the one
    the ini's pair names, else the README's headline candidate."""
    from migrate_check.importing.destination import suggested_pair

    asked = model or (result.models.most_common(1)[0][0] if result.models else None)
    target = str(shown_path(result.suite_path))
    if len(result.files) > 1:
        target = target.rstrip("/") + "/"  # the folder of its parts
    words = ["pytest", target, "--model-pair", str(suggested_pair(asked, pair))]
    if cassette_dir is not None:
        words += ["--cassette-dir", str(shown_path(cassette_dir))]
    words += ["--record-mode", "once"]
    what = "records only the candidate" if model else "records both models"
    return f"{shlex.join(words)}  ({what})"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
