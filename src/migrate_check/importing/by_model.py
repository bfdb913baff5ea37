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
    groups: dict[str | None, ModelGroup] = {}
    skipped = list(collected.skipped)
    for prompt in collected.prompts:
        key, reason = group_of(prompt.model, prompt.answer is not None, models, only)
        if reason is not None:
            skipped.append(Skipped(prompt.origin, reason))
            continue
        group = groups.get(key)
        if group is None:
            path, group_name = suite_for_model(suite_path, name, key, models)
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


def group_of(
    model: str | None, answered: bool, models: list[str], only: str | None
) -> tuple[str | None, str | None]:
    """The suite a prompt goes to (a recorded model's, or None: the unrecorded cases'),
    and None; or, for an answer of a model `--model` left out, None and why."""
    if answered and model:
        if model not in models:
            return None, f"recorded with {model}, not {only} (the model --model selects)"
        return model, None
    if model in models:
        return model, None
    return (None if len(models) > 1 or not models else models[0]), None


def suite_for_model(
    suite_path: Path, name: str | None, key: str | None, models: list[str]
) -> tuple[Path, str | None]:
    """`suites/app.yaml` -> `suites/app-gpt-4o-mini.yaml` (suite `app-gpt-4o-mini`) when
    the inputs hold several recorded models; the file asked for otherwise."""
    if key is None or len(models) < 2:
        return suite_path, name
    slug = safe_name(key).replace("_", "-").strip("-.") or "model"
    stem = name or suite_path.stem
    return suite_path.with_name(f"{suite_path.stem}-{slug}{suite_path.suffix}"), f"{stem}-{slug}"
