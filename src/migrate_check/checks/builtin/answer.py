"""`answer`, always on: was each side's answer a whole answer, from the model asked?

No suite names it; `judging` judges every case by it, so a candidate cut off
mid-sentence cannot pass on a similarity score. A side fails when its answer was cut
off (`length`, `max_output_tokens`, an incomplete Responses status), refused, empty,
or stopped by a content filter: on the candidate only that is `regressed`, on the
baseline only `improved`. An answer from another model than the one asked (a proxy's
fallback) makes the case `error`, and so does a response that names no model (an empty
or missing `model`): that is no proof the model asked answered. A dated snapshot of the
model asked (`gpt-4o-mini-2024-07-18` for `gpt-4o-mini`) is the same model; names that
are no known model (Azure deployments without a mapping, gateway aliases) are not
checked, and a deployment is checked against the model it is mapped to.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from migrate_check.checks.base import Observation, SideBySideCheck
from migrate_check.checks.outputs import function_calls
from migrate_check.core.completion import Completion
from migrate_check.core.results import CheckResult, Outcome

CUT_OFF = frozenset({"length", "max_tokens", "max_output_tokens", "incomplete"})
FILTERED = frozenset({"content_filter"})
# What the API appends to an alias when it answers with a dated snapshot of it.
_SNAPSHOT_SUFFIX = re.compile(r"-(\d{4}-\d{2}-\d{2}|\d{4})")


@functools.cache
def known_model(name: str) -> bool:
    """Whether `name` is a model the shipped price table knows (or a snapshot of one).

    An Azure deployment or a gateway's alias (`support-mini-prod`) names no model, so
    what answers it cannot be held against it.
    """
    from migrate_check.core.pricing import PriceTable

    return PriceTable.default().price_for(name) is not None


def same_model(asked: str, answered: str | None) -> bool:
    """Whether `answered` is the model `asked` for, or a dated snapshot of it; an answer
    to a name that is not a known model (a deployment, an alias) is taken as is, and so
    is one with no response read (None: made in code). A response that named no model
    ("") is not the model asked: nothing shows that it is."""
    if answered is None or not known_model(asked):
        return True
    asked, answered = asked.lower(), answered.strip().lower()
    if answered == asked:
        return True
    return answered.startswith(asked) and bool(_SNAPSHOT_SUFFIX.fullmatch(answered[len(asked) :]))


def answer_problem(completion: Completion) -> str:
    """Why an answer is not a whole answer ("" when it is), phrased after "candidate output"."""
    reason = completion.finish_reason
    if completion.refused:
        return f"is a refusal: {completion.text[:200]!r}"
    if reason in FILTERED:
        return f"was stopped by the content filter (finish_reason {reason!r})"
    if reason in CUT_OFF:
        return f"was cut off (finish_reason {reason!r})"
    if not completion.text.strip() and not function_calls(completion):
        return "is empty"  # a hosted tool's call (a web search) alone gives the app nothing
    return ""


class AnswerCheck(SideBySideCheck):
    name = "answer"
    compares_values = False

    @classmethod
    def from_options(cls, options: Any, base_dir: Path) -> AnswerCheck:
        return cls()

    def observe(self, completion: Completion) -> Observation:
        problem = answer_problem(completion)
        evidence = {"finish_reason": completion.finish_reason, "refused": completion.refused}
        return Observation(not problem, problem=problem, evidence=evidence if problem else None)

    def judge(self, baseline: Sequence[Completion], candidate: Sequence[Completion]) -> CheckResult:
        for side, completions in (("baseline", baseline), ("candidate", candidate)):
            for completion in completions:
                asked = completion.stands_for or completion.model
                if not same_model(asked, completion.response_model):
                    return self._other_model(side, asked, completion)
        return super().judge(baseline, candidate)

    def _other_model(self, side: str, asked: str, completion: Completion) -> CheckResult:
        """The error for an answer not shown to come from `asked`: the model it asked for
        (for a deployment, the model it is mapped to, and the deployment once)."""
        answered = completion.response_model or ""
        evidence = {"asked": asked, "answered": answered}
        through = ""
        if completion.stands_for:
            evidence["deployment"] = completion.model
            through = f" (through deployment {completion.model!r})"
        if not answered.strip():
            reason = (
                f"the {side}'s answer names no model (its response's `model` is empty or "
                f"missing): that is not proof that {asked!r} answered{through}"
            )
        else:
            reason = (
                f"the {side} was answered by {answered!r}, not by {asked!r} that it asked "
                f"for{through}"
            )
        return CheckResult(self.label, Outcome.ERROR, reason, evidence)


#: The check every case is judged by, whatever the suite says.
ALWAYS_ON = AnswerCheck()
