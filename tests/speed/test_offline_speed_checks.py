"""Built-in checks are imported when a suite first uses them, and known by name before."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

from migrate_check.checks import Check, CheckConfigError, CheckRegistry
from migrate_check.checks.registry import BUILTIN_CHECKS
from migrate_check.core.case import CheckSpec


def test_each_builtin_name_is_its_class_s() -> None:
    for name, path in BUILTIN_CHECKS.items():
        assert pkgutil.resolve_name(path).name == name


def test_names_are_known_before_any_import() -> None:
    assert set(BUILTIN_CHECKS) <= set(CheckRegistry().names())


def test_a_run_imports_only_the_checks_it_builds() -> None:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from migrate_check.core.case import CheckSpec\n"
        "from migrate_check.checks import CheckRegistry\n"
        "r = CheckRegistry()\n"
        "r.build(CheckSpec('finish_reason', None), Path('.'))\n"
        "print(sorted(m for m in sys.modules if m.startswith('migrate_check.checks.')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "migrate_check.checks.builtin.finish_reason" in out
    for unused in ("facts", "judge", "embedding", "text_match", "downstream"):
        assert f"migrate_check.checks.builtin.{unused}'" not in out


def test_a_team_check_cannot_take_a_builtin_s_name() -> None:
    class Mine(Check):
        name = "schema"

        @classmethod
        def from_options(cls, options: object, base_dir: Path) -> Check:
            return cls()

        def judge(self, baseline: object, candidate: object) -> object:  # type: ignore[override]
            raise NotImplementedError

    with pytest.raises(CheckConfigError, match="already registered by migrate_check.checks"):
        CheckRegistry().register(Mine)
    registry = CheckRegistry()
    with pytest.raises(CheckConfigError, match="unknown check 'nope'"):
        registry.build(CheckSpec("nope", None), Path("."))
