"""A check result's reason as a reader acts on it: what went wrong, where, and what to change.

A team callable (`downstream`, `assert`) that runs past its time limit ends its check as
`error` with a terse reason (`candidate: downstream timed out after 0.5 s`). The viewer
shows, beside it, which side it timed out on (the reason names it), the callable, and the one
setting that raises the limit: the check's own `timeout` option in the suite. No ini key
or command-line option sets it; `migrate_check_request_timeout` bounds an API answer.
"""

from __future__ import annotations

import re

from migrate_check.checks.callable_check import DEFAULT_TIMEOUT
from migrate_check.core.results import CheckResult, Outcome

#: Read from a reason's first characters only: a reason is bounded, and this one is short.
REASON_PREFIX = 500
# Linear: one run of a character class after a literal, anchored where the literal ends.
_LIMIT = re.compile(r"([0-9][0-9.e+]*) s\b")
_SIDE = re.compile(r"\b(baseline|candidate)\b")
_KILLED = "its process was killed"


def timeout_note(check: CheckResult) -> str | None:
    """What a reader does about a callable that ran past its time limit, or None.

    Backquoted parts are setting names and snippets (the viewer sets them as code)."""
    if check.outcome is not Outcome.ERROR:
        return None
    reason = check.reason[:REASON_PREFIX]
    verb, _, path = check.check.partition(" ")
    marker = f"{verb} timed out after "
    at = reason.find(marker)
    found = _LIMIT.match(reason, at + len(marker)) if path and at >= 0 else None
    if found is None:
        return None
    limit = found.group(1)
    try:
        larger = f"{float(limit) * 2:g}"
    except ValueError:
        return None
    sides = set(_SIDE.findall(reason))
    ran_past = f"the {verb} callable `{path}` ran past its {limit} s limit"
    if len(sides) == 1:
        what = f"{sides.pop()}: {ran_past}."
    else:  # judging calls every baseline answer first; a time-out stops the check
        what = (
            f"{ran_past[0].upper()}{ran_past[1:]} on the baseline's or the candidate's answer "
            "(this result does not record which; the baseline's answers are called first)."
        )
    if _KILLED in reason:
        what += " Its process (`isolate: true`) was stopped."
    return (
        f"{what} Raise `timeout` on the check in the suite, e.g. "
        f'`{verb}: {{callable: "{path}", timeout: {larger}}}` (default {DEFAULT_TIMEOUT:g} s). '
        "No ini key or command-line option sets it: "
        "`migrate_check_request_timeout` is the time allowed for an API answer."
    )
