"""What a check graded by a model is: the requests it needs, then a verdict from the answers.

`GradedCheck`s (`embedding`, `judge`) are judged in two steps, so the grader's calls of
every case can go out together: `grader_calls` names the requests once both answers are
known, and `judge_graded` decides from the grader's answers (`grading.GraderReply` by
call key). What the grader spent is kept on the result, apart from the pair's cost.
Checks are built once and shared by cases; one that needs more of the case than its
answers (`judge` shows the grader the request) gets it from `for_case`, which both steps
go through.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Sequence

from migrate_check.checks.base import Check
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion, Usage
from migrate_check.core.results import CheckResult, GraderSpend, Outcome
from migrate_check.sending.grading import GraderCall, GraderReply, Replies


class GradedCheck(Check):
    """A check whose verdict needs a grader model's answers."""

    @abc.abstractmethod
    def grader_calls(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion]
    ) -> list[GraderCall]:
        """The requests this case needs (none when the answers decide alone)."""

    @abc.abstractmethod
    def judge_graded(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion], replies: Replies
    ) -> CheckResult:
        """The verdict from the grader's answers to `grader_calls`."""

    def for_case(self, case: Case) -> GradedCheck:
        """This check as it grades `case`: itself, unless it reads the case (its request)."""
        return self

    def judge(self, baseline: Sequence[Completion], candidate: Sequence[Completion]) -> CheckResult:
        """Without a grader (plain `judge_case`): an error saying so."""
        return CheckResult(
            self.label,
            Outcome.ERROR,
            f"{self.label} needs a grader's answers; run it through pytest (or pass "
            "judge_case the replies of grading.Grader)",
        )

    def judge_with(
        self, baseline: Sequence[Completion], candidate: Sequence[Completion], replies: Replies
    ) -> CheckResult:
        """The verdict, with what the grader spent on it (each distinct call once)."""
        calls = {call.key: call for call in self.grader_calls(baseline, candidate)}
        result = self.judge_graded(baseline, candidate, replies)
        result.grader = spend(replies[key] for key in calls if key in replies)
        return result


def spend(replies: Iterable[GraderReply]) -> list[GraderSpend]:
    """Calls and tokens per grader model, from the replies that came."""
    totals: dict[str, tuple[int, Usage]] = {}
    for reply in replies:
        if reply.text is None:
            continue
        calls, usage = totals.get(reply.model, (0, Usage()))
        totals[reply.model] = (
            calls + 1,
            Usage(
                usage.input_tokens + reply.usage.input_tokens,
                usage.cached_input_tokens + reply.usage.cached_input_tokens,
                usage.output_tokens + reply.usage.output_tokens,
            ),
        )
    return [GraderSpend(model, calls, usage) for model, (calls, usage) in sorted(totals.items())]
