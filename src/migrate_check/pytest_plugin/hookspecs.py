"""Hooks a team implements in `conftest.py` to extend migrate-check, and their arguments."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from migrate_check.checks import Check, CheckRegistry
from migrate_check.core.defaults import DEPRECATIONS_REMOVED_IN

REGISTER_CHECK_DEPRECATED = (
    f"register_check is deprecated and will be removed in migrate-check "
    f"{DEPRECATIONS_REMOVED_IN}; use registry.register"
)


def pytest_migrate_check_configure(
    config: pytest.Config,
    registry: CheckRegistry,
    register_check: Callable[[type[Check]], type[Check]],
) -> None:
    """Called once a run has a model pair; register the team's own checks here.

    `registry.register(MyCheck)` makes `- my_check: {...}` usable in suites, like a
    built-in, for this run only. `register_check(MyCheck)` does the same but is
    deprecated: it warns, and goes in migrate-check 0.3.
    """


def deprecated_register_check(
    config: pytest.Config, registry: CheckRegistry
) -> Callable[[type[Check]], type[Check]]:
    """`registry.register`, warning on each call that the name is deprecated.

    The warning is pytest's configure-time warning (as pytest-xdist issues its own), so
    it lands in the warnings summary, pointing at the conftest that called it, and
    `-W error::DeprecationWarning` turns it into an error.
    """

    def register_check(check: type[Check]) -> type[Check]:
        # Three frames up: issue_config_time_warning, this function, the conftest's hook.
        config.issue_config_time_warning(
            pytest.PytestDeprecationWarning(REGISTER_CHECK_DEPRECATED), 3
        )
        return registry.register(check)

    return register_check
