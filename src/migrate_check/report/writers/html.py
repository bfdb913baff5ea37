"""report.html: one self-contained page a reviewer opens offline from CI artifacts.

Aggregates are rendered by jinja2 (autoescaped); the cases travel as JSON in
`<script type="application/json">` blocks and are rendered lazily by inline JS with
`textContent`, so untrusted outputs never become markup and 10,000 cases open quickly.

The page is a viewer: display modes (all, outputs different, candidate failing), status,
suite and check filters whose counts follow the other filters and the search, a
case-insensitive substring search over keys, prompts, outputs, reasons and evidence whose
matches are marked, keyboard navigation (j/k, Enter, Escape, /), and the whole view
(filters, search, open case) kept in the URL's fragment so a link reopens it. It reads at
laptop widths (800 px and up). Its style and script are `templates/viewer*.j2`, included
in `report.html.j2`.

The page parses only what its list needs when it opens: a compact entry per case, in
`<script type="application/json" class="case-index">` blocks of `INDEX_CHUNK` cases.
The cases' details come `DETAIL_CHUNK` to a block, `id="cases-B"` (block B holds the
cases from B x DETAIL_CHUNK in list order), parsed when one of its cases is opened or
searched: neither the time to the first rows nor the page's memory holds every answer
and evidence at once. With one-letter keys, to keep 10,000 cases small:

- a case's entry: `k` key, `s` suite, `t` status, `x` whether the outputs differ, `y`
  whether the candidate fails (a check fails on it, a check errored, or an answer was
  an error), `f` figures, `c` checks as `[check, status, fails]` (fails: the candidate
  fails it or it errored);
- its detail: `p` prompt, `q` request parameters, `o` origin, `b` / `d` baseline /
  candidate outputs per sample, `c` the same checks, in the same order, as `[reason,
  evidence (compact JSON), baseline_ok, candidate_ok, noise, approval, note]`, the note
  saying in words what to do about a callable that timed out (`check_notes`), or null;
  `r`, a loop case's only, the two paths a row per step (`trajectories.viewer_paths`).

The last block, `id="report-data"`, holds the filters' choices: `statuses`, `suites`,
`checks`. The blocks are written in list order, a case at a time, so the page is
written without holding the cases' data; a value JSON has no text for (NaN) falls
back in its own block as `script_json` says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import Any, TextIO

import jinja2
from markupsafe import Markup

from migrate_check.core.case import SIDES, Case, ModelPair
from migrate_check.core.results import CaseResult, Outcome, RunResult
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
from migrate_check.report.monthly_text import cost_sentence, monthly_notes, monthly_rows
from migrate_check.report.run_report import RunReport
from migrate_check.report.statuses import STATUS_ORDER, check_status
from migrate_check.report.tables import (
    VARIANT_HEADER,
    claim_rows,
    model_rows,
    price_note,
    variant_findings,
    variant_rows,
)
from migrate_check.report.trajectories import viewer_paths
from migrate_check.report.writers.check_notes import timeout_note

_TEMPLATES = resources.files("migrate_check.report.writers").joinpath("templates")

TEXT_LIMIT = 20_000
EVIDENCE_LIMIT = 4_000
INDEX_CHUNK = 100  # cases per index block
DETAIL_CHUNK = 20  # cases per detail block
# What of a case the list needs (its entry); the rest is its detail, parsed on demand.
_ENTRY_KEYS = ("f", "k", "s", "t", "x", "y")


def _load(name: str) -> str:
    return _TEMPLATES.joinpath(name).read_text("utf-8")


@cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return env.get_template("report.html.j2")


def script_json(data: Any) -> Markup:
    """JSON safe inside <script>: no `<`, `>` or `&` can end the element or open a comment."""
    try:
        text = json.dumps(
            data, ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
        )
    except ValueError:  # NaN or infinity: not JSON (JSON.parse would refuse the page): null
        text = json.dumps(fmt.jsonable(data, nulls=True), ensure_ascii=False, separators=(",", ":"))
    return Markup(_script_safe(text))


def _script_safe(text: str) -> str:
    """`text` as script_json leaves it: `<`, `>`, `&` and the two JavaScript line
    separators as escapes, and no lone surrogate."""
    text = escaping.no_surrogates(text)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _prompt(case: Case) -> str:
    """The prompt as the baseline sends it, and the candidate's too when a suite revised it."""
    baseline = _prompt_text(case.request_for("baseline"))
    if not case.differs_by_side:
        return baseline
    candidate = _prompt_text(case.request_for("candidate"))
    if candidate == baseline:
        return baseline
    return f"baseline sends:\n{baseline}\n\ncandidate sends:\n{candidate}"


