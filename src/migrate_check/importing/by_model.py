"""Recordings keep the model they were recorded with: an import of a folder that mixes
models becomes one suite per recorded model, and every recorded case says
`recorded_with:`, so a recorded gpt-4.1-mini answer never stands in for gpt-4o-mini.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from migrate_check.cassettes.paths import safe_name
from migrate_check.importing.sources import Collected, Skipped


@dataclass
class ModelGroup:
    """The prompts of one suite to write: those recorded with `model` (None: unrecorded)."""

    model: str | None
    suite_path: Path
    name: str | None
    collected: Collected = field(default_factory=Collected)


def recorded_models(collected: Collected) -> list[str]:
    """Models with at least one recorded answer, in order of first appearance."""
    seen: dict[str, None] = {}
    for prompt in collected.prompts:
        if prompt.answer is not None and prompt.model:
            seen.setdefault(prompt.model, None)
    return list(seen)


def split_by_model(
    collected: Collected, suite_path: Path, name: str | None, only: str | None = None
) -> list[ModelGroup]:
    """One group per recorded model, or only `only`'s (the others are skipped, saying so).

    A prompt without an answer goes with the model it asked for when that model's suite
    exists; otherwise into the suite named as asked, whose cases are all unrecorded.
    """
    models = recorded_models(collected) if only is None else [only]
    one_suite_per_model = len(models) > 1
    groups: dict[str | None, ModelGroup] = {}
    skipped = list(collected.skipped)
    for prompt in collected.prompts:
        if prompt.answer is not None and prompt.model:
            if prompt.model not in models:
                reason = f"recorded with {prompt.model}, not {only} (the model --model selects)"
                skipped.append(Skipped(prompt.origin, reason))
                continue
            key: str | None = prompt.model
        elif prompt.model in models:
            key = prompt.model
        else:
            key = None if one_suite_per_model or not models else models[0]
        group = groups.get(key)
        if group is None:
            path, group_name = _suite_for_model(
                suite_path, name, key if one_suite_per_model else None
            )
            group = groups[key] = ModelGroup(key, path, group_name)
            group.collected = replace(collected, prompts=[], skipped=[])
        group.collected.prompts.append(prompt)
    ordered = [groups[m] for m in models if m in groups]
    if None in groups:
        ordered.append(groups[None])
    if not ordered and only is None:  # nothing usable: the one suite says why
        ordered = [ModelGroup(None, suite_path, name, replace(collected, prompts=[]))]
    if ordered:
        ordered[0].collected.skipped = skipped
    return ordered


def _suite_for_model(
    suite_path: Path, name: str | None, model: str | None
) -> tuple[Path, str | None]:
    """`suites/app.yaml` -> `suites/app-gpt-4o-mini.yaml` (suite `app-gpt-4o-mini`)."""
    if model is None:
        return suite_path, name
    slug = safe_name(model).replace("_", "-").strip("-.") or "model"
    stem = name or suite_path.stem
    return suite_path.with_name(f"{suite_path.stem}-{slug}{suite_path.suffix}"), f"{stem}-{slug}"
