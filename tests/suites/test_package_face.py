"""`migrate_check.suites` names its entry points without paying for a YAML parser."""

from __future__ import annotations

import subprocess
import sys

import pytest

import migrate_check.suites
from migrate_check.suites import loading


def test_importing_the_package_loads_no_yaml_parser() -> None:
    code = (
        "import sys, migrate_check.suites\n"
        "print(sorted(m for m in sys.modules if m == 'yaml' or m.startswith('migrate_check.')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "['migrate_check.suites']"


@pytest.mark.parametrize("name", migrate_check.suites.__all__)
def test_the_package_gives_the_loaders_own_objects(name: str) -> None:
    assert getattr(migrate_check.suites, name) is getattr(loading, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'load_suites'"):
        _ = migrate_check.suites.load_suites