def _params(case: Case, pair: ModelPair) -> str:
    """The key request parameters, per side when the sides send different ones."""
    shown = []
    for side, model in zip(SIDES, (pair.baseline, pair.candidate), strict=True):
        params = fmt.key_params(case.request_for(side), model)
        params.pop("model")
        shown.append(fmt.compact(params))
    if shown[0] == shown[1]:
        return shown[0]
    return f"baseline {shown[0]} · candidate {shown[1]}"


def _prompt_text(request: dict[str, Any]) -> str:
    instructions = request.get("instructions")
    if instructions is not None:
        text = instructions if isinstance(instructions, str) else fmt.compact(instructions)
        rest = _prompt_text({k: v for k, v in request.items() if k != "instructions"})
        return fmt.clip(f"instructions: {text}\n{rest}", TEXT_LIMIT)
    prompt = request.get("messages", request.get("input"))
    if isinstance(prompt, list):
        lines = []
        for message in prompt:
            if isinstance(message, dict):
                content = message.get("content")
                text = content if isinstance(content, str) else fmt.compact(content)
                lines.append(f"{message.get('role', '?')}: {text}")
            else:
                lines.append(fmt.compact(message))
        return fmt.clip("\n".join(lines), TEXT_LIMIT)
    return fmt.clip(prompt if isinstance(prompt, str) else fmt.compact(prompt), TEXT_LIMIT)


def _failing(result: CaseResult) -> bool:
    """The candidate fails: a check fails on it or errored, or one of its answers is an error."""
    return any(
        check.candidate_ok is False or check.outcome is Outcome.ERROR for check in result.checks
    ) or any(completion.error for completion in result.candidate)


def _case(result: CaseResult, row: CaseRow, run: RunResult) -> dict[str, Any]:
    baseline = [fmt.display_text(c) for c in result.baseline]
    candidate = [fmt.display_text(c) for c in result.candidate]
    case = {
        "k": row.key,
        "s": row.suite,
        "t": row.status,
        "p": _prompt(result.case),
        "q": _params(result.case, run.pair),
        "o": "; ".join(result.case.origin),
        "c": [
            [
                check.check,
                check_status(check),
                check.reason,
                fmt.compact(check.evidence, EVIDENCE_LIMIT),
                check.baseline_ok,
                check.candidate_ok,
                check.noise,
                describe(check.approval),
                timeout_note(check),
            ]
            for check in result.checks
        ],
        "b": [fmt.clip(text, TEXT_LIMIT) for text in baseline],
        "d": [fmt.clip(text, TEXT_LIMIT) for text in candidate],
        "x": baseline != candidate,
        "y": _failing(result),
        "f": [
            fmt.money(row.baseline.cost),
            fmt.money(row.candidate.cost),
            fmt.millis(row.baseline.latency_ms),
            fmt.millis(row.candidate.latency_ms),
            f"{row.baseline.input_tokens}/{row.baseline.output_tokens}",
            f"{row.candidate.input_tokens}/{row.candidate.output_tokens}",
        ],
    }
    paths = viewer_paths(result)  # loop cases only: the others' data stays as it was
    if paths is not None:
        case["r"] = paths
    return case


def _case_dicts(report: RunReport) -> Iterator[dict[str, Any]]:
    """Cases worst first, the pair's and then each variant's (as `case[variant]`)."""
    parts = [(report.run, report.aggregates), *((v.run, v.aggregates) for v in report.variants)]
    return (
        _case(part_run.cases[row.index], row, part_run)
        for part_run, part_agg in parts
        for row in part_agg.rows_worst_first()
    )


