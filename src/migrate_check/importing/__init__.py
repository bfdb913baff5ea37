"""Import existing recordings and request logs into migrate-check suites.

In: vcrpy cassettes recorded by any project, OpenAI Evals JSONL, logged request bodies.
Out: one suite file plus the baseline's recordings in the cassette layout pytest replays,
or a `SourceError` naming the file (and interaction or line) it could not read.
"""

from __future__ import annotations

from migrate_check.cassettes.answers import (
    completion_from_chat,
    completion_from_responses,
    completion_from_sse,
)
from migrate_check.importing.cassette_reader import Exchange, read_cassette
from migrate_check.importing.errors import CassetteReadError, SourceError

__all__ = [
    "CassetteReadError",
    "Exchange",
    "SourceError",
    "completion_from_chat",
    "completion_from_responses",
    "completion_from_sse",
    "read_cassette",
]
