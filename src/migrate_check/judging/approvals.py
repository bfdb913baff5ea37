"""The approvals file: changes a team has looked at and accepted.

An approval holds for one case, one check and the exact outputs seen on both sides
(their fingerprints); when either output changes, the approval stops applying and
the change is reported again. The file is YAML, one entry per approval sorted by case
then check, fields in a fixed order, no anchors or aliases, written atomically, so it
diffs cleanly in review:

    approvals:
    - case: support-triage::refund-request
      check: equal $.queue
      baseline: 3f2a9c0d1e4b5a6c
      candidate: 9d8e7f6a5b4c3d2e
      approved_on: 2026-11-20
      reason: billing and refunds now share a queue
      approved_by: Ana Lima <ana@example.com>
      approved_at: '2026-11-20T09:14:03+00:00'

`approved_by` and `approved_at` (who accepted it, when, in UTC: `judging/approver.py`);
files written before accept runs recorded them stay valid.

After a run, `audit` sorts the file's approvals into used, stale (the case or check is
gone, or the outputs are no longer the ones approved) and unchecked (their cases did not
run); an accept run drops the stale ones when it saves.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from migrate_check.core.atomic import write_atomic
from migrate_check.core.case import Case
from migrate_check.core.completion import Completion
from migrate_check.core.results import CaseResult, Outcome
from migrate_check.judging.approver import WHO_WHEN, who_when
from migrate_check.safety import safe_yaml

MAX_APPROVALS_BYTES = 16 * 1024 * 1024
APPROVABLE = frozenset({Outcome.CHANGED, Outcome.REGRESSED})
_APPROVAL_FIELDS = ("case", "check", "baseline", "candidate", "approved_on", "reason", *WHO_WHEN)


class _NoAliasDumper(yaml.SafeDumper):
    """Never writes an anchor or alias: equal values (one date object shared by every entry
    an accept run adds) are written out in full, so each entry reads and diffs alone."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


class ApprovalsError(ValueError):
    """The approvals file cannot be read; the message names the file and line."""


