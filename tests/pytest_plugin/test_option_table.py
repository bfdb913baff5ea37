"""The option table: each option declared once, its settings field and default in step
with `RunSettings`, and every ini key read from an ini file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import PAIR
from migrate_check.pytest_plugin.option_table import OPTIONS, Option
from migrate_check.pytest_plugin.settings import RunSettings

FIELDS = {f.name: f for f in dataclasses.fields(RunSettings)}


def test_flags_and_ini_keys_are_declared_once() -> None:
    flags = [o.flag for o in OPTIONS if o.flag]
    keys = [o.ini for o in OPTIONS if o.ini] + [o.old_ini.name for o in OPTIONS if o.old_ini]
    assert len(flags) == len(set(flags))
    assert len(keys) == len(set(keys))
    assert all(key.startswith("migrate_check_") for o in OPTIONS if (key := o.ini))


@pytest.mark.parametrize("option", [o for o in OPTIONS if o.setting], ids=lambda o: o.setting)
def test_each_setting_fills_a_field_whose_default_is_the_options(option: Option) -> None:
    assert option.setting in FIELDS
    default = FIELDS[str(option.setting)].default
    assert default == (Path(option.default) if option.is_path else option.default)


@pytest.mark.parametrize(
    ("ini", "value", "setting", "expected"),
    [
        ("migrate_check_fail_on", "changed", "fail_on", "changed"),
        ("migrate_check_samples", "3", "samples", 3),
        ("migrate_check_concurrency", "5", "concurrency", 5),
        ("migrate_check_max_retries", "0", "max_retries", 0),
        ("migrate_check_cassette_dir", "recorded", "cassette_dir", "<root>/recorded"),
        ("migrate_check_request_timeout", "2.5", "timeout_s", 2.5),
        ("migrate_check_batch_poll", "7", "batch_poll_s", 7.0),
    ],
)
def test_an_ini_key_sets_the_run_setting(
    pytester: pytest.Pytester, ini: str, value: str, setting: str, expected: object
) -> None:
    pytester.makeconftest(
        "def pytest_configure(config):\n"
        "    from migrate_check.pytest_plugin.options import settings_from\n"
        f"    print('SETTING', repr(getattr(settings_from(config), {setting!r})))\n"
    )
    pytester.makeini(f"[pytest]\nmigrate_check_model_pair = {PAIR}\n{ini} = {value}\n")
    result = pytester.runpytest("-s", "--collect-only", "-q")
    shown = repr(expected)
    if isinstance(expected, str) and expected.startswith("<root>/"):
        shown = repr(pytester.path / expected.removeprefix("<root>/"))
    assert f"SETTING {shown}" in result.stdout.lines
