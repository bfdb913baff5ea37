"""Hooks a team implements in `conftest.py` to extend migrate-check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


def pytest_migrate_check_configure(
    config: pytest.Config, register_check: Callable[[Any], Any]
) -> None:
    """Called once a run has a model pair; register the team's own checks here.

    `register_check(MyCheck)` makes `- my_check: {...}` usable in suites, like a built-in.
    """
