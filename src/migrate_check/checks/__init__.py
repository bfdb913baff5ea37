"""Checks: each compares one aspect of the two models' outputs and gives one outcome.

The public surface for teams writing their own: subclass `Check` (or `SideBySideCheck`,
which brings the outcome rules and the noise floor), then register it in the
`pytest_migrate_check_configure` hook (`registry.register(MyCheck)`) or ship it under
the entry point group `migrate_check.checks`. The built-in checks are written the same
way, in `builtin/`.

In: a case's check specs from its suite, and both models' `Completion`s (several samples
each). Out: one `CheckResult` per check, decided by the outcome rules every check shares.
"""

from __future__ import annotations

from migrate_check.checks.base import (
    Check,
    CheckConfigError,
    CheckRunError,
    Difference,
    Observation,
    SideBySideCheck,
)
from migrate_check.checks.outcome_rules import NoiseFloor
from migrate_check.checks.registry import (
    CheckRegistry,
    build_check,
    check_names,
    default_registry,
)

__all__ = [
    "Check",
    "CheckConfigError",
    "CheckRunError",
    "Difference",
    "NoiseFloor",
    "Observation",
    "SideBySideCheck",
    "CheckRegistry",
    "build_check",
    "check_names",
    "default_registry",
    "register_check",
]


def register_check(cls: object) -> object:
    """Raise, saying where a check is registered instead.

    Checks belong to one run's registry, so there is no process-wide one to add to; code
    that calls this gets a `TypeError` naming the hook and the entry point group to use.
    """
    raise TypeError(
        "migrate_check.checks.register_check is gone: register the check in conftest.py, "
        "def pytest_migrate_check_configure(config, registry): registry.register(MyCheck), "
        "or ship it under the entry point group 'migrate_check.checks'"
    )
