"""report.md: the verdict and aggregates first, then cases worst first, under a byte budget.

GitHub refuses a step summary over 1 MiB, so the case list stops before the budget and
says how many cases, of which statuses, it left out. comment.md is the same report cut
to fit one pull-request comment (65,536 characters).
"""

from __future__ import annotations

import difflib
import html
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Sequence

from migrate_check.core.results import CaseResult
from migrate_check.judging.approvals import describe
from migrate_check.report import display as fmt
from migrate_check.report import escaping
from migrate_check.report.case_figures import CaseRow
from migrate_check.report.claim_details import (
    PARAMETER_HEADER,
    limit_notes,
    parameter_rows,
    shape_notes,
)
from migrate_check.report.monthly_text import claim_sentence, monthly_notes, monthly_rows
from migrate_check.report.run_report import RunReport
from migrate_check.report.statuses import STATUS_ORDER, check_status
from migrate_check.report.tables import (
    VARIANT_HEADER,
    claim_rows,
    model_rows,
    price_note,
    status_columns,
    variant_findings,
    variant_rows,
)
from migrate_check.report.trajectories import case_line

STEP_SUMMARY_LIMIT = 1024 * 1024
MAX_BYTES = 1_000_000  # under GitHub's limit, with room for the truncation note
COMMENT_LIMIT = 65_536  # characters in one GitHub issue or pull-request comment
COMMENT_MAX_BYTES = 64_000  # UTF-8 bytes, so never more characters than that
# First line of comment.md: lets a workflow find and update its earlier comment.
COMMENT_MARKER = "<!-- migrate-check report -->"
CASE_MAX_BYTES = 8_000
DIFF_MAX_LINES = 30
WRAP = 100
#: Characters of each output a cut diff reads: more than its lines can show.
DIFF_READ_CHARS = 20_000
_FOOTER_RESERVE = 600


def render(report: RunReport, *, max_bytes: int = MAX_BYTES, limit: str = "step-summary") -> str:
    """The whole Markdown report, at most `max_bytes` UTF-8 bytes however many cases;
    `limit` names the GitHub limit the note on left-out cases blames."""
    agg = report.aggregates
    head = "\n".join(_head(report)) + "\n"
    parts = [head]
    used = _size(head)
    listed = [row for row in agg.rows_worst_first() if row.status != "same"]
    shown = 0
    for row in listed:
        block = _case_block(report.run.cases[row.index], row)
        if used + _size(block) + _FOOTER_RESERVE > max_bytes:
            break
        parts.append(block)
        used += _size(block)
        shown += 1
    parts.append(_footer(listed[shown:], agg.statuses.get("same", 0), limit))
    return escaping.no_surrogates("".join(parts))


def render_comment(report: RunReport) -> str:
    """comment.md: the report within one pull-request comment, marked on its first line."""
    head = COMMENT_MARKER + "\n"
    budget = COMMENT_MAX_BYTES - _size(head)
    body = render(report, max_bytes=budget, limit="comment")
    if _size(body) > budget:  # only a head of thousands of check rows gets here
        note = "\n\n(cut to fit one comment; see report.html or report.json)\n"
        kept = body.encode("utf-8")[: budget - _size(note)].decode("utf-8", errors="ignore")
        body = kept[: kept.rfind("\n") + 1] + note
    return head + body


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def cell(text: object) -> str:
    """Safe in prose and table cells: no pipes, newlines, HTML, links or images."""
    return escaping.markdown_inline(str(text))


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def _head(report: RunReport) -> list[str]:
    """The verdict and the figures down to the case list's heading, with the candidates
    table and its findings when variants ran."""
    agg, decision, generated_at = report.aggregates, report.verdict, report.generated_at
    candidates = variant_rows(report.candidates)
    pair = agg.pair
    lines = [
        f"## migrate-check: {cell(pair.baseline)} → {cell(pair.candidate)}: "
        f"**{decision.qualified}**",
        "",
        f"**{decision.qualified}**: {cell('; '.join(decision.reasons))}.",
        "",
        f"<sub>Rule: {cell(decision.rule)} Generated {cell(generated_at)}.</sub>",
        "",
    ]
    for note in fmt.shutdown_notes(agg.warnings, generated_at):
        lines += ["> [!WARNING]", f"> {cell(note)}", ""]
    lines += _table(["cases", *STATUS_ORDER], [[agg.total_cases, *status_columns(agg.statuses)]])
    if candidates:
        lines += ["", f"### Candidates against {cell(pair.baseline)}", ""]
        lines += _table(VARIANT_HEADER, candidates)
        lines += ["", *(f"- {cell(f)}" for f in variant_findings(report))]
    lines += ["", "### Per model", ""]
    lines += _table(
        ["", f"{pair.baseline} (baseline)", f"{pair.candidate} (candidate)", "candidate/baseline"],
        model_rows(agg),
    )
    lines += ["", cell(price_note(agg))]
    lines += [f"\n{cell(note)}" for note in (agg.grading.lines() if agg.grading else [])]
    lines += ["", "### Claims vs your data", ""]
    lines += _table(
        ["claim", "measured as", pair.baseline, pair.candidate, "this run"], claim_rows(agg)
    )
    lines += _cost_at_volume(report)
    lines += [f"\n{cell(note)}" for note in (*shape_notes(agg.api_shape), *limit_notes(agg))]
    if parameter_rows(agg):
        lines += ["", *_table(PARAMETER_HEADER, parameter_rows(agg))]
    if agg.checks:
        lines += ["", "### Checks", ""]
        lines += _table(
            ["check", *STATUS_ORDER],
            ([name, *status_columns(counts)] for name, counts in agg.checks.items()),
        )
    lines += ["", "### Cases, worst first", ""]
    return lines


