"""Hooks a team implements in `conftest.py` to extend migrate-check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from migrate_check.checks import CheckRegistry


def pytest_migrate_check_configure(
    config: pytest.Config, registry: CheckRegistry, register_check: Callable[[Any], Any]
) -> None:
    """Called once a run has a model pair; register the team's own checks here.

    `registry.register(MyCheck)` makes `- my_check: {...}` usable in suites, like a
    built-in, for this run only. `register_check` is the same function, under the name
    the first releases gave it.
    """
