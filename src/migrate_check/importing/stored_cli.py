"""`migrate-check import --stored-completions` and `--stored-responses IDS`: the flags,
what they mean, and what the import says about the fetch.

Kept out of `cli` so the command only wires it in: the flags are added to the import's
parser here, read into a `StoredQuery`, and the summary (how many were fetched, which
cases lacked which request parameter, how to resume) printed from here.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from migrate_check.core.case import Api
from migrate_check.importing.errors import SourceError
from migrate_check.importing.stored import (
    DEFAULT_MAX_CALLS,
    DEFAULT_MAX_SECONDS,
    StoredFetch,
    StoredQuery,
)
from migrate_check.importing.stored_prompts import CHAT_SOURCE, RESPONSES_SOURCE, STORED_SOURCES
from migrate_check.safety import safe_yaml, secrets

if TYPE_CHECKING:
    from migrate_check.importing.spool import Spool

#: The exit code of an import the API cut short: a suite was written from what came first.
EXIT_PARTIAL = 3
#: Never given as a default: they name the prompt, the model or state kept by the server.
_NOT_DEFAULTS = frozenset(
    (
        "model",
        "messages",
        "input",
        "stream",
        "stream_options",
        "store",
        "metadata",
        "previous_response_id",
        "conversation",
        "background",
        "prompt",
    )
)
_KEY = re.compile(r"[a-z_]{1,64}")
_MAX_DEFAULTS_BYTES = 1024 * 1024


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The stored sources' flags, in a group of their own in `import --help`."""
    group = parser.add_argument_group(
        "stored completions and Responses",
        "Read through the API with OPENAI_API_KEY (and OPENAI_BASE_URL); PATHs are then optional.",
    )
    group.add_argument(
        "--stored-completions",
        action="store_true",
        help="Import Chat Completions stored with store: true, newest first",
    )
    group.add_argument(
        "--stored-responses",
        type=Path,
        metavar="IDS_FILE",
        help="Import stored Responses by id: a file of response ids, one per line",
    )
    group.add_argument(
        "--stored-model", metavar="MODEL", help="Only completions of this model (the API's filter)"
    )
    group.add_argument(
        "--metadata",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="Only completions with this metadata (repeat for several)",
    )
    group.add_argument(
        "--since",
        metavar="WHEN",
        help="Created at or after: an ISO date or time (UTC), or unix time",
    )
    group.add_argument(
        "--until", metavar="WHEN", help="Created before: an ISO date or time (UTC), or unix time"
    )
    group.add_argument(
        "--stored-after", metavar="ID", help="Resume the completions list after this id"
    )
    group.add_argument(
        "--stored-responses-after", metavar="ID", help="Resume the ids file after this id"
    )
    group.add_argument(
        "--max-calls",
        type=int,
        default=DEFAULT_MAX_CALLS,
        metavar="N",
        help=f"Stored objects to take at most (default {DEFAULT_MAX_CALLS:,})",
    )
    group.add_argument(
        "--max-seconds",
        type=float,
        default=DEFAULT_MAX_SECONDS,
        metavar="S",
        help=f"Time the fetch may take at most (default {DEFAULT_MAX_SECONDS:g})",
    )
    group.add_argument(
        "--request-defaults",
        type=Path,
        metavar="FILE",
        help="YAML of request parameters the stored objects do not hold "
        "(max_completion_tokens: 512)",
    )
    group.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        dest="request_set",
        help="One such parameter (repeatable; wins over --request-defaults)",
    )


def query_from(args: argparse.Namespace) -> StoredQuery | None:
    """What the flags ask for, or None when no stored source is; a bad value, or a flag
    of a source not asked for, is a one-line `ValueError`."""
    given = {
        "--stored-model": args.stored_model,
        "--metadata": args.metadata,
        "--since": args.since,
        "--until": args.until,
        "--stored-after": args.stored_after,
    }
    if not args.stored_completions and any(given.values()):
        used = next(flag for flag, value in given.items() if value)
        raise ValueError(f"{used} filters stored completions: add --stored-completions")
    if args.stored_responses is None and args.stored_responses_after:
        raise ValueError("--stored-responses-after resumes an ids file: add --stored-responses")
    if not args.stored_completions and args.stored_responses is None:
        if args.request_defaults is not None or args.request_set:
            flag = "--request-defaults" if args.request_defaults is not None else "--set"
            raise ValueError(
                f"{flag} completes stored requests: add --stored-completions or "
                "--stored-responses IDS_FILE (a recording's request is complete)"
            )
        return None
    if args.max_calls < 1:
        raise ValueError(f"--max-calls must be at least 1, not {args.max_calls}")
    if not args.max_seconds > 0:
        raise ValueError(f"--max-seconds must be above 0, not {args.max_seconds:g}")
    return StoredQuery(
        completions=args.stored_completions,
        responses_file=args.stored_responses,
        model=args.stored_model,
        metadata=tuple(_pair(text, "--metadata") for text in args.metadata),
        since=parse_time(args.since, "--since"),
        until=parse_time(args.until, "--until"),
        after=args.stored_after,
        responses_after=args.stored_responses_after,
        max_calls=args.max_calls,
        max_seconds=args.max_seconds,
        defaults=request_defaults(args.request_defaults, args.request_set),
    )