def _cost_at_volume(report: RunReport) -> list[str]:
    """The vendor's cost claim beside the team's traffic, and the month at its volume."""
    pair, at_volume = report.run.pair, report.aggregates.cost_at_volume
    lines = []
    if at_volume.claim is not None:
        lines += ["", cell(claim_sentence(at_volume.claim, pair.baseline))]
    if at_volume.month is not None:
        lines += ["", "### Monthly cost at your volume", ""]
        lines += _table(
            [
                "",
                f"{pair.baseline} (baseline)",
                f"{pair.candidate} (candidate)",
                "candidate/baseline",
            ],
            monthly_rows(at_volume.month),
        )
        lines += [f"\n{cell(note)}" for note in monthly_notes(at_volume.month)]
    return lines


def _code(text: str) -> str:
    """Inline code shows text literally, so only backticks and newlines need replacing."""
    return escaping.markdown_code(text)


def _fence(body: str, info: str = "") -> str:
    body = escaping.visible_controls(body, keep="\n\t")
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{body}\n{ticks}\n"


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines() or [""]:
        out += textwrap.wrap(line, WRAP, break_long_words=True, replace_whitespace=False) or [""]
    return out


def compact_diff(baseline: str, candidate: str) -> str:
    """A unified diff of the two outputs without headers, wrapped and cut to a few lines.

    Long outputs are cut before wrapping, to `DIFF_READ_CHARS` from just before their first
    difference: textwrap breaks a long word by copying the rest of the line each time, so
    wrapping a whole answer takes time quadratic in its length (10 MB: over a minute).
    """
    if baseline == candidate:
        return "  (first samples identical)"
    skipped = 0
    if max(len(baseline), len(candidate)) > DIFF_READ_CHARS:
        skipped = _start_near_difference(baseline, candidate)
        baseline = baseline[skipped : skipped + DIFF_READ_CHARS]
        candidate = candidate[skipped : skipped + DIFF_READ_CHARS]
    diff = [
        line
        for line in difflib.unified_diff(_lines(baseline), _lines(candidate), lineterm="", n=1)
        if not line.startswith(("---", "+++"))
    ]
    if len(diff) > DIFF_MAX_LINES:
        diff = [*diff[:DIFF_MAX_LINES], f"@@ {len(diff) - DIFF_MAX_LINES} more diff lines @@"]
    if skipped:
        diff.insert(0, f"@@ {skipped:,} identical characters before this not shown @@")
    return "\n".join(diff)


def _start_near_difference(baseline: str, candidate: str) -> int:
    """Where a cut diff starts: the line of the first difference, or within a long line
    the wrapped line before it (a multiple of `WRAP` from the line's start)."""
    first = _common_prefix_length(baseline, candidate)
    line_start = baseline.rfind("\n", 0, first) + 1
    return line_start + max(0, (first - line_start) // WRAP - 1) * WRAP


def _common_prefix_length(a: str, b: str) -> int:
    """How many leading characters `a` and `b` share, by halving: slices compare at C
    speed, where a loop over 10 million characters takes a second."""
    low, high = 0, min(len(a), len(b))
    while low < high:  # a[:low] == b[:low], and they differ before `high` + 1
        middle = (low + high + 1) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle - 1
    return low


def _case_block(result: CaseResult, row: CaseRow) -> str:
    first_reason = next(
        (c.reason for c in result.checks if check_status(c) == row.status),
        result.checks[0].reason if result.checks else "",
    )
    summary = (
        f"<b>{html.escape(row.status)}</b> <code>{html.escape(row.key)}</code>: "
        f"{html.escape(escaping.terminal(fmt.clip(first_reason, 160)))}"
    )
    checks = [
        f"- **{cell(check.check)}** {check_status(check)}: {cell(fmt.clip(check.reason, 300))}"
        + (f" `{_code(fmt.compact(check.evidence, 300))}`" if check.evidence is not None else "")
        + (f" ({cell(fmt.clip(describe(check.approval), 300))})" if check.approval else "")
        for check in result.checks
    ]
    path = case_line(result)  # a loop case's path in one line, above its checks
    if path is not None:
        checks.insert(0, f"- **path**: {cell(path)}")
    base = fmt.display_text(result.baseline[0]) if result.baseline else ""
    cand = fmt.display_text(result.candidate[0]) if result.candidate else ""
    if result.case.origin:
        origin = fmt.clip("; ".join(result.case.origin), 300)
        checks.append(f"- imported from {_code(origin)}")
    body = "\n".join(checks) + "\n\n" + _fence(compact_diff(base, cand), "diff")
    if _size(body) > CASE_MAX_BYTES:
        body = "\n".join(checks)[: CASE_MAX_BYTES // 2] + "\n\n(diff too large; see report.html)\n"
    return f"<details><summary>{summary}</summary>\n\n{body}\n</details>\n\n"


def _footer(left_out: Sequence[CaseRow], same: int, limit: str) -> str:
    lines = []
    if left_out:
        counts = Counter(row.status for row in left_out)
        by_status = ", ".join(f"{counts[s]} {s}" for s in STATUS_ORDER if counts[s])
        lines.append(
            f"**{len(left_out)} more cases not shown** ({by_status}) to stay within GitHub's "
            f"{limit} limit; see report.html or report.json."
        )
    if same:
        lines.append(f"{same} unchanged cases not listed.")
    return "\n\n".join(lines) + "\n"
