"""The evidence under the "same API" and "bigger limits" claim rows, as plain text lines
and a parameter table, so report.md and report.html show the same words."""

from __future__ import annotations

from migrate_check.report.aggregate import Aggregates
from migrate_check.report.api_shape import ApiShape, ShapeSide
from migrate_check.report.limits import NEAR, SideLimits

#: Cases named in one line at most; the rest are counted (report.json has them all).
MAX_NAMED = 5
PARAMETER_HEADER = (
    "parameter",
    "cases",
    "baseline took it",
    "candidate took it",
    "baseline honoured",
    "candidate honoured",
    "honoured means",
)


def _reasons(side: ShapeSide) -> str:
    return ", ".join(f"{n} {reason}" for reason, n in side.finish_reasons.items()) or "none"


def _named(items: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(items[:MAX_NAMED])
    more = len(items) - MAX_NAMED
    return f"{shown} and {more} more" if more > 0 else shown


def _one_or_both(name: str, base: tuple[str, ...], cand: tuple[str, ...]) -> str:
    if base == cand:
        return f"{name}: the same on both ({len(base)})"
    only_b = [f for f in base if f not in cand]
    only_c = [f for f in cand if f not in base]
    return (
        f"{name}: only the baseline's {_named(only_b) or 'none'}; "
        f"only the candidate's {_named(only_c) or 'none'}"
    )


def shape_notes(shape: ApiShape | None) -> list[str]:
    """What the same-API row compared and each difference, one line each."""
    if shape is None:
        return []
    lines = [f"Same API: compared {shape.compared}."]
    if not (shape.baseline.bodies and shape.candidate.bodies):
        lines.append(
            "No recorded bodies on one side (errors, or a run across xdist workers, which "
            "do not pass bodies back): nothing to compare."
        )
        return lines
    lines.append(
        f"Finish reasons: baseline {_reasons(shape.baseline)}; "
        f"candidate {_reasons(shape.candidate)}."
    )
    lines.append(
        _one_or_both(
            "Usage detail fields", shape.baseline.usage_fields, shape.candidate.usage_fields
        )
        + "."
    )
    lines.append(
        _one_or_both(
            "Refusal fields", shape.baseline.refusal_fields, shape.candidate.refusal_fields
        )
        + f"; refusals: {shape.baseline.refusals} baseline, {shape.candidate.refusals} candidate."
    )
    differences = shape.differences()
    if differences:
        lines.append(f"Differences ({len(differences)}): {_named(differences)}.")
    else:
        lines.append("No field, type or parameter differs.")
    return lines


def parameter_rows(agg: Aggregates) -> list[list[str]]:
    """One row per request parameter the suites send."""
    shape = agg.api_shape
    if shape is None:
        return []
    return [
        [
            row.name,
            str(row.cases),
            row.accepted("baseline"),
            row.accepted("candidate"),
            row.honoured("baseline"),
            row.honoured("candidate"),
            row.test or "—",
        ]
        for row in shape.parameters
    ]


def _side_limits(side: SideLimits) -> str:
    def limit(value: int | None) -> str:
        return "unknown" if value is None else f"{value:,}"

    def seen(tokens: int | None, case: str | None) -> str:
        return "none" if tokens is None else f"{tokens:,} ({case})"

    return (
        f"{side.model}: documented {limit(side.context_window)} context / "
        f"{limit(side.max_output_tokens)} output; largest input "
        f"{seen(side.largest_input, side.largest_input_case)}, largest output "
        f"{seen(side.largest_output, side.largest_output_case)}"
    )


def limit_notes(agg: Aggregates) -> list[str]:
    """Each model's documented limits against the largest seen, and one-sided cut-offs."""
    found = agg.limits
    if found is None:
        return []
    lines = [
        f"Limits (price table dated {agg.price_date}): {_side_limits(found.baseline)}; "
        f"{_side_limits(found.candidate)}."
    ]
    if not (found.context_exercised and found.output_exercised):
        lines.append(
            f"A limit counts as exercised when a case reaches {NEAR:.0%} of the baseline's; "
            "a limit no case nears is 'not exercised by your suites'."
        )
    for side, name in ((found.baseline, "baseline"), (found.candidate, "candidate")):
        if side.cut_off_only_here:
            lines.append(
                f"Cut off at the output limit on the {name} only: "
                f"{_named(list(side.cut_off_only_here))}."
            )
    return lines