def parse_time(text: str | None, flag: str) -> int | None:
    """Unix seconds from `1735689600`, `2025-01-01` (midnight UTC) or an ISO time (UTC
    unless it names its offset)."""
    if text is None:
        return None
    value = text.strip()
    if value.isdigit():
        return int(value)
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{flag} {text!r}: expected an ISO date or time (2025-01-31, 2025-01-31T12:00Z) "
            "or unix seconds"
        ) from None
    return int((when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp())


def request_defaults(path: Path | None, pairs: list[str]) -> dict[Api, dict[str, Any]]:
    """The parameters the team gives for the suite, per API: a key goes to the API whose
    requests take it (the SDK's own parameter lists say which)."""
    from openai.types.chat.completion_create_params import CompletionCreateParamsBase
    from openai.types.responses.response_create_params import ResponseCreateParamsBase

    given: dict[str, Any] = {}
    if path is not None:
        loaded = safe_yaml.load(safe_yaml.read_text(path, _MAX_DEFAULTS_BYTES))
        if loaded is not None and not isinstance(loaded, dict):
            raise ValueError(f"{path}: request defaults are a mapping (max_completion_tokens: 512)")
        given.update(loaded or {})
    for text in pairs:
        key, raw = _pair(text, "--set")
        given[key] = safe_yaml.load(raw) if raw.strip() else ""
    chat = set(CompletionCreateParamsBase.__annotations__)
    responses = set(ResponseCreateParamsBase.__annotations__)
    defaults: dict[Api, dict[str, Any]] = {"chat": {}, "responses": {}}
    for key, value in given.items():
        if not isinstance(key, str) or not _KEY.fullmatch(key):
            raise ValueError(f"request default {key!r}: not a request parameter's name")
        if key in _NOT_DEFAULTS:
            raise ValueError(f"request default {key}: a suite never sets it for every case")
        if key not in chat and key not in responses:
            raise ValueError(
                f"request default {key}: neither Chat Completions nor Responses take it"
            )
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError):
            raise ValueError(f"request default {key}: {value!r} is not a JSON value") from None
        for api, known in (("chat", chat), ("responses", responses)):
            if key in known:
                defaults[api][key] = value  # type: ignore[index]
    return defaults


def _pair(text: str, flag: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"{flag} {text!r}: expected KEY=VALUE")
    return key.strip(), value


def fetch_for(args: argparse.Namespace, fold: bool) -> StoredFetch | None:
    """The fetch the flags ask for, its client made for the environment's key (a missing
    key is an error before anything is read); None without a stored source."""
    from migrate_check.importing.stored import client_from_environment

    scrubber = secrets.from_environment()
    try:
        query = query_from(args)
    except (ValueError, SourceError) as exc:  # a flag's value is echoed: never a key
        if scrubber.message(str(exc)) == str(exc):
            raise
        raise ValueError(scrubber.message(str(exc))) from None
    if query is None:
        if not args.paths:
            raise ValueError(
                "nothing to read: give PATHs, --stored-completions or --stored-responses IDS_FILE"
            )
        return None
    client = client_from_environment(" and ".join(_asked_sources(query)))
    base_url = os.environ.get("OPENAI_BASE_URL") or None
    return StoredFetch(query, client, fold_snapshots=fold, scrubber=scrubber, base_url=base_url)


def spool_into(spool: Spool, fetch: StoredFetch, files: int) -> None:
    """Every fetched prompt and skipped object into the spool, as they come. Without
    files to fall back on, an API failure before anything came is the import's error."""
    for prompt in fetch.prompts():
        spool.add(prompt)
        _spool_skipped(spool, fetch)
    _spool_skipped(spool, fetch)
    if files:
        return
    stop = fetch.stop
    if stop is not None and stop.failed and fetch.taken == 0:
        raise SourceError("stored objects", f"the API failed before any was fetched: {stop.reason}")
    if fetch.taken == 0:
        asked = fetch.scrubber.message(_asked(fetch.query))
        first = fetch.first_skipped
        if not first:
            raise SourceError("stored objects", f"none matched ({asked})")
        reasons = "; ".join(str(s) for s in first)  # scrubbed as they were kept
        raise SourceError("stored objects", f"none could be read ({asked}): {reasons}")


