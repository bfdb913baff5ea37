"""`isolate: true`: the team's function run in a child process, cassette and all.

A function that may end its process (`os._exit`, a crash in native code) or leave state
behind runs in a spawned child that opens the case's cassette, calls the function as
`run` does in this process, saves the cassette and sends back the answers. A child that
dies or passes its time limit is that case's error; the cassette on disk stays as it was
(it is only ever written whole).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_check.apps.loading import limit_note
from migrate_check.apps.run import WriteErrors, run_in_process
from migrate_check.checks.base import CheckRunError
from migrate_check.checks.time_limits import call_in_child
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.sending.failures import RecordHint
from migrate_check.sending.settings import RunnerSettings

#: Time the child may take beyond the function's own limits (its start, the cassette).
CHILD_MARGIN_S = 30.0


def run_isolated(
    case: Case,
    model: str,
    settings: RunnerSettings,
    hint: RecordHint,
    write_errors: WriteErrors | None = None,
) -> list[Completion]:
    """Every sample of one entry-point case on one model, run in the child process; the
    cassettes the child could not write go to `write_errors`."""
    entry = case.entry
    assert entry is not None, "only entry-point cases run here"
    hints = {mode: hint(case, model, mode) for mode in ("once", "all")}
    timeout = entry.timeout_s * case.samples + CHILD_MARGIN_S
    what = f"the entry point {entry.function} on {model} (isolated)"
    try:
        answers, unsaved = call_in_child(
            run_in_child, entry.function, (case, model, settings, hints), timeout, what
        )
    except CheckRunError as exc:
        return [Completion(model=model, error=limit_note(str(exc)))]
    if write_errors is not None:
        write_errors.extend((Path(path), OSError(errno, why)) for path, errno, why in unsaved)
    return list(answers)


def run_in_child(
    path: str, args: tuple[Any, ...]
) -> tuple[list[Completion], list[tuple[str, int, str]]]:
    """What the child runs: the case as `run` runs it in-process, its hints precomputed
    (the parent's hint function cannot cross to another process), and the cassettes it
    could not write as plain data (path, errno, why)."""
    case, model, settings, hints = args

    def hint(_case: Case, _model: str, mode: str) -> str:
        return str(hints.get(mode, hints["once"]))

    unsaved: WriteErrors = []
    answers = run_in_process([(case, model)], settings, hint, unsaved)[(case.key, model)]
    return answers, [(str(p), e.errno or 0, e.strerror or str(e)) for p, e in unsaved]