def fingerprint(completions: Sequence[Completion]) -> str:
    """A short stable hash of what the samples said: text and tool calls, in order; for a
    loop case also the path each took (every tool call and where it stopped), so an
    approved change of path does not cover another path to the same answer."""
    canonical = "\n".join(
        json.dumps(
            _said(c),
            sort_keys=True,
            ensure_ascii=False,
            default=repr,
        )
        for c in completions
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _said(completion: Completion) -> dict[str, Any]:
    said: dict[str, Any] = {
        "text": completion.text,
        "tool_calls": [[call.name, call.arguments] for call in completion.tool_calls],
    }
    path = completion.trajectory
    if path is not None:
        said["trajectory"] = [
            path.stopped,
            [[[c.name, c.arguments, c.error is not None] for c in s.calls] for s in path.steps],
        ]
    return said


@dataclass(frozen=True)
class Approval:
    """One accepted change: a case's check, for the outputs fingerprinted on both sides."""

    case: str
    check: str
    baseline: str
    candidate: str
    approved_on: dt.date
    reason: str | None = None
    #: Who accepted it (`--approved-by`, else git's user) and when (UTC, ISO 8601);
    #: None in entries written before approvals recorded them.
    approved_by: str | None = None
    approved_at: str | None = None

    def as_yaml(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "case": self.case,
            "check": self.check,
            "baseline": self.baseline,
            "candidate": self.candidate,
            "approved_on": self.approved_on,
        }
        if self.reason:
            entry["reason"] = self.reason
        if self.approved_by:
            entry["approved_by"] = self.approved_by
        if self.approved_at:
            entry["approved_at"] = self.approved_at
        return entry

    def note(self) -> dict[str, str | None]:
        """What a report shows beside the approved check."""
        return {
            "reason": self.reason,
            "approved_on": self.approved_on.isoformat(),
            "approved_by": self.approved_by,
            "approved_at": self.approved_at,
        }


def describe(note: dict[str, str | None] | None) -> str:
    """An approved check's approval in words, as the reports show it beside the check."""
    if note is None:
        return ""
    reason = note.get("reason")
    said = f": {reason}" if reason else " (no reason given)"
    who = f" by {note['approved_by']}" if note.get("approved_by") else ""
    return f"approved on {note.get('approved_on')}{who}{said}"


class ApprovalStore:
    """Approvals by (case key, check label); at most one per pair."""

    def __init__(self, approvals: Sequence[Approval] = ()) -> None:
        self._by_check: dict[tuple[str, str], Approval] = {(a.case, a.check): a for a in approvals}

    def __len__(self) -> int:
        return len(self._by_check)

    def __contains__(self, key: object) -> bool:
        """Whether a `(case key, check label)` pair has an approval."""
        return key in self._by_check

    def __iter__(self) -> Iterator[Approval]:
        return iter(sorted(self._by_check.values(), key=lambda a: (a.case, a.check)))

    @classmethod
    def load(cls, path: Path) -> ApprovalStore:
        """The approvals in `path`; none when the file does not exist yet."""
        if path.is_dir():
            raise ApprovalsError(f"{path}: is a folder; --approvals names a YAML file")
        try:
            text = safe_yaml.read_text(path, MAX_APPROVALS_BYTES)
        except FileNotFoundError:
            return cls()
        except (OSError, UnicodeDecodeError) as exc:
            raise ApprovalsError(f"{path}: cannot read: {exc}") from None
        try:
            root = yaml.compose(text, Loader=safe_yaml.SafeLoader)
            if root is not None:
                safe_yaml.expanded_size(root)
            data = safe_yaml.load(text)
        except yaml.MarkedYAMLError as exc:
            from migrate_check.suites.loading import yaml_error_line

            line = yaml_error_line(exc, text)
            raise ApprovalsError(f"{path}: line {line}: not valid YAML: {exc.problem}") from exc
        if data is None:
            return cls()
        entries = data.get("approvals") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ApprovalsError(f"{path}: line 1: expected a mapping with a list 'approvals'")
        nodes = _entry_nodes(root)
        return cls([_approval(path, entry, nodes, i) for i, entry in enumerate(entries)])

    def find(
        self, case_key: str, check_label: str, baseline_fp: str, candidate_fp: str
    ) -> Approval | None:
        """The approval for exactly these outputs, if any."""
        approval = self._by_check.get((case_key, check_label))
        if approval and approval.baseline == baseline_fp and approval.candidate == candidate_fp:
            return approval
        return None

    def record(
        self,
        case_result: CaseResult,
        reason: str | None,
        today: dt.date,
        outcomes: Collection[Outcome] = APPROVABLE,
        signed: tuple[str | None, str | None] = (None, None),
    ) -> list[Outcome]:
        """Approve the case's checks whose outcome is in `outcomes` (changed and regressed
        by default), `signed` by whom and when; returns the outcomes of the approvals added.

        An approval already holding for the same outputs is kept as it is, so
        re-approving leaves the file (and its git diff) unchanged.
        """
        baseline_fp = fingerprint(case_result.baseline)
        candidate_fp = fingerprint(case_result.candidate)
        added = []
        for result in case_result.checks:
            if result.outcome not in APPROVABLE or result.outcome not in outcomes:
                continue
            key = case_result.case.key, result.check
            if self.find(*key, baseline_fp, candidate_fp) is not None:
                continue
            self._by_check[key] = Approval(*key, baseline_fp, candidate_fp, today, reason, *signed)
            added.append(result.outcome)
        return added

    def remove(self, approvals: Iterable[StaleApproval]) -> int:
        """Drop these approvals (stale ones); returns how many were in the store."""
        removed = 0
        for stale in approvals:
            if self._by_check.pop((stale.case, stale.check), None) is not None:
                removed += 1
        return removed

    def save(self, path: Path) -> None:
        """Write every approval, sorted by case and check, atomically."""
        document = {"approvals": [a.as_yaml() for a in self]}
        header = (
            "# migrate-check approvals: changes accepted for the exact outputs fingerprinted.\n"
        )
        body = yaml.dump(
            document, Dumper=_NoAliasDumper, sort_keys=False, allow_unicode=True, width=1_000_000
        )
        write_atomic(path, header + body)


@dataclass(frozen=True)
class StaleApproval:
    """An approval that no longer applies, and why (`case gone`, `check gone`, ...)."""

    case: str
    check: str
    why: str

    def as_dict(self) -> dict[str, str]:
        return {"case": self.case, "check": self.check, "why": self.why}


CASE_GONE = "the case no longer exists"
CHECK_GONE = "the case has no such check any more"
OUTPUTS_CHANGED = "the outputs are not the ones approved"
NOT_NEEDED = "the check no longer changes or regresses"


@dataclass(frozen=True)
class Accepted:
    """What an accept run did to the file."""

    #: Approvals added, by outcome (`changed`, `regressed`).
    added: dict[str, int]
    reason: str | None
    #: Stale approvals dropped (not counting those replaced by a new approval).
    stale_removed: int
    #: Regressed checks left unapproved (an accept run without a reason).
    regressed_left: int


@dataclass(frozen=True)
class Audit:
    """What became of the file's approvals in one run.

    `unchecked`: approvals whose case this run did not judge (deselected, another suite,
    or a call that failed), so nothing can be said about them and they are kept.
    """

    used: int = 0
    stale: tuple[StaleApproval, ...] = ()
    unchecked: int = 0
    accepted: Accepted | None = None  # set by an accept run

    def as_dict(self) -> dict[str, Any]:
        """The `approvals` member of report.json."""
        accepted = self.accepted
        return {
            "used": self.used,
            "stale": [s.as_dict() for s in self.stale],
            "unchecked": self.unchecked,
            "accepted": None
            if accepted is None
            else {
                "added": dict(sorted(accepted.added.items())),
                "reason": accepted.reason,
                "stale_removed": accepted.stale_removed,
                "regressed_left": accepted.regressed_left,
            },
        }


def audit(store: ApprovalStore, results: Iterable[CaseResult], *, complete: bool) -> Audit:
    """Sort the store's approvals by what this run's `results` say about them.

    `complete`: the run judged every case of the suite files it collected, so an approval
    naming a case of a judged suite that was not judged names a case that no longer exists.
    """
    by_key = {r.case.key: r for r in results}
    # An approval of a variant this run did not judge (`--variant`, `-k`) is not checked.
    variants_run = {r.case.variant for r in by_key.values()}
    suites = {
        r.case.suite
        for r in by_key.values()
        if r.case.file is not None and r.case.file.suffix.lower() in (".yaml", ".yml")
    }
    fingerprints: dict[str, tuple[str, str]] = {}
    used = unchecked = 0
    stale: list[StaleApproval] = []
    for approval in store:
        result = by_key.get(approval.case)
        if result is None:
            variant = Case.variant_of(approval.case)
            judged = not variant or variant in variants_run
            if complete and judged and any(approval.case.startswith(f"{s}::") for s in suites):
                stale.append(StaleApproval(approval.case, approval.check, CASE_GONE))
            else:
                unchecked += 1
            continue
        if _call_failed(result):
            unchecked += 1  # no outputs to compare; a failed call says nothing of the approval
            continue
        check = next((c for c in result.checks if c.check == approval.check), None)
        if check is None:
            stale.append(StaleApproval(approval.case, approval.check, CHECK_GONE))
            continue
        if approval.case not in fingerprints:
            fingerprints[approval.case] = (
                fingerprint(result.baseline),
                fingerprint(result.candidate),
            )
        if (approval.baseline, approval.candidate) != fingerprints[approval.case]:
            stale.append(StaleApproval(approval.case, approval.check, OUTPUTS_CHANGED))
        elif check.outcome not in APPROVABLE:
            stale.append(StaleApproval(approval.case, approval.check, NOT_NEEDED))
        else:
            used += 1
    return Audit(used, tuple(stale), unchecked)


def _call_failed(result: CaseResult) -> bool:
    sides = (result.baseline, result.candidate)
    return any(not side or any(c.error is not None for c in side) for side in sides)


def _entry_nodes(root: yaml.Node | None) -> list[yaml.Node]:
    """The YAML nodes of the entries, for line numbers in errors."""
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "approvals" and isinstance(value, yaml.SequenceNode):
                return list(value.value)
    return []


def _approval(path: Path, entry: Any, nodes: list[yaml.Node], index: int) -> Approval:
    line = nodes[index].start_mark.line + 1 if index < len(nodes) else 0

    def fail(problem: str) -> ApprovalsError:
        return ApprovalsError(f"{path}: line {line}: approval {index + 1} {problem}")

    if not isinstance(entry, dict):
        raise fail(f"must be a mapping, got {entry!r}")
    unknown = sorted(set(entry) - set(_APPROVAL_FIELDS))
    if unknown:
        raise fail(f"has unknown field {unknown[0]!r}; fields: {', '.join(_APPROVAL_FIELDS)}")
    for name in ("case", "check", "baseline", "candidate"):
        if not isinstance(entry.get(name), str) or not entry[name]:
            raise fail(f"needs a string {name!r}")
    approved_on = entry.get("approved_on")
    if isinstance(approved_on, str):
        try:
            approved_on = dt.date.fromisoformat(approved_on)
        except ValueError:
            raise fail(f"has 'approved_on' {approved_on!r}, not a date (YYYY-MM-DD)") from None
    if not isinstance(approved_on, dt.date):
        raise fail(f"needs 'approved_on' as a date (YYYY-MM-DD), got {approved_on!r}")
    reason = entry.get("reason")
    if reason is not None and not isinstance(reason, str):
        reason = str(reason)
    try:
        who, when = who_when(entry)
    except ValueError as exc:
        raise fail(str(exc)) from None
    case, check, base, cand = (entry[n] for n in ("case", "check", "baseline", "candidate"))
    return Approval(case, check, base, cand, approved_on, reason, who, when)