def _spool_skipped(spool: Spool, fetch: StoredFetch) -> None:
    for skipped in fetch.skipped:
        spool.skip(skipped)
    fetch.skipped.clear()


def _asked(query: StoredQuery) -> str:
    """The filters, as the user gave them, for a fetch that found nothing."""
    asked = []
    if query.completions:
        asked.append("stored completions")
    if query.responses_file is not None:
        asked.append(f"responses in {query.responses_file}")
    if query.model:
        asked.append(f"model {query.model}")
    asked += [f"metadata {k}={v}" for k, v in query.metadata]
    for name, stamp in (("since", query.since), ("until", query.until)):
        if stamp is not None:
            asked.append(f"{name} {datetime.fromtimestamp(stamp, UTC).isoformat()}")
    if query.after:
        asked.append(f"after {query.after}")
    return ", ".join(asked)


def described(sources: Iterable[str], files: Callable[[Iterator[str]], str]) -> str:
    """A suite's description: `files` (the files' sentence) of its file sources, and the
    stored kinds it holds."""
    stored: list[str] = []
    seen_file = False

    def only_files() -> Iterator[str]:
        nonlocal seen_file
        for source in sources:
            if source in STORED_SOURCES:
                if source not in stored:
                    stored.append(source)
            else:
                seen_file = True
                yield source

    sentence = files(only_files())
    if not stored:
        return sentence
    what = " and ".join(sorted(stored))
    if not seen_file:
        return f"Imported by migrate-check from {what} read through the OpenAI API."
    return f"{sentence} Also {what} read through the OpenAI API."


def read_text(files: int, fetch: StoredFetch | None) -> str:
    """What the import read, for its `wrote` line: `the 3 files read`, `250 stored
    completions fetched`, or both."""
    parts = [f"the {files} file{'' if files == 1 else 's'} read"] if files or fetch is None else []
    if fetch is not None:
        parts += [f"{_fetched(fetch, source)} fetched" for source in _asked_sources(fetch.query)]
    return " and ".join(parts)


def _asked_sources(query: StoredQuery) -> list[str]:
    asked = [CHAT_SOURCE] if query.completions else []
    return asked + ([RESPONSES_SOURCE] if query.responses_file is not None else [])


def _fetched(fetch: StoredFetch, source: str) -> str:
    count = fetch.fetched[source]
    return f"{count} {source if count != 1 else source.removesuffix('s')}"


def _cases(count: int) -> str:
    return f"{count:,} case{'' if count == 1 else 's'}"


def print_summary(out: TextIO, fetch: StoredFetch) -> int:
    """What the fetch took, which cases lacked which parameter, and how to go on; the
    exit code (`EXIT_PARTIAL` when the API cut it short)."""
    counts = ", ".join(_fetched(fetch, source) for source in _asked_sources(fetch.query))
    if fetch.query.completions:
        counts += f" ({fetch.pages} list page{'' if fetch.pages == 1 else 's'})"
    print(f"fetched through the API: {counts}", file=out)
    tally = fetch.tally
    if tally.lacked:
        lacked = ", ".join(f"{k} ({_cases(n)})" for k, n in sorted(tally.lacked.items()))
        print(
            f"  not held by the stored objects, so the cases send none: {lacked}; "
            "give one for the suite with --set KEY=VALUE or --request-defaults FILE",
            file=out,
        )
    if tally.supplied:
        given = ", ".join(f"{k} ({_cases(n)})" for k, n in sorted(tally.supplied.items()))
        print(f"  from --set and --request-defaults: {given}", file=out)
    if tally.ignored:
        kept = ", ".join(f"{k} ({_cases(n)})" for k, n in sorted(tally.ignored.items()))
        print(f"  held by the stored objects, so the default went unused: {kept}", file=out)
    stop = fetch.stop
    if stop is None:
        return 0
    if stop.failed:
        print(f"stopped: the API failed ({stop.reason}); what came before is written", file=out)
    else:
        print(f"stopped: {stop.reason}; more may be stored", file=out)
    if stop.resume:
        print(
            f"  to fetch the rest: the same command with {stop.resume} and another --suite",
            file=out,
        )
    else:
        print("  nothing was fetched before it: run the same command again", file=out)
    return EXIT_PARTIAL if stop.failed else 0
