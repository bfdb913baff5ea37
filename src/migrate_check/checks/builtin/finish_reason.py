"""`finish_reason`: did each model finish its answer, or was it cut off?

Options: the finish reasons that count as finished, a string or a list (default
`[stop, tool_calls]`), or `{expect: ...}`. A candidate cut off by `length` or
`content_filter` where the baseline finished is a regression. A completion with no
recorded finish reason passes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from migrate_check.checks import option_values as opts
from migrate_check.checks.base import CheckConfigError, Observation, SideBySideCheck
from migrate_check.core.completion import Completion

DEFAULT_EXPECTED = ("stop", "tool_calls")
_MEANINGS = {
    "length": "cut off at the token limit",
    "content_filter": "blocked by the content filter",
}


class FinishReasonCheck(SideBySideCheck):
    name = "finish_reason"
    compares_values = False

    def __init__(self, expected: frozenset[str]) -> None:
        self.expected = expected

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> FinishReasonCheck:
        mapping = opts.as_mapping(
            cls.name, {"expect": options} if isinstance(options, str | list) else options, None
        )
        opts.reject_unknown(cls.name, mapping, ("expect",))
        expected = opts.strings(cls.name, mapping, "expect") if "expect" in mapping else []
        if "expect" in mapping and not expected:
            raise CheckConfigError("finish_reason: 'expect' must list at least one finish reason")
        return cls(frozenset(expected or DEFAULT_EXPECTED))

    def observe(self, completion: Completion) -> Observation:
        reason = completion.finish_reason
        if reason is None or reason in self.expected:
            return Observation(True, evidence={"finish_reason": reason})
        meaning = _MEANINGS.get(reason, f"expected {' or '.join(sorted(self.expected))}")
        return Observation(
            False,
            problem=f"ended with finish_reason {reason!r} ({meaning})",
            evidence={"finish_reason": reason},
        )