def _split(case: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """A case's entry in the list's index, and its detail."""
    entry = {key: case[key] for key in _ENTRY_KEYS}
    entry["c"] = [[r[0], r[1], r[5] is False or r[1] == "error"] for r in case["c"]]
    detail = {key: value for key, value in case.items() if key not in _ENTRY_KEYS}
    detail["c"] = [r[2:] for r in case["c"]]
    return entry, detail


def _check_names(report: RunReport) -> list[str]:
    parts = (report.aggregates, *(v.aggregates for v in report.variants))
    return sorted({name for part in parts for name in part.checks})


def _index_block(entries: list[dict[str, Any]]) -> str:
    return f'<script type="application/json" class="case-index">{script_json(entries)}</script>\n'


def _detail_block(number: int, details: list[dict[str, Any]]) -> str:
    return f'<script type="application/json" id="cases-{number}">{script_json(details)}</script>\n'


def _data_pieces(report: RunReport) -> Iterator[str]:
    """The page's data blocks in list order, a case at a time: the details after every
    `DETAIL_CHUNK` cases, the index after every `INDEX_CHUNK`, the filters' choices last."""
    suites: set[str] = set()
    entries: list[dict[str, Any]] = []
    details: list[dict[str, Any]] = []
    blocks = 0
    for case in _case_dicts(report):
        suites.add(str(case["s"]))
        entry, detail = _split(case)
        entries.append(entry)
        details.append(detail)
        if len(details) == DETAIL_CHUNK:
            yield _detail_block(blocks, details)
            blocks, details = blocks + 1, []
        if len(entries) == INDEX_CHUNK:
            yield _index_block(entries)
            entries = []
    if details:
        yield _detail_block(blocks, details)
    if entries:
        yield _index_block(entries)
    choices = {
        "checks": _check_names(report),
        "statuses": list(STATUS_ORDER),
        "suites": sorted(suites),
    }
    yield f'<script type="application/json" id="report-data">{script_json(choices)}</script>'


# Where the page's data goes in the rendered template when it is written in pieces.
_DATA_MARK = "\x00migrate-check-page-data\x00"


def render(report: RunReport) -> str:
    """report.html; the variants' cases join the list after the pair's."""
    data = Markup("".join(_data_pieces(report)))
    return escaping.no_surrogates(_page(report, data))


def write(out: TextIO, report: RunReport) -> None:
    """Write `render(report)` to `out`, the cases' data a case at a time: neither their
    dicts nor the page's text are held whole."""
    page = _page(report, Markup(_DATA_MARK))
    before, mark, after = page.partition(_DATA_MARK)
    if not mark or _DATA_MARK in after:  # the template holds the mark once, or not at all
        out.write(render(report))
        return
    out.write(escaping.no_surrogates(before))
    for piece in _data_pieces(report):
        out.write(piece)
    out.write(escaping.no_surrogates(after))


def _page(report: RunReport, data: Markup) -> str:
    """The page with `data` where the cases' blocks go."""
    agg, generated_at = report.aggregates, report.generated_at
    warnings = fmt.shutdown_notes(agg.warnings, generated_at)  # one per date, as in every report
    return _template().render(
        pair=report.run.pair,
        decision=report.verdict,
        generated_at=generated_at,
        warnings=warnings,
        statuses=STATUS_ORDER,
        counts=agg.statuses,
        total=agg.total_cases,
        model_rows=model_rows(agg),
        claim_rows=claim_rows(agg),
        cost_sentence=cost_sentence(agg),
        monthly_rows=monthly_rows(agg.cost_at_volume.month) if agg.cost_at_volume.month else [],
        monthly_notes=monthly_notes(agg.cost_at_volume.month) if agg.cost_at_volume.month else [],
        claim_notes=[*shape_notes(agg.api_shape), *limit_notes(agg)],
        parameter_header=PARAMETER_HEADER,
        parameter_rows=parameter_rows(agg),
        checks=agg.checks,
        price_note=price_note(agg),
        grading_notes=agg.grading.lines() if agg.grading else [],
        variant_header=VARIANT_HEADER,
        variant_rows=variant_rows(report.candidates),
        variant_findings=variant_findings(report),
        data=data,
        detail_chunk=DETAIL_CHUNK,
    )
